"""Watched folders with the real engine, models and Chroma: a folder's files come and go,
change and move, a burst is taken in together, and what changed while Quelle was closed
is caught up on at the next start. Each test waits for the engine's own reports."""

from __future__ import annotations

import queue
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from engines import Engines
from quelle.common.paths import Paths
from quelle.engine.library import Library
from quelle.engine.owner import OwnerLock
from quelle.protocol.client import EngineClient, EngineLost
from quelle.protocol.messages import FoldersSynced, Message
from quelle.protocol.values import FolderChanges, WatchedFolder
from quelle.ui.window import MainWindow

pytestmark = pytest.mark.slow

ROUND_SECONDS = 300  # a failure bound only: a round normally ends seconds after a change
LEASE = "Der Mietvertrag für die Wohnung in der Lindenstraße endet am 31. März 2027."
BOAT = "The rowing boat Seeadler is kept in shed number seven at the harbour of Kappeln."


class Rounds:
    """The rounds of watching one client hears, in order."""

    def __init__(self, client: EngineClient) -> None:
        self._rounds: queue.Queue[FolderChanges] = queue.Queue()
        threading.Thread(target=self._follow, args=(client,), daemon=True).start()

    def _follow(self, client: EngineClient) -> None:
        def heard(event: Message) -> None:
            if isinstance(event, FoldersSynced):
                self._rounds.put(event.changes)

        try:
            client.follow(heard)
        except EngineLost:
            return

    def next(self) -> FolderChanges:
        return self._rounds.get(timeout=ROUND_SECONDS)

    def until(self, done: Callable[[list[FolderChanges]], bool]) -> list[FolderChanges]:
        """Rounds until `done(rounds)` holds."""
        rounds = [self.next()]
        while not done(rounds):
            rounds.append(self.next())
        return rounds


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def sources(home: Path) -> dict[str, str]:
    """Path -> document id, as the library holds them (read once the engine has gone)."""
    library = Library(Paths.resolve(home))
    try:
        catalog = library.catalog
        return {p: catalog.source(p)[0] for p in catalog.source_paths()}  # type: ignore[index]
    finally:
        library.close()


def test_a_watched_folder_is_followed_file_by_file(engines: Engines, tmp_path: Path) -> None:
    folder = tmp_path / "Unterlagen"
    write(folder / "miete.md", LEASE)
    write(folder / "~$brief.docx", "Word's lock file")
    engines.start()
    client, listener = engines.client(), engines.client()
    rounds = Rounds(listener)
    watched = client.watch(WatchedFolder(str(folder), exclude=["entwurf*"]))
    assert watched == [WatchedFolder(str(folder), [], ["entwurf*"])]

    first = rounds.next()  # what the folder holds when it is first watched
    assert first.added == [str(folder / "miete.md")]

    write(folder / "boote" / "seeadler.txt", BOAT)
    write(folder / "entwurf.md", "Ein Entwurf, ausgeschlossen.")
    assert rounds.next().added == [str(folder / "boote" / "seeadler.txt")]
    answer = client.ask("Where is the rowing boat Seeadler kept?")
    assert any("seeadler.txt" in hit.passage.path for hit in answer.sources)
    assert "seven" in " ".join(q.text for q in answer.evidence)

    (folder / "miete.md").rename(folder / "mietvertrag.md")
    moved = rounds.next()
    assert moved.moved == [(str(folder / "miete.md"), str(folder / "mietvertrag.md"))]
    assert moved.added == [] and moved.removed == []  # its passages kept, nothing embedded
    titles = {d.title for d in client.documents()}
    assert titles == {"mietvertrag.md", "seeadler.txt"}

    write(folder / "mietvertrag.md", LEASE.replace("31. März", "30. April"))
    assert rounds.next().added == [str(folder / "mietvertrag.md")]
    answer = client.ask("Wann endet der Mietvertrag für die Wohnung in der Lindenstraße?")
    assert "30. April" in " ".join(h.passage.text for h in answer.sources)
    assert "31. März" not in " ".join(h.passage.text for h in answer.sources)

    (folder / "boote" / "seeadler.txt").unlink()
    assert rounds.next().removed == [str(folder / "boote" / "seeadler.txt")]
    assert [d.title for d in client.documents()] == ["mietvertrag.md"]
    assert client.check(repair=False).problems == 0

    assert client.unwatch(str(folder)) == []
    write(folder / "spaeter.md", "Nach dem Ende der Beobachtung geschrieben.")
    client.close()
    engines.stop()  # the listener hears the engine end
    assert list(sources(engines.home)) == [str(folder / "mietvertrag.md")]


