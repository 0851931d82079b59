"""Watched folders without models: which files are taken in, the saved list, the system's
change notices gathered into rounds, and a round brought into a real catalogue."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import pytest

from quelle.common.errors import QuelleError
from quelle.engine.index.catalog import Catalog, NewPassage
from quelle.engine.watching.changes import take_in
from quelle.engine.watching.folders import WatchList, files_in, wanted
from quelle.engine.watching.observer import Changes, FolderObserver
from quelle.protocol.values import IngestReport, WatchedFolder


def test_scratch_hidden_and_unsupported_files_are_not_documents(tmp_path: Path) -> None:
    folder = WatchedFolder(str(tmp_path))
    for name in ("report.pdf", "notes.md", "Sub/brief.docx", "seite.html"):
        assert wanted(folder, tmp_path / name), name
    for name in (
        "~$report.docx",  # Word's lock file
        ".~lock.report.docx#",  # LibreOffice's
        ".notes.md.swp",  # vim's
        "notes.md~",  # a backup
        "#notes.md#",  # emacs's
        ".hidden/notes.md",
        "photo.jpg",
        "download.pdf.part",
    ):
        assert not wanted(folder, tmp_path / name), name
    assert not wanted(folder, tmp_path.parent / "elsewhere.md")


def test_include_and_exclude_match_names_and_paths_in_the_folder(tmp_path: Path) -> None:
    folder = WatchedFolder(str(tmp_path), include=["*.pdf", "notes/*"], exclude=["drafts/*"])
    assert wanted(folder, tmp_path / "a" / "b.pdf")
    assert wanted(folder, tmp_path / "notes" / "x.md")
    assert not wanted(folder, tmp_path / "x.md")
    assert not wanted(folder, tmp_path / "drafts" / "b.pdf")


def test_the_watch_list_is_kept_and_a_folder_watched_again_takes_new_patterns(
    tmp_path: Path,
) -> None:
    (tmp_path / "docs").mkdir()
    saved = tmp_path / "watched.json"
    watched = WatchList(saved)
    watched.add(WatchedFolder(str(tmp_path / "docs"), include=["*.md"]))
    watched.add(WatchedFolder(str(tmp_path / "docs" / "."), exclude=["old/*"]))
    assert WatchList(saved).folders == [WatchedFolder(str(tmp_path / "docs"), [], ["old/*"])]
    with pytest.raises(QuelleError, match="not a folder"):
        watched.add(WatchedFolder(str(tmp_path / "missing")))
    watched.remove(str(tmp_path / "docs"))
    assert WatchList(saved).folders == []
    with pytest.raises(QuelleError, match="not watched"):
        watched.remove(str(tmp_path / "docs"))


def test_an_unreadable_watch_list_is_an_empty_one(tmp_path: Path) -> None:
    saved = tmp_path / "watched.json"
    saved.write_text("{not json", encoding="utf-8")
    assert WatchList(saved).folders == []


def test_files_in_skips_hidden_folders_and_a_symlink_loop(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "x.md").write_text("x", encoding="utf-8")
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "y.md").write_text("y", encoding="utf-8")
    (tmp_path / "a" / "loop").symlink_to(tmp_path)
    assert list(files_in(WatchedFolder(str(tmp_path)))) == [str(tmp_path / "a" / "x.md")]


# --- the system's notices, gathered -------------------------------------------------------


class Rounds:
    """A FolderObserver as the engine uses it: a round is taken whenever it says ready."""

    def __init__(self, folder: Path, quiet: float = 0.5) -> None:
        self.ready = threading.Event()
        self.observer = FolderObserver(self.ready.set, quiet=quiet)
        self.observer.start()
        self.observer.watch(WatchedFolder(str(folder)))

    def next(self, timeout: float = 30) -> Changes:
        assert self.ready.wait(timeout), "no round came"
        self.ready.clear()
        return self.observer.take()

    def until(self, paths: set[str], timeout: float = 60) -> tuple[Changes, int]:
        """Rounds until `paths` were all in one; the changes seen and how many rounds."""
        seen, rounds = Changes(), 0
        while not paths <= seen.paths:
            changes = self.next(timeout)
            seen.paths |= changes.paths
            seen.moves += changes.moves
            rounds += 1
        return seen, rounds


@pytest.fixture
def rounds(tmp_path: Path):  # type: ignore[no-untyped-def]
    watched = Rounds(tmp_path)
    yield watched
    watched.observer.stop()


def test_a_burst_of_200_files_comes_as_one_or_two_rounds(rounds: Rounds, tmp_path: Path) -> None:
    names = {str(tmp_path / f"note-{n:03}.md") for n in range(200)}
    for name in sorted(names):
        Path(name).write_text("Notiz", encoding="utf-8")
        Path(name).write_text("Notiz, geändert", encoding="utf-8")  # many events per file
    seen, count = rounds.until(names)
    assert seen.paths == names
    assert count <= 2


def test_a_file_still_being_written_waits_until_it_is_quiet(rounds: Rounds, tmp_path: Path) -> None:
    growing = tmp_path / "growing.md"
    started = time.monotonic()
    with growing.open("w", encoding="utf-8") as out:
        while time.monotonic() - started < 1.5:  # three times the quiet time
            out.write("line\n")
            out.flush()
            assert not rounds.ready.wait(0.1)  # nothing is handed on meanwhile
    assert rounds.next().paths == {str(growing)}


def test_a_rename_is_one_move_and_scratch_files_are_not_noticed(
    rounds: Rounds, tmp_path: Path
) -> None:
    (tmp_path / "~$brief.docx").write_text("lock", encoding="utf-8")
    (tmp_path / ".brief.md.swp").write_text("swap", encoding="utf-8")
    (tmp_path / "a.md").write_text("text", encoding="utf-8")
    assert rounds.next().paths == {str(tmp_path / "a.md")}
    os.rename(tmp_path / "a.md", tmp_path / "b.md")
    changes = rounds.next()
    assert changes.moves == [(str(tmp_path / "a.md"), str(tmp_path / "b.md"))]


# --- a round brought into the catalogue -----------------------------------------------------


class Library:
    """A real catalogue with a stand-in for reading and embedding: a file's content is its
    document, recorded with the file's size and time, as ingestion records it."""

    def __init__(self, tmp_path: Path) -> None:
        self.catalog = Catalog(tmp_path / "catalog.sqlite3")
        self.read: list[str] = []

    def ingest(self, files: list[Path]) -> IngestReport:
        report = IngestReport()
        for file in files:
            stat = file.stat()
            doc_id = file.read_text(encoding="utf-8")
            known = self.catalog.source(str(file))
            if known and known[1:] == (stat.st_mtime, stat.st_size):
                report.unchanged.append(str(file))
                continue
            self.read.append(str(file))
            if known and known[0] != doc_id:  # changed: the old content goes, as it does
                self.forget(str(file))
            if self.catalog.document(doc_id) is None:
                passage = NewPassage(1, 0, 4, "text", "text")
                self.catalog.begin_document(doc_id, file.name, "md", 1, 4, [passage])
                self.catalog.finish_documents([doc_id])
            self.catalog.add_source(str(file), doc_id, stat.st_mtime, stat.st_size)
            report.added.append(str(file))
        return report

    def forget(self, path: str) -> None:
        orphan = self.catalog.remove_source(path)
        if orphan:
            self.catalog.remove_document(orphan)

    def take_in(self, folder: Path, changes: Changes, **patterns: list[str]):  # type: ignore[no-untyped-def]
        watched = [WatchedFolder(str(folder), **patterns)]
        return take_in(changes, watched, self.catalog, self.ingest, self.forget)

    def titles(self) -> dict[str, str]:
        return {d.path: d.title for d in self.catalog.documents()}


