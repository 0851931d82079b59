"""The document list with a folder of ten thousand notes being added."""

from __future__ import annotations

from dataclasses import replace

from pytestqt.qtbot import QtBot

from quelle.protocol.values import DocumentInfo, FileEvent
from quelle.ui.library_panel import LibraryPanel

NOTES = [f"/notes/{n // 1000:02d}/note-{n:05d}.txt" for n in range(10_000)]


def queue(panel: LibraryPanel, paths: list[str]) -> None:
    """As the engine reports the files of a job it has taken: each one queued."""
    for path in paths:
        panel.apply_event(FileEvent(path, "queued"))


def shown(panel: LibraryPanel, n: int) -> tuple[str, str]:
    model = panel.tree.model()
    return model.index(n, 0).data(), model.index(n, 1).data()


def test_a_files_progress_changes_its_row_in_place(qtbot: QtBot) -> None:
    panel = LibraryPanel()
    qtbot.addWidget(panel)
    queue(panel, NOTES)
    qtbot.waitUntil(lambda: panel.tree.model().rowCount() == len(NOTES))
    resets: list[None] = []
    changed: list[int] = []
    panel.tree.model().modelReset.connect(lambda: resets.append(None))
    panel.tree.model().dataChanged.connect(lambda first, last: changed.append(first.row()))

    panel.apply_event(FileEvent(NOTES[6], "recognising", pages=12, scanned=3))
    panel.apply_event(FileEvent(NOTES[7], "embedding", pages=1, passages=2, embedded=1))
    panel.apply_event(FileEvent(NOTES[8], "ready", pages=1, passages=1))
    qtbot.wait(10)
    assert shown(panel, 6) == ("note-00006.txt", "Reading scanned page 3 of 12")
    assert shown(panel, 7) == ("note-00007.txt", "Embedding 50%")
    assert shown(panel, 8) == ("note-00008.txt", "Ready")
    assert changed == [6, 7, 8] and not resets, "one row each, not the whole list again"
    qtbot.waitUntil(lambda: panel._summary.text().startswith("1 document"))


def test_a_failure_moves_to_the_top_and_the_selection_stays(qtbot: QtBot) -> None:
    panel = LibraryPanel()
    qtbot.addWidget(panel)
    queue(panel, NOTES)
    qtbot.waitUntil(lambda: panel.tree.model().rowCount() == len(NOTES))
    panel.tree.setCurrentIndex(panel.tree.model().index(42, 0))  # as a click on the row
    assert [r.title for r in panel._selected_rows()] == ["note-00042.txt"]

    panel.apply_event(FileEvent(NOTES[5000], "failed", "'note-05000.txt' is empty (0 bytes)."))
    qtbot.waitUntil(lambda: shown(panel, 0)[0] == "note-05000.txt")
    assert shown(panel, 0)[1] == "Failed: 'note-05000.txt' is empty (0 bytes)."
    assert [r.title for r in panel._selected_rows()] == ["note-00042.txt"]


def test_the_catalogues_list_replaces_finished_rows(qtbot: QtBot) -> None:
    panel = LibraryPanel()
    qtbot.addWidget(panel)
    queue(panel, NOTES[:3])
    panel.apply_event(FileEvent(NOTES[0], "ready", pages=1, passages=1))
    document = DocumentInfo("d0", "note-00000.txt", "txt", NOTES[0], 1, 1, 90, 0.0, "ready")
    panel.set_documents([document])
    rows = {r.title: (r.state, r.doc_id) for r in panel.rows()}
    assert rows == {
        "note-00000.txt": ("ready", "d0"),  # now removable: it has its document id
        "note-00001.txt": ("queued", ""),
        "note-00002.txt": ("queued", ""),
    }


def test_a_shared_library_names_its_server_beside_its_size(qtbot: QtBot) -> None:
    panel = LibraryPanel()
    qtbot.addWidget(panel)
    document = DocumentInfo("d0", "note-00000.txt", "txt", NOTES[0], 1, 3, 90, 0.0, "ready")
    panel.set_documents([document])
    panel.set_server("http://team-server:8000/")
    assert panel._summary.text() == "1 document · 3 passages · shared on team-server:8000"
    panel.set_server("")
    assert panel._summary.text() == "1 document · 3 passages"


def test_a_list_sent_mid_job_does_not_call_a_finished_file_unfinished(qtbot: QtBot) -> None:
    """The engine's document list, sent while the job runs, may still say 'indexing' of a
    file whose 'ready' comes before or after it: the row stays Ready."""
    panel = LibraryPanel()
    qtbot.addWidget(panel)
    panel.apply_event(FileEvent(NOTES[0], "ready", pages=1, passages=1))
    stale = DocumentInfo("d0", "note-00000.txt", "txt", NOTES[0], 1, 1, 10, 0.0, "indexing")
    panel.set_documents([stale])
    assert shown(panel, 0) == ("note-00000.txt", "Ready")
    panel.apply_event(FileEvent(NOTES[0], "ready", pages=1, passages=1))  # after the list
    assert shown(panel, 0) == ("note-00000.txt", "Ready")
    panel.set_documents([replace(stale, state="ready")])
    assert shown(panel, 0) == ("note-00000.txt", "Ready") and panel.rows()[0].doc_id == "d0"
