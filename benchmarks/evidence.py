"""Evidence: do the sentences Quelle quotes before the model's answer hold the answer?

For each question the library's passages are retrieved as for an answer and the evidence is
chosen from them (`quelle.engine.answers.evidence`), without any chat model. Two sets:
- XQuAD-de (German questions on German articles): the share whose evidence holds the gold
  answer's words, and the share whose evidence is German text;
- the SEC 10-Q questions whose gold answer holds a figure: the share whose evidence states a
  gold figure (the page is the quoted sentence's own, so it is a cited page).
Beside each, the ceiling: the share whose retrieved passages hold the answer at all. The cost
is the time choosing the evidence takes per question (embedding the candidate sentences
included), median and 95th percentile.

With --fit the weights are searched on the dev share (both sets together) and printed; the
held-out share is reported with whatever weights the code holds.

Usage: python benchmarks/evidence.py [--fit] [--limit N]
Writes benchmarks/results/evidence.json.
"""

from __future__ import annotations

import argparse
import itertools
import json
import pickle
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import beir  # noqa: E402
from abstention import sec_library  # noqa: E402
from answers import sec_items, xquad_items  # noqa: E402
from retrieval import RESULTS, library_for  # noqa: E402

MAX_CHARS = 450  # evidence a person reads at a glance, before the answer


@dataclass
class Case:
    set: str
    part: str
    found: list  # type: ignore[type-arg]  # evidence candidates
    similarity: list[float]
    holding: list[bool]  # whether each candidate holds the answer
    ceiling: bool  # whether the retrieved passages hold it at all
    german: list[bool]  # whether each candidate is German text
    seconds: float


def collect(library, items, name: str) -> list[Case]:  # type: ignore[no-untyped-def]
    from quelle.engine.answers.evidence import candidates, choose, similarities
    from quelle.engine.search.language import detect_language
    from quelle.engine.search.question import Question

    embed = library.embedder().embed
    cases = []
    for text, part, answered in items:
        question = Question.analyse(text)
        hits = library.search(question).hits
        started = time.perf_counter()
        choose(question, hits, embed)  # what an answer costs: the shortlist is embedded
        seconds = time.perf_counter() - started
        found = candidates(question, hits)
        sims = similarities(question, found, embed)  # every candidate, to fit the shortlist
        cases.append(
            Case(
                name,
                part,
                found,
                sims,
                [answered(c.text) for c in found],
                answered("\n".join(h.passage.text for h in hits)),
                [detect_language(c.text) == "de" for c in found],
                seconds,
            )
        )
    return cases


def score(cases: list[Case], weights) -> dict[str, dict[str, float]]:  # type: ignore[no-untyped-def]
    from quelle.engine.answers.evidence import pick, shortlist

    rows: dict[str, dict[str, list[tuple[bool, bool, bool, int, float]]]] = {}
    for c in cases:
        listed = {id(f) for f in shortlist(c.found, weights)}
        kept = [(f, s) for f, s in zip(c.found, c.similarity, strict=True) if id(f) in listed]
        quotes = pick([f for f, _ in kept], [s for _, s in kept], weights)
        chosen = [
            i for i, f in enumerate(c.found) for q in quotes if (f.n, f.start) == (q.n, q.start)
        ]
        held = any(c.holding[i] for i in chosen)
        german = bool(chosen) and all(c.german[i] for i in chosen)
        chars = sum(len(q.text) for q in quotes)
        rows.setdefault(c.set, {}).setdefault(c.part, []).append(
            (held, c.ceiling, german, chars, c.seconds)
        )
    table: dict[str, dict[str, float]] = {}
    for name, parts in rows.items():
        for part, r in parts.items():
            table[f"{name} {part}"] = {
                "questions": len(r),
                "evidence_holds_answer": round(sum(x[0] for x in r) / len(r), 3),
                "ceiling": round(sum(x[1] for x in r) / len(r), 3),
                "german_text": round(sum(x[2] for x in r) / len(r), 3),
                "median_evidence_chars": statistics.median(x[3] for x in r),
                "choose_ms_p50": round(1000 * statistics.median(x[4] for x in r), 1),
                "choose_ms_p95": round(1000 * statistics.quantiles([x[4] for x in r], n=20)[-1], 1),
            }
    return table


