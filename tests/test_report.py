"""benchmarks/report.py writes the benchmark figures from the results files alone: given results
shaped as the benchmark scripts write them, the tables and the README's headline table show
those figures; without them, each benchmark says it has not been run and the README shows the
earlier figures, marked as such."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from conftest import REPO


def _load_report() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "benchmark_report", REPO / "benchmarks" / "report.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["benchmark_report"] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


report = _load_report()

README = """# Quelle

Text before.

<!-- figures:start -->
an old table
<!-- figures:end -->

Text after.
"""


def metrics(ndcg: float, recall: float = 0.8, mrr: float = 0.6) -> dict[str, float]:
    return {"ndcg@10": ndcg, "recall@10": recall, "mrr@10": mrr}


def ranked(dev: float, held: float, all_: float, median_ms: float) -> dict[str, Any]:
    """One ranker's row as retrieval.py writes it: beir.by_split plus the median."""
    return {
        "dev": metrics(dev),
        "held-out": metrics(held),
        "all": metrics(all_),
        "median_ms": median_ms,
    }


RETRIEVAL: dict[str, Any] = {
    "machine": "bench x86_64 3.11.9",
    "passages_per_question": 5,
    "smoke": False,
    "chroma_url": "",
    "encoder": "torch",
    "sets": {
        "scifact": {
            "dense": ranked(0.624, 0.652, 0.632, 44.0),
            "keyword": ranked(0.672, 0.608, 0.652, 12.1),
            "fused": ranked(0.705, 0.671, 0.694, 48.3),
            "peer": {"dev": metrics(0.632), "held-out": metrics(0.658), "all": metrics(0.640)},
            "fused_to_peer_ndcg": 1.084,
        },
        "xquad_de": {
            "dense": ranked(0.677, 0.662, 0.672, 30.2),
            "keyword": ranked(0.937, 0.927, 0.934, 9.8),
            "fused": ranked(0.945, 0.943, 0.951, 33.0),
        },
    },
}


def rates(answerable: int, unanswerable: int, declined: float, answered: float) -> dict[str, Any]:
    return {
        "answerable": answerable,
        "unanswerable": unanswerable,
        "wrong_abstentions": declined,
        "wrong_answers": answered,
    }


ABSTENTION: dict[str, Any] = {
    "weights": {"bias": -1.2, "best_similarity": 3.4},
    "threshold": 0.31,
    "table": {
        f"{split}/{lang}": {
            "quelle": rates(54, 22, 0.0185, 0.0455),
            "cosine_0.2": rates(54, 22, 0.0, 0.8182),
        }
        for split in ("dev", "held-out", "all")
        for lang in ("en", "de", "all")
    },
}
ABSTENTION["table"]["held-out/de"]["quelle"] = rates(353, 33, 0.0227, 0.1818)
ABSTENTION["fitted_on"] = ["xquad_de", "sec10q"]
ABSTENTION["libraries"] = {
    "xquad_de/de": {
        "fitted_on": True,
        "dev": rates(837, 20, 0.0251, 0.5),
        "held-out": rates(353, 14, 0.0227, 0.3571),
        "all": rates(1190, 34, 0.0244, 0.4412),
    },
    "scifact/en": {
        "fitted_on": False,
        "dev": rates(207, 26, 0.0773, 0.2692),
        "held-out": rates(93, 12, 0.0645, 0.25),
        "all": rates(300, 38, 0.0733, 0.2632),
    },
}
ABSTENTION["left_out"] = {"sec10q/en": rates(195, 54, 0.0308, 0.1667)}
ABSTENTION["near_miss"] = {
    "sec10q/en": {"questions": 20, "answered": 1.0, "answered_cosine_0.2": 0.9}
}


def answer_summary(questions: int, right: float | None) -> dict[str, Any]:
    return {
        "questions": questions,
        "right_figure_pct": right,
        "right_figure_right_page_pct": 12.5,
        "abstained_pct": 5.0,
        "ceiling_pct": 61.3,
        "file_hit_pct": 80.0,
        "page_hit_pct": 50.0,
        "median_prompt_tokens": 1340,
        "median_first_token_s": 14.2,
    }


