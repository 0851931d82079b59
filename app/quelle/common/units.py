"""Where text breaks into sentence- and line-sized units: the engine cuts passages at them,
and the window finds a passage again on a page unit by unit."""

from __future__ import annotations

import re

# A sentence ends after . ! ? or : followed by white space, or at a line break.
_BOUNDARY = re.compile(r"(?<=[.!?:;])\s+|\n+")


def split_units(text: str) -> list[tuple[int, int]]:
    """Sentence- and line-sized spans covering the text, in order."""
    units, begin = [], 0
    for match in _BOUNDARY.finditer(text):
        if match.start() > begin:
            units.append((begin, match.start()))
        begin = match.end()
    if begin < len(text):
        units.append((begin, len(text)))
    return units
