"""Scanned pages: a PDF page without a text layer is drawn by pdfium and read by the Tesseract
OCR engine, in English and German where their data is installed.

Quelle uses the system's Tesseract (on Debian `tesseract-ocr`, `tesseract-ocr-eng`,
`tesseract-ocr-deu`, which the set-up installs where it may); without it such pages are
reported as needing OCR. It runs in the reader process, under its time limit.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import os
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

from quelle.common.errors import DocumentError
from quelle.common.wording import say
from quelle.protocol.values import WordBox

log = logging.getLogger(__name__)

DPI = 300  # what Tesseract reads best
MAX_SIDE = 4200  # pixels: a poster-sized page is drawn smaller, not at 300 dpi
LANGUAGES = ("deu", "eng")  # German first: with English first, "für" is read "fur"
SCAN_SECONDS = 60  # the longest a page read for the source view may take
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
    import pytesseract

    with _pages(path, password) as render:
        for number in numbers:
            image, _ = render(number)
            yield number, pytesseract.image_to_string(image, lang=languages())


def read_scan(path: Path, number: int, password: str = "") -> tuple[str, list[WordBox]]:
    """Page `number` of a scanned PDF as Tesseract reads it: the text, a line of it for each
    line read, and each word's place on the page, for a passage to be shown where it is."""
    import pytesseract

    if not languages():
        raise DocumentError(
            say(
                "Showing where a scanned page says this needs Tesseract ({command}).",
                command=INSTALL_HINT,
            )
        )
    with _pages(path, password) as render:
        image, scale = render(number)
    found = pytesseract.image_to_data(
        image, lang=languages(), output_type=pytesseract.Output.DICT, timeout=SCAN_SECONDS
    )
    text, words, line = "", [], None
    for n, word in enumerate(found["text"]):
        word = word.strip()
        if not word:
            continue
        at = (found["block_num"][n], found["par_num"][n], found["line_num"][n])
        if text:
            text += " " if at == line else "\n"
        line = at
        left, top = found["left"][n] / scale, found["top"][n] / scale
        width, height = found["width"][n] / scale, found["height"][n] / scale
        words.append(WordBox(len(text), len(text) + len(word), left, top, width, height))
        text += word
    return text, words


@contextlib.contextmanager
def _pages(path: Path, password: str) -> Iterator[Callable[[int], tuple[Any, float]]]:
    """A function that draws a page (from 1) as Tesseract reads it best: (image, pixels a
    point)."""
    import pypdfium2 as pdfium

    # Tesseract's OpenMP threads fight over two cores: one thread read a dense page in 2.8 s
    # where the default took 13 s (benchmarks/ocr.py). The reader process is Tesseract's.
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    document = pdfium.PdfDocument(str(path), password=password or None)

    def render(number: int) -> tuple[Any, float]:
        page = document[number - 1]
        width, height = page.get_size()  # in points, 72 a inch
        scale = min(DPI / 72, MAX_SIDE / max(width, height, 1))
        return page.render(scale=scale, grayscale=True).to_pil(), scale

    try:
        yield render
    finally:
        document.close()
