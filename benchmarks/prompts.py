"""Prompt length against what the prompt keeps.

For each question the passages Quelle retrieves are put into the prompt whole (as before)
and as excerpts of several sizes. Two question sets:
- the SEC 10-Q questions whose gold answer holds a figure: the median prompt length in the
  chat model's own tokens, and the share of questions whose prompt still holds a gold
  figure (the model cannot state a figure it was not given);
- the XQuAD-de questions: the share whose prompt still holds the gold answer's words, the
  plainest test of whether the answer-bearing passage was kept.
Dev and held-out shares are reported apart.

"Around the evidence" is what Quelle sends with `passage_chars` set: each quoted source
shown around its evidence sentences, the others excerpted as before.

With --first-token N, the built-in chat model reads the prompts of N XQuAD-de questions, whole
and around the evidence, in turns, and the time to its first word is reported for each; the
time a 1.5B model would take is estimated from it by the ratio of their weights (reading a
prompt costs about two operations per weight and token), not measured: no such model is on
this machine.

Usage: python benchmarks/prompts.py [--limits 300 400 600] [--first-token 24]
Writes benchmarks/results/prompts.json.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import beir  # noqa: E402
from abstention import sec_library  # noqa: E402
from answers import sec_items, xquad_items  # noqa: E402
from retrieval import RESULTS, library_for  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limits", type=int, nargs="+", default=[300, 400, 600])
    parser.add_argument("--first-token", type=int, default=0, metavar="N")
    args = parser.parse_args()
    from llama_cpp import Llama

    from quelle.engine.answers.evidence import choose
    from quelle.engine.answers.prompts import build_messages, excerpt, prompt_passages
    from quelle.engine.models.bundled import bundled_chat_model_path
    from quelle.engine.search.question import Question
    from quelle.protocol.values import Passage

    library = sec_library()
    system = library.settings.system_prompt
    xquad = beir.load("xquad_de")
    german = library_for(xquad, sorted(xquad.corpus))
    vocab = Llama(str(bundled_chat_model_path()), vocab_only=True, verbose=False)

    def tokens(messages: list[dict[str, str]]) -> int:
        text = "".join(f"<|im_start|>{m['role']}\n{m['content']}<|im_end|>\n" for m in messages)
        return len(vocab.tokenize(text.encode(), add_bos=False, special=True))

    variants: dict[str, tuple[int, bool]] = {"whole passages": (0, False)}
    variants.update({f"excerpts of {n} chars": (n, False) for n in args.limits})
    variants.update({f"around the evidence, {n} chars": (n, True) for n in args.limits})

    def measure(lib, items) -> dict[str, dict[str, dict[str, float]]]:  # type: ignore[no-untyped-def]
        """items: (question, split, whether a context holds its answer)."""
        rows: dict[str, dict[str, list]] = {v: {"dev": [], "held-out": []} for v in variants}  # type: ignore[type-arg]
        for text, part, answered in items:
            question = Question.analyse(text)
            hits = lib.search(question).hits
            quotes = choose(question, hits, lib.embedder().embed)
            for name, (limit, around) in variants.items():
                passages = [h.passage for h in hits]
                if limit and around:
                    passages = prompt_passages(passages, quotes, question, limit)
                elif limit:
                    passages = [
                        _with_text(p, excerpt(p.text, question, limit), Passage) for p in passages
                    ]
                messages = build_messages(question, passages, [], system)
                kept = answered("\n".join(p.text for p in passages))
                rows[name][part].append((tokens(messages), kept))
        return {
            name: {
                part: {
                    "median_prompt_tokens": statistics.median(t for t, _ in r),
                    "holds_answer": round(sum(k for _, k in r) / len(r), 3),
                    "questions": len(r),
                }
                for part, r in parts.items()
            }
            for name, parts in rows.items()
        }

    sec = sec_items()
    de = xquad_items(xquad.queries)
    table = {"sec10q": measure(library, sec), "xquad_de": measure(german, de)}
    if args.first_token:
        table["first_token"] = first_token(german, de[: args.first_token], min(args.limits), system)
    library.close()
    german.close()
    for name, label in (("sec10q", "a gold figure"), ("xquad_de", "the gold answer")):
        print(f"{name}: median prompt tokens / prompts holding {label} (dev | held-out)")
        for variant, parts in table[name].items():
            cells = " | ".join(
                f"{v['median_prompt_tokens']:6.0f} {v['holds_answer']:6.1%}" for v in parts.values()
            )
            print(f"  {variant:22} {cells}")
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "prompts.json").write_text(json.dumps(table, indent=2), encoding="utf-8")
    return 0


BUILT_IN_PARAMETERS = 135e6  # SmolLM2-135M
LARGER_PARAMETERS = 1.54e9  # a 1.5B model such as Qwen2.5-1.5B-Instruct


def first_token(lib, items, limit: int, system: str) -> dict[str, float]:  # type: ignore[no-untyped-def]
    """Seconds to the built-in model's first word, prompts whole and around the evidence."""
    from quelle.engine.answers.evidence import choose
    from quelle.engine.answers.prompts import build_messages, prompt_passages
    from quelle.engine.models.bundled import bundled_chat_model_path
    from quelle.engine.models.chat import Generator, SamplingParams
    from quelle.engine.search.question import Question

    model = Generator(bundled_chat_model_path(), context_size=4096)
    once = SamplingParams(max_tokens=1)
    seconds: dict[str, list[float]] = {"whole": [], "around": []}
    tokens: dict[str, list[int]] = {"whole": [], "around": []}
    for i, (text, _, _) in enumerate(items):
        question = Question.analyse(text)
        hits = lib.search(question).hits
        quotes = choose(question, hits, lib.embedder().embed)
        whole = [h.passage for h in hits]
        prompts = {
            "whole": build_messages(question, whole, [], system),
            "around": build_messages(
                question, prompt_passages(whole, quotes, question, limit), [], system
            ),
        }
        for name in sorted(prompts, reverse=i % 2 == 1):  # in turns: neither always goes first
            timings = model.stream(prompts[name], once).timings
            seconds[name].append(timings.first_token_seconds)
            tokens[name].append(timings.prompt_tokens)
    whole_s, around_s = (statistics.median(seconds[k]) for k in ("whole", "around"))
    scale = LARGER_PARAMETERS / BUILT_IN_PARAMETERS
    result = {
        "questions": len(items),
        "around_chars": limit,
        "median_tokens_whole": statistics.median(tokens["whole"]),
        "median_tokens_around": statistics.median(tokens["around"]),
        "median_seconds_whole": round(whole_s, 3),
        "median_seconds_around": round(around_s, 3),
        "ratio_around_to_whole": round(around_s / whole_s, 3),
        "estimated_seconds_whole_1_5b": round(whole_s * scale, 1),
        "estimated_seconds_around_1_5b": round(around_s * scale, 1),
    }
    print(
        f"first word, built-in model: whole {whole_s:.2f} s, around the evidence "
        f"{around_s:.2f} s (x{around_s / whole_s:.2f}); estimated for 1.5B: "
        f"{whole_s * scale:.1f} s and {around_s * scale:.1f} s"
    )
    return result


def _with_text(p, text: str, cls):  # type: ignore[no-untyped-def]
    return cls(p.passage_id, p.doc_id, p.title, p.path, p.page, p.start, p.end, text)


if __name__ == "__main__":
    sys.exit(main())
