"""Catalogue and vector writes on their own thread, behind the encoder.

Writes run in the order they were handed over, so a document's passages are in the
catalogue before its vectors, and it is marked ready only after both. What a write was for
(its documents) comes back through `results` once it is done or has failed.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable, Sequence

log = logging.getLogger(__name__)


class IndexWriter:
    def __init__(self) -> None:
        self._work: queue.SimpleQueue[tuple[Callable[[], None], Sequence[str], bool] | None]
        self._work = queue.SimpleQueue()
        self.results: queue.SimpleQueue[tuple[str, Exception | None]] = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._run, name="index-writer", daemon=True)
        self._thread.start()

    def put(self, write: Callable[[], None], keys: Sequence[str], announce: bool = False) -> None:
        """Run `write` after the writes before it. If it fails, each of `keys` comes back with
        the exception; with `announce`, each also comes back when it succeeded."""
        self._work.put((write, keys, announce))

    def close(self) -> None:
        """Wait for every write handed over."""
        self._work.put(None)
        self._thread.join()

    def _run(self) -> None:
        while (item := self._work.get()) is not None:
            write, keys, announce = item
            try:
                write()
            except Exception as exc:  # a failed write costs its documents, not the job
                log.exception("Writing to the library failed")
                for key in keys:
                    self.results.put((key, exc))
                continue
            if announce:
                for key in keys:
                    self.results.put((key, None))