ANSWERS: dict[str, Any] = {
    "model": "qwen2.5-1.5b-instruct-q4_k_m.gguf",
    "pdf_text": "default",
    "temperature": 0.0,
    "split": "all",
    "summary": {
        "dev": answer_summary(14, 35.7),
        "held-out": answer_summary(6, 33.3),
        "all": answer_summary(20, 35.0),
    },
    "questions": [],
}


def ingest_row(
    seconds: float, passages: int, encode: list[float], read: list[float]
) -> dict[str, Any]:
    floor = sum(encode) / len(encode) + (sum(read) / len(read) if read else 0.0)
    return {
        "files": 5183,
        "failed": 0,
        "passages": passages,
        "quelle_seconds": seconds,
        "quelle_peak_mb": 1347,
        "bare_encode_seconds": encode,
        "bare_encode_peak_mb": 1206,
        "bare_read_seconds": read,
        "ratio_to_bare": round(seconds / floor, 3),
        "floor": "read + encode" if read else "encode",
    }


INGEST: dict[str, Any] = {
    "machine": "x86_64, 2 cores",
    "python": "3.11.9",
    "scifact": ingest_row(200.0, 12262, [390.0, 410.0], []),
    "sec10q": ingest_row(134.0, 4345, [115.0, 115.0], [85.0, 85.0]),
}


def scale_size(passages: int, fused_p50: float, fused_p95: float) -> dict[str, Any]:
    return {
        "passages": passages,
        "fused_p50_ms": fused_p50,
        "fused_p95_ms": fused_p95,
        "dense_p50_ms": 16.0,
        "dense_p95_ms": 30.0,
        "keyword_p50_ms": 59.0,
        "keyword_p95_ms": 120.0,
        "keyword_fts5_rank_catalog_p50_ms": 90.0,
        "keyword_fts5_rank_catalog_p95_ms": 200.0,
        "keyword_quelle_catalog_p50_ms": 55.0,
        "keyword_quelle_catalog_p95_ms": 110.0,
        "keyword_top10_same_as_fts5_rank": "300/300",
        "write_passages_per_s_first_10pct": 1459,
        "write_passages_per_s_last_10pct": 1066,
        "disk_mb": 442.0,
        "disk_mb_per_1000_passages": 4.42,
        "remove_document_s": 0.067,
        "check_s": 2.5,
        "check_problems_after_remove": 0,
    }


SCALE: dict[str, Any] = {
    "machine": "bench x86_64 3.11.9",
    "source_passages": 12262,
    "sizes": {"100000": scale_size(100000, 71.5, 150.2)},
}

PROMPTS: dict[str, Any] = {
    name: {
        variant: {
            part: {"median_prompt_tokens": tokens, "holds_answer": kept, "questions": 70}
            for part in ("dev", "held-out")
        }
        for variant, tokens, kept in (
            ("whole passages", 1340, 0.96),
            ("excerpts of 400 chars", 718, 0.84),
        )
    }
    for name in ("sec10q", "xquad_de")
}
PROMPTS["first_token"] = {
    "questions": 24,
    "around_chars": 250,
    "median_tokens_whole": 1099.5,
    "median_tokens_around": 671.5,
    "median_seconds_whole": 3.96,
    "median_seconds_around": 2.6,
    "ratio_around_to_whole": 0.657,
    "estimated_seconds_whole_1_5b": 45.1,
    "estimated_seconds_around_1_5b": 29.6,
}

FOLLOWUPS: dict[str, Any] = {
    "dialogues": 190,
    "hit_rates": {
        way: {
            "dev": {"file_hit": 0.818, "page_hit": 0.54, "questions": 130},
            "held-out": {"file_hit": 0.792, "page_hit": None, "questions": 60},
        }
        for way in ("on its own", "follow-up with history", "follow-up without history")
    },
    "first_token_s_median": {"first question": 14.2, "follow-up": 3.1},
}

