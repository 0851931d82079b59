"""The conversation: questions, answers streamed as Markdown, timings and clickable sources.

Each turn is its own small widget, so streaming re-renders only the answer being written,
and only every few dozen milliseconds: a model can produce a hundred tokens a second and a
repaint per token would make the window sluggish.

A finished answer lists the passages it rests on under "Sources" and the others the model
was given under "Also consulted"; a sentence no passage supports is marked in red, with
a tooltip that says so.
"""

from __future__ import annotations

import math
import re
from html import escape

from PySide6.QtCore import QEvent, QSize, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QColor, QKeyEvent, QPalette, QTextCharFormat, QTextCursor, QTextDocument
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from quelle.protocol.values import MARKER
from quelle.ui.conversations import SavedQuote, SavedSource, SavedTurn
from quelle.ui.numbers import number
from quelle.ui.welcome import WelcomePanel

SOURCE_SCHEME = "quelle-source"
QUOTE_SCHEME = "quelle-quote"
RENDER_INTERVAL_MS = 50
SHOWN_TURNS = 10  # turns kept as widgets; earlier ones come back with a button
# Private-use characters around an unsupported sentence: they pass through the Markdown
# parser as plain text, so the rendered document shows where the sentence went.
_OPEN, _CLOSE = "\ue000", "\ue001"


def linkify(text: str, turn: int, count: int | None = None) -> str:
    """Turn citation markers `[2]` (or `[1, 2]`) into links `quelle-source:<turn>/<n>`.

    With `count`, only markers that name a real source become links.
    """

    def replace(match: re.Match[str]) -> str:
        numbers = [int(n) for n in re.split(r"\s*,\s*", match.group(1))]
        if count is not None and not all(1 <= n <= count for n in numbers):
            return match.group(0)
        links = ", ".join(f"[\\[{n}\\]]({SOURCE_SCHEME}:{turn}/{n})" for n in numbers)
        return links

    return MARKER.sub(replace, text)


_HEADING = re.compile(r"^ {0,3}#{1,6}[ \t]+(.+?)[ \t#]*$", re.MULTILINE)


def answer_markdown(text: str, turn: int, count: int | None = None) -> str:
    """An answer ready to render: headings kept as bold lines (a model's `# Title` would
    otherwise dwarf the conversation) and citation markers as links."""
    return linkify(_HEADING.sub(r"**\1**", text), turn, count)


def evidence_markdown(evidence: list[SavedQuote], turn: int) -> str:
    """Quoted sentences as Markdown block quotes, each with its source's number as a link to
    the sentence in its source (`quelle-quote:<turn>/<k>`); a table row with its reading
    beneath."""
    blocks = []
    for k, q in enumerate(evidence):
        link = f"[\\[{q.n}\\]]({QUOTE_SCHEME}:{turn}/{k})"
        block = f"> “{' '.join(q.text.split())}” {link}"
        if q.reading:
            block += f"\n>\n> *{q.reading}*"
        blocks.append(block)
    return "\n\n".join(blocks)


def bracket_spans(text: str, spans: list[tuple[int, int]]) -> str:
    """`text` with each span between the two private-use marks, for `mark_spans`."""
    pieces, last = [], 0
    for start, end in sorted(spans):
        if last <= start <= end <= len(text):
            pieces += [text[last:start], _OPEN, text[start:end], _CLOSE]
            last = end
    pieces.append(text[last:])
    return "".join(pieces)


def mark_spans(document: QTextDocument, style: QTextCharFormat) -> int:
    """Apply `style` between each pair of marks `bracket_spans` set, then remove the marks;
    links inside keep working because the style is merged, not set. Returns the count."""
    marked = 0
    cursor = document.find(_OPEN)
    while not cursor.isNull():
        start = cursor.selectionStart()
        close = document.find(_CLOSE, cursor)
        cursor.removeSelectedText()
        if close.isNull():
            break
        close.removeSelectedText()
        span = QTextCursor(document)
        span.setPosition(start)
        span.setPosition(close.selectionStart(), QTextCursor.MoveMode.KeepAnchor)
        span.mergeCharFormat(style)
        marked += 1
        cursor = document.find(_OPEN, close)
    for mark in (_OPEN, _CLOSE):  # an unpaired one, should the parser have split a pair
        stray = document.find(mark)
        while not stray.isNull():
            stray.removeSelectedText()
            stray = document.find(mark, stray)
    return marked


