from __future__ import annotations

from quelle.engine.answers.prompts import Message, build_messages, fit_messages
from quelle.engine.search.question import Question
from quelle.protocol.values import Passage, Turn


def passage(n: int, text: str = "") -> Passage:
    return Passage(
        f"d:{n}", "d", "report.pdf", "/x/report.pdf", n, 0, 10, text or f"Passage number {n}. " * 20
    )


def count_words(messages: list[Message]) -> int:
    return sum(len(m["content"].split()) for m in messages)


def test_passages_are_numbered_with_file_and_page() -> None:
    messages = build_messages(Question.analyse("How much?"), [passage(1), passage(7)], [], "SYSTEM")
    user = messages[-1]["content"]
    assert "[1] (report.pdf, page 1)" in user and "[2] (report.pdf, page 7)" in user
    assert user.endswith("Question: How much?")


def test_the_system_message_is_the_same_for_every_question() -> None:
    """A fixed prefix lets llama.cpp reuse its evaluated tokens across questions."""
    first = build_messages(Question.analyse("How much?"), [passage(1)], [], "SYSTEM")
    second = build_messages(
        Question.analyse("Why?"), [passage(2)], [Turn("How much?", "Much.")], "SYSTEM"
    )
    assert first[0] == second[0] == {"role": "system", "content": "SYSTEM"}


def test_answer_language_follows_the_question() -> None:
    assert (
        "Antworte auf Deutsch."
        in build_messages(
            Question.analyse("Wie hoch war der Umsatz im dritten Quartal?"), [passage(1)], [], "S"
        )[-1]["content"]
    )
    assert build_messages(Question.analyse("How high was revenue?"), [passage(1)], [], "S")[-1][
        "content"
    ].endswith("Question: How high was revenue?")


def test_fitting_drops_old_turns_first_then_the_weakest_passages() -> None:
    history = [Turn("old question " * 30, "old answer " * 30)]
    passages = [passage(n) for n in range(1, 6)]
    full = count_words(build_messages(Question.analyse("Q?"), passages, history, "S"))
    no_history = count_words(build_messages(Question.analyse("Q?"), passages, [], "S"))
    messages, kept = fit_messages(
        Question.analyse("Q?"), passages, history, "S", count_words, no_history
    )
    assert kept == passages and len(messages) == 2 and full > no_history
    messages, kept = fit_messages(
        Question.analyse("Q?"), passages, history, "S", count_words, no_history - 50
    )
    assert kept == passages[: len(kept)] and 0 < len(kept) < 5
    assert count_words(messages) <= no_history - 50


def test_a_single_huge_passage_is_shortened_to_fit() -> None:
    huge = passage(1, "word " * 5000)
    messages, kept = fit_messages(Question.analyse("Q?"), [huge], [], "S", count_words, 600)
    assert count_words(messages) <= 600
    assert kept and len(kept[0].text) < len(huge.text)


def test_follow_up_questions_borrow_the_previous_question() -> None:
    history = [Turn("What were Apple's net sales in Q3 2022?", "82,959 million [1]")]
    query = Question.analyse("And in the quarter before?", history).query
    assert "Apple" in query and "quarter before" in query
    assert "net sales" in query  # the measure too: the follow-up names none of its own
    assert Question.analyse("Standalone?", []).query == "Standalone?"


def test_a_follow_up_that_says_what_it_asks_borrows_only_the_names_before_it() -> None:
    """ "How did its R&D spending change?" is about R&D, not about net sales again."""
    history = [Turn("What were Apple's net sales in Q3 2022?", "82,959 million [1]")]
    query = Question.analyse("How did its R&D spending change?", history).query
    assert "Apple" in query and "2022" in query and "R&D spending" in query
    assert "net sales" not in query


def test_an_excerpt_keeps_the_rows_that_share_the_questions_words_and_their_headings() -> None:
    from quelle.engine.answers.prompts import excerpt

    table = "\n".join(
        [
            "CONDENSED CONSOLIDATED STATEMENTS OF OPERATIONS",
            "Three Months Ended June 25, 2022 June 26, 2021",
            "Products $ 63,355 $ 63,948",
            "Services 19,604 17,486",
            "Total net sales 82,959 81,434",
            "Cost of sales:",
            "Research and development 6,797 5,717",
            "Selling, general and administrative 6,012 5,412",
        ]
    )
    short = excerpt(
        table,
        Question.analyse("What were total net sales in the three months ended June 2022?"),
        120,
    )
    assert "Total net sales 82,959 81,434" in short
    assert "Three Months Ended June 25, 2022" in short
    assert "Research and development" not in short and len(short) <= 130
    assert excerpt("Short passage.", Question.analyse("anything"), 120) == "Short passage."
