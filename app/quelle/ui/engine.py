"""The two worker objects behind the window: the engine (models, answers) and the ingester.

Each lives in its own QThread and talks to the GUI only through signals, which Qt queues
across threads. The engine thread owns the chat model, so it answers questions. The ingester
thread hands jobs to the indexing process (`quelle.core.indexer`) and relays its progress,
so questions can be asked while documents are indexed and the window stays smooth. Stopping
is a plain method setting a `threading.Event`: a slot would wait in the queue behind the
work it should stop.
"""

from __future__ import annotations

import gc
import logging
import os
import threading
from dataclasses import dataclass, field

from PySide6.QtCore import QObject, QThread, Signal, Slot

from quelle.core.config import Settings
from quelle.core.errors import QuelleError, bug_message
from quelle.core.ingestion import Progress
from quelle.core.library import Library
from quelle.core.prompts import Turn

log = logging.getLogger(__name__)

WORKER_NICENESS = 5  # nice value of worker threads (Linux applies it per thread)


@dataclass(slots=True)
class AnswerRequest:
    """A question in flight; the GUI keeps it to stop it."""

    question: str
    history: list[Turn]
    cancel: threading.Event = field(default_factory=threading.Event)


@dataclass(slots=True)
class IngestJob:
    paths: list[str]
    cancel: threading.Event = field(default_factory=threading.Event)


def freeze_heap() -> None:
    """Exclude everything alive now (the models' millions of objects) from garbage collection.

    A full collection walks the whole heap while holding the GIL; with torch, transformers
    and Chroma loaded that takes a quarter of a second, and a worker allocating heavily (PDF
    parsing) triggers one about every second, freezing the window each time. Objects that
    live as long as the models gain nothing from being scanned.
    """
    gc.freeze()


def lower_priority() -> None:
    """Let the window win the CPU over this worker thread (and the threads it starts, such as
    llama.cpp's and torch's, which inherit it): on a busy two-core machine a worker at equal
    priority can keep the GUI thread waiting long enough to be felt."""
    if hasattr(os, "setpriority"):
        try:
            os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), WORKER_NICENESS)
        except OSError as exc:
            log.debug("Could not lower the worker's priority: %s", exc)


def _bug(library: Library, what: str) -> str:
    return bug_message(what, library.paths.log_file)


class Engine(QObject):
    """Owns the chat model and the query embedder. Lives in the engine thread."""

    models_loaded = Signal()
    models_failed = Signal(str)
    documents_changed = Signal(list)  # list[DocumentInfo]
    token_received = Signal(object, str)  # AnswerRequest, piece of text
    answer_finished = Signal(object, object)  # AnswerRequest, Answer
    answer_failed = Signal(object, str)  # AnswerRequest, message
    settings_applied = Signal(object)  # Settings
    settings_failed = Signal(str)
    error_occurred = Signal(str)

    def __init__(self, library: Library) -> None:
        super().__init__()
        self._library = library
        self._current: AnswerRequest | None = None

    @Slot()
    def start(self) -> None:
        """List the library at once, then load the models."""
        self._emit_documents()
        try:
            self._library.load_models(chat=True)
            self._warm_up()
            freeze_heap()
        except QuelleError as exc:
            log.warning("Loading models failed: %s", exc)
            self.models_failed.emit(str(exc))
            return
        except Exception:
            log.exception("Loading models failed")
            self.models_failed.emit(_bug(self._library, "Loading the models"))
            return
        self.models_loaded.emit()

    def _warm_up(self) -> None:
        """Run retrieval and one generated token once, so first-use costs (templates,
        buffers, lazy imports) are paid while the window says it is loading, not in the
        middle of the user's first answer."""
        from quelle.core.generation import SamplingParams

        self._library.generator().stream([{"role": "user", "content": "Hi"}],
                                         SamplingParams(max_tokens=1))
        stop = threading.Event()

        def first_token(_piece: str) -> None:
            stop.set()

        self._library.ask("What are these documents about?", on_token=first_token, cancel=stop)

    @Slot(object)
    def ask(self, request: AnswerRequest) -> None:
        self._current = request
        try:
            if request.cancel.is_set():
                raise QuelleError("Stopped before the answer began.")

            def on_token(piece: str) -> None:
                self.token_received.emit(request, piece)

            answer = self._library.ask(request.question, request.history,
                                       on_token=on_token, cancel=request.cancel)
        except QuelleError as exc:
            self.answer_failed.emit(request, str(exc))
        except Exception:
            log.exception("Answering %r failed", request.question)
            self.answer_failed.emit(request, _bug(self._library, "Answering"))
        else:
            self.answer_finished.emit(request, answer)
        finally:
            self._current = None

    def cancel(self) -> None:
        """Stop the answer being generated, from any thread, at the next token."""
        current = self._current
        if current is not None:
            current.cancel.set()

    @Slot(object)
    def update_settings(self, settings: Settings) -> None:
        try:
            self._library.update_settings(settings)
        except QuelleError as exc:
            self.settings_failed.emit(str(exc))
            return
        except Exception:
            log.exception("Saving settings failed")
            self.settings_failed.emit(_bug(self._library, "Saving the settings"))
            return
        self.settings_applied.emit(settings)

    @Slot(str)
    def remove_document(self, doc_id: str) -> None:
        try:
            self._library.remove(doc_id)
        except QuelleError as exc:
            self.error_occurred.emit(str(exc))
        except Exception:
            log.exception("Removing %s failed", doc_id)
            self.error_occurred.emit(_bug(self._library, "Removing the document"))
        self._emit_documents()

    @Slot()
    def refresh_documents(self) -> None:
        self._emit_documents()

    def _emit_documents(self) -> None:
        try:
            self.documents_changed.emit(self._library.documents())
        except Exception:
            log.exception("Listing documents failed")


