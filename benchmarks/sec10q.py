"""Retrieval and generation on the 20 SEC 10-Q filings, against a bare baseline in the same run.

(Ingestion against bare reading and encoding is measured by `ingest.py`.)
- retrieval: latency of `search` per question and the share of the 195 questions whose top 5
  passages come from a filing the question is about (file-level hit@5);
- generation: Quelle's `ask` vs bare llama.cpp on the same prompt and token budget.

Usage: python benchmarks/sec10q.py [--questions N]; prints figures, writes
benchmarks/results/sec10q.json.
"""

from __future__ import annotations

import argparse
import csv
import fnmatch
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SEC = REPO.parent / "shared" / "eval" / "sec10q"
APPLE_QUESTION = "What were Apple's total net sales in the third quarter of 2022?"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--questions", type=int, default=195)
    args = parser.parse_args()
    from quelle.engine.library import Library

    results: dict[str, dict] = {}
    files = sorted((SEC / "docs").glob("*.pdf"))
    with tempfile.TemporaryDirectory() as home:
        library = Library(home)
        library.load_models(chat=False)  # model loading is not ingestion
        report = library.ingest(files)
        assert not report.failed, report.failed

        rows = list(csv.DictReader((SEC / "qna_data.csv").open(encoding="utf-8-sig")))
        rows = rows[: args.questions]
        latencies, hits = [], 0
        library.search("warm up")
        for row in rows:
            retrieval = library.search(row["Question"])
            latencies.append(retrieval.seconds * 1000)
            pattern = row["Source Docs"].strip()
            names = {Path(h.passage.path).name for h in retrieval.hits}
            hits += any(
                fnmatch.fnmatch(n, p.strip()) or fnmatch.fnmatch(n, f"*{p.strip()}*")
                for n in names
                for p in pattern.split(",")
            )
        latencies.sort()
        results["retrieval"] = {
            "questions": len(rows),
            "file_hit_at_5": round(hits / len(rows), 3),
            "median_ms": round(statistics.median(latencies), 1),
            "p95_ms": round(latencies[int(0.95 * (len(latencies) - 1))], 1),
        }

        tokens: list[str] = []
        answer = library.ask(APPLE_QUESTION, on_token=tokens.append, write=True)
        t = answer.timings
        cites_income_statement = any(
            Path(h.passage.path).name == "2022 Q3 AAPL.pdf" and h.passage.page == 4
            for h in answer.sources
        )
        results["generation"] = {
            "prompt_tokens": t.prompt_tokens,
            "answer_tokens": t.answer_tokens,
            "first_token_seconds": round(t.first_token_seconds, 2),
            "tokens_per_second": round(t.tokens_per_second, 1),
            "cites_income_statement_page": cites_income_statement,
            **_bare_generation(library, answer, t),
        }
        library.close()

    print(json.dumps(results, indent=2))
    out = REPO / "benchmarks" / "results" / "sec10q.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2))
    return 0


def _bare_generation(library, answer, timings) -> dict:  # type: ignore[no-untyped-def]
    """The same prompt through llama.cpp directly, same token budget, greedy both times."""
    from llama_cpp import Llama

    from quelle.engine.answers.prompts import build_messages
    from quelle.engine.models.bundled import bundled_chat_model_path
    from quelle.engine.search.question import Question

    gen = library.generator()
    messages = build_messages(
        Question.analyse(answer.question),
        [h.passage for h in answer.sources],
        [],
        library.settings.system_prompt,
    )
    prompt, stop = gen.render(messages)
    llm = Llama(str(bundled_chat_model_path()), n_ctx=library.settings.context_size, verbose=False)
    tokens = llm.tokenize(prompt.encode(), add_bos=False, special=True)
    started = time.perf_counter()
    first, count = 0.0, 0
    for _ in llm.create_completion(
        tokens, max_tokens=timings.answer_tokens, temperature=0.2, stop=stop, stream=True
    ):
        count += 1
        first = first or time.perf_counter() - started
    total = time.perf_counter() - started
    bare_tps = (count - 1) / (total - first) if count > 1 else 0.0
    return {
        "bare_first_token_seconds": round(first, 2),
        "bare_tokens_per_second": round(bare_tps, 1),
        "tokens_per_second_ratio_to_bare": round(timings.tokens_per_second / bare_tps, 3)
        if bare_tps
        else None,
    }


if __name__ == "__main__":
    sys.exit(main())
