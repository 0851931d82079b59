"""Which passage supports each sentence: invented figures show, right ones are cited."""

from __future__ import annotations

from quelle.engine.answers.citations import attribute
from quelle.engine.answers.sentences import sentence_spans
from quelle.protocol.values import Attribution

PASSAGES = [
    "iPad net sales decreased during the third quarter of 2022 due to lower iPad Pro sales.",
    "Total net sales $ 82,959 $ 81,434 for the three months ended June 25, 2022.",
]
GERMAN = [
    "Der Umsatz des Konzerns stieg im dritten Quartal auf 1.234,5 Mio. Euro.",
    "Die Belegschaft wuchs auf 12.400 Mitarbeiter, davon 38,5 % in Deutschland.",
]


def texts(attribution: Attribution) -> list[tuple[str, int | None, bool]]:
    """Each sentence as it stands in the text, with its passage and whether it was checked."""
    return [
        (attribution.text[s.start : s.end], s.passage, s.checked) for s in attribution.sentences
    ]


def test_a_right_figure_is_supported_and_gets_its_passages_marker() -> None:
    answer = "Apple's total net sales for the three months ended June 25, 2022 were $82,959 mn."
    result = attribute(answer, [*PASSAGES, "Apple Inc. CONDENSED CONSOLIDATED STATEMENTS"])
    assert result.text == (
        "Apple's total net sales for the three months ended June 25, 2022 were $82,959 mn [2]."
    )
    assert result.cited == {2} and result.unsupported == []


def test_an_invented_figure_is_unsupported_even_when_the_words_match() -> None:
    answer = "Total net sales for the three months ended June 25, 2022 were $91,317 million."
    result = attribute(answer, PASSAGES)
    assert result.text == answer  # no marker lends it a source
    assert result.unsupported == [answer]
    assert result.cited == frozenset()


def test_a_note_or_page_number_is_where_a_figure_stands_not_a_figure() -> None:
    answer = "Total net sales were $82,959 million, as Note 2 on page 14 shows."
    assert attribute(answer, PASSAGES).cited == {2}


def test_an_invented_year_is_unsupported() -> None:
    result = attribute("iPad net sales decreased during the third quarter of 2019.", PASSAGES)
    assert result.unsupported == ["iPad net sales decreased during the third quarter of 2019."]


def test_figures_match_in_the_forms_filings_use() -> None:
    for figure in ("$82,959 million", "82,959", "$82.96 billion", "$83 billion"):
        result = attribute(f"Total net sales were {figure}.", PASSAGES)
        assert result.cited == {2}, figure
    for wrong in ("$82,959 billion", "$82.5 billion", "$81.9 billion", "$8,296 million"):
        assert attribute(f"Total net sales were {wrong}.", PASSAGES).unsupported, wrong


def test_a_passage_stating_its_unit_rules_out_others() -> None:
    passages = ["Net sales (in millions): Americas 37,472; Europe 19,287."]
    assert attribute("Net sales in the Americas were $37.5 billion.", passages).cited == {1}
    assert attribute("Net sales in the Americas were $37,472 thousand.", passages).unsupported


def test_a_sentence_joining_figures_of_two_passages_is_supported() -> None:
    passages = [*PASSAGES, "Total net sales increased 2% during the third quarter of 2022."]
    answer = "Total net sales were $82.96 billion, up 2% from $81.43 billion."
    result = attribute(answer, passages)
    assert result.unsupported == [] and result.cited == {2}
    assert attribute(answer.replace("2%", "7%"), passages).unsupported == [
        answer.replace("2%", "7%")
    ]


def test_unsupported_sentences_stay_unmarked_and_supported_ones_are_marked() -> None:
    answer = "The weather in Paris was sunny. iPad net sales decreased in the third quarter."
    result = attribute(answer, PASSAGES)
    assert result.text == (
        "The weather in Paris was sunny. iPad net sales decreased in the third quarter [1]."
    )
    assert texts(result) == [
        ("The weather in Paris was sunny.", None, True),
        ("iPad net sales decreased in the third quarter [1].", 1, True),
    ]
    assert result.unsupported == ["The weather in Paris was sunny."]


def test_the_models_right_citation_stands() -> None:
    answer = "Net sales were $82,959 million [2]. iPad sales decreased [1]."
    result = attribute(answer, PASSAGES)
    assert result.text == answer
    assert [s.passage for s in result.sentences] == [2, 1]


def test_the_models_wrong_citation_is_corrected() -> None:
    result = attribute("Total net sales were $82,959 million [1].", PASSAGES)
    assert result.text == "Total net sales were $82,959 million [2]."
    assert result.cited == {2} and result.unsupported == []


