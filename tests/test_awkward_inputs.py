"""Awkward inputs, as a hostile tester types them: each ends in one clear line, and the
library stays intact (`quelle check` finds nothing to mend). The real command, engine,
models and Chroma store."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from test_cli import quelle

pytestmark = pytest.mark.slow


def intact(home: Path) -> None:
    result = quelle(home, "check")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "repaired" not in result.stdout.lower(), result.stdout


def one_line(text: str) -> str:
    lines = [line for line in text.strip().splitlines() if line.strip()]
    assert len(lines) == 1, lines
    return lines[0]


def test_binary_data_named_txt_is_refused_as_not_text(home: Path, tmp_path: Path) -> None:
    note = tmp_path / "note.txt"
    note.write_text("The spare key is under the blue flower pot by the door.", encoding="utf-8")
    program = tmp_path / "ls.txt"
    program.write_bytes(Path("/bin/ls").read_bytes() if Path("/bin/ls").exists() else bytes(4096))
    result = quelle(home, "ingest", str(note), str(program))
    failed = [line for line in result.stdout.splitlines() if "ls.txt" in line]
    assert failed and "is not a text file: it holds binary data" in failed[-1]
    docs = quelle(home, "docs").stdout
    assert "note.txt" in docs and "ls.txt" not in docs
    intact(home)


def test_an_empty_file_and_a_file_in_an_unknown_encoding(home: Path, tmp_path: Path) -> None:
    empty = tmp_path / "empty.md"
    empty.write_bytes(b"")
    latin = tmp_path / "brief.txt"  # Windows-1252, no marker: read as such, umlauts intact
    latin.write_bytes("Grüße aus Köln: die Miete steigt im März um 40 €.".encode("cp1252"))
    result = quelle(home, "ingest", str(empty), str(latin))
    assert "'empty.md' is empty (0 bytes)" in result.stdout
    answer = quelle(home, "ask", "--json", "Um wie viel steigt die Miete im März?")
    assert "Grüße aus Köln" in answer.stdout
    intact(home)


def test_a_question_of_twenty_thousand_characters_is_refused_at_once(home: Path) -> None:
    note = home.parent / "note.txt"
    note.write_text("The spare key is under the blue flower pot by the door.", encoding="utf-8")
    assert quelle(home, "ingest", str(note)).returncode == 0
    result = quelle(home, "ask", "Where is the key? " * 1112)
    assert result.returncode == 1
    assert one_line(result.stderr) == (
        "quelle: The question is 20016 characters long; Quelle answers questions of up to "
        "2000 characters. Ask about one thing at a time."
    )


@pytest.mark.parametrize("command", [["docs"], ["ask", "Where is the key?"]])
def test_output_into_a_closed_pipe_ends_quietly(
    home: Path, tmp_path: Path, command: list[str]
) -> None:
    note = tmp_path / "note.txt"
    note.write_text("The spare key is under the blue flower pot by the door.", encoding="utf-8")
    assert quelle(home, "ingest", str(note)).returncode == 0
    import sys

    process = subprocess.Popen(
        [sys.executable, "-m", "quelle", "--home", str(home), *command],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None and process.stderr is not None
    process.stdout.close()  # as `| head -0` does: nobody reads what it writes
    errors = process.stderr.read()
    assert process.wait(timeout=600) == 0, errors
    assert "unexpected error" not in errors and "Traceback" not in errors
