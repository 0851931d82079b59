"""Small fakes at the engine's seams, for fast unit tests."""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Sequence

_WORD = re.compile(r"\w+|[^\w\s]")


class FakeEmbedder:
    """Bag-of-words vectors: texts sharing words are similar. One token per word or symbol."""

    model_id = "fake-bow"
    dimension = 64
    max_tokens = 254

    def __init__(self) -> None:
        self.embedded = 0
        self.fail_after: int | None = None  # raise once this many texts were embedded

    def token_starts(self, text: str) -> list[int]:
        return [m.start() for m in _WORD.finditer(text)]

    def embed(self, texts: Sequence[str], query: bool = False) -> list[list[float]]:
        if self.fail_after is not None and self.embedded + len(texts) > self.fail_after:
            raise RuntimeError("simulated crash")
        self.embedded += len(texts)
        return [self._vector(t) for t in texts]

    def _vector(self, text: str) -> list[float]:
        vec = [0.0] * self.dimension
        for word in re.findall(r"\w+", text.lower()):
            vec[int(hashlib.md5(word.encode()).hexdigest(), 16) % self.dimension] += 1.0
        norm = math.sqrt(sum(v * v for v in vec)) or 1.0
        return [v / norm for v in vec]


def read_forever(path):  # type: ignore[no-untyped-def]
    """A reader stuck in a loop, as on a PDF built to never end."""
    import time

    while True:
        time.sleep(0.05)


def read_and_crash(path):  # type: ignore[no-untyped-def]
    """A reader that takes its process down, as a parser bug in native code would."""
    import os

    os._exit(3)


def read_unless_bad(path):  # type: ignore[no-untyped-def]
    """Reads a file, but hangs on one named 'loop…' and crashes on one named 'bomb…'."""
    from quelle.engine.reading.documents import read_pages

    if path.name.startswith("loop"):
        read_forever(path)
    if path.name.startswith("bomb"):
        read_and_crash(path)
    return read_pages(path)


def checked_answer(text: str, path: str = "/f/2022 Q3 AAPL.pdf"):  # type: ignore[no-untyped-def]
    """An answer from two passages (pages 2 and 4) of the filing at `path`, checked as the
    library checks it."""
    from quelle.engine.answers.citations import attribute
    from quelle.protocol.values import Answer, Hit, Passage, Timings

    passages = [
        Passage(
            "doc:1",
            "doc",
            "2022 Q3 AAPL.pdf",
            path,
            2,
            0,
            90,
            "iPad net sales decreased due to lower iPad Pro sales.",
        ),
        Passage(
            "doc:3",
            "doc",
            "2022 Q3 AAPL.pdf",
            path,
            4,
            10,
            90,
            "Total net sales 82,959 97,278 for the three months ended June 25, 2022.",
        ),
    ]
    attribution = attribute(text, [p.text for p in passages])
    hits = [Hit(p, 0.03, 0.5, 1, 2) for p in passages]
    return Answer(
        "Net sales?",
        attribution.text,
        hits,
        0.05,
        Timings(900, 41, 0.8, 1.8),
        attribution=attribution,
    )
