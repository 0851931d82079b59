"""Question -> answer: search, decide whether the library can answer, prompt the chat model
with what it found, stream its words and check which passage supports each sentence.

It takes what it works with (catalogue, retriever, chat model, settings) as arguments, so
a fake embedder, store and chat model can stand in for the real ones; `Library` owns the
real ones and hands them in.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Protocol

from quelle.common.settings import Settings
from quelle.engine.answers import evidence
from quelle.engine.answers.abstention import EMPTY_LIBRARY, gather, judge, refusal
from quelle.engine.answers.citations import attribute
from quelle.engine.answers.prompts import NO_ANSWER, Message, fit_messages, prompt_passages
from quelle.engine.answers.sentences import sentence_spans
from quelle.engine.index.catalog import Catalog
from quelle.engine.models.chat import Completion, SamplingParams
from quelle.engine.search.question import Question
from quelle.engine.search.retrieval import Retrieval
from quelle.protocol.values import Answer, Hit, Quote, Turn

OnToken = Callable[[str], None]
OnFound = Callable[[list[Hit], list[Quote]], None]


class Checker(Protocol):
    """What checking needs of an entailment model (`quelle.engine.models.entailment`)."""

    def entails(self, premise: str, hypothesis: str) -> bool: ...


class ChatModel(Protocol):
    """What answering needs of a chat model (`quelle.engine.models.chat.Generator`)."""

    context_size: int

    def count_tokens(self, messages: Sequence[Message]) -> int: ...

    def stream(
        self,
        messages: Sequence[Message],
        params: SamplingParams,
        on_token: OnToken | None = None,
        cancel: threading.Event | None = None,
    ) -> Completion: ...


def answer(
    question: Question,
    history: Sequence[Turn],
    catalog: Catalog,
    search: Callable[[Question], Retrieval],
    chat_model: Callable[[], ChatModel],
    settings: Settings,
    on_token: OnToken | None = None,
    cancel: threading.Event | None = None,
    embed: evidence.Embed | None = None,
    on_found: OnFound | None = None,
    write: bool = True,
    checker: Callable[[], Checker | None] = lambda: None,
) -> Answer:
    """Retrieve, then stream an answer drawn only from the passages found. `chat_model` is
    asked for only when a model is to write: a declined question loads none. `on_found`
    hears the sources and the evidence quoted from them before the model reads its prompt;
    `embed` (the embedder) helps choose that evidence. Without `write` the evidence is the
    answer and no chat model runs (unless no sentence was found to quote). `checker` gives
    the entailment model that decides whether a passage supports each sentence, if one is
    set (asked for once the model has written)."""
    if not catalog.passage_count():
        return _declined(question, EMPTY_LIBRARY[question.language], 0.0, on_token)
    retrieval = search(question)
    # The question's own words decide: a new question after an Apple question must not
    # borrow "Apple" to pass.
    verdict = judge(gather(question, retrieval, catalog))
    if not verdict.answerable:
        text = refusal(verdict, question.language, NO_ANSWER[question.language])
        return _declined(question, text, retrieval.seconds, on_token)
    hits = retrieval.hits
    quotes = evidence.choose(question, hits, embed)
    if not write and quotes:  # the evidence is the answer: no model reads a prompt
        if on_found is not None:
            on_found(hits, quotes)
        return Answer(
            question.text, "", hits, retrieval.seconds, None,
            rerank_seconds=retrieval.rerank_seconds, evidence=quotes, written=False,
        )  # fmt: skip
    s = settings
    model = chat_model()
    answer_budget = min(s.max_answer_tokens, model.context_size // 2)
    passages = prompt_passages([h.passage for h in hits], quotes, question, s.passage_chars)
    messages, kept = fit_messages(
        question,
        passages,
        history,
        s.system_prompt,
        model.count_tokens,
        model.context_size - answer_budget,
    )
    kept_ids = {p.passage_id for p in kept}
    sources = [h for h in hits if h.passage.passage_id in kept_ids]
    quotes = _renumbered(quotes, hits, sources)
    if on_found is not None:
        on_found(sources, quotes)
    params = SamplingParams(s.temperature, s.top_p, s.top_k, s.repeat_penalty, answer_budget)
    completion = model.stream(messages, params, on_token, cancel)
    text = without_repeats(completion.text.strip())
    attribution = check_seconds = None
    if not completion.stopped:
        started = time.perf_counter()
        nli = checker()
        attribution = attribute(text, [p.text for p in kept], nli.entails if nli else None)
        text = attribution.text
        check_seconds = time.perf_counter() - started if nli else None
    return Answer(
        question.text,
        text,
        sources,
        retrieval.seconds,
        completion.timings,
        completion.stopped,
        attribution,
        retrieval.rerank_seconds,
        quotes,
        check_seconds=check_seconds,
    )


def _renumbered(
    quotes: Sequence[Quote], hits: Sequence[Hit], sources: Sequence[Hit]
) -> list[Quote]:
    """The quotes numbered as the sources the model was given (a passage the prompt had no
    room for is not quoted)."""
    position = {h.passage.passage_id: n for n, h in enumerate(sources, start=1)}
    renumbered = []
    for q in quotes:
        n = position.get(hits[q.n - 1].passage.passage_id)
        if n is not None:
            renumbered.append(replace(q, n=n))
    return renumbered


REPEATED_WORDS = 4  # a repeated line shorter than this (a table's "2022") is no sentence


def without_repeats(text: str) -> str:
    """`text` without a sentence it has already said (small models loop)."""
    seen: set[str] = set()
    pieces: list[str] = []
    last = 0
    for start, end in sentence_spans(text):
        key = " ".join(text[start:end].lower().split())
        if key in seen and len(key.split()) >= REPEATED_WORDS:
            pieces.append(text[last:start].rstrip(" "))
        else:
            seen.add(key)
            pieces.append(text[last:end])
        last = end
    pieces.append(text[last:])
    return "".join(pieces).strip()


def _declined(question: Question, text: str, seconds: float, on_token: OnToken | None) -> Answer:
    """The answer when the library cannot answer: no model runs, no source is shown."""
    if on_token:
        on_token(text)
    return Answer(question.text, text, [], seconds, None)
