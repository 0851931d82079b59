"""Small fakes at the engine's seams, for fast unit tests."""

from __future__ import annotations

import hashlib
import math
import re
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from quelle.engine.models.chat import Completion, SamplingParams
    from quelle.engine.reading.documents import Page
    from quelle.protocol.values import Answer

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


def read_forever(path: Path) -> None:
    """A reader stuck in a loop, as on a PDF built to never end."""
    import time

    while True:
        time.sleep(0.05)


def read_scan_slowly(path: Path) -> list[Page]:
    """A scan of six pages, each read in 0.4 s and reported, as OCR reports them."""
    import time

    from quelle.engine.reading import progress
    from quelle.engine.reading.documents import Page

    for done in range(1, 7):
        time.sleep(0.4)
        progress.report(str(path), done, 6)
    return [Page(1, "Six scanned pages.")]


def read_and_crash(path: Path) -> None:
    """A reader that takes its process down, as a parser bug in native code would."""
    import os

    os._exit(3)


def read_unless_bad(path: Path) -> list[Page]:
    """Reads a file, but hangs on one named 'loop…' and crashes on one named 'bomb…'."""
    from quelle.engine.reading.documents import read_pages

    if path.name.startswith("loop"):
        read_forever(path)
    if path.name.startswith("bomb"):
        read_and_crash(path)
    return read_pages(path)


def checked_answer(text: str, path: str = "/f/2022 Q3 AAPL.pdf") -> Answer:
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


class FakeVectors:
    """Passage vectors in a dict, searched by cosine: a vector store without Chroma."""

    def __init__(self) -> None:
        self._vectors: dict[str, list[float]] = {}

    def add(
        self, ids: Sequence[str], vectors: Sequence[Sequence[float]], pages: Sequence[int]
    ) -> None:
        self._vectors.update({i: list(v) for i, v in zip(ids, vectors, strict=True)})

    def existing(self, ids: Sequence[str]) -> set[str]:
        return {i for i in ids if i in self._vectors}

    def query(self, vector: Sequence[float], limit: int) -> list[tuple[str, float]]:
        scored = [
            (i, sum(a * b for a, b in zip(v, vector, strict=True)))
            for i, v in self._vectors.items()
        ]
        return sorted(scored, key=lambda pair: -pair[1])[:limit]

    def vectors(self, ids: Sequence[str]) -> dict[str, list[float]]:
        return {i: self._vectors[i] for i in ids if i in self._vectors}

    def delete_document(self, doc_id: str) -> None:
        for i in [i for i in self._vectors if i.startswith(doc_id + ":")]:
            del self._vectors[i]

    def count(self) -> int:
        return len(self._vectors)

    def publish(self, doc_ids: Sequence[str]) -> None:
        pass

    def ids(self) -> list[str]:
        return list(self._vectors)

    def delete(self, ids: Sequence[str]) -> None:
        for i in ids:
            self._vectors.pop(i, None)

    def drop_others(self, keep: Sequence[str]) -> None:
        pass


class FakeChatModel:
    """A chat model that answers with the first sentence of the first passage in its prompt,
    cited as [1], one word per token; it keeps the messages it was given."""

    context_size = 2048

    def __init__(self) -> None:
        self.prompts: list[list[dict[str, str]]] = []

    def count_tokens(self, messages: Sequence[dict[str, str]]) -> int:
        return sum(len(m["content"].split()) for m in messages)

    def stream(
        self,
        messages: Sequence[dict[str, str]],
        params: SamplingParams,
        on_token: Callable[[str], None] | None = None,
        cancel: threading.Event | None = None,
    ) -> Completion:
        from quelle.engine.models.chat import Completion
        from quelle.protocol.values import Timings

        self.prompts.append(list(messages))
        prompt = messages[-1]["content"]
        found = re.search(r"\[1\] \([^)]*\)\n([^.]*\.)", prompt)
        text = f"{found[1]} [1]" if found else "I do not know."
        for word in text.split(" "):
            if cancel is not None and cancel.is_set():
                return Completion("", Timings(0, 0, 0.0, 0.0), True)
            if on_token:
                on_token(word + " ")
        return Completion(text, Timings(self.count_tokens(messages), 5, 0.01, 0.02), False)
