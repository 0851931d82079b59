"""Conversations that outlive the window: questions, answers, their sources and timings.

A small SQLite file next to the library (`Paths.conversations_file`). Plain Python, no Qt,
so the CLI or a test can read what the window saved. One store object belongs to one
thread (the window's), like every SQLite connection here. A file written by an earlier
version gains the newer columns when it is opened; its turns read as fully cited.
"""

from __future__ import annotations

import json
import sqlite3
import time
from dataclasses import asdict, astuple, dataclass, field, replace
from pathlib import Path, PurePath
from typing import Any

from quelle.protocol.values import Hit, Turn

_SCHEMA = """
CREATE TABLE IF NOT EXISTS conversations (
    conv_id INTEGER PRIMARY KEY,
    title TEXT NOT NULL,
    created REAL NOT NULL,
    updated REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS turns (
    turn_id INTEGER PRIMARY KEY,
    conv_id INTEGER NOT NULL REFERENCES conversations(conv_id) ON DELETE CASCADE,
    question TEXT NOT NULL,
    answer TEXT NOT NULL,
    sources TEXT NOT NULL,            -- JSON list of SavedSource
    timings TEXT NOT NULL,            -- JSON object, empty when no model ran
    stopped INTEGER NOT NULL,
    created REAL NOT NULL,
    unsupported TEXT NOT NULL DEFAULT '[]',  -- JSON list of [start, end] in the answer
    evidence TEXT NOT NULL DEFAULT '[]'  -- JSON list of [source number, quote, its reading]
);
CREATE INDEX IF NOT EXISTS turns_conv ON turns(conv_id);
"""

SNIPPET_CHARS = 240
DEFAULT_TITLE = "New conversation"


@dataclass(frozen=True, slots=True)
class SavedSource:
    """A passage the model was given, kept with enough text to show and highlight it later.

    `cited`: some sentence of the answer rests on it; the others were only consulted.
    """

    file: str
    page: int
    passage_id: str
    snippet: str
    similarity: float
    text: str = ""
    cited: bool = True

    @property
    def name(self) -> str:
        return PurePath(self.file).name


@dataclass(frozen=True, slots=True)
class SavedQuote:
    """Evidence quoted from source `n`; a table row with its reading."""

    n: int
    text: str
    reading: str = ""


@dataclass(frozen=True, slots=True)
class SavedTurn:
    """One question and its answer as the user saw it.

    `sources` keep the numbers the prompt gave them ([n] is `sources[n - 1]`), cited or not;
    `unsupported` are the (start, end) spans of the answer's sentences no passage supports.
    """

    question: str
    answer: str
    sources: list[SavedSource] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    stopped: bool = False
    turn_id: int = 0
    unsupported: list[tuple[int, int]] = field(default_factory=list)
    evidence: list[SavedQuote] = field(default_factory=list)

    @property
    def evidence_only(self) -> bool:
        """The evidence is the answer: no chat model wrote (nor was stopped)."""
        return (
            not self.answer
            and bool(self.evidence)
            and not self.stopped
            and not self.timings.get("first_token_seconds")
        )

    @property
    def unsupported_sentences(self) -> list[str]:
        return [self.answer[start:end] for start, end in self.unsupported]

    def numbered(self, cited: bool) -> list[tuple[int, SavedSource]]:
        """The cited (or only consulted) sources with their numbers from the prompt."""
        return [(n, s) for n, s in enumerate(self.sources, start=1) if s.cited == cited]


@dataclass(frozen=True, slots=True)
class Conversation:
    conv_id: int
    title: str
    created: float
    updated: float


def snippet_of(text: str, limit: int = SNIPPET_CHARS) -> str:
    """The passage on one line, cut at a word boundary."""
    flat = " ".join(text.split())
    if len(flat) <= limit:
        return flat
    cut = flat[:limit].rsplit(" ", 1)[0]
    return cut + " …"


def saved_source(hit: Hit, cited: bool = True) -> SavedSource:
    """A source of an answer as a turn keeps it."""
    p = hit.passage
    similarity = round(float(hit.similarity), 4)
    return SavedSource(
        p.path or p.title, p.page, p.passage_id, snippet_of(p.text), similarity, p.text, cited
    )


def turn_from_answer(answer: Any) -> SavedTurn:
    """A `quelle.engine.library.Answer` as a turn to store.

    Without an attribution (the answer was stopped) every source counts as cited: nothing
    was checked, so none is set apart and no sentence is flagged. Where the evidence is the
    answer, the sources it quotes are the cited ones.
    """
    sources = [saved_source(h, answer.cites(n)) for n, h in enumerate(answer.sources, start=1)]
    timings = answer.figures()
    attribution = answer.attribution
    unsupported = attribution.unsupported_spans if attribution and answer.checked else []
    return SavedTurn(
        answer.question,
        answer.text,
        sources,
        timings,
        answer.stopped,
        unsupported=unsupported,
        evidence=[SavedQuote(q.n, q.text, q.reading) for q in answer.evidence],
    )


