"""The engine process: the one owner of a library, serving the window and other clients.

It holds the library's lock (`quelle.engine.owner`), opens the catalogue, Chroma and the
models in this process, and listens on a local socket. Two workers do the heavy work, one
for questions and one for ingestion, so a question is answered while documents are added;
a third, light one reads and changes the models folder for the Models and Settings dialogs.
Every client (the window, a `quelle` command in a terminal) sends requests and gets events
(`quelle.protocol.messages`); document changes go to all of them.

Started by the window with `until_idle`, it ends a few seconds after its last client has
gone. Killed in the middle of anything, it leaves a consistent library: the next engine
completes half-indexed documents before it takes new work.
"""

from __future__ import annotations

import ctypes
import functools
import logging
import os
import queue
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import partial
from multiprocessing import AuthenticationError
from multiprocessing.connection import Connection, Listener
from pathlib import Path

from quelle.common.commands import quelle_command
from quelle.common.errors import QuelleError, bug_message
from quelle.common.paths import Paths
from quelle.common.settings import Settings
from quelle.common.wording import say
from quelle.engine.index.faults import explained
from quelle.engine.ingestion import JobStop
from quelle.engine.library import Library
from quelle.engine.models.downloads import Download
from quelle.engine.models.overview import (
    describe_chat_model,
    import_model,
    models_overview,
    remove_model,
)
from quelle.engine.owner import OwnerLock
from quelle.engine.reading.child import IsolatedReader
from quelle.engine.reading.ocr import read_scan
from quelle.engine.watching.folders import WatchList
from quelle.engine.watching.observer import FolderObserver
from quelle.protocol import rendezvous
from quelle.protocol.messages import (
    Answered,
    Ask,
    Cancel,
    Check,
    Checked,
    DescribeModel,
    Documents,
    Done,
    DownloadModel,
    DownloadProgressed,
    Event,
    Failed,
    FoldersSynced,
    Found,
    GetPassage,
    ImportModel,
    Ingest,
    Ingested,
    ListDocuments,
    ListModels,
    ListWatched,
    Message,
    ModelDescribed,
    ModelsFailed,
    ModelsListed,
    ModelsReady,
    Notice,
    PassageFound,
    Progressed,
    ProtocolError,
    ReadScan,
    ReadSource,
    Reindexing,
    Remove,
    RemoveModel,
    ScanRead,
    SettingsApplied,
    SourceRead,
    Stop,
    Token,
    Unwatch,
    UpdateSettings,
    Watch,
    WatchedFolders,
    Welcome,
    decode,
    encode,
)
from quelle.protocol.values import Hit, Progress, Quote, WordBox

log = logging.getLogger(__name__)

NICENESS = 5  # the window's process wins the CPU over the engine's heavy work
IDLE_SECONDS = 3.0  # with `until_idle`, how long the engine outlives its last client
FIRST_CLIENT_SECONDS = 30.0  # ... and how long it waits for its first one
# While ingesting, the document list is sent at most once a second, and a long list less
# often: taking in 10,000 documents costs a window about 0.3 s of its GUI thread.
DOCUMENTS_EVERY = 1.0
DOCUMENTS_PER_SECOND = 1000
RESUME = "resume"
SWITCH = "switch"  # re-index with the embedder the settings name
WATCH = "watch"  # take in what changed in the watched folders
PROGRESS_EVERY = 0.5  # seconds between re-indexing progress broadcasts
SYNC_SECONDS = 5.0  # how often a shared library asks its server what others changed

ModelRequest = ListModels | ImportModel | RemoveModel | DescribeModel
# What each request about the models does, for the message a bug leaves the user.
MODEL_WORK: dict[type, str] = {
    ListModels: "Listing the models",
    ImportModel: "Importing the model",
    RemoveModel: "Removing the model",
    DescribeModel: "Reading the model file",
}


@dataclass(eq=False)
class _Client:
    """One connection; any thread may send to it."""

    conn: Connection
    lock: threading.Lock = field(default_factory=threading.Lock)
    cancels: dict[int, threading.Event] = field(default_factory=dict)
    gone: bool = False

    def send(self, event: Event) -> None:
        if self.gone:
            return
        data = encode(event)
        with self.lock:
            try:
                self.conn.send_bytes(data)
            except (OSError, EOFError, ValueError):
                self.gone = True

    def interrupt_all(self) -> None:
        """Stop everything this client asked for; documents cut off are finished later."""
        for cancel in list(self.cancels.values()):
            if isinstance(cancel, JobStop):
                cancel.interrupt()
            else:
                cancel.set()


