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


@pytest.mark.parametrize("shape", ["paragraphs", "one line"])
def test_a_huge_text_file_moves_on_and_stops_when_cancelled(
    home: Path, tmp_path: Path, shape: str
) -> None:
    import threading

    from quelle.engine.library import Library
    from quelle.protocol.values import Progress

    sentence = "Rent {n} rose by {n} euros in March while the heating bill fell again. "
    joiner = "\n\n" if shape == "paragraphs" else ""
    text = joiner.join(sentence.format(n=n) for n in range(80_000))  # about 5.5 MB
    huge = tmp_path / "export.txt"
    huge.write_text(text, encoding="utf-8")
    library = Library(home)
    cancel = threading.Event()
    seen: list[Progress] = []

    def watch(progress: Progress) -> None:
        seen.append(progress)
        if progress.event.state == "embedding" and progress.event.embedded >= 256:
            cancel.set()  # the passages are coming in: enough to know it moves

    report = library.ingest([huge], on_progress=watch, cancel=cancel)
    assert report.cancelled and not report.added and not report.failed
    embedded = [p.event.embedded for p in seen if p.event.state == "embedding"]
    assert embedded[-1] >= 256 and embedded == sorted(embedded)
    assert 0 < seen[-1].fraction < 1
    assert library.documents() == []
    consistent = library.check()
    assert consistent.documents == 0 and consistent.vectors == 0
    library.close()


REBUILD_HINT = "'quelle check --rebuild' sets them aside and builds the library again"


def library_of_notes(home: Path, tmp_path: Path) -> Path:
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "key.txt").write_text(
        "The spare key is under the blue flower pot by the door.", encoding="utf-8"
    )
    (notes / "rent.md").write_text("The rent rises by 40 euros in March.", encoding="utf-8")
    assert quelle(home, "ingest", str(notes)).returncode == 0
    return home / "data" / "index"


