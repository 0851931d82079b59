"""The Settings dialog: chat model, generation, retrieval and the system prompt.

It edits a copy of the frozen `Settings` value and hands back a new one; saving and applying
it are the window's business. A chosen model file is checked at once: the engine reads its
GGUF header, so a wrong file is caught here, with the reason, rather than when the first
question fails.
"""

from __future__ import annotations

import logging
import os
from html import escape
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from quelle.common.settings import DEFAULT_SYSTEM_PROMPT, Settings
from quelle.protocol.values import GgufInfo
from quelle.ui.engine_link import EngineLink

log = logging.getLogger(__name__)


class SettingsDialog(QDialog):
    """Edits every user setting; `settings()` returns the edited value after OK."""

    def __init__(
        self, settings: Settings, engine: EngineLink, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._original = settings
        self._engine = engine
        self._chat_model = settings.chat_model  # the last model path that proved readable
        self._model_context = 0  # the chosen model's trained context, 0 if unknown
        self.setWindowTitle(self.tr("Settings"))

        self._tabs = QTabWidget()
        self._tabs.addTab(self._model_page(), self.tr("&Model"))
        self._tabs.addTab(self._generation_page(), self.tr("&Generation"))
        self._tabs.addTab(self._retrieval_page(), self.tr("R&etrieval"))
        self._tabs.addTab(self._prompt_page(), self.tr("S&ystem prompt"))

        self._buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self._buttons.accepted.connect(self.accept)
        self._buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(self._tabs)
        layout.addWidget(self._buttons)

        engine.model_described.connect(self._model_described)
        engine.model_description_failed.connect(self._model_description_failed)
        self._load(settings)
        self.resize(
            self.sizeHint().expandedTo(self.minimumSizeHint()).width() + 80,
            self.sizeHint().height(),
        )

    # --- pages ---

    def _model_page(self) -> QWidget:
        page = QWidget()
        self._model_edit = QLineEdit()
        self._model_edit.setObjectName("chat_model")
        self._model_edit.setPlaceholderText(self.tr("Built-in model (SmolLM2 135M Instruct)"))
        self._model_edit.setClearButtonEnabled(True)
        self._model_edit.setToolTip(
            self.tr(
                "A chat model in GGUF format, as made for llama.cpp. Leave empty to use the small "
                "model that comes with Quelle."
            )
        )
        self._model_edit.editingFinished.connect(self._model_text_edited)
        choose = QPushButton(self.tr("&Choose…"))
        choose.setObjectName("choose_model")
        choose.clicked.connect(self._choose_model)
        builtin = QPushButton(self.tr("Use &built-in model"))
        builtin.setObjectName("builtin_model")
        builtin.clicked.connect(self._use_builtin_model)

        row = QHBoxLayout()
        row.addWidget(self._model_edit, 1)
        row.addWidget(choose)
        row.addWidget(builtin)

        self._model_info = QLabel()
        self._model_info.setObjectName("model_info")
        self._model_info.setWordWrap(True)
        self._model_info.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self._model_error = QLabel()
        self._model_error.setObjectName("model_error")
        self._model_error.setWordWrap(True)
        self._model_error.setVisible(False)
        palette = self._model_error.palette()
        palette.setColor(QPalette.ColorRole.WindowText, _error_colour(self.palette()))
        self._model_error.setPalette(palette)

        label = QLabel(self.tr("Chat model &file:"))
        label.setBuddy(self._model_edit)
        layout = QVBoxLayout(page)
        layout.addWidget(label)
        layout.addLayout(row)
        layout.addWidget(self._model_info)
        layout.addWidget(self._model_error)
        hint = QLabel(
            self.tr(
                "Larger models answer better but need more memory and time. "
                "File → Models… downloads them and says which suit this computer."
            )
        )
        hint.setWordWrap(True)
        hint.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        layout.addWidget(hint)
        layout.addSpacing(12)
        self._language = QComboBox()
        self._language.setObjectName("language")
        self._language.addItem(self.tr("As the system"), "")
        self._language.addItem("Deutsch", "de")
        self._language.addItem("English", "en")
        language_label = QLabel(self.tr("&Language of the window:"))
        language_label.setBuddy(self._language)
        language_row = QHBoxLayout()
        language_row.addWidget(language_label)
        language_row.addWidget(self._language)
        language_row.addStretch(1)
        layout.addLayout(language_row)
        restart = QLabel(self.tr("A new language shows after Quelle is started again."))
        restart.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        layout.addWidget(restart)
        layout.addStretch(1)
        return page

    def _generation_page(self) -> QWidget:
        page = QWidget()
        form = QFormLayout(page)
        self._temperature = _double_spin("temperature", 0.0, 2.0, 0.05, 2)
        self._temperature.setToolTip(
            self.tr(
                "How freely the model picks words. Low values (0–0.3) keep answers close to the "
                "passages; high values make them more varied and less reliable."
            )
        )
        self._top_p = _double_spin("top_p", 0.05, 1.0, 0.05, 2)
        self._top_p.setToolTip(
            self.tr(
                "Only the most likely words whose probabilities add up to this share are "
                "considered. 1 considers all."
            )
        )
        self._top_k = _spin("top_k", 0, 500, 5)
        self._top_k.setSpecialValueText(self.tr("No limit"))
        self._top_k.setToolTip(
            self.tr(
                "Only this many of the most likely next words are considered. 0 means no limit."
            )
        )
        self._repeat_penalty = _double_spin("repeat_penalty", 1.0, 2.0, 0.05, 2)
        self._repeat_penalty.setToolTip(
            self.tr(
                "Discourages the model from repeating itself. 1 means no penalty; above 1.3 "
                "answers may avoid words they need."
            )
        )
        self._max_tokens = _spin("max_answer_tokens", 16, 8192, 64)
        self._max_tokens.setSuffix(self.tr(" tokens"))
        self._max_tokens.setToolTip(
            self.tr(
                "The longest answer the model may write. A token is about three quarters of a word."
            )
        )
        self._context_size = _spin("context_size", 512, 131072, 512)
        self._context_size.setSuffix(self.tr(" tokens"))
        self._context_size.setToolTip(
            self.tr(
                "How much text the model reads at once: instructions, passages, history and the "
                "answer. Larger sizes need more memory."
            )
        )
        self._context_size.valueChanged.connect(self._update_context_hint)
        self._context_hint = QLabel()
        self._context_hint.setObjectName("context_hint")
        self._context_hint.setWordWrap(True)
        self._threads = _spin("threads", 0, max(64, os.cpu_count() or 1), 1)
        self._threads.setSpecialValueText(self.tr("Automatic"))
        self._threads.setToolTip(
            self.tr("CPU threads used to generate answers. Automatic uses one per physical core.")
        )

        form.addRow(self.tr("&Temperature:"), self._temperature)
        form.addRow(self.tr("Top-&p:"), self._top_p)
        form.addRow(self.tr("Top-&k:"), self._top_k)
        form.addRow(self.tr("Repeat pe&nalty:"), self._repeat_penalty)
        form.addRow(self.tr("Longest &answer:"), self._max_tokens)
        form.addRow(self.tr("&Context size:"), self._context_size)
        form.addRow("", self._context_hint)
        form.addRow(self.tr("CPU t&hreads:"), self._threads)
        return page

    def _retrieval_page(self) -> QWidget:
        page = QWidget()
        form = QFormLayout(page)
        self._passages = _spin("passages_per_answer", 1, 20, 1)
        self._passages.setToolTip(
            self.tr(
                "How many passages from your documents the model reads for each question. More "
                "passages find more, but need a larger context and take longer."
            )
        )
        self._hybrid = QCheckBox(self.tr("Combine &keyword and semantic search"))
        self._hybrid.setObjectName("hybrid_search")
        self._hybrid.setToolTip(
            self.tr(
                "Also match the exact words of the question (names, numbers, codes), not only "
                "its meaning. Usually finds better passages."
            )
        )
        self._chroma_url = QLineEdit()
        self._chroma_url.setObjectName("chroma_url")
        self._chroma_url.setPlaceholderText(self.tr("On this computer"))
        self._chroma_url.setClearButtonEnabled(True)
        self._chroma_url.setToolTip(
            self.tr(
                "Keep the library on a Chroma server that your team shares, for example "
                "http://server:8000. Every computer that names it sees the same documents. "
                "Chosen for a new, empty library."
            )
        )
        form.addRow(self.tr("&Passages per answer:"), self._passages)
        form.addRow("", self._hybrid)
        form.addRow(self.tr("&Shared library:"), self._chroma_url)
        return page

    def _prompt_page(self) -> QWidget:
        page = QWidget()
        self._prompt = QPlainTextEdit()
        self._prompt.setObjectName("system_prompt")
        self._prompt.setTabChangesFocus(True)  # Tab leaves the field, as in the rest of the form
        self._prompt.setToolTip(
            self.tr("The instructions the model receives before every question.")
        )
        restore = QPushButton(self.tr("Restore &default"))
        restore.setObjectName("restore_prompt")
        restore.clicked.connect(self._restore_prompt)
        label = QLabel(self.tr("&Instructions for the model:"))
        label.setBuddy(self._prompt)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(restore)
        layout = QVBoxLayout(page)
        layout.addWidget(label)
        layout.addWidget(self._prompt, 1)
        layout.addLayout(row)
        return page

    # --- values ---

    def _load(self, settings: Settings) -> None:
        self._model_edit.setText(settings.chat_model)
        self._show_model(settings.chat_model)
        self._temperature.setValue(settings.temperature)
        self._top_p.setValue(settings.top_p)
        self._top_k.setValue(settings.top_k)
        self._repeat_penalty.setValue(settings.repeat_penalty)
        self._max_tokens.setValue(settings.max_answer_tokens)
        self._context_size.setValue(settings.context_size)
        self._threads.setValue(settings.threads)
        self._passages.setValue(settings.passages_per_answer)
        self._hybrid.setChecked(settings.hybrid_search)
        self._chroma_url.setText(settings.chroma_url)
        self._prompt.setPlainText(settings.system_prompt)
        self._language.setCurrentIndex(max(0, self._language.findData(settings.language)))

    def settings(self) -> Settings:
        """The settings as edited; the model is the last file that proved to be a GGUF model."""
        return self._original.replace(
            chat_model=self._chat_model,
            temperature=round(self._temperature.value(), 2),
            top_p=round(self._top_p.value(), 2),
            top_k=self._top_k.value(),
            repeat_penalty=round(self._repeat_penalty.value(), 2),
            max_answer_tokens=self._max_tokens.value(),
            context_size=self._context_size.value(),
            threads=self._threads.value(),
            passages_per_answer=self._passages.value(),
            hybrid_search=self._hybrid.isChecked(),
            chroma_url=self._chroma_url.text().strip(),
            system_prompt=self._system_prompt(),
            language=self._language.currentData(),
        )

    def _system_prompt(self) -> str:
        """What the user wrote, exactly; an emptied field means the default, not no rules."""
        text = self._prompt.toPlainText()
        return text if text.strip() else DEFAULT_SYSTEM_PROMPT

    # --- model picker ---

    def _choose_model(self) -> None:
        start = self._chat_model or str(Path.home())
        path, _ = QFileDialog.getOpenFileName(
            self,
            self.tr("Choose a chat model"),
            start,
            self.tr("GGUF models (*.gguf);;All files (*)"),
        )
        if path:
            self._model_edit.setText(path)
            self._show_model(path)

    def _use_builtin_model(self) -> None:
        self._model_edit.clear()
        self._show_model("")

    def _model_text_edited(self) -> None:
        text = self._model_edit.text().strip()
        if text != self._chat_model or self._model_error.isVisible():
            self._show_model(text)

    def _show_model(self, path: str) -> None:
        """Have the engine read the file's header; it is accepted only if it is a GGUF model
        (OK waits for the reply when the file is another than the one accepted last)."""
        if path != self._chat_model:
            self._buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(False)
        self._engine.describe_model(path)

    def _model_described(self, path: str, info: GgufInfo) -> None:
        if path != self._model_edit.text().strip():
            return  # the user has moved on to another file
        self._chat_model = path
        self._model_error.setVisible(False)
        self._model_info.setVisible(True)
        self._buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(True)
        self._model_info.setText(self._describe(info))
        self._model_context = info.context_length
        self._update_context_hint()

    def _model_description_failed(self, path: str, message: str) -> None:
        if path != self._model_edit.text().strip():
            return
        self._model_error.setText(message)
        self._model_error.setVisible(True)
        self._model_info.setVisible(False)  # it would describe the previous model
        self._buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(False)

    def _describe(self, info: GgufInfo) -> str:
        size = self.locale().formattedDataSize(
            info.size_bytes, 1, self.locale().DataSizeFormat.DataSizeTraditionalFormat
        )
        context = (
            self.locale().toString(info.context_length)
            if info.context_length
            else self.tr("unknown")
        )
        details = [
            self.tr("Quantisation: {0}").format(info.quantisation or self.tr("unknown")),
            self.tr("Size: {0}").format(size),
            self.tr("Trained context: {0} tokens").format(context),
        ]
        if info.parameter_count:
            details.append(self.tr("Parameters: {0}").format(_short_count(info.parameter_count)))
        if info.architecture:
            details.append(self.tr("Architecture: {0}").format(info.architecture))
        return f"<b>{escape(info.name)}</b><br>" + " · ".join(escape(d) for d in details)

    def _update_context_hint(self) -> None:
        if self._model_context and self._context_size.value() > self._model_context:
            self._context_hint.setText(
                self.tr(
                    "This model was trained for at most {0} tokens; larger sizes give worse "
                    "answers."
                ).format(self.locale().toString(self._model_context))
            )
        elif self._model_context:
            self._context_hint.setText(
                self.tr("The model supports up to {0} tokens.").format(
                    self.locale().toString(self._model_context)
                )
            )
        else:
            self._context_hint.setText("")

    def _restore_prompt(self) -> None:
        self._prompt.setPlainText(DEFAULT_SYSTEM_PROMPT)


def _spin(name: str, low: int, high: int, step: int) -> QSpinBox:
    box = QSpinBox()
    box.setObjectName(name)
    box.setRange(low, high)
    box.setSingleStep(step)
    box.setAccelerated(True)
    return box


def _double_spin(name: str, low: float, high: float, step: float, decimals: int) -> QDoubleSpinBox:
    box = QDoubleSpinBox()
    box.setObjectName(name)
    box.setDecimals(decimals)
    box.setRange(low, high)
    box.setSingleStep(step)
    return box


def _error_colour(palette: QPalette) -> QColor:
    """A red that stays readable on the window colour, light or dark."""
    dark = palette.color(QPalette.ColorRole.Window).lightness() < 128
    return QColor("#ff8a80") if dark else QColor("#b71c1c")


def _short_count(count: int) -> str:
    if count >= 1_000_000_000:
        return f"{count / 1e9:.1f}B"
    if count >= 1_000_000:
        return f"{count / 1e6:.0f}M"
    return f"{count:,}"
