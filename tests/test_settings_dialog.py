"""The Settings dialog hands back exactly what the user set, and refuses non-model files
(the engine reads their headers; here the fake engine link, with the engine's own code)."""

from __future__ import annotations

from pathlib import Path
from typing import TypeVar

import pytest
from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QCheckBox,
    QDialogButtonBox,
    QFileDialog,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QTabWidget,
)
from pytestqt.qtbot import QtBot

from quelle.common.settings import DEFAULT_SYSTEM_PROMPT, Settings
from quelle.engine.models.bundled import bundled_chat_model_path
from quelle.ui.settings_dialog import SettingsDialog

from fake_engine import FakeEngineLink

W = TypeVar("W", bound=QObject)

EDITED = Settings(
    chat_model="",
    temperature=0.7,
    top_p=0.75,
    top_k=12,
    repeat_penalty=1.3,
    max_answer_tokens=1024,
    context_size=8192,
    threads=3,
    passages_per_answer=9,
    hybrid_search=False,
    system_prompt="Answer like a pirate, but cite [1].",
)


@pytest.fixture
def link(tmp_path: Path) -> FakeEngineLink:
    return FakeEngineLink(tmp_path / "home")


@pytest.fixture
def dialog(qtbot: QtBot, link: FakeEngineLink) -> SettingsDialog:
    widget = SettingsDialog(Settings(), link)
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def child(dialog: SettingsDialog, kind: type[W], name: str | None = None) -> W:
    """The dialog's widget of type `kind` (named `name`); the test fails if there is none."""
    found = dialog.findChild(kind) if name is None else dialog.findChild(kind, name)
    assert found is not None, (kind, name)
    return found


def _ok(dialog: SettingsDialog) -> QPushButton:
    return child(dialog, QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok)


def test_unchanged_dialog_returns_the_same_settings(qtbot: QtBot, link: FakeEngineLink) -> None:
    for settings in (Settings(), EDITED):
        dialog = SettingsDialog(settings, link)
        qtbot.addWidget(dialog)
        assert dialog.settings() == settings


def test_every_field_edited_in_the_widgets_reaches_the_settings(
    qtbot: QtBot, dialog: SettingsDialog
) -> None:
    def spin(name: str) -> QAbstractSpinBox:
        box = dialog.findChild(QAbstractSpinBox, name)
        assert box is not None, name
        return box

    tabs = child(dialog, QTabWidget)
    generation = (
        "temperature",
        "top_p",
        "top_k",
        "repeat_penalty",
        "max_answer_tokens",
        "context_size",
        "threads",
    )
    for name in (*generation, "passages_per_answer"):
        tabs.setCurrentIndex(1 if name in generation else 2)
        box = spin(name)
        assert box.isVisible()
        box.setFocus()
        box.selectAll()
        qtbot.keyClicks(box, str(getattr(EDITED, name)))
        qtbot.keyClick(box, Qt.Key.Key_Tab)
    hybrid = child(dialog, QCheckBox, "hybrid_search")
    assert hybrid.isVisible()
    qtbot.mouseClick(hybrid, Qt.MouseButton.LeftButton)
    tabs.setCurrentIndex(3)
    prompt = child(dialog, QPlainTextEdit, "system_prompt")
    prompt.setFocus()
    prompt.selectAll()
    qtbot.keyClicks(prompt, EDITED.system_prompt)

    assert dialog.settings() == EDITED


def test_restore_default_brings_back_the_shipped_prompt(qtbot: QtBot, link: FakeEngineLink) -> None:
    dialog = SettingsDialog(EDITED, link)
    qtbot.addWidget(dialog)
    assert dialog.settings().system_prompt == EDITED.system_prompt
    child(dialog, QPushButton, "restore_prompt").click()
    assert dialog.settings().system_prompt == DEFAULT_SYSTEM_PROMPT

    child(dialog, QPlainTextEdit, "system_prompt").setPlainText("  \n")
    assert dialog.settings().system_prompt == DEFAULT_SYSTEM_PROMPT  # never an empty prompt


def test_built_in_model_shows_its_quantisation_and_context(
    dialog: SettingsDialog, link: FakeEngineLink
) -> None:
    assert link.requests == [("describe model", "")]  # the engine reads the header
    info = child(dialog, QLabel, "model_info").text()
    assert "Q4_1" in info
    assert "8192" in info.replace(",", "").replace("\u202f", "").replace("\xa0", "")
    assert "135M" in info


