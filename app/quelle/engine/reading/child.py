"""Reading files in a child process.

PDF parsing is pure Python: in the app's own process it would hold the interpreter lock
for long stretches (the window stutters) and a file built to loop or crash the parser would
take the app with it. In a child process a bad file costs only itself: a crash or a time-out
becomes that file's error and a fresh child reads the next one.
"""

from __future__ import annotations

import concurrent.futures
import logging
import multiprocessing
import multiprocessing.connection
import os
import threading
import time
from collections.abc import Callable
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, TypeVar

from quelle.common.errors import DocumentError
from quelle.common.wording import say
from quelle.engine.reading import progress
from quelle.engine.reading.documents import read_pages

log = logging.getLogger(__name__)

READ_TIMEOUT_SECONDS = 180.0
# A big file may take longer: a 100 MB text export is cut into passages in about two
# minutes on two busy cores, and a scanned page (a few hundred KB) takes Tesseract about
# 2.5 s. A file built to loop is small, and still stopped in time.
READ_SECONDS_PER_MB = 10.0
# A scan read by Tesseract reports each page: every report gives the file this long again,
# so a long scan runs as long as its pages keep coming, and a stuck one is still stopped.
PAGE_SECONDS = 60.0
WAIT_SLICE = 0.25  # seconds between looks at the reader's reports while waiting for a file
T = TypeVar("T")


def _exit_with_parent() -> None:
    """In the reader process: end as soon as the process that started it ends, even in the
    middle of a file that would never finish, so no reader outlives Quelle."""
    parent = multiprocessing.parent_process()
    if parent is None:
        return

    def watch() -> None:
        multiprocessing.connection.wait([parent.sentinel])
        os._exit(1)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def _start(channel: object) -> None:
    """The reader process's first words: end with the engine, report on `channel`."""
    _exit_with_parent()
    progress.listen(channel)


def _megabytes(path: Path) -> float:
    try:
        return path.stat().st_size / 2**20
    except OSError:
        return 0.0


class ReadingStopped(DocumentError):
    """The job was cancelled while the reader was on this file."""


@dataclass(frozen=True, slots=True)
class Reading:
    """A file handed to the reader; its result is taken with `IsolatedReader.result`."""

    path: Path
    future: concurrent.futures.Future  # type: ignore[type-arg]
    pool: int  # which child process it was given to
    args: tuple[object, ...] = ()  # what `function` takes after the path

    def done(self) -> bool:
        return self.future.done()


class IsolatedReader(Generic[T]):
    """`function(path, *args)` in a long-lived child process, restarted after a crash or a
    time-out.

    Files may be handed over ahead of time (`submit`), so the child reads the next ones while
    the engine embeds; their results are taken in the order they were handed over.
    """

    def __init__(
        self,
        timeout: float = READ_TIMEOUT_SECONDS,
        function: Callable[..., T] = read_pages,  # type: ignore[assignment]
    ) -> None:
        self._timeout = timeout
        self._function = function
        self._pool: concurrent.futures.ProcessPoolExecutor | None = None
        self._pools = 0  # child processes started so far
        self._channel: Any = None  # the current child's reports: (path, done, total)

    def read(self, path: Path) -> T:
        return self.result(self.submit(path))

    def submit(self, path: Path, *args: object) -> Reading:
        if self._pool is None:
            # spawn, not fork: forking a process that runs torch and llama.cpp threads is unsafe
            context = multiprocessing.get_context("spawn")
            self._channel = context.SimpleQueue()
            self._pool = concurrent.futures.ProcessPoolExecutor(
                max_workers=1,
                mp_context=context,
                initializer=_start,
                initargs=(self._channel,),
            )
            self._pools += 1
        return Reading(path, self._pool.submit(self._function, path, *args), self._pools, args)

    def result(
        self,
        reading: Reading,
        on_pages: Callable[[int, int], None] | None = None,
        cancel: threading.Event | None = None,
    ) -> T:
        """The file's result, or a `DocumentError` that names it. Taken in order, the file
        whose result breaks the child is the one it was reading; files handed over after it
        go to the next child. `on_pages(done, total)` hears of the scanned pages read; once
        `cancel` is set, the child is stopped and `ReadingStopped` raised."""
        if reading.pool != self._pools or self._pool is None:
            reading = self.submit(reading.path, *reading.args)
        path = reading.path
        started = time.monotonic()
        deadline = started + self._timeout + READ_SECONDS_PER_MB * _megabytes(path)
        try:
            while True:
                try:
                    result: T = reading.future.result(timeout=WAIT_SLICE)
                    self._heard(path, on_pages)  # the last pages, reported with the end
                    return result
                except concurrent.futures.TimeoutError:
                    if self._heard(path, on_pages):
                        deadline = max(deadline, time.monotonic() + PAGE_SECONDS)
                    if cancel is not None and cancel.is_set():
                        self._kill()
                        raise ReadingStopped(path.name) from None
                    if time.monotonic() > deadline:
                        raise
        except concurrent.futures.TimeoutError as exc:
            log.warning("Reading %s timed out", path)
            self._kill()
            raise DocumentError(
                say(
                    "Reading '{name}' took longer than {seconds} seconds; "
                    "the file may be damaged or built to never end.",
                    name=path.name,
                    seconds=f"{time.monotonic() - started:.0f}",
                )
            ) from exc
        except BrokenProcessPool as exc:
            log.warning("The reader crashed on %s", path)
            self._kill()
            raise DocumentError(
                say(
                    "Could not read '{name}': it crashed the PDF reader (a damaged file?).",
                    name=path.name,
                )
            ) from exc

    def _heard(self, path: Path, on_pages: Callable[[int, int], None] | None) -> bool:
        """Pass on the child's reports about `path`; True if there were any."""
        heard = False
        while self._channel is not None and not self._channel.empty():
            about, done, total = self._channel.get()
            if about == str(path):
                heard = True
                if on_pages is not None:
                    on_pages(done, total)
        return heard

    def _kill(self) -> None:
        self._channel = None
        pool, self._pool = self._pool, None
        if pool is None:
            return
        for process in list(getattr(pool, "_processes", {}).values()):
            process.kill()
        pool.shutdown(wait=False, cancel_futures=True)

    def close(self, at_once: bool = False) -> None:
        """End the child: after its current file, or `at_once` (the job was stopped, and the
        file under way, perhaps one that never ends, is not wanted any more)."""
        if at_once:
            self._kill()
            return
        pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)
