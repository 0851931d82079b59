from __future__ import annotations

from pathlib import Path

import pytest

from quelle.common.errors import DocumentError, EmptyDocument, EncryptedDocument, UnsupportedFile
from quelle.engine.reading.documents import (
    DEFAULT_PDF_TEXT,
    PDF_TEXT_MODES,
    PdfText,
    html_to_text,
    read_pages,
)

from conftest import APPLE_INCOME_STATEMENT_PAGE, APPLE_Q3_2022, EVAL, SEC10Q, needs_eval

INTEL_Q1_2023 = SEC10Q / "2023 Q1 INTC.pdf"
ROBUST = EVAL / "pdf_robustness" / "pypdf_resources"


def test_utf8_text(tmp_path: Path) -> None:
    f = tmp_path / "notiz.txt"
    f.write_text("Grüße aus Köln. Der Umsatz stieg.", encoding="utf-8")
    assert read_pages(f)[0].text == "Grüße aus Köln. Der Umsatz stieg."


def test_utf8_with_bom_loses_the_bom(tmp_path: Path) -> None:
    f = tmp_path / "bom.md"
    f.write_bytes("\ufeff# Überschrift\n\nText".encode())
    assert read_pages(f)[0].text.startswith("# Überschrift")


def test_windows_1252_text_is_decoded(tmp_path: Path) -> None:
    f = tmp_path / "alt.txt"
    f.write_bytes("Maße und Gewichte – 5 €".encode("cp1252"))
    assert read_pages(f)[0].text == "Maße und Gewichte – 5 €"


def test_html_keeps_only_visible_text(tmp_path: Path) -> None:
    f = tmp_path / "page.html"
    f.write_text(
        "<html><head><title>T</title><style>p{color:red}</style>"
        "<script>var secret = 1;</script></head>"
        "<body><h1>Heading</h1><p>First &amp; second.</p><p>Third</p></body></html>",
        encoding="utf-8",
    )
    text = read_pages(f)[0].text
    assert "Heading" in text and "First & second." in text and "Third" in text
    assert "secret" not in text and "color" not in text


def test_html_blocks_become_lines() -> None:
    assert html_to_text("<p>a</p><p>b</p>").split() == ["a", "b"]


def test_docx_paragraphs_and_tables(tmp_path: Path) -> None:
    import docx

    document = docx.Document()
    document.add_paragraph("Quarterly report for the board.")
    table = document.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text = "Revenue"
    table.rows[0].cells[1].text = "42"
    path = tmp_path / "report.docx"
    document.save(str(path))
    text = read_pages(path)[0].text
    assert "Quarterly report for the board." in text
    assert "Revenue | 42" in text


def test_unsupported_type_says_what_to_add(tmp_path: Path) -> None:
    f = tmp_path / "picture.png"
    f.write_bytes(b"\x89PNG")
    with pytest.raises(UnsupportedFile, match="picture.png.*PDF"):
        read_pages(f)


def test_empty_pdf_is_a_clear_error(tmp_path: Path) -> None:
    f = tmp_path / "empty.pdf"
    f.write_bytes(b"")
    with pytest.raises(DocumentError, match="empty.pdf.*empty"):
        read_pages(f)


def test_junk_pdf_is_a_clear_error(tmp_path: Path) -> None:
    f = tmp_path / "junk.pdf"
    f.write_bytes(b"this is not a pdf at all" * 10)
    with pytest.raises(DocumentError, match="junk.pdf"):
        read_pages(f)


def test_whitespace_only_text_file_has_nothing_to_index(tmp_path: Path) -> None:
    f = tmp_path / "blank.txt"
    f.write_text("  \n\n ")
    with pytest.raises(EmptyDocument, match="blank.txt"):
        read_pages(f)


@needs_eval(APPLE_Q3_2022)
def test_pdf_encrypted_with_an_empty_password_opens_with_page_numbers() -> None:
    pages = read_pages(APPLE_Q3_2022)
    page4 = next(p for p in pages if p.number == 4)
    assert "Total net sales" in page4.text and "82,959" in page4.text


@needs_eval(ROBUST)
def test_pdf_with_a_real_password_names_the_file() -> None:
    path = ROBUST / "encryption" / "r4-user-password.pdf"
    with pytest.raises(EncryptedDocument, match="r4-user-password.pdf.*password"):
        read_pages(path)


