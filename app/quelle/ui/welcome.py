"""What an empty conversation shows: how Quelle works in three steps, and, while the library
is empty, the offer to try it on the guide that comes with Quelle."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QLocale, Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from quelle.protocol.values import CatalogEntry
from quelle.ui.numbers import number

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
SAMPLE_GUIDE = SAMPLES / "quelle-guide.md"
SAMPLE_GUIDE_DE = SAMPLES / "quelle-anleitung.md"


class WelcomePanel(QWidget):
    sample_requested = Signal()
    offer_requested = Signal(str)  # the id of the chat model offered for download

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("welcome")
        title = QLabel(self.tr("<h2>Ask your documents</h2>"))
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        steps = [
            self.tr(
                "<b>1. Add documents.</b> Drop PDF, Word, text, Markdown or HTML files, or whole "
                "folders, anywhere on this window, or press <b>Ctrl+O</b>."
            ),
            self.tr(
                "<b>2. Ask a question</b> in the box below, in English or German, and press Enter."
            ),
            self.tr(
                "<b>3. Click a source</b> such as <b>[1]</b> in the answer to see the page and "
                "the passage it comes from."
            ),
        ]
        # Centred by stretches, not by an alignment flag: wrapped labels get their full height
        # only from a layout that hands them its width.
        content = QWidget()
        content.setMaximumWidth(620)
        outer = QHBoxLayout(self)
        outer.addStretch(1)
        outer.addWidget(content, 10)
        outer.addStretch(1)
        layout = QVBoxLayout(content)
        layout.setSpacing(10)
        layout.addStretch(1)
        layout.addWidget(title)
        self.steps = []
        for text in steps:
            label = QLabel(text)
            label.setWordWrap(True)
            label.setTextFormat(Qt.TextFormat.RichText)
            layout.addWidget(label)
            self.steps.append(label)
        self.sample_button = QPushButton(self.tr("Try it on the Quelle guide"))
        self.sample_button.setObjectName("sampleButton")
        self.sample_button.setToolTip(
            self.tr("Adds a one-page guide to Quelle to your library and asks a question about it")
        )
        self.sample_button.clicked.connect(self.sample_requested)
        layout.addSpacing(8)
        layout.addWidget(self.sample_button, 0, Qt.AlignmentFlag.AlignHCenter)
        self.offer = QLabel()
        self.offer.setWordWrap(True)
        self.offer.setTextFormat(Qt.TextFormat.RichText)
        self.offer_button = QPushButton()
        self.offer_button.setObjectName("offerButton")
        self._offered = ""
        self.offer_button.clicked.connect(lambda: self.offer_requested.emit(self._offered))
        layout.addSpacing(12)
        layout.addWidget(self.offer)
        layout.addWidget(self.offer_button, 0, Qt.AlignmentFlag.AlignHCenter)
        self.set_offer(None)
        layout.addStretch(2)

    def set_library_empty(self, empty: bool) -> None:
        """The guide is offered only to a library with nothing in it yet."""
        self.sample_button.setVisible(empty)

    def set_offer(self, entry: CatalogEntry | None) -> None:
        """Offer a chat model that runs well here and writes better answers than the
        built-in one; None offers nothing."""
        self._offered = entry.id if entry else ""
        self.offer.setVisible(entry is not None)
        self.offer_button.setVisible(entry is not None)
        if entry is None:
            return
        self.offer.setText(
            self.tr(
                "The built-in chat model is too small to write reliable answers, so it shows "
                "the sentences that answer. This computer runs <b>%1</b> well: it writes an "
                "answer after them."
            ).replace("%1", entry.name)
        )
        self.offer_button.setText(
            self.tr("Download %1 (%2 MB)")
            .replace("%1", entry.name)
            .replace("%2", number(entry.size_mb))
        )

    def sample_question(self) -> str:
        return self.tr("Does Quelle need an internet connection?")

    def sample_guide(self) -> Path:
        """The guide in the window's language."""
        german = QLocale().language() == QLocale.Language.German
        return SAMPLE_GUIDE_DE if german else SAMPLE_GUIDE
