"""Scanned pages: how fast Tesseract reads them here, and how many of their words it gets.

Pages are made from known text, real prose the OCR was never tuned on: German paragraphs
of XQuAD-de and English abstracts of SciFact, drawn in DejaVu Sans at 11 pt on A4 at
200 dpi and saved as a PDF of images only, as a scanner makes it. Quelle reads the PDF as
ingestion does (`read_pages`: pdfium draws each page, Tesseract reads it). Word accuracy:
the share of the page's words (case aside, punctuation stripped) found in what was read,
counted with repeats.

Usage: python benchmarks/ocr.py [--pages 6]
Writes benchmarks/results/ocr.json.
"""

from __future__ import annotations

import argparse
import collections
import json
import re
import sys
import tempfile
import textwrap
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import beir  # noqa: E402
from retrieval import RESULTS  # noqa: E402

FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
DPI = 200
LINES_PER_PAGE = 30
_WORD = re.compile(r"\w+")


def page_texts(pages: int) -> list[tuple[str, list[str]]]:
    """(language, lines) of each page: German and English in turn."""
    sources = {
        "de": list(beir.load("xquad_de").corpus.values()),
        "en": list(beir.load("scifact").corpus.values()),
    }
    found: list[tuple[str, list[str]]] = []
    for n in range(pages):
        language = "de" if n % 2 == 0 else "en"
        lines: list[str] = []
        for doc in sources[language][n * 7 :]:
            lines += textwrap.wrap(doc[1], 78)  # (title, text)
            if len(lines) >= LINES_PER_PAGE:
                break
        found.append((language, lines[:LINES_PER_PAGE]))
    return found


def make_scan(path: Path, pages: list[tuple[str, list[str]]]) -> None:
    from PIL import Image, ImageDraw, ImageFont

    font = ImageFont.truetype(str(FONT), int(DPI * 11 / 72))
    images = []
    for _, lines in pages:
        image = Image.new("L", (int(8.27 * DPI), int(11.69 * DPI)), 255)
        draw = ImageDraw.Draw(image)
        for n, line in enumerate(lines):
            draw.text((DPI * 0.8, DPI * (0.8 + 0.32 * n)), line, font=font, fill=0)
        images.append(image)
    images[0].save(path, resolution=DPI, save_all=True, append_images=images[1:])


def words(text: str) -> collections.Counter[str]:
    return collections.Counter(w.casefold() for w in _WORD.findall(text))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=6)
    args = parser.parse_args()
    from quelle.engine.reading import ocr
    from quelle.engine.reading.documents import read_pages

    if not ocr.languages():
        raise SystemExit(f"Tesseract is not installed: {ocr.INSTALL_HINT}")
    pages = page_texts(args.pages)
    with tempfile.TemporaryDirectory() as folder:
        scan = Path(folder) / "scan.pdf"
        make_scan(scan, pages)
        started = time.perf_counter()
        read = read_pages(scan)
        seconds = time.perf_counter() - started
    texts = {p.number: p.text for p in read}
    per_language: dict[str, list[int]] = {"de": [0, 0], "en": [0, 0]}
    for number, (language, lines) in enumerate(pages, start=1):
        truth, got = words(" ".join(lines)), words(texts.get(number, ""))
        per_language[language][0] += sum((truth & got).values())
        per_language[language][1] += sum(truth.values())
    result = {
        "pages": len(pages),
        "languages": ocr.languages(),
        "seconds": round(seconds, 2),
        "pages_per_second": round(len(pages) / seconds, 3),
        "word_accuracy": {
            language: round(found / total, 4)
            for language, (found, total) in per_language.items()
            if total
        },
        "words": {language: total for language, (_, total) in per_language.items()},
    }
    print(
        f"{len(pages)} scanned pages in {seconds:.1f} s ({result['pages_per_second']} pages/s); "
        f"word accuracy {result['word_accuracy']}"
    )
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "ocr.json").write_text(json.dumps(result, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