def test_a_cited_sentence_no_passage_supports_is_flagged_and_keeps_its_marker() -> None:
    answer = "Total net sales were $97,278 million [2]."
    result = attribute(answer, PASSAGES)
    assert result.text == answer
    assert result.unsupported == [answer]
    assert result.cited == frozenset()


def test_a_marker_naming_no_passage_is_corrected() -> None:
    result = attribute("Total net sales were $82,959 million [7].", PASSAGES)
    assert result.text == "Total net sales were $82,959 million [2]."


def test_german_sentences_and_figures() -> None:
    answer = (
        "Der Umsatz des Konzerns stieg im dritten Quartal auf 1.234,5 Mio. Euro. "
        "Die Belegschaft wuchs auf 12.400 Mitarbeiter. "
        "Der Gewinn stieg auf 310,2 Mio. Euro."
    )
    result = attribute(answer, GERMAN)
    assert texts(result) == [
        ("Der Umsatz des Konzerns stieg im dritten Quartal auf 1.234,5 Mio. Euro [1].", 1, True),
        ("Die Belegschaft wuchs auf 12.400 Mitarbeiter [2].", 2, True),
        ("Der Gewinn stieg auf 310,2 Mio. Euro.", None, True),
    ]
    assert attribute("Der Umsatz stieg auf 1,23 Mrd. Euro.", GERMAN).cited == {1}
    assert attribute("38,5 % der Belegschaft arbeiten in Deutschland.", GERMAN).cited == {2}
    assert attribute("40 % der Belegschaft arbeiten in Deutschland.", GERMAN).unsupported


def test_lead_ins_short_sentences_and_abstentions_are_neither_cited_nor_flagged() -> None:
    answer = (
        "Here is the answer:\n"
        "Based on the provided documents, here is what I found:\n"
        "- Total net sales were $82,959 million.\n"
        "Yes.\n"
        "The documents do not say how many iPads were sold in Europe.\n"
        "The 10-Q does not break down Mac sales by country.\n"
        "Die Dokumente enthalten keine Angaben zum Gewinn im Jahr 2021.\n"
        "SOURCE(S): 2022 Q3 AAPL.pdf"
    )
    result = attribute(answer, PASSAGES)
    assert [(text, passage, checked) for text, passage, checked in texts(result)] == [
        ("Here is the answer:", None, False),
        ("Based on the provided documents, here is what I found:", None, False),
        ("Total net sales were $82,959 million [2].", 2, True),
        ("Yes.", None, False),
        ("The documents do not say how many iPads were sold in Europe.", None, False),
        ("The 10-Q does not break down Mac sales by country.", None, False),
        ("Die Dokumente enthalten keine Angaben zum Gewinn im Jahr 2021.", None, False),
        ("SOURCE(S): 2022 Q3 AAPL.pdf", None, False),
    ]
    assert result.unsupported == []
    # A denial about the subject, not about the documents, is a claim like any other.
    assert attribute("Apple did not sell any Macs in Europe.", PASSAGES).unsupported


def test_offsets_point_into_the_marked_text() -> None:
    answer = (
        "**Total net sales** were $82,959 million, e.g. in Q3. The iPhone was cheaper here.\n\n"
        "1. iPad net sales decreased in the third quarter of 2022.\n"
        "2. Mac sales grew 12.5% [2]."
    )
    result = attribute(answer, PASSAGES)
    assert texts(result) == [
        ("Total net sales** were $82,959 million, e.g. in Q3 [2].", 2, True),
        ("The iPhone was cheaper here.", None, True),
        ("iPad net sales decreased in the third quarter of 2022 [1].", 1, True),
        ("Mac sales grew 12.5% [2].", None, True),
    ]
    assert result.unsupported_spans == [(s.start, s.end) for s in result.sentences if s.unsupported]


def test_sentences_split_at_ends_not_at_decimals_abbreviations_or_german_dates() -> None:
    text = (
        "Sales were 82.96 billion, approx. 5% more. Der Bericht vom 25. Juni 2022 nennt "
        "ca. 3 Mio. Euro. Next one! [1] And a last line"
    )
    assert [text[a:b] for a, b in sentence_spans(text)] == [
        "Sales were 82.96 billion, approx. 5% more.",
        "Der Bericht vom 25. Juni 2022 nennt ca. 3 Mio. Euro.",
        "Next one! [1]",
        "And a last line",
    ]


def test_no_passages_nothing_is_cited() -> None:
    result = attribute("Anything at all here.", [])
    assert result.text == "Anything at all here." and result.cited == frozenset()


GUIDE_INTRO = (
    "Quelle answers questions about your own documents. Everything happens on this computer:\n"
    "your files, the index and the language model never leave it, and Quelle needs no internet\n"
    "connection."
)
TABLE = (
    "Three Months Ended\nJune 25, 2022 June 26, 2021\n"
    "iPhone 40,665 39,570\nMac 7,382 8,235\nTotal net sales 82,959 81,434"
)