@needs_eval(ROBUST)
def test_aes_256_pdf_with_empty_password_opens() -> None:
    pages = read_pages(ROBUST / "encryption" / "r6-empty-password.pdf")
    assert pages and pages[0].text


@needs_eval(ROBUST)
def test_a_pdf_of_images_without_words_explains_itself() -> None:
    with pytest.raises(EmptyDocument, match="git.pdf' contains no text .* not even on its page"):
        read_pages(ROBUST / "git.pdf")  # a picture: nothing for OCR to read either


def _income_statement(pdf_text: PdfText = DEFAULT_PDF_TEXT) -> list[str]:
    pages = read_pages(APPLE_Q3_2022, pdf_text=pdf_text)
    return next(p for p in pages if p.number == APPLE_INCOME_STATEMENT_PAGE).text.splitlines()


def _line_with(lines: list[str], *parts: str) -> str:
    found = [line for line in lines if all(part in line for part in parts)]
    assert found, f"no line holds {parts}"
    return found[0]


def _in_order(line: str, *parts: str) -> bool:
    position = 0
    for part in parts:
        position = line.find(part, position)
        if position < 0:
            return False
        position += len(part)
    return True


@needs_eval(APPLE_Q3_2022)
@pytest.mark.parametrize("pdf_text", PDF_TEXT_MODES)
def test_income_statement_rows_keep_this_year_and_last_in_column_order(pdf_text: PdfText) -> None:
    """A row's figures share one line, current quarter first, as printed: a reader who takes
    the first figure gets this year's, not last year's."""
    lines = _income_statement(pdf_text)
    assert _in_order(_line_with(lines, "Total net sales"), "82,959", "81,434", "304,182", "282,457")
    assert _in_order(
        _line_with(lines, "Research and development"), "6,797", "5,717", "19,490", "16,142"
    )


@needs_eval(APPLE_Q3_2022)
def test_table_mode_keeps_column_headings_on_one_line() -> None:
    """Plain text puts each heading's "June 25," and "2022" on lines of their own; laid out,
    the dates stand on one line in the order of the figures below them."""
    lines = _income_statement("tables")
    heading = _line_with(lines, "June 25", "June 26")
    assert _in_order(heading, "June 25, 2022", "June 26, 2021", "June 25, 2022", "June 26, 2021")


@needs_eval(APPLE_Q3_2022)
def test_laid_out_tables_cost_no_padding() -> None:
    """The layout's padding is squeezed out, so a table costs the chat model few tokens."""
    lines = _income_statement("tables")
    assert not any("   " in line or line != line.strip() for line in lines)


@needs_eval(INTEL_Q1_2023)
def test_words_stay_whole_on_a_page_layout_mode_would_break() -> None:
    """Layout mode splits words on this page of charts ("wh ile"); its plain text is kept."""
    page = next(p for p in read_pages(INTEL_Q1_2023, pdf_text="tables") if p.number == 5)
    assert "while notebook ASPs decreased" in page.text


def test_a_long_text_file_is_cut_into_pages_at_paragraph_line_or_word_ends(
    tmp_path: Path,
) -> None:
    from quelle.engine.reading.documents import TEXT_PAGE_CHARS

    paragraph = "The tenants met on Thursday to talk about the heating bill. " * 20
    long = tmp_path / "minutes.txt"
    long.write_text("\n\n".join([paragraph.strip()] * 200), encoding="utf-8")  # about 240 KB
    pages = read_pages(long)
    assert len(pages) > 1 and [p.number for p in pages] == list(range(1, len(pages) + 1))
    assert all(len(p.text) <= TEXT_PAGE_CHARS for p in pages)
    assert all(p.text.startswith("The tenants") for p in pages)  # cut between paragraphs
    line = tmp_path / "one-line.txt"
    line.write_text("word " * 60_000, encoding="utf-8")  # 300 KB without a line break
    pages = read_pages(line)
    assert len(pages) > 1 and all(len(p.text) <= TEXT_PAGE_CHARS for p in pages)
    assert all(p.text.startswith("word") for p in pages)  # never inside a word
    short = tmp_path / "note.txt"
    short.write_text("Call the landlord on Monday.", encoding="utf-8")
    assert [p.number for p in read_pages(short)] == [1]
