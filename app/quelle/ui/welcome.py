"""What an empty conversation shows: how Quelle works in three steps, and, while the library
is empty, the offer to try it on the guide that comes with Quelle."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QLocale, Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
SAMPLE_GUIDE = SAMPLES / "quelle-guide.md"
SAMPLE_GUIDE_DE = SAMPLES / "quelle-anleitung.md"


class WelcomePanel(QWidget):
    sample_requested = Signal()

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
        layout.addStretch(2)

    def set_library_empty(self, empty: bool) -> None:
        """The guide is offered only to a library with nothing in it yet."""
        self.sample_button.setVisible(empty)

    def sample_question(self) -> str:
        return self.tr("Does Quelle need an internet connection?")

    def sample_guide(self) -> Path:
        """The guide in the window's language."""
        german = QLocale().language() == QLocale.Language.German
        return SAMPLE_GUIDE_DE if german else SAMPLE_GUIDE
