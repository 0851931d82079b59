"""The operating system's notices of changes in the watched folders, gathered into rounds.

watchdog turns inotify (Linux), FSEvents (macOS) and ReadDirectoryChangesW (Windows) into
one kind of event, and reports a rename as one move with both names, so a renamed file can
keep its passages. Where the system refuses another watch (Linux's limit on inotify
watches), the folder is polled instead.

Events arrive by the hundred for one saved file or copied folder. A path is handed on only
once it has been quiet for `quiet` seconds, so a file still being written is read once,
when it is complete; where the system says that a file was closed after writing (inotify
does), a fifth of that wait is enough. A round begins when every path waiting has settled,
so a burst of files becomes one round of work; under changes that never stop, it begins
once the oldest has waited `MAX_WAIT_SECONDS`, with the paths settled by then.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from quelle.common.wording import say
from quelle.engine.reading.documents import is_supported
from quelle.engine.watching.folders import is_scratch
from quelle.protocol.values import WatchedFolder

log = logging.getLogger(__name__)

QUIET_SECONDS = 1.0  # a path is handed on once nothing happened to it for this long
CLOSED_SHARE = 0.2  # ... or this share of it, once it was closed after writing
MAX_WAIT_SECONDS = 5.0


@dataclass(slots=True)
class Changes:
    """What happened in the watched folders since the last round: moves (old and new path,
    of a file or a folder) in the order they happened, and paths to look at again (created,
    changed or deleted files and folders, or a whole folder to catch up on)."""

    moves: list[tuple[str, str]] = field(default_factory=list)
    paths: set[str] = field(default_factory=set)

    def __bool__(self) -> bool:
        return bool(self.moves or self.paths)

    def __len__(self) -> int:
        return len(self.moves) + len(self.paths)


class FolderObserver:
    """Watches folders and calls `on_ready` (from its own thread) when changes have settled;
    the caller then takes them with `take`. `on_ready` is not called again until they were
    taken, so work piles up here, coalesced, while a round is being taken in."""

    def __init__(
        self, on_ready: Callable[[], None], ignore: str = "", quiet: float = QUIET_SECONDS
    ) -> None:
        self._on_ready = on_ready
        self._ignore = ignore.rstrip(os.sep) + os.sep if ignore else ""  # the library's own
        self._quiet = quiet
        self._lock = threading.Lock()
        self._moves: list[tuple[str, str]] = []
        self._moved_at = 0.0
        self._since = 0.0  # when the oldest change still waiting happened
        # path -> when it last changed, and whether that was its writer closing it
        self._paths: dict[str, tuple[float, bool]] = {}
        self._told = False
        self._watches: dict[str, tuple[Any, Any]] = {}  # folder -> (observer, watch)
        self._observer: Any = None
        self._poller: Any = None
        self._stop = threading.Event()
        self._ticker = threading.Thread(target=self._tick, name="quelle-watch", daemon=True)

    def start(self) -> None:
        from watchdog.observers import Observer
        from watchdog.observers.polling import PollingObserver

        self._observer, self._poller = Observer(), PollingObserver(timeout=2.0)
        self._observer.start()
        self._poller.start()
        self._ticker.start()

    def stop(self) -> None:
        self._stop.set()
        for observer in (self._observer, self._poller):
            if observer is not None:
                observer.stop()
        for observer in (self._observer, self._poller):
            if observer is not None and observer.is_alive():
                observer.join(timeout=5)

    def watch(self, folder: WatchedFolder) -> str | None:
        """Start watching `folder`; returns a notice for the user if it can only be polled."""
        self.unwatch(folder.folder)
        handler = _handler(self._event)
        notice = None
        try:
            watch = self._observer.schedule(handler, folder.folder, recursive=True)
            observer = self._observer
        except OSError as exc:  # Linux: the limit of inotify watches is reached
            log.warning("Polling %s: %s", folder.folder, exc)
            watch = self._poller.schedule(handler, folder.folder, recursive=True)
            observer = self._poller
            notice = say(
                "The system allows no more folder watches, so '{name}' is checked every few "
                "seconds instead.",
                name=folder.folder,
            )
        with self._lock:
            self._watches[folder.folder] = (observer, watch)
        return notice

    def unwatch(self, folder: str) -> None:
        with self._lock:
            found = self._watches.pop(folder, None)
        if found is not None:
            observer, watch = found
            try:
                observer.unschedule(watch)
            except (KeyError, OSError):  # the folder itself is gone
                log.info("%s was no longer watched by the system", folder)

    def look_again(self, path: str) -> None:
        """Treat `path` (a file or a whole folder) as changed: a catch-up."""
        self._note(path)

    def take(self) -> Changes:
        """The moves, and the paths that have been quiet long enough."""
        now = time.monotonic()
        with self._lock:
            ready = {p for p, last in self._paths.items() if self._settled(last, now)}
            for path in ready:
                del self._paths[path]
            changes = Changes(self._moves, ready)
            self._moves = []
            self._since = min((when for when, _ in self._paths.values()), default=0.0)
            self._told = False
        return changes

    @property
    def waiting(self) -> int:
        with self._lock:
            return len(self._moves) + len(self._paths)

    # --- from watchdog's threads -------------------------------------------------------------

    def _event(self, event: Any) -> None:
        kind = event.event_type
        if kind in ("opened", "closed_no_write", "attrib"):
            return
        source = os.fsdecode(event.src_path)
        if kind == "events_lost":  # the system's queue overflowed: look at everything again
            log.warning("Change notices were lost: every watched folder is looked at again")
            for folder in list(self._watches):
                self._note(folder)
            return
        if self._ignore and source.startswith(self._ignore):
            return
        if kind == "moved":
            with self._lock:
                self._moved_at = time.monotonic()
                self._since = self._since or self._moved_at
                self._moves.append((source, os.fsdecode(event.dest_path)))
            return
        if event.is_directory:
            if kind in ("created", "deleted"):  # moved in or out whole, or emptied
                self._note(source)
            return
        name = os.path.basename(source)
        if not is_scratch(name) and is_supported(Path(name)):
            self._note(source, closed=kind == "closed")

    def _note(self, path: str, closed: bool = False) -> None:
        with self._lock:
            now = time.monotonic()
            self._since = self._since or now
            self._paths[path] = (now, closed)

    def _due(self, now: float) -> bool:
        """Whether a round should begin: all that waits has settled, or waited too long."""
        if not (self._moves or self._paths):
            return False
        settled = [self._settled(last, now) for last in self._paths.values()]
        moves_settled = now - self._moved_at >= self._quiet * CLOSED_SHARE
        if all(settled) and moves_settled:
            return True
        return now - self._since >= MAX_WAIT_SECONDS and (any(settled) or bool(self._moves))

    def _settled(self, last: tuple[float, bool], now: float) -> bool:
        when, closed = last
        return now - when >= self._quiet * (CLOSED_SHARE if closed else 1.0)

    def _tick(self) -> None:
        while not self._stop.wait(self._quiet * CLOSED_SHARE / 2):
            with self._lock:
                due = not self._told and self._due(time.monotonic())
                if due:
                    self._told = True
            if due:
                self._on_ready()


def _handler(on_event: Callable[[Any], None]) -> Any:
    """A watchdog event handler that passes every event to `on_event`."""
    from watchdog.events import FileSystemEventHandler

    class Handler(FileSystemEventHandler):
        def on_any_event(self, event: Any) -> None:
            on_event(event)

    return Handler()
