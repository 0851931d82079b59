"""Keyword ranking summed in numpy must be FTS5's own bm25() ranking, as the index changes."""

from __future__ import annotations

import random
import sqlite3

import pytest

from quelle.engine.index.bm25 import Bm25, varints

WORDS = "revenue quarter apple tesla margin growth cloud device service lisbon holiday".split()


@pytest.fixture
def db() -> sqlite3.Connection:
    db = sqlite3.connect(":memory:")
    db.executescript(
        "CREATE VIRTUAL TABLE t USING fts5(terms);"
        "CREATE VIRTUAL TABLE t_instances USING fts5vocab(t, 'instance');"
        "CREATE VIRTUAL TABLE t_vocab USING fts5vocab(t, 'row');"
    )
    return db


def add(db: sqlite3.Connection, rows: range, rng: random.Random) -> None:
    for rowid in rows:
        text = " ".join(rng.choice(WORDS) for _ in range(rng.randint(3, 60)))
        db.execute("INSERT INTO t(rowid, terms) VALUES (?, ?)", (rowid, text))


def fts5_ranking(db: sqlite3.Connection, terms: list[str]) -> list[tuple[int, float]]:
    match = " OR ".join(terms)
    rows = db.execute("SELECT rowid, -rank FROM t WHERE t MATCH ? ORDER BY rank", (match,))
    return [(r[0], r[1]) for r in rows]


def ours(db: sqlite3.Connection, bm25: Bm25, terms: list[str]) -> list[tuple[int, float]]:
    marks = ",".join("?" * len(terms))
    held = dict(db.execute(f"SELECT term, doc FROM t_vocab WHERE term IN ({marks})", terms))
    return bm25.best(db, held, 1000)


def assert_same(a: list[tuple[int, float]], b: list[tuple[int, float]]) -> None:
    assert len(a) == len(b) > 0
    for (id_a, score_a), (id_b, score_b) in zip(a, b, strict=True):
        assert score_a == pytest.approx(score_b, rel=1e-9)
        if id_a != id_b:  # equal scores may come in either order
            assert dict(a)[id_b] == pytest.approx(score_b, rel=1e-9)


def test_rankings_match_fts5_as_rows_are_added_removed_and_reused(db: sqlite3.Connection) -> None:
    rng = random.Random(3)
    bm25 = Bm25("t")
    add(db, range(1, 301), rng)
    questions = [["revenue", "tesla"], ["lisbon"], ["cloud", "margin", "holiday"]]
    for terms in questions:
        assert_same(ours(db, bm25, terms), fts5_ranking(db, terms))
    add(db, range(301, 401), rng)  # read on top of the lengths already known
    for terms in questions:
        assert_same(ours(db, bm25, terms), fts5_ranking(db, terms))
    db.execute("DELETE FROM t WHERE rowid > 350 OR rowid % 7 = 0")
    add(db, range(351, 420), rng)  # the rowids of removed rows come back with other text
    for terms in questions:
        assert_same(ours(db, bm25, terms), fts5_ranking(db, terms))


def test_an_empty_index_or_an_unknown_term_finds_nothing(db: sqlite3.Connection) -> None:
    bm25 = Bm25("t")
    assert bm25.best(db, {"revenue": 0}, 10) == []
    add(db, range(1, 5), random.Random(1))
    assert bm25.best(db, {"unheard": 0}, 10) == []


def test_varints_read_sqlite_variable_length_integers() -> None:
    assert varints(bytes([0x05])) == [5]
    assert varints(bytes([0x81, 0x00, 0x7F])) == [128, 127]


def test_a_document_edited_to_the_same_length_is_ranked_with_its_new_rows(
    db: sqlite3.Connection,
) -> None:
    """A file changed without changing its word count (a date corrected) replaces its rows
    by new ones while the totals stay the same; the lengths must follow all the same."""
    bm25 = Bm25("t")
    db.execute("INSERT INTO t(rowid, terms) VALUES (1, 'lease ends march')")
    db.execute("INSERT INTO t(rowid, terms) VALUES (2, 'boat shed seven')")
    assert ours(db, bm25, ["march"])[0][0] == 1
    db.execute("DELETE FROM t WHERE rowid=1")
    db.execute("INSERT INTO t(rowid, terms) VALUES (3, 'lease ends april')")
    assert_same(ours(db, bm25, ["april", "lease"]), fts5_ranking(db, ["april", "lease"]))
