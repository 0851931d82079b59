"""Ingestion against the bare encoder, in the same run, with the peak memory of all processes.

For each set of files, separate processes each:
- `quelle`: `Library.ingest` of the folder into a fresh library (models loaded first: loading
  is not ingestion), this checkout and, with `--baseline REV`, that revision;
- `encode`: bare sentence-transformers `encode` (its defaults: batch 32, length-sorted) of
  exactly the passages Quelle stored, as Quelle embeds them (file name first);
- `read`: bare reading of the files, for sets of PDFs, where the floor is read + encode.
Peak memory is the largest sum of resident memory over a process and its children, sampled
every 0.1 s. Each bare run is done twice, before and after the Quelle runs, and averaged.

Sets: `scifact` (one text file per abstract, `--limit` of them), `sec10q` (the 20 10-Q
PDFs), `small` (10,000 files of one or two sentences cut from SciFact abstracts).

Usage: python benchmarks/ingest.py [--sets scifact sec10q small] [--limit N] [--baseline REV]
Writes benchmarks/results/ingest.json.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import beir  # noqa: E402

RESULTS = beir.REPO / "benchmarks" / "results"
WORK = Path(tempfile.gettempdir()) / "quelle-bench" / "ingest"
SMALL_FILES = 10_000


# --- the sets --------------------------------------------------------------------------------


def scifact_files(limit: int | None) -> Path:
    corpus = beir.load("scifact").corpus
    ids = sorted(corpus)[:limit] if limit else sorted(corpus)
    folder = WORK / f"scifact-{len(ids)}"
    if not (folder / ".complete").exists():
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        for doc_id in ids:
            title, text = corpus[doc_id]
            (folder / f"{doc_id}.txt").write_text(f"{title}\n\n{text}", encoding="utf-8")
        (folder / ".complete").touch()
    return folder


def small_files(count: int = SMALL_FILES) -> Path:
    """`count` files of one or two sentences each: a folder of notes, not of reports."""
    folder = WORK / f"small-{count}"
    if (folder / ".complete").exists():
        return folder
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    corpus = beir.load("scifact").corpus
    made = 0
    for doc_id in sorted(corpus):
        sentences = re.split(r"(?<=[.!?])\s+", corpus[doc_id][1])
        for n in range(0, len(sentences) - 1, 2):
            text = " ".join(sentences[n : n + 2]).strip()
            if len(text) < 40:
                continue
            sub = folder / f"{made // 1000:02d}"
            sub.mkdir(exist_ok=True)
            (sub / f"note-{made:05d}.txt").write_text(text, encoding="utf-8")
            made += 1
            if made == count:
                (folder / ".complete").touch()
                return folder
    raise SystemExit(f"SciFact gave only {made} notes")


def sec_files() -> Path:
    return beir.EVAL / "sec10q" / "docs"


# --- one measured process ----------------------------------------------------------------------


def measure(argv: list[str], env: dict[str, str] | None = None) -> dict:
    """Run a child of this script; returns its JSON line plus the peak memory of its tree."""
    import psutil

    process = subprocess.Popen(
        [sys.executable, __file__, *argv],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, **(env or {})},
    )
    root = psutil.Process(process.pid)
    peak = 0
    while process.poll() is None:
        with contextlib.suppress(psutil.Error):
            peak = max(peak, sum(_rss(p) for p in [root, *root.children(recursive=True)]))
        time.sleep(0.1)
    out = process.stdout.read() if process.stdout else ""
    if process.returncode:
        raise SystemExit(f"{argv} failed with status {process.returncode}")
    result = json.loads(out.strip().splitlines()[-1])
    result["peak_mb"] = round(peak / 2**20)
    return result


def _rss(process) -> int:  # type: ignore[no-untyped-def]
    import psutil

    try:
        return int(process.memory_info().rss)
    except psutil.Error:  # it ended between listing and asking
        return 0


def child_quelle(folder: str, home: str) -> dict:
    from quelle.engine.library import Library

    library = Library(home)
    library.load_models(chat=False)
    started = time.perf_counter()
    report = library.ingest([folder])
    seconds = time.perf_counter() - started
    library.close()
    return {
        "seconds": round(seconds, 2),
        "files": len(report.added),
        "failed": len(report.failed),
        "passages": report.passages,
    }


def stored_texts(home: str, out: str) -> None:
    """The passages of the library at `home`, as Quelle embedded them, into a JSON file."""
    from quelle.engine.ingestion import with_header
    from quelle.engine.library import Library

    library = Library(home)
    catalog = library.catalog
    texts = []
    for doc in catalog.documents():
        passages = catalog.passages(catalog.passage_ids(doc.doc_id))
        texts.extend(with_header(doc.title, p.text) for p in passages.values())
    library.close()
    Path(out).write_text(json.dumps(texts), encoding="utf-8")


def child_encode(texts_file: str) -> dict:
    from quelle.common.offline import enforce_offline

    enforce_offline()
    from sentence_transformers import SentenceTransformer

    from quelle.engine.models.bundled import bundled_embedder_path

    texts = json.loads(Path(texts_file).read_text(encoding="utf-8"))
    model = SentenceTransformer(str(bundled_embedder_path()), device="cpu", local_files_only=True)
    model.encode(texts[:32])  # warm-up, as Quelle's models are loaded before timing
    started = time.perf_counter()
    model.encode(texts, normalize_embeddings=True, show_progress_bar=False)
    return {"seconds": round(time.perf_counter() - started, 2), "passages": len(texts)}


def child_read(folder: str) -> dict:
    from quelle.engine.reading.documents import read_pages

    files = sorted(p for p in Path(folder).rglob("*") if p.is_file() and p.name[0] != ".")
    started = time.perf_counter()
    pages = sum(len(read_pages(f)) for f in files)
    return {"seconds": round(time.perf_counter() - started, 2), "pages": pages}


# --- the runs ----------------------------------------------------------------------------------


def checkout(revision: str) -> Path:
    """The `app` folder of `revision`, in a worktree kept beside the results."""
    commit = subprocess.run(
        ["git", "-C", str(beir.REPO), "rev-parse", "--short", revision],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    tree = WORK / f"rev-{commit}"
    if not tree.exists():
        subprocess.run(
            ["git", "-C", str(beir.REPO), "worktree", "add", "--detach", str(tree), commit],
            check=True,
            capture_output=True,
        )
    return tree / "app"


def run_set(name: str, folder: Path, baseline: str | None, pdfs: bool) -> dict:
    with tempfile.TemporaryDirectory() as scratch:
        texts = str(Path(scratch) / "texts.json")
        bare: list[dict] = []
        reads: list[dict] = []
        print(f"{name}: Quelle", flush=True)
        quelle = measure(["--child", "quelle", str(folder), f"{scratch}/now"])
        print(f"  {quelle}", flush=True)
        stored_texts(f"{scratch}/now", texts)
        bare.append(measure(["--child", "encode", texts]))
        print(f"  bare encode {bare[-1]}", flush=True)
        if pdfs:
            reads.append(measure(["--child", "read", str(folder)]))
            print(f"  bare read {reads[-1]}", flush=True)
        before = None
        if baseline:
            app = checkout(baseline)
            before = measure(
                ["--child", "quelle", str(folder), f"{scratch}/before"],
                {"PYTHONPATH": str(app)},
            )
            print(f"  baseline {baseline}: {before}", flush=True)
        bare.append(measure(["--child", "encode", texts]))
        print(f"  bare encode {bare[-1]}", flush=True)
        if pdfs:
            reads.append(measure(["--child", "read", str(folder)]))
    encode_s = sum(b["seconds"] for b in bare) / len(bare)
    read_s = sum(r["seconds"] for r in reads) / len(reads) if reads else 0.0
    floor = encode_s + read_s
    row = {
        "files": quelle["files"],
        "failed": quelle["failed"],
        "passages": quelle["passages"],
        "quelle_seconds": quelle["seconds"],
        "quelle_peak_mb": quelle["peak_mb"],
        "bare_encode_seconds": [b["seconds"] for b in bare],
        "bare_encode_peak_mb": max(b["peak_mb"] for b in bare),
        "bare_read_seconds": [r["seconds"] for r in reads],
        "ratio_to_bare": round(quelle["seconds"] / floor, 3),
        "floor": "read + encode" if pdfs else "encode",
    }
    if before:
        row |= {
            "baseline": baseline,
            "baseline_seconds": before["seconds"],
            "baseline_peak_mb": before["peak_mb"],
            "baseline_ratio_to_bare": round(before["seconds"] / floor, 3),
            "ratio_to_baseline": round(quelle["seconds"] / before["seconds"], 3),
        }
    return row


def main() -> int:
    if len(sys.argv) > 2 and sys.argv[1] == "--child":
        kind, args = sys.argv[2], sys.argv[3:]
        if kind == "quelle":
            result = child_quelle(args[0], args[1])
        elif kind == "encode":
            result = child_encode(args[0])
        else:
            result = child_read(args[0])
        print(json.dumps(result))
        return 0
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sets", nargs="+", default=["scifact", "sec10q", "small"])
    parser.add_argument("--limit", type=int, help="SciFact abstracts (default: all 5,183)")
    parser.add_argument("--small", type=int, default=SMALL_FILES, help="files in the small set")
    parser.add_argument("--baseline", help="a revision to measure in the same run")
    args = parser.parse_args()
    WORK.mkdir(parents=True, exist_ok=True)
    results: dict = {
        "machine": f"{platform.machine()}, {os.cpu_count()} cores",
        "python": platform.python_version(),
    }
    folders = {
        "scifact": lambda: (scifact_files(args.limit), False),
        "sec10q": lambda: (sec_files(), True),
        "small": lambda: (small_files(args.small), False),
    }
    for name in args.sets:
        folder, pdfs = folders[name]()
        results[name] = run_set(name, folder, args.baseline, pdfs)
        print(json.dumps({name: results[name]}, indent=2), flush=True)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "ingest.json").write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
