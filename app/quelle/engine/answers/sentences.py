"""An answer's or a passage's sentences: where each begins and ends, list bullets and
Markdown emphasis left out, and across the line breaks of wrapped paragraphs."""

from __future__ import annotations

import re

_LIST_PREFIX = re.compile(r"[ \t]*(?:[-*+•][ \t]+|\d{1,3}[.)][ \t]+|#{1,6}[ \t]+|>[ \t]*)*")
_TERMINATOR = re.compile(
    r"[.!?]+[\"'”’)*_]*(?:[ \t]*\[\d{1,2}(?:\s*,\s*\d{1,2})*\](?!\())*(?=\s|$)"
)
_LEADING = " \t*_`"
_TRAILING = " \t*_`"
_ABBREVIATIONS = frozenset(
    "e.g i.e etc vs approx incl ca inc corp co ltd no nos nr mr mrs ms dr prof st fig figs vol "
    "jan feb mar apr jun jul aug sep sept oct nov dec u.s z.b d.h u.a bzw vgl usw ggf inkl zzgl "
    "evtl mio mrd tsd abs ziff bsp geb".split()
)
MONTHS = frozenset(
    "january february march april may june july august september october november december "
    "januar februar märz maerz april mai juni juli august september oktober november dezember "
    "jan feb mar apr jun jul aug sep sept oct nov dec okt dez".split()
)
REFERENCES = frozenset(
    "note notes item items part section sections page pages chapter figure table exhibit "
    "anmerkung ziffer abschnitt kapitel seite seiten tabelle abbildung anhang teil".split()
)
_WORD_BEFORE = re.compile(r"(\w+(?:\.\w+)*)$")
_WORD_AFTER = re.compile(r"\s*(\w+)")


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence: lines split at sentence ends, list bullets and Markdown
    emphasis around a sentence left out, markers after the full stop kept with it."""
    spans: list[tuple[int, int]] = []
    for line in re.finditer(r"[^\n]+", text):
        prefix = _LIST_PREFIX.match(text, line.start(), line.end())
        begin = prefix.end() if prefix else line.start()
        for match in _TERMINATOR.finditer(text, begin, line.end()):
            if _ends_sentence(text, begin, match):
                spans += _trimmed(text, begin, match.end())
                begin = match.end()
        spans += _trimmed(text, begin, line.end())
    return spans


# A line break inside a paragraph: the line before is long, as wrapped prose lines are, and
# does not end in a figure (a table row); the line after does not start a heading, a list
# item, a table row or a quote.
_WRAP = re.compile(r"(?<=[^\n]{50})(?<![\d%)])(?<![\d%)] )\n(?=[^\n#*|>\s-])(?!\d+[.)]\s)")


def paragraph_spans(text: str) -> list[tuple[int, int]]:
    """Sentences as `sentence_spans` finds them, but across the line breaks of wrapped
    paragraphs (a document's hard-wrapped prose), not across a table's rows."""
    return sentence_spans(_WRAP.sub(" ", text))  # as long as `text`: the spans hold for both


def _ends_sentence(text: str, begin: int, match: re.Match[str]) -> bool:
    """Not after an abbreviation ("e.g.", "Mio."), an initial, or a German ordinal date
    ("25. Juni"), and not when the next word goes on in lower case."""
    following = _WORD_AFTER.match(text, match.end())
    next_word = following.group(1) if following else ""
    if next_word[:1].islower() and next_word[1:].islower():  # "iPad" may start a sentence
        return False
    if text[match.start()] != "." or match.group().startswith(".."):
        return True
    before = _WORD_BEFORE.search(text, begin, match.start())
    word = before.group(1).lower() if before else ""
    if word in _ABBREVIATIONS or (len(word) == 1 and word.isalpha()):
        return False
    return not (word.isdigit() and len(word) <= 2 and next_word.lower() in MONTHS)


def _trimmed(text: str, start: int, end: int) -> list[tuple[int, int]]:
    while start < end and text[start] in _LEADING:
        start += 1
    while end > start and text[end - 1] in _TRAILING:
        end -= 1
    return [(start, end)] if start < end else []
