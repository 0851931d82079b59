"""The sentences of the retrieved passages that answer the question, chosen without the chat
model: they open every answer, quoted verbatim and cited, so even a weak model's answer comes
with the sentence that holds the answer.

Each sentence of the best passages is scored by how close the embedder puts it to the
question, how many of the question's terms and names it holds, and how high its passage was
ranked. The weights were fitted on the dev share of the XQuAD-de and 10-Q questions
(`benchmarks/evidence.py`); the held-out share is reported apart.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from quelle.engine.answers.sentences import paragraph_spans
from quelle.engine.answers.tables import read_row
from quelle.engine.search.language import query_terms
from quelle.engine.search.question import Question
from quelle.protocol.values import Hit, Quote

Embed = Callable[[Sequence[str]], list[list[float]]]

# A page's running header or footer ("Apple Inc. | Q3 2023 Form 10-Q | 11") answers nothing.
_PAGE_LINE = re.compile(r"\|.*\|\s*\d+\s*$|^\s*(?:page|seite)\s+\d+", re.IGNORECASE)
MIN_CHARS = 25  # shorter lines (headings, page numbers) answer nothing alone
SHORTLIST = 10  # candidates compared with the question by the embedder
MAX_CHARS = 400  # a longer "sentence" is a table or a run-on line: cut at its lines


@dataclass(frozen=True, slots=True)
class Weights:
    """How a sentence is scored, as fitted on the dev share (`benchmarks/evidence.py --fit`)."""

    similarity: float = 1.0  # the embedder's cosine similarity to the question
    terms: float = 0.3  # share of the question's terms it holds
    names: float = 0.3  # share of the question's names it holds
    rank: float = 0.6  # 1 / the rank of its passage
    second: float = 0.6  # another sentence is quoted when it scores this close to the best
    most: int = 3  # sentences quoted at most
    passages: int = 3  # sentences are looked for in this many of the best passages


WEIGHTS = Weights()


@dataclass(frozen=True, slots=True)
class Candidate:
    n: int  # the source's number, from 1
    start: int
    end: int
    text: str
    terms: float  # share of the question's terms it holds
    names: float  # share of the question's names it holds
    rank: float  # 1 for the best passage, less for later ones


def candidates(question: Question, hits: Sequence[Hit]) -> list[Candidate]:
    """The sentences of the best passages that could answer, with what scores them."""
    asked = set(question.terms)
    names = [n.lower() for n in question.names]
    found: list[Candidate] = []
    for n, hit in enumerate(hits, start=1):
        text = hit.passage.text
        for start, end in spans(text):
            sentence = text[start:end]
            if len(sentence) < MIN_CHARS or _PAGE_LINE.search(sentence):
                continue
            lower = sentence.lower()
            held = set(query_terms(sentence))
            found.append(
                Candidate(
                    n,
                    start,
                    end,
                    sentence,
                    len(asked & held) / len(asked) if asked else 0.0,
                    sum(name in lower for name in names) / len(names) if names else 0.0,
                    1.0 / n,
                )
            )
    return _distinct(found)


def choose(
    question: Question, hits: Sequence[Hit], embed: Embed | None, weights: Weights = WEIGHTS
) -> list[Quote]:
    """The few sentences that best answer `question`, best first."""
    found = shortlist(candidates(question, hits), weights)
    quotes = pick(found, similarities(question, found, embed), weights)
    return [replace(q, reading=read_row(hits[q.n - 1].passage.text, q.text)) for q in quotes]


def shortlist(found: Sequence[Candidate], weights: Weights) -> list[Candidate]:
    """The candidates the embedder compares with the question: from the best passages, the
    best by their words and their passage's rank (embedding every sentence costs too long)."""
    near = [c for c in found if c.n <= weights.passages]
    return sorted(near, key=lambda c: -_lexical(c, weights))[:SHORTLIST]


def pick(found: Sequence[Candidate], similarity: Sequence[float], weights: Weights) -> list[Quote]:
    """The best of `found` (with the embedder's `similarity` of each to the question)."""
    if not found:
        return []
    scores = [
        weights.similarity * s + _lexical(c, weights)
        for c, s in zip(found, similarity, strict=True)
    ]
    order = sorted(range(len(found)), key=lambda i: -scores[i])
    top = scores[order[0]]
    chosen = [
        i for i in order[: weights.most] if i == order[0] or scores[i] >= weights.second * top > 0
    ]
    return [Quote(found[i].n, found[i].start, found[i].end, found[i].text) for i in chosen]


def _lexical(c: Candidate, weights: Weights) -> float:
    return weights.terms * c.terms + weights.names * c.names + weights.rank * c.rank


def _distinct(found: list[Candidate]) -> list[Candidate]:
    """One of each sentence: filings repeat their notes word for word."""
    seen: set[str] = set()
    kept = []
    for c in found:
        key = " ".join(c.text.lower().split())
        if key not in seen:
            seen.add(key)
            kept.append(c)
    return kept


def similarities(
    question: Question, found: Sequence[Candidate], embed: Embed | None
) -> list[float]:
    if embed is None:
        return [0.0] * len(found)
    vectors = embed([question.text, *(c.text for c in found)])
    q = _unit(vectors[0])
    return [sum(a * b for a, b in zip(q, _unit(v), strict=True)) for v in vectors[1:]]


def _unit(vector: Sequence[float]) -> list[float]:
    norm = math.sqrt(sum(x * x for x in vector)) or 1.0
    return [x / norm for x in vector]


_LINE = re.compile(r"[^\n]+")


def spans(text: str) -> list[tuple[int, int]]:
    """Sentences, across the line breaks of wrapped paragraphs; one too long to quote is
    taken line by line (table rows)."""
    spans: list[tuple[int, int]] = []
    for start, end in paragraph_spans(text):
        if end - start <= MAX_CHARS:
            spans.append((start, end))
            continue
        for line in _LINE.finditer(text, start, end):
            if line.end() - line.start() <= MAX_CHARS:
                spans.append((line.start(), line.end()))
    return spans
