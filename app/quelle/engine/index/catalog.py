"""The SQLite catalogue: documents, their passages and the keyword (BM25) index.

Passage text lives here, once; Chroma holds only the vectors under the same passage ids.
A document is 'indexing' until its vectors are all stored and 'ready' after, so a crash in
between is found and repaired on the next start.
"""

from __future__ import annotations

import os
import sqlite3
import threading
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from quelle.engine.index.bm25 import Bm25
from quelle.engine.search.language import index_terms
from quelle.protocol.values import DocumentInfo, Passage

# In a library of PRUNE_FROM passages or more, keyword search leaves out the terms that more
# than COMMON_TERM_SHARE of them hold.
COMMON_TERM_SHARE = 0.2
PRUNE_FROM = 10_000
_IDS_PER_QUERY = 500  # rowids looked up per statement, well under SQLite's variable limit

_SCHEMA = """
CREATE TABLE IF NOT EXISTS documents (
    doc_id TEXT PRIMARY KEY,          -- sha256 of the file's bytes
    title TEXT NOT NULL,
    kind TEXT NOT NULL,
    pages INTEGER NOT NULL,
    passages INTEGER NOT NULL,
    size INTEGER NOT NULL,
    added REAL NOT NULL,
    state TEXT NOT NULL               -- 'indexing' or 'ready'
);
CREATE TABLE IF NOT EXISTS sources (
    path TEXT PRIMARY KEY,            -- absolute path of a file with this content
    doc_id TEXT NOT NULL REFERENCES documents(doc_id),
    mtime REAL NOT NULL,
    size INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS sources_doc ON sources(doc_id);
CREATE INDEX IF NOT EXISTS documents_state ON documents(state);
CREATE TABLE IF NOT EXISTS passages (
    rowid INTEGER PRIMARY KEY,
    passage_id TEXT UNIQUE NOT NULL,  -- '<doc_id>:<n>', also the Chroma id
    doc_id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    page INTEGER NOT NULL,
    start INTEGER NOT NULL,
    end INTEGER NOT NULL,
    text TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS passages_doc ON passages(doc_id);
CREATE VIRTUAL TABLE IF NOT EXISTS passage_terms USING fts5(terms, tokenize='unicode61');
CREATE VIRTUAL TABLE IF NOT EXISTS passage_vocab USING fts5vocab(passage_terms, 'row');
CREATE VIRTUAL TABLE IF NOT EXISTS passage_terms_instances
    USING fts5vocab(passage_terms, 'instance');
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""


def passage_id(doc_id: str, n: int) -> str:
    """The id of a document's `n`th passage, in the catalogue and the vector store."""
    return f"{doc_id}:{n}"


def document_of(passage_id: str) -> str:
    return passage_id.rpartition(":")[0]


def number_of(passage_id: str) -> int:
    """Which of its document's passages `passage_id` is (the `n` of `passage_id`)."""
    return int(passage_id.rpartition(":")[2])


@dataclass(frozen=True, slots=True)
class NewPassage:
    page: int
    start: int
    end: int
    text: str
    terms: str  # for the keyword index: `index_terms` of the document's title and the text


