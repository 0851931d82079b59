"""Citation markers for answers whose model named no source.

Small models often answer correctly but forget the [n] markers. Then each sentence of the
answer is matched against the passages it was given: where one passage holds most of the
sentence's content words and figures, the sentence gets that passage's marker. A sentence
no passage supports stays unmarked; an answer the model cited itself is left as it is.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from quelle.core.language import STOPWORDS, words

_MARKER = re.compile(r"\[\d+\]")
_SENTENCE = re.compile(r"[^.!?\n]*[^.!?\n\s][^.!?\n]*(?:[.!?](?=\s|$))?")
MIN_SUPPORT = 0.6  # share of a sentence's weighted terms a passage must hold
NUMBER_WEIGHT = 3.0  # figures decide which passage a sentence comes from


@dataclass(frozen=True, slots=True)
class Sentence:
    """One sentence of an answer and the passage (1-based) that supports it, if any."""

    start: int  # character offsets in `Attribution.text`
    end: int
    passage: int | None


@dataclass(frozen=True, slots=True)
class Attribution:
    """An answer's text (with markers added where the model gave none) and its sentences."""

    text: str
    sentences: tuple[Sentence, ...] = ()

    @property
    def cited(self) -> frozenset[int]:
        """The 1-based numbers of the passages that support some sentence."""
        return frozenset(s.passage for s in self.sentences if s.passage is not None)

    @property
    def unsupported(self) -> list[str]:
        """Sentences no passage supports, as they stand in the text."""
        return [self.text[s.start:s.end] for s in self.sentences if s.passage is None]


def attribute(answer: str, passages: Sequence[str]) -> Attribution:
    """Which passage supports each sentence of `answer` (placeholder: markers only)."""
    return Attribution(add_citations(answer, passages))


def has_citations(text: str) -> bool:
    return bool(_MARKER.search(text))


def _weights(text: str) -> dict[str, float]:
    return {w: NUMBER_WEIGHT if any(c.isdigit() for c in w) else 1.0
            for w in words(text) if w not in STOPWORDS and len(w) > 1 or w.isdigit()}


def add_citations(answer: str, passages: Sequence[str]) -> str:
    """The answer with a [n] after each sentence that passage n supports (1-based)."""
    if has_citations(answer) or not passages:
        return answer
    vocabularies = [set(words(p)) for p in passages]
    pieces: list[str] = []
    last = 0
    for match in _SENTENCE.finditer(answer):
        weights = _weights(match.group())
        if len(weights) < 2:
            continue
        total = sum(weights.values())
        support = [sum(w for t, w in weights.items() if t in vocab) / total
                   for vocab in vocabularies]
        best = max(range(len(support)), key=support.__getitem__)
        if support[best] < MIN_SUPPORT:
            continue
        sentence = match.group()
        end = match.start() + len(sentence.rstrip(".!? "))
        pieces.append(answer[last:end] + f" [{best + 1}]")
        last = end
    pieces.append(answer[last:])
    return "".join(pieces)
