"""Figures as documents write them: "$82,959 million", "82.96 billion", a table's "82,959"
in millions, German "1.234,5 Mio."; each read as the values it can mean."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from quelle.engine.answers.sentences import MONTHS, REFERENCES

SCALES = {
    "thousand": 1e3,
    "thousands": 1e3,
    "tsd": 1e3,
    "tausend": 1e3,
    "k": 1e3,
    "million": 1e6,
    "millions": 1e6,
    "mio": 1e6,
    "millionen": 1e6,
    "mn": 1e6,
    "m": 1e6,
    "billion": 1e9,
    "billions": 1e9,
    "bn": 1e9,
    "b": 1e9,
    "mrd": 1e9,
    "milliarden": 1e9,
    "trillion": 1e12,
    "trillions": 1e12,
}
FIGURE = re.compile(
    r"(?<![\w])(?<![A-Za-z]-)"
    r"(?P<num>\d(?:[\d.,'\u00a0\u202f]*\d)?)"
    r"(?:(?P<suffix>k|m|mn|bn|b)"
    r"|\s?(?P<pct>%|percent\b|per\s+cent\b|prozent\b)"
    r"|\s?(?P<scale>thousands?|tsd|tausend|millions?|millionen|mio|billions?|milliarden|mrd"
    r"|trillions?)\b\.?)?"
    r"(?![\w])(?!-[A-Za-z])",
    re.IGNORECASE,
)
_DATE = re.compile(r"(?<![\d.,])(?:\d{1,2}[./]\d{1,2}[./]\d{2,4}|\d{4}-\d{2}-\d{2})(?![\d,]|\.\d)")
TABLE_SCALE = re.compile(
    r"\bin\s+(thousands|millions|billions|tsd|tausend|mio|millionen|mrd|milliarden)\b",
    re.IGNORECASE,
)
_GROUP = {"en": ",", "de": "."}  # the thousands separator, when only one kind appears
IMPLICIT_SCALES = (1.0, 1e3, 1e6)  # a table's figures may be in units, thousands or millions
FIGURE_WORDS = frozenset(SCALES) | {"percent", "per", "cent", "prozent"}


@dataclass(frozen=True, slots=True)
class Figure:
    """A number as written: its possible readings (value, decimals shown), its stated scale."""

    readings: tuple[tuple[float, int], ...]
    scale: float | None  # None: none stated
    percent: bool
    context: bool  # a year or a day of a date: often in a table header outside the passage

    def key(self) -> tuple[float, ...]:
        return tuple(v * (self.scale or 1.0) for v, _ in self.readings)


def readings_of(number: str, language: str) -> list[tuple[float, int]]:
    """(value, decimals shown): "1.234,5" -> 1234.5; "82,959" -> 82959 in English text but
    82.959 in German; "12.400" the other way round. The decimals shown say how precisely the
    figure was stated."""
    digits = number.replace("'", "").replace("\u00a0", "").replace("\u202f", "")
    separators = [c for c in digits if c in ".,"]
    if not separators:
        return [(float(digits), 0)]
    if len(set(separators)) == 2:
        decimal = digits[max(digits.rfind("."), digits.rfind(","))]
        group = "," if decimal == "." else "."
        whole, _, fraction = digits.rpartition(decimal)
        if decimal in whole or not _grouped(whole.split(group)):
            return []
        return [(float(whole.replace(group, "") + "." + fraction), len(fraction))]
    parts = digits.split(separators[0])
    if len(parts) > 2:
        return [(float("".join(parts)), 0)] if _grouped(parts) else []
    whole, fraction = parts
    if _grouped(parts) and whole != "0" and separators[0] == _GROUP[language]:
        return [(float(whole + fraction), 0)]
    return [(float(f"{whole}.{fraction}"), len(fraction))]


def _grouped(parts: list[str]) -> bool:
    return 1 <= len(parts[0]) <= 3 and all(len(p) == 3 for p in parts[1:])


def figures_in(text: str, language: str) -> Iterator[Figure]:
    """The figures of `text`: the parts of its dates (as context), then its numbers."""
    for date in _DATE.finditer(text):
        for part in re.findall(r"\d+", date.group()):
            yield Figure(((float(part), 0),), None, False, True)
    for _match, figure in figure_matches(text, language):
        yield figure


def figure_matches(text: str, language: str) -> Iterator[tuple[re.Match[str], Figure]]:
    """The numbers of `text` outside its dates, each with where it stands."""
    for match in FIGURE.finditer(without_dates(text)):
        number = match.group("num")
        if _word_before(text, match) in REFERENCES and number.isdigit():
            continue  # "Note 2", "page 14": where something stands, not a figure
        readings = readings_of(number, language)
        if not readings:
            continue
        unit = (match.group("suffix") or match.group("scale") or "").lower()
        percent = bool(match.group("pct"))
        context = is_context(text, match, number, unit or percent)
        yield match, Figure(tuple(readings), SCALES.get(unit), percent, context)


def without_dates(text: str) -> str:
    return _DATE.sub(lambda m: " " * len(m.group()), text)


def _word_before(text: str, match: re.Match[str]) -> str:
    before = re.search(r"(\w+)\W*$", text[: match.start()])
    return before.group(1).lower() if before else ""


def is_context(text: str, match: re.Match[str], number: str, qualified: object) -> bool:
    """A year or a day of a date: often in a table's header rather than the passage itself,
    so the supporting passage need not hold it (some passage must)."""
    if qualified or not number.isdigit():
        return False
    word_before = _word_before(text, match)
    value = int(number)
    if len(number) == 4 and 1900 <= value <= 2100:
        return True
    if value > 31:
        return False
    after = re.match(r"\W*(\w+)", text[match.end() :])
    return word_before in MONTHS or (after is not None and after.group(1).lower() in MONTHS)