def test_a_reversed_negation_is_unsupported_though_every_word_stands_in_the_passage() -> None:
    for said, right in [
        ("You can't read Quelle without internet connection [1].", False),
        ("Quelle needs an internet connection [1].", False),
        ("Quelle needs no internet connection [1].", True),
        ("Quelle does not need an internet connection.", True),
        ("Your files never leave this computer.", True),
        ("Your files leave this computer.", False),
    ]:
        assert (not attribute(said, [GUIDE_INTRO]).unsupported) == right, said


def test_a_figure_from_another_row_another_year_or_subject_is_unsupported() -> None:
    assert not attribute("Total net sales were 82,959 in 2022.", [TABLE]).unsupported
    assert attribute("Mac net sales were 82,959.", [TABLE]).unsupported  # another row
    assert attribute("Total net sales were 82,959 in 2020.", [TABLE]).unsupported  # a year
    assert attribute("Microsoft's total net sales were 82,959.", [TABLE]).unsupported


APPLE_TABLE = (
    "Net sales for the periods ended June 25, 2022 and June 26, 2021 were as follows:\n"
    "Three Months Ended Nine Months Ended\nJune 25,\n2022\nJune 26,\n2021\nJune 25,\n2022\n"
    "June 26,\n2021\niPhone $ 40,665 $ 39,570 $ 162,863 $ 153,105\n"
    "Mac 7,382 8,235 28,669 26,012\nTotal net sales $ 82,959 $ 81,434 $ 304,182 $ 282,457"
)


def test_a_figure_from_the_other_periods_column_is_unsupported() -> None:
    said = "Mac net sales were $8,235 million in the three months ended June 25, 2022."
    assert attribute(said, [APPLE_TABLE]).unsupported
    right = (
        "iPhone net sales rose to $40.7 billion in the three months ended June 25, 2022, "
        "from $39.6 billion a year earlier."
    )
    assert not attribute(right, [APPLE_TABLE]).unsupported


def test_a_german_sentence_about_an_english_table_is_checked_by_its_figures() -> None:
    right = "Der Gesamtumsatz betrug 82.959 Millionen Dollar im Quartal bis zum 25. Juni 2022."
    assert attribute(right, [APPLE_TABLE]).cited == {1}
    wrong = "Der Gesamtumsatz betrug 81.434 Millionen Dollar im Quartal bis zum 25. Juni 2022."
    assert attribute(wrong, [APPLE_TABLE]).unsupported
    words_only = attribute("Der Umsatz mit dem iPhone ist gestiegen.", [APPLE_TABLE])
    assert not words_only.unsupported and not words_only.sentences[0].checked


# --- an entailment model decides --------------------------------------------------------------


class FakeEntailment:
    """Entails exactly the (passage, sentence) pairs it is given; remembers what it was asked."""

    def __init__(self, *entailed: tuple[str, str]) -> None:
        self.entailed = set(entailed)
        self.asked: list[tuple[str, str]] = []

    def __call__(self, premise: str, hypothesis: str) -> bool:
        self.asked.append((premise, hypothesis))
        return (premise, hypothesis.strip()) in self.entailed


def test_with_an_entailment_model_it_decides_what_the_words_let_through() -> None:
    claim = "iPad net sales decreased during the third quarter of 2022."
    paraphrase = "Fewer iPad Pros were sold, so iPad revenue fell in that quarter."
    model = FakeEntailment((PASSAGES[0], paraphrase))
    result = attribute(f"{claim} {paraphrase}", PASSAGES, model)
    # The words alone support the first sentence, and not the paraphrase; the model said the
    # opposite, and it decides.
    assert texts(result) == [
        (claim, None, True),
        (f"{paraphrase.removesuffix('.')} [1].", 1, True),
    ]
    assert result.unsupported == [claim]
    assert [premise for premise, _ in model.asked] == [PASSAGES[0], PASSAGES[0]]


def test_a_figure_no_passage_holds_is_unsupported_without_asking_the_model() -> None:
    answer = "Total net sales for the three months ended June 25, 2022 were $91,317 million."
    model = FakeEntailment()
    result = attribute(answer, PASSAGES, model)
    assert result.unsupported == [answer]
    assert model.asked == []


def test_the_model_reads_the_passage_the_sentence_cites_without_its_marker() -> None:
    sentence = "Total net sales were 82,959 in the quarter."
    model = FakeEntailment((PASSAGES[1], sentence))
    result = attribute("Total net sales were 82,959 in the quarter [2].", PASSAGES, model)
    assert model.asked == [(PASSAGES[1], sentence)]
    assert result.cited == {2} and result.unsupported == []
