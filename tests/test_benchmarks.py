"""The benchmarks run end to end on a small slice of the evaluation data (the full runs are
commands in the README): a benchmark that no longer runs is found here, not months later."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import EVAL, REPO, needs_eval

pytestmark = [pytest.mark.slow, needs_eval(EVAL / "xquad_de")]
RESULTS = REPO / "benchmarks" / "results"


def run(script: str, *args: str) -> str:
    env = {**os.environ, "TMPDIR": os.environ.get("TMPDIR", "/tmp")}
    done = subprocess.run(
        [sys.executable, str(REPO / "benchmarks" / script), *args],
        capture_output=True,
        text=True,
        timeout=1500,
        env=env,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def test_retrieval_benchmark_smoke() -> None:
    out = run("retrieval.py", "--smoke", "--sets", "xquad_de")
    assert "fused" in out
    table = json.loads((RESULTS / "retrieval_smoke.json").read_text())["sets"]["xquad_de"]
    # On German questions fusion must not fall below keyword search alone.
    assert table["fused"]["all"]["ndcg@10"] >= table["keyword"]["all"]["ndcg@10"] - 0.02
    assert table["keyword"]["all"]["ndcg@10"] > table["dense"]["all"]["ndcg@10"]


def test_abstention_benchmark_smoke() -> None:
    run("abstention.py", "--smoke", "--libraries", "xquad_de")
    table = json.loads((RESULTS / "abstention_smoke.json").read_text())["table"]
    mixed = table["all/all"]["quelle"]
    assert mixed["answerable"] > 0 and mixed["unanswerable"] > 0
    assert mixed["wrong_abstentions"] <= 0.2


def test_download_benchmark_smoke(tmp_path: Path) -> None:
    out = tmp_path / "downloads.json"
    printed = run("downloads.py", "--runs", "1", "--out", str(out))
    assert "hf_hub_download" in printed
    figures = json.loads(out.read_text())
    assert figures["resumed_file_verified"] is True
    assert 1.0 <= figures["resumed_bytes_served_to_file_size"] < 1.1  # the rest, not all again
