"""The cited source: the page a passage came from, with the passage highlighted.

A citation is only worth something if the user can check it, so this view opens the
original file at the cited page and marks the passage there. PDFs are rendered page by page
with QtPdf; other files show the text exactly as Quelle extracted it, so the passage lines up
with what was indexed.

Quelle's passages come from pypdf, while the highlight must be placed on PDFium's text
(the only text QtPdf can turn into page geometry). The two extractions differ in whitespace,
ligatures and sometimes line order, so `quelle.ui.passage_location` compares them
with whitespace removed and, failing an exact match, highlights the longest pieces the two
have in common.
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from math import ceil, floor
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QPointF, QRect, QRectF, QSize, Qt, QUrl, Signal
from PySide6.QtGui import (
    QColor,
    QDesktopServices,
    QFont,
    QIcon,
    QImage,
    QKeySequence,
    QPainter,
    QPainterPath,
    QPaintEvent,
    QPen,
    QResizeEvent,
    QShortcut,
    QShowEvent,
    QTextCharFormat,
    QTextCursor,
    QWheelEvent,
)
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QScrollArea,
    QSizePolicy,
    QStackedWidget,
    QStyle,
    QTextEdit,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from quelle.protocol.values import WordBox
from quelle.ui.passage_location import locate_passage

if TYPE_CHECKING:
    from PySide6.QtPdf import QPdfDocument, QPdfSelection

log = logging.getLogger(__name__)

# Amber, multiplied onto the page like a marker pen: the paper turns amber, the ink stays black.
_HIGHLIGHT_FILL = QColor(255, 216, 92)
_HIGHLIGHT_EDGE = QColor(230, 120, 0, 220)
_TEXT_HIGHLIGHT = QColor(255, 213, 79)


def merge_lines(boxes: list[QRectF]) -> list[QRectF]:
    """Glyph-run boxes joined into one box per text line, so a highlight reads as a marker
    stroke rather than a scatter of boxes (PDFium gives one box per run of glyphs).

    Only boxes that follow each other in reading order are joined, so two columns whose
    lines share a height never become one box across the gutter.
    """
    lines: list[QRectF] = []
    for box in boxes:
        line = lines[-1] if lines else None
        if line is not None:
            overlap = min(line.bottom(), box.bottom()) - max(line.top(), box.top())
            if overlap > 0.5 * min(line.height(), box.height()):
                lines[-1] = line.united(box)
                continue
        lines.append(QRectF(box))
    return lines


def _utf16_offset(text: str, index: int) -> int:
    """Qt counts positions in UTF-16 units; characters beyond the BMP take two."""
    return index + sum(1 for char in text[:index] if ord(char) > 0xFFFF)


# --- PDF pages --------------------------------------------------------------------------------


class _PageCanvas(QWidget):
    """All pages of a PDF stacked vertically, rendered on demand, highlights painted on top."""

    _SPACING = 12
    _MARGIN = 12
    _CACHE_BYTES = 160 * 1024 * 1024  # rendered pages kept for scrolling back and forth
    _WHOLE_PAGE_PIXELS = 12_000_000  # above this (deep zoom) only the visible part is rendered

    def __init__(self, document: QPdfDocument, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.document = document
        self.zoom = 1.0  # device-independent pixels per PDF point
        self.page_rects: list[QRectF] = []
        self.highlights: dict[int, list[QRectF]] = {}  # page -> line boxes in points
        self._images: OrderedDict[tuple[int, int, int], QImage] = OrderedDict()
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)

    def relayout(self, zoom: float) -> None:
        self.zoom = zoom
        self.page_rects = []
        widest = 0.0
        sizes = [self.document.pagePointSize(i) for i in range(self.document.pageCount())]
        for size in sizes:
            widest = max(widest, size.width() * zoom)
        y = float(self._MARGIN)
        for size in sizes:
            w, h = size.width() * zoom, size.height() * zoom
            x = self._MARGIN + (widest - w) / 2
            self.page_rects.append(QRectF(round(x), round(y), round(w), round(h)))
            y += round(h) + self._SPACING
        self.resize(int(widest) + 2 * self._MARGIN, int(y) - self._SPACING + self._MARGIN)
        self.update()

    def clear(self) -> None:
        self._images.clear()
        self.highlights = {}
        self.page_rects = []
        self.resize(0, 0)

    def page_at(self, y: float) -> int:
        """Index of the page at or nearest above vertical position `y`."""
        for index, rect in enumerate(self.page_rects):
            if y < rect.bottom() + self._SPACING:
                return index
        return max(0, len(self.page_rects) - 1)

    def to_widget(self, page: int, point: QPointF) -> QPointF:
        rect = self.page_rects[page]
        return QPointF(rect.x() + point.x() * self.zoom, rect.y() + point.y() * self.zoom)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.fillRect(event.rect(), self.palette().color(self.backgroundRole()).darker(115))
        for index, rect in enumerate(self.page_rects):
            if not rect.intersects(QRectF(event.rect())):
                continue
            painter.fillRect(rect, Qt.GlobalColor.white)
            ratio = self.devicePixelRatioF()
            if rect.width() * rect.height() * ratio * ratio <= self._WHOLE_PAGE_PIXELS:
                image = self._page_image(index, rect)
                if image is not None:
                    painter.drawImage(rect.topLeft(), image)
            else:
                exposed = rect.intersected(QRectF(event.rect())).toAlignedRect()
                image = self._page_part(index, rect, exposed)
                if image is not None:
                    painter.drawImage(exposed.topLeft(), image)
            painter.setPen(QPen(QColor(0, 0, 0, 60)))
            painter.drawRect(rect.adjusted(-0.5, -0.5, 0.5, 0.5))
            self._paint_highlights(painter, index)
        painter.end()

    def _paint_highlights(self, painter: QPainter, index: int) -> None:
        lines = self.highlights.get(index)
        if not lines:
            return
        rect = self.page_rects[index]
        pad = 1.5 * self.zoom  # PDFium's boxes hug the glyphs; a little air reads better
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(_HIGHLIGHT_FILL)
        painter.setCompositionMode(QPainter.CompositionMode.CompositionMode_Multiply)
        marker = QPainterPath()
        marker.setFillRule(Qt.FillRule.WindingFill)
        for line in lines:
            top_left = self.to_widget(index, line.topLeft())
            bottom_right = self.to_widget(index, line.bottomRight())
            marker.addRoundedRect(
                QRectF(top_left, bottom_right).adjusted(-pad, -pad, pad, pad), pad, pad
            )
        painter.drawPath(marker.simplified())  # one shape: overlaps are not multiplied twice
        painter.setCompositionMode(QPainter.CompositionMode.CompositionMode_SourceOver)
        # A bar in the margin finds the passage even when zoomed in on another column.
        first = min(line.top() for line in lines)
        last = max(line.bottom() for line in lines)
        painter.setBrush(_HIGHLIGHT_EDGE)
        painter.drawRect(
            QRectF(
                rect.x() - 7,
                rect.y() + first * self.zoom - pad,
                4,
                (last - first) * self.zoom + 2 * pad,
            )
        )
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        painter.setBrush(Qt.BrushStyle.NoBrush)

    def _page_image(self, index: int, rect: QRectF) -> QImage | None:
        ratio = self.devicePixelRatioF()
        size = QSize(round(rect.width() * ratio), round(rect.height() * ratio))
        key = (index, size.width(), size.height())
        image = self._images.get(key)
        if image is None:
            image = self.document.render(index, size)
            if image.isNull():
                return None
            image.setDevicePixelRatio(ratio)
            self._images[key] = image
            while len(self._images) > 1 and (
                sum(cached.sizeInBytes() for cached in self._images.values()) > self._CACHE_BYTES
            ):
                self._images.popitem(last=False)
        else:
            self._images.move_to_end(key)
        return image

    def _page_part(self, index: int, rect: QRectF, part: QRect) -> QImage | None:
        """Only `part` (widget coordinates) of a page, so deep zoom costs no more memory."""
        from PySide6.QtPdf import QPdfDocumentRenderOptions

        ratio = self.devicePixelRatioF()
        options = QPdfDocumentRenderOptions()
        options.setScaledSize(QSize(round(rect.width() * ratio), round(rect.height() * ratio)))
        clip = QRect(
            floor((part.x() - rect.x()) * ratio),
            floor((part.y() - rect.y()) * ratio),
            ceil(part.width() * ratio),
            ceil(part.height() * ratio),
        )
        options.setScaledClipRect(clip)
        image = self.document.render(index, clip.size(), options)
        if image.isNull():
            return None
        image.setDevicePixelRatio(ratio)
        return image


@dataclass(frozen=True, slots=True)
class _Anchor:
    """A point on a page (in points) and where in the view (fractions) it should appear."""

    page: int
    point: QPointF
    x_fraction: float
    y_fraction: float


class _PageScroll(QScrollArea):
    """The scroll area around the pages; Ctrl+wheel zooms like every document viewer."""

    zoom_requested = Signal(int)  # +1 in, -1 out
    resized = Signal()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.resized.emit()

    def wheelEvent(self, event: QWheelEvent) -> None:
        if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            self.zoom_requested.emit(1 if event.angleDelta().y() > 0 else -1)
            event.accept()
        else:
            super().wheelEvent(event)


class _ElidedLabel(QLabel):
    """A file name that shortens with an ellipsis instead of pushing the buttons away."""

    def __init__(self) -> None:
        super().__init__()
        self._full = ""
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)

    def set_full_text(self, text: str) -> None:
        self._full = text
        self._elide()

    def full_text(self) -> str:
        return self._full

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._elide()

    def _elide(self) -> None:
        self.setText(
            self.fontMetrics().elidedText(
                self._full, Qt.TextElideMode.ElideMiddle, max(self.width(), 40)
            )
        )


# --- the view ---------------------------------------------------------------------------------


class SourceView(QWidget):
    """Shows where a cited passage comes from: its page, highlighted, in the original file."""

    # Asks for a page of a file that is not a PDF (path, page): the engine reads it and the
    # window hands the reply to `show_text_page`.
    text_requested = Signal(str, int)
    # Asks for the words of a scanned PDF page and their places (path, page, password): the
    # window hands the engine's reply to `show_scan`.
    scan_requested = Signal(str, int, str)

    _PDF, _TEXT, _MESSAGE = range(3)
    _ZOOM_STEP = 1.25
    _ZOOM_RANGE = (0.25, 6.0)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._path = ""
        self._page = 0  # 1-based; 0 while nothing is shown
        self._page_count = 0
        self._fit_width = True
        self._anchor: _Anchor | None = None  # what stays in view through zoom and resize
        self._scrolling = False
        self._selections: list[QPdfSelection] = []
        self._text_span: tuple[int, int] | None = None  # highlighted UTF-16 range of a text file
        self._document: QPdfDocument | None = None
        self.passwords: dict[str, str] = {}  # of protected PDFs, by path (the window's)
        self._loaded_pdf = ""  # the file `_document` holds, to turn pages without reloading
        self._waiting_text: tuple[str, str] | None = None  # (path, passage) asked of the engine
        self._waiting_scan: tuple[str, int, str] | None = None  # (path, page, passage)
        self._build()

    # --- construction -------------------------------------------------------------------------

    def _build(self) -> None:
        self._title = _ElidedLabel()
        font = self._title.font()
        font.setBold(True)
        self._title.setFont(font)
        self._page_label = QLabel()
        self._note = QLabel()
        self._note.setWordWrap(True)
        self._note.setVisible(False)
        self._note.setObjectName("sourceNote")

        style = self.style()
        self._previous = self._tool_button(
            style.standardIcon(QStyle.StandardPixmap.SP_ArrowUp),
            self.tr("Previous page"),
            self._go_previous,
        )
        self._next = self._tool_button(
            style.standardIcon(QStyle.StandardPixmap.SP_ArrowDown),
            self.tr("Next page"),
            self._go_next,
        )
        self._zoom_out = self._tool_button(None, self.tr("Zoom out (Ctrl+-)"), self.zoom_out, "−")
        self._zoom_in = self._tool_button(None, self.tr("Zoom in (Ctrl++)"), self.zoom_in, "+")
        self._fit = self._tool_button(
            None, self.tr("Fit the page width (Ctrl+0)"), self.fit_width, self.tr("Fit width")
        )
        self._open = self._tool_button(
            None,
            self.tr("Open the file in its usual application"),
            self._open_original,
            self.tr("Open original"),
        )

        header = QHBoxLayout()
        header.setContentsMargins(6, 4, 6, 4)
        header.addWidget(self._title, 1)
        header.addWidget(self._page_label)
        for button in (
            self._previous,
            self._next,
            self._zoom_out,
            self._zoom_in,
            self._fit,
            self._open,
        ):
            header.addWidget(button)

        from PySide6.QtPdf import QPdfDocument

        self._document = QPdfDocument(self)
        self._canvas = _PageCanvas(self._document)
        self._scroll = _PageScroll()
        self._scroll.setWidget(self._canvas)
        self._scroll.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        self._scroll.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self._scroll.setFrameShape(QFrame.Shape.NoFrame)
        self._scroll.zoom_requested.connect(self._zoom_by_steps)
        self._scroll.resized.connect(self._scroll_resized)
        self._scroll.verticalScrollBar().valueChanged.connect(self._scrolled)
        self._scroll.horizontalScrollBar().valueChanged.connect(self._scrolled)

        self._text = QPlainTextEdit()
        self._text.setReadOnly(True)
        self._text.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
            | Qt.TextInteractionFlag.TextSelectableByKeyboard
        )
        self._text.setFrameShape(QFrame.Shape.NoFrame)
        self._text.document().setDocumentMargin(12)

        self._message = QLabel()
        self._message.setObjectName("sourceMessage")
        self._message.setWordWrap(True)
        self._message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._message.setMargin(24)
        self._message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self._stack = QStackedWidget()
        self._stack.addWidget(self._scroll)
        self._stack.addWidget(self._text)
        self._stack.addWidget(self._message)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addLayout(header)
        self._note.setContentsMargins(8, 0, 8, 4)
        layout.addWidget(self._note)
        line = QFrame()
        line.setFrameShape(QFrame.Shape.HLine)
        line.setFrameShadow(QFrame.Shadow.Sunken)
        layout.addWidget(line)
        layout.addWidget(self._stack, 1)

        context = Qt.ShortcutContext.WidgetWithChildrenShortcut
        for keys, slot in (
            (QKeySequence.StandardKey.ZoomIn, self.zoom_in),
            (QKeySequence(Qt.Modifier.CTRL | Qt.Key.Key_Equal), self.zoom_in),
            (QKeySequence.StandardKey.ZoomOut, self.zoom_out),
            (QKeySequence(Qt.Modifier.CTRL | Qt.Key.Key_0), self.fit_width),
        ):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.setContext(context)
            shortcut.activated.connect(slot)

        self._show_message(self.tr("Choose a citation to see the passage in its source."))
        self._open.setEnabled(False)

    def _tool_button(
        self, icon: QIcon | None, tip: str, slot: Callable[[], None], text: str = ""
    ) -> QToolButton:
        button = QToolButton()
        if icon is not None:
            button.setIcon(icon)
        if text:
            button.setText(text)
        button.setToolTip(tip)
        button.setAccessibleName(tip)
        button.setAutoRaise(True)
        button.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        button.clicked.connect(slot)
        return button

    # --- public API ---------------------------------------------------------------------------

    def show_passage(self, path: str, page: int, text: str) -> None:
        """Open `path` at `page` (1-based) and highlight `text`; problems become a message."""
        self._path = path
        self._selections = []
        self._canvas.highlights = {}
        self._text.setExtraSelections([])
        self._text_span = None
        self._waiting_scan = None
        self._note.setVisible(False)
        file = Path(path)
        self._title.set_full_text(file.name)
        self._title.setToolTip(str(file))
        self._open.setEnabled(file.is_file())
        if not file.is_file():
            self._show_message(
                self.tr(
                    "'{name}' can no longer be found at {folder}. It may "
                    "have been moved, renamed or deleted."
                ).format(name=file.name, folder=str(file.parent))
            )
            return
        try:
            if file.suffix.lower() == ".pdf":
                self._show_pdf(file, page, text)
            else:
                self._show_text(file, page, text)
        except Exception:  # a view must never take the window down with it
            log.exception("Showing %s failed", path)
            self._show_message(
                self.tr("'{name}' could not be shown (see the log file for details).").format(
                    name=file.name
                )
            )

    def current_page(self) -> int:
        """The page the user is looking at, 1-based; 0 when nothing is shown."""
        return self._page

    def current_path(self) -> str:
        """The file last asked for, shown or not (the window compares it to avoid reloads)."""
        return self._path

    def highlighted_text(self) -> str:
        """The text under the highlight, as the viewer sees it."""
        if self._stack.currentIndex() == self._PDF:
            return "\n".join(selection.text() for selection in self._selections)
        if self._stack.currentIndex() == self._TEXT:
            selections = self._text.extraSelections()  # keeps the cursors alive while read
            parts = [selection.cursor.selectedText() for selection in selections]
            return "\n".join(parts).replace("\u2029", "\n")
        return ""

    def message(self) -> str:
        """The explanation shown instead of a document, or '' while a document is shown."""
        return self._message.text() if self._stack.currentIndex() == self._MESSAGE else ""

    def note(self) -> str:
        """The remark shown above a document (where its passage was found, or not), or ''."""
        return self._note.text() if self._note.isVisibleTo(self) else ""

    def zoom_in(self) -> None:
        """Larger pages (or text), for small print in tables and footnotes."""
        self._zoom_by_steps(1)

    def zoom_out(self) -> None:
        """Smaller pages (or text), to see more of the document around the passage."""
        self._zoom_by_steps(-1)

    def fit_width(self) -> None:
        """Back to the default: the widest page fills the view's width."""
        if self._stack.currentIndex() == self._TEXT:
            self._text.setFont(QFont(self.font()))
            return
        self._fit_width = True
        self._relayout()

    def go_to_page(self, page: int) -> None:
        """Scroll so that `page` (1-based) starts at the top of the view."""
        if self._stack.currentIndex() != self._PDF or not self._page_count:
            return
        page = max(1, min(page, self._page_count))
        self._anchor = _Anchor(page - 1, QPointF(0, -_PageCanvas._SPACING / 2), 0.0, 0.0)
        self._set_page(page)
        self._scroll_to_anchor()

    # --- PDF ----------------------------------------------------------------------------------

    def _show_pdf(self, file: Path, page: int, text: str) -> None:
        from PySide6.QtPdf import QPdfDocument

        document = self._document
        assert document is not None
        if str(file) != self._loaded_pdf or document.pageCount() == 0:
            self._canvas.clear()
            self._loaded_pdf = ""
            document.setPassword(self.passwords.get(str(file), ""))
            error = document.load(str(file))
            if error != QPdfDocument.Error.None_ or document.pageCount() == 0:
                self._show_message(self._pdf_error(file.name, error))
                return
            self._loaded_pdf = str(file)
        self._page_count = document.pageCount()
        index = page - 1
        if not 0 <= index < self._page_count:
            self._show_note(
                self.tr(
                    "The file has {count} pages, not {page}; it may have changed "
                    "since it was indexed."
                ).format(count=self._page_count, page=page)
            )
            index = 0
        else:
            self._highlight_pdf(index, text)
        self._set_mode(self._PDF)
        self._set_page(index + 1)
        lines = self._canvas.highlights.get(index)
        if lines:  # the passage a third down the view, with its context above it
            corner = QPointF(
                min(line.left() for line in lines) - 12, min(line.top() for line in lines)
            )
            self._anchor = _Anchor(index, corner, 0.0, 1 / 3)
        else:
            self._anchor = _Anchor(index, QPointF(0, 0), 0.0, 0.0)
        self._relayout()

    def _highlight_pdf(self, index: int, text: str) -> None:
        document = self._document
        assert document is not None
        page_text = document.getAllText(index).text()
        location = locate_passage(page_text, text)
        self._selections = [
            document.getSelectionAtIndex(index, start, end - start) for start, end in location.spans
        ]
        boxes = [
            polygon.boundingRect()
            for selection in self._selections
            for polygon in selection.bounds()
        ]
        lines = merge_lines(boxes)
        self._canvas.highlights = {index: lines} if lines else {}
        if not lines and not page_text.strip():  # a scanned page: Tesseract tells where
            self._waiting_scan = (self._path, index + 1, text)
            self._show_note(self.tr("This page is a scanned image; finding the passage on it…"))
            self.scan_requested.emit(self._path, index + 1, self.passwords.get(self._path, ""))
        elif not lines:
            self._show_note(
                self.tr(
                    "The passage could not be found in this page's text layer; "
                    "it is somewhere on this page."
                )
            )
        elif not location.exact:
            self._show_note(
                self.tr(
                    "The page's text differs slightly from the indexed text; "
                    "the parts of the passage found on it are highlighted."
                )
            )
        log.debug(
            "Passage on page %d of %s: %d spans, coverage %.2f",
            index + 1,
            self._path,
            len(location.spans),
            location.coverage,
        )

    def show_scan(self, path: str, page: int, text: str, words: list[WordBox]) -> None:
        """The engine's reply to `scan_requested`: the scanned page's words as Tesseract
        read them, with their places; the passage is highlighted over the page's image."""
        if self._waiting_scan is None or self._waiting_scan[:2] != (path, page):
            return  # another source or page is shown since
        passage = self._waiting_scan[2]
        self._waiting_scan = None
        location = locate_passage(text, passage)
        boxes = [
            QRectF(w.x, w.y, w.width, w.height)
            for w in words
            if any(w.start < end and start < w.end for start, end in location.spans)
        ]
        lines = merge_lines(boxes)
        if not lines:
            self._show_note(
                self.tr(
                    "This page is a scanned image, and the passage was not found where "
                    "Tesseract read it; it is somewhere on this page."
                )
            )
            return
        self._canvas.highlights = {page - 1: lines}
        self._show_note(
            self.tr("This page is a scanned image; the passage is highlighted where it was read.")
        )
        corner = QPointF(min(b.left() for b in lines) - 12, min(b.top() for b in lines))
        self._anchor = _Anchor(page - 1, corner, 0.0, 1 / 3)
        self._relayout()

    def show_scan_failed(self, path: str, message: str) -> None:
        if self._waiting_scan is not None and self._waiting_scan[0] == path:
            self._waiting_scan = None
            self._show_note(message)

    def _pdf_error(self, name: str, error: object) -> str:
        from PySide6.QtPdf import QPdfDocument

        if error in (
            QPdfDocument.Error.IncorrectPassword,
            QPdfDocument.Error.UnsupportedSecurityScheme,
        ):
            return self.tr(
                "'{name}' is protected by a password, so it cannot be shown here. "
                "Use “Open original” to view it."
            ).format(name=name)
        return self.tr(
            "'{name}' could not be opened as a PDF; the file may be damaged. "
            "Use “Open original” to try another application."
        ).format(name=name)

    def _zoom_by_steps(self, steps: int) -> None:
        if self._stack.currentIndex() == self._TEXT:
            if steps > 0:
                self._text.zoomIn(steps)
            else:
                self._text.zoomOut(-steps)
            return
        if self._stack.currentIndex() != self._PDF:
            return
        low, high = self._ZOOM_RANGE
        zoom = self._canvas.zoom * self._ZOOM_STEP**steps
        self._fit_width = False
        self._anchor = self._visible_anchor()
        self._relayout(max(low, min(high, zoom)))

    def _relayout(self, zoom: float | None = None) -> None:
        if self._stack.currentIndex() != self._PDF or not self._page_count:
            return
        if self._fit_width or zoom is None:
            zoom = self._fit_zoom() if self._fit_width else self._canvas.zoom
        self._scrolling = True
        try:
            self._canvas.relayout(zoom)
        finally:
            self._scrolling = False
        self._scroll_to_anchor()

    def _fit_zoom(self) -> float:
        document = self._document
        assert document is not None
        widest = max(document.pagePointSize(i).width() for i in range(self._page_count))
        bar = self._scroll.verticalScrollBar().sizeHint().width()
        available = self._scroll.viewport().width()
        if not self._scroll.verticalScrollBar().isVisible():
            available -= bar  # the bar appears once the pages are laid out
        available -= 2 * _PageCanvas._MARGIN
        low, high = self._ZOOM_RANGE
        return max(low, min(high, available / widest)) if widest > 0 else 1.0

    def _scroll_to_anchor(self) -> None:
        if self._anchor is None or not self._canvas.page_rects:
            return
        anchor = self._anchor
        index = min(anchor.page, len(self._canvas.page_rects) - 1)
        point = self._canvas.to_widget(index, anchor.point)
        viewport = self._scroll.viewport()
        self._scrolling = True
        try:
            self._scroll.horizontalScrollBar().setValue(
                int(max(0.0, point.x() - anchor.x_fraction * viewport.width()))
            )
            self._scroll.verticalScrollBar().setValue(
                int(max(0.0, point.y() - anchor.y_fraction * viewport.height()))
            )
        finally:
            self._scrolling = False

    def _visible_anchor(self) -> _Anchor:
        """The point of the page at the centre of the view, to keep there while zooming."""
        viewport = self._scroll.viewport()
        x = self._scroll.horizontalScrollBar().value() + viewport.width() / 2
        y = self._scroll.verticalScrollBar().value() + viewport.height() / 2
        index = self._canvas.page_at(y)
        rect = self._canvas.page_rects[index]
        zoom = self._canvas.zoom
        return _Anchor(index, QPointF((x - rect.x()) / zoom, (y - rect.y()) / zoom), 0.5, 0.5)

    def _scrolled(self) -> None:
        if self._scrolling or not self._canvas.page_rects:
            return
        self._anchor = self._visible_anchor()
        top = self._scroll.verticalScrollBar().value()
        viewport = QRectF(0, top, self._canvas.width(), self._scroll.viewport().height())
        visible = [rect.intersected(viewport).height() for rect in self._canvas.page_rects]
        self._set_page(max(range(len(visible)), key=visible.__getitem__) + 1)

    def _go_previous(self) -> None:
        self.go_to_page(self._page - 1)

    def _go_next(self) -> None:
        self.go_to_page(self._page + 1)

    def _set_page(self, page: int) -> None:
        self._page = page
        self._page_label.setText(
            self.tr("page {page} of {count}").format(page=page, count=self._page_count)
        )
        self._previous.setEnabled(page > 1)
        self._next.setEnabled(page < self._page_count)

    # --- text files ---------------------------------------------------------------------------

    def _show_text(self, file: Path, page: int, passage: str) -> None:
        """Ask the engine for the page's text (`text_requested`): the window parses no
        document itself. `show_text_page` shows the reply."""
        self._waiting_text = (str(file), passage)
        self._show_message(self.tr("Reading '{name}'…").format(name=file.name))
        self.text_requested.emit(str(file), page)

    def show_text_page(self, path: str, page: int, pages: int, text: str) -> None:
        """The engine's reply to `text_requested`: one page of a document that is not a
        PDF, as Quelle extracted it, so the passage lines up with what was indexed."""
        if self._waiting_text is None or self._waiting_text[0] != path:
            return  # the user has opened another source since
        passage = self._waiting_text[1]
        self._waiting_text = None
        self._text.setPlainText(text)
        self._page_count = pages
        self._page = page
        self._page_label.setText("")
        for button in (self._previous, self._next):
            button.setEnabled(False)
        self._set_mode(self._TEXT)

        start = text.find(passage) if passage else -1
        if start >= 0:
            spans: tuple[tuple[int, int], ...] = ((start, start + len(passage)),)
            exact = True
        else:
            location = locate_passage(text, passage)
            spans, exact = location.spans, location.exact
        if not spans:
            self._show_note(
                self.tr(
                    "The passage could not be found in this file; it may have "
                    "changed since it was indexed."
                )
            )
            return
        if not exact:
            self._show_note(
                self.tr(
                    "The file's text differs slightly from the indexed text; "
                    "the parts of the passage found in it are highlighted."
                )
            )
        highlight = QTextCharFormat()
        highlight.setBackground(_TEXT_HIGHLIGHT)
        highlight.setForeground(QColor(0, 0, 0))
        selections = []
        for begin, end in spans:
            cursor = QTextCursor(self._text.document())
            cursor.setPosition(_utf16_offset(text, begin))
            cursor.setPosition(_utf16_offset(text, end), QTextCursor.MoveMode.KeepAnchor)
            selection = QTextEdit.ExtraSelection()
            selection.cursor = cursor
            selection.format = highlight
            selections.append(selection)
        self._text.setExtraSelections(selections)
        self._text_span = (_utf16_offset(text, spans[0][0]), _utf16_offset(text, spans[0][1]))
        self._scroll_text_to(*self._text_span)

    def _scroll_text_to(self, start: int, end: int) -> None:
        """Centre the passage with context around it; a long one shows from its start."""
        cursor = self._text.textCursor()
        cursor.setPosition(start)
        self._text.setTextCursor(cursor)
        self._text.centerCursor()
        end_cursor = QTextCursor(self._text.document())
        end_cursor.setPosition(end)
        if self._text.viewport().rect().contains(self._text.cursorRect(end_cursor)):
            return
        self._text.setTextCursor(end_cursor)
        self._text.ensureCursorVisible()
        self._text.setTextCursor(cursor)
        self._text.ensureCursorVisible()

    # --- messages -----------------------------------------------------------------------------

    def show_text_failed(self, path: str, message: str) -> None:
        """The engine could not read the page `text_requested` asked for."""
        if self._waiting_text is None or self._waiting_text[0] != path:
            return
        self._waiting_text = None
        self._show_message(self.tr("This source cannot be shown: {reason}").format(reason=message))

    def _show_message(self, text: str) -> None:
        self._message.setText(text)
        self._set_mode(self._MESSAGE)
        self._page = 0
        self._page_count = 0
        self._page_label.setText("")
        for button in (self._previous, self._next):
            button.setEnabled(False)

    def _set_mode(self, mode: int) -> None:
        """Show one of the three pages, with only the header buttons that work on it."""
        self._stack.setCurrentIndex(mode)
        for button in (self._previous, self._next, self._fit):
            button.setVisible(mode == self._PDF)
        for button in (self._zoom_in, self._zoom_out):
            button.setVisible(mode != self._MESSAGE)

    def _show_note(self, text: str) -> None:
        self._note.setText(text)
        self._note.setVisible(True)

    def _open_original(self) -> None:
        if self._path:
            QDesktopServices.openUrl(QUrl.fromLocalFile(self._path))

    # --- Qt overrides -------------------------------------------------------------------------

    def _scroll_resized(self) -> None:
        if self._fit_width:
            self._relayout()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._relayout()
        if self._stack.currentIndex() == self._TEXT and self._text_span is not None:
            self._scroll_text_to(*self._text_span)


__all__ = ["SourceView"]
