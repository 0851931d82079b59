"""Protected PDFs: without their password each is named as protected, with
`--password-file` they are added, and no password is written anywhere in the home.
The real command, engine and models, on the protected PDFs of the evaluation data."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from pytestqt.qtbot import QtBot

from test_awkward_inputs import intact
from test_cli import quelle

from conftest import EVAL, needs_eval

if TYPE_CHECKING:
    from quelle.ui.window import MainWindow

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


R4 = "pypdf_resources/encryption/r4-user-password.pdf"  # its password: asdfzxcv


def test_a_remembered_password_opens_the_file_again_from_the_keyring(
    home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import keyring

    from file_keyring import FileKeyring
    from quelle.engine.library import Library

    store = tmp_path / "keyring.json"
    monkeypatch.setenv("QUELLE_TEST_KEYRING", str(store))  # for the reader processes too
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "file_keyring.FileKeyring")
    keyring.set_keyring(FileKeyring())
    pdf = tmp_path / "statement.pdf"
    shutil.copy(ROBUSTNESS / R4, pdf)
    library = Library(home)
    first = library.ingest([pdf], passwords=["asdfzxcv"], remember=True)
    assert first.added and not first.notices
    assert list(json.loads(store.read_text(encoding="utf-8")).values()) == ["asdfzxcv"]
    [doc] = library.documents()
    library.remove(doc.doc_id)
    again = library.ingest([pdf])  # no password given: the keyring has it
    assert again.added and not again.locked
    store.unlink()
    library.remove(doc.doc_id)
    forgotten = library.ingest([pdf])
    assert forgotten.locked == [str(pdf)] and not forgotten.added
    library.close()


def test_the_window_asks_for_the_password_and_shows_the_pages(
    qtbot: QtBot,
    open_window: Callable[[Path], MainWindow],
    home: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from test_window import LOAD, drop, wait_ready

    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")  # none here
    pdf = tmp_path / "statement.pdf"
    shutil.copy(ROBUSTNESS / R4, pdf)
    window = open_window(home)
    wait_ready(qtbot, window)
    adding = window.ingest_box
    with qtbot.waitSignal(window.ingestion_done, timeout=LOAD):
        assert drop(window, [pdf])
    qtbot.waitUntil(lambda: adding.password_dialog is not None)
    dialog = adding.password_dialog
    assert dialog is not None and "is protected by a password" in dialog.message.text()
    assert not dialog.add_button.isEnabled()  # nothing typed yet
    dialog.password.setText("letmein")
    dialog.add_button.click()
    qtbot.waitUntil(lambda: adding.password_dialog not in (None, dialog), timeout=LOAD)
    wrong = adding.password_dialog
    assert wrong is not None and "does not open" in wrong.message.text()
    wrong.password.setText("asdfzxcv")
    wrong.remember.setChecked(True)
    with qtbot.waitSignal(adding.reported, timeout=LOAD) as reported:
        wrong.add_button.click()
    assert "no system keyring" in reported.args[0]  # said, and nothing kept
    row = window.library_panel.row_for("statement.pdf")
    assert row is not None and row.state == "ready"
    assert adding.password_dialog is None
    view = window.source_view()
    view.show_passage(str(pdf), 1, "pdf encryption test")
    assert view.message() == "" and view.current_page() == 1  # its page, not a refusal
    assert "pdf encryption test" in view.highlighted_text()
