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
from collections.abc import Callable
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

from quelle.core.documents import Page, read_pages
from quelle.core.errors import DocumentError
from quelle.core.messages import say

log = logging.getLogger(__name__)

READ_TIMEOUT_SECONDS = 180.0


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


class IsolatedReader:
    """`read_pages` in a long-lived child process, restarted after a crash or a time-out."""

    def __init__(
        self,
        timeout: float = READ_TIMEOUT_SECONDS,
        function: Callable[[Path], list[Page]] = read_pages,
    ) -> None:
        self._timeout = timeout
        self._function = function
        self._pool: concurrent.futures.ProcessPoolExecutor | None = None

    def read(self, path: Path) -> list[Page]:
        if self._pool is None:
            # spawn, not fork: forking a process that runs torch and llama.cpp threads is unsafe
            self._pool = concurrent.futures.ProcessPoolExecutor(
                max_workers=1,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_exit_with_parent,
            )
        future = self._pool.submit(self._function, path)
        try:
            return future.result(timeout=self._timeout)
        except concurrent.futures.TimeoutError as exc:
            log.warning("Reading %s timed out after %.0f s", path, self._timeout)
            self._kill()
            raise DocumentError(
                say(
                    "Reading '{name}' took longer than {seconds} seconds; "
                    "the file may be damaged or built to never end.",
                    name=path.name,
                    seconds=f"{self._timeout:.0f}",
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

    def _kill(self) -> None:
        pool, self._pool = self._pool, None
        if pool is None:
            return
        for process in list(getattr(pool, "_processes", {}).values()):
            process.kill()
        pool.shutdown(wait=False, cancel_futures=True)

    def close(self) -> None:
        pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)
