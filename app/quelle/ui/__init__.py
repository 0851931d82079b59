"""Quelle's PySide6 window: a thin client of `quelle.core.library.Library`."""
