"""The list of documents: what is in the library, what is being indexed, what failed and why.

Two sources feed it: the catalogue's documents (sent by the workers after each change) and
the file events of a running ingestion (queued, reading, embedding, failed). A failed file
is never in the catalogue, so its row and its reason live here until the user dismisses it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QEvent, QItemSelectionModel, QObject, Qt, QUrl, Signal
from PySide6.QtGui import QColor, QDesktopServices, QKeyEvent, QKeySequence, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSizePolicy,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from quelle.core.catalog import DocumentInfo
from quelle.core.ingestion import FileEvent

_PATH_ROLE = Qt.ItemDataRole.UserRole
_DOC_ROLE = Qt.ItemDataRole.UserRole + 1


@dataclass(frozen=True, slots=True)
class Row:
    """What one line of the list shows."""

    path: str
    title: str
    state: str  # queued, reading, embedding, ready, indexing, failed
    reason: str = ""
    pages: int = 0
    passages: int = 0
    embedded: int = 0
    doc_id: str = ""


class LibraryPanel(QWidget):
    """Documents with their state, pages and passages; remove and open the original."""

    remove_requested = Signal(str)  # doc_id
    add_files_requested = Signal()
    add_folder_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._documents: dict[str, Row] = {}  # by path
        self._active: dict[str, Row] = {}  # files of the running ingestion, by path

        title = QLabel(self.tr("Library"))
        title.setObjectName("panelTitle")
        self._summary = QLabel()
        self._summary.setObjectName("panelHint")

        self.tree = QTreeWidget()
        self.tree.setObjectName("libraryTree")
        self.tree.setColumnCount(4)
        self.tree.setHeaderLabels(
            [self.tr("Document"), self.tr("State"), self.tr("Pages"), self.tr("Passages")]
        )
        self.tree.setRootIsDecorated(False)
        self.tree.setUniformRowHeights(True)
        self.tree.setAlternatingRowColors(True)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.tree.setAcceptDrops(False)
        header = self.tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in (1, 2, 3):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.tree.itemSelectionChanged.connect(self._show_details)
        self.tree.itemActivated.connect(self._open_item)

        self._details = QLabel()
        self._details.setObjectName("panelHint")
        self._details.setWordWrap(True)
        self._details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self._details.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)

        self.add_button = QPushButton(self.tr("Add…"))
        self.add_button.setToolTip(self.tr("Add documents (Ctrl+O)"))
        self.add_button.clicked.connect(self.add_files_requested)
        self.folder_button = QPushButton(self.tr("Add folder…"))
        self.folder_button.clicked.connect(self.add_folder_requested)
        self.open_button = QPushButton(self.tr("Open"))
        self.open_button.setToolTip(self.tr("Open the original file (Enter)"))
        self.open_button.clicked.connect(self.open_selected)
        self.remove_button = QPushButton(self.tr("Remove"))
        self.remove_button.setToolTip(self.tr("Remove from the library (Delete)"))
        self.remove_button.clicked.connect(self.remove_selected)

        buttons = QHBoxLayout()
        buttons.setSpacing(6)
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.folder_button)
        buttons.addStretch(1)
        buttons.addWidget(self.open_button)
        buttons.addWidget(self.remove_button)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        heading = QHBoxLayout()
        heading.addWidget(title)
        heading.addStretch(1)
        heading.addWidget(self._summary)
        layout.addLayout(heading)
        layout.addWidget(self.tree, 1)
        layout.addWidget(self._details)
        layout.addLayout(buttons)

        self.tree.installEventFilter(self)
        self._rebuild()

    # --- feeding ---

    def set_documents(self, documents: list[DocumentInfo]) -> None:
        self._documents = {
            d.path: Row(
                d.path,
                d.title,
                "ready" if d.state == "ready" else "indexing",
                pages=d.pages,
                passages=d.passages,
                doc_id=d.doc_id,
            )
            for d in documents
        }
        for path, row in list(self._active.items()):
            if row.state == "ready" and path in self._documents:
                del self._active[path]
        self._rebuild()

    def mark_queued(self, paths: list[str]) -> None:
        """Files the user added, shown at once even before the workers take them."""
        for path in paths:
            self._active[path] = Row(path, Path(path).name, "queued")
        self._rebuild()

    def apply_event(self, event: FileEvent) -> None:
        if event.state in ("ready", "unchanged"):
            self._active.pop(event.path, None)
            if event.state == "unchanged" or event.path in self._documents:
                self._rebuild()
                return
            # shown until the catalogue's list arrives with it
            self._active[event.path] = Row(
                event.path,
                Path(event.path).name,
                "ready",
                pages=event.pages,
                passages=event.passages,
            )
        else:
            self._active[event.path] = Row(
                event.path,
                Path(event.path).name,
                event.state,
                event.reason,
                event.pages,
                event.passages,
                event.embedded,
            )
        self._rebuild()

    def forget_pending(self) -> None:
        """After a cancel: files that never started are no longer waiting."""
        for path, row in list(self._active.items()):
            if row.state in ("queued", "reading", "embedding", "ready"):
                del self._active[path]
        self._rebuild()

    # --- reading ---

    def rows(self) -> list[Row]:
        merged = dict(self._documents)
        for path, row in self._active.items():
            if row.state == "ready" and path in merged:
                continue
            merged[path] = row
        return sorted(merged.values(), key=lambda r: (r.state != "failed", r.title.lower()))

    def row_for(self, name: str) -> Row | None:
        """The row of a file, by its name or path."""
        for row in self.rows():
            if row.title == name or row.path == name:
                return row
        return None

    def state_text(self, row: Row) -> str:
        if row.state == "queued":
            return self.tr("Queued")
        if row.state == "reading":
            return self.tr("Reading…")
        if row.state == "embedding":
            percent = int(100 * row.embedded / row.passages) if row.passages else 0
            return self.tr("Embedding %1%").replace("%1", str(percent))
        if row.state == "indexing":
            return self.tr("Unfinished; completes on start")
        if row.state == "failed":
            return self.tr("Failed: %1").replace("%1", row.reason)
        return self.tr("Ready")

    # --- view ---

    def _rebuild(self) -> None:
        selected = {item.data(0, _PATH_ROLE) for item in self.tree.selectedItems()}
        current = self.tree.currentItem()
        current_path = current.data(0, _PATH_ROLE) if current else None
        self.tree.setUpdatesEnabled(False)
        self.tree.clear()
        dark = self.palette().color(QPalette.ColorRole.Base).lightness() < 128
        failed_color = QColor("#ff8a80" if dark else "#b3261e")
        rows = self.rows()
        for row in rows:
            state = self.state_text(row)
            item = QTreeWidgetItem(
                [
                    row.title,
                    state,
                    str(row.pages) if row.pages else "",
                    str(row.passages) if row.passages else "",
                ]
            )
            item.setData(0, _PATH_ROLE, row.path)
            item.setData(0, _DOC_ROLE, row.doc_id)
            item.setToolTip(0, row.path)
            item.setToolTip(1, state)
            for column in (2, 3):
                item.setTextAlignment(
                    column, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                )
            if row.state == "failed":
                item.setForeground(1, failed_color)
            self.tree.addTopLevelItem(item)
            if row.path in selected:
                item.setSelected(True)
            if row.path == current_path:
                self.tree.setCurrentItem(item, 0, QItemSelectionModel.SelectionFlag.NoUpdate)
        self.tree.setUpdatesEnabled(True)
        ready = [r for r in rows if r.state == "ready"]
        passages = sum(r.passages for r in ready)
        documents = (
            self.tr("1 document")
            if len(ready) == 1
            else self.tr("%1 documents").replace("%1", str(len(ready)))
        )
        self._summary.setText(
            documents + " · " + self.tr("%1 passages").replace("%1", str(passages))
        )
        self._show_details()

    def _selected_rows(self) -> list[Row]:
        paths = {item.data(0, _PATH_ROLE) for item in self.tree.selectedItems()}
        return [r for r in self.rows() if r.path in paths]

    def _show_details(self) -> None:
        rows = self._selected_rows()
        self.remove_button.setEnabled(any(r.doc_id or r.state == "failed" for r in rows))
        self.open_button.setEnabled(len(rows) == 1)
        if len(rows) != 1:
            failed = [r for r in self.rows() if r.state == "failed"]
            self._details.setText(
                self.tr("Some files could not be added; select one to see why.")
                if failed
                else self.tr("Drop files or folders anywhere on the window to add them.")
            )
            return
        row = rows[0]
        text = f"{row.path}\n{self.state_text(row)}"
        self._details.setText(text)

    def open_selected(self) -> None:
        rows = self._selected_rows()
        if len(rows) == 1:
            QDesktopServices.openUrl(QUrl.fromLocalFile(rows[0].path))

    def _open_item(self, item: QTreeWidgetItem) -> None:
        QDesktopServices.openUrl(QUrl.fromLocalFile(item.data(0, _PATH_ROLE)))

    def remove_selected(self) -> None:
        for row in self._selected_rows():
            if row.state == "failed":
                self._active.pop(row.path, None)
            elif row.doc_id:
                self.remove_requested.emit(row.doc_id)
        self._rebuild()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if (
            watched is self.tree
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.matches(QKeySequence.StandardKey.Delete)
        ):
            self.remove_selected()
            return True
        return super().eventFilter(watched, event)
