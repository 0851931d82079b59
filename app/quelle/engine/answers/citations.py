"""Which passage supports each sentence of an answer, so an invented sentence shows as such.

Small models state figures the passages never held and cite a passage anyway. Each sentence
is therefore checked against the passages the model was given: a passage supports it when it
holds most of the sentence's weighted content words and its figures, read the way filings
write them ("$82,959 million", "82.96 billion" and a table's "82,959" are one figure). A
sentence stating a figure that no passage holds is unsupported, whatever its words. The
model's own markers are kept when the passage they name supports the sentence, replaced when
another passage does, and left standing on a sentence flagged as unsupported; a sentence the
model left unmarked gets the marker of the passage that supports it. Lead-ins ("Here is the
answer:"), very short sentences and abstentions ("The documents do not say ...") claim
nothing and are neither cited nor flagged.
"""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from quelle.engine.answers.figures import (
    FIGURE,
    FIGURE_WORDS,
    IMPLICIT_SCALES,
    SCALES,
    TABLE_SCALE,
    Figure,
    figure_matches,
    figures_in,
    without_dates,
)
from quelle.engine.answers.sentences import MONTHS, REFERENCES, paragraph_spans, sentence_spans
from quelle.engine.answers.tables import Period, amounts, label, periods, same_period, table, units
from quelle.engine.search.language import STOPWORDS, detect_language, index_terms, words
from quelle.protocol.values import MARKER, Attribution, Sentence

MIN_SUPPORT = 0.6  # share of a sentence's weighted terms a passage must hold
NUMBER_WEIGHT = 3.0  # figures decide which passage a sentence comes from
MIN_WORDS = 2  # a sentence with fewer content words and no figure claims nothing to check


# Whether a passage (the premise) entails a sentence (the hypothesis).
Entails = Callable[[str, str], bool]


def attribute(answer: str, passages: Sequence[str], entails: Entails | None = None) -> Attribution:
    """Check each sentence of `answer` against `passages` (numbered from 1, as in the prompt)
    and mark the answer's text accordingly. With `entails` (an entailment model), the model
    decides whether the passage the words point to supports the sentence."""
    evidence = [_Evidence.of(p) for p in passages]
    pieces: list[str] = []
    sentences: list[Sentence] = []
    last = length = 0
    for start, end in sentence_spans(answer):
        passage, checked, rewritten = _judge(answer[start:end], evidence, entails)
        length += start - last
        sentences.append(Sentence(length, length + len(rewritten), passage, checked))
        pieces += [answer[last:start], rewritten]
        length += len(rewritten)
        last = end
    pieces.append(answer[last:])
    return Attribution("".join(pieces), tuple(sentences))


# --- evidence -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Evidence:
    """What a passage can support: its words and stems, and every value its figures can mean."""

    vocabulary: frozenset[str]
    values: tuple[float, ...]  # sorted
    text: str
    language: str

    @classmethod
    def of(cls, passage: str) -> _Evidence:
        vocabulary: set[str] = set()
        for word in set(words(passage)):
            vocabulary |= _forms(word)
        stated = {SCALES[m.group(1).lower()] for m in TABLE_SCALE.finditer(passage)}
        implicit = (1.0, *stated) if stated else IMPLICIT_SCALES
        values: set[float] = set()
        language = detect_language(passage)
        for figure in figures_in(passage, language):
            scales = (figure.scale,) if figure.scale else (1.0,) if figure.percent else implicit
            values.update(v * s for v, _ in figure.readings for s in scales)
        return cls(frozenset(vocabulary), tuple(sorted(values)), passage, language)

    def holds_word(self, forms: frozenset[str]) -> bool:
        return not forms.isdisjoint(self.vocabulary)

    def holds_figure(self, figure: Figure) -> bool:
        unit = figure.scale or 1.0
        for value, decimals in figure.readings:
            target = value * unit
            tolerance = 0.5 * 10.0**-decimals * unit * (1 + 1e-9)
            i = bisect.bisect_left(self.values, target - tolerance)
            if i < len(self.values) and self.values[i] <= target + tolerance:
                return True
        return False