def test_a_renamed_file_and_a_moved_folder_keep_their_documents_unread(tmp_path: Path) -> None:
    folder = tmp_path / "docs"
    (folder / "sub").mkdir(parents=True)
    (folder / "a.md").write_text("doc-a", encoding="utf-8")
    (folder / "sub" / "b.md").write_text("doc-b", encoding="utf-8")
    library = Library(tmp_path)
    library.take_in(folder, Changes(paths={str(folder)}))  # the first look at the folder
    assert sorted(library.read) == [str(folder / "a.md"), str(folder / "sub" / "b.md")]
    library.read.clear()

    os.rename(folder / "a.md", folder / "renamed.md")
    os.rename(folder / "sub", folder / "moved")
    moves = [(str(folder / "a.md"), str(folder / "renamed.md"))]
    moves.append((str(folder / "sub"), str(folder / "moved")))
    done = library.take_in(folder, Changes(moves=moves))
    assert library.read == []  # nothing read again, nothing embedded again
    assert sorted(done.moved) == sorted(
        [
            (str(folder / "a.md"), str(folder / "renamed.md")),
            (str(folder / "sub" / "b.md"), str(folder / "moved" / "b.md")),
        ]
    )
    assert library.titles() == {
        str(folder / "renamed.md"): "renamed.md",
        str(folder / "moved" / "b.md"): "b.md",
    }


