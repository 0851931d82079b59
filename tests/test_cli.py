"""The `quelle` command as a user types it."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path

import pytest

from quelle import cli
from quelle.common import logs
from quelle.common.paths import Paths
from quelle.engine import library as library_module
from quelle.engine.answers.citations import attribute
from quelle.protocol.values import Answer, Hit, Passage, Quote, Timings

from conftest import APPLE_INCOME_STATEMENT_PAGE, APPLE_QUESTION, SEC10Q, needs_eval

STREAMED = "Total net sales were $82,959 million. Profit rose to $99 million."
PASSAGES = [
    "iPad net sales decreased due to lower iPad Pro sales.",
    "Total net sales 82,959 97,278 for the three months ended June 25, 2022.",
]


def quelle(home: Path, *args: str, timeout: float = 900) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "quelle", "--home", str(home), *args],
        capture_output=True,
        text=True,
        timeout=timeout,
    )


class _AnsweringLibrary:
    """Stands in for the library: one document, and a model that invents a profit figure."""

    def __init__(self, home: str | None = None) -> None:
        self.paths = Paths.resolve(home)

    def documents(self) -> list[str]:
        return ["2022 Q3 AAPL.pdf"]

    def ask(
        self,
        question: str,
        on_token: Callable[[str], None] | None = None,
        cancel: threading.Event | None = None,
        on_found: Callable[[list[Hit], list[Quote]], None] | None = None,
        write: bool | None = None,
    ) -> Answer:
        hits = [
            Hit(
                Passage(
                    f"doc:{n}", "doc", "2022 Q3 AAPL.pdf", "/f/2022 Q3 AAPL.pdf", n, 0, 90, text
                ),
                0.03,
                0.5,
                1,
                2,
            )
            for n, text in enumerate(PASSAGES, start=2)
        ]
        evidence = [Quote(2, 0, len(PASSAGES[1]), PASSAGES[1])]
        if on_found:
            on_found(hits, evidence)
        if on_token:
            on_token(STREAMED)
        attribution = attribute(STREAMED, PASSAGES)
        return Answer(
            question,
            attribution.text,
            hits,
            0.05,
            Timings(900, 41, 0.8, 1.8),
            attribution=attribution,
            evidence=evidence,
        )

    def close(self) -> None:
        pass


@pytest.fixture
def answering(monkeypatch: pytest.MonkeyPatch, home: Path) -> Path:
    monkeypatch.setattr(
        library_module, "open_library", lambda home, on_wait=None: _AnsweringLibrary(home)
    )
    monkeypatch.setattr(logs, "setup_logging", lambda path: None)
    return home


def test_ask_lists_cited_and_consulted_sources_apart_and_the_unsupported_sentence(
    answering: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["--home", str(answering), "ask", "Net sales?"]) == 0
    out = capsys.readouterr().out
    assert out == (
        "From your documents:\n"
        f"  “{PASSAGES[1]}” [2]\n\n"
        f"{STREAMED}\n"
        "\nSources:\n"
        "[2] 2022 Q3 AAPL.pdf, page 3\n"
        "Also consulted:\n"
        "[1] 2022 Q3 AAPL.pdf, page 2\n"
        "\nNot supported by your documents:\n"
        "- Profit rose to $99 million.\n"
    )


def test_ask_json_says_which_sources_are_cited_and_which_sentences_unsupported(
    answering: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["--home", str(answering), "ask", "--json", "Net sales?"]) == 0
    answer = json.loads(capsys.readouterr().out)
    assert answer["answer"] == (
        "Total net sales were $82,959 million [2]. Profit rose to $99 million."
    )
    assert [(s["n"], s["cited"]) for s in answer["sources"]] == [(1, False), (2, True)]
    assert answer["sentences"] == [
        {"text": "Total net sales were $82,959 million [2].", "source": 2},
        {"text": "Profit rose to $99 million.", "source": None},
    ]
    assert answer["unsupported"] == ["Profit rose to $99 million."]
    assert answer["evidence"] == [{"source": 2, "text": PASSAGES[1], "reading": ""}]


def test_asking_an_empty_library_is_one_clear_line(home: Path) -> None:
    result = quelle(home, "ask", "anything?")
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        "quelle: The library is empty. Add documents first: quelle ingest PATH"
    ]


def test_ingesting_nothing_readable_fails_with_reasons(home: Path, tmp_path: Path) -> None:
    junk = tmp_path / "junk.pdf"
    junk.write_bytes(b"no pdf here")
    result = quelle(home, "ingest", str(junk), str(tmp_path / "nope.txt"))
    assert result.returncode == 1
    assert "Traceback" not in result.stdout + result.stderr
    assert "failed: " + str(junk) in result.stdout
    assert "nope.txt' does not exist" in result.stdout


@pytest.mark.slow
def test_ingest_docs_ask_json_and_remove(home: Path, tmp_path: Path) -> None:
    note = tmp_path / "holiday.txt"
    note.write_text("Our team holiday in 2024 takes us to Lisbon in May for five days.")
    assert quelle(home, "ingest", str(note)).returncode == 0
    docs = quelle(home, "docs").stdout
    assert "holiday.txt" in docs and "1 pages" in docs
    out = quelle(home, "ask", "--json", "Where does the team holiday go?")
    answer = json.loads(out.stdout)  # the built-in model leaves the answer to the evidence
    assert answer["sources"][0]["file"] == str(note) and answer["sources"][0]["page"] == 1
    assert not answer["written"] and "Lisbon" in answer["evidence"][0]["text"]
    assert "first_token_seconds" not in answer["timings"]
    out = quelle(home, "ask", "--json", "--write", "Where does the team holiday go?")
    answer = json.loads(out.stdout)
    assert {"cited", "n"} <= set(answer["sources"][0]) and "unsupported" in answer
    assert answer["timings"]["first_token_seconds"] > 0 and answer["answer"] and answer["written"]
    assert quelle(home, "remove", "holiday.txt").returncode == 0
    assert "empty" in quelle(home, "docs").stdout


@pytest.mark.slow
@needs_eval(SEC10Q)
def test_all_twenty_filings_then_the_apple_question(home: Path) -> None:
    """The foundation's acceptance check, word for word as a user types it."""
    ingest = quelle(home, "ingest", str(SEC10Q.parent))
    assert ingest.returncode == 0, ingest.stderr
    assert "Added 21 documents" in ingest.stdout and "0 failed" in ingest.stdout
    ask = quelle(home, "ask", APPLE_QUESTION)
    assert ask.returncode == 0, ask.stderr
    answer, _, sources = ask.stdout.partition("\nSources:\n")
    assert answer.strip()
    assert f"2022 Q3 AAPL.pdf, page {APPLE_INCOME_STATEMENT_PAGE}" in sources


def test_a_file_given_alone_opens_the_window_with_it(tmp_path: Path) -> None:
    """As a file manager's "Open with Quelle" runs it."""
    report = tmp_path / "report.pdf"
    report.write_bytes(b"%PDF-1.4")
    assert cli._with_command([str(report)]) == ["gui", str(report)]
    assert cli._with_command(["--home", str(tmp_path), str(report)])[2:] == ["gui", str(report)]
    assert cli._with_command(["ask", str(report)]) == ["ask", str(report)]
    assert cli._with_command(["docs"]) == ["docs"]
