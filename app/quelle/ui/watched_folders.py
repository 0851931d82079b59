"""Watched folders in the Library panel: which folders the library follows, what the last
round of changes brought, and buttons to watch another folder or stop watching one.

The engine watches and takes the changes in; this lists what it says and hands it the
folders the user chose.
"""

from __future__ import annotations

import time

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from quelle.protocol.values import FileEvent, FolderChanges, WatchedFolder
from quelle.ui.engine_link import EngineLink
from quelle.ui.library_panel import LibraryPanel

ROWS_SHOWN = 3  # the list's height, in folders; more scroll


class WatchedFoldersBox(QWidget):
    """The folders the engine watches, with their last news; the files a round could not
    take in are listed, with why, in `library`'s list."""

    def __init__(self, engine: EngineLink, library: LibraryPanel) -> None:
        super().__init__()
        self._engine = engine
        self._library = library
        title = QLabel(self.tr("Watched folders"))
        title.setObjectName("panelTitle")
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        self.list = QListWidget()
        self.list.setToolTip(
            self.tr("New and changed files in these folders are added, deleted ones removed.")
        )
        self.list.itemSelectionChanged.connect(self._selection_changed)
        self.watch_button = QPushButton(self.tr("Watch a folder…"))
        self.watch_button.setToolTip(
            self.tr("Keep the library in step with a folder, now and whenever Quelle runs")
        )
        self.watch_button.clicked.connect(self.choose_folder)
        self.stop_button = QPushButton(self.tr("Stop watching"))
        self.stop_button.setToolTip(self.tr("Its documents stay in the library"))
        self.stop_button.clicked.connect(self.stop_selected)
        self.stop_button.setEnabled(False)

        buttons = QHBoxLayout()
        buttons.addWidget(self.watch_button)
        buttons.addStretch(1)
        buttons.addWidget(self.stop_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.setSpacing(4)
        layout.addWidget(title)
        layout.addWidget(self.list)
        layout.addWidget(self.status)
        layout.addLayout(buttons)
        self._show_folders([], 0)

        engine.watched_changed.connect(self._show_folders)
        engine.folders_synced.connect(self._synced)
        engine.watch_failed.connect(self.status.setText)

    def choose_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, self.tr("Watch a folder"))
        if folder:
            self.watch(folder)

    def watch(self, folder: str) -> None:
        self.status.setText(self.tr("Starting to watch %1…").replace("%1", folder))
        self._engine.watch(folder)

    def stop_selected(self) -> None:
        for item in self.list.selectedItems():
            self._engine.unwatch(item.data(Qt.ItemDataRole.UserRole))

    def folders(self) -> list[str]:
        return [self.list.item(n).data(Qt.ItemDataRole.UserRole) for n in range(self.list.count())]

    def _show_folders(self, folders: list[WatchedFolder], taking_in: int) -> None:
        self.list.clear()
        for folder in folders:
            item = QListWidgetItem(folder.folder)
            item.setData(Qt.ItemDataRole.UserRole, folder.folder)
            patterns = []
            if folder.include:
                patterns.append(self.tr("only %1").replace("%1", ", ".join(folder.include)))
            if folder.exclude:
                patterns.append(self.tr("not %1").replace("%1", ", ".join(folder.exclude)))
            item.setToolTip("; ".join([folder.folder, *patterns]))
            self.list.addItem(item)
        row = self.list.sizeHintForRow(0) if folders else 0
        self.list.setFixedHeight(row * min(max(len(folders), 1), ROWS_SHOWN) + 6)
        self.list.setVisible(bool(folders))
        if taking_in:
            self.status.setText(self.tr("Changes being taken in: %1").replace("%1", str(taking_in)))
        elif not folders:
            self.status.setText(self.tr("Watch a folder to keep the library in step with it."))
        self._selection_changed()

    def _synced(self, changes: FolderChanges) -> None:
        self._library.forget_rows([*changes.added, *(new for _, new in changes.moved)])
        for path, reason in changes.failed:
            self._library.apply_event(FileEvent(path, "failed", reason))
        counts: list[tuple[str, list[str] | list[tuple[str, str]]]] = [
            (self.tr("added: %1"), changes.added),
            (self.tr("moved: %1"), changes.moved),
            (self.tr("removed: %1"), changes.removed),
            (self.tr("failed: %1"), changes.failed),
        ]
        news = ", ".join(text.replace("%1", str(len(n))) for text, n in counts if n)
        self.status.setText(f"{time.strftime('%H:%M')} · {news}")
        self.status.setToolTip("\n".join(f"{path}: {why}" for path, why in changes.failed))

    def _selection_changed(self) -> None:
        self.stop_button.setEnabled(bool(self.list.selectedItems()))