def test_a_file_changed_on_its_way_is_read_again_and_the_old_path_forgotten(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "a.md").write_text("doc-a", encoding="utf-8")
    library = Library(tmp_path)
    library.take_in(folder, Changes(paths={str(folder)}))
    os.rename(folder / "a.md", folder / "b.md")
    (folder / "b.md").write_text("doc-a, longer now", encoding="utf-8")
    done = library.take_in(folder, Changes(moves=[(str(folder / "a.md"), str(folder / "b.md"))]))
    assert done.added == [str(folder / "b.md")] and done.removed == [str(folder / "a.md")]
    assert library.titles() == {str(folder / "b.md"): "b.md"}


def test_a_deleted_folder_and_a_newly_excluded_file_leave_the_library(tmp_path: Path) -> None:
    folder = tmp_path / "docs"
    (folder / "old").mkdir(parents=True)
    (folder / "old" / "x.md").write_text("doc-x", encoding="utf-8")
    (folder / "draft.md").write_text("doc-d", encoding="utf-8")
    (folder / "keep.md").write_text("doc-k", encoding="utf-8")
    library = Library(tmp_path)
    library.take_in(folder, Changes(paths={str(folder)}))
    assert len(library.titles()) == 3

    for file in (folder / "old").iterdir():
        file.unlink()
    (folder / "old").rmdir()
    done = library.take_in(folder, Changes(paths={str(folder / "old")}))
    assert done.removed == [str(folder / "old" / "x.md")]
    # Catching up with a pattern that now leaves a file out
    done = library.take_in(folder, Changes(paths={str(folder)}), exclude=["draft*"])
    assert done.removed == [str(folder / "draft.md")]
    assert list(library.titles()) == [str(folder / "keep.md")]


def test_an_editor_saving_through_a_temporary_file_updates_the_document(tmp_path: Path) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "a.md").write_text("doc-a", encoding="utf-8")
    library = Library(tmp_path)
    library.take_in(folder, Changes(paths={str(folder)}))
    (folder / "a.md.tmp").write_text("doc-a, edited", encoding="utf-8")
    os.replace(folder / "a.md.tmp", folder / "a.md")
    moves = [(str(folder / "a.md.tmp"), str(folder / "a.md"))]
    done = library.take_in(folder, Changes(moves=moves, paths={str(folder / "a.md.tmp")}))
    assert done.added == [str(folder / "a.md")] and not done.removed
    assert [d.doc_id for d in library.catalog.documents()] == ["doc-a, edited"]


def test_a_watched_folder_gone_as_a_whole_keeps_its_documents(tmp_path: Path) -> None:
    """An unplugged drive looks like a deleted folder; its documents wait for it."""
    folder = tmp_path / "usb"
    folder.mkdir()
    (folder / "a.md").write_text("doc-a", encoding="utf-8")
    library = Library(tmp_path)
    library.take_in(folder, Changes(paths={str(folder)}))
    (folder / "a.md").rename(tmp_path / "elsewhere.md")
    folder.rmdir()
    done = library.take_in(folder, Changes(paths={str(folder), str(folder / "a.md")}))
    assert done.removed == [] and list(library.titles()) == [str(folder / "a.md")]


def test_a_folder_the_system_will_not_watch_is_polled_instead(tmp_path: Path) -> None:
    """Linux allows a fixed number of inotify watches; past it, the folder is polled and
    the user told so."""
    ready = threading.Event()
    observer = FolderObserver(ready.set, quiet=0.5)
    observer.start()
    try:

        def refuse(*args: object, **kwargs: object) -> None:
            raise OSError(28, "inotify watch limit reached")

        observer._observer.schedule = refuse  # noqa: SLF001 - the system's refusal
        notice = observer.watch(WatchedFolder(str(tmp_path)))
        assert notice is not None and "checked every few seconds" in notice
        (tmp_path / "a.md").write_text("text", encoding="utf-8")
        assert ready.wait(30), "the poller saw no change"
        assert observer.take().paths == {str(tmp_path / "a.md")}
    finally:
        observer.stop()
