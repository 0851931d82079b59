"""Files and folders -> passages in the catalogue and vectors in the store.

Three things run at once: the reader process reads and cuts the next files, the engine
embeds the passages of the files read so far (gathered across files and embedded longest
first, as the encoder is fastest on batches of like length), and a writer thread stores what
was embedded. Each file succeeds or fails on its own. A file is recorded as 'indexing' before
its vectors are written and 'ready' after; `resume` finishes whatever a crash interrupted,
embedding only the passages whose vectors are missing, so nothing is duplicated or lost.
"""

from __future__ import annotations

import functools
import logging
import os
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from quelle.common.errors import PasswordNeeded, QuelleError, ServerUnavailable
from quelle.common.wording import say
from quelle.engine.index.catalog import Catalog, passage_id
from quelle.engine.index.faults import explained
from quelle.engine.index.vectors import PassageVectors
from quelle.engine.index.writer import IndexWriter
from quelle.engine.models.embedder import TextEmbedder
from quelle.engine.reading.child import IsolatedReader, Reading, ReadingStopped
from quelle.engine.reading.documents import Page, is_supported, read_pages
from quelle.engine.reading.passwords import remember
from quelle.engine.reading.preparation import Cutting, PreparedFile, prepare_file
from quelle.protocol.values import FileEvent, IngestReport, Progress

log = logging.getLogger(__name__)

# Passages per call of the encoder: on a CPU its fastest size here (32 was 7 % slower), and
# a question's vector waits behind at most one such call.
EMBED_BATCH = 16
WINDOW = 256  # passages gathered from the files read ahead before they are embedded
READ_AHEAD_FILES = 512  # files handed to the reader ahead of the encoder, at most ...
READ_AHEAD_BYTES = 16 << 20  # ... and about this many bytes of them
READ_SHARE = 0.3  # share of a file's time estimated for reading, the rest for embedding


def collect_files(paths: Iterable[Path]) -> tuple[list[Path], list[tuple[str, str]]]:
    """Files to ingest, folders expanded recursively (hidden entries skipped), and problems."""
    files: dict[Path, None] = {}
    problems: list[tuple[str, str]] = []
    for raw in paths:
        path = Path(raw).expanduser().absolute()
        if path.is_dir():
            for root, dirs, names in os.walk(path):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for name in sorted(names):
                    candidate = Path(root) / name
                    if not name.startswith(".") and is_supported(candidate):
                        files[candidate] = None
        elif path.is_file():
            files[path] = None
        else:
            problems.append((str(path), f"'{path.name}' does not exist."))
    return list(files), problems


def with_header(title: str, text: str) -> str:
    """A passage as it is embedded: its document's name first, so that a passage out of a
    table ("Total net sales 82,959") still says which report and company it belongs to."""
    return f"{Path(title).stem}\n{text}"


class JobStop(threading.Event):
    """Stops an ingestion job at the next batch. Set, it is the user's cancel: documents
    cut off half-way are dropped. `interrupt()` is Quelle closing under the job: the
    half-indexed documents stay, and the next start finishes them."""

    interrupted = False

    def interrupt(self) -> None:
        self.interrupted = True
        self.set()


# An estimate of the time left waits for this much of the job, and these many seconds, at
# the pace it is measured by.
ETA_AFTER_SHARE = 0.03
ETA_AFTER_SECONDS = 2.0