class Engine:
    """Serves one `Library` to the clients that connect to `listener`."""

    def __init__(self, library: Library, listener: Listener) -> None:
        self.library = library
        self._listener = listener
        self._clients: list[_Client] = []
        self._clients_lock = threading.Lock()
        self._questions: queue.Queue[tuple[_Client, Ask] | None] = queue.Queue()
        # Ingestion jobs and checks; RESUME finishes half-indexed documents, SWITCH changes
        # embedders.
        self._jobs: queue.Queue[tuple[_Client, Ingest | Check] | str | None] = queue.Queue()
        self._model_requests: queue.Queue[tuple[_Client, ModelRequest] | None] = queue.Queue()
        self._models_ready = False
        self._stopping = threading.Event()
        self._last_seen = time.monotonic() + FIRST_CLIENT_SECONDS - IDLE_SECONDS
        self._last_documents = 0.0
        self._documents_every = DOCUMENTS_EVERY
        self._last_sync = 0.0
        self._sync_failed = False
        self._unheard: list[Notice] = []  # notices from before any client was connected
        self._watched = WatchList(library.paths.index_dir / "watched.json")
        self._observer = FolderObserver(
            partial(self._jobs.put, WATCH), ignore=str(library.paths.index_dir)
        )
        self._watch_stop = JobStop()  # a round of watching, interrupted when the engine stops
        # Scanned pages read for the source view, each version of a page once.
        self._scans: IsolatedReader[tuple[str, list[WordBox]]] = IsolatedReader(function=read_scan)
        self._scan_lock = threading.Lock()
        self._scanned = functools.lru_cache(maxsize=16)(self._scan)
        self._workers = [
            threading.Thread(target=self._answer_loop, name="quelle-answers"),
            threading.Thread(target=self._ingest_loop, name="quelle-ingestion"),
            threading.Thread(target=self._models_loop, name="quelle-models"),
        ]

    # --- lifetime ------------------------------------------------------------------------

    def run(self, until_idle: bool) -> None:
        """Serve until asked to stop (SIGTERM, or idle with `until_idle`)."""
        for worker in self._workers:
            worker.start()
        self._start_watching()
        threading.Thread(target=self._accept_loop, name="quelle-accept", daemon=True).start()
        while not self._stopping.wait(0.2):
            if until_idle and self._idle_for() > IDLE_SECONDS:
                log.info("No client for %.0f s: stopping", IDLE_SECONDS)
                break
            if self.library.shared and time.monotonic() - self._last_sync > SYNC_SECONDS:
                self._sync()
        self.stop()

    def _sync(self) -> None:
        """A shared library: show every client what other machines added or removed."""
        self._last_sync = time.monotonic()
        try:
            changed = self.library.sync()
        except QuelleError as exc:  # the server is away; said once, until it is back
            if not self._sync_failed:
                log.warning("%s", exc)
                self._broadcast(Notice(str(exc)))
            self._sync_failed = True
            return
        except Exception:
            log.exception("Taking in the shared library's changes failed")
            return
        self._sync_failed = False
        if changed:
            self._documents_changed()

    def request_stop(self) -> None:
        """From any thread or a signal handler: stop soon."""
        self._stopping.set()

    def _idle_for(self) -> float:
        with self._clients_lock:
            if self._clients:
                self._last_seen = time.monotonic()
                return 0.0
        return time.monotonic() - self._last_seen

    def stop(self) -> None:
        """Cancel what runs, let the workers end, close the library."""
        self._stopping.set()
        self._observer.stop()
        self._watch_stop.interrupt()
        self._scans.close(at_once=True)
        with self._clients_lock:
            clients = list(self._clients)
        for client in clients:
            client.interrupt_all()
        self._questions.put(None)
        self._jobs.put(None)
        self._model_requests.put(None)
        for worker in self._workers:
            worker.join()
        self._listener.close()
        for client in clients:
            client.conn.close()
        self.library.close()

    # --- connections ---------------------------------------------------------------------

    def _accept_loop(self) -> None:
        while not self._stopping.is_set():
            try:
                conn = self._listener.accept()
            except (OSError, EOFError, AuthenticationError):
                # Closed while stopping, or a client without the key or gone mid-handshake.
                if self._stopping.is_set():
                    return
                log.warning("A connection was refused", exc_info=True)
                continue
            client = _Client(conn)
            client.send(Welcome(os.getpid(), self._models_ready, self.library.settings))
            # A job cut off because its window closed is finished when a client comes back,
            # as it would be by a new engine.
            self._jobs.put(RESUME)
            with self._clients_lock:
                self._clients.append(client)
                log.info("A client connected (%d connected)", len(self._clients))
                unheard, self._unheard = self._unheard, []
            for notice in unheard:
                client.send(notice)
            threading.Thread(
                target=self._listen, args=(client,), name="quelle-client", daemon=True
            ).start()

    def _listen(self, client: _Client) -> None:
        while True:
            try:
                data = client.conn.recv_bytes()
            except (EOFError, OSError):
                break
            try:
                self._handle(client, decode(data))
            except ProtocolError as exc:
                log.error("Ignored a message: %s", exc)
        client.gone = True
        client.interrupt_all()  # nobody is left to read the answer
        with self._clients_lock:
            self._clients.remove(client)
            log.info("A client left (%d connected)", len(self._clients))

    def _broadcast(self, event: Event, but: _Client | None = None) -> None:
        with self._clients_lock:
            clients = [c for c in self._clients if c is not but]
        for client in clients:
            client.send(event)

    def _documents_changed(self, now: bool = True) -> None:
        if not now and time.monotonic() - self._last_documents < self._documents_every:
            return
        self._last_documents = time.monotonic()
        documents = self.library.documents()
        self._documents_every = max(DOCUMENTS_EVERY, len(documents) / DOCUMENTS_PER_SECOND)
        self._broadcast(Documents(0, documents))

    # --- requests ------------------------------------------------------------------------

    def _handle(self, client: _Client, message: Message) -> None:
        match message:
            case Ask() | Ingest() | Check():
                client.cancels[message.request] = (
                    threading.Event() if isinstance(message, Ask) else JobStop()
                )
                work = self._questions if isinstance(message, Ask) else self._jobs
                work.put((client, message))  # type: ignore[arg-type]
            case Stop() | Cancel():
                cancel = client.cancels.get(message.request)
                if cancel is not None:
                    cancel.set()
            case ListDocuments():
                self._reply(
                    client,
                    message.request,
                    lambda: Documents(message.request, self.library.documents()),
                    "Listing the documents",
                )
            case GetPassage():
                self._reply(
                    client,
                    message.request,
                    lambda: PassageFound(message.request, self.library.passage(message.passage_id)),
                    "Reading the passage",
                )
            case ReadSource() | ReadScan():
                read: Callable[[], Event] = (
                    partial(self._read_source, message)
                    if isinstance(message, ReadSource)
                    else partial(self._read_scan, message)
                )
                threading.Thread(
                    target=self._reply,
                    args=(client, message.request, read),
                    kwargs={"what": "Reading the source"},
                    name="quelle-source",
                    daemon=True,
                ).start()
            case Remove():
                removed = self._reply(
                    client, message.request, lambda: self._remove(message), "Removing the document"
                )
                if removed:
                    self._documents_changed()
            case UpdateSettings():
                if self._reply(
                    client, message.request, lambda: self._update(message), "Saving the settings"
                ):  # the other clients (a window beside `quelle models use`) learn of it too
                    self._broadcast(SettingsApplied(0, message.settings), but=client)
                if self.library.switch_pending:
                    self._jobs.put(SWITCH)
            case Watch() | Unwatch() | ListWatched():
                if self._reply(
                    client, message.request, partial(self._watch, message), "Watching the folder"
                ) and not isinstance(message, ListWatched):
                    self._broadcast(WatchedFolders(0, self._watched.folders), but=client)
            case ListModels() | ImportModel() | RemoveModel() | DescribeModel():
                self._model_requests.put((client, message))
            case DownloadModel():
                stop = client.cancels[message.request] = JobStop()
                threading.Thread(
                    target=self._download, args=(client, message, stop), name="quelle-download"
                ).start()
            case _:
                log.error("Ignored a message the engine does not take: %s", type(message).__name__)

    def _read_source(self, message: ReadSource) -> SourceRead:
        from quelle.engine.reading.documents import source_page

        page, pages = source_page(Path(message.path), message.page)
        return SourceRead(message.request, message.path, page.number, pages, page.text)

    def _read_scan(self, message: ReadScan) -> ScanRead:
        path = Path(message.path)
        try:
            stat = path.stat()
        except OSError as exc:
            raise QuelleError(say("'{name}' no longer exists.", name=path.name)) from exc
        version = (stat.st_mtime_ns, stat.st_size)
        text, words = self._scanned(message.path, version, message.page, message.password)
        return ScanRead(message.request, message.path, message.page, text, words)

    def _scan(
        self, path: str, _version: tuple[int, int], page: int, password: str
    ) -> tuple[str, list[WordBox]]:
        """A scanned page read by pdfium and Tesseract in a reader process of its own, as
        ingestion reads files: a damaged file costs only that process, and Tesseract's
        thread limit stays out of the engine's (llama.cpp's) OpenMP."""
        with self._scan_lock:
            return self._scans.result(self._scans.submit(Path(path), page, password))

    def _watch(self, message: Watch | Unwatch | ListWatched) -> WatchedFolders:
        if isinstance(message, Watch):
            folder = self._watched.add(message.folder)
            if notice := self._observer.watch(folder):
                self._broadcast(Notice(notice))
            self._observer.look_again(folder.folder)  # what it holds now
        elif isinstance(message, Unwatch):
            self._observer.unwatch(self._watched.remove(message.folder).folder)
        return WatchedFolders(message.request, self._watched.folders, self._observer.waiting)

    def _remove(self, message: Remove) -> Done:
        self.library.remove(message.doc_id)
        return Done(message.request)

    def _update(self, message: UpdateSettings) -> SettingsApplied:
        moved = message.settings.chroma_url != self.library.settings.chroma_url
        self.library.update_settings(message.settings)
        if moved:  # another library now: its documents
            self._documents_changed()
        return SettingsApplied(message.request, message.settings)

    def _reply(self, client: _Client, request: int, work: Callable[[], Event], what: str) -> bool:
        """Send what `work` returns, or the reason it failed; True if it succeeded. `what`
        names the work in the message a bug leaves the user."""
        try:
            event = work()
        except Exception as exc:
            client.send(Failed(request, self._failure(exc, what)))
            return False
        client.send(event)
        return True

    def _failure(self, exc: Exception, what: str) -> str:
        """What the user reads when `what` failed with `exc`: its own words for a
        `QuelleError`, a full disk or a damaged library; otherwise a bug, logged, and the
        log file named."""
        if isinstance(exc, QuelleError):
            log.info("%s failed: %s", what, exc)
            return str(exc)
        log.error("%s failed", what, exc_info=exc)
        known = explained(exc)
        return str(known) if known else bug_message(what, self.library.paths.log_file)

    # --- the workers ---------------------------------------------------------------------

    def _answer_loop(self) -> None:
        self._load_models()
        while (item := self._questions.get()) is not None:
            client, ask = item
            cancel = client.cancels[ask.request]
            self._reply(
                client, ask.request, partial(self._answer, client, ask, cancel), "Answering"
            )
            client.cancels.pop(ask.request, None)
            self._tell_notices()
            release_memory()

    def _answer(self, client: _Client, ask: Ask, cancel: threading.Event) -> Answered:
        if cancel.is_set():
            raise QuelleError(say("Stopped before the answer began."))

        def on_token(piece: str) -> None:
            client.send(Token(ask.request, piece))

        def on_found(sources: list[Hit], evidence: list[Quote]) -> None:
            client.send(Found(ask.request, sources, evidence))

        answer = self.library.ask(
            ask.question, ask.history, on_token, cancel, on_found, write=ask.write
        )
        return Answered(ask.request, answer)

    def _load_models(self) -> None:
        try:
            self.library.load_models(chat=True)
            self._warm_up()
        except Exception as exc:
            self._broadcast(ModelsFailed(self._failure(exc, "Loading the models")))
            return
        self._models_ready = True
        self._broadcast(ModelsReady())
        self._tell_notices()
        self._measure_machine()

    def _measure_machine(self) -> None:
        try:
            self.library.measure_machine()
        except Exception:
            log.exception("Measuring the decode rate failed")

    def _tell_notices(self) -> None:
        """What the library wants the user to hear (a missing model it replaced), with the
        settings that changed because of it."""
        notices = self.library.take_notices()
        with self._clients_lock:
            if not self._clients:
                self._unheard += [Notice(n) for n in notices]
                return
        for notice in notices:
            self._broadcast(Notice(notice))
        if notices:
            self._broadcast(SettingsApplied(0, self.library.settings))

    def _warm_up(self) -> None:
        """Retrieval and one generated token once, so first-use costs (templates, buffers,
        lazy imports) are paid while the window says it is loading, not in the user's first
        answer."""
        stop = threading.Event()

        def first_token(_piece: str) -> None:
            stop.set()

        if self.library.catalog.passage_count():
            self.library.ask("What are these documents about?", on_token=first_token, cancel=stop)
        else:
            from quelle.engine.models.chat import SamplingParams

            self.library.generator().stream(
                [{"role": "user", "content": "Hi"}], SamplingParams(max_tokens=1)
            )

    def _ingest_loop(self) -> None:
        self._resume()
        self._switch()
        while (item := self._jobs.get()) is not None:
            if item == RESUME:
                self._resume()
                continue
            if item == SWITCH:
                self._switch()
                continue
            if item == WATCH:
                self._take_in()
                continue
            assert not isinstance(item, str)
            client, job = item
            cancel = client.cancels[job.request]
            work: Callable[[], Event]
            if isinstance(job, Check):
                work, what = partial(self._check, job, cancel), "Checking the library"
            else:
                work, what = partial(self._ingest, client, job, cancel), "Adding documents"
            self._reply(client, job.request, work, what)
            client.cancels.pop(job.request, None)
            self._documents_changed()
            release_memory()

    def _ingest(self, client: _Client, job: Ingest, cancel: threading.Event) -> Ingested:
        def progress(value: Progress) -> None:
            client.send(Progressed(job.request, value))
            if value.event.state == "ready":
                self._documents_changed(now=False)

        return Ingested(
            job.request,
            self.library.ingest(
                job.paths, progress, cancel, passwords=job.passwords, remember=job.remember
            ),
        )

    def _check(self, job: Check, cancel: threading.Event) -> Checked:
        return Checked(job.request, self.library.check(job.repair, cancel))

    def _resume(self) -> None:
        try:
            if self.library.resume(cancel=self._stopping):
                self._documents_changed()
        except Exception:  # the next job meets the same problem and reports it
            log.exception("Finishing interrupted documents failed")

    # --- watched folders -------------------------------------------------------------------

    def _start_watching(self) -> None:
        """Watch the folders of earlier sessions, and catch up on what changed meanwhile."""
        self._observer.start()
        for folder in self._watched.folders:
            if not Path(folder.folder).is_dir():
                self._unheard.append(
                    Notice(say("The watched folder '{name}' is not there.", name=folder.folder))
                )
                continue
            if notice := self._observer.watch(folder):
                self._unheard.append(Notice(notice))
            self._observer.look_again(folder.folder)

    def _take_in(self) -> None:
        """One round of the watched folders' settled changes."""
        changes = self._observer.take()
        if not changes or self._stopping.is_set():
            return
        folders = list(self._watched.folders)
        self._broadcast(WatchedFolders(0, folders, len(changes) + self._observer.waiting))

        def progress(value: Progress) -> None:
            if value.event.state == "ready":
                self._documents_changed(now=False)

        try:
            done = self.library.take_in(changes, folders, progress, self._watch_stop)
        except Exception as exc:
            what = "Taking in the watched folders' changes"
            self._broadcast(Failed(0, self._failure(exc, what)))
        else:
            if done.count:
                self._broadcast(FoldersSynced(done))
                self._documents_changed()
        self._broadcast(WatchedFolders(0, folders, self._observer.waiting))
        release_memory()

    def _switch(self) -> None:
        """Re-index with the embedder the settings name, if it is not the index's; the answer
        worker goes on with the old index meanwhile."""
        if not self.library.switch_pending:
            return
        last = 0.0

        def progress(done: int, total: int) -> None:
            nonlocal last
            if time.monotonic() - last >= PROGRESS_EVERY or done == total:
                last = time.monotonic()
                self._broadcast(Reindexing(done, total))

        try:
            if self.library.switch_embedder(progress, cancel=self._stopping):
                count = self.library.catalog.passage_count()
                self._broadcast(Reindexing(count, count))
        except Exception as exc:
            self._broadcast(Failed(0, self._failure(exc, "Changing the embedder")))
        release_memory()

    def _models_loop(self) -> None:
        """Requests about the models, in the order they came (a list never overtakes a
        removal), and off the connection's thread: a header on a slow disk blocks no client."""
        while (item := self._model_requests.get()) is not None:
            client, message = item
            paths, settings = self.library.paths, self.library.settings
            work = partial(models_reply, message, paths, settings)
            self._reply(client, message.request, work, MODEL_WORK[type(message)])

    def _download(self, client: _Client, message: DownloadModel, stop: JobStop) -> None:
        """Run `quelle models download` as a child: only it may open a connection."""
        from quelle.engine.models.catalogue import entry

        found = entry(message.model_id)
        if found is None:
            missing = say("'{model}' is not in the catalogue.", model=message.model_id)
            client.send(Failed(message.request, missing))
            return
        models_dir = self.library.paths.models_dir
        command = quelle_command(
            "models", "download", found.id, "--json", "--into", str(models_dir)
        )
        child = subprocess.Popen(
            command,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            env={**os.environ, "HF_HUB_OFFLINE": "0"},
        )

        def end_on_stop() -> None:
            while child.poll() is None:
                if stop.wait(0.2):
                    child.terminate()

        threading.Thread(target=end_on_stop, daemon=True).start()
        outcome: Done | Failed | None = None
        assert child.stdout is not None
        for line in child.stdout:
            try:
                frame = decode(line.encode())
            except ProtocolError:
                log.warning("download child: not a frame: %.80r", line)
                continue
            match frame:
                case DownloadProgressed():
                    client.send(replace(frame, request=message.request))
                case Done() | Failed():
                    outcome = replace(frame, request=message.request)
        child.wait()
        client.cancels.pop(message.request, None)
        if stop.is_set():
            if not stop.interrupted:
                Download(found, models_dir).discard()
            cancelled = say("The download of {model} was cancelled.", model=found.name)
            client.send(Failed(message.request, cancelled))
        elif child.returncode == 0 and isinstance(outcome, Done):
            client.send(outcome)
        else:
            failed = say("The download of {model} failed.", model=found.name)
            client.send(outcome if isinstance(outcome, Failed) else Failed(message.request, failed))


