"""A library kept on a Chroma server (`chroma run`), shared by everyone who names its URL.

The server holds all a second machine needs: each passage's vector, text, document, page
and character offsets, and the document list. A document is listed only once all its
passages are stored, so a machine that stops half-way leaves nothing anyone sees; its next
run stores the rest (ids are content hashes, so writing twice never duplicates).

Each machine keeps its catalogue as a cache of the server: `pull` brings in the documents
others added and forgets those others removed. Keyword search and the passage texts shown
in answers come from that cache, so they cost no round trip.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any
from urllib.parse import urlsplit

from quelle.common.errors import IndexMismatch, QuelleError, ServerUnavailable
from quelle.common.wording import say
from quelle.engine.index.catalog import Catalog, NewPassage, document_of, number_of
from quelle.engine.index.vectors import ChromaPassages
from quelle.engine.search.language import passage_terms
from quelle.protocol.values import DocumentInfo

log = logging.getLogger(__name__)

DEFAULT_PORT = 8000
DEFAULT_NAME = "quelle"
_CHANGES = "~changes"  # the document list's record whose mark changes with every change
_PULL_BATCH = 50  # documents fetched per request while pulling
_ONE: list[Sequence[float] | Sequence[int]] = [[1.0]]  # the list's records' constant vector


def parse_url(url: str) -> tuple[str, int, bool, str]:
    """(host, port, https, library name) of `http://host:port/name`; the name defaults to
    'quelle', so one server can hold several libraries."""
    parts = urlsplit(url.strip() if "//" in url else f"http://{url.strip()}")
    name = parts.path.strip("/") or DEFAULT_NAME
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise QuelleError(
            say("'{url}' is not a Chroma server's address, such as http://server:8000.", url=url)
        )
    if not name.replace("-", "").replace("_", "").isalnum() or len(name) > 40:
        raise QuelleError(
            say(
                "'{name}' cannot name a library: use letters, digits, '-' and '_'.",
                name=name,
            )
        )
    port = parts.port or (443 if parts.scheme == "https" else DEFAULT_PORT)
    return parts.hostname, port, parts.scheme == "https", name


class SharedStore(ChromaPassages):
    """The passages and document list of one library on a Chroma server."""

    def __init__(self, url: str, model_id: str, dimension: int, catalog: Catalog) -> None:
        import chromadb
        from chromadb.config import Settings as ChromaSettings

        host, port, https, name = parse_url(url)
        self.url = url
        self._catalog = catalog
        self._seen_mark: str | None = None
        with self._calling():
            client = chromadb.HttpClient(
                host=host, port=port, ssl=https, settings=ChromaSettings(anonymized_telemetry=False)
            )
            self._collection = client.get_or_create_collection(
                f"{name}-passages",
                metadata={
                    "hnsw:space": "cosine",
                    "embedding_model": model_id,
                    "dimension": dimension,
                },
                embedding_function=None,
            )
            # Chroma keeps records with a vector only: the list's records carry a constant one.
            self._documents = client.get_or_create_collection(
                f"{name}-documents", embedding_function=None
            )
        meta = self._collection.metadata or {}
        if meta.get("embedding_model") != model_id or meta.get("dimension") != dimension:
            raise IndexMismatch(
                say(
                    "The library on {url} was indexed with the embedding model '{indexed}', but "
                    "'{chosen}' is selected. Select that model to use this library.",
                    url=url,
                    indexed=meta.get("embedding_model"),
                    chosen=model_id,
                )
            )

    @contextmanager
    def _calling(self) -> Iterator[None]:
        """Network failures become one error the user can act on."""
        import httpx

        try:
            yield
        except (httpx.TransportError, OSError, ValueError) as exc:
            if isinstance(exc, ValueError) and "connect" not in str(exc).lower():
                raise
            raise ServerUnavailable(
                say(
                    "The Chroma server at {url} does not answer ({reason}). What was stored "
                    "is kept: once the server is back, add the files again and Quelle goes on "
                    "where it stopped.",
                    url=self.url,
                    reason=str(exc) or type(exc).__name__,
                )
            ) from exc

    # --- what ingestion and retrieval need (`PassageVectors`) -----------------------------

    def add(
        self, ids: Sequence[str], vectors: Sequence[Sequence[float]], pages: Sequence[int]
    ) -> None:
        """Upsert vectors with their passages' texts and places, from the catalogue."""
        passages = self._catalog.passages(ids)
        kept = [pid for pid in ids if pid in passages]  # a document removed meanwhile
        by_id = dict(zip(ids, vectors, strict=True))
        with self._calling():
            self._collection.upsert(
                ids=kept,
                embeddings=[list(by_id[pid]) for pid in kept],
                documents=[passages[pid].text for pid in kept],
                metadatas=[
                    {
                        "doc_id": passages[pid].doc_id,
                        "seq": number_of(pid),
                        "page": passages[pid].page,
                        "start": passages[pid].start,
                        "end": passages[pid].end,
                    }
                    for pid in kept
                ],
            )

    def publish(self, doc_ids: Sequence[str]) -> None:
        """List documents whose passages are all stored, for every machine to see."""
        infos = [i for d in doc_ids if (i := self._catalog.document(d)) is not None]
        if not infos:
            return
        with self._calling():
            self._documents.upsert(
                ids=[i.doc_id for i in infos],
                embeddings=_ONE * len(infos),
                metadatas=[
                    {
                        "title": i.title,
                        "kind": i.kind,
                        "path": i.path,
                        "pages": i.pages,
                        "passages": i.passages,
                        "size": i.size,
                        "added": i.added,
                    }
                    for i in infos
                ],
            )
        self._changed()

    def delete_document(self, doc_id: str) -> None:
        with self._calling():
            self._documents.delete(ids=[doc_id])
            self._collection.delete(where={"doc_id": doc_id})
        self._changed()

    # --- what the consistency check needs ---------------------------------------------------

    def ids(self) -> list[str]:
        """The passages of listed documents; those of documents another machine is still
        storing are not this machine's to judge."""
        listed = set(self._listed())
        with self._calling():
            every = self._collection.get(include=[])["ids"]
        return [pid for pid in every if document_of(pid) in listed]

    def drop_others(self, keep: Sequence[str]) -> None:
        """A shared library has one index, which is not this machine's to drop."""

    # --- the local cache --------------------------------------------------------------------

    def pull(self) -> bool:
        """Bring the catalogue in line with the server's document list: documents others
        added come in (texts, places and keyword index), those others removed go. True if
        anything changed. Cheap when nothing did: one small request."""
        mark = self._mark()
        if mark is not None and mark == self._seen_mark:
            return False
        listed = self._listed()
        local = {d.doc_id: d for d in self._catalog.documents()}
        new = [d for d in listed if d not in local]
        gone = [d for d, info in local.items() if info.state == "ready" and d not in listed]
        for begin in range(0, len(new), _PULL_BATCH):
            self._pull_documents({d: listed[d] for d in new[begin : begin + _PULL_BATCH]})
        for doc_id in gone:
            self._catalog.remove_document(doc_id)
        if new or gone:
            log.info("From %s: %d documents added, %d removed", self.url, len(new), len(gone))
        self._seen_mark = mark
        return bool(new or gone)

    def _pull_documents(self, listed: dict[str, dict[str, Any]]) -> None:
        with self._calling():
            got = self._collection.get(
                where={"doc_id": {"$in": list(listed)}}, include=["documents", "metadatas"]
            )
        rows: dict[str, list[tuple[int, NewPassage]]] = {d: [] for d in listed}
        texts, metas = got["documents"] or [], got["metadatas"] or []
        for text, meta in zip(texts, metas, strict=True):
            doc_id = str(meta["doc_id"])
            title = str(listed[doc_id]["title"])
            passage = NewPassage(
                int(meta["page"]),
                int(meta["start"]),
                int(meta["end"]),
                text,
                passage_terms(title, text),
            )
            rows[doc_id].append((int(meta["seq"]), passage))
        for doc_id, meta in listed.items():
            passages = [p for _, p in sorted(rows[doc_id], key=lambda r: r[0])]
            if len(passages) != meta["passages"]:  # removed and stored again meanwhile
                log.warning("Skipped %s: its passages are incomplete on the server", doc_id)
                continue
            info = DocumentInfo(
                doc_id,
                str(meta["title"]),
                str(meta["kind"]),
                str(meta["path"]),
                int(meta["pages"]),
                len(passages),
                int(meta["size"]),
                float(meta["added"]),
                "ready",
            )
            self._catalog.add_ready_document(info, passages)

    def _listed(self) -> dict[str, dict[str, Any]]:
        with self._calling():
            got = self._documents.get(include=["metadatas"])
        metas = got["metadatas"] or []
        return {
            doc_id: dict(meta or {})
            for doc_id, meta in zip(got["ids"], metas, strict=True)
            if doc_id != _CHANGES
        }

    def _mark(self) -> str | None:
        with self._calling():
            got = self._documents.get(ids=[_CHANGES], include=["metadatas"])
        metas = got["metadatas"] or []
        return str(metas[0]["mark"]) if metas and metas[0] else None

    def _changed(self) -> None:
        """Tell other machines that the document list changed."""
        with self._calling():
            self._documents.upsert(
                ids=[_CHANGES], embeddings=_ONE, metadatas=[{"mark": uuid.uuid4().hex}]
            )
