"""Where a passage lies in a page's text, for highlighting it in the source view.

The passage was extracted by pypdf when the document was added; the page on screen is
extracted again by the viewer (PDFium), with other whitespace, hyphens and sometimes
another line order. Matching ignores what the two extractors disagree on.
"""

from __future__ import annotations

import time
import unicodedata
from bisect import bisect_left
from dataclasses import dataclass
from difflib import SequenceMatcher

from quelle.common.units import split_units

# Characters that one extractor emits and the other may not: soft hyphens (PDFium marks a
# line-end hyphen as 0x02), zero-width marks, and hyphens, which pypdf keeps at line ends.
_IGNORED = frozenset("\u00ad\x02\ufffe\ufeff\u200b\u200c\u200d-\u2010\u2011\u2212")
_MIN_PIECE = 12  # shortest common piece (non-space characters) worth highlighting
_SEARCH_SECONDS = 0.25  # longest the inexact search may take
_FUZZY_TEXT_LIMIT = 200_000  # beyond this (a whole book as one text) only lines are matched


@dataclass(frozen=True, slots=True)
class PassageLocation:
    """Where a passage lies in a text: character spans, and how much of it was found."""

    spans: tuple[tuple[int, int], ...]
    coverage: float  # share of the passage's non-space characters inside `spans`
    exact: bool  # found whole, in order; otherwise pieced together from shared parts


def locate_passage(text: str, passage: str) -> PassageLocation:
    """Spans of `text` that hold `passage`, ignoring whitespace, case and ligatures.

    First the whole passage is sought; if the two texts differ (another extractor, another
    line order), the longest pieces they share are highlighted, longest first, down to a
    dozen characters, so a table row or sentence still lands in the right place.
    """
    hay, hay_map = _normalise(text)
    needle, needle_map = _normalise(passage)
    if not needle or not hay:
        return PassageLocation((), 0.0, exact=False)
    found = hay.find(needle)
    if found >= 0:
        span = (hay_map[found], hay_map[found + len(needle) - 1] + 1)
        return PassageLocation((span,), 1.0, exact=True)
    min_size = min(_MIN_PIECE, len(needle))
    blocks, gaps = _matching_units(hay, needle, needle_map, passage, min_size)
    if len(hay) <= _FUZZY_TEXT_LIMIT:
        blocks += _common_blocks(hay, needle, gaps, min_size)
    if not blocks:
        return PassageLocation((), 0.0, exact=False)
    spans = sorted((hay_map[a], hay_map[a + size - 1] + 1) for a, size in blocks)
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        # Pieces separated only by ignored characters become one highlight.
        if merged and not _normalise(text[merged[-1][1] : start])[0]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    coverage = sum(size for _, size in blocks) / len(needle)
    return PassageLocation(tuple(merged), min(coverage, 1.0), exact=False)


def _normalise(text: str) -> tuple[str, list[int]]:
    """`text` without whitespace, NFKC-folded and case-folded, with each char's source index."""
    chars: list[str] = []
    index: list[int] = []
    for i, char in enumerate(text):
        if char.isspace() or char in _IGNORED:
            continue
        folded = char.casefold() if char.isascii() else unicodedata.normalize("NFKC", char)
        for part in folded.casefold():
            if not part.isspace() and part not in _IGNORED:
                chars.append(part)
                index.append(i)
    return "".join(chars), index


def _matching_units(
    hay: str, needle: str, needle_map: list[int], passage: str, min_size: int
) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """Sentences and lines of the passage found whole on the page, and the needle's gaps.

    Cheap (one `str.find` per line), and enough when only the line order differs. A line too
    short to be trusted alone ("Products") counts only where it directly follows the line
    before it on the page.
    """
    blocks: list[tuple[int, int]] = []
    gaps: list[tuple[int, int]] = []
    covered_to, previous_end = 0, -1
    for begin, end in split_units(passage):
        lo, hi = bisect_left(needle_map, begin), bisect_left(needle_map, end)
        unit = needle[lo:hi]
        if not unit:
            continue
        if previous_end >= 0 and hay.startswith(unit, previous_end):
            found = previous_end
        elif len(unit) < min_size:
            continue
        else:
            found = hay.find(unit, max(previous_end, 0))  # a repeated line: the next one
            if found < 0:
                found = hay.find(unit)
            if found < 0:
                continue
        blocks.append((found, hi - lo))
        previous_end = found + hi - lo
        if lo > covered_to:
            gaps.append((covered_to, lo))
        covered_to = hi
    if covered_to < len(needle):
        gaps.append((covered_to, len(needle)))
    return blocks, gaps


def _common_blocks(
    hay: str, needle: str, gaps: list[tuple[int, int]], min_size: int
) -> list[tuple[int, int]]:
    """(start in hay, size) of the longest pieces of the needle's `gaps` found in `hay`.

    Greedy: the longest piece first, then the longest in each remaining gap of the needle.
    Each gap gets its own matcher (its cost grows with the gap, not the whole passage), and
    a time budget keeps a page that shares little with the passage from freezing the view.
    """
    deadline = time.monotonic() + _SEARCH_SECONDS
    pending = sorted(gaps, key=lambda gap: gap[1] - gap[0])
    blocks: list[tuple[int, int]] = []
    while pending and time.monotonic() < deadline:
        lo, hi = pending.pop()
        if hi - lo < min_size:
            continue
        matcher = SequenceMatcher(None, hay, needle[lo:hi], autojunk=False)
        match = matcher.find_longest_match(0, len(hay), 0, hi - lo)
        if match.size < min_size:
            continue
        blocks.append((match.a, match.size))
        pending += [(lo, lo + match.b), (lo + match.b + match.size, hi)]
        pending.sort(key=lambda gap: gap[1] - gap[0])  # the largest gap is popped next
    return blocks
