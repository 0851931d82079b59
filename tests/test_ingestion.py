"""Ingestion against real Chroma and SQLite on disk, with a fake embedder for speed."""

from __future__ import annotations

import shutil
import threading
from pathlib import Path

import pytest

from quelle.engine.index.catalog import Catalog
from quelle.engine.index.vectors import VectorStore
from quelle.engine.ingestion import Ingestor
from quelle.engine.search.question import Question
from quelle.engine.search.retrieval import Retriever
from quelle.protocol.values import Hit, Progress

from fakes import FakeEmbedder


class Engine:
    def __init__(self, root: Path) -> None:
        self.embedder = FakeEmbedder()
        self.catalog = Catalog(root / "catalog.sqlite")
        self.store = VectorStore(root / "chroma", self.embedder.model_id, self.embedder.dimension)
        self.ingestor = Ingestor(self.catalog, self.store, self.embedder, 60, 10)

    def search(self, query: str, limit: int = 5) -> list[Hit]:
        return (
            Retriever(self.catalog, self.store, self.embedder)
            .search(Question.analyse(query), limit)
            .hits
        )


@pytest.fixture
def engine(tmp_path: Path) -> Engine:
    return Engine(tmp_path / "index")


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


LONG = " ".join(f"Paragraph {i} talks about apples and pears in detail." for i in range(40))


def test_unchanged_file_adds_nothing(engine: Engine, tmp_path: Path) -> None:
    doc = write(tmp_path / "docs" / "fruit.txt", LONG)
    first = engine.ingestor.run([doc])
    count = engine.store.count()
    second = engine.ingestor.run([doc])
    assert first.added == [str(doc)] and second.unchanged == [str(doc)] and not second.added
    assert engine.store.count() == count == engine.catalog.passage_count()


def test_changed_file_replaces_its_passages(engine: Engine, tmp_path: Path) -> None:
    doc = write(tmp_path / "notes.txt", "The meeting is on Monday. " * 30)
    engine.ingestor.run([doc])
    write(doc, "The meeting moved to Thursday. " * 30)
    report = engine.ingestor.run([doc])
    assert report.added == [str(doc)]
    assert len(engine.catalog.documents()) == 1
    texts = " ".join(h.passage.text for h in engine.search("meeting day"))
    assert "Thursday" in texts and "Monday" not in texts
    assert engine.store.count() == engine.catalog.passage_count()


def test_same_content_under_two_paths_is_stored_once(engine: Engine, tmp_path: Path) -> None:
    a = write(tmp_path / "a" / "report.md", LONG)
    b = tmp_path / "b" / "copy.md"
    b.parent.mkdir()
    shutil.copy(a, b)
    report = engine.ingestor.run([a, b])
    assert report.added == [str(a)] and report.unchanged == [str(b)]
    assert len(engine.catalog.documents()) == 1
    assert engine.store.count() == engine.catalog.passage_count()


def test_a_failing_file_does_not_stop_the_others(engine: Engine, tmp_path: Path) -> None:
    bad = tmp_path / "in" / "broken.pdf"
    bad.parent.mkdir()
    bad.write_bytes(b"%PDF-1.4 garbage")
    good = write(tmp_path / "in" / "good.txt", LONG)
    report = engine.ingestor.run([tmp_path / "in", tmp_path / "missing.txt"])
    assert report.added == [str(good)]
    reasons = dict(report.failed)
    assert "broken.pdf" in reasons[str(bad)]
    assert "does not exist" in reasons[str(tmp_path / "missing.txt")]


def test_folders_are_walked_recursively_skipping_hidden_and_unsupported(
    engine: Engine, tmp_path: Path
) -> None:
    write(tmp_path / "lib" / "deep" / "er" / "one.md", "Deep file about rivers. " * 5)
    write(tmp_path / "lib" / ".hidden" / "two.md", "Hidden. " * 5)
    write(tmp_path / "lib" / "image.xyz", "not a document")
    report = engine.ingestor.run([tmp_path / "lib"])
    assert [Path(p).name for p in report.added] == ["one.md"]
    assert not report.failed