RERANK: dict[str, Any] = {
    "model": "random init, shape of cross-encoder/ms-marco-MiniLM-L-6-v2",
    "quality": "not measured: a randomly initialised model ranks at random",
    "passages": "SciFact abstracts cut to 200 tokens",
    "mean_tokens_per_pair": 221.5,
    "max_length": 512,
    "batch_size": 16,
    "baseline": "CrossEncoder.predict with library defaults (batch 32, model length cap)",
    "runs_per_count": 3,
    "load_seconds": 0.4,
    "rows": [
        {
            "candidates": 25,
            "stage_median_s": 2.5,
            "stage_min_s": 2.4,
            "stage_max_s": 2.9,
            "stage_cpu_median_s": 4.8,
            "predict_median_s": 2.6,
            "predict_cpu_median_s": 5.0,
            "ratio": 0.962,
        }
    ],
    "seconds_per_candidate": 0.1,
    "budget_s": 1.0,
    "largest_count_within_budget": None,
    "candidates_within_budget_estimate": 10,
    "cpu_seconds_per_candidate": 0.192,
    "idle_machine_candidates_within_budget_bound": 10,
    "machine": {"cpus": 2, "torch_threads": 2},
}

SEC10Q: dict[str, Any] = {
    "retrieval": {"questions": 195, "file_hit_at_5": 0.81, "median_ms": 31.0, "p95_ms": 60.2},
    "generation": {
        "prompt_tokens": 1300,
        "answer_tokens": 80,
        "first_token_seconds": 9.8,
        "tokens_per_second": 30.1,
        "cites_income_statement_page": True,
        "bare_first_token_seconds": 9.5,
        "bare_tokens_per_second": 31.0,
        "tokens_per_second_ratio_to_bare": 0.971,
    },
}

WINDOW_SESSION: dict[str, Any] = {
    "window_shown_s": 0.29,
    "models_ready_s": 4.1,
    "files": 20,
    "ingest_s": 410.0,
    "worst_lag_ms": 92.9,
    "p99_lag_ms": 10.1,
    "mean_lag_ms": 1.2,
    "ticks": 20000,
    "answers_while_adding": 100,
    "model_answers_while_adding": 60,
    "first_token_while_adding_s": 20.1,
    "first_token_fresh_s": 17.9,
    "resident_ready_mb": 784,
    "resident_after_mb": 1076,
}
WINDOW: dict[str, Any] = {
    "results": {
        "this checkout": WINDOW_SESSION,
        "baseline main~1": {**WINDOW_SESSION, "resident_ready_mb": 1568},
    },
    "measured": "2031-04-05T06:07:08Z",
}

DOWNLOADS: dict[str, Any] = {
    "file_mb": 94.2,
    "runs": 5,
    "quelle_download_s": 0.575,
    "hf_hub_download_s": 0.583,
    "ratio_quelle_to_hf_hub_download": 0.99,
    "quelle_mb_per_s": 163.8,
    "sha256_check_s": 0.08,
    "resumed_bytes_served_to_file_size": 1.009,
    "resumed_file_verified": True,
    "machine": "x86_64, 2 cores, 3.11.9",
    "measured": "2031-02-03T04:05:06Z",
}

PEER: dict[str, Any] = {
    "pipeline": {"splitter": "RecursiveCharacterTextSplitter(500, 50)", "k": 4},
    "versions": {"langchain": "0.3.0"},
    "sets": {
        "scifact": {
            "docs": 5183,
            "chunks": 16000,
            "queries": 300,
            "ingest_s": 400.0,
            "queries_s": 6.0,
            "ms_per_query": 20.0,
            "metrics": {"dev": metrics(0.632), "held-out": metrics(0.658), "all": metrics(0.640)},
        }
    },
}

TRUST = [
    {"command": ["retrieval.py"], "exit": 0, "seconds": 1200},
    {"command": ["answers.py", "--questions", "20"], "exit": 1, "seconds": 30},
]

