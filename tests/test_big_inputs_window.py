"""Big inputs through the window, with the real engine and models: a folder of 10,000 small
notes and a PDF of 1,500 pages. The window keeps answering the user while they are added,
its progress counts the files, and a fact on page 1,234 is cited by that page."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from quelle.ui.window import MainWindow
from test_window import LOAD, drop, wait_ready

pytestmark = pytest.mark.slow

ADDING = 900_000  # ms: a failure bound only; both take a minute or two on two cores
FILES = 10_000
PAGES = 1_500


class Lag:
    """The longest the GUI thread went without running a 20 ms timer: what a user feels as
    a frozen window."""

    def __init__(self) -> None:
        from PySide6.QtCore import QTimer

        self.longest = 0.0
        self._last = time.perf_counter()
        self._timer = QTimer()
        self._timer.timeout.connect(self._tick)
        self._timer.start(20)

    def _tick(self) -> None:
        now = time.perf_counter()
        self.longest = max(self.longest, now - self._last)
        self._last = now

    def stop(self) -> float:
        self._timer.stop()
        return self.longest


def test_a_folder_of_ten_thousand_notes_is_counted_and_the_window_keeps_answering(
    qtbot: QtBot, open_window: Callable[[Path], MainWindow], home: Path, tmp_path: Path
) -> None:
    notes = tmp_path / "Notizen"
    for n in range(FILES):
        folder = notes / f"{n // 500:02d}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"notiz-{n:05d}.md").write_text(
            f"Notiz {n}: Paket {n} liegt in Regal {n % 97}, Fach {n % 13}.", encoding="utf-8"
        )
    window = open_window(home)
    wait_ready(qtbot, window)
    counted: set[str] = set()
    lag = Lag()
    with qtbot.waitSignal(window.ingestion_done, timeout=ADDING):
        assert drop(window, [notes])
        while not window.ingest_box.isHidden():
            counted.add(window.ingest_box.label.text().split("  ·  ")[0])
            qtbot.wait(200)
    longest = lag.stop()
    print(f"\nlongest the window did not respond while adding {FILES} notes: {longest:.2f} s")
    assert any(text.endswith(f" of {FILES}") for text in counted), sorted(counted)[:5]
    assert len({t for t in counted if t.startswith("Adding file")}) > 3  # the count moved
    assert longest < 2.0
    rows = window.library_panel.rows()
    assert len(rows) == FILES and all(r.state == "ready" for r in rows)
    qtbot.waitUntil(lambda: window.library_panel._summary.text().startswith(f"{FILES} documents"))


def pdf_of_pages(path: Path, pages: int) -> Path:
    """A PDF of `pages` pages, each one line of text that only it holds."""
    from pypdf import PdfWriter
    from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject

    writer = PdfWriter()
    font = writer._add_object(
        DictionaryObject(
            {
                NameObject("/Type"): NameObject("/Font"),
                NameObject("/Subtype"): NameObject("/Type1"),
                NameObject("/BaseFont"): NameObject("/Helvetica"),
            }
        )
    )
    resources = DictionaryObject({NameObject("/Font"): DictionaryObject({NameObject("/F1"): font})})
    for n in range(1, pages + 1):
        page = writer.add_blank_page(595, 842)
        content = DecodedStreamObject()
        line = f"Lager {n}: Im Lager Nummer {n} stehen {n * 7 + 3} Kisten mit Ersatzteilen."
        content.set_data(f"BT /F1 11 Tf 72 760 Td ({line}) Tj ET".encode("latin-1"))
        page[NameObject("/Contents")] = writer._add_object(content)
        page[NameObject("/Resources")] = resources
    with path.open("wb") as out:
        writer.write(out)
    return path


def test_a_pdf_of_fifteen_hundred_pages_is_added_and_cited_by_page(
    qtbot: QtBot, open_window: Callable[[Path], MainWindow], home: Path, tmp_path: Path
) -> None:
    pdf = pdf_of_pages(tmp_path / "Inventar.pdf", PAGES)
    window = open_window(home)
    wait_ready(qtbot, window)
    with qtbot.waitSignal(window.ingestion_done, timeout=ADDING):
        assert drop(window, [pdf])
    row = window.library_panel.row_for("Inventar.pdf")
    assert row is not None and row.state == "ready" and row.pages == PAGES, row

    window.ask("Wie viele Kisten stehen im Lager Nummer 1234?")
    qtbot.waitUntil(lambda: not window.chat.answering, timeout=LOAD)
    turn = window.chat.turns()[-1]
    assert turn.saved is not None and turn.quotes and "8641 Kisten" in turn.quotes[0].text
    cited = turn.saved.sources[turn.quotes[0].n - 1]
    assert cited.page == 1234
