"""Indexing in its own process, as the window does it: the real embedder, real Chroma through
the store process, real files."""

from __future__ import annotations

import os
import signal
import threading
from pathlib import Path

import pytest

from quelle.core.indexer import IndexerStopped
from quelle.core.ingestion import Progress
from quelle.core.library import Library

pytestmark = pytest.mark.integration

NOTES = ("Die Besprechung mit dem Vermieter ist am Donnerstag um zehn Uhr. "
         "Es geht um die Heizkostenabrechnung für das Jahr 2023.")
RECIPE = "To bake the bread, knead the dough for ten minutes and let it rise for two hours."


@pytest.fixture
def library(home: Path):
    library = Library(home)
    yield library
    library.close()


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_files_indexed_in_the_child_are_found_by_the_app(library: Library, tmp_path: Path):
    docs = tmp_path / "docs"
    write(docs / "notizen.txt", NOTES)
    write(docs / "bread.md", RECIPE)
    events: list[Progress] = []
    report = library.indexer().run([docs], on_progress=events.append)

    assert sorted(Path(p).name for p in report.added) == ["bread.md", "notizen.txt"]
    states = {(Path(e.event.path).name, e.event.state) for e in events}
    assert {("notizen.txt", "queued"), ("notizen.txt", "ready"), ("bread.md", "ready")} <= states
    assert events[-1].fraction == pytest.approx(1.0)
    assert {d.title: d.state for d in library.documents()} == {
        "notizen.txt": "ready", "bread.md": "ready"}
    hits = library.search("Wann ist die Besprechung mit dem Vermieter?").hits
    assert hits[0].passage.title == "notizen.txt"


def test_a_cancelled_job_leaves_no_half_document(library: Library, tmp_path: Path):
    docs = [write(tmp_path / f"doc{i}.txt", f"{RECIPE} Variation {i}. " * 200) for i in range(6)]
    cancel = threading.Event()

    def stop_after_first(progress: Progress) -> None:
        if progress.event.state == "ready":
            cancel.set()

    report = library.indexer().run(docs, on_progress=stop_after_first, cancel=cancel)
    assert report.cancelled
    assert 1 <= len(report.added) < len(docs)
    assert all(d.state == "ready" for d in library.documents())
    assert len(library.documents()) == len(report.added)


def test_a_crashed_indexer_is_replaced_and_finishes_the_interrupted_document(
        library: Library, tmp_path: Path):
    big = write(tmp_path / "big.txt", " ".join(f"{RECIPE} Step {i}." for i in range(600)))
    indexer = library.indexer()
    killed = threading.Event()

    def kill_while_embedding(progress: Progress) -> None:
        if progress.event.state == "embedding" and progress.event.embedded and not killed.is_set():
            killed.set()
            os.kill(indexer._process.pid, signal.SIGKILL)  # noqa: SLF001  (a native crash)

    with pytest.raises(IndexerStopped, match="Add the documents again"):
        indexer.run([big], on_progress=kill_while_embedding)
    assert [d.state for d in library.documents()] == ["indexing"]

    assert indexer.resume() == 1  # a new child completes what the crash left
    [doc] = library.documents()
    assert doc.state == "ready"
    report = indexer.run([big])
    assert report.unchanged == [str(big)]
    assert library._vector_store().count() == doc.passages  # noqa: SLF001  no duplicates