def test_non_gguf_file_shows_an_error_and_keeps_the_model(
    tmp_path: Path, qtbot: QtBot, dialog: SettingsDialog
) -> None:
    notes = tmp_path / "notes.gguf"
    notes.write_text("these are my notes, not a model\n" * 5, encoding="utf-8")
    edit = child(dialog, QLineEdit, "chat_model")
    edit.setFocus()
    qtbot.keyClicks(edit, str(notes))
    qtbot.keyClick(edit, Qt.Key.Key_Return)

    error = child(dialog, QLabel, "model_error")
    assert error.isVisible()
    assert "'notes.gguf' is not a GGUF model file" in error.text()
    assert not _ok(dialog).isEnabled()
    assert dialog.settings().chat_model == ""  # still the built-in model
    assert not child(dialog, QLabel, "model_info").isVisible()

    child(dialog, QPushButton, "builtin_model").click()
    assert not error.isVisible()
    assert _ok(dialog).isEnabled()
    assert edit.text() == ""
    assert "Q4_1" in child(dialog, QLabel, "model_info").text()


def test_choosing_a_model_file_reads_its_header(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, dialog: SettingsDialog
) -> None:
    model = str(bundled_chat_model_path())
    monkeypatch.setattr(
        QFileDialog,
        "getOpenFileName",
        staticmethod(lambda *args, **kwargs: (model, "GGUF models (*.gguf)")),
    )
    child(dialog, QPushButton, "choose_model").click()
    assert dialog.settings().chat_model == model
    assert child(dialog, QLineEdit, "chat_model").text() == model
    assert "Q4_1" in child(dialog, QLabel, "model_info").text()

    missing = str(tmp_path / "gone.gguf")
    monkeypatch.setattr(
        QFileDialog, "getOpenFileName", staticmethod(lambda *args, **kwargs: (missing, ""))
    )
    child(dialog, QPushButton, "choose_model").click()
    assert "does not exist" in child(dialog, QLabel, "model_error").text()
    assert dialog.settings().chat_model == model


def test_a_late_reply_about_another_file_is_ignored(
    tmp_path: Path,
    qtbot: QtBot,
    dialog: SettingsDialog,
    link: FakeEngineLink,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The engine answers after the user has typed another path: the field's file counts."""
    error = child(dialog, QLabel, "model_error")
    link.model_description_failed.emit(str(tmp_path / "old.gguf"), "'old.gguf' is gone.")
    assert not error.isVisible() and _ok(dialog).isEnabled()
    assert "Q4_1" in child(dialog, QLabel, "model_info").text()

    model = str(bundled_chat_model_path())
    edit = child(dialog, QLineEdit, "chat_model")
    edit.setFocus()
    edit.setText(model)
    with monkeypatch.context() as busy:  # the engine has not answered yet
        busy.setattr(link, "describe_model", lambda path: None)
        qtbot.keyClick(edit, Qt.Key.Key_Return)
    assert not _ok(dialog).isEnabled()  # OK waits for the engine's word on the new file
    link.model_description_failed.emit("", "The built-in model is gone.")
    assert not error.isVisible()  # about the previous file: ignored
    qtbot.keyClick(edit, Qt.Key.Key_Return)
    assert _ok(dialog).isEnabled() and dialog.settings().chat_model == model


def test_context_larger_than_the_model_was_trained_for_is_flagged(dialog: SettingsDialog) -> None:
    hint = child(dialog, QLabel, "context_hint")
    child(dialog, QSpinBox, "context_size").setValue(4096)
    assert "at most" not in hint.text()
    child(dialog, QSpinBox, "context_size").setValue(16384)
    assert "at most 8" in hint.text()


def test_every_generation_field_is_reached_with_tab(qtbot: QtBot, dialog: SettingsDialog) -> None:
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    tabs = child(dialog, QTabWidget)
    tabs.setCurrentIndex(1)
    child(dialog, QAbstractSpinBox, "temperature").setFocus()
    reached: list[str] = []
    for _ in range(20):
        focused = dialog.focusWidget()
        assert focused is not None
        parent = focused.parent()
        name = (parent if isinstance(parent, QAbstractSpinBox) else focused).objectName()
        reached.append(name)
        qtbot.keyClick(focused, Qt.Key.Key_Tab)
    assert {
        "temperature",
        "top_p",
        "top_k",
        "repeat_penalty",
        "max_answer_tokens",
        "context_size",
        "threads",
    } <= set(reached)
