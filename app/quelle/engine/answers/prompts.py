"""Passages + question + history -> chat messages that fit the context window. Pure functions."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from pathlib import PurePath

from quelle.engine.answers.evidence import spans as evidence_spans
from quelle.engine.search.language import query_terms
from quelle.engine.search.question import Question
from quelle.protocol.values import Passage, Quote, Turn

Message = dict[str, str]


NO_ANSWER = {
    "en": "I found nothing in your documents that answers this question.",
    "de": "In Ihren Dokumenten habe ich nichts gefunden, das diese Frage beantwortet.",
}
# Small models drift into English; a German question gets an explicit reminder.
_ANSWER_IN = {"en": "", "de": "Antworte auf Deutsch."}


_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-ZÄÖÜ0-9(\"“])")
GAP = "…"  # stands for the lines or sentences an excerpt leaves out


def _units(text: str, longest: int) -> list[str]:
    """A passage's lines where it has many (a table keeps its rows), else its sentences;
    a unit longer than `longest` characters is cut at spaces."""
    lines = [line for line in text.splitlines() if line.strip()]
    if len(lines) < 4:
        lines = [u for u in _SENTENCE_END.split(" ".join(lines)) if u.strip()]
    units: list[str] = []
    for line in lines:
        while len(line) > longest:
            cut = line.rfind(" ", 0, longest)
            cut = cut if cut > 0 else longest
            units.append(line[:cut])
            line = line[cut:].lstrip()
        units.append(line)
    return units


def excerpt(text: str, question: Question, limit: int) -> str:
    """The lines or sentences of a passage that share most words with the question, in their
    own order and within `limit` characters; gaps are marked with an ellipsis.

    Time to first token grows with the prompt, and a small model reads a short, pointed
    context better than five long passages."""
    text = text.strip()
    if len(text) <= limit:
        return text
    wanted = set(question.terms)
    units = _units(text, max(40, limit // 3))
    scores = [len(wanted & set(query_terms(u))) for u in units]
    chosen: set[int] = set()
    used = 0

    def take(i: int) -> None:
        nonlocal used
        if 0 <= i < len(units) and i not in chosen and used + len(units[i]) <= limit:
            chosen.add(i)
            used += len(units[i]) + 1

    for i in sorted(range(len(units)), key=lambda i: (-scores[i], i)):
        if scores[i]:
            take(i)
    for i in sorted(chosen):  # then the line or sentence before each, often its heading
        take(i - 1)
    if not chosen:
        return text[:limit]
    pieces: list[str] = []
    for i in sorted(chosen):
        if pieces and i - 1 not in chosen:
            pieces.append(GAP)
        pieces.append(units[i].strip())
    table = "\n" in text
    return ("\n" if table else " ").join(pieces)


def excerpt_around(text: str, start: int, end: int, limit: int) -> str:
    """The quoted sentence `text[start:end]` with the sentences (or table lines) around it,
    within `limit` characters where the quote allows: what the model needs to understand
    the evidence. Gaps are marked with an ellipsis."""
    spans = evidence_spans(text)
    inside = [i for i, (a, b) in enumerate(spans) if a < end and b > start]
    if not inside:
        return text[start:end]
    first, last = inside[0], inside[-1]
    used = spans[last][1] - spans[first][0]
    grew = True
    while grew:
        grew = False
        for i in (first - 1, last + 1):
            if 0 <= i < len(spans) and used + spans[i][1] - spans[i][0] + 1 <= limit:
                used += spans[i][1] - spans[i][0] + 1
                first, last = min(first, i), max(last, i)
                grew = True
    shown = text[spans[first][0] : spans[last][1]]
    before = GAP + " " if text[: spans[first][0]].strip() else ""
    after = " " + GAP if text[spans[last][1] :].strip() else ""
    return before + shown + after


def prompt_passages(
    passages: Sequence[Passage], quotes: Sequence[Quote], question: Question, limit: int
) -> list[Passage]:
    """What the model reads of each source (numbered from 1): with `limit`, that many
    characters around its quoted evidence, or else the lines that share most words with
    the question; without, whole passages."""
    if not limit:
        return list(passages)
    shown = []
    for n, passage in enumerate(passages, start=1):
        quoted = [q for q in quotes if q.n == n]
        if quoted:
            start, end = min(q.start for q in quoted), max(q.end for q in quoted)
            text = excerpt_around(passage.text, start, end, limit)
            readings = [q.reading for q in quoted if q.reading]
            shown.append(passage.excerpt("\n".join([text, *readings])))
        else:
            shown.append(passage.excerpt(excerpt(passage.text, question, limit)))
    return shown


def source_label(passage: Passage) -> str:
    name = PurePath(passage.path).name if passage.path else passage.title
    return f"{name}, page {passage.page}"


def format_context(passages: Sequence[Passage]) -> str:
    return "\n\n".join(
        f"[{n}] ({source_label(p)})\n{p.text.strip()}" for n, p in enumerate(passages, start=1)
    )


def build_messages(
    question: Question,
    passages: Sequence[Passage],
    history: Sequence[Turn],
    system_prompt: str,
) -> list[Message]:
    """The system message is the same for every question, so llama.cpp reuses its evaluated
    prefix from one question to the next; the passages go with the question itself."""
    messages: list[Message] = [{"role": "system", "content": system_prompt}]
    for turn in history:
        messages.append({"role": "user", "content": turn.question})
        messages.append({"role": "assistant", "content": turn.answer})
    reminder = _ANSWER_IN[question.language]
    parts = [f"Passages:\n\n{format_context(passages)}"] if passages else []
    parts.append(f"Question: {question.text}\n{reminder}".strip())
    messages.append({"role": "user", "content": "\n\n".join(parts)})
    return messages


def fit_messages(
    question: Question,
    passages: Sequence[Passage],
    history: Sequence[Turn],
    system_prompt: str,
    count_tokens: Callable[[list[Message]], int],
    budget: int,
) -> tuple[list[Message], list[Passage]]:
    """The messages within `budget` tokens, and the passages they kept.

    Old turns go first, then the weakest passages (the list is best first); a single passage
    that is still too long is shortened.
    """
    history = list(history)
    kept = list(passages)
    while True:
        messages = build_messages(question, kept, history, system_prompt)
        used = count_tokens(messages)
        if used <= budget:
            return messages, kept
        if history:
            history.pop(0)
        elif len(kept) > 1:
            kept.pop()
        elif kept and len(kept[0].text) > 200:
            p = kept[0]
            shorter = int(len(p.text) * max(0.1, min(0.9, budget / used)))
            kept[0] = Passage(
                p.passage_id,
                p.doc_id,
                p.title,
                p.path,
                p.page,
                p.start,
                p.start + shorter,
                p.text[:shorter],
            )
        else:
            return build_messages(question, [], [], system_prompt), []
