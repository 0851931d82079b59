"""Faithfulness: does the check of an answer's sentences mark the altered ones unsupported
and leave the faithful ones alone?

The set (`benchmarks/data/faithfulness.jsonl`, written for this benchmark) holds answer
sentences about real passages (10-Q pages, XQuAD-de articles, SciFact abstracts and the
guide), half faithful (copied or paraphrased) and half altered: a negation reversed, a
wrong year, a figure from the other column or another row, another subject, a changed
figure. Each sentence is checked against its passage alone, as the answer check does
(`quelle.engine.answers.citations.attribute`). The baseline is the same check on words and
figures only (the meaning checks switched off), in the same run. With --checker FOLDER an
entailment model decides as well (a third column, with its cost per sentence).

Usage: python benchmarks/faithfulness.py [--checker FOLDER]
Writes benchmarks/results/faithfulness.json.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from beir import split  # noqa: E402
from retrieval import RESULTS  # noqa: E402

DATA = Path(__file__).resolve().parent / "data" / "faithfulness.jsonl"


def run(rows: list[dict], meaning: bool, entails=None) -> dict[str, dict[str, float]]:  # type: ignore[no-untyped-def,type-arg]
    from quelle.engine.answers import citations

    real = citations._differs
    if not meaning:
        citations._differs = lambda *args: False  # type: ignore[assignment]
    try:
        marks = []
        started = time.perf_counter()
        for row in rows:
            result = citations.attribute(row["sentence"], [row["passage"]], entails)
            marks.append(bool(result.unsupported))
        seconds = (time.perf_counter() - started) / len(rows)
    finally:
        citations._differs = real  # type: ignore[assignment]
    groups: dict[str, list[tuple[dict, bool]]] = {}  # type: ignore[type-arg]
    for row, marked in zip(rows, marks, strict=True):
        for key in ("all", split(row["id"]), f"lang {row['lang']}", f"kind {row['kind']}"):
            groups.setdefault(key, []).append((row, marked))
    table: dict[str, dict[str, float]] = {}
    for key, items in groups.items():
        altered = [m for r, m in items if not r["faithful"]]
        faithful = [m for r, m in items if r["faithful"]]
        table[key] = {
            "altered": len(altered),
            "altered_caught": round(sum(altered) / len(altered), 3) if altered else None,
            "faithful": len(faithful),
            "faithful_flagged": round(sum(faithful) / len(faithful), 3) if faithful else None,
        }
    table["all"]["ms_per_sentence"] = round(1000 * seconds, 2)
    return table


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--checker", type=Path, help="an entailment model's folder")
    args = parser.parse_args()
    rows = [json.loads(line) for line in DATA.read_text(encoding="utf-8").splitlines() if line]
    results = {"meaning": run(rows, True), "words only": run(rows, False)}
    if args.checker:
        from quelle.engine.models.entailment import EntailmentModel

        model = EntailmentModel(args.checker)
        results[f"model {model.model_id}"] = run(rows, True, model.entails)
    order = ["all", "dev", "held-out", "lang en", "lang de"]
    order += sorted(k for k in results["meaning"] if k.startswith("kind"))
    print("altered sentences caught / faithful sentences flagged (meaning checks | words only)")
    for key in order:
        cells = []
        for variant in results.values():
            v = variant[key]
            caught = "   -  " if v["altered_caught"] is None else f"{v['altered_caught']:6.1%}"
            flagged = "   -  " if v["faithful_flagged"] is None else f"{v['faithful_flagged']:6.1%}"
            cells.append(f"{caught} {flagged}")
        n = results["meaning"][key]
        print(
            f"  {key:16} {' | '.join(cells)}   ({n['altered']} altered, {n['faithful']} faithful)"
        )
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "faithfulness.json").write_text(json.dumps(results, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
