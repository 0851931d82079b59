"""Quelle: ask questions about your own documents, fully offline."""

__version__ = "0.1.0"
