"""Chroma adapter: passage vectors on disk, keyed by passage id.

The collection records which embedding model built it; opening it with another model is a
clear error instead of silently mixed vectors.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Sequence
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any, Protocol

from quelle.common.errors import IndexMismatch
from quelle.engine.index.catalog import document_of

log = logging.getLogger(__name__)

COLLECTION = "passages"
_DELETE_BATCH = 5000  # ids per Chroma call: SQLite limits the variables of one statement


class PassageVectors(Protocol):
    """What ingestion and retrieval need of a vector store, in this process or another."""

    def add(
        self, ids: Sequence[str], vectors: Sequence[Sequence[float]], pages: Sequence[int]
    ) -> None: ...

    def existing(self, ids: Sequence[str]) -> set[str]: ...

    def query(self, vector: Sequence[float], limit: int) -> list[tuple[str, float]]: ...

    def vectors(self, ids: Sequence[str]) -> dict[str, list[float]]: ...

    def delete_document(self, doc_id: str) -> None: ...

    def count(self) -> int: ...

    def publish(self, doc_ids: Sequence[str]) -> None:
        """The documents' passages are all stored (a shared library lists them now)."""

    def ids(self) -> list[str]: ...

    def delete(self, ids: Sequence[str]) -> None: ...

    def drop_others(self, keep: Sequence[str]) -> None: ...


class ChromaPassages:
    """Passage vectors in one Chroma collection, in this process or on a server. Each call
    goes through `_calling`, where a server library turns network failures into one error."""

    _collection: Any

    def _calling(self) -> AbstractContextManager[None]:
        return contextlib.nullcontext()

    def existing(self, ids: Sequence[str]) -> set[str]:
        if not ids:
            return set()
        with self._calling():
            return set(self._collection.get(ids=list(ids), include=[])["ids"])

    def query(self, vector: Sequence[float], limit: int) -> list[tuple[str, float]]:
        """(passage id, cosine similarity), best first."""
        with self._calling():
            count = self._collection.count()
            if count == 0:
                return []
            query: list[Sequence[float] | Sequence[int]] = [list(vector)]
            result = self._collection.query(
                query_embeddings=query, n_results=min(limit, count), include=["distances"]
            )
        distances = result["distances"]
        if distances is None:
            return []
        return [(pid, 1.0 - dist) for pid, dist in zip(result["ids"][0], distances[0], strict=True)]

    def vectors(self, ids: Sequence[str]) -> dict[str, list[float]]:
        if not ids:
            return {}
        with self._calling():
            got = self._collection.get(ids=list(ids), include=["embeddings"])
        embeddings = got["embeddings"]
        if embeddings is None:
            return {}
        return {
            pid: [float(x) for x in vec] for pid, vec in zip(got["ids"], embeddings, strict=True)
        }

    def count(self) -> int:
        with self._calling():
            return int(self._collection.count())

    def delete(self, ids: Sequence[str]) -> None:
        with self._calling():
            for begin in range(0, len(ids), _DELETE_BATCH):
                self._collection.delete(ids=list(ids[begin : begin + _DELETE_BATCH]))


class VectorStore(ChromaPassages):
    """One collection of passage vectors. A library has one; while it changes embedders, a
    second one fills beside it (`name`)."""

    def __init__(self, folder: Path, model_id: str, dimension: int, name: str = COLLECTION) -> None:
        from quelle.common.offline import enforce_offline

        enforce_offline()
        import chromadb
        from chromadb.config import Settings as ChromaSettings

        folder.mkdir(parents=True, exist_ok=True)
        self._client = chromadb.PersistentClient(
            path=str(folder), settings=ChromaSettings(anonymized_telemetry=False)
        )
        self.name = name
        self._collection = self._client.get_or_create_collection(
            name,
            metadata={"hnsw:space": "cosine", "embedding_model": model_id, "dimension": dimension},
            embedding_function=None,
        )
        meta = self._collection.metadata or {}
        if meta.get("embedding_model") != model_id or meta.get("dimension") != dimension:
            raise IndexMismatch(
                f"The library was indexed with the embedding model '{meta.get('embedding_model')}'"
                f" but '{model_id}' is selected. Re-index the library, or select that model again."
            )

    def add(
        self, ids: Sequence[str], vectors: Sequence[Sequence[float]], pages: Sequence[int]
    ) -> None:
        """Upsert: writing the same passage twice (after a crash) never duplicates it."""
        embeddings: list[Sequence[float] | Sequence[int]] = [list(v) for v in vectors]
        self._collection.upsert(
            ids=list(ids),
            embeddings=embeddings,
            metadatas=[
                {"doc_id": document_of(pid), "page": p} for pid, p in zip(ids, pages, strict=True)
            ],
        )

    def delete_document(self, doc_id: str) -> None:
        self._collection.delete(where={"doc_id": doc_id})

    def publish(self, doc_ids: Sequence[str]) -> None:
        """The catalogue alone lists a local library's documents."""

    def close(self) -> None:
        """Let go of the store's files (before they are set aside)."""
        close = getattr(self._client, "close", None)  # Chroma >= 1.1
        if close is not None:
            close()

    def ids(self) -> list[str]:
        return list(self._collection.get(include=[])["ids"])

    def keep_only(self, ids: set[str]) -> None:
        """Delete every vector whose passage is not in `ids`."""
        self.delete([pid for pid in self.ids() if pid not in ids])

    def drop_others(self, keep: Sequence[str]) -> None:
        """Delete the collections of embedders no longer used (a switch that was given up,
        or the old index after a switch)."""
        for listed in self._client.list_collections():
            name = str(getattr(listed, "name", listed))  # older Chroma lists collection objects
            if name not in (self.name, *keep):
                log.info("Dropping the unused vector collection %s", name)
                self._client.delete_collection(name)