class _Tracker:
    """Turns per-file steps into overall progress with an ETA. Several files are under way
    at once; each counts with its own share done."""

    def __init__(self, files: Sequence[Path], report: Callable[[Progress], None] | None) -> None:
        self._sizes = dict(_sizes(files))
        self._total = sum(self._sizes.values()) or 1
        self._done_bytes = 0.0
        self._partial: dict[str, float] = {}  # bytes' worth done of files under way
        self._partial_sum = 0.0
        self._moved: tuple[float, float] | None = None  # when and where work first moved
        self._report = report
        self.files_total = len(files)
        self.files_done = 0

    def emit(self, event: FileEvent, file_fraction: float = 0.0) -> None:
        before = self._partial.get(event.path, 0.0)
        if event.state in ("ready", "unchanged", "failed"):
            self.files_done += 1
            self._done_bytes += self._sizes.get(event.path, 0)
            self._partial.pop(event.path, None)
            self._partial_sum -= before
        elif file_fraction > 0:
            now = max(before, self._sizes.get(event.path, 0) * file_fraction)
            self._partial[event.path] = now
            self._partial_sum += now - before
        if self._report is None:
            return
        fraction = min(1.0, (self._done_bytes + self._partial_sum) / self._total)
        self._report(
            Progress(event, self.files_done, self.files_total, fraction, self._eta(fraction))
        )

    def _eta(self, fraction: float) -> float | None:
        """Seconds left at the pace since work first moved: the seconds before that (a model
        loading, the first file read) say nothing about the pace, and on a short job they
        would stretch the estimate many times over."""
        now = time.monotonic()
        if self._moved is None:
            if fraction > 0:
                self._moved = (now, fraction)
            return None
        since, at = self._moved
        gained = fraction - at
        if gained < ETA_AFTER_SHARE or now - since < ETA_AFTER_SECONDS:
            return None
        return (now - since) * (1 - fraction) / gained


def _sizes(files: Sequence[Path]) -> Iterator[tuple[str, int]]:
    """(path, size) of the files that are there, one look at each."""
    for file in files:
        try:
            yield str(file), max(1, file.stat().st_size)
        except OSError:
            continue


@dataclass(slots=True, eq=False)
class _Doc:
    """A document of the job being embedded."""

    doc_id: str
    path: str  # "" for a document resumed after a crash: nobody waits on its progress
    pages: int
    passages: int  # to embed in this job
    embedded: int = 0
    state: str = "embedding"  # then 'finishing', and 'ready' or 'failed'


@dataclass(frozen=True, slots=True)
class _Handed:
    """A file given to the reader, with what was known of it then."""

    reading: Reading
    stat: os.stat_result
    known: tuple[str, float, int] | None  # the catalogue's record of its path


@dataclass(frozen=True, slots=True)
class _Text:
    """A passage waiting for its vector."""

    passage_id: str
    text: str
    page: int
    doc: _Doc


class Ingestor:
    """Writes documents into the catalogue and the vector store. Owned by one thread."""

    def __init__(
        self,
        catalog: Catalog,
        store: PassageVectors,
        embedder: TextEmbedder,
        chunk_tokens: int,
        chunk_overlap: int,
        read: Callable[[Path], list[Page]] = read_pages,
    ) -> None:
        """`read` turns a file into pages; it runs in the reader process, so it pickles."""
        self._catalog = catalog
        self._store = store
        self._embedder = embedder
        cutting = Cutting(
            embedder.token_starts, min(chunk_tokens, embedder.max_tokens), chunk_overlap, read
        )
        self._reader = IsolatedReader(function=functools.partial(prepare_file, cutting=cutting))

    def run(
        self,
        paths: Iterable[Path],
        on_progress: Callable[[Progress], None] | None = None,
        cancel: threading.Event | None = None,
        passwords: Sequence[str] = (),
        remember: bool = False,
    ) -> IngestReport:
        """Add `paths` (files and folders); `passwords` are tried on protected PDFs, and with
        `remember` the first is kept in the system keyring for each file it opens."""
        started = time.monotonic()
        cancel = cancel or threading.Event()
        report = IngestReport()
        self.resume(cancel)
        files, problems = collect_files(paths)
        report.failed.extend(problems)
        tracker = _Tracker(files, on_progress)
        for path in files:
            tracker.emit(FileEvent(str(path), "queued"))
        job = _Job(self, cancel, report, tracker, tuple(passwords), remember)
        try:
            job.ingest(files)
        finally:
            job.close()
            self._reader.close(at_once=cancel.is_set() or job.halted is not None)
        if job.halted:
            raise job.halted
        report.seconds = time.monotonic() - started
        return report

    def resume(self, cancel: threading.Event | None = None) -> int:
        """Finish documents a crash left half-indexed; returns how many were finished."""
        job = _Job(self, cancel or threading.Event(), IngestReport(), None)
        try:
            for info in self._catalog.unfinished():
                ids = self._catalog.passage_ids(info.doc_id)
                have = self._store.existing(ids)
                todo = [pid for pid in ids if pid not in have]
                passages = self._catalog.passages(todo)
                log.info("Resuming %s: %d of %d passages to embed", info.title, len(todo), len(ids))
                doc = _Doc(info.doc_id, "", info.pages, len(todo))
                job.add(
                    doc,
                    [
                        _Text(p, with_header(info.title, passages[p].text), passages[p].page, doc)
                        for p in todo
                    ],
                )
            job.embed_all()
        finally:
            job.close()
        if job.halted:
            raise job.halted
        return job.finished

    def remove(self, doc_id: str) -> None:
        self._store.delete_document(doc_id)
        self._catalog.remove_document(doc_id)

    def forget_path(self, path: str) -> None:
        """Forget one path, and its document if no other path holds that content."""
        orphan = self._catalog.remove_source(path)
        if orphan:
            self.remove(orphan)