def parse_source_url(url: QUrl, scheme: str = SOURCE_SCHEME) -> tuple[int, int] | None:
    """`quelle-source:3/2` -> (3, 2) (turn, source); `quelle-quote:3/0` the same (turn,
    quote) with `scheme` QUOTE_SCHEME."""
    if url.scheme() != scheme:
        return None
    try:
        turn, n = url.path().split("/")
        return int(turn), int(n)
    except ValueError:
        return None


def muted_color(palette: QPalette) -> QColor:
    """Secondary text: between text and background, readable in light and dark palettes."""
    text = palette.color(QPalette.ColorRole.WindowText)
    back = palette.color(QPalette.ColorRole.Window)
    mix = 0.62
    return QColor(
        int(text.red() * mix + back.red() * (1 - mix)),
        int(text.green() * mix + back.green() * (1 - mix)),
        int(text.blue() * mix + back.blue() * (1 - mix)),
    )


def warning_color(palette: QPalette) -> QColor:
    """Red that reads on the palette's background, light or dark."""
    dark = palette.color(QPalette.ColorRole.Window).lightness() < 128
    return QColor("#ff8a80" if dark else "#b3261e")


def _mute(label: QLabel) -> None:
    palette = label.palette()
    palette.setColor(QPalette.ColorRole.WindowText, muted_color(palette))
    label.setPalette(palette)


def _warn(label: QLabel) -> None:
    palette = label.palette()
    palette.setColor(QPalette.ColorRole.WindowText, warning_color(palette))
    label.setPalette(palette)


