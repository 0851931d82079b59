"""Retrieval quality through Quelle's own path, on SciFact (English) and XQuAD-de (German).

Each corpus document becomes one text file (title and text), ingested by `Library.ingest`
as a user would add a folder; each query goes through `Library.search`, and the passages
found are mapped back to their files. One run gives the ablation: dense only, keyword
only, fused (the default) and, where a re-ranker is configured, fused + re-ranked.
Figures are nDCG@10, Recall@10 and MRR@10 on the dev queries, the held-out queries (never
used for tuning) and all; the LangChain peer (`peer/langchain_peer.py`, its own
environment) is read from its results file when present and reported as a ratio.

Usage: python benchmarks/retrieval.py [--sets scifact xquad_de] [--limit N] [--smoke]
                                      [--chroma-url http://127.0.0.1:8000]
Writes benchmarks/results/retrieval.json (retrieval_server.json for libraries on a server).
Ingested libraries are kept in $TMPDIR/quelle-bench/ and reused while the corpus and chunk
settings are unchanged.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import beir  # noqa: E402

RESULTS = beir.REPO / "benchmarks" / "results"
CACHE = Path(tempfile.gettempdir()) / "quelle-bench"
SMOKE_QUERIES = 40


def library_for(  # type: ignore[no-untyped-def]
    dataset: beir.RetrievalSet, docs: list[str], chroma_url: str = "", int8: bool = False
):
    """A library holding one file per document, ingested once and then reused; with
    `chroma_url`, kept on that Chroma server; with `int8`, embedded by the int8 encoder."""
    from quelle.common.settings import Settings
    from quelle.engine.library import Library

    s = Settings()
    keyed: list[object] = [dataset.name, docs, s.chunk_tokens, s.chunk_overlap]
    key = hashlib.sha256(json.dumps(keyed + (["int8"] if int8 else [])).encode()).hexdigest()[:12]
    home = CACHE / f"{dataset.name}-{key}"
    files = home / "files"
    done = home / "ingested"
    if chroma_url:
        name = f"{dataset.name.replace('_', '-')}-{key}"
        home = CACHE / f"{name}-server"
        done = home / "ingested"
        s = s.replace(chroma_url=f"{chroma_url.rstrip('/')}/{name}")
    library = Library(home / "home", settings=s, int8=int8)
    if not done.exists():
        files.mkdir(parents=True, exist_ok=True)
        for doc_id in docs:
            title, text = dataset.corpus[doc_id]
            (files / f"{doc_id}.txt").write_text(f"{title}\n\n{text}", encoding="utf-8")
        started = time.perf_counter()
        report = library.ingest([files])
        print(
            f"  ingested {len(report.added)} files in {time.perf_counter() - started:.0f} s"
            f" ({len(report.failed)} failed)",
            flush=True,
        )
        done.touch()
    return library


def run_mode(
    library, dataset: beir.RetrievalSet, queries: dict[str, str], mode: str, limit: int
) -> tuple[dict[str, list[str]], list[float]]:  # type: ignore[no-untyped-def]
    run: dict[str, list[str]] = {}
    seconds: list[float] = []
    for qid, text in queries.items():
        retrieval = library.search(text, limit=limit, mode=mode)
        seconds.append(retrieval.seconds)
        run[qid] = [Path(h.passage.path).stem for h in retrieval.hits]
    return run, seconds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sets", nargs="+", default=["scifact", "xquad_de"])
    parser.add_argument(
        "--limit",
        type=int,
        default=None,
        help="passages per question (default: the settings' default, 5)",
    )
    parser.add_argument(
        "--smoke",
        action="store_true",
        help=f"{SMOKE_QUERIES} queries on a corpus cut to their documents",
    )
    parser.add_argument(
        "--chroma-url",
        default="",
        help="keep the libraries on this Chroma server (`chroma run`) instead of on disk",
    )
    parser.add_argument(
        "--int8",
        action="store_true",
        help="libraries embedded by the int8 encoder (the default for new libraries); "
        "without it, by torch",
    )
    args = parser.parse_args()
    from quelle.common.settings import Settings

    limit = args.limit or Settings().passages_per_answer
    peer = _peer_results()
    results: dict[str, object] = {
        "machine": f"{platform.node()} {platform.machine()} {platform.python_version()}",
        "passages_per_question": limit,
        "smoke": args.smoke,
        "chroma_url": args.chroma_url,
        "encoder": "onnx-int8" if args.int8 else "torch",
        "sets": {},
    }
    for name in args.sets:
        dataset = beir.load(name)
        queries = dataset.queries
        docs = sorted(dataset.corpus)
        if args.smoke:
            queries = dict(sorted(queries.items())[:SMOKE_QUERIES])
            docs = sorted(
                {d for q in queries for d in dataset.qrels[q]} | set(sorted(dataset.corpus)[:200])
            )
        qrels = {q: dataset.qrels[q] for q in queries}
        print(f"{name}: {len(docs)} documents, {len(queries)} queries", flush=True)
        library = library_for(dataset, docs, args.chroma_url, args.int8)
        modes = ["dense", "keyword", "fused"]
        if library.settings.reranker_model:
            modes.append("reranked")
        table: dict[str, object] = {}
        for mode in modes:
            run, seconds = run_mode(library, dataset, queries, mode, limit)
            table[mode] = {
                **beir.by_split(run, qrels),
                "median_ms": round(statistics.median(seconds) * 1000, 1),
            }
        library.close()
        if name in peer and not args.smoke:  # written by peer/langchain_peer.py
            peer_all = peer[name]["metrics"]["all"]["ndcg@10"]
            table["peer"] = peer[name]["metrics"]
            table["fused_to_peer_ndcg"] = round(table["fused"]["all"]["ndcg@10"] / peer_all, 3)
        results["sets"][name] = table  # type: ignore[index]
        _print(name, table)
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / (
        ("retrieval_smoke" if args.smoke else "retrieval")
        + ("_server" if args.chroma_url else "")
        + ("_int8" if args.int8 else "")
        + ".json"
    )
    out.write_text(json.dumps(results, indent=2), encoding="utf-8")
    print(f"wrote {out}")
    return 0


def _peer_results() -> dict[str, dict]:  # type: ignore[type-arg]
    path = RESULTS / "langchain_peer.json"
    if not path.exists():
        return {}
    return json.loads(path.read_text(encoding="utf-8")).get("sets", {})


def _print(name: str, table: dict) -> None:  # type: ignore[type-arg]
    print(f"\n{name}: nDCG@10 / Recall@10 / MRR@10 (dev | held-out | all), median latency")
    for mode, row in table.items():
        if not isinstance(row, dict) or "all" not in row:
            continue
        cells = " | ".join(
            f"{row[part]['ndcg@10']:.3f} {row[part]['recall@10']:.3f} {row[part]['mrr@10']:.3f}"
            for part in ("dev", "held-out", "all")
        )
        print(f"  {mode:9} {cells}   {row.get('median_ms', '-')} ms")
    if "fused_to_peer_ndcg" in table:
        print(f"  fused / LangChain peer nDCG@10: {table['fused_to_peer_ndcg']}")


if __name__ == "__main__":
    sys.exit(main())
