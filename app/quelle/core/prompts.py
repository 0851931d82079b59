"""Passages + question + history -> chat messages that fit the context window. Pure functions."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import PurePath

from quelle.core.catalog import Passage
from quelle.core.language import detect_language

Message = dict[str, str]


@dataclass(frozen=True, slots=True)
class Turn:
    """One earlier exchange of the conversation."""

    question: str
    answer: str


NO_ANSWER = {
    "en": "I found nothing in your documents that answers this question.",
    "de": "In Ihren Dokumenten habe ich nichts gefunden, das diese Frage beantwortet.",
}
# Small models drift into English; a German question gets an explicit reminder.
_ANSWER_IN = {"en": "", "de": "Antworte auf Deutsch."}


def retrieval_query(question: str, history: Sequence[Turn]) -> str:
    """The search text for a question: a follow-up borrows the words of the question before.

    "And in the quarter before?" alone finds nothing; with the previous question it finds
    the same company and measure.
    """
    if not history:
        return question
    return f"{history[-1].question}\n{question}"


def source_label(passage: Passage) -> str:
    name = PurePath(passage.path).name if passage.path else passage.title
    return f"{name}, page {passage.page}"


def format_context(passages: Sequence[Passage]) -> str:
    return "\n\n".join(
        f"[{n}] ({source_label(p)})\n{p.text.strip()}" for n, p in enumerate(passages, start=1)
    )


def build_messages(
    question: str,
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
    reminder = _ANSWER_IN[detect_language(question)]
    parts = [f"Passages:\n\n{format_context(passages)}"] if passages else []
    parts.append(f"Question: {question}\n{reminder}".strip())
    messages.append({"role": "user", "content": "\n\n".join(parts)})
    return messages


def fit_messages(
    question: str,
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
            kept[0] = Passage(p.passage_id, p.doc_id, p.title, p.path, p.page, p.start,
                              p.start + shorter, p.text[:shorter])
        else:
            return build_messages(question, [], [], system_prompt), []