def fit(cases: list[Case]):  # type: ignore[no-untyped-def]
    """The weights that quote the answer most often on the dev share, each set counting
    alike, with evidence of at most MAX_CHARS characters at the median."""
    from quelle.engine.answers.evidence import Weights

    dev = [c for c in cases if c.part == "dev"]
    best, best_key = Weights(), (-1.0, 0.0)
    for similarity, terms, names, rank, second, most, passages in itertools.product(
        (0.0, 1.0), (0.0, 0.3, 0.6, 1.0), (0.0, 0.3), (0.0, 0.15, 0.3, 0.6),
        (0.6, 0.75, 0.85, 0.95), (1, 2, 3), (3, 5),
    ):  # fmt: skip
        weights = Weights(similarity, terms, names, rank, second, most, passages)
        table = score(dev, weights)
        rate = statistics.mean(v["evidence_holds_answer"] for v in table.values())
        chars = max(v["median_evidence_chars"] for v in table.values())
        if chars <= MAX_CHARS and (rate, -chars) > best_key:
            best, best_key = weights, (rate, -chars)
    return best, best_key


def answers(library, items, name: str, count: int) -> dict[str, object]:  # type: ignore[no-untyped-def]
    """The first `count` dev questions asked in full, the chat model writing: does its answer
    hold the gold answer as often as the evidence quoted before it?"""
    from quelle.engine.search.language import detect_language

    rows = []
    for text, part, answered in items:
        if part != "dev" or len(rows) >= count:
            continue
        answer = library.ask(text, write=True)
        if not answer.found:
            continue
        shown = "\n".join(q.text for q in answer.evidence)
        rows.append(
            (
                answered(shown),
                answered(answer.text),
                detect_language(answer.text) == detect_language(text),
                answer.timings.total_seconds if answer.timings else 0.0,
            )
        )
    n = len(rows) or 1
    return {
        "set": name,
        "questions": len(rows),
        "evidence_holds_answer": round(sum(r[0] for r in rows) / n, 3),
        "model_answer_holds_answer": round(sum(r[1] for r in rows) / n, 3),
        "model_answer_in_question_language": round(sum(r[2] for r in rows) / n, 3),
        "median_model_seconds": round(statistics.median(r[3] for r in rows), 1) if rows else None,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fit", action="store_true")
    parser.add_argument("--limit", type=int, default=0, help="questions per set (0: all)")
    parser.add_argument("--cases", type=Path, help="keep what was retrieved in this file")
    parser.add_argument(
        "--answers", type=int, default=0, help="also ask N dev questions a set in full"
    )
    args = parser.parse_args()
    from quelle.engine.answers.evidence import WEIGHTS

    xquad = beir.load("xquad_de")
    de = xquad_items(xquad.queries)
    sec = sec_items()
    if args.limit:
        de, sec = de[: args.limit], sec[: args.limit]
    cached = args.cases is not None and args.cases.exists()
    asked = []
    if not cached or args.answers:
        german, library = library_for(xquad, sorted(xquad.corpus)), sec_library()
        if not cached:
            cases = collect(german, de, "xquad_de") + collect(library, sec, "sec10q")
            if args.cases:
                args.cases.write_bytes(pickle.dumps(cases))
        if args.answers:
            asked = [
                answers(german, de, "xquad_de", args.answers),
                answers(library, sec, "sec10q", args.answers),
            ]
        german.close()
        library.close()
    if cached:
        cases = pickle.loads(args.cases.read_bytes())
    results: dict[str, object] = {}
    if args.fit:
        weights, (rate, _) = fit(cases)
        print(f"fitted on dev: {weights} (mean share quoting the answer {rate:.1%})")
        results["fitted"] = {f: getattr(weights, f) for f in weights.__slots__}
    results["weights"] = {f: getattr(WEIGHTS, f) for f in WEIGHTS.__slots__}
    table = score(cases, WEIGHTS)
    results["table"] = table
    if asked:
        results["answers"] = asked
        print("asked in full (dev): evidence / model's answer hold the answer, answer language")
        for row in asked:
            print(
                f"  {row['set']:9} {row['evidence_holds_answer']:6.1%} / "
                f"{row['model_answer_holds_answer']:6.1%}  "
                f"{row['model_answer_in_question_language']:6.1%}  ({row['questions']} questions,"
                f" median {row['median_model_seconds']} s a model answer)"
            )
    print("set, share: evidence holds the answer / ceiling / German text / chars / ms p50 p95")
    for key, v in sorted(table.items()):
        print(
            f"  {key:18} {v['evidence_holds_answer']:6.1%} / {v['ceiling']:6.1%} / "
            f"{v['german_text']:6.1%} / {v['median_evidence_chars']:5.0f} / "
            f"{v['choose_ms_p50']:5.1f} {v['choose_ms_p95']:5.1f}  ({v['questions']} questions)"
        )
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / ("evidence_smoke.json" if args.limit else "evidence.json")
    out.write_text(json.dumps(results, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
