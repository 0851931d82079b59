"""The `quelle` command as a user types it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import APPLE_INCOME_STATEMENT_PAGE, APPLE_QUESTION, SEC10Q, needs_eval


def quelle(home: Path, *args: str, timeout: float = 900) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "quelle", "--home", str(home), *args],
                          capture_output=True, text=True, timeout=timeout)


def test_asking_an_empty_library_is_one_clear_line(home: Path):
    result = quelle(home, "ask", "anything?")
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        "quelle: The library is empty. Add documents first: quelle ingest PATH"
    ]


def test_ingesting_nothing_readable_fails_with_reasons(home: Path, tmp_path: Path):
    junk = tmp_path / "junk.pdf"
    junk.write_bytes(b"no pdf here")
    result = quelle(home, "ingest", str(junk), str(tmp_path / "nope.txt"))
    assert result.returncode == 1
    assert "Traceback" not in result.stdout + result.stderr
    assert "failed: " + str(junk) in result.stdout
    assert "nope.txt' does not exist" in result.stdout


@pytest.mark.integration
def test_ingest_docs_ask_json_and_remove(home: Path, tmp_path: Path):
    note = tmp_path / "holiday.txt"
    note.write_text("Our team holiday in 2024 takes us to Lisbon in May for five days.")
    assert quelle(home, "ingest", str(note)).returncode == 0
    docs = quelle(home, "docs").stdout
    assert "holiday.txt" in docs and "1 pages" in docs
    out = quelle(home, "ask", "--json", "Where does the team holiday go?")
    answer = json.loads(out.stdout)
    assert answer["sources"][0]["file"] == str(note) and answer["sources"][0]["page"] == 1
    assert answer["timings"]["first_token_seconds"] > 0 and answer["answer"]
    assert quelle(home, "remove", "holiday.txt").returncode == 0
    assert "empty" in quelle(home, "docs").stdout


@pytest.mark.integration
@needs_eval(SEC10Q)
def test_all_twenty_filings_then_the_apple_question(home: Path):
    """The foundation's acceptance check, word for word as a user types it."""
    ingest = quelle(home, "ingest", str(SEC10Q.parent))
    assert ingest.returncode == 0, ingest.stderr
    assert "Added 21 documents" in ingest.stdout and "0 failed" in ingest.stdout
    ask = quelle(home, "ask", APPLE_QUESTION)
    assert ask.returncode == 0, ask.stderr
    answer, _, sources = ask.stdout.partition("\nSources:\n")
    assert answer.strip()
    assert f"2022 Q3 AAPL.pdf, page {APPLE_INCOME_STATEMENT_PAGE}" in sources