# --- judging a sentence ---------------------------------------------------------------------

_META_WORDS = frozenset(
    "answer answers question questions document documents passage passages source sources "
    "provided context information based according following follows found find below above "
    "summary summarize summarise overview details detail note mentioned states stated shows "
    "hope helps help let know further please sure certainly "
    "antwort frage fragen dokument dokumente dokumenten passage passagen quelle quellen "
    "kontext informationen angaben laut basierend folgende folgenden folgt zusammenfassung "
    "hinweis gefunden finden genannt".split()
)
_ABSTENTION = re.compile(
    r"\b(?:do(?:es)?\s+not|did\s+not|don't|doesn't|didn't|cannot|can't|could\s+not|couldn't"
    r"|unable|no\s+(?:information|mention|data|details?|figures?|answer)|nothing"
    r"|not\s+(?:mentioned|stated|specified|provided|included|available|found|given|disclosed"
    r"|contained)"
    r"|keine[nrsm]?|nicht|nichts)\b",
    re.IGNORECASE,
)
_ABOUT_SOURCES = re.compile(
    r"\b(?:i|documents?|passages?|sources?|context|provided|texts?|reports?|filings?|10-[qk]"
    r"|ich|dokument\w*|passage\w*|quelle\w*|unterlagen|texte?n?|angaben|informationen|kontext"
    r"|bericht\w*)\b",
    re.IGNORECASE,
)
_SOURCE_LINE = re.compile(r"\(?(?:sources?|quellen?)(?:\(s\)|\(n\))?\s*:", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class _Claim:
    """A sentence as terms to find: content words (each as written and stemmed both ways)
    and figures."""

    words: tuple[frozenset[str], ...]
    figures: tuple[Figure, ...]
    meta: bool  # every content word talks about the answer, not the documents' subject
    sentence: str
    language: str

    @classmethod
    def of(cls, sentence: str) -> _Claim:
        language = detect_language(sentence)
        figures = tuple({f.key(): f for f in figures_in(sentence, language)}.values())
        content = dict.fromkeys(
            w
            for w in words(FIGURE.sub(" ", without_dates(sentence)))
            if len(w) > 1 and not w.isdigit() and w not in STOPWORDS and w not in FIGURE_WORDS
        )
        return cls(
            tuple(_forms(w) for w in content),
            figures,
            set(content) <= _META_WORDS,
            sentence,
            language,
        )

    def claims_nothing(self, sentence: str) -> bool:
        """A lead-in, a very short sentence or a line naming the sources: nothing a passage
        could support."""
        if _SOURCE_LINE.match(sentence):
            return True
        if any(not f.context for f in self.figures):
            return False
        return len(self.words) < MIN_WORDS or self.meta or sentence.rstrip(" *_").endswith(":")

    def score(self, evidence: Sequence[_Evidence]) -> float:
        """Share of the weighted terms found in any of `evidence`."""
        total = found = 0.0
        for figure in self.figures:
            weight = 1.0 if figure.context else NUMBER_WEIGHT
            total += weight
            found += weight * any(e.holds_figure(figure) for e in evidence)
        for word in self.words:
            total += 1.0
            found += any(e.holds_word(word) for e in evidence)
        return found / total if total else 0.0

    def supported_by(self, evidence: Sequence[_Evidence]) -> bool:
        """Every figure stands in `evidence` (a year or a date may stand in a table header
        elsewhere) and so do most of the weighted terms."""
        figures = all(f.context or any(e.holds_figure(f) for e in evidence) for f in self.figures)
        if self.across(evidence):  # words cannot match: the figures decide
            return figures and any(not f.context for f in self.figures)
        return figures and self.score(evidence) >= MIN_SUPPORT

    def across(self, evidence: Sequence[_Evidence]) -> bool:
        """Written in another language than every passage (a German answer about English
        filings): its words cannot be found, only its figures."""
        return all(e.language != self.language for e in evidence)


@functools.lru_cache(maxsize=50_000)
def _forms(word: str) -> frozenset[str]:
    """A word as written and stemmed as English and as German: "decreased" meets "decrease".
    Cached: stemming is most of the cost of checking an answer, and filings repeat words."""
    return frozenset({word, index_terms(word, "en"), index_terms(word, "de")} - {""})


def _abstains(sentence: str) -> bool:
    """'The documents do not say ...', 'Die Dokumente enthalten keine ...'."""
    return bool(_ABSTENTION.search(sentence) and _ABOUT_SOURCES.search(sentence))


def _judge(
    sentence: str, evidence: Sequence[_Evidence], entails: Entails | None = None
) -> tuple[int | None, bool, str]:
    """(supporting passage, checked, the sentence with its markers added or corrected)."""
    markers = list(MARKER.finditer(sentence))
    claim = _Claim.of(MARKER.sub(" ", sentence))
    if claim.claims_nothing(sentence):
        return None, False, sentence
    if claim.across(evidence) and all(f.context for f in claim.figures) and entails is None:
        return None, False, sentence  # nothing it says can be checked
    if any(not any(e.holds_figure(f) for e in evidence) for f in claim.figures):
        return None, not _abstains(sentence), sentence  # a figure no passage holds
    named = {int(n) for m in markers for n in re.split(r"\s*,\s*", m.group(1))}
    valid = sorted(n for n in named if 1 <= n <= len(evidence))
    if entails is not None:
        return _entailed(sentence, claim, markers, valid, evidence, entails)
    if valid and claim.supported_by([evidence[n - 1] for n in valid]):
        cited = max(valid, key=lambda n: claim.score([evidence[n - 1]]))
        if _differs(sentence, claim, evidence[cited - 1], evidence):
            return None, True, sentence
        return cited, True, sentence
    best = _supporting(claim, evidence)
    if best is None:
        return None, not _abstains(sentence), sentence
    if _differs(sentence, claim, evidence[best - 1], evidence):
        return None, True, sentence
    if markers:
        return best, True, _replace_markers(sentence, markers, best)
    return best, True, _add_marker(sentence, best)


# --- meaning, not only words ----------------------------------------------------------------

_NEGATION = re.compile(
    r"\b(?:not|no|never|none|nothing|nobody|neither|nor|without|cannot|\w+n['’]t"
    r"|nicht|nichts|kein\w*|nie|niemals|ohne|weder)\b",
    re.IGNORECASE,
)
_YEAR = re.compile(r"\b(?:19|20)\d\d\b")
_NOT_A_NAME = re.compile(r"Q[1-4]|H[12]|FY\d*|YTD|YoY|\d.*")  # a period or a figure
_ACRONYM = re.compile(r"\b[A-Z][A-Z0-9&]{1,}\b")
# Capitalised after a sentence's first word, or first with a possessive ("Microsoft's").
_CAPITALISED = re.compile(r"(?<=\s)[A-Z][a-z]+\w*|^[A-Z][a-z]+\w*(?=['’]s\b)")


def _differs(
    sentence: str, claim: _Claim, evidence: _Evidence, sources: Sequence[_Evidence]
) -> bool:
    """Whether the sentence's claim differs from the passage that holds its words: a
    negation reversed, a year the passage never gives, a figure from a row about something
    else, or a name (another subject) none of the `sources` holds (a company's name stands
    on some of its filing's passages, not on each)."""
    same_language = claim.language == evidence.language
    if same_language and _odd_negations(claim.sentence) != _negated_in(evidence.text, claim):
        return True
    years = set(_YEAR.findall(evidence.text))
    if years and not set(_YEAR.findall(sentence)) <= years:
        return True
    if any(_from_another_row(claim, f, evidence.text) for f in claim.figures if not f.context):
        return True
    if _from_another_column(sentence, evidence.text):
        return True
    return any(
        not any(e.holds_word(_forms(name.lower())) for e in sources) for name in _names(sentence)
    )


def _from_another_row(claim: _Claim, figure: Figure, passage: str) -> bool:
    """Whether the figure stands only in rows (or sentences) whose label fits the claim
    worse than another row's: "Mac net sales were 82,959" when 82,959 is in the row of
    "Total net sales" and a row "Mac" exists. Labels no word of the claim fits (a German
    sentence about an English table) decide nothing."""
    claimed: set[str] = set().union(*claim.words) if claim.words else set()
    rows = units(passage)
    fit: dict[str, float] = {}
    for row in rows:
        terms = [w for w in words(label(row)) if w not in STOPWORDS and not w.isdigit()]
        if terms:
            fit[row] = sum(not _forms(w).isdisjoint(claimed) for w in terms) / len(terms)
    best = max(fit.values(), default=0.0)
    holding = [r for r in rows if _Evidence.of(r).holds_figure(figure)]
    if best == 0 or not holding:
        return False  # read across rows ("up 2 %" from two cells): the figure check decides
    return max(fit.get(r, 0.0) for r in holding) < best


def _from_another_column(sentence: str, passage: str) -> bool:
    """Whether a figure of the sentence, said of a period, stands in the passage's table
    only in the columns of other periods: the prior year's column read as this year's."""
    found = table(passage)
    if found is None:
        return False
    for figure, period in _figures_with_periods(sentence):
        places = [
            column.period
            for row in found.rows
            for column, amount in zip(found.columns_of(row), amounts(row), strict=False)
            if _Evidence.of(amount).holds_figure(figure)
        ]
        if period and places and not any(same_period(period, p) for p in places):
            return True
    return False


_RELATIVE_PERIOD = re.compile(
    r"year earlier|year ago|prior[- ]year|previous year|last year|same (?:period|quarter)"
    r" (?:of )?(?:the )?(?:last|prior|previous) year|vorjahr\w*|ein jahr (?:zuvor|davor|früher)",
    re.IGNORECASE,
)


_FROM = re.compile(r"\b(?:from|von)\s*(?:US)?\$?\s*$", re.IGNORECASE)


def _figures_with_periods(sentence: str) -> list[tuple[Figure, Period | None]]:
    """Each figure of a sentence that is not a year or a date, with the period written
    nearest to it (None for none)."""
    written = periods(sentence)
    figures = [
        (m, f) for m, f in figure_matches(sentence, detect_language(sentence)) if not f.context
    ]
    found: list[tuple[Figure, Period | None]] = []
    for i, (m, figure) in enumerate(figures):
        # The period after the figure, before the next one ("$X in 2023, up from $Y in
        # 2022"); else the last before it ("In 2022, sales were $X"); none for a figure
        # said of another period ("a year earlier", "Vorjahr: X", "from X to Y").
        start = figures[i - 1][0].end() if i else 0
        end = figures[i + 1][0].start() if i + 1 < len(figures) else len(sentence)
        before, after = sentence[start : m.start()], sentence[m.end() : end]
        last = i + 1 == len(figures)
        if (
            _RELATIVE_PERIOD.search(before)
            or (last and _RELATIVE_PERIOD.search(after))
            or _FROM.search(before)
        ):
            found.append((figure, None))
            continue
        later = [p for at, p in written if m.end() <= at < end]
        earlier = [p for at, p in written if at < m.start()]
        found.append((figure, later[0] if later else earlier[-1] if earlier else None))
    return found


_TOKEN = re.compile(r"\w+(?:['’]\w+)?")
NEGATION_REACH = 2  # words before the claim's first word a negation still belongs to it


def _odd_negations(text: str) -> bool:
    """An odd number of negations: "can't … without" says yes."""
    return len(_NEGATION.findall(text)) % 2 == 1


def _negated_in(passage: str, claim: _Claim) -> bool:
    """Whether what `passage` says of the claim's words is negated: read in the shortest
    stretch of its closest sentence that holds them all."""
    sentences = [passage[a:b] for a, b in paragraph_spans(passage)] or [passage]
    closest = max(sentences, key=lambda u: _overlap(claim, u))
    return _odd_negations(_stretch(closest, claim))


def _stretch(sentence: str, claim: _Claim) -> str:
    """The shortest run of words of `sentence` holding every claim word it holds, with the
    few words before it."""
    tokens = list(_TOKEN.finditer(sentence))
    hits = [
        (i, k)
        for i, t in enumerate(tokens)
        for k, forms in enumerate(claim.words)
        if not _forms(t.group().lower()).isdisjoint(forms)
    ]
    wanted = {k for _, k in hits}
    if not wanted:
        return ""
    best = (0, len(tokens) - 1)
    for first, _ in hits:
        seen: set[int] = set()
        for last, k in hits:
            if last < first:
                continue
            seen.add(k)
            if seen == wanted:
                if last - first < best[1] - best[0]:
                    best = (first, last)
                break
    start = tokens[max(0, best[0] - NEGATION_REACH)].start()
    return sentence[start : tokens[best[1]].end()]


def _overlap(claim: _Claim, text: str) -> int:
    """How many of the claim's content words `text` holds."""
    held: set[str] = set()
    for word in set(words(text)):
        held |= _forms(word)
    return sum(not forms.isdisjoint(held) for forms in claim.words)


def _names(sentence: str) -> set[str]:
    """Acronyms, and in English the capitalised words after the first: what a sentence is
    about. (German capitalises every noun, so there only acronyms count.)"""
    text = MARKER.sub(" ", sentence).strip(" *_")
    found = set(_ACRONYM.findall(text))
    if detect_language(text) == "en":
        found |= set(_CAPITALISED.findall(text))
    return {
        n
        for n in found
        if n.lower() not in STOPWORDS | REFERENCES | MONTHS and not _NOT_A_NAME.fullmatch(n)
    }


def _entailed(
    sentence: str,
    claim: _Claim,
    markers: list[re.Match[str]],
    valid: list[int],
    evidence: Sequence[_Evidence],
    entails: Entails,
) -> tuple[int | None, bool, str]:
    """The entailment model decides: the passage the sentence cites (else the one holding
    most of its words) supports it only if it entails it."""
    candidates = valid or list(range(1, len(evidence) + 1))
    if not candidates or _abstains(sentence):
        return None, False, sentence
    best = max(candidates, key=lambda n: claim.score([evidence[n - 1]]))
    plain = re.sub(r"\s+(?=[.!?;:,])", "", " ".join(MARKER.sub(" ", sentence).split()))
    if not entails(evidence[best - 1].text, plain):
        return None, True, sentence
    if markers:
        return best, True, _replace_markers(sentence, markers, best)
    return best, True, _add_marker(sentence, best)


def _supporting(claim: _Claim, evidence: Sequence[_Evidence]) -> int | None:
    """The passage (1-based) that supports the claim best. A sentence that joins figures
    from two passages ("$82.96 billion, up 2%") is supported by the pair and cites the one
    that holds most of it."""
    ranked = sorted(range(len(evidence)), key=lambda i: -claim.score([evidence[i]]))
    for i in ranked:
        if claim.supported_by([evidence[i]]):
            return i + 1
    if ranked and any(claim.supported_by([evidence[ranked[0]], evidence[j]]) for j in ranked[1:]):
        return ranked[0] + 1
    return None


def _add_marker(sentence: str, n: int) -> str:
    """The marker before the sentence's closing punctuation: "... million [2]."."""
    end = len(sentence.rstrip(" \t.!?:;"))
    return f"{sentence[:end]} [{n}]{sentence[end:]}"


def _replace_markers(sentence: str, markers: list[re.Match[str]], n: int) -> str:
    """The first of the model's markers names passage n; the rest go."""
    pieces = [sentence[: markers[0].start()], f"[{n}]"]
    last = markers[0].end()
    for m in markers[1:]:
        pieces.append(sentence[last : m.start()].rstrip(" \t"))
        last = m.end()
    pieces.append(sentence[last:])
    return "".join(pieces)
