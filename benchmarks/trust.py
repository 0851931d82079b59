"""Every measurement of whether Quelle's answers can be trusted, from one command.

Runs, one after the other and each in its own process: retrieval quality (`retrieval.py`,
SciFact and XQuAD-de against the LangChain peer's last figures), abstention
(`abstention.py`), prompt length against what the prompt keeps (`prompts.py`), the
evidence quoted before each answer (`evidence.py`), the check of answers' claims against
written faithful and altered sentences (`faithfulness.py`), follow-up
questions (`followups.py`, with the first token of three follow-ups timed), the cost
of re-ranking (`rerank_latency.py`) and, unless `--answers 0`, the answer benchmark on
the 10-Q filings with the bundled chat model or `--model`. Each prints its own table and
writes its JSON to benchmarks/results/; this script adds trust.json, saying what ran, how
long it took and whether it succeeded.

Usage: python benchmarks/trust.py [--answers N] [--model PATH.gguf]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--answers", type=int, default=20, help="answer-benchmark questions")
    parser.add_argument("--model", type=Path, help="a GGUF chat model for the answers")
    args = parser.parse_args()
    steps = [
        ["retrieval.py"],
        ["abstention.py"],  # fitted on XQuAD-de and the filings, SciFact never fitted on
        ["prompts.py", "--limits", "250", "400", "600", "--first-token", "24"],
        ["evidence.py", "--fit", "--answers", "15"],
        ["faithfulness.py"],
        ["followups.py", "--ttft", "3"],
        ["rerank_latency.py"],
    ]
    if args.answers:
        answers = ["answers.py", "--questions", str(args.answers)]
        steps.append(answers + (["--model", str(args.model)] if args.model else []))
    ran = []
    for step in steps:
        print(f"\n=== {' '.join(step)}", flush=True)
        started = time.perf_counter()
        code = subprocess.run([sys.executable, str(HERE / step[0]), *step[1:]]).returncode
        ran.append({"command": step, "exit": code, "seconds": round(time.perf_counter() - started)})
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "trust.json").write_text(json.dumps(ran, indent=2), encoding="utf-8")
    failed = [" ".join(r["command"]) for r in ran if r["exit"]]
    print("\nall ran" if not failed else f"\nfailed: {'; '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
