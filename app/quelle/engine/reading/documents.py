"""Reading files into pages of text, one reader per file type.

Every reader returns the pages of one file or raises a `DocumentError` whose message names
the file and says what is wrong in words.

PDF text is pypdf's plain mode by default. The "tables" mode lays out pages that hold tables
as printed (pypdf's layout mode, padding squeezed out), so a column heading's "June 25," and
"2022" share a line in the order of the figures below; plain mode puts them on lines of
their own (in the 10-Q filings, rows keep their figures in column order either way). It is
not the default: on the 10-Q answer benchmark the bundled chat model answered no better with
it, and its lines differ in order from PDFium's text (headings, footnote marks), so the
source view found a third of table passages only in pieces.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, Literal

from quelle.common.errors import (
    DocumentError,
    EmptyDocument,
    EncryptedDocument,
    PasswordNeeded,
    UnsupportedFile,
)
from quelle.common.wording import say
from quelle.engine.reading import ocr, progress

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Page:
    """Text of one page (PDF) or of the whole file (other types: page 1)."""

    number: int
    text: str


TEXT_SUFFIXES = frozenset({".txt", ".md", ".markdown", ".rst", ".text"})
HTML_SUFFIXES = frozenset({".html", ".htm", ".xhtml"})
SUPPORTED_SUFFIXES = frozenset({".pdf", ".docx"}) | TEXT_SUFFIXES | HTML_SUFFIXES

# Tables in financial filings hold arrays larger than pypdf's default safety limit.
_PDF_LIMITS = {"array_maximum_element_count": 2_000_000}

# How PDF text is extracted: "plain" (pypdf's content-stream order), "layout" (every page as
# printed), "tables" (layout only for pages that look like tables; prose stays plain, where
# layout mode can split words apart).
PdfText = Literal["plain", "layout", "tables"]
PDF_TEXT_MODES: tuple[PdfText, ...] = ("plain", "layout", "tables")
DEFAULT_PDF_TEXT: PdfText = "plain"


def is_supported(path: Path) -> bool:
    return path.suffix.lower() in SUPPORTED_SUFFIXES


def source_page(path: Path, page: int) -> tuple[Page, int]:
    """Page `page` of a document (or its first page, where it has no such page) and how
    many pages it has: what the source view shows of a file that is not a PDF."""
    pages = read_pages(path)
    chosen = next((p for p in pages if p.number == page), pages[0])
    return chosen, max(p.number for p in pages)


def read_pages(
    path: Path, pdf_text: PdfText = DEFAULT_PDF_TEXT, passwords: Sequence[str] = ()
) -> list[Page]:
    """All pages of `path` that hold text; a protected PDF is opened with the first of
    `passwords` that fits. Raises `DocumentError` for anything unreadable."""
    suffix = path.suffix.lower()
    if pdf_text not in PDF_TEXT_MODES:
        raise ValueError(f"unknown PDF text mode {pdf_text!r}")
    reader: Callable[[Path], list[Page]] | None = (
        partial(_read_pdf, mode=pdf_text, passwords=passwords) if suffix == ".pdf" else None
    )
    reader = reader or _READERS.get(suffix) or _reader_for_family(suffix)
    if reader is None:
        raise UnsupportedFile(
            say(
                "'{name}' is a {kind} file, which Quelle cannot read. "
                "Add PDF, Word (.docx), text, Markdown or HTML files.",
                name=path.name,
                kind=suffix or say("extension-less"),
            )
        )
    try:
        if path.stat().st_size == 0:
            raise DocumentError(say("'{name}' is empty (0 bytes).", name=path.name))
        pages = reader(path)
    except DocumentError:
        raise
    except FileNotFoundError as exc:
        raise DocumentError(say("'{name}' no longer exists.", name=path.name)) from exc
    except PermissionError as exc:
        raise DocumentError(
            say("Could not open '{name}': permission denied.", name=path.name)
        ) from exc
    except Exception as exc:  # a damaged file must not stop the others
        log.warning("Reading %s failed", path, exc_info=True)
        raise DocumentError(
            say(
                "Could not read '{name}': the file seems damaged ({error}).",
                name=path.name,
                error=type(exc).__name__,
            )
        ) from exc
    pages = [Page(p.number, p.text) for p in pages if p.text.strip()]
    if pages:
        return pages
    if suffix != ".pdf":
        raise EmptyDocument(say("'{name}' contains no text to index.", name=path.name))
    if not ocr.languages():
        raise EmptyDocument(
            say(
                "'{name}' has no text layer (a scan?) and needs OCR: install Tesseract "
                "({command}) and add it again.",
                name=path.name,
                command=ocr.INSTALL_HINT,
            )
        )
    raise EmptyDocument(
        say("'{name}' contains no text to index, not even on its page images.", name=path.name)
    )


def _reader_for_family(suffix: str) -> Callable[[Path], list[Page]] | None:
    if suffix in TEXT_SUFFIXES:
        return _read_text
    if suffix in HTML_SUFFIXES:
        return _read_html
    return None


# --- PDF ---------------------------------------------------------------------------------


def _read_pdf(
    path: Path, mode: PdfText = DEFAULT_PDF_TEXT, passwords: Sequence[str] = ()
) -> list[Page]:
    import contextlib

    import pypdf

    configure = getattr(pypdf, "apply_configuration", None)  # pypdf >= 7
    with configure(**_PDF_LIMITS) if configure else contextlib.nullcontext():
        return _extract_pdf(path, mode, passwords)


def _extract_pdf(path: Path, mode: PdfText, passwords: Sequence[str] = ()) -> list[Page]:
    import pypdf
    from pypdf.errors import PdfReadError

    try:
        reader = pypdf.PdfReader(path)
    except PdfReadError as exc:
        raise DocumentError(
            say(
                "Could not read '{name}': it is not a valid PDF ({error}).",
                name=path.name,
                error=exc,
            )
        ) from exc
    password = _unlock(reader, path, passwords) if reader.is_encrypted else ""
    pages: list[Page] = []
    for number, page in enumerate(reader.pages, start=1):
        try:
            text = page.extract_text() or ""
        except Exception:  # one bad page must not lose the rest of the file
            log.warning("Page %d of %s could not be read", number, path, exc_info=True)
            continue
        if mode == "layout" or mode == "tables" and _looks_like_table(text):
            text = _laid_out(page, text, f"page {number} of {path}")
        else:
            text = _clean(text)
        pages.append(Page(number, text))
    blank = [p.number for p in pages if not p.text.strip()]
    if blank and ocr.languages():  # scanned pages: their words are read from the image
        recognised = {}
        for number, text in ocr.recognise(path, blank, password):
            recognised[number] = text
            progress.report(str(path), len(recognised), len(blank))
        pages = [
            Page(p.number, _clean(recognised[p.number]) if p.number in recognised else p.text)
            for p in pages
        ]
    return pages


def _unlock(reader: Any, path: Path, passwords: Sequence[str]) -> str:
    """Open a protected PDF with no password (many only stop printing) or one given;
    returns the password that opened it."""
    from pypdf.errors import FileNotDecryptedError

    for password in ("", *passwords):
        try:
            if reader.decrypt(password):
                return password
        except (NotImplementedError, FileNotDecryptedError) as exc:
            raise EncryptedDocument(
                say(
                    "Could not open '{name}': it uses an encryption Quelle cannot undo ({error}).",
                    name=path.name,
                    error=exc,
                )
            ) from exc
    if passwords:
        raise PasswordNeeded(
            say("Could not open '{name}': none of the passwords given opens it.", name=path.name)
        )
    raise PasswordNeeded(
        say(
            "Could not open '{name}': it is protected by a password. Add it again with its "
            "password.",
            name=path.name,
        )
    )


# A table cell: an amount, a percentage or a dash for "none" ("$ 63,355", "(1,897)", "8 %").
_CELL = re.compile(r"\(?\$?\(?-?[\d,]*\d(?:\.\d+)?\)?%?\)?|[—–-]")
_TABLE_ROWS = 3  # rows of figures that make a page a table page
_WORD = re.compile(r"[^\W\d_]+")
_KEPT_WORDS = 0.9  # share of the plain text's words the layout text must keep


def _looks_like_table(plain: str) -> bool:
    """At least a few lines end in two or more figures, or are nothing but figures."""
    rows = 0
    for line in plain.splitlines():
        cells = line.replace("$ ", "$").split()
        tail = 0
        for cell in reversed(cells):
            if not _CELL.fullmatch(cell):
                break
            tail += 1
        if tail >= 2 or cells and tail == len(cells):
            rows += 1
            if rows >= _TABLE_ROWS:
                return True
    return False


def _laid_out(page: Any, plain: str, where: str) -> str:
    """The page as printed, columns squeezed (see `_squeeze_columns`); the plain text when
    layout mode fails or loses words (it drops rotated text and can split words apart)."""
    try:
        layout = (
            page.extract_text(extraction_mode="layout", layout_mode_space_vertically=False) or ""
        )
    except Exception:  # layout mode is younger than plain mode; plain text is still good
        log.warning("Layout of %s could not be read", where, exc_info=True)
        return _clean(plain)
    kept = set(_WORD.findall(layout))
    words = _WORD.findall(plain)
    if words and sum(w in kept for w in words) < _KEPT_WORDS * len(words):
        log.info("Layout of %s loses words; using plain text", where)
        return _clean(plain)
    return _squeeze_columns(layout)


_COLUMN_GAP = re.compile(r" {3,}")
_LINE_FIXES = (
    (re.compile(r"\$ +(?=[\d(—–])"), "$"),  # "$      63,355" -> "$63,355"
    (re.compile(r"(?<=\d) +(?=%)"), ""),  # "8 %" -> "8%"
    (re.compile(r"(?<=\d) +(?=\))"), ""),  # "(260   )" -> "(260)"
    (re.compile(r"(?<=\() +(?=\d)"), ""),
    # A heading printed on two lines comes out joined: "June 25,2022" -> "June 25, 2022"
    (re.compile(r"\b([A-Z][a-z]{2,8}\.? \d{1,2}),(?=(?:19|20)\d\d\b)"), r"\1, "),
)


def _squeeze_columns(layout: str) -> str:
    """Layout text without its padding: a gap between columns becomes two spaces, any other
    run of spaces one, and lines lose their indentation. Rows and column order stay; the
    text stays short for the chat model (the embedder ignores spaces, a chat model does
    not). The fixes of `_LINE_FIXES` change only whitespace, which the source view ignores.
    """
    text = layout.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")
    lines = []
    for line in _OTHER_SPACES.sub(" ", text).split("\n"):
        line = line.strip()
        for pattern, replacement in _LINE_FIXES:
            line = pattern.sub(replacement, line)
        lines.append("  ".join(_SPACES.sub(" ", cell) for cell in _COLUMN_GAP.split(line)))
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


# --- text, Markdown, reStructuredText -------------------------------------------------------


def decode_text(data: bytes) -> str:
    """UTF-8 (with or without BOM), UTF-16 with BOM, else Windows-1252 (a superset of Latin-1)."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


