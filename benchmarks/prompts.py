"""Prompt length against what the prompt keeps, on the SEC 10-Q questions whose gold answer
holds a figure.

For each question the passages Quelle retrieves are put into the prompt whole (as before)
and as excerpts of several sizes; the figures are the median prompt length in the chat
model's own tokens and the share of questions whose prompt still holds a gold figure (the
model cannot state a figure it was not given). Dev and held-out shares are reported apart.

Usage: python benchmarks/prompts.py [--limits 300 400 600]
Writes benchmarks/results/prompts.json.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from abstention import sec_library  # noqa: E402
from answers import figures, holds, load_questions  # noqa: E402
from retrieval import RESULTS  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limits", type=int, nargs="+", default=[300, 400, 600])
    args = parser.parse_args()
    from llama_cpp import Llama

    from quelle.core.catalog import Passage
    from quelle.core.models import bundled_chat_model_path
    from quelle.core.prompts import build_messages, excerpt

    library = sec_library()
    system = library.settings.system_prompt
    vocab = Llama(str(bundled_chat_model_path()), vocab_only=True, verbose=False)

    def tokens(messages: list[dict[str, str]]) -> int:
        text = "".join(f"<|im_start|>{m['role']}\n{m['content']}<|im_end|>\n" for m in messages)
        return len(vocab.tokenize(text.encode(), add_bos=False, special=True))

    variants: dict[str, int | None] = {"whole passages": None}
    variants.update({f"excerpts of {n} chars": n for n in args.limits})
    rows: dict[str, dict[str, list]] = {v: {"dev": [], "held-out": []} for v in variants}  # type: ignore[type-arg]
    for question in load_questions("all", None):
        hits = library.search(question.text).hits
        for name, limit in variants.items():
            passages = [h.passage for h in hits]
            if limit:
                passages = [
                    _with_text(p, excerpt(p.text, question.text, limit), Passage) for p in passages
                ]
            messages = build_messages(question.text, passages, [], system)
            context = "\n".join(p.text for p in passages)
            kept = bool(holds(figures(context, strict=False), question.figures))
            rows[name][question.split].append((tokens(messages), kept))
    library.close()
    table: dict[str, dict] = {}  # type: ignore[type-arg]
    print("median prompt tokens / prompts holding a gold figure (dev | held-out)")
    for name, parts in rows.items():
        table[name] = {
            part: {
                "median_prompt_tokens": statistics.median(t for t, _ in r),
                "holds_gold_figure": round(sum(k for _, k in r) / len(r), 3),
                "questions": len(r),
            }
            for part, r in parts.items()
        }
        cells = " | ".join(
            f"{v['median_prompt_tokens']:6.0f} {v['holds_gold_figure']:6.1%}"
            for v in table[name].values()
        )
        print(f"  {name:22} {cells}")
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "prompts.json").write_text(json.dumps(table, indent=2), encoding="utf-8")
    return 0


def _with_text(p, text: str, cls):  # type: ignore[no-untyped-def]
    return cls(p.passage_id, p.doc_id, p.title, p.path, p.page, p.start, p.end, text)


if __name__ == "__main__":
    sys.exit(main())
