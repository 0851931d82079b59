"""Retrieval at scale: a library grown to 100,000 passages and beyond.

Embedding half a million passages would take this kind of machine most of a day, so the
library is grown from the SciFact library that `retrieval.py` ingested (12,262 real passages
with their real vectors). Each further copy of a document perturbs its text (about one word
in eight dropped, neighbours swapped) and its vectors (Gaussian noise, then normalised
again), so the keyword index and the vector index see as many distinct entries as a real
library of that size. Documents, passages and keyword entries go through Quelle's own
`Catalog`; vectors go to its Chroma collection in batches of 5,000 with the metadata
`VectorStore.add` writes. Questions go through `Library.search`, as in the window: the
question is embedded, then dense and keyword search and their fusion run.

Figures at each size: search p50/p95 for SciFact's 300 claims (fused, dense only, keyword
only); write throughput (catalogue + vectors, passages/s) over the first and last 10 % of
the growth (the encoder's cost per passage does not depend on the library's size, so this
is the part that could slow down as the library grows); disk per 1,000 passages; the time
to remove one document and to run `check` afterwards, which must find nothing.

Usage: python benchmarks/scale.py [--sizes 100000 500000]
Writes benchmarks/results/scale.json. Needs the SciFact library from retrieval.py.
"""

from __future__ import annotations

import argparse
import json
import platform
import random
import shutil
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import beir  # noqa: E402
from retrieval import CACHE, RESULTS, library_for  # noqa: E402

BATCH = 5000
NOISE = 0.02  # per dimension, before normalising: cosine about 0.93 to the original


def source_library():  # type: ignore[no-untyped-def]
    dataset = beir.load("scifact")
    return dataset, library_for(dataset, sorted(dataset.corpus))


def perturb_text(text: str, rng: random.Random) -> str:
    words = [w for w in text.split() if rng.random() > 0.12]
    for i in range(1, len(words), 9):
        if rng.random() < 0.5:
            words[i - 1], words[i] = words[i], words[i - 1]
    return " ".join(words) or text


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000])
    parser.add_argument("--keep", action="store_true", help="keep the grown library")
    args = parser.parse_args()
    import numpy as np

    from quelle.engine.index.catalog import NewPassage
    from quelle.engine.library import Library
    from quelle.engine.search.language import detect_language, index_terms

    dataset, source = source_library()
    docs = source.documents()
    ids = source.catalog.all_passage_ids()
    passages = source.catalog.passages(ids)
    store = source._vector_store()
    vectors: dict[str, list[float]] = {}
    for begin in range(0, len(ids), BATCH):
        vectors.update(store.vectors(ids[begin : begin + BATCH]))
    languages = {pid: detect_language(p.text) for pid, p in passages.items()}
    by_doc: dict[str, list[str]] = {}
    for pid in ids:
        by_doc.setdefault(passages[pid].doc_id, []).append(pid)
    source.close()
    print(f"source: {len(docs)} documents, {len(ids)} passages with vectors", flush=True)

    home = CACHE / "scale" / "home"
    shutil.rmtree(home.parent, ignore_errors=True)
    library = Library(home)
    catalog = library.catalog
    collection = library._vector_store()._collection
    rng = random.Random(7)
    nprng = np.random.default_rng(7)
    questions = list(dataset.queries.values())
    library.search(questions[0])  # load the embedder before anything is timed

    results: dict[str, object] = {
        "machine": f"{platform.node()} {platform.machine()} {platform.python_version()}",
        "source_passages": len(ids),
        "sizes": {},
    }
    written = 0
    rates: list[tuple[int, float]] = []  # (passages written so far, passages/s of a batch)
    pending: tuple[list[str], list[list[float]], list[dict[str, str | int]]] = ([], [], [])
    copy = 0
    target_sizes = sorted(args.sizes)
    batch_started = time.perf_counter()
    batch_count = 0

    def flush() -> None:
        nonlocal batch_started, batch_count
        if pending[0]:
            collection.upsert(ids=pending[0], embeddings=pending[1], metadatas=pending[2])  # type: ignore[arg-type]
            for part in pending:
                part.clear()
        seconds = time.perf_counter() - batch_started
        if batch_count:
            rates.append((written, batch_count / seconds))
        batch_started, batch_count = time.perf_counter(), 0

    for size in target_sizes:
        while written < size:
            for doc in docs:
                if written >= size:
                    break
                doc_id = f"{doc.doc_id}-{copy}"
                originals = by_doc.get(doc.doc_id, [])
                texts = [
                    passages[p].text if copy == 0 else perturb_text(passages[p].text, rng)
                    for p in originals
                ]
                new_ids = catalog.begin_document(
                    doc_id,
                    doc.title,
                    doc.kind,
                    doc.pages,
                    doc.size,
                    [
                        NewPassage(
                            passages[p].page,
                            passages[p].start,
                            passages[p].end,
                            t,
                            index_terms(f"{doc.title}\n{t}", languages[p]),
                        )
                        for p, t in zip(originals, texts, strict=True)
                    ],
                )
                catalog.add_source(f"/scale/{copy}/{doc.title}", doc_id, 0.0, doc.size)
                catalog.finish_documents([doc_id])
                for new_id, p in zip(new_ids, originals, strict=True):
                    vector = np.asarray(vectors[p])
                    if copy:
                        vector = vector + nprng.normal(0.0, NOISE, vector.shape)
                        vector /= np.linalg.norm(vector)
                    pending[0].append(new_id)
                    pending[1].append(vector.tolist())
                    pending[2].append({"doc_id": doc_id, "page": passages[p].page})
                written += len(originals)
                batch_count += len(originals)
                if len(pending[0]) >= BATCH:
                    flush()
            else:
                copy += 1
        flush()
        results["sizes"][str(size)] = measure(library, questions, home, written, rates)  # type: ignore[index]
        print(json.dumps({size: results["sizes"][str(size)]}, indent=1), flush=True)  # type: ignore[index]
    library.close()
    if not args.keep:
        shutil.rmtree(home.parent, ignore_errors=True)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "scale.json").write_text(json.dumps(results, indent=2), encoding="utf-8")
    return 0


