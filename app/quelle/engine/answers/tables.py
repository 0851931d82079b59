"""Tables in passages read as tables: each figure with its row's label and its column's
period, so "82,959" reads as "Total net sales, three months ended June 25, 2022".

A table in extracted PDF text is a run of lines ending in figures ("Total net sales $ 82,959
$ 81,434 …") below a header whose dates or years name the columns in order, often spread
over several lines ("Three Months Ended Nine Months Ended / June 25, / 2022 / June 26, /
2021 …"). A row's amounts fill the header's last columns; the percentages of change
columns are not amounts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from quelle.engine.answers.figures import FIGURE, is_context, without_dates
from quelle.engine.answers.sentences import paragraph_spans

Period = tuple[int, int]  # (month or 0, year)

_ROW_END = re.compile(r"\d[\d,.]*\s*\)?\s*%?$")
_TABLE_ROWS = 3  # lines ending in a figure that make a text a table
_MONTH_NUMBERS = {
    "jan": 1, "feb": 2, "mar": 3, "mär": 3, "apr": 4, "may": 5, "mai": 5, "jun": 6,
    "jul": 7, "aug": 8, "sep": 9, "oct": 10, "okt": 10, "nov": 11, "dec": 12, "dez": 12,
}  # fmt: skip
_PERIOD = re.compile(
    r"\b(?P<m1>jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d{1,2},?\s+"
    r"(?P<y1>(?:19|20)\d\d)\b"
    r"|\b\d{1,2}\.\s*(?P<m2>jan|feb|mär|mar|apr|mai|jun|jul|aug|sep|okt|nov|dez)[a-zä]*\s+"
    r"(?P<y2>(?:19|20)\d\d)\b"
    r"|\b(?P<y3>(?:19|20)\d\d)\b",
    re.IGNORECASE,
)
_DURATION = re.compile(
    r"\b(?:(?:three|six|nine|twelve)\s+months|quarter|year|(?:drei|sechs|neun|zwölf)\s+monate"
    r"|quartal|geschäftsjahr)\s+(?:ended|ending|endete?n?|zum)\b",
    re.IGNORECASE,
)


def units(text: str) -> list[str]:
    """A table's lines, or a text's sentences: the units a figure belongs to."""
    lines = text.splitlines()
    if sum(bool(_ROW_END.search(line)) for line in lines) >= _TABLE_ROWS:
        return lines
    return [text[a:b] for a, b in paragraph_spans(text)]


def label(row: str) -> str:
    """What a row or sentence says before its first figure (not a year or a date): the
    row's label; "" for a row without one, such as a header of periods."""
    for figure in FIGURE.finditer(without_dates(row)):
        number = figure.group("num")
        if not is_context(row, figure, number, figure.group("pct") or figure.group("scale")):
            return row[: figure.start()]
    return ""


def amounts(row: str) -> list[str]:
    """A table row's amounts, left to right, as written (not its label's years or dates,
    nor the percentages of its change columns)."""
    start = len(label(row))
    return [
        m.group()
        for m in FIGURE.finditer(without_dates(row), start)
        if not m.group("pct") and not is_context(row, m, m.group("num"), m.group("scale"))
    ]


def periods(text: str) -> list[tuple[int, Period]]:
    """(position, (month or 0, year)) of each date or year in `text`, in order."""
    return [(m.start(), _period(m)) for m in _PERIOD.finditer(text)]


def same_period(a: Period, b: Period) -> bool:
    return a[1] == b[1] and (not a[0] or not b[0] or a[0] == b[0])


@dataclass(frozen=True, slots=True)
class Column:
    period: Period
    name: str  # as a person reads it: "three months ended June 25, 2022"


@dataclass(frozen=True, slots=True)
class Table:
    rows: list[str]  # the rows with a label and amounts, in order
    columns: list[Column]  # the header's periods, in order

    def columns_of(self, row: str) -> list[Column]:
        """The columns a row's amounts stand in (its last ones), or [] when the row holds
        more amounts than the header names."""
        count = len(amounts(row))
        return self.columns[-count:] if 0 < count <= len(self.columns) else []


def table(passage: str) -> Table | None:
    """The table a passage holds, with the periods its header names; None for prose or a
    table without periods above its first row."""
    lines = units(passage) if "\n" in passage else []
    first = next((i for i, line in enumerate(lines) if _is_row(line)), None)
    if first is None or lines == units(passage) and len(lines) == 1:
        return None
    header = "\n".join(lines[:first])
    found = list(_DURATION.finditer(header))
    # The columns' dates follow the first "Three Months Ended" (a sentence above the table
    # may name the periods too).
    dates = [d for d in _PERIOD.finditer(header) if not found or d.start() > found[0].start()]
    if not dates:
        return None
    durations = [" ".join(d.group().lower().split()) for d in found]
    per = len(dates) // len(durations) if durations and len(dates) % len(durations) == 0 else 0
    columns = []
    for k, date in enumerate(dates):
        name = " ".join(date.group().split())
        if per:
            name = f"{durations[k // per]} {name}"
        columns.append(Column(_period(date), name))
    rows = [line for line in lines[first:] if _is_row(line)]
    return Table(rows, columns) if rows else None


def read_row(passage: str, row: str) -> str:
    """One row of a passage's table as a person reads it: "Total net sales: three months
    ended June 25, 2022: $ 82,959; three months ended June 26, 2021: $ 81,434"; "" where the
    passage holds no such table or the row does not fit its header."""
    found = table(passage)
    rows = [r for r in found.rows if r.strip() == row.strip()] if found else []
    if found is None or not rows:
        return ""
    row = rows[0]
    columns = found.columns_of(row)
    if not columns:
        return ""
    name = label(row).strip(" $:")
    cells = [f"{c.name}: {a}" for c, a in zip(columns, amounts(row), strict=True)]
    return f"{name}: " + "; ".join(cells)


def _is_row(line: str) -> bool:
    """A table row: a label, then amounts to the line's end ("Total net sales 82,959 …")."""
    return bool(label(line).strip() and _ROW_END.search(line) and amounts(line))


def _period(match: re.Match[str]) -> Period:
    month = (match.group("m1") or match.group("m2") or "").lower()
    year = match.group("y1") or match.group("y2") or match.group("y3")
    return _MONTH_NUMBERS.get(month[:3], 0), int(year)
