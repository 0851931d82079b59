"""Question -> ranked passages: dense search fused with BM25 keyword search.

Reciprocal rank fusion needs no score calibration between the two lists, which matters
because cosine similarities and BM25 scores live on unrelated scales.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass

from quelle.core.catalog import Catalog, Passage
from quelle.core.embedding import TextEmbedder
from quelle.core.store import PassageVectors

RRF_K = 60  # the constant from Cormack et al.; damps the weight of the very top ranks


@dataclass(frozen=True, slots=True)
class Hit:
    passage: Passage
    score: float  # fused score, higher is better
    similarity: float  # cosine similarity of passage and query, -1..1
    dense_rank: int | None
    keyword_rank: int | None


@dataclass(frozen=True, slots=True)
class Retrieval:
    hits: list[Hit]
    seconds: float


def reciprocal_rank_fusion(rankings: Sequence[Sequence[str]], k: int = RRF_K) -> dict[str, float]:
    scores: dict[str, float] = {}
    for ranking in rankings:
        for rank, item in enumerate(ranking):
            scores[item] = scores.get(item, 0.0) + 1.0 / (k + rank + 1)
    return scores


def _keep_champions(best: list[str], champions: Sequence[Sequence[str]]) -> list[str]:
    """Make sure each ranker's first choice is among the results.

    Fusion rewards agreement, so a passage one ranker puts first but the other never saw
    (an income statement says "Three Months Ended", not "third quarter") can fall out of
    the top few. A ranker's confident first choice is worth keeping.
    """
    best = list(best)
    for top in champions:
        for pid in top:
            if pid not in best and best:
                protected = {c for t in champions for c in t}
                for i in range(len(best) - 1, -1, -1):
                    if best[i] not in protected:
                        best[i] = pid
                        break
    return best


class Retriever:
    def __init__(self, catalog: Catalog, store: PassageVectors, embedder: TextEmbedder) -> None:
        self._catalog = catalog
        self._store = store
        self._embedder = embedder

    def search(self, query: str, limit: int, hybrid: bool = True, candidates: int = 40
               ) -> Retrieval:
        started = time.perf_counter()
        vector = self._embedder.embed([query])[0]
        dense = self._store.query(vector, candidates)
        similarity = dict(dense)
        dense_ids = [pid for pid, _ in dense]
        keyword_ids = self._catalog.keyword_search(query, candidates) if hybrid else []
        fused = reciprocal_rank_fusion([dense_ids, keyword_ids] if hybrid else [dense_ids])
        best = sorted(fused, key=fused.__getitem__, reverse=True)[:limit]
        best = _keep_champions(best, [dense_ids[:1], keyword_ids[:1]])
        missing = [pid for pid in best if pid not in similarity]
        for pid, vec in self._store.vectors(missing).items():
            similarity[pid] = sum(a * b for a, b in zip(vec, vector, strict=True))
        passages = self._catalog.passages(best)
        dense_rank = {pid: n for n, pid in enumerate(dense_ids)}
        keyword_rank = {pid: n for n, pid in enumerate(keyword_ids)}
        hits = [
            Hit(passages[pid], fused[pid], similarity.get(pid, 0.0),
                dense_rank.get(pid), keyword_rank.get(pid))
            for pid in best
            if pid in passages
        ]
        return Retrieval(hits, time.perf_counter() - started)
