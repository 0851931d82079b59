"""Changing the embedder: a new index fills beside the old one, which keeps answering, and
the library switches only when the new one is complete. Real models, real Chroma."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from quelle.engine.ingestion import with_header
from quelle.engine.library import Library

pytestmark = pytest.mark.slow

TOPICS = ["tides", "glaciers", "volcanoes", "deserts", "rainforests", "coral reefs"]


def library_with_passages(home: Path, tmp_path: Path) -> Library:
    notes = tmp_path / "notes"
    notes.mkdir()
    for topic in TOPICS:
        sentences = [
            f"Note {n} on {topic}: measurement {n * 7} was taken at site {n}." for n in range(150)
        ]
        (notes / f"{topic}.txt").write_text(" ".join(sentences), encoding="utf-8")
    library = Library(home)
    report = library.ingest([notes])
    assert len(report.added) == len(TOPICS)
    assert library.catalog.passage_count() > 64  # more than one step of the switch
    return library


def collections(library: Library) -> set[str]:
    import chromadb

    client = chromadb.PersistentClient(path=str(library.paths.index_dir / "chroma"))
    return {str(getattr(c, "name", c)) for c in client.list_collections()}


def test_answers_come_from_the_old_index_until_the_new_one_is_complete(
    home: Path, tmp_path: Path, other_embedder: Path
) -> None:
    library = library_with_passages(home, tmp_path)
    old_model = library.embedder().model_id
    library.update_settings(library.settings.replace(embedding_model=str(other_embedder)))
    assert library.switch_pending

    searched_during: list[int] = []
    first_step = threading.Event()
    answered = threading.Event()

    def progress(done: int, total: int) -> None:
        if not first_step.is_set():
            first_step.set()
            assert answered.wait(60)

    switch = threading.Thread(target=library.switch_embedder, args=(progress,))
    switch.start()
    assert first_step.wait(120)
    # Mid-switch: a question is answered, from the old index and the old embedder.
    hits = library.search("glaciers measurement site").hits
    searched_during.append(len(hits))
    assert library.embedder().model_id == old_model
    answered.set()
    switch.join(300)
    assert not switch.is_alive()
    assert searched_during[0] > 0
    assert "glaciers" in hits[0].passage.path

    assert not library.switch_pending
    embedder = library.embedder()
    assert embedder.model_id == "minilm-two-layers"
    ids = library.catalog.all_passage_ids()
    vectors = library._vector_store().vectors(ids)
    assert set(vectors) == set(ids)  # every passage has a vector of the new model...
    sample = library.catalog.passages(ids[:3])
    expected = embedder.embed([with_header(sample[i].title, sample[i].text) for i in ids[:3]])
    for pid, vector in zip(ids[:3], expected, strict=True):
        assert vectors[pid] == pytest.approx(vector, abs=1e-4)
    assert len(collections(library)) == 1  # ...and none of the old one is left
    library.close()

    reopened = Library(home)  # a restart keeps the choice
    assert reopened.embedder().model_id == "minilm-two-layers"
    assert "glaciers" in reopened.search("glaciers measurement site").hits[0].passage.path
    reopened.close()


def test_a_switch_cut_off_goes_on_after_a_restart(
    home: Path, tmp_path: Path, other_embedder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    library = library_with_passages(home, tmp_path)
    library.update_settings(library.settings.replace(embedding_model=str(other_embedder)))
    stop = threading.Event()
    assert library.switch_embedder(lambda done, total: stop.set(), cancel=stop) is False
    library.close()

    restarted = Library(home)
    assert restarted.switch_pending
    assert restarted.search("volcanoes site").hits  # the old index still answers
    assert len(collections(restarted)) == 2  # the half-built one is kept to go on with
    from quelle.engine.models.embedder import Embedder

    embedded: list[int] = []
    real_embed = Embedder.embed

    def counting_embed(self: Embedder, texts: list[str], query: bool = False) -> list[list[float]]:
        embedded.append(len(texts))
        return real_embed(self, texts, query)

    monkeypatch.setattr(Embedder, "embed", counting_embed)
    assert restarted.switch_embedder()
    # It went on from where it stopped: the first step's passages were not embedded again.
    assert sum(embedded) == restarted.catalog.passage_count() - 64
    assert restarted._vector_store().count() == restarted.catalog.passage_count()
    assert len(collections(restarted)) == 1
    restarted.close()


def test_a_deleted_embedder_is_named_and_choosing_another_recovers(
    home: Path, tmp_path: Path, other_embedder: Path
) -> None:
    import shutil

    from quelle.common.errors import ModelError

    mine = tmp_path / "models" / other_embedder.name
    shutil.copytree(other_embedder, mine)
    library = library_with_passages(home, tmp_path)
    library.update_settings(library.settings.replace(embedding_model=str(mine)))
    assert library.switch_embedder()
    library.close()
    shutil.rmtree(mine)  # the user deleted the model the index was built with

    library = Library(home)
    with pytest.raises(ModelError, match="is gone"):
        library.search("tides site")
    library.update_settings(library.settings.replace(embedding_model=""))  # the built-in one
    assert library.switch_embedder()
    assert "tides" in library.search("tides measurement site").hits[0].passage.path
    assert library._vector_store().count() == library.catalog.passage_count()
    library.close()


def test_a_search_under_way_as_the_switch_ends_still_answers(
    home: Path, tmp_path: Path, other_embedder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import time

    from quelle.engine import library as library_module
    from quelle.engine.index.vectors import COLLECTION
    from quelle.engine.search.question import Question
    from quelle.engine.search.retrieval import Mode, Retrieval, Retriever

    library = library_with_passages(home, tmp_path)
    library.update_settings(library.settings.replace(embedding_model=str(other_embedder)))
    searching, may_go_on = threading.Event(), threading.Event()

    class HeldRetriever(Retriever):
        def search(self, question: Question, limit: int, mode: Mode = "fused") -> Retrieval:
            searching.set()
            assert may_go_on.wait(120)
            return super().search(question, limit, mode)

    monkeypatch.setattr(library_module, "Retriever", HeldRetriever)
    found: list[Retrieval | BaseException] = []

    def search() -> None:
        try:
            found.append(library.search("glaciers measurement site"))
        except BaseException as error:  # noqa: BLE001 - handed to the test thread
            found.append(error)

    searcher = threading.Thread(target=search)
    searcher.start()
    assert searching.wait(60)
    switch = threading.Thread(target=library.switch_embedder)
    switch.start()
    deadline = time.monotonic() + 300
    while library.catalog.get_meta("collection") in (None, "", COLLECTION):  # not yet switched
        assert time.monotonic() < deadline
        time.sleep(0.1)
    assert len(collections(library)) == 2  # the old index waits for the search on it
    may_go_on.set()
    searcher.join(60)
    switch.join(60)
    assert not switch.is_alive()
    result = found[0]
    assert not isinstance(result, BaseException), result
    assert "glaciers" in result.hits[0].passage.path
    assert len(collections(library)) == 1
    library.close()
