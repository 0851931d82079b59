"""The window's end of the engine process: requests out, events in as Qt signals.

The engine (`quelle.engine.server`) runs in a process of its own, so no model code and no
heavy library ever shares the window's interpreter. The link starts it (or joins one that
already serves the library), reads its events on a timer in the GUI thread (often while
a request is in flight, seldom when idle: no thread), and starts it again if it dies,
failing only the request in flight. Each request carries a number; the link maps replies
back to the window's own request objects.
"""

from __future__ import annotations

import itertools
import logging
import os
import subprocess
import time
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from typing import Any, Literal

from PySide6.QtCore import QLocale, QObject, QTimer, Signal

from quelle.common.commands import quelle_command
from quelle.common.paths import Paths
from quelle.common.settings import Settings
from quelle.common.wording import LANGUAGE_ENV
from quelle.protocol import messages as protocol
from quelle.protocol.client import connect
from quelle.protocol.values import Turn, WatchedFolder

log = logging.getLogger(__name__)

CONNECT_EVERY_MS = 100
BUSY_READ_MS = 10  # how often the socket is read while an answer or a job runs
IDLE_READ_MS = 100  # ... and otherwise (document lists a terminal's commands cause)
# A new engine that ends this many times in a row without ever greeting is not restarted.
MAX_FAILED_STARTS = 3
# An engine that does not answer this long after it started is waiting for the library,
# which another process (a `quelle` command in a terminal) has open.
WAITING_SECONDS = 5.0


Kind = Literal[
    "answer", "job", "settings", "download", "source", "models", "describe", "watch", "scan"
]


@dataclass(eq=False)
class AnswerRequest:
    """A question in flight; the window keeps it to stop it."""

    question: str
    history: list[Turn]
    request: int = 0
    write: bool | None = None  # let the chat model write; None: as the settings say


@dataclass(eq=False)
class IngestJob:
    paths: list[str]
    request: int = 0
    passwords: list[str] = field(default_factory=list)  # tried on protected PDFs
    remember: bool = False  # keep the password in the system keyring


def engine_environment() -> dict[str, str]:
    """The window's environment, with its language for the messages the engine writes."""
    env = dict(os.environ)
    language = QLocale().name().split("_")[0]
    if language in ("de", "en"):
        env[LANGUAGE_ENV] = language
    return env


