"""The conversation store: what the window saves survives a restart and exports readably."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from quelle.protocol.values import Answer, Hit, Passage, Timings, Turn
from quelle.ui.conversations import (
    DEFAULT_TITLE,
    ConversationStore,
    SavedSource,
    SavedTurn,
    snippet_of,
    turn_from_answer,
)

from fakes import checked_answer


def _answer(question: str, text: str, found: bool = True, stopped: bool = False) -> Answer:
    passage = Passage(
        "doc:3",
        "doc",
        "2022 Q3 AAPL.pdf",
        "/files/2022 Q3 AAPL.pdf",
        4,
        10,
        90,
        "Total net sales  82,959  97,278 " + "word " * 80,
    )
    hits = [Hit(passage, 0.03, 0.61, 1, 2)] if found else []
    timings = Timings(900, 41, 0.8, 1.8) if found else None
    return Answer(question, text, hits, 0.05, timings, stopped)


# The turns table as the first release wrote it, before answers were checked.
_FIRST_SCHEMA = """
CREATE TABLE conversations (conv_id INTEGER PRIMARY KEY, title TEXT NOT NULL,
    created REAL NOT NULL, updated REAL NOT NULL);
CREATE TABLE turns (turn_id INTEGER PRIMARY KEY,
    conv_id INTEGER NOT NULL REFERENCES conversations(conv_id) ON DELETE CASCADE,
    question TEXT NOT NULL, answer TEXT NOT NULL, sources TEXT NOT NULL,
    timings TEXT NOT NULL, stopped INTEGER NOT NULL, created REAL NOT NULL);
"""


def test_turns_with_sources_and_timings_survive_reopening(tmp_path: Path) -> None:
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


def test_new_rename_delete_and_order(tmp_path: Path) -> None:
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


def test_history_keeps_only_answered_turns(tmp_path: Path) -> None:
    store = ConversationStore(tmp_path / "c.sqlite")
    conv = store.new()
    store.add_turn(conv.conv_id, turn_from_answer(_answer("Q1?", "A1 [1]")))
    store.add_turn(conv.conv_id, turn_from_answer(_answer("Mona Lisa?", "Nothing.", found=False)))
    store.add_turn(conv.conv_id, turn_from_answer(_answer("Q2?", "A2", stopped=True)))
    store.add_turn(conv.conv_id, turn_from_answer(_answer("Q3?", "A3 [1]")))
    assert store.history(conv.conv_id, limit=3) == [Turn("Q1?", "A1 [1]"), Turn("Q3?", "A3 [1]")]
    assert store.history(conv.conv_id, limit=1) == [Turn("Q3?", "A3 [1]")]


def test_markdown_export_lists_answers_with_their_sources(tmp_path: Path) -> None:
    store = ConversationStore(tmp_path / "c.sqlite")
    conv = store.new("Apple")
    store.add_turn(conv.conv_id, turn_from_answer(_answer("Net sales?", "**$82,959** [1]")))
    store.add_turn(conv.conv_id, turn_from_answer(_answer("Paint?", "Found nothing.", False)))
    text = store.export_markdown(conv.conv_id)
    assert text.startswith("# Apple\n")
    assert "## Net sales?\n\n**$82,959** [1]\n" in text
    assert "- [1] 2022 Q3 AAPL.pdf, page 4 (similarity 0.61): Total net sales 82,959" in text
    assert "## Paint?\n\nFound nothing.\n" in text
    assert text.count("**Sources**") == 1


def test_markdown_export_sets_consulted_sources_and_unsupported_sentences_apart(
    tmp_path: Path,
) -> None:
    store = ConversationStore(tmp_path / "c.sqlite")
    conv = store.new("Apple")
    answer = checked_answer("Total net sales were $82,959 million. Profit rose to $99 million.")
    store.add_turn(conv.conv_id, turn_from_answer(answer))
    text = store.export_markdown(conv.conv_id)
    sources = text.index("**Sources**\n\n- [2] 2022 Q3 AAPL.pdf, page 4")
    consulted = text.index("**Also consulted**\n\n- [1] 2022 Q3 AAPL.pdf, page 2")
    flagged = text.index("**Not supported by your documents**\n\n- Profit rose to $99 million.")
    assert sources < consulted < flagged


def test_snippet_is_one_line_cut_at_a_word() -> None:
    text = "alpha  beta\ngamma " * 40
    snippet = snippet_of(text, 50)
    assert "\n" not in snippet and snippet.endswith(" …")
    assert len(snippet) <= 52 and not snippet[:-2].endswith(("alph", "bet", "gamm"))


def test_saved_source_name_is_the_file_name() -> None:
    assert SavedSource("/a/b/report.pdf", 1, "x:1", "", 0.5).name == "report.pdf"


def test_cited_and_consulted_sources_and_unsupported_sentences_survive_reopening(
    tmp_path: Path,
) -> None:
    path = tmp_path / "c.sqlite"
    store = ConversationStore(path)
    conv = store.new()
    answer = checked_answer("Total net sales were $82,959 million. Profit rose to $99 million.")
    saved = store.add_turn(conv.conv_id, turn_from_answer(answer))
    store.close()

    [turn] = ConversationStore(path).turns(conv.conv_id)
    assert turn == saved
    assert turn.answer == "Total net sales were $82,959 million [2]. Profit rose to $99 million."
    assert [(s.page, s.cited) for s in turn.sources] == [(2, False), (4, True)]
    assert [n for n, _ in turn.numbered(cited=True)] == [2]  # numbered as in the prompt
    assert turn.unsupported_sentences == ["Profit rose to $99 million."]


def test_a_stopped_answer_flags_nothing_and_lists_every_source_as_cited(tmp_path: Path) -> None:
    turn = turn_from_answer(_answer("Net sales?", "They were $12", stopped=True))
    assert turn.unsupported == [] and all(s.cited for s in turn.sources)


def test_a_file_from_before_answers_were_checked_opens_and_gains_the_new_column(
    tmp_path: Path,
) -> None:
    path = tmp_path / "old.sqlite"
    old = sqlite3.connect(path)
    old.executescript(_FIRST_SCHEMA)
    old.execute("INSERT INTO conversations VALUES (1, 'Apple', 1.0, 1.0)")
    source = {
        "file": "/f/a.pdf",
        "page": 4,
        "passage_id": "doc:3",
        "snippet": "Total",
        "similarity": 0.6,
        "text": "Total net sales",
    }
    old.execute(
        "INSERT INTO turns VALUES (1, 1, 'Net sales?', 'They were $82,959 [1].', ?, '{}', 0, 1.0)",
        (json.dumps([source]),),
    )
    old.commit()
    old.close()

    store = ConversationStore(path)
    [turn] = store.turns(1)
    assert turn.answer == "They were $82,959 [1]." and turn.unsupported == []
    assert [(s.name, s.cited) for s in turn.sources] == [("a.pdf", True)]
    store.add_turn(1, SavedTurn("Profit?", "It was $5.", unsupported=[(0, 10)]))
    store.close()
    assert ConversationStore(path).turns(1)[-1].unsupported_sentences == ["It was $5."]
