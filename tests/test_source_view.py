"""The source view: a citation opens the right page with the passage visibly highlighted."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from quelle.engine.reading.documents import read_pages
from quelle.ui.passage_location import locate_passage
from quelle.ui.source_view import SourceView
from test_ocr import LINES, scan

from conftest import APPLE_INCOME_STATEMENT_PAGE, APPLE_Q3_2022, EVAL, needs_eval
from fake_engine import read_scan, read_source

ENCRYPTION = EVAL / "pdf_robustness" / "pypdf_resources" / "encryption"


@pytest.fixture
def view(qtbot: QtBot) -> SourceView:
    widget = SourceView()
    widget.text_requested.connect(
        lambda path, page: read_source(path, page, widget.show_text_page, widget.show_text_failed)
    )
    widget.scan_requested.connect(
        lambda path, page, password: read_scan(
            path, page, password, widget.show_scan, widget.show_scan_failed
        )
    )
    qtbot.addWidget(widget)
    widget.resize(900, 800)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def _page_text(path: Path, number: int) -> str:
    return next(page.text for page in read_pages(path) if page.number == number)


def _income_statement_passage() -> str:
    """A real passage as Quelle indexed it: pypdf's text of the sales rows."""
    text = _page_text(APPLE_Q3_2022, APPLE_INCOME_STATEMENT_PAGE)
    return text[text.index("Net sales:") : text.index("Cost of sales:")]