def halve(file: Path) -> None:
    with file.open("r+b") as handle:
        handle.truncate(file.stat().st_size // 2)


def test_a_damaged_catalogue_is_named_and_rebuilt_from_the_files(
    home: Path, tmp_path: Path
) -> None:
    index = library_of_notes(home, tmp_path)
    halve(index / "catalog.sqlite")
    for command in (["docs"], ["ask", "Where is the spare key?"], ["check"]):
        result = quelle(home, *command)
        assert result.returncode == 1
        assert REBUILD_HINT in one_line(result.stderr), command
    rebuilt = quelle(home, "check", "--rebuild")
    assert rebuilt.returncode == 0, rebuilt.stdout + rebuilt.stderr
    assert "set aside in" in rebuilt.stdout and "Added 2 documents" in rebuilt.stdout
    assert [p.name for p in index.glob("damaged-*/catalog.sqlite")] == ["catalog.sqlite"]
    docs = quelle(home, "docs").stdout
    assert "key.txt" in docs and "rent.md" in docs
    assert "blue flower pot" in quelle(home, "ask", "--json", "Where is the spare key?").stdout
    intact(home)


def test_a_damaged_vector_store_is_named_and_a_missing_one_embedded_again(
    home: Path, tmp_path: Path
) -> None:
    import shutil

    index = library_of_notes(home, tmp_path)
    shutil.copytree(index / "chroma", tmp_path / "chroma")
    halve(index / "chroma" / "chroma.sqlite3")
    result = quelle(home, "ask", "Where is the spare key?")
    assert result.returncode == 1 and REBUILD_HINT in one_line(result.stderr)
    shutil.rmtree(index / "chroma")  # the vectors folder gone altogether
    mended = quelle(home, "check")
    assert mended.returncode == 0 and "Passages without a vector: 2 (embedded again)" in (
        mended.stdout
    )
    intact(home)


def test_a_full_disk_while_adding_says_so_and_leaves_the_library_intact(
    home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sqlite3

    from quelle.engine.index.catalog import Catalog
    from quelle.engine.library import Library

    library = Library(home)
    kept = tmp_path / "kept.txt"
    kept.write_text("The spare key is under the blue flower pot by the door.", encoding="utf-8")
    assert library.ingest([kept]).added
    big = tmp_path / "big.txt"
    big.write_text("The boiler was serviced in May by the plumber. " * 400, encoding="utf-8")

    def full(*args: object, **kwargs: object) -> None:
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(Catalog, "begin_document", full)
    report = library.ingest([big])
    [(path, reason)] = report.failed
    assert reason == (
        "Could not index 'big.txt': The disk holding the library is full. Free some space, "
        "then add the files again; 'quelle check' mends anything cut off."
    )
    monkeypatch.undo()
    assert [d.title for d in library.documents()] == ["kept.txt"]
    assert not library.check().problems
    assert library.ingest([big]).added  # with room again, it goes in
    library.close()


def test_a_kill_in_the_middle_of_a_file_is_named_and_check_finishes_it(
    home: Path, tmp_path: Path
) -> None:
    import signal
    import sys

    sentence = "Meter reading {n}: the heating used {n} kilowatt hours in week {n}. "
    big = tmp_path / "readings.txt"
    big.write_text("\n\n".join(sentence.format(n=n) * 3 for n in range(4000)), encoding="utf-8")
    process = subprocess.Popen(
        [sys.executable, "-m", "quelle", "--home", str(home), "ingest", str(big)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stderr is not None
    for line in process.stderr:  # the progress bar, a line per step
        if "%" in line and " 0%" not in line:
            break  # passages are being stored
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=60)
    docs = quelle(home, "docs").stdout
    assert "readings.txt" in docs and "indexing was cut off; 'quelle check' finishes it" in docs
    mended = quelle(home, "check")
    assert mended.returncode == 0
    assert "Documents whose indexing was cut off: 1 (finished)" in mended.stdout
    docs = quelle(home, "docs").stdout
    assert "readings.txt" in docs and "indexing" not in docs
    intact(home)


def test_odd_names_a_copy_and_a_symlink_loop_in_one_folder(home: Path, tmp_path: Path) -> None:
    import os

    folder = tmp_path / "Ablage mit Leerzeichen"
    (folder / "tief").mkdir(parents=True)
    (folder / "Grüße an Ökonomen – Notiz.txt").write_text(
        "Die Ökonomen treffen sich am Dienstag in Würzburg.", encoding="utf-8"
    )
    long = "a" * 236 + ".txt"  # 240 bytes, near the 255 a file name may have
    (folder / long).write_text("The long-named note says the boiler is serviced in May.")
    original = folder / "key.txt"
    original.write_text("The spare key is under the blue flower pot by the door.")
    (folder / "tief" / "copy of key.txt").write_text(original.read_text())
    os.symlink(folder, folder / "tief" / "loop")  # a folder that contains itself
    result = quelle(home, "ingest", str(folder))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Added 3 documents" in result.stdout and "1 unchanged" in result.stdout
    docs = quelle(home, "docs").stdout
    assert "Grüße an Ökonomen – Notiz.txt" in docs and long in docs
    answer = quelle(home, "ask", "--json", "Wo treffen sich die Ökonomen?").stdout
    assert "Würzburg" in answer and "Grüße an Ökonomen" in answer
    intact(home)


def test_a_file_deleted_while_queued_and_one_changed_while_read(home: Path, tmp_path: Path) -> None:
    from quelle.engine.library import Library
    from quelle.protocol.values import Progress

    folder = tmp_path / "notes"
    folder.mkdir()
    for n in range(6):
        (folder / f"note{n}.txt").write_text(f"Note {n}: the meter read {n * 111} units.")
    changing = folder / "note0.txt"
    gone = folder / "note5.txt"
    library = Library(home)

    def meddle(progress: Progress) -> None:
        if progress.event.state == "queued" and gone.exists():
            gone.unlink()  # deleted after it was queued
        if progress.event.path == str(changing) and progress.event.state == "embedding":
            changing.write_text("Note 0, rewritten: the meter now reads 999 units.")

    report = library.ingest([folder], on_progress=meddle)
    assert [(Path(p).name, "no longer exists" in r) for p, r in report.failed] == [
        ("note5.txt", True)
    ]
    assert len(report.added) == 5
    again = library.ingest([folder])  # the change is seen: read again, the old text gone
    assert [Path(p).name for p in again.added] == ["note0.txt"]
    hits = library.search("meter reads 999 units").hits
    assert hits[0].passage.path == str(changing) and "999" in hits[0].passage.text
    assert not any("read 0 units" in h.passage.text for h in hits)
    assert not library.check().problems
    library.close()


def test_two_ingestions_of_one_library_at_once_both_land(home: Path, tmp_path: Path) -> None:
    import sys

    files = []
    for n in range(2):
        file = tmp_path / f"doc{n}.txt"
        file.write_text(f"Document {n} says the rent is paid on day {n + 1}. " * 200)
        files.append(file)
    runs = [
        subprocess.Popen(
            [sys.executable, "-m", "quelle", "--home", str(home), "ingest", str(file)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for file in files
    ]
    outputs = [run.communicate(timeout=600) for run in runs]
    assert [run.returncode for run in runs] == [0, 0], outputs
    assert sum("another Quelle process is working on this library" in e for _, e in outputs) == 1
    docs = quelle(home, "docs").stdout
    assert "doc0.txt" in docs and "doc1.txt" in docs
    intact(home)
