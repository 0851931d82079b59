"""Benchmark figures, written from the results the benchmarks leave in benchmarks/results/.

Each benchmark script writes its figures as JSON to benchmarks/results/. This script reads
whatever is there and writes:
- docs/benchmarks.md: one section per benchmark with its figures, the command that measures
  them and, where known, when they were measured (the date the JSON records, or the commit
  that last changed the results file). A benchmark without a results file gets a line
  saying it has not been run here yet, with its command.
- the headline table of README.md, between `<!-- figures:start -->` and
  `<!-- figures:end -->`: a handful of figures from the same files.

Figures measured before results were kept stay in docs/benchmarks.md under the heading
EARLIER_HEADING, each part marked with the results file that replaces it; once that file
exists, the part is dropped. Until then the README's table shows the earlier figure, marked
as such.

Usage: python benchmarks/report.py [--results DIR] [--docs FILE] [--readme FILE]
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import subprocess
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
RESULTS = REPO / "benchmarks" / "results"
DOCS = REPO / "docs" / "benchmarks.md"
README = REPO / "README.md"
START = "<!-- figures:start -->"
END = "<!-- figures:end -->"
EARLIER_HEADING = "## Figures from earlier runs (recorded by hand before results were kept)"
# Each part of the earlier figures starts with this marker, naming the results file whose
# arrival replaces it: <!-- earlier: retrieval.json -->
EARLIER_PART = re.compile(r"^<!-- earlier: (\S+) -->$", re.MULTILINE)
PY = ".venv/bin/python"

Data = dict[str, Any]
Lines = list[str]

SET_NAMES = {"scifact": "SciFact", "xquad_de": "XQuAD-de", "sec10q": "SEC 10-Q filings"}
SPLITS = ("dev", "held-out", "all")
LANGUAGES = {"en": "English", "de": "German", "all": "both languages"}


# --- cells and tables ------------------------------------------------------------------------


def cell(value: object) -> str:
    """A value as a table cell: thousands separated, nothing missing left blank."""
    if value is None:
        return "–"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float):
        return f"{value:,}"
    return str(value).replace("|", "\\|").replace("\n", " ")


def pct(fraction: object, digits: int = 1) -> str:
    """A share (0.018) as a percentage ("1.8 %")."""
    if not isinstance(fraction, int | float) or isinstance(fraction, bool):
        return "–"
    return f"{100 * fraction:.{digits}f} %"


def num(value: object, digits: int = 3) -> str:
    if not isinstance(value, int | float) or isinstance(value, bool):
        return "–"
    return f"{value:,.{digits}f}"


def table(head: Sequence[str], rows: Iterable[Sequence[object]]) -> Lines:
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(cell(c) for c in row) + " |" for row in rows]
    return lines


def key_values(data: Data, labels: dict[str, str], skip: Iterable[str] = ()) -> Lines:
    """A two-column table: the labelled keys first, in their order, then any others as named,
    so a figure a script newly writes shows before this script learns its name."""
    skipped = set(skip)
    keys = [k for k in labels if k in data]
    keys += [k for k in data if k not in labels and k not in skipped]
    return table(["figure", "value"], [(labels.get(k, k), _plain(data[k])) for k in keys])


def _plain(value: object) -> object:
    if isinstance(value, dict):
        return ", ".join(f"{k}: {_plain(v)}" for k, v in value.items())
    if isinstance(value, list):
        return ", ".join(str(_plain(v)) for v in value)
    return value


# --- the benchmarks --------------------------------------------------------------------------


def render_retrieval(data: Data) -> Lines:
    lines = [
        f"Libraries embedded by {data.get('encoder', 'torch')}; "
        f"{data.get('passages_per_question', '–')} passages per question"
        + (f"; on the Chroma server {data['chroma_url']}" if data.get("chroma_url") else "")
        + (f"; machine: {data['machine']}" if data.get("machine") else "")
        + ".",
    ]
    if data.get("smoke"):
        lines.append("")
        lines.append("A smoke run: a few questions on a cut corpus, not comparable.")
    for name, found in data["sets"].items():
        lines += ["", f"**{SET_NAMES.get(name, name)}**", ""]
        rows: list[list[str | None]] = []
        for mode in ("dense", "keyword", "fused", "reranked", "peer"):
            row = found.get(mode)
            if not isinstance(row, dict) or "all" not in row:
                continue
            label = "LangChain peer" if mode == "peer" else mode
            median = f"{row['median_ms']} ms" if "median_ms" in row else None
            ndcg = [num(row[part]["ndcg@10"]) for part in SPLITS]
            rest = [num(row["all"]["recall@10"]), num(row["all"]["mrr@10"]), median]
            rows.append([label, *ndcg, *rest])
        lines += table(
            [
                "ranking",
                "nDCG@10 dev",
                "nDCG@10 held-out",
                "nDCG@10 all",
                "Recall@10 all",
                "MRR@10 all",
                "median search",
            ],
            rows,
        )
        if "fused_to_peer_ndcg" in found:
            lines += [
                "",
                f"Fused against the LangChain peer, nDCG@10: {found['fused_to_peer_ndcg']}×.",
            ]
    return lines


def render_peer(data: Data) -> Lines:
    pipeline = data.get("pipeline", {})
    lines = [
        "The peer: "
        + ", ".join(f"{k} {v}" for k, v in pipeline.items())
        + (f" ({_plain(data['versions'])})" if data.get("versions") else "")
        + ".",
        "",
    ]
    rows = []
    for name, found in data["sets"].items():
        metrics = found["metrics"]
        rows.append(
            [SET_NAMES.get(name, name), found.get("docs"), found.get("chunks")]
            + [num(metrics[part]["ndcg@10"]) for part in SPLITS]
            + [f"{found['ms_per_query']} ms" if "ms_per_query" in found else None]
        )
    return lines + table(
        [
            "set",
            "documents",
            "chunks",
            "nDCG@10 dev",
            "nDCG@10 held-out",
            "nDCG@10 all",
            "per question",
        ],
        rows,
    )


def render_abstention(data: Data) -> Lines:
    rows = []
    for key, row in data["table"].items():
        split, _, language = key.partition("/")
        quelle, old = row["quelle"], row.get("cosine_0.2", {})
        rows.append(
            [
                f"{split}, {LANGUAGES.get(language, language)}",
                row["quelle"]["answerable"],
                row["quelle"]["unanswerable"],
                pct(quelle["wrong_abstentions"]),
                pct(quelle["wrong_answers"]),
                f"{pct(old.get('wrong_abstentions'))} / {pct(old.get('wrong_answers'))}",
            ]
        )
    lines = table(
        [
            "questions",
            "answerable",
            "unanswerable",
            "declined, answerable",
            "answered, unanswerable",
            "fixed cosine 0.2: declined / answered",
        ],
        rows,
    )
    if "threshold" in data:
        lines += ["", f"Threshold on the weighted evidence: {data['threshold']}."]
    fitted = ", ".join(data.get("fitted_on", []))
    if data.get("libraries"):
        lines += [
            "",
            f"Each library apart (fitted on the dev share of {fitted}; * never fitted on), "
            "declined answerable / answered unanswerable:",
            "",
        ]
        lines += table(
            ["library, questions", "dev", "held-out", "answerable", "unanswerable"],
            (
                [
                    f"{'' if row['fitted_on'] else '* '}{_library_language(key)}",
                    f"{pct(row['dev']['wrong_abstentions'])} / {pct(row['dev']['wrong_answers'])}",
                    f"{pct(row['held-out']['wrong_abstentions'])} / "
                    f"{pct(row['held-out']['wrong_answers'])}",
                    row["all"]["answerable"],
                    row["all"]["unanswerable"],
                ]
                for key, row in data["libraries"].items()
            ),
        )
    if data.get("left_out"):
        lines += [
            "",
            "Each library left out of the fit (fitted on the others' dev share), all its "
            "questions, declined answerable / answered unanswerable:",
            "",
        ]
        lines += table(
            ["library, questions", "declined / answered"],
            (
                [
                    _library_language(key),
                    f"{pct(r['wrong_abstentions'])} / {pct(r['wrong_answers'])}",
                ]
                for key, r in data["left_out"].items()
            ),
        )
    if data.get("near_miss"):
        lines += [
            "",
            "Near-miss questions (about what the library mentions only in passing; none can be "
            "answered from it), share answered:",
            "",
        ]
        lines += table(
            ["library, questions", "questions", "answered", "fixed cosine 0.2"],
            (
                [_library_language(key), n["questions"], pct(n["answered"]),
                 pct(n["answered_cosine_0.2"])]
                for key, n in data["near_miss"].items()
            ),
        )  # fmt: skip
    return lines


def _library_language(key: str) -> str:
    library, _, language = key.partition("/")
    return f"{library}, {LANGUAGES.get(language, language)}"


def render_awkward(data: Data) -> Lines:
    return table(
        ["file", "passages", "seconds", "peak memory", "peak / file size"],
        (
            [
                name,
                cell(row["passages"]),
                cell(row["seconds"]),
                f"{row['peak_mb']:,} MB",
                f"{row['peak_mb'] / row['file_mb']:.0f}×" if "MB" in name else "–",
            ]
            for name, row in data.items()
        ),
    )


def render_ocr(data: Data) -> Lines:
    accuracy = data["word_accuracy"]
    return table(
        ["pages", "languages", "seconds", "pages per second", "words right, German / English"],
        [
            [
                data["pages"],
                data["languages"],
                cell(data["seconds"]),
                cell(data["pages_per_second"]),
                f"{pct(accuracy.get('de'))} / {pct(accuracy.get('en'))}",
            ]
        ],
    )


def render_watching(data: Data) -> Lines:
    def seconds(row: Data) -> str:
        return f"{row['median']:.2f} s (p90 {row['p90']:.2f} s)"

    burst = data["burst"]
    answerable = data["answerable"]
    trials = data["trials"]
    return table(
        ["change in a watched folder", "until answerable, median", "added explicitly", "ratio"],
        [
            ["a new article", seconds(data["new_file"]), seconds(data["explicit_add"]),
             f"{data['ratio_median']}×"],
            ["the article edited", seconds(data["edited_file"]), "–", "–"],
            ["the article renamed", seconds(data["renamed_file"]), "–", "–"],
            [f"{burst['files']} notes at once", f"{burst['seconds']:.2f} s, "
             f"{burst['rounds']} round(s)", f"{burst['explicit_seconds']:.2f} s",
             f"{burst['ratio']}×"],
        ],
    ) + [
        "",
        f"The made-up fact in each new or edited article was found by its question: "
        f"{answerable['watched']}/{trials} new, {answerable['edited']}/{trials} edited "
        f"({answerable['explicit']}/{trials} added explicitly).",
    ]  # fmt: skip


def render_robustness(data: Data) -> Lines:
    outcomes = ("read", "needs a password", "damaged", "no text")
    return table(
        ["passwords", *outcomes, "seconds"],
        (
            [name, *(cell(row[o]) for o in outcomes), cell(row["seconds"])]
            for name, row in data.items()
            if isinstance(row, dict)
        ),
    ) + ["", f"{data['files']} files; each may take {data['timeout_seconds']:.0f} s."]


def render_prompts(data: Data) -> Lines:
    what = {"sec10q": "a gold figure", "xquad_de": "the gold answer"}
    lines: Lines = []
    for name, variants in data.items():
        if name == "first_token":
            continue
        if lines:
            lines.append("")
        lines += [f"**{SET_NAMES.get(name, name)}**: prompts holding {what.get(name, 'it')}", ""]
        rows = []
        for variant, parts in variants.items():
            dev, held = parts.get("dev", {}), parts.get("held-out", {})
            rows.append(
                [
                    variant,
                    f"{cell(dev.get('median_prompt_tokens'))} / "
                    f"{cell(held.get('median_prompt_tokens'))}",
                    f"{pct(dev.get('holds_answer'))} / {pct(held.get('holds_answer'))}",
                    f"{cell(dev.get('questions'))} / {cell(held.get('questions'))}",
                ]
            )
        lines += table(
            [
                "passages in the prompt",
                "median prompt tokens, dev / held-out",
                "prompt holds it, dev / held-out",
                "questions",
            ],
            rows,
        )
    if first := data.get("first_token"):
        lines += [
            "",
            f"**Time to the first word**, built-in model, {first['questions']} XQuAD-de "
            "questions read in turns; the 1.5B figures are estimated from the ratio of the "
            "weights (reading a prompt costs about two operations per weight and token), not "
            "measured:",
            "",
        ]
        lines += table(
            ["prompt", "median tokens", "first word, built-in", "first word, 1.5B (estimate)"],
            [
                [
                    "whole passages",
                    cell(first["median_tokens_whole"]),
                    f"{first['median_seconds_whole']:.2f} s",
                    f"{first['estimated_seconds_whole_1_5b']:.0f} s",
                ],
                [
                    f"around the evidence, {first['around_chars']} chars",
                    cell(first["median_tokens_around"]),
                    f"{first['median_seconds_around']:.2f} s "
                    f"(×{first['ratio_around_to_whole']:.2f})",
                    f"{first['estimated_seconds_around_1_5b']:.0f} s",
                ],
            ],
        )
    return lines


def _share(value: object) -> str:
    """A figure already in percent (41.5) as "41.5 %"."""
    if not isinstance(value, int | float) or isinstance(value, bool):
        return "–"
    return f"{value:.1f} %"


def _seconds(value: object) -> str:
    return "–" if value is None else f"{value} s"


ANSWER_COLUMNS: tuple[tuple[str, str, Callable[[object], str]], ...] = (
    ("questions", "questions", cell),
    ("right_figure_pct", "right figure", _share),
    ("right_figure_right_page_pct", "and on a cited page", _share),
    ("abstained_pct", "abstained", _share),
    ("ceiling_pct", "ceiling", _share),
    ("file_hit_pct", "file hit", _share),
    ("page_hit_pct", "page hit", _share),
    ("median_prompt_tokens", "median prompt tokens", cell),
    ("median_first_token_s", "median first token", _seconds),
)


def render_answers(data: Data) -> Lines:
    lines = [
        f"Chat model {data.get('model', '–')}, temperature {data.get('temperature', '–')}, "
        f"PDF text {data.get('pdf_text', 'default')}.",
        "",
    ]
    rows = [
        [split] + [form(summary.get(key)) for key, _, form in ANSWER_COLUMNS]
        for split, summary in data["summary"].items()
    ]
    return lines + table(["share", *(head for _, head, _ in ANSWER_COLUMNS)], rows)


def render_followups(data: Data) -> Lines:
    lines = [f"{cell(data.get('dialogues'))} dialogues.", ""]
    rows = []
    for way, parts in data["hit_rates"].items():
        dev, held = parts.get("dev", {}), parts.get("held-out", {})
        rows.append(
            [
                way,
                f"{pct(dev.get('file_hit'))} / {pct(held.get('file_hit'))}",
                f"{pct(dev.get('page_hit'))} / {pct(held.get('page_hit'))}",
            ]
        )
    lines += table(
        ["the question", "file hit, dev / held-out", "page holds a gold figure, dev / held-out"],
        rows,
    )
    if data.get("first_token_s_median"):
        times = data["first_token_s_median"]
        lines += [
            "",
            "First token, median: " + ", ".join(f"{k} {v} s" for k, v in times.items()) + ".",
        ]
    return lines


def render_rerank(data: Data) -> Lines:
    lines = [
        f"Model: {data.get('model', '–')}. Quality: {data.get('quality', 'not measured')}.",
        f"Baseline: {data.get('baseline', '–')}.",
        "",
    ]
    rows = [
        [
            r["candidates"],
            f"{r['stage_median_s']} s ({r['stage_min_s']}–{r['stage_max_s']})",
            f"{r['stage_cpu_median_s']} s",
            f"{r['predict_median_s']} s",
            r["ratio"],
        ]
        for r in data["rows"]
    ]
    lines += table(
        ["candidates", "re-ranking, median (min–max)", "its CPU time", "bare predict", "ratio"],
        rows,
    )
    lines += [
        "",
        f"About {data.get('seconds_per_candidate', '–')} s per candidate "
        f"({data.get('cpu_seconds_per_candidate', '–')} s of CPU); within "
        f"{data.get('budget_s', '–')} s per question: "
        f"{cell(data.get('largest_count_within_budget'))} of the counts tried.",
    ]
    return lines


INGEST_SETS = {
    "scifact": "SciFact abstracts, one text file each",
    "sec10q": "20 SEC 10-Q filings (PDF)",
    "small": "notes of one or two sentences",
}


def render_ingest(data: Data) -> Lines:
    lines = [f"Machine: {data.get('machine', '–')}, Python {data.get('python', '–')}.", ""]
    rows = []
    with_baseline = any(isinstance(v, dict) and "baseline" in v for v in data.values())
    for name, row in data.items():
        if not isinstance(row, dict) or "quelle_seconds" not in row:
            continue
        encode = statistics.fmean(row["bare_encode_seconds"])
        read = statistics.fmean(row["bare_read_seconds"]) if row["bare_read_seconds"] else 0.0
        floor = f"{row['floor']} {encode + read:,.0f} s"
        cells: list[object] = [
            INGEST_SETS.get(name, name),
            row["files"],
            row["passages"],
            f"{row['quelle_seconds']:,.0f} s, {row['quelle_peak_mb']:,} MB",
            floor,
            row["ratio_to_bare"],
        ]
        if with_baseline:
            cells += [
                f"{row['baseline_seconds']:,.0f} s, {row['baseline_peak_mb']:,} MB"
                if "baseline" in row
                else None,
                row.get("ratio_to_baseline"),
            ]
        rows.append(cells)
    head = ["files", "count", "passages", "Quelle", "bare floor", "ratio to floor"]
    if with_baseline:
        revision = next(
            v["baseline"] for v in data.values() if isinstance(v, dict) and "baseline" in v
        )
        head += [f"baseline {revision}", "ratio to baseline"]
    return lines + table(head, rows)


SCALE_LABELS = {
    "fused_p50_ms": "question in, ranked passages out, p50 (fused), ms",
    "fused_p95_ms": "p95 (fused), ms",
    "keyword_p50_ms": "keyword search alone, p50, ms",
    "keyword_p95_ms": "keyword search alone, p95, ms",
    "dense_p50_ms": "dense search alone, p50, ms",
    "dense_p95_ms": "dense search alone, p95, ms",
    "keyword_quelle_catalog_p50_ms": "keyword ranking in the catalogue, BM25 in numpy, p50, ms",
    "keyword_fts5_rank_catalog_p50_ms": "the same by FTS5's own rank, p50, ms",
    "keyword_top10_same_as_fts5_rank": "questions whose top 10 equal FTS5's",
    "write_passages_per_s_first_10pct": "writing, first tenth of the growth, passages/s",
    "write_passages_per_s_last_10pct": "writing, last tenth of the growth, passages/s",
    "disk_mb": "disk, MB",
    "disk_mb_per_1000_passages": "disk per 1,000 passages, MB",
    "remove_document_s": "removing a document, s",
    "check_s": "`quelle check` of the whole library, s",
    "check_problems_after_remove": "problems `check` found after the removal",
}


def _figure_keys(
    labels: dict[str, str], columns: Iterable[Data], skip: frozenset[str] | set[str] = frozenset()
) -> list[str]:
    """The figures a table shows, in the order of `labels`, then any others the results hold,
    by name."""
    columns = list(columns)
    found = {k for column in columns for k in column} - set(skip)
    return [k for k in labels if k in found] + sorted(found - set(labels))


def render_scale(data: Data) -> Lines:
    sizes = data["sizes"]
    lines = [
        f"Grown from {cell(data.get('source_passages'))} real SciFact passages"
        + (f"; machine: {data['machine']}" if data.get("machine") else "")
        + ".",
        "",
    ]
    columns = [
        f"{cell(found.get('passages', int(size)))} passages" for size, found in sizes.items()
    ]
    keys = _figure_keys(SCALE_LABELS, sizes.values(), skip={"passages"})
    rows = [[SCALE_LABELS.get(k, k)] + [_plain(f.get(k)) for f in sizes.values()] for k in keys]
    return lines + table(["figure", *columns], rows)


WINDOW_LABELS = {
    "window_shown_s": "window shown, s",
    "models_ready_s": "models ready, s",
    "files": "files added",
    "ingest_s": "adding them, s",
    "worst_lag_ms": "GUI-thread lag, worst tick, ms",
    "p99_lag_ms": "GUI-thread lag, p99, ms",
    "mean_lag_ms": "GUI-thread lag, mean, ms",
    "ticks": "timer ticks",
    "answers_while_adding": "questions asked while adding",
    "model_answers_while_adding": "of them answered by the model",
    "first_token_while_adding_s": "first token while adding, median, s",
    "first_token_fresh_s": "first token, three new questions, median, s",
    "resident_ready_mb": "memory, all processes, models loaded, MB",
    "resident_after_mb": "memory, all processes, after the session, MB",
}


def render_window(data: Data) -> Lines:
    trees = data["results"]
    names = list(trees)
    keys = _figure_keys(WINDOW_LABELS, trees.values())
    rows = []
    for key in keys:
        values = [trees[n].get(key) for n in names]
        row: list[object] = [WINDOW_LABELS.get(key, key), *values]
        if len(names) == 2:
            now, before = values
            numeric = all(isinstance(v, int | float) and not isinstance(v, bool) for v in values)
            row.append(f"{now / before:.2f}" if numeric and before else None)
        rows.append(row)
    head = ["figure", *names] + (["ratio"] if len(names) == 2 else [])
    return table(head, rows)


DOWNLOAD_LABELS = {
    "file_mb": "file, MB",
    "runs": "runs (median taken)",
    "quelle_download_s": "Quelle: download, SHA-256 check and install, s",
    "hf_hub_download_s": "huggingface_hub's hf_hub_download, s",
    "ratio_quelle_to_hf_hub_download": "ratio",
    "quelle_mb_per_s": "Quelle, MB/s",
    "sha256_check_s": "the SHA-256 check alone, s",
    "resumed_bytes_served_to_file_size": "cut off half-way and resumed: bytes served / file size",
    "resumed_file_verified": "the resumed file verified",
    "machine": "machine",
}


def render_downloads(data: Data) -> Lines:
    return key_values(data, DOWNLOAD_LABELS, skip=["measured"])


SEC10Q_LABELS = {
    "questions": "questions",
    "file_hit_at_5": "top 5 passages hold a filing the question is about",
    "median_ms": "search, median, ms",
    "p95_ms": "search, p95, ms",
    "prompt_tokens": "prompt tokens (the Apple question)",
    "answer_tokens": "answer tokens",
    "first_token_seconds": "first token, s",
    "tokens_per_second": "tokens/s",
    "cites_income_statement_page": "cites the income statement's page",
    "bare_first_token_seconds": "bare llama.cpp: first token, s",
    "bare_tokens_per_second": "bare llama.cpp: tokens/s",
    "tokens_per_second_ratio_to_bare": "tokens/s, ratio to bare",
}


def render_sec10q(data: Data) -> Lines:
    lines: Lines = []
    for part in ("retrieval", "generation"):
        if part in data:
            if lines:
                lines.append("")
            lines += [f"**{part.capitalize()}**", "", *key_values(data[part], SEC10Q_LABELS)]
    return lines


def render_evidence(data: Data) -> Lines:
    rows = [
        [
            key,
            cell(v["questions"]),
            pct(v["evidence_holds_answer"]),
            pct(v["ceiling"]),
            pct(v["german_text"]),
            cell(v["median_evidence_chars"]),
            f"{v['choose_ms_p50']} / {v['choose_ms_p95']}",
        ]
        for key, v in sorted(data["table"].items())
    ]
    head = ["set, share", "questions", "evidence holds the answer", "ceiling", "German text"]
    lines = table([*head, "median chars", "ms to choose, p50 / p95"], rows)
    weights = ", ".join(f"{k} {v}" for k, v in data["weights"].items())
    lines += ["", f"Weights: {weights}."]
    if data.get("answers"):
        asked = [
            [
                row["set"],
                cell(row["questions"]),
                pct(row["evidence_holds_answer"]),
                pct(row["model_answer_holds_answer"]),
                pct(row["model_answer_in_question_language"]),
                f"{row['median_model_seconds']} s",
            ]
            for row in data["answers"]
        ]
        head = ["asked in full, dev", "questions", "evidence holds the answer"]
        head += ["the built-in model's answer does", "answer in the question's language"]
        lines += ["", *table([*head, "median model time"], asked)]
    return lines


def render_faithfulness(data: Data) -> Lines:
    keys = ["all", "dev", "held-out", "lang en", "lang de"]
    keys += sorted(k for k in data["meaning"] if k.startswith("kind"))
    rows = []
    for key in keys:
        row = [key]
        for variant in ("meaning", "words only"):
            v = data[variant][key]
            row += [pct(v["altered_caught"]), pct(v["faithful_flagged"])]
        rows.append(row)
    head = ["sentences", "altered caught", "faithful flagged"]
    head += ["words only: altered caught", "faithful flagged"]
    cost = data["meaning"]["all"].get("ms_per_sentence")
    return [*table(head, rows), "", f"Checking costs {cost} ms a sentence."]


def render_trust(data: Any) -> Lines:
    rows = [
        [
            f"`{' '.join(step['command'])}`",
            "ok" if step["exit"] == 0 else f"exit {step['exit']}",
            f"{step['seconds']:,} s",
        ]
        for step in data
    ]
    return table(["step", "result", "time"], rows)


@dataclass(frozen=True, slots=True)
class Benchmark:
    file: str  # in the results folder
    title: str
    command: str
    about: str
    render: Callable[[Any], Lines]


BENCHMARKS = (
    Benchmark(
        "retrieval.json",
        "Retrieval quality",
        f"{PY} benchmarks/retrieval.py",
        "SciFact (English) and XQuAD-de (German) ingested and searched through Quelle's own "
        "path, each ranker alone and fused; nDCG@10, Recall@10 and MRR@10 on the dev share, the "
        "held-out share and all questions. The LangChain peer's figures come from its own "
        "results file when it is there.",
        render_retrieval,
    ),
    Benchmark(
        "retrieval_int8.json",
        "Retrieval quality, int8 encoder",
        f"{PY} benchmarks/retrieval.py --int8",
        "The same, with libraries embedded by the int8 encoder that new libraries use.",
        render_retrieval,
    ),
    Benchmark(
        "retrieval_server.json",
        "Retrieval from a library on a Chroma server",
        f"{PY} benchmarks/retrieval.py --chroma-url http://127.0.0.1:8000",
        "The same, with the libraries kept on a Chroma server (`.venv/bin/chroma run`).",
        render_retrieval,
    ),
    Benchmark(
        "langchain_peer.json",
        "The LangChain peer",
        ".venv-peer/bin/python benchmarks/peer/langchain_peer.py --sets scifact xquad_de",
        "A LangChain pipeline with PrivateGPT's settings on the same embedder, the baseline "
        "for retrieval. It runs in its own environment (see above).",
        render_peer,
    ),
    Benchmark(
        "abstention.json",
        "Abstention",
        f"{PY} benchmarks/abstention.py",
        "Does Quelle decline exactly the questions its library cannot answer? Wrong "
        "abstentions (answerable questions declined) and wrong answers (unanswerable questions "
        "let through to the model), against the fixed cosine threshold of 0.2 used before.",
        render_abstention,
    ),
    Benchmark(
        "prompts.json",
        "Prompt length",
        f"{PY} benchmarks/prompts.py",
        "Whole passages in the prompt against excerpts: the prompt's length in the chat "
        "model's tokens against whether it still holds the answer.",
        render_prompts,
    ),
    Benchmark(
        "evidence.json",
        "Evidence",
        f"{PY} benchmarks/evidence.py --fit --answers 15",
        "The sentences quoted before the model's answer, chosen without the chat model: do "
        "they hold the gold answer (XQuAD-de) or a gold figure (10-Q)? Ceiling: the retrieved "
        "passages hold it at all. The cost of choosing includes embedding the candidates.",
        render_evidence,
    ),
    Benchmark(
        "faithfulness.json",
        "Claims checked for meaning",
        f"{PY} benchmarks/faithfulness.py",
        "210 answer sentences written about real passages, half faithful, half altered "
        "(negation, year, column, row, subject, figure): how many altered ones the answer "
        "check marks unsupported, and how many faithful ones it flags, against the same check "
        "on words and figures only.",
        render_faithfulness,
    ),
    Benchmark(
        "followups.json",
        "Follow-up questions",
        f"{PY} benchmarks/followups.py --ttft 3",
        "Two-turn dialogues made from the 10-Q questions, the second naming its company only "
        'as "its" or "the company": does the follow-up find its sources as often as the '
        "question asked on its own?",
        render_followups,
    ),
    Benchmark(
        "answers.json",
        "Answers on the 10-Q filings",
        f"{PY} benchmarks/answers.py",
        "Does the answer state the right figure, and does it cite a page that holds it? "
        "Ceiling: a passage given to the model holds a gold figure at all.",
        render_answers,
    ),
    Benchmark(
        "rerank_latency.json",
        "Cost of re-ranking",
        f"{PY} benchmarks/rerank_latency.py",
        "The re-ranking stage per question against bare `CrossEncoder.predict`, with a "
        "randomly initialised model of ms-marco-MiniLM-L-6-v2's shape: the cost is real, "
        "the quality is not measured.",
        render_rerank,
    ),
    Benchmark(
        "ingest.json",
        "Ingestion",
        f"{PY} benchmarks/ingest.py --baseline main~1",
        "Adding files against the bare encoder (and, for PDFs, bare reading) on the same "
        "passages, each in its own process, with the peak memory of all processes.",
        render_ingest,
    ),
    Benchmark(
        "scale.json",
        "Search at scale",
        f"{PY} benchmarks/scale.py --sizes 100000 500000",
        "The SciFact library grown to hundreds of thousands of passages from perturbed copies "
        "of its real passages and vectors: search latency, write speed, disk, removal and "
        "`check`. It needs the SciFact library `retrieval.py` builds.",
        render_scale,
    ),
    Benchmark(
        "sec10q.json",
        "Retrieval and generation on the 10-Q filings",
        f"{PY} benchmarks/sec10q.py",
        "Search latency and file hits on the 10-Q questions, and one answer's speed against "
        "bare llama.cpp on the same prompt.",
        render_sec10q,
    ),
    Benchmark(
        "window.json",
        "The window",
        f"{PY} benchmarks/window.py --baseline main~1",
        "The window as a user meets it: time until shown, GUI-thread lag while filings are "
        "added and questions answered, time to first token, memory of all its processes; "
        "against an earlier revision in the same run.",
        render_window,
    ),
    Benchmark(
        "downloads.json",
        "Model downloads",
        f"{PY} benchmarks/downloads.py",
        "A model download from a stand-in hub on 127.0.0.1 against huggingface_hub's own "
        "`hf_hub_download`; loopback shows Quelle's own cost per byte, not a real line.",
        render_downloads,
    ),
    Benchmark(
        "awkward.json",
        "Huge text files",
        f"{PY} benchmarks/awkward.py",
        "A generated text export cut into passages as the reader process does it, each run in "
        "a fresh process reporting its peak memory: Quelle's pages of 50,000 characters against "
        "the whole file as one page (as before), at the smaller size.",
        render_awkward,
    ),
    Benchmark(
        "robustness.json",
        "Awkward PDFs",
        f"{PY} benchmarks/robustness.py",
        "The 206 PDFs of the robustness set (encrypted, scanned, broken, looping) read as "
        "ingestion reads them, in the reader process under its time limit: without passwords, "
        "and with the set's passwords given as a password file would give them.",
        render_robustness,
    ),
    Benchmark(
        "ocr.json",
        "Scanned pages",
        f"{PY} benchmarks/ocr.py",
        "Pages made from known prose (XQuAD-de and SciFact), drawn as images only and read "
        "back by Tesseract as ingestion reads them: pages per second on this machine and the "
        "share of the words read right.",
        render_ocr,
    ),
    Benchmark(
        "watching.json",
        "Watched folders",
        f"{PY} benchmarks/watching.py",
        "A real engine watches a folder while it is changed as a user would: the time from "
        "the change on disk until the engine reports it taken in and searchable, against the "
        "same kind of document added explicitly in the same run.",
        render_watching,
    ),
    Benchmark(
        "trust.json",
        "All trust figures in one run",
        f"{PY} benchmarks/trust.py",
        "Runs retrieval, abstention, prompts, follow-ups, re-ranking cost and the answer "
        "benchmark one after the other; its file records what ran and how long it took.",
        render_trust,
    ),
)


# --- when and where a result was measured ---------------------------------------------------


def provenance(path: Path, data: Any, git: bool = True) -> str:
    """When the figures were measured, as far as anything records it."""
    said = []
    if isinstance(data, dict):
        for key in ("measured", "date", "commit"):
            if isinstance(data.get(key), str):
                said.append(f"{key} {data[key]}")
    if git and (commit := _committed(path)):
        said.append(f"results file committed in {commit}")
    return "; ".join(said)


def _committed(path: Path) -> str:
    """'abc1234 (2026-05-03)' for the last commit of an unmodified, tracked file, else ''."""

    def git(*args: str) -> str:
        try:
            done = subprocess.run(
                ["git", *args], cwd=path.parent, capture_output=True, text=True, timeout=10
            )
        except (OSError, subprocess.SubprocessError):
            return ""
        return done.stdout.strip() if done.returncode == 0 else ""

    if git("status", "--porcelain", "--", path.name):  # changed since, or never committed
        return ""
    found = git("log", "-1", "--format=%h (%cs)", "--", path.name)
    return found


# --- docs/benchmarks.md ----------------------------------------------------------------------

INTRO = """\
# Benchmarks