def _highlight_pixels(image: QImage) -> int:
    """Pixels of the amber highlight on white paper, as a user would see them."""
    amber = QColor(255, 216, 92)
    count = 0
    small = image.scaled(image.width() // 2, image.height() // 2)
    for y in range(small.height()):
        for x in range(small.width()):
            color = small.pixelColor(x, y)
            if (
                abs(color.red() - amber.red()) < 16
                and abs(color.green() - amber.green()) < 24
                and abs(color.blue() - amber.blue()) < 40
            ):
                count += 1
    return count


def _ink_pixels(image: QImage) -> int:
    """Dark pixels: printed text, proof that the page was rendered."""
    small = image.scaled(image.width() // 2, image.height() // 2)
    return sum(
        1
        for y in range(small.height())
        for x in range(small.width())
        if small.pixelColor(x, y).lightness() < 80
    )


def _pdf_viewport(view: SourceView) -> QImage:
    return view._scroll.viewport().grab().toImage()


# --- locating a passage ------------------------------------------------------------------------


def test_passage_is_found_whatever_the_whitespace() -> None:
    page = "Net sales:\r\nProducts $ 63,355\r\nServices 19,604\r\nTotal net sales 82,959"
    location = locate_passage(page, "Products $63,355 Services\n19,604 Total  net sales")
    assert location.exact
    ((start, end),) = location.spans
    assert page[start:end] == "Products $ 63,355\r\nServices 19,604\r\nTotal net sales"


def test_reordered_lines_are_highlighted_piece_by_piece() -> None:
    page = "Header line of the page\nSecond statement comes here.\nFirst statement is this one."
    passage = "First statement is this one.\nSecond statement comes here."
    location = locate_passage(page, passage)
    assert not location.exact
    assert location.coverage > 0.9
    found = " ".join(page[a:b] for a, b in location.spans)
    assert "First statement is this one." in found
    assert "Second statement comes here." in found
    assert "Header" not in found


def test_ligatures_and_hyphenation_do_not_stop_a_match() -> None:
    page = "the eﬃcient ﬁnancial state-\nment of operations"
    location = locate_passage(page, "the efficient financial statement of operations")
    assert location.exact


def test_text_from_another_page_is_not_highlighted() -> None:
    location = locate_passage("Total net sales 82,959 81,434", "Research and development 6,797")
    assert location.spans == ()
    assert location.coverage == 0.0


# --- PDFs --------------------------------------------------------------------------------------


@needs_eval(APPLE_Q3_2022)
def test_pdf_lands_on_the_income_statement_with_net_sales_highlighted(
    qtbot: QtBot, view: SourceView
) -> None:
    view.show_passage(str(APPLE_Q3_2022), APPLE_INCOME_STATEMENT_PAGE, _income_statement_passage())

    assert view.current_page() == 4
    assert view.current_path() == str(APPLE_Q3_2022)
    highlighted = view.highlighted_text()
    assert "Total net sales" in highlighted and "82,959" in highlighted
    assert "Gross margin" not in highlighted
    header = {label.text() for label in view.findChildren(QLabel)}
    assert "2022 Q3 AAPL.pdf" in header
    assert "page 4 of 28" in header
    # The highlight is painted and scrolled into the visible part of the page.
    qtbot.waitUntil(lambda: _highlight_pixels(_pdf_viewport(view)) > 2000)


@needs_eval(APPLE_Q3_2022)
def test_pages_can_be_turned_and_zoomed(qtbot: QtBot, view: SourceView) -> None:
    view.show_passage(str(APPLE_Q3_2022), APPLE_INCOME_STATEMENT_PAGE, _income_statement_passage())
    fitted = view._canvas.width()
    assert fitted <= view._scroll.viewport().width()  # fit width: no sideways scrolling

    view._next.click()
    assert view.current_page() == 5
    assert "page 5 of 28" in {label.text() for label in view.findChildren(QLabel)}
    view._previous.click()
    view._previous.click()
    assert view.current_page() == 3

    view.activateWindow()
    qtbot.waitUntil(view.isActiveWindow)
    view._scroll.setFocus()
    qtbot.keyClick(view._scroll, Qt.Key.Key_Plus, Qt.KeyboardModifier.ControlModifier)
    assert view._canvas.width() > fitted * 1.2
    assert view.current_page() == 3  # zooming keeps the page in view
    view.fit_width()
    assert view._canvas.width() == fitted

    view._scroll.verticalScrollBar().setValue(view._scroll.verticalScrollBar().maximum())
    assert view.current_page() == 28


@needs_eval(APPLE_Q3_2022)
def test_deep_zoom_still_shows_the_figures(view: SourceView) -> None:
    view.show_passage(str(APPLE_Q3_2022), APPLE_INCOME_STATEMENT_PAGE, _income_statement_passage())
    fitted = view._canvas.width()
    for _ in range(10):  # past 12 megapixels only the visible part of the page is rendered
        view.zoom_in()
    assert view._canvas.width() > fitted * 4
    assert view.current_page() == 4
    assert _ink_pixels(_pdf_viewport(view)) > 500  # the table's figures, not a blank page


@needs_eval(ENCRYPTION)
def test_empty_password_pdf_opens_and_user_password_pdf_explains(view: SourceView) -> None:
    opened = ENCRYPTION / "r6-empty-password.pdf"
    passage = read_pages(opened)[0].text[:60]
    view.show_passage(str(opened), 1, passage)
    assert view.current_page() == 1
    assert view.highlighted_text()
    assert view.message() == ""

    view.show_passage(str(ENCRYPTION / "r6-user-password.pdf"), 1, "anything")
    assert "protected by a password" in view.message()
    assert view.current_page() == 0


def test_damaged_pdf_shows_a_message(tmp_path: Path, view: SourceView) -> None:
    broken = tmp_path / "report.pdf"
    broken.write_bytes(b"%PDF-1.4\nthis is not really a PDF")
    view.show_passage(str(broken), 1, "text")
    assert "'report.pdf' could not be opened" in view.message()
    assert view.highlighted_text() == ""


@needs_eval(APPLE_Q3_2022)
def test_passage_missing_from_the_page_still_shows_the_page_with_a_note(view: SourceView) -> None:
    view.show_passage(
        str(APPLE_Q3_2022),
        APPLE_INCOME_STATEMENT_PAGE,
        "This sentence is nowhere in any Apple filing at all.",
    )
    assert view.current_page() == 4
    assert view.highlighted_text() == ""
    note = view.findChild(QLabel, "sourceNote")
    assert note is not None
    assert note.isVisible() and "could not be found" in note.text()
    assert _highlight_pixels(_pdf_viewport(view)) < 50


# --- text files ----------------------------------------------------------------------------------


def test_markdown_passage_is_highlighted_and_scrolled_into_view(
    tmp_path: Path, view: SourceView
) -> None:
    lines = [f"Paragraph {n} talks about nothing in particular.\n" for n in range(200)]
    lines.insert(150, "## Warranty\n\nThe warranty   covers **two years** of repairs.\n")
    notes = tmp_path / "notes.md"
    notes.write_text("".join(lines), encoding="utf-8")
    text = _page_text(notes, 1)
    start = text.index("The warranty")
    passage = text[start : text.index("repairs.") + len("repairs.")]

    view.show_passage(str(notes), 1, passage)

    assert view.highlighted_text() == passage
    editor = view._text
    selections = editor.extraSelections()
    assert editor.verticalScrollBar().value() > 0
    cursor = editor.textCursor()
    for position in (selections[0].cursor.selectionStart(), selections[0].cursor.selectionEnd()):
        cursor.setPosition(position)
        assert editor.viewport().rect().contains(editor.cursorRect(cursor))
    assert view.current_page() == 1


def test_whitespace_changed_passage_in_html_is_found(tmp_path: Path, view: SourceView) -> None:
    page = tmp_path / "faq.html"
    page.write_text(
        "<html><head><title>FAQ</title></head><body><p>Returns are accepted "
        "within <b>30&nbsp;days</b> of purchase.</p><p>Other text.</p></body></html>",
        encoding="utf-8",
    )
    view.show_passage(str(page), 1, "Returns are accepted\nwithin 30 days of purchase.")
    assert view.highlighted_text() == "Returns are accepted within 30 days of purchase."


def test_word_document_passage_is_highlighted(tmp_path: Path, view: SourceView) -> None:
    import docx

    document = docx.Document()
    document.add_paragraph("Introduction to the policy.")
    document.add_paragraph("Employees may work remotely two days a week.")
    path = tmp_path / "policy.docx"
    document.save(str(path))
    view.show_passage(str(path), 1, "Employees may work remotely two days a week.")
    assert view.highlighted_text() == "Employees may work remotely two days a week."


def test_missing_file_shows_a_message_instead_of_failing(tmp_path: Path, view: SourceView) -> None:
    view.show_passage(str(tmp_path / "gone.md"), 1, "text")
    message = view.findChild(QLabel, "sourceMessage")
    assert message is not None
    assert message.isVisible()
    assert "'gone.md' can no longer be found" in message.text()
    assert view.message() == message.text()
    assert view.current_page() == 0
    assert view.highlighted_text() == ""
    assert not view._open.isEnabled()


def test_unreadable_text_file_shows_the_reason(tmp_path: Path, view: SourceView) -> None:
    empty = tmp_path / "blank.txt"
    empty.write_text("   \n\n", encoding="utf-8")
    view.show_passage(str(empty), 1, "text")
    assert "contains no text" in view.message()


def test_passage_after_emoji_is_highlighted_exactly(tmp_path: Path, view: SourceView) -> None:
    notes = tmp_path / "chat.txt"
    notes.write_text("Party 🎉🎉 tonight!\nThe meeting moved to Friday at 10.\n", encoding="utf-8")
    view.show_passage(str(notes), 1, "The meeting moved to Friday at 10.")
    assert view.highlighted_text() == "The meeting moved to Friday at 10."


@needs_eval(APPLE_Q3_2022)
def test_page_beyond_the_document_opens_the_first_page_with_a_note(view: SourceView) -> None:
    view.show_passage(str(APPLE_Q3_2022), 99, "Total net sales")
    assert view.current_page() == 1
    note = view.findChild(QLabel, "sourceNote")
    assert note is not None
    assert note.isVisible() and "28 pages, not 99" in note.text()


def test_a_passage_of_a_scanned_page_is_highlighted_on_its_image(
    qtbot: QtBot, view: SourceView, tmp_path: Path
) -> None:
    """A page with no text layer: the passage Tesseract read when the file was added is
    found again among the words it reads now, and marked where they stand."""
    scanned = scan(tmp_path / "Abrechnung.pdf", LINES)
    with qtbot.waitSignal(view.scan_requested):
        view.show_passage(str(scanned), 1, LINES[1])
    [line] = view._canvas.highlights[0]  # one line, the second: 97 points from the top
    assert 90 < line.top() < 105 and line.width() > 200
    assert view.note() == (
        "This page is a scanned image; the passage is highlighted where it was read."
    )
    qtbot.waitUntil(lambda: _highlight_pixels(_pdf_viewport(view)) > 500)