def models_reply(message: ModelRequest, paths: Paths, settings: Settings) -> Event:
    """The answer to a request about the models, under `settings` (the window tests' fake
    engine answers with it too)."""
    match message:
        case DescribeModel():
            info = describe_chat_model(message.path)
            return ModelDescribed(message.request, message.path, info)
        case ImportModel():
            imported = import_model(paths, message.path)
            return ModelsListed(message.request, models_overview(paths, settings), imported)
        case RemoveModel():
            remove_model(paths, settings, message.model)
    return ModelsListed(message.request, models_overview(paths, settings))


def _libc() -> ctypes.CDLL | None:
    """glibc, where this process uses it (Linux); None elsewhere."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        return ctypes.CDLL("libc.so.6")
    except OSError:
        return None


def _limit_arenas() -> None:
    """Two malloc arenas instead of eight per core: the engine's threads (workers, torch's,
    llama.cpp's) would otherwise each keep freed memory in an arena of their own."""
    libc = _libc()
    if libc is not None:
        libc.mallopt(-8, 2)  # M_ARENA_MAX


def release_memory() -> None:
    """Give memory freed by a finished job back to the system (glibc keeps it otherwise)."""
    libc = _libc()
    if libc is not None:
        libc.malloc_trim(0)


def serve(paths: Paths, until_idle: bool = False) -> int:
    """The engine process's main: wait for the library's lock, then serve it."""
    from quelle.common.logs import setup_logging

    paths.ensure()
    setup_logging(paths.log_file.with_name("engine.log"))
    if hasattr(os, "nice"):
        os.nice(NICENESS)
    _limit_arenas()
    lock = OwnerLock(paths)
    if not lock.acquire():
        log.info("Another process owns %s: waiting for it", paths.index_dir)
        while not lock.acquire():
            time.sleep(0.25)
    address, family = rendezvous.address(paths)
    if family == "AF_UNIX":
        Path(address).unlink(missing_ok=True)  # left by an engine that was killed
    listener = Listener(address, family, authkey=rendezvous.new_key(paths))
    engine = Engine(Library(paths), listener)
    for number in (signal.SIGTERM, signal.SIGINT):  # Ctrl+C in the window's terminal too
        signal.signal(number, lambda *_: engine.request_stop())
    log.info("Engine %d serving %s", os.getpid(), paths.index_dir)
    try:
        engine.run(until_idle)
    finally:
        if family == "AF_UNIX":
            Path(address).unlink(missing_ok=True)
        lock.release()
    log.info("Engine %d stopped", os.getpid())
    return 0
