"""Files and folders -> passages in the catalogue and vectors in the store, one file at a time.

Each file succeeds or fails on its own. A file is recorded as 'indexing' before its vectors
are written and 'ready' after; `resume` finishes whatever a crash interrupted, embedding only
the passages whose vectors are missing, so nothing is duplicated or lost.
"""

from __future__ import annotations

import hashlib
import logging
import os
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from quelle.core.catalog import Catalog, DocumentInfo, NewPassage
from quelle.core.chunking import chunk_pages
from quelle.core.documents import Page, is_supported
from quelle.core.embedding import TextEmbedder
from quelle.core.errors import QuelleError
from quelle.core.language import detect_language
from quelle.core.reader import IsolatedReader
from quelle.core.store import PassageVectors

log = logging.getLogger(__name__)

EMBED_BATCH = 64
READ_SHARE = 0.3  # share of a file's time estimated for reading, the rest for embedding


@dataclass(frozen=True, slots=True)
class FileEvent:
    """A change of one file's state: queued, reading, embedding, ready, unchanged, failed."""

    path: str
    state: str
    reason: str = ""
    pages: int = 0
    passages: int = 0
    embedded: int = 0


@dataclass(frozen=True, slots=True)
class Progress:
    event: FileEvent
    files_done: int
    files_total: int
    fraction: float  # 0..1 of the whole job, weighted by file size
    eta_seconds: float | None


@dataclass(slots=True)
class IngestReport:
    added: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    passages: int = 0
    cancelled: bool = False
    seconds: float = 0.0


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


