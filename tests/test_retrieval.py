from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest

from quelle.engine.search.question import Question
from quelle.engine.search.retrieval import FOREIGN_DENSE_SHARE, fuse, reciprocal_rank_fusion


def test_fusion_rewards_agreement() -> None:
    scores = fuse([("a", 0.6), ("b", 0.55), ("c", 0.2)], [("b", 9.0), ("c", 8.0), ("a", 1.0)], 0.5)
    assert sorted(scores, key=scores.__getitem__, reverse=True) == ["b", "c", "a"]


def test_a_confident_keyword_match_outranks_a_vague_dense_neighbour() -> None:
    """Rank fusion would tie these; scores show that keyword search is sure and dense is not."""
    scores = fuse([("vague", 0.31), ("exact", 0.30)], [("exact", 20.0), ("vague", 2.0)], 0.5)
    assert max(scores, key=scores.__getitem__) == "exact"


def test_rank_fusion_rewards_agreement() -> None:
    scores = reciprocal_rank_fusion([["a", "b", "c"], ["b", "c", "a"]])
    assert max(scores, key=scores.__getitem__) == "b"
    assert scores["a"] > scores["c"]


def test_on_questions_in_a_language_the_embedder_does_not_know_keyword_search_leads(
    tmp_path: Path,
) -> None:
    from quelle.engine.search.retrieval import Retriever
    from test_ingestion import Engine, write

    assert FOREIGN_DENSE_SHARE < 0.5
    engine = Engine(tmp_path / "index")
    write(tmp_path / "docs" / "umsatz.txt", "Der Umsatz stieg im dritten Quartal deutlich an.")
    write(tmp_path / "docs" / "wetter.txt", "Wie war das Wetter? Wie war die Stimmung? Wie war es?")
    engine.ingestor.run([tmp_path / "docs"])
    german = Retriever(engine.catalog, engine.store, engine.embedder, frozenset({"en"}))
    hits = german.search(Question.analyse("Wie war der Umsatz im dritten Quartal?"), 2).hits
    assert hits[0].passage.title == "umsatz.txt"


def test_one_ranker_alone_keeps_its_order() -> None:
    scores = fuse([], [("a", 3.0), ("b", 1.0)], 0.5)
    assert sorted(scores, key=scores.__getitem__, reverse=True) == ["a", "b"]


class PrefersWord:
    """A stand-in cross-encoder: a passage scores by how often it says one word."""

    model_id = "prefers-word"

    def __init__(self, word: str) -> None:
        self.word = word
        self.seen = 0

    def score(self, query: str, texts: Sequence[str]) -> list[float]:
        self.seen += len(texts)
        return [float(t.lower().count(self.word)) for t in texts]


def test_the_reranker_reorders_the_fused_candidates_and_reports_its_cost(tmp_path: Path) -> None:
    from quelle.engine.search.retrieval import RERANK_CANDIDATES, Retriever
    from test_ingestion import Engine, write

    engine = Engine(tmp_path / "index")
    write(tmp_path / "docs" / "a.txt", "Quarterly revenue rose strongly in the quarter.")
    write(tmp_path / "docs" / "b.txt", "Revenue notes: the orchard sold apples, apples, apples.")
    engine.ingestor.run([tmp_path / "docs"])
    scorer = PrefersWord("apples")
    plain = Retriever(engine.catalog, engine.store, engine.embedder).search(
        Question.analyse("revenue quarter"), 2
    )
    assert plain.hits[0].passage.title == "a.txt" and plain.rerank_seconds is None
    reranked = Retriever(engine.catalog, engine.store, engine.embedder, reranker=scorer).search(
        Question.analyse("revenue quarter"), 2, mode="reranked"
    )
    assert [h.passage.title for h in reranked.hits] == ["b.txt", "a.txt"]
    assert reranked.rerank_seconds is not None and 0 < scorer.seen <= RERANK_CANDIDATES


def test_each_rankers_first_choice_survives_the_cut() -> None:
    from quelle.engine.search.retrieval import keep_champions

    assert keep_champions(["x", "y", "z"], ["solo", "x"]) == ["x", "y", "solo"]
    assert keep_champions(["x", "y"], ["x", "y"]) == ["x", "y"]


def test_keyword_search_skips_documents_still_being_indexed_and_common_words(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ready passages fill the list even when a half-indexed document matches better. In a
    large library a word nearly every passage holds does not decide the order, yet alone it
    still finds them."""
    from quelle.engine.index import catalog as catalogs
    from quelle.engine.index.catalog import Catalog, NewPassage
    from quelle.engine.search.language import index_terms

    catalog = Catalog(tmp_path / "catalog.sqlite")

    def add(doc_id: str, texts: list[str], ready: bool = True) -> None:
        passages = [NewPassage(1, 0, len(t), t, index_terms(t, "en")) for t in texts]
        catalog.begin_document(doc_id, doc_id, "txt", 1, 1, passages)
        if ready:
            catalog.finish_documents([doc_id])

    add("pending", ["Quarterly revenue revenue revenue report."] * 6, ready=False)
    add("notes", [f"Meeting note {n} about the quarterly report." for n in range(8)])
    add("sales", ["The revenue of the quarter rose by nine percent in the quarterly report."])
    add("travel", ["The team travels to Lisbon in May."])
    hits = catalog.keyword_search(Question.analyse("quarterly revenue report").query_terms, 3)
    assert [pid.partition(":")[0] for pid, _ in hits] == ["sales", "notes", "notes"]
    monkeypatch.setattr(catalogs, "_IDS_PER_QUERY", 2)  # the ready ones looked up in parts
    assert (
        catalog.keyword_search(Question.analyse("quarterly revenue report").query_terms, 3) == hits
    )

    monkeypatch.setattr(catalogs, "PRUNE_FROM", 10)  # as if the library were large
    hits = catalog.keyword_search(Question.analyse("quarterly report Lisbon").query_terms, 3)
    assert [pid.partition(":")[0] for pid, _ in hits] == ["travel"]  # the rare word decides
    assert (
        len(catalog.keyword_search(Question.analyse("report").query_terms, 20)) == 9
    )  # alone it finds every one