EVIDENCE: dict[str, Any] = {
    "weights": {"similarity": 1.0, "terms": 0.3, "names": 0.0, "rank": 0.3, "second": 0.85},
    "table": {
        "xquad_de held-out": {
            "questions": 353,
            "evidence_holds_answer": 0.734,
            "ceiling": 0.96,
            "german_text": 0.997,
            "median_evidence_chars": 207,
            "choose_ms_p50": 61.5,
            "choose_ms_p95": 120.0,
        },
        "sec10q held-out": {
            "questions": 29,
            "evidence_holds_answer": 0.103,
            "ceiling": 0.276,
            "german_text": 0.0,
            "median_evidence_chars": 439,
            "choose_ms_p50": 49.0,
            "choose_ms_p95": 79.7,
        },
    },
}
FAITHFULNESS: dict[str, Any] = {
    variant: {
        key: {"altered": 10, "altered_caught": caught, "faithful": 10, "faithful_flagged": 0.05}
        for key in ("all", "dev", "held-out", "lang en", "lang de", "kind negation")
    }
    for variant, caught in (("meaning", 0.705), ("words only", 0.181))
}
FAITHFULNESS["meaning"]["all"]["ms_per_sentence"] = 0.4
EVERY_RESULT: dict[str, Any] = {
    "evidence.json": EVIDENCE,
    "faithfulness.json": FAITHFULNESS,
    "retrieval.json": RETRIEVAL,
    "retrieval_int8.json": {**RETRIEVAL, "encoder": "onnx-int8"},
    "retrieval_server.json": {**RETRIEVAL, "chroma_url": "http://127.0.0.1:8000"},
    "langchain_peer.json": PEER,
    "abstention.json": ABSTENTION,
    "prompts.json": PROMPTS,
    "followups.json": FOLLOWUPS,
    "answers.json": ANSWERS,
    "rerank_latency.json": RERANK,
    "ingest.json": INGEST,
    "scale.json": {
        **SCALE,
        "sizes": {**SCALE["sizes"], "500000": scale_size(498095, 273.0, 658.0)},
    },
    "sec10q.json": SEC10Q,
    "window.json": WINDOW,
    "downloads.json": DOWNLOADS,
    "trust.json": TRUST,
    "ocr.json": {
        "pages": 6,
        "languages": "deu+eng",
        "seconds": 14.4,
        "pages_per_second": 0.416,
        "word_accuracy": {"de": 0.9873, "en": 0.999},
        "words": {"de": 900, "en": 800},
    },
    "watching.json": {
        "trials": 8,
        "new_file": {"median": 0.597, "p90": 0.7},
        "explicit_add": {"median": 0.376, "p90": 0.5},
        "ratio_median": 1.59,
        "answerable": {"watched": 8, "explicit": 8, "edited": 8},
        "edited_file": {"median": 0.655, "p90": 0.8},
        "renamed_file": {"median": 0.255, "p90": 0.3},
        "burst": {
            "files": 200,
            "seconds": 1.94,
            "rounds": 1,
            "explicit_seconds": 0.91,
            "ratio": 2.13,
        },
    },
    "robustness.json": {
        "files": 206,
        "timeout_seconds": 60.0,
        "with the password file": {
            "read": 179,
            "needs a password": 0,
            "damaged": 5,
            "no text": 22,
            "seconds": 20,
            "files": {},
        },
    },
    "awkward.json": {
        "10 MB, pages": {
            "passages": 20698,
            "pages": 210,
            "seconds": 11.2,
            "peak_mb": 272,
            "file_mb": 10,
        },
    },
}