def measure(library, questions: list[str], home: Path, written: int, rates) -> dict[str, object]:  # type: ignore[no-untyped-def]
    figures: dict[str, object] = {"passages": library.catalog.passage_count()}
    for mode in ("fused", "dense", "keyword"):
        seconds = [library.search(q, mode=mode).seconds for q in questions]
        figures[f"{mode}_p50_ms"], figures[f"{mode}_p95_ms"] = p50_p95_ms(seconds)
    figures.update(fts5_baseline(library.catalog, questions))
    tenth = max(1, len(rates) // 10)
    first, last = rates[:tenth], rates[-tenth:]
    figures["write_passages_per_s_first_10pct"] = round(statistics.fmean(r for _, r in first))
    figures["write_passages_per_s_last_10pct"] = round(statistics.fmean(r for _, r in last))
    disk = sum(f.stat().st_size for f in (home / "data").rglob("*") if f.is_file())
    figures["disk_mb"] = round(disk / 1e6, 1)
    figures["disk_mb_per_1000_passages"] = round(disk / 1e6 / written * 1000, 2)
    doc = library.documents()[len(library.documents()) // 2]
    started = time.perf_counter()
    library.remove(doc.doc_id)
    figures["remove_document_s"] = round(time.perf_counter() - started, 3)
    started = time.perf_counter()
    report = library.check(repair=False)
    figures["check_s"] = round(time.perf_counter() - started, 1)
    figures["check_problems_after_remove"] = report.problems
    return figures


def p50_p95_ms(seconds: list[float]) -> tuple[float, float]:
    ordered = sorted(seconds)
    p95 = ordered[int(len(ordered) * 0.95) - 1]
    return round(statistics.median(ordered) * 1000, 1), round(p95 * 1000, 1)


def fts5_baseline(catalog, questions: list[str]) -> dict[str, object]:  # type: ignore[no-untyped-def]
    """Keyword search as it ranked before, by FTS5's own bm25() (`ORDER BY rank`), against
    Quelle's `keyword_search` on the same terms: each question timed both ways, one after
    the other, and the two top tens compared."""
    from quelle.engine.search.question import Question

    def before(q: str) -> list[str]:
        found = catalog.keyword_terms(Question.analyse(q).query_terms)
        if not found:
            return []
        match = " OR ".join(f'"{t}"' for t in found)
        rows = catalog._db().execute(
            "SELECT p.passage_id FROM (SELECT rowid, rank FROM passage_terms"
            " WHERE passage_terms MATCH ? ORDER BY rank LIMIT 10) t"
            " JOIN passages p ON p.rowid = t.rowid ORDER BY t.rank",
            (match,),
        )
        return [r[0] for r in rows]

    timed: dict[str, list[float]] = {"fts5_rank": [], "quelle": []}
    same = 0
    for q in questions:
        started = time.perf_counter()
        old = before(q)
        timed["fts5_rank"].append(time.perf_counter() - started)
        started = time.perf_counter()
        new = [pid for pid, _ in catalog.keyword_search(Question.analyse(q).query_terms, 10)]
        timed["quelle"].append(time.perf_counter() - started)
        same += old == new
    figures: dict[str, object] = {}
    for name, seconds in timed.items():
        p50, p95 = p50_p95_ms(seconds)
        figures[f"keyword_{name}_catalog_p50_ms"] = p50
        figures[f"keyword_{name}_catalog_p95_ms"] = p95
    figures["keyword_top10_same_as_fts5_rank"] = f"{same}/{len(questions)}"
    return figures


if __name__ == "__main__":
    sys.exit(main())
