"""The window's Models dialog: fit verdicts, downloads with progress, choosing a model.

The fake engine link answers the dialog's requests about the models with the engine's own
code, from the models folder of the test's home."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from hub import Hub
from quelle.common.settings import Settings
from quelle.engine.models.bundled import bundled_chat_model_path
from quelle.engine.models.catalogue import catalog
from quelle.engine.models.downloads import MANIFEST
from quelle.protocol.values import DownloadProgress
from quelle.ui.models_dialog import ModelsDialog
from quelle.ui.numbers import number
from quelle.ui.window import MainWindow
from test_window import ANSWER, LOAD, SAMPLE, wait_ready

from conftest import HUB_CHAT
from fake_engine import FakeEngineLink


def row_texts(dialog: ModelsDialog | None, kind: str) -> dict[str, list[str]]:
    assert dialog is not None
    tree = dialog.trees[kind]
    rows = [tree.topLevelItem(i) for i in range(tree.topLevelItemCount())]
    texts: dict[str, list[str]] = {}
    for r in rows:
        assert r is not None
        texts[r.data(0, 256)] = [r.text(c) for c in range(tree.columnCount())]
    return texts


def test_the_catalogue_with_verdicts_and_a_download_followed_to_its_use(
    qtbot: QtBot, tmp_path: Path
) -> None:
    home = tmp_path / "home"
    link = FakeEngineLink(home)
    window = MainWindow(home, engine=link)
    qtbot.addWidget(window)
    window.show()
    window.open_models()
    dialog = window.models_dialog
    assert dialog is not None and dialog.isVisible()
    assert "This computer:" in dialog.machine_label.text()

    chat = row_texts(dialog, "chat")
    assert len(chat) == sum(e.kind == "chat" for e in catalog())
    assert chat["smollm2-135m-instruct-q4_1"][5] == "In use"
    for texts in chat.values():
        assert texts[2].split(" (")[0] in ("runs well", "slow", "won't fit")
    assert row_texts(dialog, "embedder")["all-minilm-l6-v2"][5] == "In use"

    dialog.select(HUB_CHAT.id)
    assert dialog.download_button.isEnabled() and not dialog.use_button.isEnabled()
    dialog.download_button.click()
    assert link.last_request() == ("download", HUB_CHAT.id)
    assert row_texts(dialog, "chat")[HUB_CHAT.id][5] == "Downloading…"
    assert dialog.cancel_button.isEnabled() and not dialog.download_button.isEnabled()

    mb = 2**20
    link.download_progressed.emit(HUB_CHAT.id, DownloadProgress(300 * mb, 676 * mb, 12.5 * mb))
    assert dialog.progress.isVisible() and dialog.progress.value() == 443
    label = dialog.progress_label.text()
    assert "300 MB of 676 MB" in label and "12 MB/s" in label and "30 s left" in label

    # The engine finished: the model is in place, verified.
    folder = window.paths.models_dir / HUB_CHAT.id
    folder.mkdir(parents=True)
    (folder / HUB_CHAT.file).write_bytes(b"GGUF")
    (folder / MANIFEST).write_text(json.dumps({"entry": {}}))
    link.finish_download(HUB_CHAT.id)
    assert link.last_request() == ("list models", None)  # the engine says what is there now
    assert row_texts(dialog, "chat")[HUB_CHAT.id][5] == "Downloaded"
    assert not dialog.progress.isVisible()
    assert dialog.use_button.isEnabled()
    dialog.use_button.click()
    kind, settings = link.last_request()
    assert isinstance(settings, Settings)
    assert kind == "settings" and settings.chat_model == str(folder / HUB_CHAT.file)
    link.settings_applied.emit(settings)
    assert row_texts(dialog, "chat")[HUB_CHAT.id][5] == "In use"
    assert not dialog.remove_button.isEnabled()  # not while in use
    window.close()


def test_a_cancelled_download_a_bad_import_and_a_removal_say_so(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    warnings: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text: warnings.append(text))
    yes = QMessageBox.StandardButton.Yes
    monkeypatch.setattr(QMessageBox, "question", lambda *args: yes)
    home = tmp_path / "home"
    link = FakeEngineLink(home)
    window = MainWindow(home, engine=link)
    qtbot.addWidget(window)
    window.open_models()
    dialog = window.models_dialog
    assert dialog is not None
    dialog.select(HUB_CHAT.id)
    dialog.download_button.click()
    dialog.cancel_button.click()
    assert link.requests[-1] == ("cancel download", HUB_CHAT.id)
    link.finish_download(HUB_CHAT.id, ok=False)
    assert row_texts(dialog, "chat")[HUB_CHAT.id][5] == ""
    assert warnings == []  # cancelling is no failure

    text_file = tmp_path / "notes.gguf"
    text_file.write_text("not a model")
    dialog.import_file(str(text_file))
    assert link.requests[-1] == ("import model", str(text_file))
    assert warnings and "is not a GGUF model file" in warnings[0]
    model = str(bundled_chat_model_path())
    dialog.import_file(model)
    imported = row_texts(dialog, "chat")[model]
    assert imported[5] == "Imported"
    assert dialog.selected_id() == model and dialog.remove_button.isEnabled()

    dialog.remove_button.click()
    assert link.requests[-1] == ("remove model", model)
    assert model not in row_texts(dialog, "chat")
    dialog.import_file(model)
    link.settings_applied.emit(window.settings.replace(chat_model=model))
    assert row_texts(dialog, "chat")[model][5] == "In use"
    link.remove_model(model)  # the engine refuses what the dialog does not offer
    assert warnings[-1].endswith("is in use; choose another model first.")
    assert row_texts(dialog, "chat")[model][5] == "In use"
    window.close()


@pytest.mark.slow
def test_download_in_the_window_and_the_next_answer_comes_from_it(
    qtbot: QtBot, open_window: Callable[[Path], MainWindow], tmp_path: Path, hub: Hub
) -> None:
    """The real engine downloads from the stand-in hub; the next answer uses the new file."""
    window = open_window(tmp_path / "home")
    wait_ready(qtbot, window)
    window.add_paths([str(SAMPLE)])
    qtbot.waitUntil(
        lambda: [r.state for r in window.library_panel.rows()] == ["ready"], timeout=LOAD
    )
    window.open_models()
    dialog = window.models_dialog
    assert dialog is not None
    qtbot.waitUntil(lambda: HUB_CHAT.id in row_texts(dialog, "chat"))  # the engine's list
    dialog.select(HUB_CHAT.id)
    dialog.download_button.click()
    qtbot.waitUntil(
        lambda: row_texts(dialog, "chat")[HUB_CHAT.id][5] == "Downloaded", timeout=60_000
    )
    assert hub.sent == bundled_chat_model_path().stat().st_size
    dialog.select(HUB_CHAT.id)
    dialog.use_button.click()
    qtbot.waitUntil(lambda: window.settings.chat_model.endswith(HUB_CHAT.file), timeout=10_000)
    dialog.close()

    # A 0.5B model writes only when asked to, as the window's button asks.
    window.ask("Does Quelle need an internet connection?", write=True)
    qtbot.waitUntil(lambda: not window.chat.answering, timeout=ANSWER)
    turn = window.chat.turns()[-1]
    assert turn.sources and turn.plain_answer()
    assert turn.saved is not None and "first_token_seconds" in turn.saved.timings
    from quelle.common.settings import load_settings

    assert load_settings(window.paths.settings_file).chat_model.endswith(HUB_CHAT.file)


def test_the_window_shows_a_reindex_and_tells_of_a_replaced_model(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    told: list[str] = []
    monkeypatch.setattr(QMessageBox, "information", lambda parent, title, text: told.append(text))
    link = FakeEngineLink(tmp_path / "home")
    window = MainWindow(tmp_path / "home", engine=link)
    qtbot.addWidget(window)
    link.models_loaded.emit()
    window.open_models()
    link.reindexing.emit(640, 12262)
    expected = f"Re-indexing with the new embedder: 640 of {number(12262)} passages"
    assert window.model_status.text() == expected
    assert row_texts(window.models_dialog, "embedder")["all-minilm-l6-v2"][5] == "Indexing: 5 %"
    window.ask("Where does the team holiday go?")
    assert link.asked()  # questions still go out meanwhile
    link.reindexing.emit(12262, 12262)
    assert window.model_status.text() == "Models ready"
    assert window.statusBar().currentMessage() == "The library now uses the new embedder."
    assert row_texts(window.models_dialog, "embedder")["all-minilm-l6-v2"][5] == "In use"
    link.notice.emit("The chat model 'x.gguf' is gone; Quelle answers with its built-in model.")
    assert told == ["The chat model 'x.gguf' is gone; Quelle answers with its built-in model."]
    window.close()
