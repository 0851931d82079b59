"""Protected PDFs: without their password each is named as protected, with
`--password-file` they are added, and no password is written anywhere in the home.
The real command, engine and models, on the protected PDFs of the evaluation data."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from test_awkward_inputs import intact
from test_cli import quelle

from conftest import EVAL, needs_eval

pytestmark = [pytest.mark.slow, needs_eval(EVAL / "pdf_robustness")]

ROBUSTNESS = EVAL / "pdf_robustness"
PROTECTED = [
    "pypdf_resources/encryption/r4-user-password.pdf",
    "pdfminer_samples/encryption/aes-256.pdf",
    "pdfplumber_tests/password-example.pdf",
]


def test_protected_pdfs_are_added_with_their_passwords_and_none_is_kept(
    home: Path, tmp_path: Path
) -> None:
    known = json.loads((ROBUSTNESS / "passwords.json").read_text(encoding="utf-8"))["files"]
    folder = tmp_path / "statements"
    folder.mkdir()
    for n, name in enumerate(PROTECTED):
        shutil.copy(ROBUSTNESS / name, folder / f"{n}-{Path(name).name}")
    passwords = sorted({known[name]["user"] for name in PROTECTED})

    refused = quelle(home, "ingest", str(folder))
    assert refused.returncode == 1
    assert refused.stdout.count("it is protected by a password. Add it again with its") == 3

    wrong = tmp_path / "wrong.txt"
    wrong.write_text("letmein\n", encoding="utf-8")
    result = quelle(home, "ingest", "--password-file", str(wrong), str(folder))
    assert result.stdout.count("none of the passwords given opens it") == 3

    right = tmp_path / "passwords.txt"
    right.write_text("letmein\n" + "\n".join(passwords) + "\n", encoding="utf-8")
    result = quelle(home, "ingest", "--password-file", str(right), str(folder))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Added 3 documents" in result.stdout and "failed: " not in result.stdout
    intact(home)
    distinct = [p.encode() for p in passwords if len(p) >= 6]  # "test" stands in any path
    assert distinct
    # The catalogue holds the documents' own text, and one of them prints its password.
    for file in (f for f in home.rglob("*") if f.is_file() and "catalog.sqlite" not in f.name):
        data = file.read_bytes()
        assert not any(p in data for p in distinct), file