class WrapLabel(QLabel):
    """Word-wrapped plain text that remembers its height for each width.

    Qt measures a wrapped label's whole text again each time the conversation is laid out,
    and a streaming answer lays it out many times a second: with ten turns of source cards
    that cost tens of milliseconds per layout on the GUI thread.
    """

    _FORGET = (QEvent.Type.FontChange, QEvent.Type.StyleChange, QEvent.Type.ContentsRectChange)

    def __init__(self, text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(text, parent)
        self._heights: dict[int, int] = {}
        self.setWordWrap(True)
        self.setTextFormat(Qt.TextFormat.PlainText)

    def setText(self, text: str) -> None:  # noqa: N802
        self._heights.clear()
        super().setText(text)

    def heightForWidth(self, width: int) -> int:  # noqa: N802
        height = self._heights.get(width)
        if height is None:
            if len(self._heights) > 16:  # the window was resized a lot
                self._heights.clear()
            height = self._heights[width] = super().heightForWidth(width)
        return height

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802
        if event.type() in self._FORGET:
            self._heights.clear()
        super().changeEvent(event)


class AnswerBrowser(QTextBrowser):
    """Rich text that is exactly as tall as its content, inside the scrolling conversation."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setOpenLinks(False)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        self.setAcceptDrops(False)
        self.viewport().setAcceptDrops(False)
        self.viewport().setAutoFillBackground(False)
        self.setStyleSheet("QTextBrowser { background: transparent; }")
        self.document().setDocumentMargin(2)
        self.document().documentLayout().documentSizeChanged.connect(self._fit)

    def _fit(self, size: object = None) -> None:
        height = math.ceil(self.document().size().height()) + 2 * self.frameWidth()
        if height != self.height():
            self.setFixedHeight(height)

    def sizeHint(self) -> QSize:  # noqa: N802
        return QSize(super().sizeHint().width(), self.height())


class SourceCard(QFrame):
    """One passage: file, page, relevance and a snippet. Click or Enter opens it.

    A passage the answer does not rest on is drawn muted (`cited` property for the style).
    """

    activated = Signal()

    def __init__(self, n: int, source: SavedSource, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.n = n
        self.source = source
        self.setObjectName("sourceCard")
        self.setProperty("cited", source.cited)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self.setToolTip(
            self.tr("Open %1 at page %2").replace("%1", source.name).replace("%2", str(source.page))
        )
        head = QLabel(
            self.tr("<b>[%1]</b>&nbsp; %2 · page %3")
            .replace("%1", str(n))
            .replace("%2", escape(source.name))
            .replace("%3", str(source.page))
        )
        head.setTextFormat(Qt.TextFormat.RichText)
        relevance = QLabel(self.tr("relevance %1").replace("%1", number(source.similarity, 2)))
        _mute(relevance)
        snippet = WrapLabel(source.snippet)
        _mute(snippet)
        if not source.cited:
            _mute(head)
        top = QHBoxLayout()
        top.setSpacing(8)
        top.addWidget(head, 1)
        top.addWidget(relevance)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 6, 10, 8)
        layout.setSpacing(2)
        layout.addLayout(top)
        layout.addWidget(snippet)
        self.head = head
        self.snippet = snippet

    def mouseReleaseEvent(self, event) -> None:  # type: ignore[no-untyped-def]  # noqa: N802
        if event.button() == Qt.MouseButton.LeftButton and self.rect().contains(
            event.position().toPoint()
        ):
            self.activated.emit()
        super().mouseReleaseEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space):
            self.activated.emit()
            return
        super().keyPressEvent(event)


UNSUPPORTED_TIP = "No passage supports this sentence"  # the tooltip's English text


class TurnWidget(QFrame):
    """A question with its answer; the answer grows while it streams."""

    source_requested = Signal(int, int)  # turn, n
    quote_requested = Signal(int, int)  # turn, the quote's place in its evidence
    write_requested = Signal(str)  # the question, for the chat model to write an answer

    def __init__(self, index: int, question: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.index = index
        self.question = question
        self.text = ""
        self.sources: list[SavedSource] = []
        self.quotes: list[SavedQuote] = []
        self.saved: SavedTurn | None = None
        self.finished = False
        self.setObjectName("turn")

        self.question_label = WrapLabel(question)
        self.question_label.setObjectName("question")
        self.question_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.status = QLabel(self.tr("Searching your documents…"))
        _mute(self.status)
        self.evidence = AnswerBrowser()  # the quoted sentences that answer, before the answer
        self.evidence.setObjectName("evidence")
        self.evidence.anchorClicked.connect(self._quote_clicked)
        self.evidence.hide()
        self.answer = AnswerBrowser()
        self.answer.anchorClicked.connect(self._anchor_clicked)
        self.answer.hide()
        self.unsupported_note = WrapLabel()
        self.unsupported_note.setObjectName("unsupportedNote")
        _warn(self.unsupported_note)
        self.unsupported_note.hide()
        self.write_button = QPushButton(self.tr("Let the model write an answer"))
        self.write_button.setToolTip(
            self.tr(
                "The chat model is small: the sentences above are the answer. It can still "
                "write one from them, which takes longer and may be wrong."
            )
        )
        self.write_button.clicked.connect(lambda: self.write_requested.emit(self.question))
        self.write_button.hide()
        self.metrics = WrapLabel()
        self.metrics.setObjectName("metrics")
        _mute(self.metrics)
        self.metrics.hide()

        self.sources_box = QWidget()
        self.sources_layout = QVBoxLayout(self.sources_box)
        self.sources_layout.setContentsMargins(0, 4, 0, 0)
        self.sources_layout.setSpacing(6)
        self.sources_box.hide()
        self.cards: list[SourceCard] = []  # cited first, then the ones only consulted
        self.headings: list[QLabel] = []
        self._to_show: list[tuple[str, bool] | tuple[int, SavedSource]] = []
        self._card_timer = QTimer(self)
        self._card_timer.setSingleShot(True)
        self._card_timer.setInterval(0)
        self._card_timer.timeout.connect(self._show_next_card)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        layout.addWidget(self.question_label)
        layout.addWidget(self.evidence)
        layout.addWidget(self.status)
        layout.addWidget(self.answer)
        layout.addWidget(self.write_button, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.unsupported_note)
        layout.addWidget(self.metrics)
        layout.addWidget(self.sources_box)

    def set_text(self, text: str) -> None:
        """Show the answer so far as Markdown (called by the view's render timer)."""
        self.text = text
        if not text:
            return
        self.status.hide()
        self.answer.show()
        count = len(self.sources) if self.finished else None
        spans = self.saved.unsupported if self.finished and self.saved else []
        self.answer.setMarkdown(answer_markdown(bracket_spans(text, spans), self.index, count))
        if spans:
            mark_spans(self.answer.document(), self._unsupported_style())

    def show_found(self, sources: list[SavedSource], evidence: list[SavedQuote]) -> None:
        """What the answer draws on, shown before the model's first word: the sentences
        quoted from the sources, each with its clickable number."""
        self.sources = list(sources)
        self.quotes = list(evidence)
        if evidence:
            self.evidence.setMarkdown(evidence_markdown(evidence, self.index))
            self.evidence.show()
        if not self.text:
            self.status.setText(
                self.tr("Reading %1 passages…").replace("%1", str(len(self.sources)))
            )

    def _unsupported_style(self) -> QTextCharFormat:
        """A dotted red underline on a faint red ground: visible at a glance, still readable,
        and not the solid underline of a link."""
        red = warning_color(self.palette())
        ground = QColor(red)
        ground.setAlpha(28)
        style = QTextCharFormat()
        style.setUnderlineStyle(QTextCharFormat.UnderlineStyle.DotLine)
        style.setUnderlineColor(red)
        style.setBackground(ground)
        style.setToolTip(self.tr("No passage supports this sentence"))
        return style

    def finish(self, turn: SavedTurn) -> None:
        self.finished = True
        self.saved = turn
        self.show_found(turn.sources, turn.evidence)
        self.set_text(turn.answer)
        self.write_button.setVisible(turn.evidence_only)
        if turn.evidence_only:
            self.status.hide()
        elif not turn.answer:
            self.status.setText(
                self.tr("Stopped before the first word.") if turn.stopped else self.tr("No answer.")
            )
            self.status.show()
        self.metrics.setText(self.metrics_text(turn))
        self.metrics.show()
        unsupported = len(turn.unsupported)
        self.unsupported_note.setText(
            self.tr("1 sentence is not supported by your documents; it is marked in red.")
            if unsupported == 1
            else self.tr(
                "%1 sentences are not supported by your documents; they are marked in red."
            ).replace("%1", str(unsupported))
        )
        self.unsupported_note.setVisible(bool(unsupported))
        for widget in [*self.headings, *self.cards]:
            widget.deleteLater()
        self.headings = []
        self.cards = []
        self._to_show = []
        for title, cited in ((self.tr("Sources"), True), (self.tr("Also consulted"), False)):
            if numbered := turn.numbered(cited):
                self._to_show.append((title, cited))
                self._to_show.extend(numbered)
        self.sources_box.setVisible(bool(self.sources))
        self._show_next_card()

    def cards_shown(self) -> bool:
        return not self._to_show

    def _show_next_card(self) -> None:
        """Add one source card (or heading), then the next on the next turn of the event
        loop: built all at once beside a busy engine, five cards held the window up for
        tens of milliseconds."""
        if not self._to_show:
            return
        label, item = self._to_show.pop(0)  # (number, source) or (heading, cited)
        if isinstance(item, SavedSource):
            card = SourceCard(int(label), item)
            card.activated.connect(self._card_activated)
            self.sources_layout.addWidget(card)
            self.cards.append(card)
        else:
            heading = QLabel(str(label))
            heading.setObjectName("sourcesHeading")
            if not item:
                _mute(heading)
            self.sources_layout.addWidget(heading)
            self.headings.append(heading)
        if self._to_show:
            self._card_timer.start()

    def fail(self, message: str) -> None:
        self.finished = True
        self.status.setText(message)
        self.status.setObjectName("error")
        self.status.setWordWrap(True)
        _warn(self.status)
        self.status.show()

    def metrics_text(self, turn: SavedTurn) -> str:
        t = turn.timings
        parts = []
        if "first_token_seconds" in t:
            parts.append(
                self.tr("first token %1 s").replace("%1", number(t["first_token_seconds"], 2))
            )
            parts.append(self.tr("%1 tokens/s").replace("%1", number(t["tokens_per_second"], 1)))
            parts.append(self.tr("%1 ms/token").replace("%1", number(t["ms_per_token"])))
        if "retrieval_seconds" in t:
            parts.append(self.tr("retrieval %1 s").replace("%1", number(t["retrieval_seconds"], 2)))
        if "rerank_seconds" in t:
            parts.append(self.tr("re-ranked in %1 s").replace("%1", number(t["rerank_seconds"], 2)))
        if "check_seconds" in t:
            parts.append(self.tr("checked in %1 s").replace("%1", number(t["check_seconds"], 2)))
        if not turn.sources:
            parts.append(self.tr("no passage was relevant"))
        if turn.stopped:
            parts.append(self.tr("stopped"))
        return "  ·  ".join(parts)

    def plain_answer(self) -> str:
        return "" if self.answer.isHidden() else self.answer.toPlainText()

    def _anchor_clicked(self, url: QUrl) -> None:
        parsed = parse_source_url(url)
        if parsed is not None:
            self.source_requested.emit(*parsed)

    def _quote_clicked(self, url: QUrl) -> None:
        parsed = parse_source_url(url, QUOTE_SCHEME)
        if parsed is not None:
            self.quote_requested.emit(*parsed)

    def _card_activated(self) -> None:
        card = self.sender()
        if isinstance(card, SourceCard):
            self.source_requested.emit(self.index, card.n)


class QuestionEdit(QPlainTextEdit):
    """Enter sends, Shift+Enter starts a new line."""

    submitted = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAcceptDrops(False)
        self.viewport().setAcceptDrops(False)
        self.setTabChangesFocus(True)
        lines = 3
        height = (
            self.fontMetrics().lineSpacing() * lines
            + 2 * int(self.document().documentMargin())
            + 2 * self.frameWidth()
            + 4
        )
        self.setFixedHeight(height)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            if event.modifiers() & Qt.KeyboardModifier.ShiftModifier:
                self.insertPlainText("\n")
            else:
                self.submitted.emit()
            return
        super().keyPressEvent(event)


class ChatView(QWidget):
    """The conversation and the question box."""

    question_submitted = Signal(str)
    stop_requested = Signal()
    source_requested = Signal(int, int)  # turn index, source number (1-based)
    quote_requested = Signal(int, int)  # turn index, the quote's place in its evidence
    write_requested = Signal(str)  # a question the chat model is to answer in writing

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._turns: list[TurnWidget] = []
        self._earlier: list[SavedTurn] = []
        self._streaming: TurnWidget | None = None
        self._buffer = ""
        self._follow = True
        self.answering = False

        self._render_timer = QTimer(self)
        self._render_timer.setSingleShot(True)
        self._render_timer.setInterval(RENDER_INTERVAL_MS)
        self._render_timer.timeout.connect(self._render)

        self.placeholder = WelcomePanel()
        self.sample_requested = self.placeholder.sample_requested

        self._content = QWidget()
        self._content.setObjectName("chatContent")
        self._layout = QVBoxLayout(self._content)
        self._layout.setContentsMargins(20, 16, 20, 16)
        self._layout.setSpacing(22)
        self.earlier_button = QPushButton()
        self.earlier_button.setObjectName("earlierButton")
        self.earlier_button.setFlat(True)
        self.earlier_button.clicked.connect(self.show_earlier)
        self.earlier_button.hide()
        self._layout.addWidget(self.earlier_button, 0, Qt.AlignmentFlag.AlignHCenter)
        self._layout.addWidget(self.placeholder)
        self._layout.addStretch(1)

        self.scroll_area = QScrollArea()
        self.scroll_area.setObjectName("chatScroll")
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.scroll_area.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll_area.setWidget(self._content)
        self.scroll_area.setAcceptDrops(False)
        bar = self.scroll_area.verticalScrollBar()
        bar.rangeChanged.connect(self._range_changed)
        bar.valueChanged.connect(self._scrolled)

        self.input = QuestionEdit()
        self.input.setObjectName("questionInput")
        self.input.setPlaceholderText(
            self.tr("Ask a question about your documents…  (Enter sends, Shift+Enter adds a line)")
        )
        self.input.submitted.connect(self.submit)
        self.send_button = QPushButton(self.tr("Send"))
        self.send_button.setObjectName("sendButton")
        self.send_button.setDefault(False)
        self.send_button.setAutoDefault(False)
        self.send_button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self.send_button.clicked.connect(self._button_clicked)
        self.send_button.setMinimumWidth(84)

        box = QHBoxLayout()
        box.setContentsMargins(16, 8, 16, 12)
        box.setSpacing(8)
        box.addWidget(self.input, 1)
        box.addWidget(self.send_button, 0, Qt.AlignmentFlag.AlignBottom)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.scroll_area, 1)
        separator = QFrame()
        separator.setFrameShape(QFrame.Shape.HLine)
        separator.setFrameShadow(QFrame.Shadow.Sunken)
        layout.addWidget(separator)
        layout.addLayout(box)
        self.setFocusProxy(self.input)

    # --- conversation ---

    def turns(self) -> list[TurnWidget]:
        """The turns on screen, oldest first (earlier ones wait behind a button)."""
        return list(self._turns)

    def turn(self, index: int) -> TurnWidget | None:
        return next((t for t in self._turns if t.index == index), None)

    def clear(self) -> None:
        self._render_timer.stop()
        self._streaming = None
        for turn in self._turns:
            self._layout.removeWidget(turn)
            turn.deleteLater()
        self._turns = []
        self._earlier = []
        self._update_earlier_button()
        self.placeholder.show()
        self.set_answering(False)

    def show_turns(self, turns: list[SavedTurn]) -> None:
        """Show a saved conversation: its last turns, the rest one click away."""
        self.clear()
        self._earlier = list(turns[:-SHOWN_TURNS])
        for saved in turns[-SHOWN_TURNS:]:
            widget = self._add_turn(saved.question)
            widget.finish(saved)
        self._update_earlier_button()
        self._follow = True
        self._scroll_to_end()

    def show_earlier(self) -> None:
        """Bring the previous batch of hidden turns back above the ones shown."""
        batch = self._earlier[-SHOWN_TURNS:]
        self._earlier = self._earlier[:-SHOWN_TURNS]
        first = len(self._earlier)
        for offset, saved in enumerate(batch):
            widget = TurnWidget(first + offset, saved.question)
            widget.source_requested.connect(self.source_requested)
            widget.quote_requested.connect(self.quote_requested)
            widget.write_requested.connect(self.write_requested)
            self._layout.insertWidget(2 + offset, widget)
            self._turns.insert(offset, widget)
            widget.finish(saved)
        self._update_earlier_button()
        self._follow = False

    def begin_turn(self, question: str) -> TurnWidget:
        self._trim()
        widget = self._add_turn(question)
        self._streaming = widget
        self._buffer = ""
        self._follow = True
        self.set_answering(True)
        self._scroll_to_end()
        return widget

    def _trim(self) -> None:
        """Keep the widget count bounded: every relayout while streaming is as cheap with a
        hundred questions asked as with one."""
        while len(self._turns) >= SHOWN_TURNS and self._turns[0] is not self._streaming:
            oldest = self._turns.pop(0)
            if oldest.saved is not None:
                self._earlier.append(oldest.saved)
            self._layout.removeWidget(oldest)
            oldest.deleteLater()
        self._update_earlier_button()

    def _update_earlier_button(self) -> None:
        self.earlier_button.setVisible(bool(self._earlier))
        self.earlier_button.setText(
            self.tr("Show earlier questions (%1)").replace("%1", str(len(self._earlier)))
        )

    def append_token(self, piece: str) -> None:
        """Queue a piece of the streaming answer; the render timer shows it shortly."""
        if self._streaming is None:
            return
        self._buffer += piece
        if not self._render_timer.isActive():
            self._render_timer.start()

    def show_found(self, sources: list[SavedSource], evidence: list[SavedQuote]) -> None:
        """The streaming answer's sources and evidence, before its first word."""
        if self._streaming is not None:
            self._streaming.show_found(sources, evidence)

    def finish_turn(self, turn: SavedTurn) -> None:
        self._render_timer.stop()
        if self._streaming is not None:
            self._streaming.finish(turn)
        self._streaming = None
        self.set_answering(False)

    def fail_turn(self, message: str) -> None:
        self._render_timer.stop()
        if self._streaming is not None:
            if self._buffer:
                self._streaming.set_text(self._buffer)
            self._streaming.fail(message)
        self._streaming = None
        self.set_answering(False)

    def set_answering(self, answering: bool) -> None:
        self.answering = answering
        self.send_button.setText(self.tr("Stop") if answering else self.tr("Send"))
        self.send_button.setToolTip(
            self.tr("Stop the answer (Esc)") if answering else self.tr("Send the question (Enter)")
        )

    def _add_turn(self, question: str) -> TurnWidget:
        self.placeholder.hide()
        index = self._turns[-1].index + 1 if self._turns else len(self._earlier)
        widget = TurnWidget(index, question)
        widget.source_requested.connect(self.source_requested)
        widget.quote_requested.connect(self.quote_requested)
        widget.write_requested.connect(self.write_requested)
        self._layout.insertWidget(self._layout.count() - 1, widget)
        self._turns.append(widget)
        return widget

    def _render(self) -> None:
        if self._streaming is not None:
            self._streaming.set_text(self._buffer)

    # --- input ---

    def submit(self) -> None:
        question = self.input.toPlainText().strip()
        if not question or self.answering:
            return
        self.input.clear()
        self.question_submitted.emit(question)

    def _button_clicked(self) -> None:
        if self.answering:
            self.stop_requested.emit()
        else:
            self.submit()
        self.input.setFocus()

    # --- scrolling ---

    def _range_changed(self, _minimum: int, maximum: int) -> None:
        if self._follow:
            self.scroll_area.verticalScrollBar().setValue(maximum)

    def _scrolled(self, value: int) -> None:
        bar = self.scroll_area.verticalScrollBar()
        self._follow = value >= bar.maximum() - 8

    def _scroll_to_end(self) -> None:
        bar = self.scroll_area.verticalScrollBar()
        bar.setValue(bar.maximum())
