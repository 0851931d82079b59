"""Huge files: the memory and time of cutting one into passages, as the reader process does
it (`quelle.engine.reading.preparation.prepare_file`, the embedder's own tokenizer).

Quelle cuts a long text file into pages of `TEXT_PAGE_CHARS` and each page into passages;
before, the whole file was one page, tokenised in one go. Each measurement runs in a fresh
process, which reports its own peak resident memory; the file is generated (varied
paragraphs of English prose). The whole-file baseline runs at the smaller size only: at
100 MB it needs more memory than a laptop has. A PDF of 1,500 pages is made from the pages
of a real 10-Q filing, repeated.

Usage: python benchmarks/awkward.py [--sizes 10 100] [--pdf-pages 1500]
Writes benchmarks/results/awkward.json.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from retrieval import RESULTS  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]


def write_text(path: Path, megabytes: float) -> None:
    words = (ROOT / "README.md").read_text(encoding="utf-8").split()
    rng = random.Random(0)
    size, written = int(megabytes * 2**20), 0
    with path.open("w", encoding="utf-8") as out:
        while written < size:
            n = rng.randint(40, 120)
            paragraph = " ".join(rng.choice(words) for _ in range(n)) + ".\n\n"
            out.write(paragraph)
            written += len(paragraph)


def write_pdf(path: Path, pages: int) -> None:
    from pypdf import PdfReader, PdfWriter

    filing = PdfReader(ROOT.parent / "shared" / "eval" / "sec10q" / "docs" / "2022 Q3 AAPL.pdf")
    writer = PdfWriter()
    for n in range(pages):
        writer.add_page(filing.pages[n % len(filing.pages)])
    writer.write(path)


def whole_file(path: Path):  # type: ignore[no-untyped-def]
    """The file as one page, as Quelle read text files before."""
    from quelle.engine.reading.documents import Page, decode_text

    return [Page(1, decode_text(path.read_bytes()))]


def measure_one(path: Path, mode: str) -> None:
    """In the child: cut `path` into passages and print what it cost."""
    from dataclasses import replace

    from quelle.engine.library import Library

    with tempfile.TemporaryDirectory() as home:
        library = Library(Path(home))
        cutting = library._ingestor()._reader._function.keywords["cutting"]  # type: ignore[attr-defined]
        if mode == "whole file":
            cutting = replace(cutting, read=whole_file)
        from quelle.engine.reading.preparation import prepare_file

        started = time.perf_counter()
        prepared = prepare_file(path, cutting=cutting)
        seconds = time.perf_counter() - started
        library.close()
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"passages": len(prepared.passages), "pages": prepared.pages,
                      "seconds": round(seconds, 1), "peak_mb": round(peak_mb)}))  # fmt: skip


def measure(path: Path, mode: str) -> dict[str, float]:
    """Cut `path` into passages in a fresh process; what it cost."""
    out = subprocess.run(
        [sys.executable, __file__, "--one", str(path), mode],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    figures: dict[str, float] = json.loads(out.strip().splitlines()[-1])
    figures["file_mb"] = round(path.stat().st_size / 2**20, 2)
    print(
        f"{path.name}, {mode}: {figures['passages']} passages in {figures['seconds']} s, "
        f"peak {figures['peak_mb']} MB",
        flush=True,
    )
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=float, nargs="+", default=[10, 100])
    parser.add_argument("--pdf-pages", type=int, default=1500)
    parser.add_argument("--one", nargs=2, metavar=("FILE", "MODE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        measure_one(Path(args.one[0]), args.one[1])
        return 0
    results: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory() as folder:
        for megabytes in args.sizes:
            path = Path(folder) / f"export-{megabytes:g}mb.txt"
            write_text(path, megabytes)
            modes = ["pages"] + (["whole file"] if megabytes == min(args.sizes) else [])
            for mode in modes:
                results[f"{megabytes:g} MB, {mode}"] = measure(path, mode)
        if args.pdf_pages:
            pdf = Path(folder) / f"filing-{args.pdf_pages}-pages.pdf"
            write_pdf(pdf, args.pdf_pages)
            results[f"PDF of {args.pdf_pages:,} pages"] = measure(pdf, "pages")
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "awkward.json").write_text(json.dumps(results, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
