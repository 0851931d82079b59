"""Scanned pages: a PDF whose page is only an image of text is read by Tesseract, German
umlauts included, and found by a question; without Tesseract it is named as needing OCR,
with how to install it. The scans are made here from known text (Pillow, DejaVu Sans)."""

from __future__ import annotations

from pathlib import Path

import pytest

from engines import Engines
from quelle.common.errors import EmptyDocument
from quelle.engine.reading import ocr
from quelle.engine.reading.documents import read_pages
from quelle.protocol.values import Progress

LINES = [
    "Die Heizkostenabrechnung für 2023 ergab eine Nachzahlung von 412 Euro.",
    "The landlord will repaint the stairwell in April, weather permitting.",
    "Der Vermieter bittet um Zahlung bis zum 15. März auf das bekannte Konto.",
]
FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")


def scan(path: Path, lines: list[str], dpi: int = 200) -> Path:
    """A one-page PDF holding `lines` as an image only, as a scanner makes it."""
    from PIL import Image, ImageDraw, ImageFont

    page = Image.new("L", (int(8.27 * dpi), int(11.69 * dpi)), 255)  # A4
    draw = ImageDraw.Draw(page)
    font = ImageFont.truetype(str(FONT), int(dpi * 0.18))
    for n, line in enumerate(lines):
        draw.text((dpi * 0.6, dpi * (1 + 0.35 * n)), line, font=font, fill=0)
    page.save(path, resolution=dpi)
    return path


def test_a_scanned_page_is_read_with_its_umlauts(tmp_path: Path) -> None:
    assert ocr.languages() == "deu+eng", "the set-up installs tesseract-ocr-deu and -eng"
    [page] = read_pages(scan(tmp_path / "Abrechnung.pdf", LINES))
    assert page.number == 1
    for line in LINES:
        assert line in " ".join(page.text.split()), page.text


def test_without_tesseract_a_scan_is_named_as_needing_ocr(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ocr, "languages", lambda: "")
    with pytest.raises(EmptyDocument) as error:
        read_pages(scan(tmp_path / "Abrechnung.pdf", LINES))
    assert str(error.value) == (
        "'Abrechnung.pdf' has no text layer (a scan?) and needs OCR: install Tesseract "
        "(apt install tesseract-ocr tesseract-ocr-eng tesseract-ocr-deu) and add it again."
    )


def test_each_word_of_a_scanned_page_has_its_place(tmp_path: Path) -> None:
    """The words Tesseract read, with where they stand: what the source view highlights."""
    text, words = ocr.read_scan(scan(tmp_path / "Abrechnung.pdf", LINES), 1)
    assert text.splitlines() == LINES
    [stairwell] = [w for w in words if text[w.start : w.end] == "stairwell"]
    # The second line is drawn 1.35 inches from the top, from 0.6 inches in: in points,
    # 97 and 43, with the letters' height below.
    assert 90 < stairwell.y < 105 and 5 < stairwell.height < 20
    assert 43 < stairwell.x < 8.27 * 72 / 2


@pytest.mark.slow
def test_a_question_finds_the_scanned_sentence_on_its_page(home: Path, tmp_path: Path) -> None:
    from quelle.engine.library import Library

    library = Library(home)
    report = library.ingest([scan(tmp_path / "Abrechnung.pdf", LINES)])
    assert report.added and not report.failed
    answer = library.ask("Wie hoch war die Nachzahlung der Heizkostenabrechnung?", write=False)
    library.close()
    quoted = answer.evidence[0]
    assert "412 Euro" in quoted.text
    assert answer.sources[quoted.n - 1].passage.page == 1


@pytest.mark.slow
def test_adding_a_scan_tells_each_page_read(home: Path, tmp_path: Path) -> None:
    from pypdf import PdfWriter

    from quelle.engine.library import Library

    pages = PdfWriter()
    for n in range(3):
        pages.append(str(scan(tmp_path / f"page-{n}.pdf", [f"Seite {n + 1}: {LINES[n]}"])))
    pages.write(tmp_path / "Scan.pdf")
    library = Library(home)
    events: list[Progress] = []
    report = library.ingest([tmp_path / "Scan.pdf"], on_progress=events.append)
    library.close()
    assert report.added and not report.failed
    read = [(p.event.scanned, p.event.pages) for p in events if p.event.state == "recognising"]
    assert read == [(1, 3), (2, 3), (3, 3)]
    fractions = [p.fraction for p in events if p.event.state == "recognising"]
    assert fractions == sorted(fractions) and 0 < fractions[0] < fractions[-1] < 1


@pytest.mark.slow
def test_the_engine_reads_a_scanned_page_in_a_reader_process(
    engines: Engines, tmp_path: Path
) -> None:
    """The source view's `ReadScan`: pdfium and Tesseract run beside the engine, not in it,
    and a file gone meanwhile is named."""
    from quelle.protocol.client import connect
    from quelle.protocol.messages import Failed, Message, ReadScan, ScanRead, decode, encode

    scanned = scan(tmp_path / "Abrechnung.pdf", LINES)
    engine = engines.start()
    engines.client().close()  # it serves
    found = connect(engines.paths)
    assert found is not None
    conn = found[0]

    def ask(request: int, path: Path) -> Message:
        conn.send_bytes(encode(ReadScan(request, str(path), 1)))
        while True:
            event = decode(conn.recv_bytes())
            if getattr(event, "request", None) == request:
                return event

    read = ask(1, scanned)
    assert isinstance(read, ScanRead) and read.text.splitlines() == LINES
    maps = Path(f"/proc/{engine.pid}/maps").read_text(encoding="utf-8")
    assert "pdfium" not in maps
    gone = ask(2, tmp_path / "Weg.pdf")
    assert isinstance(gone, Failed) and gone.message == "'Weg.pdf' no longer exists."
    conn.close()