class ConversationStore:
    """List, create, rename, delete conversations; append and read their turns."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._db = sqlite3.connect(path)
        self._db.execute("PRAGMA foreign_keys = ON")
        # The window writes here on its own thread: with a write-ahead log a commit does not
        # wait for the disk to sync, which takes long while documents are being indexed. A
        # crash of Quelle still loses nothing; a power cut may lose the last turn.
        self._db.execute("PRAGMA journal_mode = WAL")
        self._db.execute("PRAGMA synchronous = NORMAL")
        self._db.executescript(_SCHEMA)
        self._migrate()

    def close(self) -> None:
        self._db.close()

    def _migrate(self) -> None:
        """Bring a file from an earlier version up to date: its turns stay as they were."""
        columns = {row[1] for row in self._db.execute("PRAGMA table_info(turns)")}
        for column in ("unsupported", "evidence"):
            if column not in columns:
                with self._db:
                    self._db.execute(
                        f"ALTER TABLE turns ADD COLUMN {column} TEXT NOT NULL DEFAULT '[]'"
                    )

    # --- conversations ---

    def conversations(self) -> list[Conversation]:
        """Most recently used first."""
        rows = self._db.execute(
            "SELECT conv_id, title, created, updated FROM conversations "
            "ORDER BY updated DESC, conv_id DESC"
        ).fetchall()
        return [Conversation(*row) for row in rows]

    def conversation(self, conv_id: int) -> Conversation | None:
        row = self._db.execute(
            "SELECT conv_id, title, created, updated FROM conversations WHERE conv_id = ?",
            (conv_id,),
        ).fetchone()
        return Conversation(*row) if row else None

    def new(self, title: str = DEFAULT_TITLE) -> Conversation:
        now = time.time()
        with self._db:
            cursor = self._db.execute(
                "INSERT INTO conversations (title, created, updated) VALUES (?, ?, ?)",
                (title, now, now),
            )
        return Conversation(int(cursor.lastrowid or 0), title, now, now)

    def rename(self, conv_id: int, title: str) -> None:
        title = " ".join(title.split()) or DEFAULT_TITLE
        with self._db:
            self._db.execute(
                "UPDATE conversations SET title = ? WHERE conv_id = ?", (title, conv_id)
            )

    def delete(self, conv_id: int) -> None:
        with self._db:
            self._db.execute("DELETE FROM turns WHERE conv_id = ?", (conv_id,))
            self._db.execute("DELETE FROM conversations WHERE conv_id = ?", (conv_id,))

    # --- turns ---

    def add_turn(self, conv_id: int, turn: SavedTurn) -> SavedTurn:
        now = time.time()
        with self._db:
            cursor = self._db.execute(
                "INSERT INTO turns (conv_id, question, answer, sources, timings, stopped, created,"
                " unsupported, evidence) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    conv_id,
                    turn.question,
                    turn.answer,
                    json.dumps([asdict(s) for s in turn.sources], ensure_ascii=False),
                    json.dumps(turn.timings),
                    int(turn.stopped),
                    now,
                    json.dumps([list(span) for span in turn.unsupported]),
                    json.dumps([astuple(quote) for quote in turn.evidence], ensure_ascii=False),
                ),
            )
            self._db.execute(
                "UPDATE conversations SET updated = ? WHERE conv_id = ?", (now, conv_id)
            )
        return replace(turn, turn_id=int(cursor.lastrowid or 0))

    def turn_count(self, conv_id: int) -> int:
        row = self._db.execute(
            "SELECT COUNT(*) FROM turns WHERE conv_id = ?", (conv_id,)
        ).fetchone()
        return int(row[0])

    def turns(self, conv_id: int, last: int | None = None) -> list[SavedTurn]:
        """The turns in order; with `last`, only the most recent ones."""
        rows = self._db.execute(
            "SELECT turn_id, question, answer, sources, timings, stopped, unsupported, evidence"
            " FROM turns "
            "WHERE conv_id = ? ORDER BY turn_id DESC LIMIT ?",
            (conv_id, last or -1),
        ).fetchall()
        rows.reverse()
        return [
            SavedTurn(
                question,
                answer,
                [SavedSource(**s) for s in json.loads(sources)],
                json.loads(timings),
                bool(stopped),
                turn_id,
                [(int(a), int(b)) for a, b in json.loads(unsupported)],
                [SavedQuote(*quote) for quote in json.loads(evidence)],
            )
            for turn_id, question, answer, sources, timings, stopped, unsupported, evidence in rows
        ]

    def history(self, conv_id: int, limit: int = 3) -> list[Turn]:
        """The last answered turns, for a follow-up question."""
        recent = self.turns(conv_id, last=limit * 4)
        answered = [t for t in recent if t.answer and t.sources and not t.stopped]
        return [Turn(t.question, t.answer) for t in answered[-limit:]]

    # --- export ---

    def export_markdown(self, conv_id: int) -> str:
        """The conversation as a Markdown file a colleague can read: answers with sources."""
        conv = self.conversation(conv_id)
        if conv is None:
            raise KeyError(conv_id)
        lines = [
            f"# {conv.title}",
            "",
            f"_Exported from Quelle on {time.strftime('%Y-%m-%d %H:%M')}_",
            "",
        ]
        for turn in self.turns(conv_id):
            lines += [f"## {turn.question}", ""]
            lines += [f"> “{' '.join(q.text.split())}” [{q.n}]" for q in turn.evidence]
            lines += [""] if turn.evidence else []
            lines += [turn.answer.strip() or "_(no answer)_", ""]
            if turn.stopped:
                lines += ["_(stopped before the end)_", ""]
            for heading, cited in (("Sources", True), ("Also consulted", False)):
                numbered = turn.numbered(cited)
                if numbered:
                    lines += [f"**{heading}**", ""]
                    lines += [
                        f"- [{n}] {s.name}, page {s.page} "
                        f"(similarity {s.similarity:.2f}): {s.snippet}"
                        for n, s in numbered
                    ]
                    lines.append("")
            if turn.unsupported:
                lines += ["**Not supported by your documents**", ""]
                lines += [f"- {sentence}" for sentence in turn.unsupported_sentences]
                lines.append("")
        return "\n".join(lines).rstrip() + "\n"
