"""`quelle check`: a library whose catalogue, keyword index and vectors disagree is found
out and mended, in-process and through a running engine. Real embedder, real Chroma."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from engines import Engines
from quelle.cli import find_document
from quelle.engine.library import Library

pytestmark = pytest.mark.slow

NOTES = {
    "holiday.txt": "Our team holiday in 2024 takes us to Lisbon in May for five days.",
    "bread.md": "To bake the bread, knead the dough for ten minutes and let it rise for two hours.",
    "heizung.txt": "Die Heizkostenabrechnung für 2023 kommt im März vom Vermieter.",
}


def damaged_library(home: Path, tmp_path: Path) -> Library:
    """Three notes, then every kind of disagreement a crash or a bug could leave."""
    for name, text in NOTES.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    library = Library(home)
    library.ingest([tmp_path / name for name in NOTES])
    store = library._vector_store()
    bread = find_document(library.documents(), "bread.md")
    heating = find_document(library.documents(), "heizung.txt")
    assert bread is not None and heating is not None
    [bread_passage] = library.catalog.passage_ids(bread.doc_id)
    [heating_passage] = library.catalog.passage_ids(heating.doc_id)
    store.delete([bread_passage])  # a passage without its vector
    store.add(["gone:0"], library.embedder().embed(["Nothing"]), [1])  # and the reverse
    db = sqlite3.connect(library.catalog.path)
    with db:
        db.execute(  # a passage keyword search cannot find
            "DELETE FROM passage_terms WHERE rowid ="
            " (SELECT rowid FROM passages WHERE passage_id=?)",
            (heating_passage,),
        )
        db.execute("INSERT INTO passage_terms (rowid, terms) VALUES (9999, 'lisbon')")
        db.execute("INSERT INTO sources VALUES ('/gone/old.txt', 'gone', 0, 0)")
    db.close()
    return library


def test_check_reports_every_disagreement_and_mends_it(home: Path, tmp_path: Path) -> None:
    library = damaged_library(home, tmp_path)
    assert not any(
        h.passage.title == "bread.md" for h in library.search("knead dough", mode="dense").hits
    )

    report = library.check(repair=False)
    assert (report.documents, report.passages, report.vectors) == (3, 3, 3)
    assert report.orphan_vectors == 1 and report.missing_vectors == 1
    assert report.orphan_terms == 1 and report.missing_terms == 1
    assert report.dangling_paths == 1 and report.problems == 5 and not report.repaired
    assert library.check(repair=False).problems == 5  # a dry run changes nothing

    mended = library.check()
    assert mended.repaired and mended.problems == 5
    again = library.check(repair=False)
    assert again.problems == 0 and again.vectors == again.passages == 3
    dense = library.search("knead the dough", mode="dense").hits
    assert dense[0].passage.title == "bread.md"  # embedded again
    keyword = library.search("Heizkostenabrechnung", mode="keyword").hits
    assert [h.passage.title for h in keyword] == ["heizung.txt"]  # indexed again
    assert not library.search("Lisbon", mode="keyword").hits[1:]  # the orphan entry is gone
    library.close()


def test_quelle_check_mends_a_library_a_running_engine_owns(home: Path, tmp_path: Path) -> None:
    damaged_library(home, tmp_path).close()
    engines = Engines(home)
    engine = engines.start()
    watcher = engines.client()  # the engine serves the library before the command runs
    try:

        def check(*args: str) -> subprocess.CompletedProcess[str]:
            return subprocess.run(
                [sys.executable, "-m", "quelle", "--home", str(home), "check", *args],
                capture_output=True,
                text=True,
                timeout=600,
            )

        dry = check("--dry-run")
        assert dry.returncode == 1, dry.stderr
        assert "Passages without a vector: 1\n" in dry.stdout
        assert "Nothing was changed" in dry.stdout
        mended = check("--json")
        assert mended.returncode == 0, mended.stderr
        report = json.loads(mended.stdout)
        assert report["repaired"] and report["problems"] == 5
        clean = check()
        assert clean.returncode == 0 and "Everything is consistent." in clean.stdout
        assert engine.poll() is None  # the commands went through the engine
        assert [d.title for d in watcher.documents()] == list(NOTES)
    finally:
        watcher.close()
        engines.stop()
