"""The Watched folders box of the Library panel, with a stand-in engine: what the user
chooses goes to the engine, and what the engine says is shown."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from quelle.protocol.values import FolderChanges, WatchedFolder
from quelle.ui.window import MainWindow

from fake_engine import FakeEngineLink


@pytest.fixture
def window(qtbot: QtBot, tmp_path: Path) -> MainWindow:
    window = MainWindow(tmp_path / "home", engine=FakeEngineLink(tmp_path / "home"))
    qtbot.addWidget(window)
    window.show()
    return window


def link(window: MainWindow) -> FakeEngineLink:
    assert isinstance(window.engine, FakeEngineLink)
    return window.engine


def test_a_chosen_folder_is_handed_to_the_engine_and_listed_once_watched(
    window: MainWindow, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    box = window.watched
    assert not box.list.isVisible()
    assert box.status.text() == "Watch a folder to keep the library in step with it."
    monkeypatch.setattr(
        "quelle.ui.watched_folders.QFileDialog.getExistingDirectory",
        lambda *args: str(tmp_path / "Belege"),
    )
    box.watch_button.click()
    assert link(window).last_request() == ("watch", str(tmp_path / "Belege"))
    assert box.folders() == []  # not before the engine says so

    folder = WatchedFolder(str(tmp_path / "Belege"), include=["*.pdf"], exclude=["alt/*"])
    link(window).watched_changed.emit([folder], 4)
    assert box.folders() == [str(tmp_path / "Belege")]
    assert box.list.item(0).toolTip() == f"{tmp_path / 'Belege'}; only *.pdf; not alt/*"
    assert box.status.text() == "Changes being taken in: 4"

    changes = FolderChanges(added=["a.pdf", "b.pdf"], removed=["c.pdf"], failed=[("d.pdf", "x")])
    link(window).folders_synced.emit(changes)
    assert box.status.text().endswith(" · added: 2, removed: 1, failed: 1")
    assert box.status.toolTip() == "d.pdf: x"


def test_a_file_a_round_could_not_take_in_is_listed_with_why_until_it_is_taken(
    window: MainWindow,
) -> None:
    panel = window.library_panel
    failed = FolderChanges(failed=[("/data/scan.pdf", "Could not read 'scan.pdf'.")])
    link(window).folders_synced.emit(failed)
    row = panel.row_for("scan.pdf")
    assert row is not None and row.state == "failed" and row.reason == "Could not read 'scan.pdf'."
    link(window).folders_synced.emit(FolderChanges(added=["/data/scan.pdf"]))
    assert panel.row_for("scan.pdf") is None  # the failure is gone; the engine's list follows


def test_stop_watching_asks_the_engine_for_the_selected_folder(window: MainWindow) -> None:
    box = window.watched
    link(window).watched_changed.emit([WatchedFolder("/data/a"), WatchedFolder("/data/b")], 0)
    assert not box.stop_button.isEnabled()
    box.list.item(1).setSelected(True)
    assert box.stop_button.isEnabled()
    box.stop_button.click()
    assert link(window).last_request() == ("unwatch", "/data/b")
    link(window).watched_changed.emit([WatchedFolder("/data/a")], 0)
    assert box.folders() == ["/data/a"] and not box.stop_button.isEnabled()


def test_a_folder_the_engine_refuses_says_why(window: MainWindow) -> None:
    link(window).watch_failed.emit("'/nowhere' is not a folder.")
    assert window.watched.status.text() == "'/nowhere' is not a folder."
