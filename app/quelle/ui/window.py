"""Quelle's main window: conversations and library on the left, the chat in the middle, the
cited source on the right, indexing progress and model state in the status bar.

The window never waits on the engine, which runs in a process of its own: requests go out
through the `EngineLink`, results come back to bound slots. It opens before the models are
loaded and queues added documents until they are.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QSettings, Qt, Signal
from PySide6.QtGui import (
    QAction,
    QCloseEvent,
    QDragEnterEvent,
    QDragMoveEvent,
    QDropEvent,
    QKeySequence,
)
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from quelle.common.paths import Paths
from quelle.common.settings import Settings, load_settings
from quelle.protocol.values import (
    WRITES_FROM_PARAMS_M,
    Answer,
    DocumentInfo,
    Hit,
    IngestReport,
    ModelsOverview,
    Quote,
)
from quelle.ui.adding import AddingStatus
from quelle.ui.chat_view import ChatView
from quelle.ui.conversations import (
    DEFAULT_TITLE,
    ConversationStore,
    SavedQuote,
    SavedTurn,
    saved_source,
    turn_from_answer,
)
from quelle.ui.conversations_panel import ConversationsPanel
from quelle.ui.engine_link import AnswerRequest, EngineLink
from quelle.ui.engine_status import EngineStatus
from quelle.ui.library_panel import LibraryPanel
from quelle.ui.watched_folders import WatchedFoldersBox

if TYPE_CHECKING:
    from quelle.ui.models_dialog import ModelsDialog
    from quelle.ui.source_view import SourceView

log = logging.getLogger(__name__)

HISTORY_TURNS = 3
TITLE_CHARS = 60

STYLE_SHEET = """
QLabel#panelTitle { font-weight: 600; font-size: 11pt; }
QWidget#chatContent { background: palette(base); }
QScrollArea#chatScroll { background: palette(base); }
QLabel#question {
    font-weight: 600; padding: 8px 12px; border-radius: 8px;
    background: palette(alternate-base); border: 1px solid palette(midlight);
}
QLabel#sourcesHeading { font-weight: 600; }
QFrame#sourceCard {
    border: 1px solid palette(mid); border-radius: 6px; background: palette(window);
}
QFrame#sourceCard[cited="false"] { border: 1px dashed palette(mid); background: transparent; }
QFrame#sourceCard:hover, QFrame#sourceCard:focus { border: 1px solid palette(highlight); }
QLabel#sourceHeading { font-weight: 600; }
"""


class MainWindow(QMainWindow):
    """One library, its conversations, and the link to the engine process that serves them."""

    answer_done = Signal()  # an answer finished, failed or was stopped and is shown
    ingestion_done = Signal()  # every queued document was processed

    def __init__(
        self,
        home: str | Path | None = None,
        parent: QWidget | None = None,
        engine: EngineLink | None = None,
    ) -> None:
        """`engine`: the link to use instead of one to a real engine process (tests)."""
        super().__init__(parent)
        self.paths = Paths.resolve(home).ensure()
        self.settings = load_settings(self.paths.settings_file)
        self.store = ConversationStore(self.paths.conversations_file)
        self.conv_id: int | None = None
        self._request: AnswerRequest | None = None
        self._request_conv: int | None = None
        self._sample_question = ""  # asked once the sample guide is in the library
        self._closed = False
        self._source_view: SourceView | None = None  # created on first use: QtPdf loads lazily
        self.models_dialog: ModelsDialog | None = None  # kept: downloads outlive its closing

        self.setWindowTitle(self.tr("Quelle"))
        self.setAcceptDrops(True)
        self.setStyleSheet(STYLE_SHEET)
        self.engine = engine or EngineLink(self.paths, str(home) if home else None, self)
        self._build_widgets()
        self._build_status_bar()
        self._build_actions()
        self._restore_geometry()

        self._connect_engine()
        self.engine.start()

        self._load_conversations()
        self.chat.input.setFocus()

    # --- construction ---

    def _build_widgets(self) -> None:
        self.conversations = ConversationsPanel()
        self.conversations.selected.connect(self.open_conversation)
        self.conversations.new_requested.connect(self.new_conversation)
        self.conversations.rename_requested.connect(self.rename_conversation)
        self.conversations.delete_requested.connect(self.delete_conversation)
        self.conversations.export_requested.connect(self.export_conversation)

        self.library_panel = LibraryPanel()
        self.library_panel.remove_requested.connect(self.remove_document)
        self.library_panel.add_files_requested.connect(self.choose_files)
        self.library_panel.add_folder_requested.connect(self.choose_folder)
        self.library_panel.set_server(self.settings.chroma_url)

        self.watched = WatchedFoldersBox(self.engine, self.library_panel)

        left = QSplitter(Qt.Orientation.Vertical)
        left.setChildrenCollapsible(False)
        for panels in ((self.conversations,), (self.library_panel, self.watched)):
            holder = QWidget()
            box = QVBoxLayout(holder)
            box.setContentsMargins(12, 10, 8, 10)
            for panel in panels:
                box.addWidget(panel, 1 if panel is not self.watched else 0)
            left.addWidget(holder)
        left.setStretchFactor(0, 2)
        left.setStretchFactor(1, 3)
        left.setSizes([300, 460])

        self.chat = ChatView()
        self.chat.question_submitted.connect(self.ask)
        self.chat.stop_requested.connect(self.stop_answer)
        self.chat.source_requested.connect(self.open_source)
        self.chat.quote_requested.connect(self.open_quote)
        self.chat.write_requested.connect(lambda question: self.ask(question, write=True))
        self.chat.sample_requested.connect(self.try_sample)
        self.chat.placeholder.offer_requested.connect(self.download_offered)

        self.source_panel = QWidget()
        self.source_panel.setObjectName("sourcePanel")
        source_box = self._source_layout = QVBoxLayout(self.source_panel)
        source_box.setContentsMargins(8, 10, 12, 10)
        source_box.setSpacing(6)
        source_head = QHBoxLayout()
        self.source_title = QLabel(self.tr("Source"))
        self.source_title.setObjectName("panelTitle")
        self.source_title.setTextFormat(Qt.TextFormat.PlainText)
        close_source = QPushButton(self.tr("Close"))
        close_source.setToolTip(self.tr("Close the source (Ctrl+W)"))
        close_source.clicked.connect(self.close_source)
        source_head.addWidget(self.source_title, 1)
        source_head.addWidget(close_source)
        source_box.addLayout(source_head)
        self.source_panel.hide()

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(left)
        self.splitter.addWidget(self.chat)
        self.splitter.addWidget(self.source_panel)
        self.splitter.setStretchFactor(0, 0)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setStretchFactor(2, 1)
        self.splitter.setSizes([380, 900, 0])
        self.setCentralWidget(self.splitter)

    def _build_status_bar(self) -> None:
        bar = self.statusBar()
        self.engine_status = EngineStatus(self.engine)
        self.engine_status.reported.connect(self._show_message)
        self.engine_status.loaded.connect(self._models_loaded)
        self.engine_status.failed.connect(self._models_failed)

        self.ingest_box = AddingStatus(self.engine, self.library_panel)
        self.ingest_box.reported.connect(self._show_message)
        self.ingest_box.failed.connect(self._show_message)
        self.ingest_box.all_done.connect(self.ingestion_done)
        self.ingest_box.job_ended.connect(self._job_ended)
        bar.addPermanentWidget(self.ingest_box)
        bar.addPermanentWidget(self.engine_status)

    def _action(
        self,
        text: str,
        slot: Callable[[], object],
        shortcut: QKeySequence | QKeySequence.StandardKey | str | None = None,
        tip: str = "",
    ) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        if tip:
            action.setStatusTip(tip)
        action.triggered.connect(slot)
        self.addAction(action)
        return action

    def _build_actions(self) -> None:
        self.add_files_action = self._action(
            self.tr("&Add documents…"), self.choose_files, QKeySequence.StandardKey.Open
        )
        self.add_folder_action = self._action(
            self.tr("Add &folder…"), self.choose_folder, "Ctrl+Shift+O"
        )
        self.cancel_action = self._action(self.tr("&Cancel adding"), self.cancel_ingestion)
        self.cancel_action.setEnabled(False)
        self.ingest_box.busy_changed.connect(self.cancel_action.setEnabled)
        self.settings_action = self._action(self.tr("&Settings…"), self.open_settings, "Ctrl+,")
        self.models_action = self._action(
            self.tr("&Models…"), self.open_models, "Ctrl+M", self.tr("Download and choose models")
        )
        self.quit_action = self._action(self.tr("&Quit"), self.close, QKeySequence.StandardKey.Quit)

        self.new_action = self._action(
            self.tr("&New conversation"), self.new_conversation, QKeySequence.StandardKey.New
        )
        self.rename_action = self._action(
            self.tr("&Rename conversation"), self.conversations.rename_current, "F2"
        )
        self.delete_action = self._action(
            self.tr("&Delete conversation"), self.delete_current_conversation
        )
        self.export_action = self._action(
            self.tr("&Export as Markdown…"), self.export_current_conversation, "Ctrl+E"
        )
        self.stop_action = self._action(self.tr("&Stop answer"), self.stop_answer, "Esc")
        self.stop_action.setEnabled(False)
        self.focus_question_action = self._action(
            self.tr("Ask a &question"), self.focus_question, "Ctrl+L"
        )

        self.remove_action = self._action(
            self.tr("&Remove selected documents"), self.library_panel.remove_selected
        )
        self.open_action = self._action(
            self.tr("&Open original file"), self.library_panel.open_selected, "Ctrl+Shift+E"
        )
        self.focus_conversations_action = self._action(
            self.tr("Go to &conversations"), self.conversations.list.setFocus, "Ctrl+1"
        )
        self.focus_library_action = self._action(
            self.tr("Go to &library"), self.library_panel.tree.setFocus, "Ctrl+2"
        )
        self.close_source_action = self._action(
            self.tr("Close &source"), self.close_source, QKeySequence.StandardKey.Close
        )

        menus = self.menuBar()
        file_menu = menus.addMenu(self.tr("&File"))
        for action in (self.add_files_action, self.add_folder_action, self.cancel_action):
            file_menu.addAction(action)
        file_menu.addSeparator()
        file_menu.addAction(self.models_action)
        file_menu.addAction(self.settings_action)
        file_menu.addSeparator()
        file_menu.addAction(self.quit_action)
        conv_menu = menus.addMenu(self.tr("&Conversation"))
        for action in (self.new_action, self.rename_action, self.delete_action, self.export_action):
            conv_menu.addAction(action)
        conv_menu.addSeparator()
        conv_menu.addAction(self.focus_question_action)
        conv_menu.addAction(self.stop_action)
        library_menu = menus.addMenu(self.tr("&Library"))
        library_menu.addAction(self.open_action)
        library_menu.addAction(self.remove_action)
        view_menu = menus.addMenu(self.tr("&View"))
        for action in (
            self.focus_conversations_action,
            self.focus_library_action,
            self.focus_question_action,
            self.close_source_action,
        ):
            view_menu.addAction(action)

    def _connect_engine(self) -> None:
        engine = self.engine
        engine.documents_changed.connect(self._documents_changed)
        engine.token_received.connect(self._token_received)
        engine.answer_found.connect(self._answer_found)
        engine.answer_finished.connect(self._answer_finished)
        engine.answer_failed.connect(self._answer_failed)
        engine.settings_applied.connect(self._settings_applied)
        engine.settings_failed.connect(self._settings_failed)
        engine.error_occurred.connect(self._show_message)
        engine.notice.connect(self._notice)
        engine.download_finished.connect(self._download_finished)
        engine.models_listed.connect(self._models_listed)

    # --- models ---

    @property
    def models_ready(self) -> bool:
        return self.engine_status.ready

    @property
    def model_status(self) -> QLabel:
        return self.engine_status.label

    @property
    def model_busy(self) -> QProgressBar:
        return self.engine_status.busy

    def _models_loaded(self) -> None:
        if not self.settings.chat_model:  # the built-in model: is a better one at hand?
            self.engine.list_models()

    def _models_listed(self, overview: ModelsOverview, _imported: str) -> None:
        """Offer, on the first screen, the smallest chat model that runs well here and is big
        enough to write reliable answers, while the built-in one is in use and none such is
        installed."""
        installed = {m.id for m in overview.installed}
        writers = [
            o
            for o in overview.offers
            if o.entry.kind == "chat" and o.entry.params_m >= WRITES_FROM_PARAMS_M
        ]
        runs_well = [o.entry for o in writers if o.fit.verdict == "runs well"]
        offer = min(runs_well, key=lambda e: e.params_m, default=None)
        if self.settings.chat_model or any(o.entry.id in installed for o in writers):
            offer = None
        self.chat.placeholder.set_offer(offer)

    def download_offered(self, model_id: str) -> None:
        """The first screen's offer taken: the Models dialog shows the download."""
        self.open_models()
        assert self.models_dialog is not None
        self.models_dialog.select(model_id)
        self.models_dialog.download_selected()

    def _notice(self, message: str) -> None:
        QMessageBox.information(self, self.tr("Quelle"), message)

    def _download_finished(self, model_id: str) -> None:
        self._show_message(
            self.tr("%1 is downloaded and verified; choose it in Models.").replace("%1", model_id)
        )

    def _models_failed(self, message: str) -> None:
        QMessageBox.warning(self, self.tr("Quelle"), message)

    # --- documents ---

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802
        if self._local_paths(event.mimeData()):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:  # noqa: N802
        if self._local_paths(event.mimeData()):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802
        paths = self._local_paths(event.mimeData())
        if paths:
            event.acceptProposedAction()
            self.add_paths(paths)

    @staticmethod
    def _local_paths(mime) -> list[str]:  # type: ignore[no-untyped-def]
        if not mime.hasUrls():
            return []
        return [url.toLocalFile() for url in mime.urls() if url.isLocalFile()]

    def choose_files(self) -> None:
        paths, _filter = QFileDialog.getOpenFileNames(
            self,
            self.tr("Add documents"),
            str(Path.home()),
            self.tr("Documents (*.pdf *.docx *.md *.markdown *.txt *.html *.htm);;All files (*)"),
        )
        if paths:
            self.add_paths(paths)

    def choose_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, self.tr("Add a folder"), str(Path.home()))
        if folder:
            self.add_paths([folder])

    def add_paths(self, paths: list[str]) -> None:
        self.ingest_box.add(paths)

    def cancel_ingestion(self) -> None:
        self.ingest_box.cancel()

    def try_sample(self) -> None:
        """First run: add the guide that comes with Quelle, then ask a question about it."""
        self._sample_question = self.chat.placeholder.sample_question()
        self.add_paths([str(self.chat.placeholder.sample_guide())])

    def _job_ended(self, report: IngestReport | None) -> None:
        question, self._sample_question = self._sample_question, ""
        if question and report and not (report.failed or report.cancelled):
            self.ask(question)

    def remove_document(self, doc_id: str) -> None:
        self.engine.remove_document(doc_id)

    def _documents_changed(self, documents: list[DocumentInfo]) -> None:
        self.library_panel.set_documents(documents)
        self.chat.placeholder.set_library_empty(not documents)

    # --- questions ---

    def focus_question(self) -> None:
        self.chat.input.setFocus()

    def ask(self, question: str, write: bool | None = None) -> None:
        """Ask the engine; `write` lets the chat model write even where the evidence alone
        would be the answer."""
        if self._request is not None:
            return
        if self.conv_id is None:
            conv = self.store.new(question[:TITLE_CHARS])
            self.conv_id = conv.conv_id
        else:
            existing = self.store.conversation(self.conv_id)
            if (
                existing is not None
                and existing.title == DEFAULT_TITLE
                and not (self.store.turn_count(existing.conv_id))
            ):
                self.store.rename(existing.conv_id, question[:TITLE_CHARS])
        history = self.store.history(self.conv_id, HISTORY_TURNS)
        request = AnswerRequest(question, history, write=write)
        self._request = request
        self._request_conv = self.conv_id
        turn = self.chat.begin_turn(question)
        if not self.models_ready and not self.engine_status.error:
            turn.status.setText(self.tr("Waiting for the models to load…"))
        self.stop_action.setEnabled(True)
        self._load_conversations()
        self.engine.ask(request)

    def stop_answer(self) -> None:
        if self._request is not None:
            self.engine.stop(self._request)

    def _answer_found(
        self, request: AnswerRequest, sources: list[Hit], evidence: list[Quote]
    ) -> None:
        if request is self._request and self.conv_id == self._request_conv:
            quoted = [SavedQuote(q.n, q.text, q.reading) for q in evidence]
            self.chat.show_found([saved_source(h) for h in sources], quoted)

    def _token_received(self, request: AnswerRequest, piece: str) -> None:
        if request is self._request and self.conv_id == self._request_conv:
            self.chat.append_token(piece)

    def _answer_finished(self, request: AnswerRequest, answer: Answer) -> None:
        conv_id = self._request_conv if request is self._request else None
        saved: SavedTurn | None = None
        if conv_id is not None and self.store.conversation(conv_id) is not None:
            saved = self.store.add_turn(conv_id, turn_from_answer(answer))
        if request is self._request:
            self._request = None
            self.stop_action.setEnabled(False)
            if saved is not None and self.conv_id == conv_id:
                self.chat.finish_turn(saved)
            self._load_conversations()
            self.answer_done.emit()

    def _answer_failed(self, request: AnswerRequest, message: str) -> None:
        if request is self._request:
            self._request = None
            self.stop_action.setEnabled(False)
            self.chat.fail_turn(message)
            self.answer_done.emit()

    # --- sources ---

    def source_view(self) -> SourceView:
        """The source viewer, created the first time a source is opened."""
        if self._source_view is None:
            from quelle.ui.source_view import SourceView

            self._source_view = SourceView(self.source_panel)
            self._source_view.passwords = self.ingest_box.passwords
            self._source_layout.addWidget(self._source_view, 1)
            self._source_view.text_requested.connect(self.engine.read_source)
            self.engine.source_read.connect(self._source_view.show_text_page)
            self.engine.source_failed.connect(self._source_view.show_text_failed)
            self._source_view.scan_requested.connect(self.engine.read_scan)
            self.engine.scan_read.connect(self._source_view.show_scan)
            self.engine.scan_failed.connect(self._source_view.show_scan_failed)
        return self._source_view

    def open_source(self, turn_index: int, n: int, text: str | None = None) -> None:
        """Show source `n` of a turn with its passage highlighted (or `text` in it)."""
        turn = self.chat.turn(turn_index)
        if turn is None:
            return
        sources = turn.sources
        if not 1 <= n <= len(sources):
            return
        source = sources[n - 1]
        view = self.source_view()
        self.source_title.setText(
            self.tr("[%1] %2, page %3")
            .replace("%1", str(n))
            .replace("%2", source.name)
            .replace("%3", str(source.page))
        )
        if not self.source_panel.isVisible():
            self.source_panel.show()
            total = sum(self.splitter.sizes())
            left = self.splitter.sizes()[0]
            rest = max(0, total - left)
            self.splitter.setSizes([left, rest // 2, rest - rest // 2])
        view.show_passage(source.file, source.page, text or source.text or source.snippet)

    def open_quote(self, turn_index: int, k: int) -> None:
        """Show the source of a turn's k-th quoted sentence with that sentence highlighted."""
        turn = self.chat.turn(turn_index)
        if turn is not None and 0 <= k < len(turn.quotes):
            quote = turn.quotes[k]
            self.open_source(turn_index, quote.n, quote.text)

    def close_source(self) -> None:
        self.source_panel.hide()
        self.chat.input.setFocus()

    # --- conversations ---

    def _load_conversations(self) -> None:
        self.conversations.set_conversations(self.store.conversations(), self.conv_id)

    def open_conversation(self, conv_id: int) -> None:
        if conv_id == self.conv_id:
            return
        self.stop_answer()
        self._request = None
        self.stop_action.setEnabled(False)
        self.conv_id = conv_id
        self.chat.show_turns(self.store.turns(conv_id))
        self._load_conversations()

    def new_conversation(self) -> None:
        self.stop_answer()
        self._request = None
        self.stop_action.setEnabled(False)
        conv = self.store.new()
        self.conv_id = conv.conv_id
        self.chat.clear()
        self._load_conversations()
        self.chat.input.setFocus()

    def rename_conversation(self, conv_id: int, title: str) -> None:
        self.store.rename(conv_id, title)
        self._load_conversations()

    def delete_current_conversation(self) -> None:
        conv_id = self.conversations.current_id()
        if conv_id is not None:
            self.delete_conversation(conv_id)

    def delete_conversation(self, conv_id: int) -> None:
        conv = self.store.conversation(conv_id)
        if conv is None:
            return
        answer = QMessageBox.question(
            self,
            self.tr("Delete conversation"),
            self.tr("Delete “%1” and all its answers?").replace("%1", conv.title),
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        if conv_id == self.conv_id:
            self.stop_answer()
            self._request = None
            self.conv_id = None
            self.chat.clear()
        self.store.delete(conv_id)
        self._load_conversations()

    def export_current_conversation(self) -> None:
        conv_id = self.conversations.current_id() or self.conv_id
        if conv_id is not None:
            self.export_conversation(conv_id)

    def export_conversation(self, conv_id: int, path: str | None = None) -> None:
        conv = self.store.conversation(conv_id)
        if conv is None:
            return
        if path is None:
            suggested = "".join(c if c.isalnum() or c in " -_" else "_" for c in conv.title)
            path, _filter = QFileDialog.getSaveFileName(
                self,
                self.tr("Export conversation"),
                str(Path.home() / f"{suggested.strip() or 'conversation'}.md"),
                self.tr("Markdown (*.md)"),
            )
        if not path:
            return
        try:
            Path(path).write_text(self.store.export_markdown(conv_id), encoding="utf-8")
        except OSError as exc:
            self._show_message(
                self.tr("Could not write %1: %2")
                .replace("%1", path)
                .replace("%2", exc.strerror or str(exc))
            )
            return
        self.statusBar().showMessage(self.tr("Exported to %1").replace("%1", path), 8000)

    # --- settings ---

    def open_settings(self) -> None:
        from quelle.ui import settings_dialog

        dialog = settings_dialog.SettingsDialog(self.settings, self.engine, self)
        if dialog.exec():
            self.apply_settings(dialog.settings())
        dialog.deleteLater()  # it hears the engine's replies while it lives

    def open_models(self) -> None:
        from quelle.ui.models_dialog import ModelsDialog

        if self.models_dialog is None:
            self.models_dialog = ModelsDialog(self.settings, self.engine, self)
        else:
            self.models_dialog.refresh()
        self.models_dialog.show()
        self.models_dialog.raise_()

    def apply_settings(self, settings: Settings) -> None:
        self.engine.update_settings(settings)

    def _settings_applied(self, settings: Settings) -> None:
        self.settings = settings
        self.library_panel.set_server(settings.chroma_url)
        self.statusBar().showMessage(
            self.tr("Settings saved. They apply from the next question on."), 8000
        )

    def _settings_failed(self, message: str) -> None:
        QMessageBox.warning(self, self.tr("Settings not saved"), message)

    # --- errors, geometry, closing ---

    def _show_message(self, message: str) -> None:
        """A report or an error, in the status bar for a while."""
        self.statusBar().showMessage(message, 15000)

    def _window_settings(self) -> QSettings:
        return QSettings(str(self.paths.config_dir / "window.ini"), QSettings.Format.IniFormat)

    def _restore_geometry(self) -> None:
        stored = self._window_settings()
        geometry = stored.value("geometry")
        if geometry is None or not self.restoreGeometry(geometry):
            self.resize(1280, 800)
        state = stored.value("splitter")
        if state is not None:
            self.splitter.restoreState(state)
            self.source_panel.hide()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        self.shutdown()
        super().closeEvent(event)

    def shutdown(self) -> None:
        """Save the window's state and let go of the engine, which stops what it was doing
        for this window (half-added documents are completed on the next start)."""
        if self._closed:
            return
        self._closed = True
        stored = self._window_settings()
        stored.setValue("geometry", self.saveGeometry())
        self.source_panel.hide()
        stored.setValue("splitter", self.splitter.saveState())
        stored.sync()
        self.engine.close()
        self.store.close()
        log.info("Window closed")
