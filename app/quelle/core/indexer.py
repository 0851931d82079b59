"""Indexing in a child process of its own, for the window.

Chunking, stemming, tokenising and the embedder's Python layers are long stretches of Python
work. In the window's process they would take turns with the GUI thread for the interpreter
lock, and the window would stutter while documents are added. The child loads its own
embedder once and runs one job after another: it writes the catalogue (SQLite allows several
processes) and the vectors (through the store process's endpoint). Progress comes back as the
same `Progress` values the in-process `Ingestor` reports.

If the child dies (a crash in native code, the system killing it), the job ends with a clear
error and the next job starts a new child, which first completes any half-indexed document.
"""

from __future__ import annotations

import logging
import multiprocessing
import multiprocessing.util
import queue
import threading
import time
from collections.abc import Callable, Iterable
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from quelle.core.config import Settings
from quelle.core.errors import Cancelled, QuelleError, bug_message
from quelle.core.ingestion import IngestReport, Progress
from quelle.core.paths import Paths
from quelle.core.store_process import StoreEndpoint

log = logging.getLogger(__name__)

POLL_SECONDS = 0.1
# When the app closes, a job gets this long to stop cleanly before its process is ended;
# what it leaves half-indexed is completed on the next start.
CLOSE_GRACE_SECONDS = 5.0


class IndexerStopped(QuelleError):
    """The indexing process ended in the middle of a job."""


def _listen(conn: Connection, jobs: queue.Queue, cancel: threading.Event) -> None:
    """The child's ear: jobs go to the queue, 'cancel' stops the running job at once, and a
    closed pipe (the app ended) stops everything."""
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            cancel.set()
            jobs.put(None)
            return
        if message[0] == "cancel":
            cancel.set()
        else:
            jobs.put(message)


def _serve(conn: Connection, paths: Paths, settings: Settings, endpoint: StoreEndpoint,
           log_file: Path) -> None:
    from quelle.core.library import Library
    from quelle.core.logs import setup_logging

    setup_logging(log_file)
    library = Library(paths, settings, store_endpoint=endpoint)
    jobs: queue.Queue = queue.Queue()
    cancel = threading.Event()
    threading.Thread(target=_listen, args=(conn, jobs, cancel), daemon=True).start()
    try:
        library.load_models(chat=False)  # warm before the first file arrives
    except Exception:  # the first job meets the same error and reports it
        log.exception("Loading the embedder for indexing failed")
    while (job := jobs.get()) is not None:
        kind, args = job
        cancel.clear()
        try:
            if kind == "ingest":
                def progress(value: Progress) -> None:
                    conn.send(("progress", value))

                result: Any = library.ingest(args, on_progress=progress, cancel=cancel)
            else:
                result = library.resume()
            reply = ("done", result)
        except QuelleError as exc:
            reply = ("error", exc)
        except Exception:
            log.exception("Indexing job %s failed", kind)
            reply = ("error", QuelleError(bug_message("Adding documents", log_file)))
        try:
            conn.send(reply)
        except (BrokenPipeError, EOFError, OSError):
            break
    library.close()


class Indexer:
    """The app's handle on the indexing child; one job at a time, from any thread."""

    def __init__(self, paths: Paths, settings: Settings, endpoint: StoreEndpoint,
                 log_file: Path) -> None:
        self._args = (paths, settings, endpoint, log_file)
        self._lock = threading.Lock()
        self._closing = threading.Event()
        self._conn: Connection | None = None
        self._process: multiprocessing.process.BaseProcess | None = None

    def _start(self) -> Connection:
        if self._conn is None:
            context = multiprocessing.get_context("spawn")
            self._conn, child = context.Pipe()
            # Not a daemon: it starts a reader process of its own. It ends when this pipe
            # closes, which happens at the latest as this process exits.
            self._process = context.Process(target=_serve, args=(child, *self._args),
                                            name="quelle-indexer")
            self._process.start()
            child.close()
            multiprocessing.util.Finalize(self, self._conn.close, exitpriority=10)
        return self._conn

    def run(self, paths: Iterable[Path | str],
            on_progress: Callable[[Progress], None] | None = None,
            cancel: threading.Event | None = None) -> IngestReport:
        """Index files and folders, as `Library.ingest` does, in the child."""
        return self._job("ingest", [str(p) for p in paths], on_progress, cancel)

    def resume(self) -> int:
        """Finish documents a crash left half-indexed; returns how many were finished."""
        return self._job("resume", None, None, None)

    def _job(self, kind: str, args: Any, on_progress: Callable[[Progress], None] | None,
             cancel: threading.Event | None) -> Any:
        cancel = cancel or threading.Event()
        with self._lock:
            if self._closing.is_set():
                raise Cancelled("Quelle is closing.")
            conn = self._start()
            try:
                conn.send((kind, args))
                return self._await(conn, on_progress, cancel)
            except (EOFError, OSError) as exc:
                self._forget(grace=0)
                if self._closing.is_set():
                    raise Cancelled("Quelle is closing.") from exc
                raise IndexerStopped(
                    "Indexing stopped unexpectedly. Add the documents again to finish them; "
                    f"details are in the log file: {self._args[3]}"
                ) from exc

    def _await(self, conn: Connection, on_progress: Callable[[Progress], None] | None,
               cancel: threading.Event) -> Any:
        cancel_sent = False
        deadline = None
        while True:
            if (cancel.is_set() or self._closing.is_set()) and not cancel_sent:
                conn.send(("cancel", None))
                cancel_sent = True
            if self._closing.is_set():
                deadline = deadline or time.monotonic() + CLOSE_GRACE_SECONDS
                if time.monotonic() > deadline:
                    log.warning("Indexing did not stop in time; ending its process")
                    self._forget(grace=0)
                    raise Cancelled("Quelle is closing.")
            if not conn.poll(POLL_SECONDS):
                continue
            reply, value = conn.recv()
            if reply == "progress":
                if on_progress is not None:
                    on_progress(value)
            elif reply == "done":
                return value
            else:
                raise value

    def _forget(self, grace: float) -> None:
        conn, process = self._conn, self._process
        self._conn = self._process = None
        if conn is not None:
            conn.close()  # the child ends when it sees the pipe closed
        if process is not None:
            process.join(timeout=grace)
            if process.is_alive():
                process.kill()
                process.join()
            if process.exitcode:
                log.error("The indexing process ended with exit code %s", process.exitcode)

    def stop(self) -> None:
        """From any thread: cancel the running job, ending its process if it does not stop
        within a few seconds, and refuse new jobs."""
        self._closing.set()

    def close(self) -> None:
        """Stop, and end the child once it is idle."""
        self.stop()
        with self._lock:
            self._forget(grace=CLOSE_GRACE_SECONDS)
