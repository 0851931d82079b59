"""A question analysed once: its language, the words that say what it asks about, its names
and the stemmed terms it is searched by. Search, abstention and prompting all read this one
value; none of them analyses the question's text again."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from quelle.engine.search.language import (
    STOPWORDS,
    asked_words,
    detect_language,
    query_terms,
    words,
)
from quelle.protocol.values import Turn

# A follow-up with this many content words of its own borrows only the names before it.
OWN_WORDS = 3
_TOKEN = re.compile(r"\w+", re.UNICODE)


@dataclass(frozen=True, slots=True)
class Question:
    text: str  # as asked, without surrounding white space
    language: str  # "de" or "en"
    asked: tuple[str, ...]  # lower-case words saying what it asks about (else all its words)
    names: tuple[str, ...]  # names, figures and years, as written
    terms: tuple[str, ...]  # its content words stemmed as German and as English
    query: str  # what search looks for: the text, with what a follow-up borrows before it
    query_terms: tuple[str, ...]  # the query's terms, for keyword search

    @classmethod
    def analyse(cls, text: str, history: Sequence[Turn] = ()) -> Question:
        text = text.strip()
        query = _search_text(text, history)
        terms = tuple(query_terms(text))
        return cls(
            text=text,
            language=detect_language(text),
            asked=tuple(asked_words(text) or words(text)),
            names=tuple(names(text)),
            terms=terms,
            query=query,
            query_terms=terms if query == text else tuple(query_terms(query)),
        )


def names(text: str) -> list[str]:
    """The words of a text that name something: years and other figures, acronyms and
    capitalised words after a sentence's first word (in German, nouns too: the library's
    vocabulary decides which of them matter)."""
    found: list[str] = []
    for sentence in re.split(r"(?<=[.!?])\s+", text):
        for n, token in enumerate(_TOKEN.findall(sentence)):
            if len(token) < 2 or token.lower() in STOPWORDS:
                continue
            if any(c.isdigit() for c in token) or token.isupper() or (n and token[0].isupper()):
                found.append(token)
    return list(dict.fromkeys(found))


def _search_text(text: str, history: Sequence[Turn]) -> str:
    """The search text for a question: a follow-up borrows from the question before.

    "And in the quarter before?" alone finds nothing; with the previous question's words it
    finds the same company and measure. A follow-up that says what it asks about ("How
    did its R&D spending change?") borrows only the names: the company, the year.
    """
    if not history:
        return text
    before = history[-1].question
    if len(asked_words(text)) >= OWN_WORDS:
        return f"{' '.join(names(before))}\n{text}"
    return f"{before}\n{text}"