class Ingester(QObject):
    """Runs indexing jobs one at a time, reporting each file's state."""

    progressed = Signal(object)  # Progress
    job_finished = Signal(object)  # IngestReport
    job_failed = Signal(str)
    documents_changed = Signal(list)

    def __init__(self, library: Library) -> None:
        super().__init__()
        self._library = library
        self._current: IngestJob | None = None

    @Slot()
    def start(self) -> None:
        """Start the indexing process and let it finish what a crash interrupted."""
        try:
            finished = self._library.indexer().resume()
        except QuelleError as exc:  # the engine reports model problems
            log.warning("Resuming interrupted indexing failed: %s", exc)
            return
        except Exception:
            log.exception("Resuming interrupted indexing failed")
            return
        if finished:
            log.info("Finished %d interrupted documents", finished)
            self.documents_changed.emit(self._safe_documents())

    @Slot(object)
    def ingest(self, job: IngestJob) -> None:
        self._current = job
        try:
            report = self._library.indexer().run(job.paths, on_progress=self._report,
                                                 cancel=job.cancel)
        except QuelleError as exc:
            self.job_failed.emit(str(exc))
        except Exception:
            log.exception("Ingesting %s failed", job.paths)
            self.job_failed.emit(_bug(self._library, "Adding documents"))
        else:
            self.job_finished.emit(report)
        finally:
            self._current = None
            self.documents_changed.emit(self._safe_documents())

    def _report(self, progress: Progress) -> None:
        self.progressed.emit(progress)
        if progress.event.state == "ready":
            self.documents_changed.emit(self._safe_documents())

    def _safe_documents(self) -> list:  # type: ignore[type-arg]
        try:
            return self._library.documents()
        except Exception:
            log.exception("Listing documents failed")
            return []

    def cancel(self) -> None:
        """Stop after the current batch of passages; callable from any thread."""
        current = self._current
        if current is not None:
            current.cancel.set()

    def shut_down(self) -> None:
        """Quelle is closing: stop the job within seconds, even in the middle of a file."""
        self.cancel()
        self._library.stop_indexing()


class WorkerThread(QThread):
    """A thread whose event loop runs inside one Python call.

    Qt calls each slot of a plain QThread with a fresh Python thread state, and dropping it
    afterwards would drop the Library's per-thread models with it (and finalise llama.cpp
    during teardown, which crashes). Running the loop from Python's `run` keeps one thread
    state, so the models stay loaded; they are freed explicitly before the thread ends.
    """

    def __init__(self, library: Library, name: str) -> None:
        super().__init__()
        self._library = library
        self.setObjectName(name)

    def run(self) -> None:
        lower_priority()
        try:
            self.exec()
        finally:
            self._library.release_models()


def start_worker(worker: QObject, library: Library, name: str) -> WorkerThread:
    """Move `worker` into a new, running thread."""
    thread = WorkerThread(library, name)
    worker.moveToThread(thread)
    thread.start()
    return thread