def test_a_burst_of_200_files_is_taken_in_together(engines: Engines, tmp_path: Path) -> None:
    folder = tmp_path / "notizen"
    folder.mkdir()
    engines.start()
    client, listener = engines.client(), engines.client()
    rounds = Rounds(listener)
    client.watch(WatchedFolder(str(folder)))
    for n in range(200):
        write(folder / f"notiz-{n:03}.md", f"Notiz {n}: Das Paket {n} liegt im Regal {n % 17}.")
    taken = rounds.until(lambda rs: sum(len(r.added) for r in rs) >= 200)
    assert len(taken) <= 3, [len(r.added) for r in taken]
    assert sorted(p for r in taken for p in r.added) == sorted(
        str(folder / f"notiz-{n:03}.md") for n in range(200)
    )
    assert len(client.documents()) == 200
    assert client.check(repair=False).problems == 0


def quelle(home: Path, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "quelle", "--home", str(home), "watch", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def lines_until(process: subprocess.Popen[str], ending: str) -> list[str]:
    """The command's lines up to the first that contains `ending`."""
    assert process.stdout is not None
    lines = []
    for line in process.stdout:
        lines.append(line.rstrip("\n"))
        if ending in line:
            return lines
    raise AssertionError(f"'quelle watch' ended without '{ending}':\n" + "\n".join(lines))


def interrupt(process: subprocess.Popen[str]) -> None:
    process.send_signal(signal.SIGINT)
    assert process.wait(timeout=60) == 0


def engine_gone(home: Path) -> None:
    """Wait until no engine owns the library (it ends a few seconds after its last client)."""
    lock = OwnerLock(Paths.resolve(home))
    while not lock.acquire():
        time.sleep(0.2)
    lock.release()


def test_quelle_watch_catches_up_on_what_changed_while_it_was_closed(
    home: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "Ablage"
    write(folder / "miete.md", LEASE)
    write(folder / "boot.txt", BOAT)
    write(folder / "alt.md", "Eine alte Notiz über den Keller.")

    first = quelle(home, str(folder), "--include", "*.md", "--include", "*.txt")
    lines = lines_until(first, " failed in ")
    assert lines[0] == "Watching 1 folder:"
    assert f"  {folder}  (only *.md, *.txt)" in lines
    assert any(line.endswith(f"added {folder / 'boot.txt'}") for line in lines)
    assert lines[-1].split("  ", 1)[1].startswith("3 added, 0 moved, 0 removed, 0 failed")
    interrupt(first)
    engine_gone(home)
    before = sources(home)

    # While Quelle is closed: one file added, one changed, one deleted, one renamed
    write(folder / "neu.md", "Der Schlüssel für den Dachboden hängt im Flur.")
    write(folder / "boot.txt", BOAT.replace("seven", "nine"))
    (folder / "alt.md").unlink()
    (folder / "miete.md").rename(folder / "mietvertrag.md")

    again = quelle(home)  # no folder named: the ones watched before
    lines = lines_until(again, " failed in ")
    stamped = {line.split("  ", 1)[1] for line in lines if line[:2].isdigit()}
    assert f"added {folder / 'neu.md'}" in stamped
    assert f"added {folder / 'boot.txt'}" in stamped
    assert f"removed {folder / 'alt.md'}" in stamped
    assert f"removed {folder / 'miete.md'}" in stamped  # seen as gone, and found again:
    assert f"added {folder / 'mietvertrag.md'}" not in stamped  # same content, not embedded
    interrupt(again)
    engine_gone(home)
    after = sources(home)
    assert after[str(folder / "mietvertrag.md")] == before[str(folder / "miete.md")]
    assert set(after) == {str(folder / n) for n in ("boot.txt", "mietvertrag.md", "neu.md")}

    listed = subprocess.run(
        [sys.executable, "-m", "quelle", "--home", str(home), "watch", "--list"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert listed.stdout.splitlines() == [f"  {folder}  (only *.md, *.txt)"]


def test_the_window_watches_a_folder_through_its_engine(
    qtbot: QtBot, open_window: Callable[[Path], MainWindow], home: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "Belege"
    write(folder / "miete.md", LEASE)
    window = open_window(home)
    with qtbot.waitSignal(window.engine.folders_synced, timeout=ROUND_SECONDS * 1000):
        window.watched.watch(str(folder))
    assert window.watched.folders() == [str(folder)]
    assert window.library_panel.row_for("miete.md") is not None

    with qtbot.waitSignal(window.engine.folders_synced, timeout=ROUND_SECONDS * 1000):
        write(folder / "boot.txt", BOAT)
    qtbot.waitUntil(lambda: window.library_panel.row_for("boot.txt") is not None)
    assert "added: 1" in window.watched.status.text()
