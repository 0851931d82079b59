"""Numbers as the window's language writes them ("1,234.5" in English, "1.234,5" in German)."""

from __future__ import annotations

from PySide6.QtCore import QLocale


def number(value: float, decimals: int = 0) -> str:
    """`value` with `decimals` places and the language's group and decimal separators."""
    if decimals:
        return QLocale().toString(float(value), "f", decimals)
    return QLocale().toString(int(round(value)))


def size_text(size: int) -> str:
    """Bytes as megabytes or gigabytes."""
    if size >= 2**30:
        return f"{number(size / 2**30, 1)} GB"
    return f"{number(size / 2**20)} MB"
