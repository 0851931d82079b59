"""Where the engine and its models stand, as the status bar shows it: loading, ready,
waiting for the library, restarting, re-indexing with a new embedder, or failed."""

from __future__ import annotations

import logging
import time

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QWidget

from quelle.ui.engine_link import EngineLink
from quelle.ui.numbers import number

log = logging.getLogger(__name__)


class EngineStatus(QWidget):
    """A busy bar and a line about the engine's models; `ready` once they answer."""

    loaded = Signal()  # the models are ready (again)
    reported = Signal(str)  # a one-line message for the status bar
    failed = Signal(str)  # the models could not be loaded: the reason, for a message box

    def __init__(self, engine: EngineLink) -> None:
        super().__init__()
        self.ready = False
        self.error = ""
        self._opened = time.monotonic()
        self.busy = QProgressBar()
        self.busy.setRange(0, 0)
        self.busy.setFixedWidth(70)
        self.busy.setMaximumHeight(14)
        self.busy.setTextVisible(False)
        self.label = QLabel(self.tr("Loading the models…"))
        box = QHBoxLayout(self)
        box.setContentsMargins(12, 0, 4, 0)
        box.setSpacing(6)
        box.addWidget(self.busy)
        box.addWidget(self.label)
        engine.waiting.connect(self._waiting)
        engine.engine_lost.connect(self._lost)
        engine.models_loaded.connect(self._loaded)
        engine.models_failed.connect(self._failed)
        engine.reindexing.connect(self._reindexing)

    def _waiting(self) -> None:
        self.label.setText(
            self.tr("Waiting for another Quelle process to finish with this library…")
        )

    def _lost(self, message: str) -> None:
        """The engine died; the link is starting a new one, which loads the models again."""
        self.ready = False
        self.busy.show()
        self.label.setText(self.tr("Restarting the engine…"))
        self.reported.emit(message)

    def _loaded(self) -> None:
        if self.ready:
            return
        self.ready = True
        self.busy.hide()
        self.label.setText(self.tr("Models ready"))
        log.info("Models ready %.1f s after the window opened", time.monotonic() - self._opened)
        self.loaded.emit()

    def _failed(self, message: str) -> None:
        self.error = message
        self.busy.hide()
        self.label.setText(self.tr("The models could not be loaded"))
        self.label.setToolTip(message)
        self.failed.emit(message)

    def _reindexing(self, done: int, total: int) -> None:
        """The library moves to another embedder; answers come from the old index meanwhile."""
        if done >= total:
            self.busy.hide()
            self.label.setText(self.tr("Models ready"))
            self.reported.emit(self.tr("The library now uses the new embedder."))
            return
        self.busy.show()
        self.label.setText(
            self.tr("Re-indexing with the new embedder: %1 of %2 passages")
            .replace("%1", number(done))
            .replace("%2", number(total))
        )
