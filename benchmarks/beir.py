"""BEIR-format retrieval sets and their metrics (trec_eval conventions), shared by the
retrieval benchmarks. Plain Python: it runs in any environment.

- `load(folder)`: corpus, judged queries and relevance judgements of one set;
- `split(query_id)`: 'dev' or 'held-out', fixed by the id, so tuning never sees held-out;
- `evaluate(run, qrels)`: nDCG@10, Recall@10 and MRR@10 with linear gain; a query with an
  empty result counts as 0.
"""

from __future__ import annotations

import csv
import hashlib
import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
EVAL = REPO.parent / "shared" / "eval"
HELD_OUT_SHARE = 0.3  # of each set's queries, kept aside from all tuning


@dataclass(frozen=True, slots=True)
class RetrievalSet:
    name: str
    corpus: dict[str, tuple[str, str]]  # doc id -> (title, text)
    queries: dict[str, str]  # only the judged ones
    qrels: dict[str, dict[str, int]]  # query id -> doc id -> relevance


def load(name: str, folder: Path | None = None) -> RetrievalSet:
    folder = folder or EVAL / name
    corpus: dict[str, tuple[str, str]] = {}
    with (folder / "corpus.jsonl").open(encoding="utf-8") as f:
        for line in f:
            doc = json.loads(line)
            corpus[doc["_id"]] = (doc.get("title") or "", doc["text"])
    qrels: dict[str, dict[str, int]] = {}
    with (folder / "qrels" / "test.tsv").open(encoding="utf-8") as f:
        for row in csv.DictReader(f, delimiter="\t"):
            if int(row["score"]) > 0:
                qrels.setdefault(row["query-id"], {})[row["corpus-id"]] = int(row["score"])
    queries: dict[str, str] = {}
    with (folder / "queries.jsonl").open(encoding="utf-8") as f:
        for line in f:
            q = json.loads(line)
            if q["_id"] in qrels:
                queries[q["_id"]] = q["text"]
    return RetrievalSet(name, corpus, queries, qrels)


def split(query_id: str) -> str:
    """'held-out' for a fixed share of ids, 'dev' for the rest."""
    digest = int(hashlib.sha256(query_id.encode()).hexdigest()[:8], 16)
    return "held-out" if digest / 0xFFFFFFFF < HELD_OUT_SHARE else "dev"


def _ndcg(ranked: Sequence[str], relevant: Mapping[str, int], k: int) -> float:
    dcg = sum(relevant.get(d, 0) / math.log2(i + 2) for i, d in enumerate(ranked[:k]))
    ideal = sorted(relevant.values(), reverse=True)[:k]
    idcg = sum(g / math.log2(i + 2) for i, g in enumerate(ideal))
    return dcg / idcg if idcg else 0.0


def evaluate(
    run: Mapping[str, Sequence[str]], qrels: Mapping[str, Mapping[str, int]], k: int = 10
) -> dict[str, float]:
    """Mean metrics over the queries of `qrels`; `run` maps a query id to doc ids, best
    first (repeats after the first are ignored)."""
    totals = {"ndcg@10": 0.0, "recall@10": 0.0, "mrr@10": 0.0}
    for qid, relevant in qrels.items():
        ranked = list(dict.fromkeys(run.get(qid, ())))[:k]
        totals["ndcg@10"] += _ndcg(ranked, relevant, k)
        totals["recall@10"] += sum(d in relevant for d in ranked) / len(relevant)
        first = next((i for i, d in enumerate(ranked) if d in relevant), None)
        totals["mrr@10"] += 1.0 / (first + 1) if first is not None else 0.0
    n = len(qrels) or 1
    return {m: round(v / n, 4) for m, v in totals.items()}


def by_split(
    run: Mapping[str, Sequence[str]], qrels: Mapping[str, Mapping[str, int]]
) -> dict[str, dict[str, float]]:
    """The metrics on the dev queries, the held-out queries and all of them."""
    parts: dict[str, dict[str, Mapping[str, int]]] = {"dev": {}, "held-out": {}}
    for qid, rel in qrels.items():
        parts[split(qid)][qid] = rel
    return {
        "dev": evaluate(run, parts["dev"]),
        "held-out": evaluate(run, parts["held-out"]),
        "all": evaluate(run, qrels),
    }