class EngineLink(QObject):
    """Talks to the engine process that owns the library in `paths`."""

    waiting = Signal()  # the engine waits for another process to let go of the library
    engine_lost = Signal(str)  # a one-line message; the link is already restarting it
    models_loaded = Signal()
    models_failed = Signal(str)
    documents_changed = Signal(list)  # list[DocumentInfo]
    token_received = Signal(object, str)  # AnswerRequest, piece of text
    answer_found = Signal(object, list, list)  # AnswerRequest, its sources (Hit), evidence (Quote)
    answer_finished = Signal(object, object)  # AnswerRequest, Answer
    answer_failed = Signal(object, str)  # AnswerRequest, message
    settings_applied = Signal(object)  # Settings
    settings_failed = Signal(str)
    error_occurred = Signal(str)
    progressed = Signal(object)  # Progress
    job_finished = Signal(object, object)  # IngestJob, IngestReport
    job_failed = Signal(object, str)  # IngestJob, message
    download_progressed = Signal(str, object)  # model id, DownloadProgress
    download_finished = Signal(str)  # model id
    download_failed = Signal(str, str)  # model id, message
    reindexing = Signal(int, int)  # passages done, total: the library changes embedders
    notice = Signal(str)  # a one-line message the user should see once
    source_read = Signal(str, int, int, str)  # path, page, pages, the page's text
    source_failed = Signal(str, str)  # path, message
    scan_read = Signal(str, int, str, list)  # path, page, its text, list[WordBox]
    scan_failed = Signal(str, str)  # path, message
    models_listed = Signal(object, str)  # ModelsOverview, the path of a model just imported
    model_request_failed = Signal(str, str)  # "list", "import" or "remove"; message
    model_described = Signal(str, object)  # path as asked, GgufInfo
    model_description_failed = Signal(str, str)  # path, message
    watched_changed = Signal(list, int)  # list[WatchedFolder], changes being taken in now
    folders_synced = Signal(object)  # FolderChanges: one round of watching, taken in
    watch_failed = Signal(str)  # message

    def __init__(self, paths: Paths, home: str | None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._paths = paths
        self._home = home
        self._ids = itertools.count(1)
        self._conn: Connection | None = None
        self._process: subprocess.Popen[bytes] | None = None
        self._failed_starts = 0
        self._closed = False
        # Each request in flight: its kind and what the window asked about (the answer or
        # job, the model id of a download, the path of a page or a model file, or "list",
        # "import" or "remove" for a request about the models).
        self._pending: dict[int, tuple[Kind, Any]] = {}
        self._outbox: list[protocol.Request] = []  # sent once connected
        self._timer = QTimer(self)
        self._timer.setInterval(CONNECT_EVERY_MS)
        self._timer.timeout.connect(self._try_connect)
        self._reader = QTimer(self)
        self._reader.timeout.connect(self._read)
        self.engine_pid: int | None = None
        self._started = time.monotonic()
        self._told_waiting = False

    # --- requests ------------------------------------------------------------------------

    def start(self) -> None:
        """Join the engine serving this library, starting one if none does."""
        if not self._try_connect():
            self._timer.start()

    def ask(self, request: AnswerRequest) -> None:
        request.request = self._expect("answer", request)
        ask = protocol.Ask(request.request, request.question, list(request.history), request.write)
        self._send(ask)

    def stop(self, request: AnswerRequest) -> None:
        """Stop the answer at the next token."""
        if request.request in self._pending:
            self._send(protocol.Stop(request.request))

    def ingest(self, job: IngestJob) -> None:
        job.request = self._expect("job", job)
        self._send(protocol.Ingest(job.request, job.paths, job.passwords, job.remember))

    def cancel_job(self, job: IngestJob) -> None:
        """Stop adding documents after the current batch of passages."""
        if job.request in self._pending:
            self._send(protocol.Cancel(job.request))

    def update_settings(self, settings: Settings) -> None:
        self._send(protocol.UpdateSettings(self._expect("settings", None), settings))

    def download(self, model_id: str) -> None:
        self._send(protocol.DownloadModel(self._expect("download", model_id), model_id))

    def cancel_download(self, model_id: str) -> None:
        """Stop a download and delete what came of it."""
        for request, (kind, subject) in self._pending.items():
            if kind == "download" and subject == model_id:
                self._send(protocol.Cancel(request))

    def downloading(self) -> set[str]:
        return {subject for kind, subject in self._pending.values() if kind == "download"}

    def remove_document(self, doc_id: str) -> None:
        self._send(protocol.Remove(next(self._ids), doc_id))

    def read_source(self, path: str, page: int) -> None:
        """Ask for the text of a page of a document that is not a PDF (`source_read`)."""
        self._send(protocol.ReadSource(self._expect("source", path), path, page))

    def read_scan(self, path: str, page: int, password: str = "") -> None:
        """Ask for a scanned PDF page's words and their places (`scan_read`)."""
        self._send(protocol.ReadScan(self._expect("scan", path), path, page, password))

    def list_models(self) -> None:
        """Ask what the Models dialog shows (`models_listed`)."""
        self._send(protocol.ListModels(self._expect("models", "list")))

    def import_model(self, path: str) -> None:
        """Have the engine check and remember a GGUF file (`models_listed` names it)."""
        self._send(protocol.ImportModel(self._expect("models", "import"), path))

    def remove_model(self, model: str) -> None:
        """Delete a downloaded model or forget an imported one, by id or path."""
        self._send(protocol.RemoveModel(self._expect("models", "remove"), model))

    def describe_model(self, path: str) -> None:
        """Ask what a chat model file is (`model_described`); "" is the built-in model."""
        self._send(protocol.DescribeModel(self._expect("describe", path), path))

    def watch(self, folder: str) -> None:
        """Have the engine follow `folder` (`watched_changed` lists it once it does)."""
        watched = WatchedFolder(folder)
        self._send(protocol.Watch(self._expect("watch", folder), watched))

    def unwatch(self, folder: str) -> None:
        self._send(protocol.Unwatch(self._expect("watch", folder), folder))

    def _expect(self, kind: Kind, subject: Any) -> int:
        """A new request number, remembered with what it is about until its end."""
        request = next(self._ids)
        self._pending[request] = (kind, subject)
        return request

    def _subject(self, request: int, kind: Kind, end: bool = False) -> Any:
        """What a request of `kind` is about (None for none of ours); `end` forgets it."""
        found = self._pending.get(request)
        if found is None or found[0] != kind:
            return None
        if end:
            del self._pending[request]
        return found[1]

    def close(self) -> None:
        """The window closes: the engine stops what runs for it and ends when idle."""
        self._closed = True
        self._timer.stop()
        self._drop_connection()

    def _send(self, message: protocol.Request) -> None:
        if self._conn is None:
            self._outbox.append(message)
            return
        try:
            self._conn.send_bytes(protocol.encode(message))
            self._reader.setInterval(BUSY_READ_MS)
        except (OSError, EOFError, ValueError):
            self._outbox.append(message)
            self._lost()

    # --- connecting ----------------------------------------------------------------------

    def _try_connect(self) -> bool:
        if self._closed or self._conn is not None:
            self._timer.stop()
            return True
        found = connect(self._paths)
        if found is None:
            self._start_engine()
            if time.monotonic() - self._started > WAITING_SECONDS and not self._told_waiting:
                self._told_waiting = True
                self.waiting.emit()
            return False
        self._told_waiting = False
        self._timer.stop()
        self._conn, welcome = found
        self._failed_starts = 0
        self.engine_pid = welcome.pid
        self._reader.start(BUSY_READ_MS)
        log.info("Connected to engine %d", welcome.pid)
        outbox, self._outbox = self._outbox, []
        greeting: list[protocol.Request] = [
            protocol.ListDocuments(next(self._ids)),
            protocol.ListWatched(next(self._ids)),
        ]
        for message in [*greeting, *outbox]:
            self._send(message)
        if welcome.models_ready:
            self.models_loaded.emit()
        return True

    def _start_engine(self) -> None:
        """Start an engine unless ours is still starting (or waiting for the library)."""
        if self._process is not None and self._process.poll() is None:
            return
        if self._process is not None:
            self._failed_starts += 1
            log.error("The engine ended with code %s before it served", self._process.returncode)
            if self._failed_starts >= MAX_FAILED_STARTS:
                self._timer.stop()
                self._process = None
                self.models_failed.emit(
                    self.tr("The Quelle engine could not start. Details are in %1.").replace(
                        "%1", str(self._paths.log_file.with_name("engine.log"))
                    )
                )
                return
        command = quelle_command("engine", "--until-idle", home=self._home)
        self._started = time.monotonic()
        self._process = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env=engine_environment(),
        )
        log.info("Started engine process %d", self._process.pid)

    # --- events --------------------------------------------------------------------------

    def _read(self) -> None:
        conn = self._conn
        started = time.monotonic()
        try:
            # A burst of tokens is read in one go, but the window gets its turn every 20 ms.
            while conn is not None and conn.poll() and time.monotonic() - started < 0.02:
                data = conn.recv_bytes()
                try:
                    self._dispatch(protocol.decode(data))
                except protocol.ProtocolError as exc:
                    log.error("Ignored a message from the engine: %s", exc)
        except (OSError, EOFError):
            self._lost()
            return
        interval = BUSY_READ_MS if self._pending else IDLE_READ_MS
        if self._reader.interval() != interval:
            self._reader.setInterval(interval)

    def _dispatch(self, event: protocol.Message) -> None:  # noqa: C901
        match event:
            case protocol.Token():
                if (answer := self._subject(event.request, "answer")) is not None:
                    self.token_received.emit(answer, event.text)
            case protocol.Found():
                if (answer := self._subject(event.request, "answer")) is not None:
                    self.answer_found.emit(answer, event.sources, event.evidence)
            case protocol.Answered():
                if (answer := self._subject(event.request, "answer", end=True)) is not None:
                    self.answer_finished.emit(answer, event.answer)
            case protocol.Progressed():
                if self._subject(event.request, "job") is not None:
                    self.progressed.emit(event.progress)
            case protocol.Ingested():
                if (job := self._subject(event.request, "job", end=True)) is not None:
                    self.job_finished.emit(job, event.report)
            case protocol.Documents():
                self.documents_changed.emit(event.documents)
            case protocol.SettingsApplied():
                self._subject(event.request, "settings", end=True)
                self.settings_applied.emit(event.settings)
            case protocol.DownloadProgressed():
                if (model_id := self._subject(event.request, "download")) is not None:
                    self.download_progressed.emit(model_id, event.progress)
            case protocol.Done():
                if (model_id := self._subject(event.request, "download", end=True)) is not None:
                    self.download_finished.emit(model_id)
            case protocol.Reindexing():
                self.reindexing.emit(event.done, event.total)
            case protocol.Notice():
                self.notice.emit(event.message)
            case protocol.ModelsReady():
                self.models_loaded.emit()
            case protocol.ModelsFailed():
                self.models_failed.emit(event.message)
            case protocol.Failed():
                self._failed(event.request, event.message)
            case protocol.SourceRead():
                if self._subject(event.request, "source", end=True) is not None:
                    self.source_read.emit(event.path, event.page, event.pages, event.text)
            case protocol.ScanRead():
                if self._subject(event.request, "scan", end=True) is not None:
                    self.scan_read.emit(event.path, event.page, event.text, event.words)
            case protocol.ModelsListed():
                if self._subject(event.request, "models", end=True) is not None:
                    self.models_listed.emit(event.models, event.imported)
            case protocol.ModelDescribed():
                if self._subject(event.request, "describe", end=True) is not None:
                    self.model_described.emit(event.path, event.info)
            case protocol.WatchedFolders():
                self._subject(event.request, "watch", end=True)
                self.watched_changed.emit(event.folders, event.taking_in)
            case protocol.FoldersSynced():
                self.folders_synced.emit(event.changes)
            case protocol.PassageFound() | protocol.Welcome():
                pass
            case _:
                log.error("Ignored an event the window does not take: %s", type(event).__name__)

    def _failed(self, request: int, message: str) -> None:
        kind, subject = self._pending.pop(request, (None, None))
        if kind is None:
            self.error_occurred.emit(message)
        else:
            self._fail(kind, subject, message)

    def _fail(self, kind: Kind, subject: Any, message: str) -> None:
        """Tell the window that its request about `subject` failed."""
        match kind:
            case "answer":
                self.answer_failed.emit(subject, message)
            case "job":
                self.job_failed.emit(subject, message)
            case "settings":
                self.settings_failed.emit(message)
            case "download":
                self.download_failed.emit(subject, message)
            case "source":
                self.source_failed.emit(subject, message)
            case "models":
                self.model_request_failed.emit(subject, message)
            case "describe":
                self.model_description_failed.emit(subject, message)
            case "watch":
                self.watch_failed.emit(message)
            case "scan":
                self.scan_failed.emit(subject, message)

    # --- the engine died -----------------------------------------------------------------

    def _drop_connection(self) -> None:
        self._reader.stop()
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def _lost(self) -> None:
        """The engine ended: fail what it was doing, say so, start a new one."""
        if self._conn is None:
            return
        self._drop_connection()
        if self._closed:
            return
        log.error("Lost the engine %s", self.engine_pid)
        if self._process is not None and self._process.poll() is not None:
            self._process = None  # it served, so its end is no failed start
        # What was asked of the lost engine is reported failed, not asked again; settings
        # go to the new engine.
        lost = {r: p for r, p in self._pending.items() if p[0] != "settings"}
        self._outbox = [m for m in self._outbox if getattr(m, "request", None) not in lost]
        for request in lost:
            del self._pending[request]
        message = self.tr("The Quelle engine stopped unexpectedly; it is starting again.")
        for kind, subject in lost.values():
            if kind == "job":
                again = self.tr(
                    "Documents it was adding are completed first; add any others again."
                )
                self._fail(kind, subject, message + " " + again)
            else:
                self._fail(kind, subject, message)
        self.engine_lost.emit(message)
        self._start_engine()
        self._timer.start()
