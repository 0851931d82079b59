"""The conversation store: what the window saves survives a restart and exports readably."""

from __future__ import annotations

from pathlib import Path

from quelle.core.catalog import Passage
from quelle.core.conversations import (
    DEFAULT_TITLE,
    ConversationStore,
    SavedSource,
    SavedTurn,
    snippet_of,
    turn_from_answer,
)
from quelle.core.generation import Timings
from quelle.core.library import Answer
from quelle.core.prompts import Turn
from quelle.core.retrieval import Hit


def _answer(question: str, text: str, found: bool = True, stopped: bool = False) -> Answer:
    passage = Passage("doc:3", "doc", "2022 Q3 AAPL.pdf", "/files/2022 Q3 AAPL.pdf", 4, 10, 90,
                      "Total net sales  82,959  97,278 " + "word " * 80)
    hits = [Hit(passage, 0.03, 0.61, 1, 2)] if found else []
    timings = Timings(900, 41, 0.8, 1.8) if found else None
    return Answer(question, text, hits, 0.05, timings, stopped)


def test_turns_with_sources_and_timings_survive_reopening(tmp_path: Path):
    path = tmp_path / "conversations.sqlite"
    store = ConversationStore(path)
    conv = store.new("Apple sales")
    store.add_turn(conv.conv_id, turn_from_answer(_answer("Net sales?", "They were $82,959 [1].")))
    store.close()

    reopened = ConversationStore(path)
    [listed] = reopened.conversations()
    assert listed.title == "Apple sales"
    [turn] = reopened.turns(conv.conv_id)
    assert turn.answer == "They were $82,959 [1]."
    [source] = turn.sources
    assert (source.name, source.page, source.passage_id) == ("2022 Q3 AAPL.pdf", 4, "doc:3")
    assert source.similarity == 0.61
    assert source.text.startswith("Total net sales") and len(source.snippet) <= 250
    assert turn.timings["tokens_per_second"] == 40.0
    assert turn.timings["retrieval_seconds"] == 0.05


def test_new_rename_delete_and_order(tmp_path: Path):
    store = ConversationStore(tmp_path / "c.sqlite")
    first = store.new()
    second = store.new("Second")
    assert first.title == DEFAULT_TITLE
    store.rename(first.conv_id, "  Quarterly   figures ")
    store.add_turn(first.conv_id, SavedTurn("q", "a"))  # used last: listed first
    assert [c.title for c in store.conversations()] == ["Quarterly figures", "Second"]
    store.delete(first.conv_id)
    assert [c.conv_id for c in store.conversations()] == [second.conv_id]
    assert store.turns(first.conv_id) == []


def test_history_keeps_only_answered_turns(tmp_path: Path):
    store = ConversationStore(tmp_path / "c.sqlite")
    conv = store.new()
    store.add_turn(conv.conv_id, turn_from_answer(_answer("Q1?", "A1 [1]")))
    store.add_turn(conv.conv_id, turn_from_answer(_answer("Mona Lisa?", "Nothing.", found=False)))
    store.add_turn(conv.conv_id, turn_from_answer(_answer("Q2?", "A2", stopped=True)))
    store.add_turn(conv.conv_id, turn_from_answer(_answer("Q3?", "A3 [1]")))
    assert store.history(conv.conv_id, limit=3) == [Turn("Q1?", "A1 [1]"), Turn("Q3?", "A3 [1]")]
    assert store.history(conv.conv_id, limit=1) == [Turn("Q3?", "A3 [1]")]


def test_markdown_export_lists_answers_with_their_sources(tmp_path: Path):
    store = ConversationStore(tmp_path / "c.sqlite")
    conv = store.new("Apple")
    store.add_turn(conv.conv_id, turn_from_answer(_answer("Net sales?", "**$82,959** [1]")))
    store.add_turn(conv.conv_id, turn_from_answer(_answer("Paint?", "Found nothing.", False)))
    text = store.export_markdown(conv.conv_id)
    assert text.startswith("# Apple\n")
    assert "## Net sales?\n\n**$82,959** [1]\n" in text
    assert "1. 2022 Q3 AAPL.pdf, page 4 (similarity 0.61): Total net sales 82,959" in text
    assert "## Paint?\n\nFound nothing.\n" in text
    assert text.count("**Sources**") == 1


def test_snippet_is_one_line_cut_at_a_word():
    text = "alpha  beta\ngamma " * 40
    snippet = snippet_of(text, 50)
    assert "\n" not in snippet and snippet.endswith(" …")
    assert len(snippet) <= 52 and not snippet[:-2].endswith(("alph", "bet", "gamm"))


def test_saved_source_name_is_the_file_name():
    assert SavedSource("/a/b/report.pdf", 1, "x:1", "", 0.5).name == "report.pdf"
