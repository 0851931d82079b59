"""BM25 over the keyword index's postings, summed in numpy.

Asked to rank, FTS5 calls its bm25() for every passage that holds a term of the question,
and that call is most of the cost of a keyword search in a large library. Here the
postings of each term are read from the index (`fts5vocab`'s instance table), and the
scores are summed with numpy: the same formula and figures as FTS5's bm25() (k1 = 1.2,
b = 0.75, its idf, its passage lengths and their average), so the ranking is FTS5's own,
at less than two thirds of the time on 500,000 passages.

Passage lengths come from the index's own table of them, kept in memory and brought up to
date with what was added since; a removal reloads them.
"""

from __future__ import annotations

import math
import sqlite3
import threading
from collections.abc import Mapping

import numpy as np

K1 = 1.2
B = 0.75
_AVERAGES = 1  # the id of FTS5's record of row and token totals in its data table


def varints(blob: bytes) -> list[int]:
    """SQLite's variable-length integers, as FTS5 writes its lengths and totals."""
    values: list[int] = []
    value = 0
    for byte in blob:
        value = (value << 7) | (byte & 0x7F)
        if not byte & 0x80:
            values.append(value)
            value = 0
    return values


class Bm25:
    """Scores rows of one FTS5 table (`table`) with one indexed column."""

    def __init__(self, table: str) -> None:
        self._table = table
        self._lock = threading.Lock()
        self._lengths = np.zeros(1, dtype=np.float64)  # by rowid
        self._last = 0  # the largest rowid whose length is known
        self._rows = 0  # the row and token totals the lengths add up to
        self._tokens = 0

    def best(
        self, db: sqlite3.Connection, holding: Mapping[str, int], limit: int
    ) -> list[tuple[int, float]]:
        """The `limit` best (rowid, score) for the terms of `holding` (term -> number of
        rows that hold it), best first; rows holding none of them are left out."""
        cursor = db.cursor()
        cursor.row_factory = None  # plain tuples, whatever the connection's rows are
        # One snapshot for the totals, the lengths and the postings: a document written
        # meanwhile by the ingestion thread would otherwise bring rows the lengths lack.
        snapshot = not db.in_transaction
        if snapshot:
            cursor.execute("BEGIN")
        try:
            return self._best(cursor, holding, limit)
        finally:
            if snapshot:
                cursor.execute("COMMIT")

    def _best(
        self, cursor: sqlite3.Cursor, holding: Mapping[str, int], limit: int
    ) -> list[tuple[int, float]]:
        rows, tokens = self.totals(cursor)
        if not rows or not tokens or limit <= 0:
            return []
        lengths = self._lengths_for(cursor, rows, tokens)
        average = tokens / rows
        found, scores = [], []
        for term, held in holding.items():
            hits = np.array(
                cursor.execute(
                    f"SELECT doc FROM {self._table}_instances WHERE term=?", (term,)
                ).fetchall(),
                dtype=np.int64,
            ).ravel()
            if not hits.size:
                continue
            ids, tf = np.unique(hits, return_counts=True)
            idf = math.log((rows - held + 0.5) / (held + 0.5))
            idf = idf if idf > 0 else 1e-6  # as FTS5: a term in most rows still counts a little
            found.append(ids)
            norm = K1 * (1 - B + B * lengths[ids] / average)
            scores.append(idf * tf * (K1 + 1) / (tf + norm))
        if not found:
            return []
        ids, where = np.unique(np.concatenate(found), return_inverse=True)
        total = np.bincount(where, weights=np.concatenate(scores))
        top = np.argsort(-total, kind="stable")[:limit]
        return [(int(ids[i]), float(total[i])) for i in top]

    def totals(self, db: sqlite3.Connection | sqlite3.Cursor) -> tuple[int, int]:
        """How many rows the index holds and how many tokens they have together, from
        FTS5's own record of them: no counting."""
        record = db.execute(
            f"SELECT block FROM {self._table}_data WHERE id=?", (_AVERAGES,)
        ).fetchone()
        counted = varints(record[0]) if record else []
        return (counted[0], counted[1]) if len(counted) >= 2 else (0, 0)

    def _lengths_for(self, db: sqlite3.Cursor, rows: int, tokens: int) -> np.ndarray:
        """Every row's length in tokens, by rowid, for an index of `rows` rows and `tokens`
        tokens: what was added since last time is read, and all of it after a removal."""
        with self._lock:
            if (rows, tokens) == (self._rows, self._tokens) and self._newest(db) == self._last:
                return self._lengths
            new = self._read(db, self._last)
            added = sum(length for _, length in new)
            if (self._rows + len(new), self._tokens + added) != (rows, tokens):
                self._lengths, self._last, self._rows, self._tokens = np.zeros(1), 0, 0, 0
                new = self._read(db, 0)
                added = sum(length for _, length in new)
            if new:
                last = new[-1][0]
                if last >= len(self._lengths):
                    grown = np.zeros(max(last + 1, 2 * len(self._lengths)))
                    grown[: len(self._lengths)] = self._lengths
                    self._lengths = grown
                ids = np.fromiter((rowid for rowid, _ in new), dtype=np.int64, count=len(new))
                self._lengths[ids] = [length for _, length in new]
                self._last = last
            self._rows += len(new)
            self._tokens += added
            return self._lengths

    def _newest(self, db: sqlite3.Cursor) -> int:
        """The largest rowid: with the totals, it tells a removal followed by an addition of
        the same size from no change at all."""
        row = db.execute(f"SELECT max(id) FROM {self._table}_docsize").fetchone()
        return int(row[0] or 0)

    def _read(self, db: sqlite3.Cursor, after: int) -> list[tuple[int, int]]:
        return [
            (rowid, varints(size)[0])
            for rowid, size in db.execute(
                f"SELECT id, sz FROM {self._table}_docsize WHERE id>? ORDER BY id", (after,)
            )
        ]
