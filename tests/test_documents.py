from __future__ import annotations

from pathlib import Path

import pytest

from quelle.core.documents import html_to_text, read_pages
from quelle.core.errors import DocumentError, EmptyDocument, EncryptedDocument, UnsupportedFile

from conftest import APPLE_Q3_2022, EVAL, needs_eval

ROBUST = EVAL / "pdf_robustness" / "pypdf_resources"


def test_utf8_text(tmp_path: Path):
    f = tmp_path / "notiz.txt"
    f.write_text("Grüße aus Köln. Der Umsatz stieg.", encoding="utf-8")
    assert read_pages(f)[0].text == "Grüße aus Köln. Der Umsatz stieg."


def test_utf8_with_bom_loses_the_bom(tmp_path: Path):
    f = tmp_path / "bom.md"
    f.write_bytes("\ufeff# Überschrift\n\nText".encode())
    assert read_pages(f)[0].text.startswith("# Überschrift")


def test_windows_1252_text_is_decoded(tmp_path: Path):
    f = tmp_path / "alt.txt"
    f.write_bytes("Maße und Gewichte – 5 €".encode("cp1252"))
    assert read_pages(f)[0].text == "Maße und Gewichte – 5 €"


def test_html_keeps_only_visible_text(tmp_path: Path):
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


def test_html_blocks_become_lines():
    assert html_to_text("<p>a</p><p>b</p>").split() == ["a", "b"]


def test_docx_paragraphs_and_tables(tmp_path: Path):
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


def test_unsupported_type_says_what_to_add(tmp_path: Path):
    f = tmp_path / "picture.png"
    f.write_bytes(b"\x89PNG")
    with pytest.raises(UnsupportedFile, match="picture.png.*PDF"):
        read_pages(f)


def test_empty_pdf_is_a_clear_error(tmp_path: Path):
    f = tmp_path / "empty.pdf"
    f.write_bytes(b"")
    with pytest.raises(DocumentError, match="empty.pdf.*empty"):
        read_pages(f)


def test_junk_pdf_is_a_clear_error(tmp_path: Path):
    f = tmp_path / "junk.pdf"
    f.write_bytes(b"this is not a pdf at all" * 10)
    with pytest.raises(DocumentError, match="junk.pdf"):
        read_pages(f)


def test_whitespace_only_text_file_has_nothing_to_index(tmp_path: Path):
    f = tmp_path / "blank.txt"
    f.write_text("  \n\n ")
    with pytest.raises(EmptyDocument, match="blank.txt"):
        read_pages(f)


@needs_eval(APPLE_Q3_2022)
def test_pdf_encrypted_with_an_empty_password_opens_with_page_numbers():
    pages = read_pages(APPLE_Q3_2022)
    page4 = next(p for p in pages if p.number == 4)
    assert "Total net sales" in page4.text and "82,959" in page4.text


@needs_eval(ROBUST)
def test_pdf_with_a_real_password_names_the_file():
    path = ROBUST / "encryption" / "r4-user-password.pdf"
    with pytest.raises(EncryptedDocument, match="r4-user-password.pdf.*password"):
        read_pages(path)


@needs_eval(ROBUST)
def test_aes_256_pdf_with_empty_password_opens():
    pages = read_pages(ROBUST / "encryption" / "r6-empty-password.pdf")
    assert pages and pages[0].text


@needs_eval(ROBUST)
def test_scanned_pdf_without_text_layer_explains_itself():
    with pytest.raises(EmptyDocument, match="git.pdf.*scanned"):
        read_pages(ROBUST / "git.pdf")
