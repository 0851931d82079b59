"""Deciding that the library cannot answer a question, before any model runs.

A cosine threshold alone lets most off-topic questions through: the nearest passage of any
library is always somewhat near. The decision weighs both rankers' evidence and what the
library contains: how close the best passage is, how much of the question's weighted
vocabulary the best passages hold, and which of the question's words the library never
uses. A name or a year that appears nowhere ("Tesla", "2031") is named in the reply.

The weights are fitted by `benchmarks/abstention.py --fit` on the dev share of answerable
questions (XQuAD-de, SEC filings) and questions those libraries cannot answer, the
threshold so that at most 3 % of answerable dev questions are declined; the held-out share
measures them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from quelle.engine.index.catalog import Catalog
from quelle.engine.search.language import query_terms, stem_variants
from quelle.engine.search.question import Question
from quelle.engine.search.retrieval import Retrieval

# Fitted weights of the logistic model (see the module docstring) and the decision
# threshold on its probability that the question is answerable.
WEIGHTS = {
    "bias": -2.212,
    "similarity": 1.899,
    "foreign": 3.214,
    "coverage": 3.906,
    "absent_share": -3.03,
    "absent_name": -2.119,
}
THRESHOLD = 0.284

EMPTY_LIBRARY = {
    "en": "Your library is empty: add documents first.",
    "de": "Ihre Bibliothek ist leer: fügen Sie zuerst Dokumente hinzu.",
}
NOT_MENTIONED = {
    "en": "Your documents do not mention {names}.",
    "de": "Ihre Dokumente erwähnen {names} nicht.",
}
_OR = {"en": "or", "de": "oder"}


@dataclass(frozen=True, slots=True)
class Evidence:
    """What retrieval found for a question, in the terms the decision uses."""

    similarity: float  # best cosine similarity of a passage found
    trusted: bool  # whether the embedder knows the question's language
    coverage: float  # largest IDF-weighted share of the question's terms one passage holds
    absent_share: float  # share of the question's content words the library never uses
    absent_names: tuple[str, ...]  # names, figures and years of the question it never uses

    def features(self) -> dict[str, float]:
        return {
            "bias": 1.0,
            "similarity": self.similarity if self.trusted else 0.0,
            "foreign": 0.0 if self.trusted else 1.0,
            "coverage": self.coverage,
            "absent_share": self.absent_share,
            "absent_name": 1.0 if self.absent_names else 0.0,
        }


@dataclass(frozen=True, slots=True)
class Verdict:
    answerable: bool
    probability: float
    evidence: Evidence


def compound_splits(word: str) -> list[tuple[str, str]]:
    """The ways a long German word may be two words joined (parts of three letters or more,
    with and without a linking "s"): a question's compound the library never uses, such as
    "Verteidigungsspieler", is not missing when the library holds both of its parts."""
    pairs: list[tuple[str, str]] = []
    for cut in range(3, len(word) - 3):
        left, right = word[:cut], word[cut:]
        pairs.append((left, right))
        if left.endswith("s") and len(left) > 4:
            pairs.append((left[:-1], right))
    return pairs


def gather(question: Question, retrieval: Retrieval, catalog: Catalog) -> Evidence:
    """The evidence for `question` from its retrieval and the library's vocabulary."""
    content = question.asked
    variants = {w: stem_variants(w) for w in content}
    splits = {w: compound_splits(w) for w in content} if question.language == "de" else {}
    parts = {p: stem_variants(p) for pairs in splits.values() for pair in pairs for p in pair}
    counts = catalog.term_counts(t for vs in (*variants.values(), *parts.values()) for t in vs)
    total = max(1, catalog.passage_count())

    def holding(stems: frozenset[str]) -> int:
        return max(counts.get(t, 0) for t in stems)

    for w, pairs in splits.items():
        if holding(variants[w]) == 0:  # "Verteidigungsspieler": "Verteidigung" and "Spieler"
            for left, right in pairs:
                if holding(parts[left]) and holding(parts[right]):
                    variants[w] = parts[left] | parts[right]
                    break

    def frequency(word: str) -> int:
        return holding(variants[word])

    absent = [w for w in content if frequency(w) == 0]
    idf = {w: math.log((total + 1) / (frequency(w) + 0.5)) for w in content}
    weight_sum = sum(idf.values()) or 1.0
    coverage = 0.0
    for hit in retrieval.hits:
        held = set(query_terms(hit.passage.text))
        share = sum(idf[w] for w in content if variants[w] & held) / weight_sum
        coverage = max(coverage, share)
    similarity = max((h.similarity for h in retrieval.hits), default=0.0)
    return Evidence(
        similarity=similarity,
        trusted=retrieval.embedder_knows_language,
        coverage=coverage,
        absent_share=len(absent) / len(content) if content else 1.0,
        absent_names=tuple(n for n in question.names if n.lower() in absent),
    )


def judge(evidence: Evidence) -> Verdict:
    features = evidence.features()
    z = sum(WEIGHTS[k] * v for k, v in features.items())
    probability = 1.0 / (1.0 + math.exp(-max(-60.0, min(60.0, z))))
    return Verdict(probability >= THRESHOLD, probability, evidence)


def refusal(verdict: Verdict, language: str, no_answer: str) -> str:
    """The reply when the library cannot answer: naming what it never mentions, if any."""
    absent = verdict.evidence.absent_names
    if not absent:
        return no_answer
    quoted = [f"“{n}”" if language == "en" else f"„{n}“" for n in absent]
    joined = (
        quoted[0]
        if len(quoted) == 1
        else (", ".join(quoted[:-1]) + f" {_OR.get(language, 'or')} " + quoted[-1])
    )
    return NOT_MENTIONED.get(language, NOT_MENTIONED["en"]).format(names=joined)