def test_progress_reports_states_fraction_and_eta(engine: Engine, tmp_path: Path) -> None:
    docs = [write(tmp_path / f"d{i}.txt", LONG + str(i)) for i in range(3)]
    events: list[Progress] = []
    engine.ingestor.run(docs, on_progress=events.append)
    states = [(e.event.state, Path(e.event.path).name) for e in events]
    assert ("queued", "d2.txt") in states and ("embedding", "d0.txt") in states
    # Files are embedded together, so which one is ready last is not fixed.
    assert {name for state, name in states if state == "ready"} == {"d0.txt", "d1.txt", "d2.txt"}
    assert states[-1][0] == "ready"
    fractions = [e.fraction for e in events]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0
    assert events[-1].files_done == 3


def test_cancel_leaves_no_half_document(engine: Engine, tmp_path: Path) -> None:
    docs = [write(tmp_path / f"d{i}.txt", LONG * 3 + str(i)) for i in range(3)]
    cancel = threading.Event()

    def stop_when_embedding(progress: Progress) -> None:
        if progress.event.state == "embedding" and progress.event.embedded == 0:
            cancel.set()

    report = engine.ingestor.run(docs, on_progress=stop_when_embedding, cancel=cancel)
    assert report.cancelled and not report.added
    assert engine.catalog.documents() == []
    assert engine.store.count() == 0


def test_a_crash_mid_file_resumes_without_duplicates(engine: Engine, tmp_path: Path) -> None:
    doc = write(tmp_path / "big.txt", LONG * 20)
    engine.embedder.fail_after = 100  # a batch after the first 100 passages "crashes"
    report = engine.ingestor.run([doc])
    assert report.failed  # the run itself survives and reports the file
    info = engine.catalog.documents()[0]
    assert info.state == "indexing"
    partial = engine.store.count()
    assert 0 < partial < info.passages

    restarted = Engine(tmp_path / "index")  # as after a restart of the app
    restarted.embedder.embedded = 0
    assert restarted.ingestor.resume() == 1
    assert restarted.embedder.embedded == info.passages - partial, "only missing vectors"
    assert restarted.catalog.documents()[0].state == "ready"
    assert restarted.store.count() == info.passages


def test_remove_deletes_passages_and_vectors(engine: Engine, tmp_path: Path) -> None:
    keep = write(tmp_path / "keep.txt", "Bananas are yellow. " * 20)
    drop = write(tmp_path / "drop.txt", "Cherries are red. " * 20)
    engine.ingestor.run([keep, drop])
    doc_id = next(d.doc_id for d in engine.catalog.documents() if d.title == "drop.txt")
    engine.ingestor.remove(doc_id)
    assert [d.title for d in engine.catalog.documents()] == ["keep.txt"]
    assert all(h.passage.title == "keep.txt" for h in engine.search("cherries red"))
    assert engine.store.count() == engine.catalog.passage_count()


def test_german_inflections_are_found_by_keyword_search(engine: Engine, tmp_path: Path) -> None:
    write(
        tmp_path / "bericht.txt",
        "Die Umsätze des Unternehmens stiegen im dritten Quartal deutlich. " * 3,
    )
    write(tmp_path / "other.txt", "Das Wetter in Hamburg war im Sommer regnerisch. " * 3)
    engine.ingestor.run([tmp_path])
    ids = [
        pid
        for pid, _ in engine.catalog.keyword_search(
            Question.analyse("Wie hoch war der Umsatz?").query_terms, 5
        )
    ]
    assert ids, "the stem 'umsatz' matches 'Umsätze'"
    titles = {p.title for p in engine.catalog.passages(ids).values()}
    assert titles == {"bericht.txt"}


def test_the_time_left_is_reckoned_from_when_work_first_moved(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import time

    from quelle.engine import ingestion
    from quelle.protocol.values import FileEvent

    clock = [100.0]
    monkeypatch.setattr(time, "monotonic", lambda: clock[0])
    doc = write(tmp_path / "notes.txt", LONG)
    seen: list[Progress] = []
    tracker = ingestion._Tracker([doc], seen.append)
    step = FileEvent(str(doc), "embedding")
    clock[0] += 20  # the embedder loading: nothing moves
    tracker.emit(step, 0.01)
    clock[0] += 3
    tracker.emit(step, 0.25)  # a quarter of the job in 3 s: about 9 s left
    assert seen[0].eta_seconds is None
    eta = seen[1].eta_seconds
    assert eta is not None and 8 < eta < 10  # not 69 s, as counted from the start