def file_hash(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def duration_text(seconds: float) -> str:
    """A duration as people read it: "45 s", "3:07"."""
    whole = int(round(seconds))
    return f"{whole // 60}:{whole % 60:02d}" if whole >= 60 else f"{whole} s"


class JobStop(threading.Event):
    """Stops an ingestion job at the next batch. Set, it is the user's cancel: a document
    cut off half-way is dropped. `interrupt()` is Quelle closing under the job: the
    half-indexed document stays, and the next start finishes it."""

    interrupted = False

    def interrupt(self) -> None:
        self.interrupted = True
        self.set()


def find_document(docs: Sequence[DocumentInfo], key: str) -> DocumentInfo | None:
    """The one document `key` names: its id (or first characters), its path, its file name,
    or a file with the same content."""
    path = Path(key).expanduser()
    content = file_hash(path) if path.is_file() else None
    absolute = str(path.absolute())
    matches = [
        d
        for d in docs
        if d.doc_id == content
        or d.path == absolute
        or d.doc_id.startswith(key)
        or d.title == key
        or d.path == key
    ]
    return matches[0] if len(matches) == 1 else None


class _Tracker:
    """Turns per-file steps into overall progress with an ETA."""

    def __init__(self, files: Sequence[Path], report: Callable[[Progress], None] | None) -> None:
        self._sizes = {str(f): max(1, f.stat().st_size) for f in files if f.exists()}
        self._total = sum(self._sizes.values()) or 1
        self._done_bytes = 0
        self._started = time.monotonic()
        self._report = report
        self.files_total = len(files)
        self.files_done = 0

    def emit(self, event: FileEvent, file_fraction: float = 0.0) -> None:
        if event.state in ("ready", "unchanged", "failed"):
            self.files_done += 1
            self._done_bytes += self._sizes.get(event.path, 0)
            file_fraction = 0.0
        if self._report is None:
            return
        current = self._sizes.get(event.path, 0) * file_fraction
        fraction = min(1.0, (self._done_bytes + current) / self._total)
        elapsed = time.monotonic() - self._started
        eta = elapsed * (1 - fraction) / fraction if fraction > 0.01 and elapsed > 1 else None
        self._report(Progress(event, self.files_done, self.files_total, fraction, eta))


class Ingestor:
    """Writes documents into the catalogue and the vector store. Owned by one thread."""

    def __init__(
        self,
        catalog: Catalog,
        store: PassageVectors,
        embedder: TextEmbedder,
        chunk_tokens: int,
        chunk_overlap: int,
        read: Callable[[Path], list[Page]] | None = None,
    ) -> None:
        """`read` turns a file into pages; by default in a child process (`IsolatedReader`)."""
        self._catalog = catalog
        self._store = store
        self._embedder = embedder
        self._max_tokens = min(chunk_tokens, embedder.max_tokens)
        self._overlap = chunk_overlap
        self._reader = None if read else IsolatedReader()
        self._read = read or self._reader.read  # type: ignore[union-attr]

    def run(
        self,
        paths: Iterable[Path],
        on_progress: Callable[[Progress], None] | None = None,
        cancel: threading.Event | None = None,
    ) -> IngestReport:
        started = time.monotonic()
        cancel = cancel or threading.Event()
        report = IngestReport()
        self.resume(cancel)
        files, problems = collect_files(paths)
        report.failed.extend(problems)
        tracker = _Tracker(files, on_progress)
        for path in files:
            tracker.emit(FileEvent(str(path), "queued"))
        for path in files:
            if cancel.is_set():
                report.cancelled = True
                break
            try:
                event = self._ingest_file(path, tracker, cancel)
            except QuelleError as exc:
                event = FileEvent(str(path), "failed", str(exc))
            except Exception as exc:  # a bug must cost one file, not the whole run
                log.exception("Ingesting %s failed", path)
                reason = f"Could not index '{path.name}': unexpected {type(exc).__name__}."
                event = FileEvent(str(path), "failed", reason)
            if event.state == "cancelled":
                report.cancelled = True
                break
            tracker.emit(event)
            if event.state == "ready":
                report.added.append(event.path)
                report.passages += event.passages
            elif event.state == "unchanged":
                report.unchanged.append(event.path)
            else:
                report.failed.append((event.path, event.reason))
        report.seconds = time.monotonic() - started
        if self._reader:
            self._reader.close()
        return report

    def _ingest_file(self, path: Path, tracker: _Tracker, cancel: threading.Event) -> FileEvent:
        name = str(path)
        stat = path.stat()
        known = self._catalog.source(name)
        if known and known[1] == stat.st_mtime and known[2] == stat.st_size:
            info = self._catalog.document(known[0])
            if info and info.state == "ready":
                return FileEvent(name, "unchanged", pages=info.pages, passages=info.passages)
        tracker.emit(FileEvent(name, "reading"))
        doc_id = file_hash(path)
        existing = self._catalog.document(doc_id)
        if known and known[0] != doc_id:
            self._forget_path(name)  # the file changed: its old passages go
        if existing and existing.state == "ready":
            self._catalog.add_source(name, doc_id, stat.st_mtime, stat.st_size)
            return FileEvent(name, "unchanged", pages=existing.pages, passages=existing.passages)

        pages = self._read(path)
        chunks = chunk_pages(pages, self._embedder.token_starts, self._max_tokens, self._overlap)
        passages = [NewPassage(c.page, c.start, c.end, c.text) for c in chunks]
        languages = [detect_language(c.text) for c in chunks]
        self._catalog.add_source(name, doc_id, stat.st_mtime, stat.st_size)
        ids = self._catalog.begin_document(
            doc_id,
            path.name,
            path.suffix.lower().lstrip("."),
            len(pages),
            stat.st_size,
            passages,
            languages,
        )
        if existing:  # vectors of an earlier, interrupted attempt (a filtered delete is slow)
            self._store.delete_document(doc_id)
        event = FileEvent(name, "embedding", pages=len(pages), passages=len(ids))

        def progress(done: int) -> None:
            share = READ_SHARE + (1 - READ_SHARE) * done / max(1, len(ids))
            tracker.emit(
                FileEvent(name, "embedding", pages=len(pages), passages=len(ids), embedded=done),
                share,
            )

        progress(0)
        texts = [with_header(path.name, c.text) for c in chunks]
        if not self._embed(doc_id, ids, texts, [c.page for c in chunks], progress, cancel):
            if not getattr(cancel, "interrupted", False):
                self._forget_path(name)
            return FileEvent(name, "cancelled")
        self._catalog.finish_document(doc_id)
        return FileEvent(
            name, "ready", pages=event.pages, passages=event.passages, embedded=event.passages
        )

    def _embed(
        self,
        doc_id: str,
        ids: Sequence[str],
        texts: Sequence[str],
        pages: Sequence[int],
        progress: Callable[[int], None] | None,
        cancel: threading.Event,
    ) -> bool:
        for begin in range(0, len(ids), EMBED_BATCH):
            if cancel.is_set():
                return False
            end = begin + EMBED_BATCH
            vectors = self._embedder.embed(texts[begin:end])
            self._store.add(ids[begin:end], vectors, doc_id, pages[begin:end])
            if progress:
                progress(min(end, len(ids)))
        return True

    def _forget_path(self, path: str) -> None:
        orphan = self._catalog.remove_source(path)
        if orphan:
            self._store.delete_document(orphan)
            self._catalog.remove_document(orphan)

    def resume(self, cancel: threading.Event | None = None) -> int:
        """Finish documents a crash left half-indexed; returns how many were finished."""
        cancel = cancel or threading.Event()
        finished = 0
        for info in self._catalog.unfinished():
            ids = self._catalog.passage_ids(info.doc_id)
            have = self._store.existing(ids)
            todo = [pid for pid in ids if pid not in have]
            passages = self._catalog.passages(todo)
            log.info("Resuming %s: %d of %d passages to embed", info.title, len(todo), len(ids))
            texts = [with_header(info.title, passages[p].text) for p in todo]
            if not self._embed(
                info.doc_id, todo, texts, [passages[p].page for p in todo], None, cancel
            ):
                return finished
            self._catalog.finish_document(info.doc_id)
            finished += 1
        return finished

    def remove(self, doc_id: str) -> None:
        self._store.delete_document(doc_id)
        self._catalog.remove_document(doc_id)