# Bytes that no text holds (all control characters but tab, line feed, form feed and
# carriage return, and the escape some terminals' logs keep).
_BINARY = bytes(set(range(32)) - {9, 10, 12, 13, 27})
_BINARY_SAMPLE = 1 << 16
_BINARY_SHARE = 0.01


def looks_binary(data: bytes) -> bool:
    """A program or an image named `.txt`: its first 64 KB hold control bytes no text has.
    UTF-16 (which Quelle reads only with its byte-order mark) is text."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return False
    sample = data[:_BINARY_SAMPLE]
    if not sample:
        return False
    controls = len(sample) - len(sample.translate(None, _BINARY))
    return controls / len(sample) > _BINARY_SHARE


def _read_text(path: Path) -> list[Page]:
    data = path.read_bytes()
    if looks_binary(data):
        raise DocumentError(
            say("'{name}' is not a text file: it holds binary data.", name=path.name)
        )
    return text_pages(_clean(decode_text(data)))


# A text file has no pages; a long one is cut into pieces of about this many characters
# (some 25 printed pages), at a paragraph, line or word end, and they are its pages. The
# passages of one page are cut in one go, so a 100 MB export costs memory by the piece, and
# the source view shows a piece, not the whole file.
TEXT_PAGE_CHARS = 50_000


def text_pages(text: str, limit: int = TEXT_PAGE_CHARS) -> list[Page]:
    pages: list[Page] = []
    start = 0
    while len(text) - start > limit:
        end = start + limit
        for gap in ("\n\n", "\n", " "):
            cut = text.rfind(gap, start + limit // 2, end)
            if cut > start:
                end = cut + len(gap)
                break
        pages.append(Page(len(pages) + 1, text[start:end]))
        start = end
    pages.append(Page(len(pages) + 1, text[start:]))
    return pages


# --- HTML ----------------------------------------------------------------------------------


class _VisibleText(HTMLParser):
    """Collects the text a browser would show: no scripts, styles or head."""

    _HIDDEN = frozenset({"script", "style", "head", "title", "noscript", "template", "svg"})
    _BLOCKS = frozenset(
        "p div br li tr h1 h2 h3 h4 h5 h6 section article table ul ol pre blockquote hr".split()
    )

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.title = ""
        self._hidden = 0
        self._in_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self._HIDDEN:
            self._hidden += 1
            self._in_title = tag == "title"
        elif tag in self._BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self._HIDDEN:
            self._hidden = max(0, self._hidden - 1)
            self._in_title = False
        elif tag in self._BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title += data
        elif not self._hidden:
            self.parts.append(data)


def html_to_text(markup: str) -> str:
    parser = _VisibleText()
    parser.feed(markup)
    parser.close()
    return _clean("".join(parser.parts))


def _read_html(path: Path) -> list[Page]:
    data = path.read_bytes()
    declared = re.search(rb'<meta[^>]+charset=["\']?([\w-]+)', data[:4096], re.IGNORECASE)
    try:
        markup = data.decode(declared.group(1).decode("ascii")) if declared else decode_text(data)
    except (LookupError, UnicodeDecodeError):
        markup = decode_text(data)
    return [Page(1, html_to_text(markup))]


# --- Word ----------------------------------------------------------------------------------


def _read_docx(path: Path) -> list[Page]:
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(str(path))
    except PackageNotFoundError as exc:
        raise DocumentError(
            say("Could not read '{name}': it is not a valid Word file.", name=path.name)
        ) from exc
    blocks = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            blocks.append(" | ".join(cell.text.strip() for cell in row.cells))
    return [Page(1, _clean("\n".join(blocks)))]


_READERS: dict[str, Callable[[Path], list[Page]]] = {".pdf": _read_pdf, ".docx": _read_docx}

_SPACES = re.compile(r"[ \t\f\v\u00a0]+")
_OTHER_SPACES = re.compile(r"[\t\f\v\u00a0]")
_BLANK_LINES = re.compile(r"\n\s*\n\s*\n+")


def _clean(text: str) -> str:
    """Fold runs of spaces and blank lines; keep paragraph breaks, which chunking uses."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")
    text = _SPACES.sub(" ", text)
    return _BLANK_LINES.sub("\n\n", text).strip()
