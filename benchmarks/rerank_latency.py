"""Latency of the re-ranking stage per question, against bare CrossEncoder.predict in the same run.

What it measures: the time `rerank` takes to score and order 25, 50, 100 and 200 candidates of
about 200 tokens (SciFact abstracts cut to 200 tokens, read in place) for one question, on the
CPU with torch's default threads, the median of several questions per count. The baseline is
sentence-transformers' own `CrossEncoder.predict` on the same pairs with its default settings,
so the ratio shows what Quelle's stage adds or saves.

What it cannot measure: quality. No real cross-encoder is available offline, so the model is a
randomly initialised BERT of the exact shape of cross-encoder/ms-marco-MiniLM-L-6-v2 (6 layers,
384 wide, 12 heads, 1536 intermediate, the uncased BERT vocabulary of the bundled MiniLM
tokenizer). Its scores are noise; its cost per pair is that of the real model, because the cost
depends only on the shape and the input lengths. Whether re-ranking helps Quelle's answers must
be measured with the real weights on the retrieval benchmarks.

Usage: python benchmarks/rerank_latency.py [--runs N] [--counts 25 50 ...] [--budget SECONDS]
[--layers 2] [--out FILE]; prints a table, writes benchmarks/results/rerank_latency.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from transformers import PreTrainedTokenizerBase

REPO = Path(__file__).resolve().parents[1]
SCIFACT = REPO.parent / "shared" / "eval" / "scifact"
RESULTS = REPO / "benchmarks" / "results"
PASSAGE_TOKENS = 200  # Quelle's chunk size (Settings.chunk_tokens), in the same vocabulary
MINILM_L6_SHAPE = {  # cross-encoder/ms-marco-MiniLM-L-6-v2
    "vocab_size": 30522,
    "hidden_size": 384,
    "num_hidden_layers": 6,
    "num_attention_heads": 12,
    "intermediate_size": 1536,
    "max_position_embeddings": 512,
    "type_vocab_size": 2,
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="questions timed per count")
    parser.add_argument("--counts", type=int, nargs="+", default=[25, 50, 100, 200])
    parser.add_argument("--budget", type=float, default=1.0, help="seconds per question")
    parser.add_argument("--max-length", type=int, default=None)
    parser.add_argument("--batch-size", type=int, default=None)
    parser.add_argument(
        "--layers",
        type=int,
        default=6,
        help="2 gives the shape of ms-marco-MiniLM-L-2-v2, for comparison",
    )
    parser.add_argument("--out", type=Path, default=RESULTS / "rerank_latency.json")
    args = parser.parse_args()

    load_at_start = round(os.getloadavg()[0], 2)
    from quelle.common.offline import enforce_offline

    enforce_offline()
    import sentence_transformers
    import torch
    import transformers
    from sentence_transformers import CrossEncoder
    from transformers import AutoTokenizer, BertConfig, BertForSequenceClassification

    from quelle.engine.models.bundled import bundled_embedder_path
    from quelle.engine.search.reranking import (
        DEFAULT_BATCH_SIZE,
        DEFAULT_MAX_LENGTH,
        Reranker,
        rerank,
    )

    max_length = args.max_length or DEFAULT_MAX_LENGTH
    batch_size = args.batch_size or DEFAULT_BATCH_SIZE
    tokenizer = AutoTokenizer.from_pretrained(str(bundled_embedder_path()))
    passages = _passages(tokenizer, max(args.counts))
    questions = _questions(args.runs + 1)
    pair_tokens = [
        len(tokenizer(questions[0], p, truncation=True, max_length=max_length)["input_ids"])
        for p in passages
    ]

    with tempfile.TemporaryDirectory() as folder:
        torch.manual_seed(0)
        shape = {**MINILM_L6_SHAPE, "num_hidden_layers": args.layers}
        model = BertForSequenceClassification(BertConfig(**shape, num_labels=1))
        model.save_pretrained(folder)
        tokenizer.save_pretrained(folder)
        del model
        started = time.perf_counter()
        reranker = Reranker(Path(folder), f"random-L-{args.layers}", max_length, batch_size)
        load_seconds = time.perf_counter() - started
        bare = CrossEncoder(folder, device="cpu", local_files_only=True)

        # One untimed call warms the allocator and kernels of both.
        rerank(questions[0], passages[:8], str, reranker)
        bare.predict([(questions[0], p) for p in passages[:8]], show_progress_bar=False)
        print(f"{args.runs} questions per count; wall seconds, median (min-max); CPU seconds:")
        rows = []
        for count in args.counts:
            candidates = passages[:count]
            stage: list[tuple[float, float]] = []
            baseline: list[tuple[float, float]] = []
            # The two take turns, each going first every other question, so a neighbour's
            # load on the shared machine and any order effect fall on both alike.
            for i, question in enumerate(questions[1:]):
                pairs = [(question, p) for p in candidates]
                timings = {
                    "stage": lambda q=question, c=candidates: rerank(q, c, str, reranker, limit=5),
                    "bare": lambda p=pairs: bare.predict(p, show_progress_bar=False),
                }
                for name in ("stage", "bare") if i % 2 == 0 else ("bare", "stage"):
                    (stage if name == "stage" else baseline).append(_seconds(timings[name]))
            rows.append(_row(count, stage, baseline))
            print(_format(rows[-1]), flush=True)

    fits = [r["candidates"] for r in rows if r["stage_median_s"] < args.budget]
    per_pair = statistics.median(r["stage_median_s"] / r["candidates"] for r in rows)
    cpu_per_pair = statistics.median(r["stage_cpu_median_s"] / r["candidates"] for r in rows)
    threads = torch.get_num_threads()
    results = {
        "model": f"random init, shape of cross-encoder/ms-marco-MiniLM-L-{args.layers}-v2",
        "quality": "not measured: a randomly initialised model ranks at random",
        "passages": f"SciFact abstracts cut to {PASSAGE_TOKENS} tokens",
        "mean_tokens_per_pair": round(statistics.mean(pair_tokens), 1),
        "max_length": reranker.max_length,
        "batch_size": batch_size,
        "baseline": "CrossEncoder.predict with library defaults (batch 32, model length cap)",
        "runs_per_count": args.runs,
        "load_seconds": round(load_seconds, 3),
        "rows": rows,
        "seconds_per_candidate": round(per_pair, 4),
        "budget_s": args.budget,
        "largest_count_within_budget": max(fits) if fits else None,
        "candidates_within_budget_estimate": int(args.budget / per_pair),
        # If this machine were idle and both threads ran in parallel the whole time: a bound.
        "cpu_seconds_per_candidate": round(cpu_per_pair, 4),
        "idle_machine_candidates_within_budget_bound": int(args.budget * threads / cpu_per_pair),
        "machine": {
            "cpus": os.cpu_count(),
            "torch_threads": threads,
            "load_average_1min_at_start": load_at_start,
            "load_average_1min_at_end": round(os.getloadavg()[0], 2),
            "python": platform.python_version(),
            "torch": torch.__version__,
            "transformers": transformers.__version__,
            "sentence_transformers": sentence_transformers.__version__,
        },
    }
    print(
        f"\nper candidate: {per_pair * 1000:.1f} ms; within {args.budget:g} s per question: "
        f"{results['largest_count_within_budget']} of the counts tried, "
        f"about {results['candidates_within_budget_estimate']} by the per-candidate cost"
    )
    print(
        "an idle machine would fit at most "
        f"{results['idle_machine_candidates_within_budget_bound']} (CPU time "
        f"{cpu_per_pair * 1000:.1f} ms per candidate over {threads} threads)"
    )
    print(
        f"model load: {load_seconds:.2f} s; torch threads: {threads}; load average "
        f"{load_at_start} at start, {results['machine']['load_average_1min_at_end']} at end"
    )
    print("Quality is not measured: the model's weights are random.")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2))
    return 0


def _passages(tokenizer: PreTrainedTokenizerBase, count: int) -> list[str]:
    """The first `count` abstracts of at least PASSAGE_TOKENS tokens, cut to that length."""
    passages: list[str] = []
    with (SCIFACT / "corpus.jsonl").open(encoding="utf-8") as f:
        for line in f:
            text = json.loads(line)["text"]
            encoded = tokenizer(
                text, add_special_tokens=False, return_offsets_mapping=True, verbose=False
            )
            offsets = encoded["offset_mapping"]
            if len(offsets) >= PASSAGE_TOKENS:
                passages.append(text[: offsets[PASSAGE_TOKENS - 1][1]])
                if len(passages) == count:
                    return passages
    raise SystemExit(f"SciFact has fewer than {count} abstracts of {PASSAGE_TOKENS} tokens")


def _questions(count: int) -> list[str]:
    with (SCIFACT / "queries.jsonl").open(encoding="utf-8") as f:
        return [json.loads(line)["text"] for _, line in zip(range(count), f, strict=False)]


def _seconds(work: Callable[[], object]) -> tuple[float, float]:
    """Wall-clock and CPU seconds (all threads of this process) that `work` took."""
    wall, cpu = time.perf_counter(), time.process_time()
    work()
    return time.perf_counter() - wall, time.process_time() - cpu


def _row(
    count: int, stage: Sequence[tuple[float, float]], baseline: Sequence[tuple[float, float]]
) -> dict[str, float]:
    walls = [w for w, _ in stage]
    bare = statistics.median(w for w, _ in baseline)
    return {
        "candidates": count,
        "stage_median_s": round(statistics.median(walls), 3),
        "stage_min_s": round(min(walls), 3),
        "stage_max_s": round(max(walls), 3),
        "stage_cpu_median_s": round(statistics.median(c for _, c in stage), 3),
        "predict_median_s": round(bare, 3),
        "predict_cpu_median_s": round(statistics.median(c for _, c in baseline), 3),
        "ratio": round(statistics.median(walls) / bare, 3),
    }


def _format(row: dict[str, float]) -> str:
    return (
        f"{row['candidates']:>5} candidates  stage {row['stage_median_s']:6.3f} "
        f"({row['stage_min_s']:.3f}-{row['stage_max_s']:.3f}) cpu {row['stage_cpu_median_s']:6.3f}"
        f"  bare predict {row['predict_median_s']:6.3f} cpu {row['predict_cpu_median_s']:6.3f}"
        f"  ratio {row['ratio']:.2f}"
    )


if __name__ == "__main__":
    sys.exit(main())
