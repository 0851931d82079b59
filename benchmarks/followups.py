"""Follow-up questions on the 20 SEC 10-Q filings: does the second turn of a dialogue find
its sources as often as a question asked on its own?

Dialogues are made from the filings' questions. For each question that names its company
("How has Apple's R&D expenditure …"), the turn before it is the previous question about
the same company, and the follow-up is the question with the company's name replaced by
"its" or "the company" ("How has its R&D expenditure …"), as a user would go on. Each is
searched three ways through `Library.search`:
- on its own, with the name (the first question's hit rate, the figure to match);
- as a follow-up, with the turn before as history (what Quelle does in a conversation);
- as a follow-up without history (what happens if the history were ignored).
File hit: a passage comes from a filing the question is about. Page hit (questions whose
gold answer holds a figure): a passage's page holds a gold figure. Dev and held-out shares
are reported apart.

With `--ttft N`, N dialogues are also answered by the bundled chat model (or `--model`),
and the time to the first token of the first question and of its follow-up is reported:
the fixed system prompt lets llama.cpp reuse its evaluated prefix across turns.

Usage: python benchmarks/followups.py [--ttft 4] [--model PATH.gguf]
Writes benchmarks/results/followups.json.
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from abstention import sec_library  # noqa: E402
from answers import SEC, PageTexts, about, figures, holds  # noqa: E402
from beir import split  # noqa: E402
from retrieval import RESULTS  # noqa: E402

COMPANIES = ("Apple", "Microsoft", "Amazon", "NVIDIA", "Nvidia", "Intel")


def dialogues() -> list[dict[str, object]]:
    """(turn before, question, follow-up, sources, gold figures) for each question that
    names its company, after an earlier question about the same company."""
    with (SEC / "qna_data.csv").open(encoding="utf-8-sig") as f:
        rows = list(csv.DictReader(f))
    last: dict[str, str] = {}
    made = []
    for row in rows:
        text = row["Question"].strip()
        company = next((c for c in COMPANIES if re.search(rf"\b{c}\b", text)), None)
        if company is None:
            continue
        key = company.upper()
        if key in last:
            follow = re.sub(rf"\b{company}'s\b", "its", text)
            follow = re.sub(rf"\b{company}\b", "the company", follow)
            made.append(
                {
                    "before": last[key],
                    "question": text,
                    "followup": follow,
                    "sources": row["Source Docs"],
                    "figures": figures(row["Answer"]),
                    "split": split(text),
                }
            )
        last[key] = text
    return made


def hits(library, pages, question: str, history, dialogue) -> tuple[bool, bool | None]:  # type: ignore[no-untyped-def]
    found = library.search(question, history).hits
    file_hit = any(about(str(dialogue["sources"]), h.passage.path) for h in found)
    gold = dialogue["figures"]
    if not gold:
        return file_hit, None
    page_hit = any(holds(pages.figures(h.passage.doc_id, h.passage.page), gold) for h in found)
    return file_hit, bool(page_hit)


def _pct(share: float | None) -> str:
    return "     -" if share is None else f"{share:6.1%}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ttft", type=int, default=0, help="dialogues answered by the model")
    parser.add_argument("--model", type=Path, help="a GGUF chat model (default: the bundled one)")
    args = parser.parse_args()
    from quelle.protocol.values import Turn

    library = sec_library(chat_model=str(args.model or ""))
    pages = PageTexts(library.catalog)
    made = dialogues()
    ways = ("on its own", "follow-up with history", "follow-up without history")
    found: dict[str, dict[str, list]] = {w: {"dev": [], "held-out": []} for w in ways}  # type: ignore[type-arg]
    for d in made:
        before = [Turn(str(d["before"]), "")]
        for way, text, history in (
            (ways[0], d["question"], []),
            (ways[1], d["followup"], before),
            (ways[2], d["followup"], []),
        ):
            found[way][str(d["split"])].append(hits(library, pages, str(text), history, d))
    table: dict[str, object] = {"dialogues": len(made), "hit_rates": {}}
    print(f"{len(made)} dialogues; file hit % / page hit % (dev | held-out)")
    for way, parts in found.items():
        row = {}
        for part, results in parts.items():
            paged = [p for _, p in results if p is not None]
            row[part] = {
                "file_hit": round(sum(f for f, _ in results) / len(results), 3),
                "page_hit": round(sum(paged) / len(paged), 3) if paged else None,
                "questions": len(results),
            }
        table["hit_rates"][way] = row  # type: ignore[index]
        cells = " | ".join(f"{_pct(v['file_hit'])} {_pct(v['page_hit'])}" for v in row.values())
        print(f"  {way:26} {cells}")
    if args.ttft:
        times: dict[str, list[float]] = {"first question": [], "follow-up": []}
        for d in made[: args.ttft]:
            first = library.ask(str(d["before"]), write=True)
            follow = library.ask(
                str(d["followup"]), [Turn(str(d["before"]), first.text)], write=True
            )
            for name, answer in (("first question", first), ("follow-up", follow)):
                if answer.timings:
                    times[name].append(answer.timings.first_token_seconds)
        table["first_token_s_median"] = {
            k: round(statistics.median(v), 2) if v else None for k, v in times.items()
        }
        print(f"first token, median of {args.ttft}: {table['first_token_s_median']}")
    library.close()
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "followups.json").write_text(json.dumps(table, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