class Catalog:
    """One SQLite file; each thread gets its own connection (WAL lets them overlap)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self._local = threading.local()
        self._bm25 = Bm25("passage_terms")
        with self._db() as db:
            db.executescript(_SCHEMA)

    def _db(self) -> sqlite3.Connection:
        db = getattr(self._local, "db", None)
        if db is None:
            db = sqlite3.connect(self.path, timeout=30)
            db.row_factory = sqlite3.Row
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            self._local.db = db
        return db

    def close(self) -> None:
        db = getattr(self._local, "db", None)
        if db is not None:
            db.close()
            self._local.db = None

    # --- meta ------------------------------------------------------------------------------

    def get_meta(self, key: str) -> str | None:
        row = self._db().execute("SELECT value FROM meta WHERE key=?", (key,)).fetchone()
        return row[0] if row else None

    def set_meta(self, key: str, value: str) -> None:
        self.set_metas({key: value})

    def set_metas(self, values: dict[str, str]) -> None:
        """In one transaction: a crash keeps all the old values or none."""
        with self._db() as db:
            db.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)", values.items())

    # --- documents and sources -------------------------------------------------------------

    def source(self, path: str) -> tuple[str, float, int] | None:
        """(doc_id, mtime, size) recorded for a path, if any."""
        row = (
            self._db()
            .execute("SELECT doc_id, mtime, size FROM sources WHERE path=?", (path,))
            .fetchone()
        )
        return (row[0], row[1], row[2]) if row else None

    def document(self, doc_id: str) -> DocumentInfo | None:
        rows = self._documents("WHERE d.doc_id=?", (doc_id,))
        return rows[0] if rows else None

    def documents(self) -> list[DocumentInfo]:
        return self._documents("", ())

    def _documents(self, where: str, args: tuple) -> list[DocumentInfo]:  # type: ignore[type-arg]
        rows = (
            self._db()
            .execute(
                "SELECT d.*, (SELECT MIN(path) FROM sources s WHERE s.doc_id=d.doc_id) AS path "
                f"FROM documents d {where} ORDER BY d.added, d.title",
                args,
            )
            .fetchall()
        )
        return [
            DocumentInfo(
                r["doc_id"],
                r["title"],
                r["kind"],
                r["path"] or "",
                r["pages"],
                r["passages"],
                r["size"],
                r["added"],
                r["state"],
            )
            for r in rows
        ]

    def unfinished(self) -> list[DocumentInfo]:
        """Documents whose indexing was interrupted."""
        return self._documents("WHERE d.state='indexing'", ())

    def add_source(self, path: str, doc_id: str, mtime: float, size: int) -> None:
        with self._db() as db:
            db.execute(
                "INSERT OR REPLACE INTO sources VALUES (?, ?, ?, ?)", (path, doc_id, mtime, size)
            )

    def begin_document(
        self,
        doc_id: str,
        title: str,
        kind: str,
        pages: int,
        size: int,
        passages: Sequence[NewPassage],
    ) -> list[str]:
        """Record a document and its passages in one transaction; returns the passage ids."""
        with self._db() as db:
            self._delete_passages(db, doc_id)
            db.execute(
                "INSERT OR REPLACE INTO documents VALUES (?, ?, ?, ?, ?, ?, ?, 'indexing')",
                (doc_id, title, kind, pages, len(passages), size, time.time()),
            )
            return self._insert_passages(db, doc_id, passages)

    def add_ready_document(self, info: DocumentInfo, passages: Sequence[NewPassage]) -> None:
        """Record a document whose vectors are stored already (another machine indexed it
        into a shared library), with its passages and path, in one transaction."""
        with self._db() as db:
            self._delete_passages(db, info.doc_id)
            db.execute(
                "INSERT OR REPLACE INTO documents VALUES (?, ?, ?, ?, ?, ?, ?, 'ready')",
                (
                    info.doc_id,
                    info.title,
                    info.kind,
                    info.pages,
                    len(passages),
                    info.size,
                    info.added,
                ),
            )
            self._insert_passages(db, info.doc_id, passages)
            # A path this machine uses for other content keeps its own; this one gets a mark.
            for path in (info.path, f"{info.path}#{info.doc_id[:12]}"):
                added = db.execute(
                    "INSERT OR IGNORE INTO sources VALUES (?, ?, 0, ?)",
                    (path, info.doc_id, info.size),
                )
                if added.rowcount:
                    break

    @staticmethod
    def _insert_passages(
        db: sqlite3.Connection, doc_id: str, passages: Sequence[NewPassage]
    ) -> list[str]:
        ids = [passage_id(doc_id, n) for n in range(len(passages))]
        for n, (pid, p) in enumerate(zip(ids, passages, strict=True)):
            cur = db.execute(
                "INSERT INTO passages (passage_id, doc_id, seq, page, start, end, text) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                (pid, doc_id, n, p.page, p.start, p.end, p.text),
            )
            db.execute(
                "INSERT INTO passage_terms (rowid, terms) VALUES (?, ?)", (cur.lastrowid, p.terms)
            )
        return ids

    def finish_documents(self, doc_ids: Sequence[str]) -> None:
        with self._db() as db:
            db.executemany(
                "UPDATE documents SET state='ready' WHERE doc_id=?", ((d,) for d in doc_ids)
            )

    def remove_document(self, doc_id: str) -> None:
        with self._db() as db:
            self._delete_document(db, doc_id)

    def remove_source(self, path: str) -> str | None:
        """Forget one path; returns the doc_id if no other path holds that content any more."""
        found = self.source(path)
        if not found:
            return None
        with self._db() as db:
            db.execute("DELETE FROM sources WHERE path=?", (path,))
            left = db.execute("SELECT 1 FROM sources WHERE doc_id=?", (found[0],)).fetchone()
        return None if left else found[0]

    def move_source(self, old: str, new: str) -> None:
        """A file renamed or moved: its document stays, under the new path (and, where it
        bore the old file's name, the new name)."""
        with self._db() as db:
            db.execute("UPDATE OR REPLACE sources SET path=? WHERE path=?", (new, old))
            db.execute(
                "UPDATE documents SET title=? WHERE title=? AND doc_id="
                "(SELECT doc_id FROM sources WHERE path=?)",
                (os.path.basename(new), os.path.basename(old), new),
            )

    def sources_under(self, folder: str) -> list[str]:
        """The paths recorded inside `folder`, at any depth."""
        start = folder.rstrip(os.sep) + os.sep
        end = start[:-1] + chr(ord(os.sep) + 1)
        rows = self._db().execute(
            "SELECT path FROM sources WHERE path >= ? AND path < ? ORDER BY path", (start, end)
        )
        return [r[0] for r in rows]

    @classmethod
    def _delete_document(cls, db: sqlite3.Connection, doc_id: str) -> None:
        cls._delete_passages(db, doc_id)
        db.execute("DELETE FROM sources WHERE doc_id=?", (doc_id,))
        db.execute("DELETE FROM documents WHERE doc_id=?", (doc_id,))

    @staticmethod
    def _delete_passages(db: sqlite3.Connection, doc_id: str) -> None:
        db.execute(
            "DELETE FROM passage_terms WHERE rowid IN (SELECT rowid FROM passages WHERE doc_id=?)",
            (doc_id,),
        )
        db.execute("DELETE FROM passages WHERE doc_id=?", (doc_id,))

    # --- consistency -----------------------------------------------------------------------

    def source_paths(self) -> list[str]:
        """Every file the library holds, by path."""
        with self._db() as db:
            return [row[0] for row in db.execute("SELECT path FROM sources ORDER BY path")]

    def dangling_sources(self) -> list[str]:
        """Paths recorded for a document the catalogue no longer has."""
        rows = self._db().execute(
            "SELECT path FROM sources WHERE doc_id NOT IN (SELECT doc_id FROM documents)"
        )
        return [r[0] for r in rows]

    def sourceless_documents(self) -> list[str]:
        """Documents no path holds any more (removing the last path removes the document)."""
        rows = self._db().execute(
            "SELECT doc_id FROM documents WHERE doc_id NOT IN (SELECT doc_id FROM sources)"
        )
        return [r[0] for r in rows]

    def short_documents(self) -> list[DocumentInfo]:
        """Ready documents with fewer passages than were recorded when they were read."""
        return self._documents(
            "WHERE d.state='ready' AND d.passages > "
            "(SELECT COUNT(*) FROM passages p WHERE p.doc_id=d.doc_id)",
            (),
        )

    def orphan_term_rows(self) -> int:
        """Keyword index entries whose passage is gone."""
        row = self._db().execute(
            "SELECT COUNT(*) FROM passage_terms WHERE rowid NOT IN (SELECT rowid FROM passages)"
        )
        return int(row.fetchone()[0])

    def unindexed_passages(self) -> list[tuple[int, str, str]]:
        """(rowid, title, text) of passages missing from the keyword index."""
        rows = self._db().execute(
            "SELECT p.rowid, d.title, p.text FROM passages p JOIN documents d USING (doc_id) "
            "WHERE p.rowid NOT IN (SELECT rowid FROM passage_terms)"
        )
        return [(r[0], r[1], r[2]) for r in rows]

    def repair(
        self,
        sources: Sequence[str],
        documents: Sequence[str],
        unindexed: Sequence[tuple[int, str, str]],
        unfinished: Sequence[str],
    ) -> None:
        """In one transaction: forget the dangling `sources` and the sourceless `documents`,
        drop orphan keyword entries, index the `unindexed` passages, and mark the
        `unfinished` documents for indexing again."""
        with self._db() as db:
            db.executemany("DELETE FROM sources WHERE path=?", [(s,) for s in sources])
            for doc_id in documents:
                self._delete_document(db, doc_id)
            db.execute("DELETE FROM passage_terms WHERE rowid NOT IN (SELECT rowid FROM passages)")
            db.executemany(
                "INSERT INTO passage_terms (rowid, terms) VALUES (?, ?)",
                [(rowid, index_terms(f"{title}\n{text}")) for rowid, title, text in unindexed],
            )
            db.executemany(
                "UPDATE documents SET state='indexing' WHERE doc_id=?", [(d,) for d in unfinished]
            )

    # --- passages --------------------------------------------------------------------------

    def passage_ids(self, doc_id: str) -> list[str]:
        rows = (
            self._db()
            .execute("SELECT passage_id FROM passages WHERE doc_id=? ORDER BY seq", (doc_id,))
            .fetchall()
        )
        return [r[0] for r in rows]

    def all_passage_ids(self) -> list[str]:
        """Every passage, document by document."""
        rows = self._db().execute("SELECT passage_id FROM passages ORDER BY doc_id, seq").fetchall()
        return [r[0] for r in rows]

    def passages(self, passage_ids: Iterable[str]) -> dict[str, Passage]:
        ids = list(passage_ids)
        if not ids:
            return {}
        marks = ",".join("?" * len(ids))
        rows = (
            self._db()
            .execute(
                "SELECT p.*, d.title,"
                " (SELECT MIN(path) FROM sources s WHERE s.doc_id=p.doc_id) AS path"
                " FROM passages p JOIN documents d USING (doc_id)"
                f" WHERE p.passage_id IN ({marks})",
                ids,
            )
            .fetchall()
        )
        return {
            r["passage_id"]: Passage(
                r["passage_id"],
                r["doc_id"],
                r["title"],
                r["path"] or "",
                r["page"],
                r["start"],
                r["end"],
                r["text"],
            )
            for r in rows
        }

    def passage_count(self) -> int:
        # Read from the keyword index's totals, which hold every passage: counting the rows
        # of half a million passages takes tens of milliseconds, and questions ask for it.
        return self._bm25.totals(self._db())[0]

    def term_counts(self, terms: Iterable[str]) -> dict[str, int]:
        """How many passages hold each stemmed term (0 for terms the library never uses)."""
        terms = list(dict.fromkeys(terms))
        if not terms:
            return {}
        marks = ",".join("?" * len(terms))
        rows = (
            self._db()
            .execute(f"SELECT term, doc FROM passage_vocab WHERE term IN ({marks})", terms)
            .fetchall()
        )
        counts = dict.fromkeys(terms, 0)
        counts.update({r[0]: r[1] for r in rows})
        return counts

    def keyword_terms(self, terms: Sequence[str]) -> dict[str, int]:
        """The stemmed `terms` of a question that keyword search ranks by, with how many
        passages hold each. In a large library, terms found in more than a fifth of the
        passages are left out while rarer ones remain: they barely move BM25's ranking, yet
        make up most of its cost (SciFact, 12,262 passages: nDCG@10 0.652 without them,
        0.650 with them, in two thirds of the time)."""
        counts = self.term_counts(terms)
        found = [t for t in counts if counts[t]]  # each word is stemmed as German and English
        total = self.passage_count()
        if found and total >= PRUNE_FROM:
            rare = [t for t in found if counts[t] <= COMMON_TERM_SHARE * total]
            found = rare or [min(found, key=counts.__getitem__)]
        return {t: counts[t] for t in found}

    def keyword_search(self, terms: Sequence[str], limit: int) -> list[tuple[str, float]]:
        """(passage id, BM25 score) over the `keyword_terms` of a question's stemmed `terms`,
        best first, ready documents only. Scores are FTS5's BM25, positive, higher is better
        (see `bm25`)."""
        holding = self.keyword_terms(terms)
        if not holding:
            return []
        db = self._db()
        # Passages of documents still being indexed are dropped after ranking, so take as
        # many more as there are of them.
        pending = db.execute(
            "SELECT COALESCE(SUM(passages), 0) FROM documents WHERE state='indexing'"
        ).fetchone()[0]
        best = self._bm25.best(db, holding, limit + pending)
        hits: list[tuple[str, float]] = []
        for begin in range(0, len(best), _IDS_PER_QUERY):
            part = best[begin : begin + _IDS_PER_QUERY]
            marks = ",".join("?" * len(part))
            # CROSS JOIN keeps SQLite on the passages' rowids: left to itself it walks every
            # ready document through the index on their state.
            ready = dict(
                db.execute(
                    "SELECT p.rowid, p.passage_id FROM passages p CROSS JOIN documents d"
                    f" ON d.doc_id = p.doc_id WHERE d.state='ready' AND p.rowid IN ({marks})",
                    [rowid for rowid, _ in part],
                ).fetchall()
            )
            hits += [(ready[rowid], score) for rowid, score in part if rowid in ready]
            if len(hits) >= limit:
                break
        return hits[:limit]