Written by `benchmarks/report.py` from the JSON files the benchmarks leave in
`benchmarks/results/` (committed with the code they measured); do not edit this file above
the heading of the earlier figures, run the script instead:

```bash
.venv/bin/python benchmarks/report.py
```

Each benchmark is a script in `benchmarks/` that prints its figures and writes them to
`benchmarks/results/`. Each sets Quelle against a baseline measured in the same run, and
reports the dev share of its questions (used for tuning) apart from the held-out share
(never used for tuning; the split is fixed by a hash of each question's id). The evaluation
data (SciFact, XQuAD-de, the SEC 10-Q filings and their questions) is expected in
`../shared/eval` next to the repository. The retrieval peer runs in its own environment:

```bash
python3 -m venv .venv-peer && .venv-peer/bin/pip install torch==2.13.0
.venv-peer/bin/pip install -r benchmarks/peer/requirements.txt
.venv-peer/bin/python benchmarks/peer/langchain_peer.py --sets scifact xquad_de
```

The test suite runs the retrieval, abstention and download benchmarks on a small slice
(`tests/test_benchmarks.py`); those smoke results are not figures and are not kept.
"""


def read_results(results: Path) -> dict[str, Any]:
    """The results files that exist, by file name; a file that is not JSON is reported."""
    found: dict[str, Any] = {}
    for bench in BENCHMARKS:
        path = results / bench.file
        if path.is_file():
            try:
                found[bench.file] = json.loads(path.read_text(encoding="utf-8"))
            except ValueError as exc:
                found[bench.file] = _Broken(f"not JSON ({exc})")
    return found


@dataclass(frozen=True, slots=True)
class _Broken:
    reason: str


def anchor(title: str) -> str:
    """The fragment GitHub gives a heading."""
    return re.sub(r"[^\w\- ]", "", title.lower()).replace(" ", "-")


def render_section(bench: Benchmark, results: Path, data: Any, git: bool = True) -> Lines:
    lines = [f"## {bench.title}", "", bench.about, ""]
    if data is None:
        return lines + [
            f"Not run in this checkout yet (no `benchmarks/results/{bench.file}`). "
            f"Measure it with `{bench.command}`."
        ]
    lines += [f"Measured by `{bench.command}`; figures from `benchmarks/results/{bench.file}`."]
    when = provenance(results / bench.file, data, git)
    if when:
        lines += ["", f"When: {when}."]
    lines.append("")
    if isinstance(data, _Broken):
        return lines + [f"The results file could not be read: {data.reason}."]
    try:
        return lines + bench.render(data)
    except (KeyError, TypeError, ValueError, AttributeError, ZeroDivisionError) as exc:
        print(f"report: {bench.file}: unexpected shape ({exc!r})", file=sys.stderr)
        return lines + [
            f"The results file does not have the shape this report knows ({exc!r}); "
            "benchmarks/report.py needs to learn its new fields."
        ]


def earlier_part(existing: str, results: Path) -> str:
    """The earlier figures kept from `existing`, without the parts whose results file has
    come since; empty when none is left."""
    start = existing.find(EARLIER_HEADING)
    if start < 0:
        return ""
    text = existing[start:]
    marks = list(EARLIER_PART.finditer(text))
    if not marks:
        return text.rstrip() + "\n"
    head = text[: marks[0].start()]
    kept = []
    for mark, following in zip(marks, [*marks[1:], None], strict=True):
        body = text[mark.start() : following.start() if following else len(text)]
        if not (results / mark.group(1)).is_file():
            kept.append(body.rstrip() + "\n")
    if not kept:
        return ""
    return head.rstrip() + "\n\n" + "\n".join(kept)


def render_docs(results: Path, existing: str = "", git: bool = True) -> str:
    found = read_results(results)
    lines = [INTRO.rstrip(), ""]
    lines += ["Contents:", ""]
    lines += [
        f"- [{b.title}](#{anchor(b.title)})" + ("" if b.file in found else " (not run yet)")
        for b in BENCHMARKS
    ]
    for bench in BENCHMARKS:
        lines += ["", *render_section(bench, results, found.get(bench.file), git)]
    text = "\n".join(lines).rstrip() + "\n"
    earlier = earlier_part(existing, results)
    return text + ("\n" + earlier if earlier else "")


# --- the README's headline table -------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Headline:
    """One row of the README's table: from a results file when it holds the figure, else the
    figure an earlier run recorded by hand (if any)."""

    label: str
    file: str
    figure: Callable[[Any], tuple[str, str] | None]  # (Quelle, compared with)
    earlier: tuple[str, str] | None


def _retrieval(name: str) -> Callable[[Any], tuple[str, str] | None]:
    def figure(data: Any) -> tuple[str, str] | None:
        found = data.get("sets", {}).get(name)
        if not found or data.get("smoke"):
            return None
        fused = num(found["fused"]["all"]["ndcg@10"])
        peer = found.get("peer")
        return fused, f"LangChain peer {num(peer['all']['ndcg@10'])}" if peer else "–"

    return figure


def _abstention(language: str) -> Callable[[Any], tuple[str, str] | None]:
    def figure(data: Any) -> tuple[str, str] | None:
        row = data.get("table", {}).get(f"held-out/{language}")
        if not row or not row["quelle"]["unanswerable"]:
            return None
        quelle, old = row["quelle"], row["cosine_0.2"]
        return (
            f"{pct(quelle['wrong_abstentions'])} / {pct(quelle['wrong_answers'])}",
            f"cosine 0.2: {pct(old['wrong_abstentions'])} / {pct(old['wrong_answers'])}",
        )

    return figure


def _library_abstention(key: str, split: str) -> Callable[[Any], tuple[str, str] | None]:
    def figure(data: Any) -> tuple[str, str] | None:
        row = data.get("libraries", {}).get(key)
        if not row:
            return None
        r = row[split]
        return (
            f"{pct(r['wrong_abstentions'])} / {pct(r['wrong_answers'])}",
            f"{r['answerable']} answerable, {r['unanswerable']} unanswerable",
        )

    return figure


def _evidence(key: str) -> Callable[[Any], tuple[str, str] | None]:
    def figure(data: Any) -> tuple[str, str] | None:
        row = data.get("table", {}).get(key)
        if not row:
            return None
        return pct(row["evidence_holds_answer"]), f"ceiling {pct(row['ceiling'])}"

    return figure


def _faithfulness(data: Any) -> tuple[str, str] | None:
    row, old = data["meaning"]["all"], data["words only"]["all"]
    return (
        f"{pct(row['altered_caught'])} / {pct(row['faithful_flagged'])}",
        f"words only: {pct(old['altered_caught'])} / {pct(old['faithful_flagged'])}",
    )


def _ingest(data: Any) -> tuple[str, str] | None:
    row = data.get("scifact")
    if not row:
        return None
    floor = statistics.fmean(row["bare_encode_seconds"])
    rate = row["passages"] / row["quelle_seconds"]
    return (
        f"{row['quelle_seconds']:,.0f} s for {row['passages']:,} passages ({rate:,.0f}/s)",
        f"bare encoder {floor:,.0f} s (ratio {row['ratio_to_bare']})",
    )


def _scale(size: str) -> Callable[[Any], tuple[str, str] | None]:
    def figure(data: Any) -> tuple[str, str] | None:
        found = data.get("sizes", {}).get(size)
        if not found:
            return None
        return f"{found['fused_p50_ms']:,} ms (p95 {found['fused_p95_ms']:,} ms)", "–"

    return figure


def _watching(data: Any) -> tuple[str, str] | None:
    found, explicit = data.get("new_file"), data.get("explicit_add")
    if not found or not explicit:
        return None
    return (
        f"{found['median']:.1f} s (p90 {found['p90']:.1f} s)",
        f"adding it explicitly {explicit['median']:.1f} s",
    )


HEADLINES = (
    Headline(
        "Retrieval, SciFact (English), nDCG@10",
        "retrieval.json",
        _retrieval("scifact"),
        ("0.694", "LangChain peer 0.640"),
    ),
    Headline(
        "Retrieval, XQuAD-de (German), nDCG@10",
        "retrieval.json",
        _retrieval("xquad_de"),
        ("0.944", "LangChain peer 0.675"),
    ),
    Headline(
        "Abstention, English (held-out): answerable declined / unanswerable answered",
        "abstention.json",
        _abstention("en"),
        ("1.8 % / 4.5 %", "cosine 0.2: 0 % / 81.8 %"),
    ),
    Headline(
        "Abstention, German questions on the German library (held-out)",
        "abstention.json",
        _library_abstention("xquad_de/de", "held-out"),
        None,
    ),
    Headline(
        "Abstention, a library never fitted on (SciFact papers, English, all)",
        "abstention.json",
        _library_abstention("scifact/en", "all"),
        None,
    ),
    Headline(
        "Evidence quoted before the answer holds the gold answer, XQuAD-de (held-out)",
        "evidence.json",
        _evidence("xquad_de held-out"),
        None,
    ),
    Headline(
        "Unsupported-marking: altered sentences caught / faithful ones flagged",
        "faithfulness.json",
        _faithfulness,
        None,
    ),
    Headline(
        "Evidence quoted before the answer holds the right figure, 10-Q filings (held-out)",
        "evidence.json",
        _evidence("sec10q held-out"),
        None,
    ),
    Headline(
        "Adding 5,183 SciFact text files",
        "ingest.json",
        _ingest,
        ("217 s for 12,262 passages (57/s)", "bare encoder 357 s (ratio 0.61)"),
    ),
    Headline(
        "A new document in a watched folder, until answerable",
        "watching.json",
        _watching,
        None,
    ),
    Headline(
        "Search at 100,000 passages, median (fused)",
        "scale.json",
        _scale("100000"),
        ("77 ms (p95 156 ms)", "–"),
    ),
    Headline(
        "Search at 500,000 passages, median (fused)",
        "scale.json",
        _scale("500000"),
        ("273 ms (p95 658 ms)", "–"),
    ),
)

EARLIER = "earlier run, by hand"


def headline_rows(results: Path, git: bool = True) -> list[tuple[str, str, str, str]]:
    """(figure, Quelle, compared with, where from) for each headline."""
    found = read_results(results)
    rows = []
    for line in HEADLINES:
        data = found.get(line.file)
        measured = None
        if data is not None and not isinstance(data, _Broken):
            try:
                measured = line.figure(data)
            except (KeyError, TypeError, ValueError, AttributeError, ZeroDivisionError):
                measured = None
        if measured is not None:
            when = _committed(results / line.file) if git else ""
            if isinstance(data, dict) and isinstance(data.get("measured"), str):
                when = data["measured"][:10]
            source = f"`{line.file}`" + (f", {when}" if when else "")
            rows.append((line.label, *measured, source))
        elif line.earlier is not None:
            rows.append((line.label, *line.earlier, EARLIER))
        else:
            rows.append((line.label, "not measured yet", "–", "no results yet"))
    return rows


def render_headlines(results: Path, git: bool = True) -> str:
    rows = headline_rows(results, git)
    lines = [
        START,
        "<!-- written by benchmarks/report.py from benchmarks/results/; do not edit -->",
        *table(["", "Quelle", "compared with", "source"], rows),
        "",
    ]
    note = ""
    if any(r[3] == EARLIER for r in rows):
        note = (
            f"“{EARLIER}”: measured by earlier runs on a 2-core machine with 24 GiB and no GPU, "
            "whose results files were not kept; they give way to new results as the benchmarks "
            "are run again. "
        )
    lines += [note + "All figures: [docs/benchmarks.md](docs/benchmarks.md).", END]
    return "\n".join(lines)


def replace_block(text: str, block: str) -> str:
    """`text` with the part between the markers (markers included) replaced by `block`."""
    start, end = text.find(START), text.find(END)
    if start < 0 or end < start:
        raise SystemExit(f"report: the README has no {START} … {END} block")
    return text[:start] + block + text[end + len(END) :]


# --- main ------------------------------------------------------------------------------------


def write_report(results: Path, docs: Path, readme: Path | None, git: bool = True) -> None:
    existing = docs.read_text(encoding="utf-8") if docs.is_file() else ""
    docs.parent.mkdir(parents=True, exist_ok=True)
    docs.write_text(render_docs(results, existing, git), encoding="utf-8")
    if readme is not None:
        text = readme.read_text(encoding="utf-8")
        readme.write_text(replace_block(text, render_headlines(results, git)), encoding="utf-8")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--results", type=Path, default=RESULTS)
    parser.add_argument("--docs", type=Path, default=DOCS)
    parser.add_argument("--readme", type=Path, default=README)
    args = parser.parse_args(argv)
    write_report(args.results, args.docs, args.readme)
    found = read_results(args.results)
    print(
        f"wrote {args.docs} and the figures in {args.readme}: "
        f"{len(found)} of {len(BENCHMARKS)} benchmarks have results"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
