"""Evidence first: the sentences of the retrieved passages that answer the question, quoted
verbatim before the model's words, in the terminal, the JSON and the window."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from PySide6.QtCore import QUrl
from pytestqt.qtbot import QtBot

from quelle.engine.answers.evidence import choose
from quelle.engine.answers.pipeline import without_repeats
from quelle.engine.search.question import Question
from quelle.protocol.values import Hit, Passage, Quote
from quelle.ui.conversations import ConversationStore, SavedQuote, turn_from_answer
from quelle.ui.engine_link import AnswerRequest
from quelle.ui.window import MainWindow

from fake_engine import FakeEngineLink
from fakes import checked_answer

GUIDE = Path(__import__("quelle").__path__[0]) / "samples" / "quelle-guide.md"


def hits(*texts: str) -> list[Hit]:
    return [
        Hit(Passage(f"d:{n}", "d", "guide.md", "/g/guide.md", 1, 0, len(t), t), 0.1, 0.5, n, n)
        for n, t in enumerate(texts)
    ]


def test_the_sentence_that_answers_is_quoted_whole_across_wrapped_lines() -> None:
    guide = GUIDE.read_text(encoding="utf-8")
    intro = guide.split("## Adding documents")[0]
    adding = guide.split("## Adding documents")[1].split("## ")[0]
    found = choose(
        Question.analyse("Does Quelle need an internet connection?"), hits(adding, intro), None
    )
    [quote] = [q for q in found if "internet" in q.text]
    assert quote.n == 2
    assert " ".join(quote.text.split()).endswith("Quelle needs no internet connection.")
    assert intro[quote.start : quote.end] == quote.text  # verbatim, where it stands


def test_a_table_row_is_quoted_as_a_line_not_as_the_whole_table() -> None:
    table = "Three Months Ended\n" + "\n".join(
        f"{label} {a:,} {b:,}"
        for label, a, b in [
            ("iPhone", 40_665, 39_570),
            ("Mac", 7_382, 8_235),
            ("iPad", 7_224, 7_368),
            ("Wearables, Home and Accessories", 8_084, 8_775),
            ("Services", 19_604, 17_486),
            ("Total net sales", 82_959, 81_434),
        ]
        * 3
    )
    [row, *_] = choose(Question.analyse("What were total net sales?"), hits(table), None)
    assert row.text == "Total net sales 82,959 81,434"


def test_nothing_is_quoted_from_no_passages() -> None:
    assert choose(Question.analyse("Anything?"), [], None) == []


def test_a_repeated_sentence_is_said_once() -> None:
    looped = "Der Rhein mündet in die Nordsee. Das Delta ist groß. Der Rhein mündet in die Nordsee."
    assert without_repeats(looped) == "Der Rhein mündet in die Nordsee. Das Delta ist groß."
    assert without_repeats("One. Two.") == "One. Two."


def test_a_saved_turn_keeps_its_evidence_and_the_quoted_source_counts_as_cited(
    tmp_path: Path,
) -> None:
    answer = checked_answer("iPad sales fell.")
    quote = answer.sources[1].passage.text
    answer = replace(answer, evidence=[Quote(2, 0, len(quote), quote)])
    store = ConversationStore(tmp_path / "c.sqlite")
    conv = store.new("Apple")
    store.add_turn(conv.conv_id, turn_from_answer(answer))
    [turn] = ConversationStore(tmp_path / "c.sqlite").turns(conv.conv_id)
    assert turn.evidence == [SavedQuote(2, quote)] and turn.sources[1].cited
    assert f"> “{quote}” [2]" in store.export_markdown(conv.conv_id)


def asked(
    qtbot: QtBot, tmp_path: Path, question: str
) -> tuple[MainWindow, FakeEngineLink, AnswerRequest]:
    """A window on a stand-in engine whose models are ready, with `question` asked."""
    link = FakeEngineLink(tmp_path / "home")
    window = MainWindow(tmp_path / "home", engine=link)
    qtbot.addWidget(window)
    link.models_loaded.emit()
    window.ask(question)
    [request] = link.asked()
    return window, link, request


def test_the_window_shows_the_evidence_before_the_first_word(qtbot: QtBot, tmp_path: Path) -> None:
    window, link, request = asked(qtbot, tmp_path, "What were total net sales?")
    answer = checked_answer("Total net sales were $82,959 million.")
    row = answer.sources[1].passage.text
    link.answer_found.emit(request, answer.sources, [Quote(2, 0, len(row), row)])
    [turn] = window.chat.turns()
    assert not turn.evidence.isHidden()
    assert row in turn.evidence.toPlainText()
    assert turn.status.text() == "Reading 2 passages…"
    assert turn.plain_answer() == ""  # no word of the model yet
    window.open_source(turn.index, 2)  # its number opens the source while the model reads
    assert window.source_title.text() == "[2] 2022 Q3 AAPL.pdf, page 4"


def test_a_quotes_number_opens_its_source_with_that_sentence_highlighted(
    qtbot: QtBot, tmp_path: Path
) -> None:
    notes = tmp_path / "notes.md"
    notes.write_text(GUIDE.read_text(encoding="utf-8"), encoding="utf-8")
    text = notes.read_text(encoding="utf-8")
    sentence = "Quelle reads each file, cuts it into passages of a few sentences and\nstores them"
    start = text.index(sentence)
    passage = Passage("d:1", "d", "notes.md", str(notes), 1, 0, len(text), text)
    window, link, request = asked(qtbot, tmp_path, "How does Quelle store my files?")
    quote = Quote(1, start, start + len(sentence), sentence)
    link.answer_found.emit(request, [Hit(passage, 0.1, 0.5, 1, 1)], [quote])
    [turn] = window.chat.turns()
    assert f"quelle-quote:{turn.index}/0" in turn.evidence.toHtml()  # its number is a link
    turn.evidence.anchorClicked.emit(QUrl(f"quelle-quote:{turn.index}/0"))
    shown = window.source_view().highlighted_text()
    assert " ".join(shown.split()) == " ".join(sentence.split())  # the sentence, not the page


@pytest.mark.slow
def test_the_first_run_question_is_answered_by_the_guide_sentence(home: Path) -> None:
    """With the built-in models: the guide's own question is answered by the sentence that
    says Quelle needs no internet connection (the built-in chat model, too small to write
    reliable answers, is not asked)."""
    from quelle.engine.library import Library

    library = Library(home)
    library.ingest([GUIDE])
    heard: list[list[Quote]] = []
    answer = library.ask(
        "Does Quelle need an internet connection?", on_found=lambda s, e: heard.append(e)
    )
    library.close()
    assert heard == [answer.evidence]
    assert answer.evidence_only and answer.timings is None  # the built-in model did not write
    first = " ".join(answer.evidence[0].text.split())
    assert "Quelle needs no internet connection" in first


def test_the_model_reads_each_quoted_source_around_its_evidence() -> None:
    from quelle.engine.answers.prompts import prompt_passages

    guide = GUIDE.read_text(encoding="utf-8")
    question = Question.analyse("Does Quelle need an internet connection?")
    [passage] = [h.passage for h in hits(guide)]
    [quote, *_] = choose(question, hits(guide), None)
    [shown] = prompt_passages([passage], [quote], question, 300)
    assert quote.text in shown.text and len(shown.text) <= 300 + len(quote.text)
    assert shown.text.endswith("…")  # the rest of the guide is left out, and says so
    [whole] = prompt_passages([passage], [quote], question, 0)
    assert whole.text == guide


FILING_TABLE = (
    "Net sales for the periods ended June 25, 2022 and June 26, 2021 were as follows (in\n"
    "millions):\nThree Months Ended Nine Months Ended\nJune 25,\n2022\nJune 26,\n2021\n"
    "June 25,\n2022\nJune 26,\n2021\niPhone $ 40,665 $ 39,570 $ 162,863 $ 153,105\n"
    "Mac 7,382 8,235 28,669 26,012\niPad 7,224 7,368 22,118 23,610\n"
    "Total net sales $ 82,959 $ 81,434 $ 304,182 $ 282,457"
)


def test_a_quoted_table_row_is_read_with_its_columns_periods_and_the_model_gets_it() -> None:
    from quelle.engine.answers.prompts import prompt_passages

    question = Question.analyse("What were Apple's total net sales?")
    [quote, *_] = choose(question, hits(FILING_TABLE), None)
    assert quote.text == "Total net sales $ 82,959 $ 81,434 $ 304,182 $ 282,457"
    assert quote.reading == (
        "Total net sales: three months ended June 25, 2022: 82,959; three months ended "
        "June 26, 2021: 81,434; nine months ended June 25, 2022: 304,182; nine months ended "
        "June 26, 2021: 282,457"
    )
    [passage] = [h.passage for h in hits(FILING_TABLE)]
    [shown] = prompt_passages([passage], [quote], question, 400)
    assert shown.text.endswith(quote.reading)


def test_an_answer_of_evidence_alone_offers_the_model_to_write_with_one_click(
    qtbot: QtBot, tmp_path: Path
) -> None:
    window, link, request = asked(qtbot, tmp_path, "What were total net sales?")
    assert request.write is None  # as the settings say
    found = checked_answer("")
    row = found.sources[1].passage.text
    quote = Quote(2, 0, len(row), row)
    evidence_only = replace(
        found, text="", attribution=None, timings=None, evidence=[quote], written=False
    )
    link.answer_found.emit(request, found.sources, [quote])
    link.answer_finished.emit(request, evidence_only)
    [turn] = window.chat.turns()
    assert not turn.write_button.isHidden() and turn.status.isHidden()
    assert turn.saved is not None
    assert [n for n, _ in turn.saved.numbered(cited=True)] == [2]  # the quoted source
    assert [n for n, _ in turn.saved.numbered(cited=False)] == [1]
    assert row in turn.evidence.toPlainText()
    turn.write_button.click()
    again = link.asked()[-1]
    assert again.question == "What were total net sales?" and again.write is True


INCOME_STATEMENT = (  # as pypdf reads page 4 of Apple's 10-Q: trailing spaces and all
    "PART I — FINANCIAL INFORMATION\nItem 1. Financial Statements\nApple Inc.\n"
    "CONDENSED CONSOLIDATED STATEMENTS OF OPERATIONS (Unaudited)\n"
    "(In millions, except number of shares which are reflected in thousands and per share "
    "amounts)\nThree Months Ended Nine Months Ended\nJune 25,\n2022\nJune 26,\n2021\n"
    "June 25,\n2022\nJune 26,\n2021\nNet sales:\n Products $ 63,355 $ 63,948 $ 245,241 $ "
    "232,309 \n Services 19,604 17,486 58,941 50,148 \n"
    "Total net sales 82,959 81,434 304,182 282,457 \nCost of sales:\n"
    " Products 41,485 40,899 155,084 149,476 \n"
    "Total cost of sales 47,074 46,179 171,495 164,795 \nGross margin 35,885 35,255 132,687 "
    "117,662 \nOperating expenses:"
)


def test_a_filings_income_statement_is_quoted_row_by_row_with_its_periods() -> None:
    question = Question.analyse("What were Apple's total net sales in the quarter?")
    quotes = choose(question, hits(INCOME_STATEMENT), None)
    [total] = [q for q in quotes if q.text.startswith("Total net sales")]
    assert total.text == "Total net sales 82,959 81,434 304,182 282,457"  # one row, not two
    assert total.reading.startswith(
        "Total net sales: three months ended June 25, 2022: 82,959; "
        "three months ended June 26, 2021: 81,434"
    )
