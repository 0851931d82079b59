"""The vector store in a child process of its own, shared by the app and the indexer.

Chroma's native code holds Python's interpreter lock for the whole of each call, and a
second process must not open the same Chroma folder. So one child process owns the
collection: the app's threads call it through `StoreProcess`, the indexing process connects
its own `StoreClient` to the same child, and each caller only waits on a pipe, which
releases the lock.

The child ends when the process that started it closes it or goes away. Chroma has written
every finished call to disk by then; an unfinished one leaves its document 'indexing', which
the indexer completes on its next start.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import threading
import weakref
from collections.abc import Sequence
from dataclasses import dataclass
from multiprocessing import AuthenticationError
from multiprocessing.connection import Client, Connection, Listener
from pathlib import Path
from typing import Any

from quelle.core.errors import QuelleError

log = logging.getLogger(__name__)

START_TIMEOUT_SECONDS = 120.0
_CALLS = frozenset({"add", "existing", "query", "vectors", "delete_document", "count"})


class StoreStopped(QuelleError):
    """The store's process ended unexpectedly."""


@dataclass(frozen=True, slots=True)
class StoreEndpoint:
    """Where another process finds the store: a local socket or pipe, and its key."""

    address: Any
    authkey: bytes


def _answer(conn: Connection, store: Any, lock: threading.Lock) -> None:
    """Serve one client's calls, one at a time, until it hangs up."""
    while True:
        try:
            method, args = conn.recv()
        except (EOFError, OSError):
            return
        if method not in _CALLS:
            conn.send((False, QuelleError(f"Unknown vector store call '{method}'.")))
            continue
        try:
            with lock:
                result = (True, getattr(store, method)(*args))
        except Exception as exc:
            log.exception("Vector store call %s failed", method)
            result = (False, exc)
        try:
            conn.send(result)
        except (BrokenPipeError, EOFError, ConnectionResetError):
            return
        except Exception as exc:  # an exception that cannot be pickled
            conn.send((False, QuelleError(f"The vector store failed: {exc}")))


def _serve(control: Connection, folder: Path, model_id: str, dimension: int, authkey: bytes,
           log_file: Path | None) -> None:
    """The child: open the store, let other processes connect, and serve the parent's calls
    on `control` until the parent closes it or dies."""
    if log_file is not None:
        from quelle.core.logs import setup_logging

        setup_logging(log_file)
    from quelle.core.store import VectorStore

    try:
        store = VectorStore(folder, model_id, dimension)
        listener = Listener(authkey=authkey)
    except Exception as exc:  # reported to the parent, which raises it
        control.send((False, exc))
        return
    lock = threading.Lock()

    def accept() -> None:
        while True:
            try:
                conn = listener.accept()
            except AuthenticationError:
                log.warning("Refused a connection to the vector store without its key")
                continue
            except OSError:  # the listener is closed: the process is ending
                return
            threading.Thread(target=_answer, args=(conn, store, lock), daemon=True).start()

    threading.Thread(target=accept, daemon=True).start()
    control.send((True, listener.address))
    _answer(control, store, lock)
    # The parent is done or gone: the process ends; the other clients' threads are daemons.


class StoreClient:
    """Calls the store child over one connection; any thread may call, one call at a time."""

    def __init__(self, conn: Connection) -> None:
        self._conn: Connection | None = conn
        self._lock = threading.Lock()
        weakref.finalize(self, conn.close)  # a dropped client hangs up

    @classmethod
    def connect(cls, endpoint: StoreEndpoint) -> StoreClient:
        return cls(Client(endpoint.address, authkey=endpoint.authkey))

    def _call(self, method: str, *args: Any) -> Any:
        with self._lock:
            if self._conn is None:
                raise StoreStopped("The vector store is closed.")
            try:
                self._conn.send((method, args))
                ok, value = self._conn.recv()
            except (EOFError, OSError) as exc:
                self._conn = None
                log.error("The vector store went away during '%s'", method)
                raise StoreStopped(
                    "The vector store stopped unexpectedly. Restart Quelle; "
                    "details are in the log files."
                ) from exc
        if not ok:
            raise value
        return value

    def add(self, ids: Sequence[str], vectors: Sequence[Sequence[float]], doc_id: str,
            pages: Sequence[int]) -> None:
        self._call("add", list(ids), vectors, doc_id, list(pages))

    def existing(self, ids: Sequence[str]) -> set[str]:
        return self._call("existing", list(ids)) if ids else set()

    def query(self, vector: Sequence[float], limit: int) -> list[tuple[str, float]]:
        return self._call("query", vector, limit)

    def vectors(self, ids: Sequence[str]) -> dict[str, list[float]]:
        return self._call("vectors", list(ids)) if ids else {}

    def delete_document(self, doc_id: str) -> None:
        self._call("delete_document", doc_id)

    def count(self) -> int:
        return self._call("count")

    def close(self) -> None:
        with self._lock:
            conn, self._conn = self._conn, None
        if conn is not None:
            conn.close()


class StoreProcess(StoreClient):
    """Starts the store child and is its first client; `endpoint` lets other processes in."""

    def __init__(self, folder: Path, model_id: str, dimension: int,
                 log_file: Path | None = None) -> None:
        # spawn, not fork: forking a process that runs torch and llama.cpp threads is unsafe
        context = multiprocessing.get_context("spawn")
        authkey = os.urandom(32)
        control, child = context.Pipe()
        self._process = context.Process(
            target=_serve, args=(child, folder, model_id, dimension, authkey, log_file),
            name="quelle-store", daemon=True,
        )
        self._process.start()
        child.close()
        ok, value = False, StoreStopped(
            "The vector store could not start. Details are in the log files.")
        try:
            if control.poll(START_TIMEOUT_SECONDS):
                ok, value = control.recv()
        except (EOFError, OSError):
            pass
        if not ok:
            control.close()
            self._process.kill()  # harmless if it has ended
            self._process.join()
            raise value
        self.endpoint = StoreEndpoint(value, authkey)
        super().__init__(control)

    def close(self) -> None:
        """End the child after its current call; idempotent."""
        super().close()
        self._process.join(timeout=10)
        if self._process.is_alive():
            self._process.kill()
