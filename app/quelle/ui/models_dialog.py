"""The Models dialog: the catalogue with a fit verdict for this computer, downloads with
progress, and the choice of chat model, embedder and re-ranker.

The engine reads the models folder, judges what fits this computer, imports and removes
models; the dialog asks it and draws the replies. Downloads run in the engine too (the window
opens no connection); the dialog shows their progress, and may be closed and opened again
while they run. Choosing a model is a settings change: a chat model or re-ranker applies from
the next question on, a new embedder re-indexes the library in the background while the old
index keeps answering.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QLocale, Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QTabWidget,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from quelle.common.settings import Settings
from quelle.common.wording import duration_text
from quelle.protocol.values import (
    KINDS,
    MODEL_SETTING,
    OPTIONAL_KINDS,
    OTHERS_MB,
    DownloadProgress,
    Fit,
    InstalledModel,
    Kind,
    ModelOffer,
    ModelsOverview,
)
from quelle.ui.engine_link import EngineLink
from quelle.ui.numbers import number, size_text

log = logging.getLogger(__name__)

VERDICT_COLOURS = {"runs well": "#2e7d32", "slow": "#b26a00", "won't fit": "#c62828"}
ID_ROLE = Qt.ItemDataRole.UserRole


class ModelsDialog(QDialog):
    """The models of each kind, with what suits this computer; downloads and choosing one."""

    def __init__(
        self, settings: Settings, engine: EngineLink, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Models"))
        self.resize(1000, 580)
        self._settings = settings
        self._engine = engine
        self._models: ModelsOverview | None = None  # the engine's last reply
        self._progress: dict[str, DownloadProgress] = {}
        self._reindexed: tuple[int, int] | None = None  # passages done, total, while switching

        self.machine_label = QLabel()
        self.machine_label.setWordWrap(True)
        self.tabs = QTabWidget()
        self.trees: dict[str, QTreeWidget] = {}
        titles = {
            "chat": self.tr("&Chat models"),
            "embedder": self.tr("&Embedders"),
            "reranker": self.tr("&Re-rankers"),
            "checker": self.tr("Answer &checkers"),
        }
        for kind in KINDS:
            tree = QTreeWidget()
            tree.setObjectName(f"models_{kind}")
            tree.setRootIsDecorated(False)
            tree.setHeaderLabels(
                [
                    self.tr("Model"),
                    self.tr("Size"),
                    self.tr("On this computer"),
                    self.tr("Languages"),
                    self.tr("Licence"),
                    self.tr("State"),
                ]
            )
            tree.currentItemChanged.connect(self._selection_changed)
            self.trees[kind] = tree
            self.tabs.addTab(tree, titles[kind])
        self.tabs.currentChanged.connect(self._selection_changed)

        self.details = QLabel()
        self.details.setWordWrap(True)
        self.details.setTextFormat(Qt.TextFormat.PlainText)
        self.progress = QProgressBar()
        self.progress.setRange(0, 1000)
        self.progress_label = QLabel()
        self.download_button = QPushButton(self.tr("&Download"))
        self.cancel_button = QPushButton(self.tr("Cance&l download"))
        self.use_button = QPushButton(self.tr("&Use"))
        self.remove_button = QPushButton(self.tr("Re&move"))
        self.import_button = QPushButton(self.tr("&Import GGUF file…"))
        self.download_button.clicked.connect(self.download_selected)
        self.cancel_button.clicked.connect(self.cancel_selected)
        self.use_button.clicked.connect(self.use_selected)
        self.remove_button.clicked.connect(self.remove_selected)
        self.import_button.clicked.connect(self.import_file)

        buttons = QHBoxLayout()
        for button in (
            self.download_button,
            self.cancel_button,
            self.use_button,
            self.remove_button,
        ):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.import_button)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(self.machine_label)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.details)
        layout.addWidget(self.progress)
        layout.addWidget(self.progress_label)
        layout.addLayout(buttons)
        layout.addWidget(close)

        engine.download_progressed.connect(self._download_progressed)
        engine.download_finished.connect(self._download_finished)
        engine.download_failed.connect(self._download_failed)
        engine.settings_applied.connect(self._settings_applied)
        engine.reindexing.connect(self._reindexing)
        engine.models_listed.connect(self._models_listed)
        engine.model_request_failed.connect(self._model_request_failed)
        self.refresh()

    # --- what is shown ---------------------------------------------------------------------

    def _machine_text(self, models: ModelsOverview) -> str:
        m = models.machine
        text = (
            self.tr("This computer: %1 GB memory (%2 GB free), %3 cores.")
            .replace("%1", number(m.total_mb / 1024, 1))
            .replace("%2", number(m.available_mb / 1024, 1))
            .replace("%3", str(m.cores))
        )
        if models.decode_rate:
            text += " " + self.tr(
                "The built-in chat model writes %1 tokens per second here; the speeds below "
                "are scaled from it by model size."
            ).replace("%1", number(models.decode_rate))
        return text

    def refresh(self) -> None:
        """Ask the engine for the models as they stand now; its reply redraws the lists."""
        self._engine.list_models()

    def _draw(self) -> None:
        """Rebuild the lists from the engine's last reply and the downloads running."""
        models = self._models
        if models is None:
            return
        self.machine_label.setText(self._machine_text(models))
        installed = models.installed
        partial = set(models.partial)
        downloading = self._engine.downloading()
        for kind in KINDS:
            tree = self.trees[kind]
            current = tree.currentItem()
            selected = current.data(0, ID_ROLE) if current is not None else None
            tree.clear()
            in_use = models.in_use.get(kind)
            for offer in (o for o in models.offers if o.entry.kind == kind):
                entry = offer.entry
                have = entry.bundled or any(m.id == entry.id for m in installed)
                if in_use is not None and in_use.id == entry.id:
                    state = self.tr("In use")
                    if kind == "embedder" and self._reindexed is not None:
                        done, total = self._reindexed
                        state = self.tr("Indexing: %1 %").replace(
                            "%1", str(100 * done // max(1, total))
                        )
                elif entry.id in downloading:
                    state = self.tr("Downloading…")
                elif have:
                    state = self.tr("Downloaded") if not entry.bundled else self.tr("Built in")
                elif entry.id in partial:
                    state = self.tr("Partly downloaded")
                else:
                    state = ""
                self._add_row(tree, offer, state)
            for model in installed:
                if model.kind == kind and model.source == "imported":
                    used = in_use is not None and in_use.path == model.path
                    self._add_imported_row(tree, model, used)
            rows = _rows(tree)
            chosen = [item for item in rows if item.data(0, ID_ROLE) == selected]
            if chosen or rows:
                tree.setCurrentItem((chosen or rows)[0])
            for column in range(tree.columnCount()):
                tree.resizeColumnToContents(column)
        self._selection_changed()

    def _add_row(self, tree: QTreeWidget, offer: ModelOffer, state: str) -> None:
        entry, fit = offer.entry, offer.fit
        size = size_text(entry.size_mb * 2**20)
        languages = ", ".join(entry.languages[:5]) + ("…" if len(entry.languages) > 5 else "")
        item = QTreeWidgetItem(
            [entry.name, size, self._verdict_text(fit), languages, entry.licence, state]
        )
        item.setData(0, ID_ROLE, entry.id)
        item.setForeground(2, QBrush(QColor(VERDICT_COLOURS[fit.verdict])))
        item.setToolTip(2, self._reason(fit, entry.kind))
        tree.addTopLevelItem(item)

    def _add_imported_row(self, tree: QTreeWidget, model: InstalledModel, used: bool) -> None:
        state = self.tr("In use") if used else self.tr("Imported")
        item = QTreeWidgetItem([model.name, size_text(model.size_bytes), "", "", "", state])
        item.setData(0, ID_ROLE, model.path)
        item.setToolTip(0, model.path)
        tree.addTopLevelItem(item)

    def _reason(self, fit: Fit, kind: Kind) -> str:
        """The numbers behind a verdict, in the window's language."""

        def gb(mb: int) -> str:
            return number(mb / 1024, 1) + " GB"

        if fit.too_big:
            return (
                self.tr("needs %1 of memory beside Quelle's %2; this computer has %3")
                .replace("%1", gb(fit.needs_mb))
                .replace("%2", gb(OTHERS_MB))
                .replace("%3", gb(fit.machine.total_mb))
            )
        parts = []
        if (rate := fit.tokens_per_second) is not None:
            shown = number(rate) if rate >= 10 else number(rate, 1)
            parts.append(self.tr("about %1 tokens/s").replace("%1", shown))
        if fit.slower_by is not None and fit.slower_by > 1.5:
            slower = {
                "embedder": self.tr("indexing about %1× slower than the built-in model"),
                "checker": self.tr("about %1× the work of the built-in embedder per text"),
            }.get(kind, self.tr("re-ranking about %1× slower than the built-in model"))
            parts.append(slower.replace("%1", number(fit.slower_by)))
        if fit.short_of_free_memory:
            parts.append(
                self.tr("needs %1, %2 free now")
                .replace("%1", gb(fit.needs_mb))
                .replace("%2", gb(fit.machine.available_mb))
            )
        else:
            parts.append(self.tr("needs %1 of memory").replace("%1", gb(fit.needs_mb)))
        return "; ".join(parts)

    def _verdict_text(self, fit: Fit) -> str:
        verdict = {
            "runs well": self.tr("runs well"),
            "slow": self.tr("slow"),
            "won't fit": self.tr("won't fit"),
        }[fit.verdict]
        if fit.tokens_per_second:
            rate = fit.tokens_per_second
            shown = number(rate) if rate >= 10 else number(rate, 1)
            verdict += " " + self.tr("(about %1 tokens/s)").replace("%1", shown)
        return verdict

    def selected_kind(self) -> Kind:
        return KINDS[self.tabs.currentIndex()]

    def selected_id(self) -> str | None:
        item = self.trees[self.selected_kind()].currentItem()
        return item.data(0, ID_ROLE) if item is not None else None

    def select(self, model_id: str) -> None:
        """Show `model_id`'s row (tests and the window use it)."""
        for index, kind in enumerate(KINDS):
            for item in _rows(self.trees[kind]):
                if item.data(0, ID_ROLE) == model_id:
                    self.tabs.setCurrentIndex(index)
                    self.trees[kind].setCurrentItem(item)
                    return

    def _selected_offer(self) -> ModelOffer | None:
        model_id = self.selected_id()
        offers = self._models.offers if self._models is not None else []
        return next((o for o in offers if o.entry.id == model_id), None)

    def _selected_installed(self) -> InstalledModel | None:
        """The selected model if it is installed (rows name it by id, or by path if imported)."""
        key = self.selected_id()
        installed = self._models.installed if self._models is not None else []
        return next((m for m in installed if key and key in (m.id, m.path)), None)

    def _selection_changed(self, *_: object) -> None:
        offer = self._selected_offer()
        entry = offer.entry if offer is not None else None
        installed = self._selected_installed()
        downloading = entry is not None and entry.id in self._engine.downloading()
        used = self._in_use(installed)
        self.download_button.setEnabled(
            entry is not None and not entry.bundled and installed is None and not downloading
        )
        self.cancel_button.setEnabled(downloading)
        # A re-ranker or a checker in use can be switched off; the other kinds are replaced.
        leave = used and self.selected_kind() in OPTIONAL_KINDS
        self.use_button.setText(self.tr("&Stop using") if leave else self.tr("&Use"))
        self.use_button.setEnabled(installed is not None and (not used or leave))
        self.remove_button.setEnabled(
            installed is not None and installed.source != "built in" and not used
        )
        self.import_button.setVisible(self.selected_kind() == "chat")
        self.details.setText(self._details(offer, installed))
        progress = self._progress.get(entry.id) if entry is not None else None
        self.progress.setVisible(downloading)
        self.progress_label.setVisible(downloading)
        if downloading and progress is not None:
            self._show_progress(progress)

    def _in_use(self, installed: InstalledModel | None) -> bool:
        """Whether `installed` is the model of the selected kind the engine uses."""
        models = self._models
        in_use = models.in_use.get(self.selected_kind()) if models is not None else None
        return installed is not None and in_use is not None and installed.path == in_use.path

    def _details(self, offer: ModelOffer | None, installed: InstalledModel | None) -> str:
        if offer is None:
            return installed.path if installed is not None else ""
        entry = offer.entry
        reason = self._reason(offer.fit, entry.kind)
        german = QLocale().language() == QLocale.Language.German
        lines = [entry.note_de if german and entry.note_de else entry.note]
        lines.append(reason[:1].upper() + reason[1:] + ".")
        lines.append(
            self.tr("Reads up to %1 tokens. From %2.")
            .replace("%1", number(entry.context))
            .replace("%2", entry.repo or self.tr("Quelle itself"))
        )
        return "\n".join(line for line in lines if line)

    def _show_progress(self, p: DownloadProgress) -> None:
        self.progress.setValue(int(1000 * p.done / max(1, p.total)))
        if p.stage == "verifying":
            self.progress_label.setText(self.tr("Checking the download…"))
            return
        eta = duration_text(p.eta_seconds) if p.eta_seconds is not None else "–"
        self.progress_label.setText(
            self.tr("%1 of %2 at %3/s, %4 left")
            .replace("%1", size_text(p.done))
            .replace("%2", size_text(p.total))
            .replace("%3", size_text(int(p.speed)))
            .replace("%4", eta)
        )

    # --- actions ---------------------------------------------------------------------------

    def download_selected(self) -> None:
        offer = self._selected_offer()
        if offer is None:
            return
        entry, fit = offer.entry, offer.fit
        if fit.verdict == "won't fit":
            answer = QMessageBox.question(
                self,
                self.tr("Download anyway?"),
                self.tr("%1 will not fit in this computer's memory: %2. Download it anyway?")
                .replace("%1", entry.name)
                .replace("%2", self._reason(fit, entry.kind)),
            )
            if answer != QMessageBox.StandardButton.Yes:
                return
        self._engine.download(entry.id)
        self._progress.pop(entry.id, None)
        self._draw()

    def cancel_selected(self) -> None:
        if (offer := self._selected_offer()) is not None:
            self._engine.cancel_download(offer.entry.id)

    def use_selected(self) -> None:
        model = self._selected_installed()
        if model is None:
            return
        field = MODEL_SETTING[model.kind]
        if model.kind in OPTIONAL_KINDS and self._in_use(model):  # the button says Stop using
            self._engine.update_settings(self._settings.replace(**{field: ""}))
            return
        if model.kind == "embedder":
            answer = QMessageBox.question(
                self,
                self.tr("Re-index the library?"),
                self.tr(
                    "Every passage is embedded again with %1. Questions are answered from the "
                    "current index until that has finished. Go ahead?"
                ).replace("%1", model.name),
            )
            if answer != QMessageBox.StandardButton.Yes:
                return
        self._engine.update_settings(self._settings.replace(**{field: model.setting}))

    def remove_selected(self) -> None:
        model = self._selected_installed()
        if model is None:
            return
        answer = QMessageBox.question(
            self,
            self.tr("Remove model"),
            self.tr("Remove %1 from this computer?").replace("%1", model.name),
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        self._engine.remove_model(model.path if model.source == "imported" else model.id)

    def import_file(self, path: str | None = None) -> None:
        if not path:
            path, _ = QFileDialog.getOpenFileName(
                self, self.tr("Import a GGUF model"), str(Path.home()), "GGUF (*.gguf)"
            )
        if path:
            self._engine.import_model(path)

    # --- the engine's events -----------------------------------------------------------------

    def _models_listed(self, models: ModelsOverview, imported: str) -> None:
        self._models = models
        self._draw()
        if imported:
            self.select(imported)

    def _model_request_failed(self, action: str, message: str) -> None:
        if action == "import":
            QMessageBox.warning(self, self.tr("Not imported"), message)
        elif action == "remove":
            QMessageBox.warning(self, self.tr("Not removed"), message)
            self.refresh()  # show what there is now
        else:
            self.machine_label.setText(message)

    def _download_progressed(self, model_id: str, progress: DownloadProgress) -> None:
        self._progress[model_id] = progress
        if model_id == self.selected_id():
            self.progress.show()
            self.progress_label.show()
            self._show_progress(progress)

    def _download_finished(self, model_id: str) -> None:
        self._progress.pop(model_id, None)
        self.refresh()

    def _download_failed(self, model_id: str, message: str) -> None:
        self._progress.pop(model_id, None)
        self.refresh()
        if "cancelled" not in message:
            QMessageBox.warning(self, self.tr("Download failed"), message)

    def _reindexing(self, done: int, total: int) -> None:
        self._reindexed = (done, total) if done < total else None
        if self._reindexed is None:
            self.refresh()  # the new embedder is in use
        else:
            self._draw()  # only its row's share changes

    def _settings_applied(self, settings: Settings) -> None:
        self._settings = settings
        self.refresh()


def _rows(tree: QTreeWidget) -> list[QTreeWidgetItem]:
    rows = (tree.topLevelItem(i) for i in range(tree.topLevelItemCount()))
    return [item for item in rows if item is not None]
