"""The list of documents: what is in the library, what is being indexed, what failed and why.

Two sources feed it: the catalogue's documents (sent by the engine after changes) and the
file events of a running ingestion (queued, embedding, ready, failed). A failed file is never
in the catalogue, so its row and its reason live here until the user dismisses it.

A folder of ten thousand notes is a list of ten thousand rows, each changing state a few
times: a file's event changes its one row in place, and only a change of the order (a new
file, a failure) rebuilds the list, at most once per turn of the event loop.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QEvent,
    QItemSelection,
    QItemSelectionModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTimer,
    QUrl,
    Signal,
)
from PySide6.QtGui import QColor, QDesktopServices, QKeyEvent, QKeySequence, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSizePolicy,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from quelle.protocol.values import DocumentInfo, FileEvent


@dataclass(frozen=True, slots=True)
class Row:
    """What one line of the list shows."""

    path: str
    title: str
    state: str  # queued, recognising, embedding, ready, indexing, failed
    reason: str = ""
    pages: int = 0
    passages: int = 0
    embedded: int = 0
    doc_id: str = ""
    scanned: int = 0  # scanned pages read, while recognising

    def order(self) -> tuple[bool, str]:
        """Failed files first, then by name."""
        return (self.state != "failed", self.title.lower())


_Index = QModelIndex | QPersistentModelIndex
_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter


class _Rows(QAbstractTableModel):
    """The rows as Qt's view reads them: it asks only for the rows on screen."""

    def __init__(self, headers: list[str], state_text: Callable[[Row], str]) -> None:
        super().__init__()
        self._headers = headers
        self._state_text = state_text
        self._rows: list[Row] = []
        self._at: dict[str, int] = {}  # row number by path
        self.failed_color = QColor("#b3261e")

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self._headers)

    def headerData(  # noqa: N802
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self._headers[section]
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        row, column = self._rows[index.row()], index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if column == 0:
                return row.title
            if column == 1:
                return self._state_text(row)
            number = row.pages if column == 2 else row.passages
            return str(number) if number else ""
        if role == Qt.ItemDataRole.ToolTipRole:
            return row.path if column == 0 else self._state_text(row) if column == 1 else None
        if role == Qt.ItemDataRole.TextAlignmentRole and column >= 2:
            return _RIGHT
        if role == Qt.ItemDataRole.ForegroundRole and column == 1 and row.state == "failed":
            return self.failed_color
        return None

    def reset(self, rows: list[Row]) -> None:
        self.beginResetModel()
        self._rows = rows
        self._at = {r.path: n for n, r in enumerate(rows)}
        self.endResetModel()

    def replace(self, row: Row) -> bool:
        """Show `row` in place of the row of its path; False if that would change the order."""
        n = self._at.get(row.path)
        if n is None or self._rows[n].order() != row.order():
            return False
        self._rows[n] = row
        self.dataChanged.emit(self.index(n, 0), self.index(n, len(self._headers) - 1))
        return True

    def row(self, n: int) -> Row:
        return self._rows[n]

    def number(self, path: str) -> int | None:
        return self._at.get(path)


class LibraryPanel(QWidget):
    """Documents with their state, pages and passages; remove and open the original."""

    remove_requested = Signal(str)  # doc_id
    add_files_requested = Signal()
    add_folder_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._documents: dict[str, Row] = {}  # by path
        self._active: dict[str, Row] = {}  # files of the running ingestion, by path
        self._server = ""  # host:port of a shared library's server

        title = QLabel(self.tr("Library"))
        title.setObjectName("panelTitle")
        self._summary = QLabel()
        self._summary.setObjectName("panelHint")

        self.model = _Rows(
            [self.tr("Document"), self.tr("State"), self.tr("Pages"), self.tr("Passages")],
            self.state_text,
        )
        self.tree = QTreeView()
        self.tree.setObjectName("libraryTree")
        self.tree.setModel(self.model)
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
        header.setResizeContentsPrecision(0)  # the rows on screen: all would cost each change
        self.tree.selectionModel().selectionChanged.connect(self._show_details)
        self.tree.activated.connect(self._open_index)
        self._rebuild_soon = QTimer(self, singleShot=True, interval=0)
        self._rebuild_soon.timeout.connect(self._rebuild)
        self._summary_soon = QTimer(self, singleShot=True, interval=100)
        self._summary_soon.timeout.connect(self._show_summary)

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
            listed = self._documents.get(path)
            # A list sent while the job ran may still call a document just finished
            # 'indexing': the job's own "ready" stays until the catalogue says so too.
            if row.state == "ready" and listed is not None and listed.state == "ready":
                del self._active[path]
        self._rebuild()

    def apply_event(self, event: FileEvent) -> None:
        path = event.path
        if event.state in ("ready", "unchanged"):
            self._active.pop(path, None)
            listed = self._documents.get(path)
            if event.state == "ready" and (listed is None or listed.state != "ready"):
                # shown until the catalogue's list holds it, ready
                self._active[path] = Row(
                    path, Path(path).name, "ready", pages=event.pages, passages=event.passages
                )
        else:
            self._active[path] = Row(
                path,
                Path(path).name,
                event.state,
                event.reason,
                event.pages,
                event.passages,
                event.embedded,
                scanned=event.scanned,
            )
        shown = self._shown(path)
        if shown is not None and self.model.replace(shown):
            if event.state == "ready" and not self._summary_soon.isActive():
                self._summary_soon.start()
        else:
            self._rebuild_soon.start()

    def _shown(self, path: str) -> Row | None:
        """The row the list shows for `path`: the running job's, else the catalogue's. (A
        job's "ready" row never stands beside the catalogue's: it is kept only until the
        catalogue's list holds the document.)"""
        return self._active.get(path) or self._documents.get(path)

    def forget_rows(self, paths: Iterable[str]) -> None:
        """Files taken in since (a watched folder's round): the catalogue's rows show them,
        not a failure from before."""
        for path in paths:
            self._active.pop(path, None)
        self._rebuild_soon.start()

    def forget_pending(self) -> None:
        """After a cancel: files that never started are no longer waiting."""
        for path, row in list(self._active.items()):
            if row.state in ("queued", "recognising", "embedding", "ready"):
                del self._active[path]
        self._rebuild_soon.start()

    # --- reading ---

    def rows(self) -> list[Row]:
        return sorted({**self._documents, **self._active}.values(), key=Row.order)

    def row_for(self, name: str) -> Row | None:
        """The row of a file, by its name or path."""
        for row in self.rows():
            if row.title == name or row.path == name:
                return row
        return None

    def state_text(self, row: Row) -> str:
        if row.state == "queued":
            return self.tr("Queued")
        if row.state == "recognising":
            return (
                self.tr("Reading scanned page %1 of %2")
                .replace("%1", str(row.scanned))
                .replace("%2", str(row.pages))
            )
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
        self._rebuild_soon.stop()
        selection = self.tree.selectionModel()
        selected = {r.path for r in self._selected_rows()}
        current = self.tree.currentIndex()
        current_path = self.model.row(current.row()).path if current.isValid() else None
        dark = self.palette().color(QPalette.ColorRole.Base).lightness() < 128
        self.model.failed_color = QColor("#ff8a80" if dark else "#b3261e")
        self.model.reset(self.rows())
        chosen = QItemSelection()
        for path in selected:
            n = self.model.number(path)
            if n is not None:
                chosen.select(self.model.index(n, 0), self.model.index(n, 3))
        flags = QItemSelectionModel.SelectionFlag.Select
        selection.select(chosen, flags)
        n = self.model.number(current_path) if current_path else None
        if n is not None:
            selection.setCurrentIndex(
                self.model.index(n, 0), QItemSelectionModel.SelectionFlag.NoUpdate
            )
        self._show_summary()

    def _show_summary(self) -> None:
        self._summary_soon.stop()
        ready = [r for r in self.rows() if r.state == "ready"]
        passages = sum(r.passages for r in ready)
        documents = (
            self.tr("1 document")
            if len(ready) == 1
            else self.tr("%1 documents").replace("%1", str(len(ready)))
        )
        summary = documents + " · " + self.tr("%1 passages").replace("%1", str(passages))
        if self._server:
            summary += " · " + self.tr("shared on %1").replace("%1", self._server)
        self._summary.setText(summary)
        self._show_details()

    def set_server(self, url: str) -> None:
        """The Chroma server the library lives on, shown beside its size ("" for none)."""
        self._server = url.split("//", 1)[-1].rstrip("/")
        self._show_summary()

    def _selected_rows(self) -> list[Row]:
        return [self.model.row(i.row()) for i in self.tree.selectionModel().selectedRows()]

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

    def _open_index(self, index: QModelIndex) -> None:
        QDesktopServices.openUrl(QUrl.fromLocalFile(self.model.row(index.row()).path))

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
