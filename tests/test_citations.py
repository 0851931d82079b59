from __future__ import annotations

from quelle.core.citations import add_citations

PASSAGES = [
    "iPad net sales decreased during the third quarter of 2022 due to lower iPad Pro sales.",
    "Total net sales $ 82,959 $ 81,434 for the three months ended June 25, 2022.",
]


def test_a_sentence_gets_the_marker_of_the_passage_holding_its_figures():
    answer = "Apple's total net sales for the three months ended June 25, 2022 were $82,959 mn."
    assert add_citations(answer, PASSAGES) == (
        "Apple's total net sales for the three months ended June 25, 2022 were $82,959 mn "
        "[2]."
    )


def test_unsupported_sentences_stay_unmarked():
    answer = "The weather in Paris was sunny. iPad net sales decreased in the third quarter."
    assert add_citations(answer, PASSAGES) == (
        "The weather in Paris was sunny. iPad net sales decreased in the third quarter [1]."
    )


def test_the_models_own_citations_stand():
    answer = "Net sales were $82,959 million [1]."
    assert add_citations(answer, PASSAGES) == answer


def test_no_passages_no_markers():
    assert add_citations("Anything at all here.", []) == "Anything at all here."