class _Job:
    """One run: files read ahead, their passages embedded in windows, writes behind."""

    def __init__(
        self,
        ingestor: Ingestor,
        cancel: threading.Event,
        report: IngestReport,
        tracker: _Tracker | None,
        passwords: tuple[str, ...] = (),
        remember: bool = False,
    ) -> None:
        self._ingestor = ingestor
        self._passwords = passwords
        self._remember = remember
        self._catalog = ingestor._catalog  # noqa: SLF001 - the job is the ingestor's own part
        self._store = ingestor._store  # noqa: SLF001
        self._embedder = ingestor._embedder  # noqa: SLF001
        self._reader = ingestor._reader  # noqa: SLF001
        self._cancel = cancel
        self._report = report
        self._tracker = tracker
        self._writer = IndexWriter()
        self._docs: dict[str, _Doc] = {}
        self._pending: list[_Text] = []
        self.finished = 0
        # A shared library's server gone: the job stops, its documents stay to be finished.
        self.halted: ServerUnavailable | None = None

    # --- files in ----------------------------------------------------------------------------

    def ingest(self, files: Sequence[Path]) -> None:
        todo = deque(files)
        reading: deque[_Handed] = deque()
        ahead = 0  # bytes handed to the reader and not yet taken back
        while not self._stopped():
            while todo and len(reading) < READ_AHEAD_FILES and ahead < READ_AHEAD_BYTES:
                path = todo.popleft()
                handed = self._hand_over(path)
                if handed:
                    reading.append(handed)
                    ahead += handed.stat.st_size
            if not reading and not self._pending:
                break
            # Take what the reader has done; wait for it only while there is not a batch to
            # embed. Embed once a window is full or the reader lags behind.
            pending = len(self._pending)
            if (
                reading
                and pending < WINDOW
                and (pending < EMBED_BATCH or reading[0].reading.done())
            ):
                handed = reading.popleft()
                ahead -= handed.stat.st_size
                self._take(handed)
            else:
                self._embed_pending()
        self._report.cancelled = self._cancel.is_set()

    def _hand_over(self, path: Path) -> _Handed | None:
        """Give the file to the reader, unless it is known and unchanged."""
        name = str(path)
        try:
            stat = path.stat()
        except OSError:
            self._fail(name, say("'{name}' no longer exists.", name=path.name))
            return None
        known = self._catalog.source(name)
        if known and known[1] == stat.st_mtime and known[2] == stat.st_size:
            info = self._catalog.document(known[0])
            if info and info.state == "ready":
                self._unchanged(name, info.pages, info.passages)
                return None
        extra = (self._passwords,) if self._passwords else ()
        return _Handed(self._reader.submit(path, *extra), stat, known)

    def _take(self, handed: _Handed) -> None:
        path, name, stat = handed.reading.path, str(handed.reading.path), handed.stat

        def scanned(done: int, total: int) -> None:
            event = FileEvent(name, "recognising", pages=total, scanned=done)
            self._emit(event, READ_SHARE * done / total)

        try:
            prepared = self._reader.result(handed.reading, scanned, self._cancel)
        except QuelleError as exc:
            if isinstance(exc, ReadingStopped):
                return  # cancelled: not a failure of the file
            if isinstance(exc, PasswordNeeded):
                self._report.locked.append(name)
            self._fail(name, str(exc))
            return
        except Exception as exc:  # a bug must cost one file, not the whole run
            log.exception("Reading %s failed", path)
            self._fail(name, _unexpected(path.name, exc))
            return
        if self._remember and self._passwords:  # the password given opened it
            note = remember(prepared.doc_id, self._passwords[0])
            if note and note not in self._report.notices:
                self._report.notices.append(note)
        doc_id = prepared.doc_id
        existing = self._catalog.document(doc_id)
        if doc_id in self._docs or (existing and existing.state == "ready"):
            self._writer.put(
                functools.partial(
                    self._catalog.add_source, name, doc_id, stat.st_mtime, stat.st_size
                ),
                (),
            )
            if existing:  # what the library holds of it
                self._unchanged(name, existing.pages, existing.passages)
            else:  # a copy of a file this job is adding
                self._unchanged(name, prepared.pages, len(prepared.passages))
            return
        known = handed.known
        replaced = name if known and known[0] != doc_id else None  # the file changed
        begin = functools.partial(self._begin, path, stat, prepared, replaced, bool(existing))
        self._writer.put(begin, (doc_id,))
        doc = _Doc(doc_id, name, prepared.pages, len(prepared.passages))
        title = path.name
        texts = [
            _Text(passage_id(doc_id, n), with_header(title, p.text), p.page, doc)
            for n, p in enumerate(prepared.passages)
        ]
        self.add(doc, texts)

    def _begin(
        self,
        path: Path,
        stat: os.stat_result,
        prepared: PreparedFile,
        replaced: str | None,
        earlier: bool,
    ) -> None:
        """On the writer thread: record the document and its passages."""
        if replaced:
            self._ingestor.forget_path(replaced)
        self._catalog.add_source(str(path), prepared.doc_id, stat.st_mtime, stat.st_size)
        self._catalog.begin_document(
            prepared.doc_id,
            path.name,
            path.suffix.lower().lstrip("."),
            prepared.pages,
            stat.st_size,
            prepared.passages,
        )
        if earlier:  # vectors of an earlier, interrupted attempt (a filtered delete is slow)
            self._store.delete_document(prepared.doc_id)

    def add(self, doc: _Doc, texts: Sequence[_Text]) -> None:
        """A document whose passages wait for their vectors."""
        self._docs[doc.doc_id] = doc
        self._progress(doc)
        if texts:
            self._pending.extend(texts)
        else:
            self._finish([doc])

    # --- embedding ---------------------------------------------------------------------------

    def embed_all(self) -> None:
        while self._pending and not self._stopped():
            self._embed_pending()

    def _embed_pending(self) -> None:
        pending, self._pending = self._pending, []
        pending.sort(key=lambda t: len(t.text), reverse=True)
        for begin in range(0, len(pending), EMBED_BATCH):
            if self._stopped():
                return
            batch = [t for t in pending[begin : begin + EMBED_BATCH] if t.doc.state == "embedding"]
            if not batch:
                continue
            try:
                vectors = self._embedder.embed([t.text for t in batch])
            except Exception as exc:  # the documents stay unfinished; the next start resumes
                log.exception("Embedding failed")
                for doc in {id(t.doc): t.doc for t in pending[begin:]}.values():
                    if doc.state == "embedding":
                        self._fail_doc(doc, exc)
                return
            docs = {t.doc.doc_id: t.doc for t in batch}
            write = functools.partial(
                self._store.add, [t.passage_id for t in batch], vectors, [t.page for t in batch]
            )
            self._writer.put(write, list(docs))
            for t in batch:
                t.doc.embedded += 1
            self._finish([d for d in docs.values() if d.embedded == d.passages])
            for doc in docs.values():
                if doc.embedded < doc.passages:
                    self._progress(doc)
            self._collect()

    def _finish(self, docs: Sequence[_Doc]) -> None:
        if not docs:
            return
        for doc in docs:
            doc.state = "finishing"
        ids = [d.doc_id for d in docs]
        self._writer.put(functools.partial(self._ready, ids), ids, announce=True)

    def _ready(self, doc_ids: Sequence[str]) -> None:
        """On the writer thread: the documents' vectors are all stored."""
        self._store.publish(doc_ids)
        self._catalog.finish_documents(doc_ids)

    # --- results out -------------------------------------------------------------------------

    def _collect(self) -> None:
        """Take in what the writer has finished or failed."""
        while not self._writer.results.empty():
            doc_id, error = self._writer.results.get()
            doc = self._docs[doc_id]
            if isinstance(error, ServerUnavailable):
                self.halted = error
            elif error is not None:
                if doc.state != "failed":
                    self._fail_doc(doc, error)
            elif doc.state == "finishing":
                doc.state = "ready"
                self.finished += 1
                if doc.path:
                    self._emit(
                        FileEvent(
                            doc.path,
                            "ready",
                            pages=doc.pages,
                            passages=doc.passages,
                            embedded=doc.passages,
                        )
                    )
                    self._report.added.append(doc.path)
                    self._report.passages += doc.passages

    def _stopped(self) -> bool:
        return self._cancel.is_set() or self.halted is not None

    def _progress(self, doc: _Doc) -> None:
        if doc.path:
            share = READ_SHARE + (1 - READ_SHARE) * doc.embedded / max(1, doc.passages)
            event = FileEvent(
                doc.path,
                "embedding",
                pages=doc.pages,
                passages=doc.passages,
                embedded=doc.embedded,
            )
            self._emit(event, share)

    def _unchanged(self, name: str, pages: int, passages: int) -> None:
        self._emit(FileEvent(name, "unchanged", pages=pages, passages=passages))
        self._report.unchanged.append(name)

    def _fail_doc(self, doc: _Doc, error: Exception) -> None:
        doc.state = "failed"
        if doc.path:
            reason = (
                str(error)
                if isinstance(error, QuelleError)
                else _unexpected(Path(doc.path).name, error)
            )
            self._fail(doc.path, reason)

    def _fail(self, name: str, reason: str) -> None:
        self._emit(FileEvent(name, "failed", reason))
        self._report.failed.append((name, reason))

    def _emit(self, event: FileEvent, share: float = 0.0) -> None:
        if self._tracker:
            self._tracker.emit(event, share)

    def close(self) -> None:
        """Wait for the writes; after a cancel, drop the documents cut off half-way (after an
        interruption they stay, and the next start finishes them)."""
        self._writer.close()
        self._collect()
        if self._cancel.is_set() and not getattr(self._cancel, "interrupted", False):
            for doc in self._docs.values():
                if doc.state in ("embedding", "finishing") and doc.path:
                    self._ingestor.forget_path(doc.path)
        for doc in self._docs.values():
            if doc.state == "failed" and doc.path:
                self._drop_unbegun(doc)

    def _drop_unbegun(self, doc: _Doc) -> None:
        """A document whose record could not be written (a full disk) leaves neither its
        path nor vectors behind: nothing would ever finish them."""
        try:
            if self._catalog.document(doc.doc_id) is None:
                self._ingestor.forget_path(doc.path)
                self._store.delete_document(doc.doc_id)
        except Exception:  # the disk is still full: 'quelle check' mends it later
            log.warning("Could not drop what is left of %s", doc.path, exc_info=True)


def _unexpected(name: str, error: Exception) -> str:
    if (known := explained(error)) is not None:  # a full disk, a damaged library
        return say("Could not index '{name}': {reason}", name=name, reason=known)
    return say(
        "Could not index '{name}' (an unexpected {error}; details are in the log file).",
        name=name,
        error=type(error).__name__,
    )