def write_results(folder: Path, results: dict[str, Any]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in results.items():
        (folder / name).write_text(json.dumps(data, indent=2), encoding="utf-8")
    return folder


def run_report(tmp_path: Path, results: dict[str, Any], docs: str = "") -> tuple[str, str]:
    """docs/benchmarks.md and README.md as report.py leaves them."""
    folder = write_results(tmp_path / "results", results)
    docs_file, readme_file = tmp_path / "docs" / "benchmarks.md", tmp_path / "README.md"
    if docs:
        docs_file.parent.mkdir(parents=True)
        docs_file.write_text(docs, encoding="utf-8")
    readme_file.write_text(README, encoding="utf-8")
    report.write_report(folder, docs_file, readme_file, git=False)
    return docs_file.read_text(encoding="utf-8"), readme_file.read_text(encoding="utf-8")


def headline(readme: str, label: str) -> str:
    return next(line for line in readme.splitlines() if line.startswith(f"| {label}"))


def test_without_results_every_benchmark_says_it_has_not_run(tmp_path: Path) -> None:
    docs, readme = run_report(tmp_path, {})
    for bench in report.BENCHMARKS:
        assert f"no `benchmarks/results/{bench.file}`). Measure it with `{bench.command}`." in docs
    assert docs.count("Not run in this checkout yet") == len(report.BENCHMARKS)
    # The README shows the figures measured before results were kept, marked as such.
    row = headline(readme, "Retrieval, SciFact")
    assert "| 0.694 | LangChain peer 0.640 | earlier run, by hand |" in row
    assert "not measured yet" in headline(readme, "Abstention, a library never fitted on")
    assert "were not kept" in readme


def test_readme_keeps_everything_outside_the_markers(tmp_path: Path) -> None:
    _, readme = run_report(tmp_path, {})
    assert readme.startswith("# Quelle\n\nText before.\n\n<!-- figures:start -->\n")
    assert readme.endswith("<!-- figures:end -->\n\nText after.\n")
    assert "an old table" not in readme
    assert readme.count("<!-- figures:start -->") == 1


def test_a_readme_without_markers_is_an_error() -> None:
    with pytest.raises(SystemExit):
        report.replace_block("# Quelle\n", "block")


def test_retrieval_results_fill_the_table_and_the_headline(tmp_path: Path) -> None:
    docs, readme = run_report(tmp_path, {"retrieval.json": RETRIEVAL})
    section = docs.split("## Retrieval quality\n")[1].split("\n## ")[0]
    assert "Measured by `.venv/bin/python benchmarks/retrieval.py`" in section
    assert "| fused | 0.705 | 0.671 | 0.694 | 0.800 | 0.600 | 48.3 ms |" in section
    assert "| LangChain peer | 0.632 | 0.658 | 0.640 | 0.800 | 0.600 | – |" in section
    assert "Fused against the LangChain peer, nDCG@10: 1.084×." in section
    assert "Not run" not in section
    # From the results file, not the earlier figure; the peer only where it was measured.
    assert "| 0.694 | LangChain peer 0.640 | `retrieval.json` |" in headline(
        readme, "Retrieval, SciFact"
    )
    assert "| 0.951 | – | `retrieval.json` |" in headline(readme, "Retrieval, XQuAD-de")
    # Benchmarks without results still show their earlier figures.
    assert "earlier run, by hand" in headline(readme, "Abstention, English")


def test_abstention_rates_are_percentages(tmp_path: Path) -> None:
    docs, readme = run_report(tmp_path, {"abstention.json": ABSTENTION})
    assert "| held-out, German | 353 | 33 | 2.3 % | 18.2 % | 0.0 % / 81.8 % |" in docs
    assert "Threshold on the weighted evidence: 0.31." in docs
    # Each library apart, marked where it was never fitted on; left out in turn; near misses.
    assert "| xquad_de, German | 2.5 % / 50.0 % | 2.3 % / 35.7 % | 1,190 | 34 |" in docs
    assert "| * scifact, English | 7.7 % / 26.9 % | 6.5 % / 25.0 % | 300 | 38 |" in docs
    assert "| sec10q, English | 3.1 % / 16.7 % |" in docs
    assert "| sec10q, English | 20 | 100.0 % | 90.0 % |" in docs
    row = headline(readme, "Abstention, German questions on the German library")
    assert "| 2.3 % / 35.7 % | 353 answerable, 14 unanswerable | `abstention.json` |" in row
    row = headline(readme, "Abstention, a library never fitted on")
    assert "| 7.3 % / 26.3 % | 300 answerable, 38 unanswerable | `abstention.json` |" in row


def test_evidence_ingest_and_scale_headlines(tmp_path: Path) -> None:
    _, readme = run_report(
        tmp_path, {"evidence.json": EVIDENCE, "ingest.json": INGEST, "scale.json": SCALE}
    )
    figure = headline(readme, "Evidence quoted before the answer holds the right figure")
    assert "| 10.3 % | ceiling 27.6 % | `evidence.json` |" in figure
    ingest = headline(readme, "Adding 5,183 SciFact text files")
    assert "| 200 s for 12,262 passages (61/s) | bare encoder 400 s (ratio 0.5) |" in ingest
    assert "| 71.5 ms (p95 150.2 ms) | – | `scale.json` |" in headline(readme, "Search at 100,000")
    # 500,000 passages were not measured in this run: the earlier figure stays, marked.
    assert "| 273 ms (p95 658 ms) | – | earlier run, by hand |" in headline(
        readme, "Search at 500,000"
    )


def test_ingest_floor_adds_reading_for_pdfs(tmp_path: Path) -> None:
    docs, _ = run_report(tmp_path, {"ingest.json": INGEST})
    assert (
        "| 20 SEC 10-Q filings (PDF) | 5,183 | 4,345 | 134 s, 1,347 MB "
        "| read + encode 200 s | 0.67 |" in docs
    )


def test_a_recorded_date_is_shown(tmp_path: Path) -> None:
    docs, readme = run_report(tmp_path, {"downloads.json": DOWNLOADS})
    assert "When: measured 2031-02-03T04:05:06Z." in docs
    assert "| ratio | 0.99 |" in docs
    assert "| the resumed file verified | yes |" in docs


def test_every_benchmark_reads_what_its_script_writes(tmp_path: Path) -> None:
    docs, readme = run_report(tmp_path, EVERY_RESULT)
    assert "Not run" not in docs
    assert "does not have the shape" not in docs
    assert "earlier run, by hand" not in readme
    assert "not measured yet" not in readme
    assert "| memory, all processes, models loaded, MB | 784 | 1,568 | 0.50 |" in docs
    assert "| `answers.py --questions 20` | exit 1 | 30 s |" in docs
    assert "| on its own | 81.8 % / 79.2 % | 54.0 % / – |" in docs
    assert "| whole passages | 1,340 / 1,340 | 96.0 % / 96.0 % | 70 / 70 |" in docs
    assert "| around the evidence, 250 chars | 671.5 | 2.60 s (×0.66) | 30 s |" in docs
    assert "| questions whose top 10 equal FTS5's | 300/300 |" in docs
    assert "| xquad_de held-out | 353 | 73.4 % | 96.0 % | 99.7 % | 207 | 61.5 / 120.0 |" in docs
    assert "| all | 70.5 % | 5.0 % | 18.1 % | 5.0 % |" in docs
    assert "| 10 MB, pages | 20,698 | 11.2 | 272 MB | 27× |" in docs
    assert "| with the password file | 179 | 0 | 5 | 22 | 20 |" in docs
    assert "| 6 | deu+eng | 14.4 | 0.416 | 98.7 % / 99.9 % |" in docs


def test_a_results_file_of_another_shape_is_reported_not_fatal(tmp_path: Path) -> None:
    docs, readme = run_report(tmp_path, {"scale.json": {"figures": [1, 2, 3]}})
    section = docs.split("## Search at scale\n")[1].split("\n## ")[0]
    assert "does not have the shape this report knows" in section
    assert "earlier run, by hand" in headline(readme, "Search at 100,000")


EARLIER = f"""# Benchmarks

generated part, replaced

{report.EARLIER_HEADING}

Why these are here.

<!-- earlier: retrieval.json -->
### Retrieval quality

nDCG 0.694 by hand.

<!-- earlier: window.json -->
### The window

Lag 92.9 ms by hand.
"""


def test_earlier_figures_stay_until_their_benchmark_is_run(tmp_path: Path) -> None:
    docs, _ = run_report(tmp_path, {}, docs=EARLIER)
    assert "generated part, replaced" not in docs
    assert docs.count(report.EARLIER_HEADING) == 1
    assert "nDCG 0.694 by hand." in docs and "Lag 92.9 ms by hand." in docs
    assert docs.index("## Abstention") < docs.index(report.EARLIER_HEADING)

    docs, _ = run_report(tmp_path / "again", {"retrieval.json": RETRIEVAL}, docs=EARLIER)
    assert "nDCG 0.694 by hand." not in docs
    assert "Why these are here." in docs and "Lag 92.9 ms by hand." in docs


def test_earlier_figures_go_once_every_part_is_replaced(tmp_path: Path) -> None:
    results = {"retrieval.json": RETRIEVAL, "window.json": WINDOW}
    docs, _ = run_report(tmp_path, results, docs=EARLIER)
    assert report.EARLIER_HEADING not in docs
