"""Pages -> passages sized in the embedder's own tokens, cut at sentence or paragraph ends.

A passage never exceeds the embedder's input limit, so nothing is silently truncated, and it
keeps its page and character offsets, so a citation can point at the exact place.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from quelle.common.units import split_units
from quelle.engine.reading.documents import Page

# Token start offsets (characters) of a text, as the embedder's tokenizer splits it.
TokenStarts = Callable[[str], Sequence[int]]


@dataclass(frozen=True, slots=True)
class Chunk:
    page: int
    start: int
    end: int
    text: str


def chunk_pages(
    pages: Iterable[Page], token_starts: TokenStarts, max_tokens: int, overlap: int
) -> list[Chunk]:
    """Chunks of at most `max_tokens` tokens; consecutive chunks share about `overlap` tokens."""
    if max_tokens < 8:
        raise ValueError("max_tokens must be at least 8")
    overlap = max(0, min(overlap, max_tokens // 2))
    chunks: list[Chunk] = []
    for page in pages:
        chunks.extend(_chunk_page(page, list(token_starts(page.text)), max_tokens, overlap))
    return chunks


def _chunk_page(page: Page, starts: list[int], max_tokens: int, overlap: int) -> list[Chunk]:
    text = page.text

    def tokens(a: int, b: int) -> int:
        return bisect_left(starts, b) - bisect_left(starts, a)

    units: list[tuple[int, int, int]] = []  # (start, end, tokens)
    for a, b in split_units(text):
        n = tokens(a, b)
        if n <= max_tokens:
            units.append((a, b, n))
        else:
            units.extend(_split_long(text, starts, a, b, max_tokens))

    chunks: list[Chunk] = []
    i = 0
    while i < len(units):
        j, total = i, 0
        while j < len(units) and total + units[j][2] <= max_tokens:
            total += units[j][2]
            j += 1
        a, b = units[i][0], units[j - 1][1]
        chunks.append(Chunk(page.number, a, b, text[a:b]))
        if j >= len(units):
            break
        # Step back over trailing units worth at most `overlap` tokens, always moving forward.
        back, carried = j, 0
        while back - 1 > i and carried + units[back - 1][2] <= overlap:
            back -= 1
            carried += units[back][2]
        i = back
    return chunks


def _split_long(
    text: str, starts: list[int], a: int, b: int, max_tokens: int
) -> list[tuple[int, int, int]]:
    """A sentence longer than the limit, cut at token boundaries, preferably at a space."""
    first, last = bisect_left(starts, a), bisect_left(starts, b)
    pieces = []
    k = first
    while k < last:
        stop = min(k + max_tokens, last)
        begin = starts[k] if k > first else a
        end = starts[stop] if stop < last else b
        if stop < last:
            space = text.rfind(" ", begin + 1, end)
            cut = bisect_left(starts, space + 1) if space > begin else stop
            if k < cut < stop:
                stop, end = cut, starts[cut]
        piece_end = len(text[begin:end].rstrip()) + begin
        pieces.append((begin, piece_end, stop - k))
        k = stop
    return pieces
