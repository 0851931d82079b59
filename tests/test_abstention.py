"""Deciding that the library cannot answer, on a small real catalogue and vector store."""

from __future__ import annotations

from pathlib import Path

import pytest

from quelle.engine.answers.abstention import Verdict, gather, judge, refusal
from quelle.engine.library import Library
from quelle.engine.search.question import Question, names
from quelle.engine.search.retrieval import Retriever
from test_ingestion import Engine, write

FILINGS = {
    "apple.txt": "Apple Inc. total net sales were $82,959 million in the three months ended "
    "June 25, 2022, compared with $81,434 million a year earlier. iPhone net sales "
    "grew, while Mac and iPad net sales decreased.",
    "nvidia.txt": "NVIDIA revenue for the quarter was $6.70 billion, down 19% from a year ago. "
    "Data Center revenue was a record $3.81 billion.",
    "bericht.txt": "Die Umsätze des Unternehmens stiegen im dritten Quartal deutlich auf "
    "12,4 Millionen Euro. Der Vorstand erwartet weiteres Wachstum.",
}


@pytest.fixture
def engine(tmp_path: Path) -> Engine:
    engine = Engine(tmp_path / "index")
    for name, text in FILINGS.items():
        write(tmp_path / "docs" / name, text)
    engine.ingestor.run([tmp_path / "docs"])
    return engine


def verdict(engine: Engine, question: str) -> Verdict:
    analysed = Question.analyse(question)
    retrieval = Retriever(engine.catalog, engine.store, engine.embedder).search(analysed, 5)
    return judge(gather(analysed, retrieval, engine.catalog))


def test_names_are_capitalised_words_inside_a_sentence_years_and_acronyms() -> None:
    assert names("What was Tesla's revenue in 2021?") == ["Tesla", "2021"]
    assert names("What is the capital of Australia?") == ["Australia"]
    assert "GPU" in names("how many GPU units did it sell")


def test_a_company_the_library_never_mentions_is_declined_by_name(engine: Engine) -> None:
    result = verdict(engine, "What was Tesla's revenue in 2021?")
    assert not result.answerable
    assert "Tesla" in result.evidence.absent_names
    assert refusal(result, "en", "nothing") == "Your documents do not mention “Tesla” or “2021”."


def test_a_question_the_library_answers_passes(engine: Engine) -> None:
    result = verdict(engine, "What were Apple's total net sales in the three months ended June?")
    assert result.answerable, result
    assert not result.evidence.absent_names
    assert result.evidence.coverage > 0.7


def test_a_german_question_about_german_text_passes(engine: Engine) -> None:
    result = verdict(engine, "Wie stark stiegen die Umsätze im dritten Quartal?")
    assert result.answerable, result


def test_words_that_frame_a_question_do_not_count_as_missing(tmp_path: Path) -> None:
    """A one-passage library: "go" is nowhere in it, and the question is still answered."""
    engine = Engine(tmp_path / "index")
    write(
        tmp_path / "docs" / "holiday.txt",
        "Our team holiday in 2024 takes us to Lisbon in May for five days.",
    )
    engine.ingestor.run([tmp_path / "docs"])
    result = verdict(engine, "Where does the team holiday go?")
    assert result.answerable, result
    assert result.evidence.absent_share == 0.0
    assert verdict(engine, "Where does the team holiday go skiing?").evidence.absent_share > 0


def test_an_off_topic_question_is_declined(engine: Engine) -> None:
    result = verdict(engine, "How do I bake sourdough bread at home?")
    assert not result.answerable, result


def test_the_german_reply_names_what_is_missing(engine: Engine) -> None:
    result = verdict(engine, "Wie hoch war der Gewinn von Siemens?")
    assert not result.answerable
    assert "„Siemens“" in refusal(result, "de", "nichts")


def test_a_german_compound_whose_parts_the_library_holds_is_not_missing(engine: Engine) -> None:
    """The report never says "Vorstandserwartung", but it holds "Vorstand" and "erwartet"."""
    result = verdict(engine, "Was sagt die Vorstandserwartung über das Wachstum?")
    assert not result.evidence.absent_names, result
    assert result.answerable, result
    unknown = verdict(engine, "Was sagt die Wetterprognose über das Wachstum?")
    assert unknown.evidence.absent_names == ("Wetterprognose",)


def test_an_empty_library_says_so_without_loading_a_model(tmp_path: Path) -> None:
    library = Library(tmp_path / "home")
    answer = library.ask("What were Apple's net sales?")
    assert answer.text == "Your library is empty: add documents first."
    assert not answer.sources and answer.timings is None
    german = library.ask("Wie hoch war der Umsatz?")
    assert german.text.startswith("Ihre Bibliothek ist leer")
    library.close()


def test_an_instruction_after_the_question_does_not_count_as_a_name() -> None:
    """A capitalised first word is grammar, not a name: "Explain …" must not be declined
    as a company the library never mentions."""
    assert names("What were net sales? Explain every figure in detail.") == []
