"""Question -> ranked passages: dense search and BM25 keyword search, fused.

How the two are fused depends on whether the embedder knows the question's language. If
it does, reciprocal rank fusion: it needs no calibration between cosine and BM25 scales and
rewards agreement. If it does not (the bundled MiniLM knows English; on German questions
its neighbours are little better than chance), rank fusion would give its guesses as much
say as keyword search's matches, so the scores are fused instead, the dense share lowered:
a ranker that is sure of one passage and unsure of the rest then says so. An optional
cross-encoder re-scores the best fused candidates.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal, TypeVar

from quelle.engine.index.catalog import Catalog
from quelle.engine.index.vectors import PassageVectors
from quelle.engine.models.embedder import TextEmbedder
from quelle.engine.search.question import Question
from quelle.engine.search.reranking import PassageScorer, rerank
from quelle.protocol.values import Hit, Passage

Mode = Literal["dense", "keyword", "fused", "reranked"]
T = TypeVar("T")
RRF_K = 60  # the constant from Cormack et al.; damps the weight of the very top ranks
# Share of the dense ranker in score fusion, for questions in a language the embedder does
# not know: chosen on the dev queries of XQuAD-de; the held-out queries check it
# (benchmarks/retrieval.py).
FOREIGN_DENSE_SHARE = 0.4
CANDIDATES = 40  # per ranker
# A 6-layer cross-encoder costs about 0.1 s of CPU per candidate on two cores
# (benchmarks/rerank_latency.py): 15 candidates hold a budget of about a second.
RERANK_CANDIDATES = 15


@dataclass(frozen=True, slots=True)
class Retrieval:
    hits: list[Hit]
    seconds: float
    # Whether the embedder was trained on the question's language: if not, its similarities
    # say little about relevance.
    embedder_knows_language: bool = True
    rerank_seconds: float | None = None  # None when no re-ranker ran


def reciprocal_rank_fusion(rankings: Sequence[Sequence[str]], k: int = RRF_K) -> dict[str, float]:
    scores: dict[str, float] = {}
    for ranking in rankings:
        for rank, item in enumerate(ranking):
            scores[item] = scores.get(item, 0.0) + 1.0 / (k + rank + 1)
    return scores


def _beside(work: Callable[[], T], finally_: Callable[[], object]) -> Callable[[], T]:
    """Start `work` on a thread of its own (then `finally_` there); the call returned waits
    for its result, or raises what it raised."""
    outcome: list[T] = []
    failure: list[BaseException] = []

    def run() -> None:
        try:
            outcome.append(work())
        except BaseException as exc:  # handed to the waiting thread
            failure.append(exc)
        finally:
            finally_()

    thread = threading.Thread(target=run, name="quelle-keyword", daemon=True)
    thread.start()

    def result() -> T:
        thread.join()
        if failure:
            raise failure[0]
        return outcome[0]

    return result


def fuse(
    dense: Sequence[tuple[str, float]], keyword: Sequence[tuple[str, float]], dense_share: float
) -> dict[str, float]:
    """Score-aware fusion: dense_share * cosine + (1 - dense_share) * BM25 / best BM25."""
    scores = {pid: dense_share * similarity for pid, similarity in dense}
    best = keyword[0][1] if keyword else 0.0
    for pid, bm25 in keyword:
        scores[pid] = scores.get(pid, 0.0) + (1 - dense_share) * (bm25 / best if best else 0.0)
    return scores


def keep_champions(best: list[str], champions: Sequence[str]) -> list[str]:
    """`best` with each ranker's first choice in it, in place of the weakest others.

    Fusion rewards agreement, so a passage one ranker puts first but the other never saw
    (an income statement says "Three Months Ended", not "third quarter") can fall out of
    the top few. A ranker's confident first choice is worth keeping.
    """
    best = list(best)
    protected = set(champions)
    for champion in champions:
        if champion in best:
            continue
        for i in range(len(best) - 1, -1, -1):
            if best[i] not in protected:
                best[i] = champion
                break
    return best


class Retriever:
    def __init__(
        self,
        catalog: Catalog,
        store: PassageVectors,
        embedder: TextEmbedder,
        embedder_languages: frozenset[str] = frozenset({"en"}),
        reranker: PassageScorer | None = None,
    ) -> None:
        self._catalog = catalog
        self._store = store
        self._embedder = embedder
        self._languages = embedder_languages
        self._reranker = reranker

    def search(self, question: Question, limit: int, mode: Mode = "fused") -> Retrieval:
        """The best `limit` passages; "reranked" falls back to "fused" without a re-ranker."""
        started = time.perf_counter()
        query = question.query
        known_language = question.language in self._languages
        # Keyword search needs no vector: it runs beside embedding and dense search (both
        # leave Python's lock while they work), which halves the wait in a large library.
        keyword_search = (
            _beside(
                lambda: self._catalog.keyword_search(question.query_terms, CANDIDATES),
                self._catalog.close,
            )
            if mode != "dense"
            else None
        )
        vector = self._embedder.embed([query], query=True)[0]
        dense = self._store.query(vector, CANDIDATES) if mode != "keyword" else []
        keyword = keyword_search() if keyword_search else []
        if known_language:
            scores = reciprocal_rank_fusion([[p for p, _ in dense], [p for p, _ in keyword]])
        else:
            scores = fuse(dense, keyword, FOREIGN_DENSE_SHARE if dense else 0.0)
        ranked = sorted(scores, key=scores.__getitem__, reverse=True)
        rerank_seconds = None
        passages: dict[str, Passage] = {}
        if mode == "reranked" and self._reranker is not None:
            rerank_started = time.perf_counter()
            passages = self._catalog.passages(ranked[:RERANK_CANDIDATES])
            order = rerank(
                query,
                [p for p in ranked[:RERANK_CANDIDATES] if p in passages],
                lambda pid: passages[pid].text,
                self._reranker,
                limit,
            )
            scores = dict(order)
            ranked = [pid for pid, _ in order]
            rerank_seconds = time.perf_counter() - rerank_started
        best = ranked[:limit]
        if rerank_seconds is None:
            best = keep_champions(best, [r[0][0] for r in (dense, keyword) if r])
        similarity = dict(dense)
        missing = [pid for pid in best if pid not in similarity]
        for pid, vec in self._store.vectors(missing).items():
            similarity[pid] = sum(a * b for a, b in zip(vec, vector, strict=True))
        if not passages:  # the re-ranker has read them already
            passages = self._catalog.passages(best)
        dense_rank = {pid: n for n, (pid, _) in enumerate(dense)}
        keyword_rank = {pid: n for n, (pid, _) in enumerate(keyword)}
        hits = [
            Hit(
                passages[pid],
                scores[pid],
                similarity.get(pid, 0.0),
                dense_rank.get(pid),
                keyword_rank.get(pid),
            )
            for pid in best
            if pid in passages
        ]
        return Retrieval(hits, time.perf_counter() - started, known_language, rerank_seconds)
