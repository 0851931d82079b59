"""Awkward PDFs: what becomes of each of the 206 in ../shared/eval/pdf_robustness.

Every PDF is read as ingestion reads it: in the reader process, under its time limit
(`quelle.engine.reading.child.IsolatedReader`). Each lands in one of four outcomes: its text
is read; it needs a password; it is damaged (not a PDF, crashes or loops the reader, or an
encryption Quelle cannot undo); or it holds no text (scanned pages). The same files are read
twice in one run: without passwords (as before), and with the passwords of passwords.json
given as a password file would give them.

Usage: python benchmarks/robustness.py [--timeout SECONDS]
Writes benchmarks/results/robustness.json.
"""

from __future__ import annotations

import argparse
import collections
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from retrieval import RESULTS  # noqa: E402

ROBUSTNESS = Path(__file__).resolve().parents[2] / "shared" / "eval" / "pdf_robustness"
OUTCOMES = ("read", "needs a password", "damaged", "no text")


def outcome(error: Exception | None) -> str:
    from quelle.common.errors import EmptyDocument, PasswordNeeded

    if error is None:
        return "read"
    if isinstance(error, PasswordNeeded):
        return "needs a password"
    if isinstance(error, EmptyDocument):
        return "no text"
    return "damaged"


def tally(files: list[Path], passwords: tuple[str, ...], timeout: float) -> dict[str, list[str]]:
    from functools import partial

    from quelle.common.errors import DocumentError
    from quelle.engine.reading.child import IsolatedReader
    from quelle.engine.reading.documents import read_pages

    reader = IsolatedReader(timeout=timeout, function=partial(read_pages, passwords=passwords))
    found: dict[str, list[str]] = collections.defaultdict(list)
    try:
        for file in files:
            try:
                reader.read(file)
                error: Exception | None = None
            except DocumentError as exc:
                error = exc
            found[outcome(error)].append(str(file.relative_to(ROBUSTNESS)))
    finally:
        reader.close(at_once=True)
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds a file may take")
    args = parser.parse_args()
    files = sorted(ROBUSTNESS.rglob("*.pdf"))
    known = json.loads((ROBUSTNESS / "passwords.json").read_text(encoding="utf-8"))["files"]
    passwords = tuple(sorted({p for v in known.values() for p in v.values() if p}))
    results: dict[str, object] = {"files": len(files), "timeout_seconds": args.timeout}
    for name, given in (("without passwords", ()), ("with the password file", passwords)):
        started = time.monotonic()
        found = tally(files, given, args.timeout)
        results[name] = {o: len(found.get(o, [])) for o in OUTCOMES} | {
            "seconds": round(time.monotonic() - started),
            "files": {o: found.get(o, []) for o in OUTCOMES if o != "read"},
        }
        counts = " / ".join(f"{len(found.get(o, []))} {o}" for o in OUTCOMES)
        print(f"{name}: {counts}", flush=True)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "robustness.json").write_text(json.dumps(results, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
