"""Scanned pages: a PDF page without a text layer is drawn by pdfium and read by the Tesseract
OCR engine, in English and German where their data is installed.

Quelle uses the system's Tesseract (on Debian `tesseract-ocr`, `tesseract-ocr-eng`,
`tesseract-ocr-deu`, which the set-up installs where it may); without it such pages are
reported as needing OCR. It runs in the reader process, under its time limit.
"""

from __future__ import annotations

import functools
import logging
import os
from collections.abc import Iterator, Sequence
from pathlib import Path

log = logging.getLogger(__name__)

DPI = 300  # what Tesseract reads best
MAX_SIDE = 4200  # pixels: a poster-sized page is drawn smaller, not at 300 dpi
LANGUAGES = ("deu", "eng")  # German first: with English first, "für" is read "fur"
INSTALL_HINT = "apt install tesseract-ocr tesseract-ocr-eng tesseract-ocr-deu"


@functools.cache
def languages() -> str:
    """Tesseract's languages for Quelle ("deu+eng"), or "" when Tesseract is not there."""
    try:
        import pytesseract

        installed = set(pytesseract.get_languages(config=""))
    except Exception:  # no tesseract binary, or it does not run
        log.info("Tesseract is not available", exc_info=True)
        return ""
    return "+".join(lang for lang in LANGUAGES if lang in installed) or "eng"


def recognise(path: Path, numbers: Sequence[int], password: str = "") -> Iterator[tuple[int, str]]:
    """(page number, text) of the pages `numbers` (from 1) of the PDF at `path`."""
    import pypdfium2 as pdfium
    import pytesseract

    # Tesseract's OpenMP threads fight over two cores: one thread read a dense page in 2.8 s
    # where the default took 13 s (benchmarks/ocr.py). The reader process is Tesseract's.
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    document = pdfium.PdfDocument(str(path), password=password or None)
    try:
        for number in numbers:
            page = document[number - 1]
            width, height = page.get_size()  # in points, 72 a inch
            scale = min(DPI / 72, MAX_SIDE / max(width, height, 1))
            image = page.render(scale=scale, grayscale=True).to_pil()
            yield number, pytesseract.image_to_string(image, lang=languages())
    finally:
        document.close()
