"""The values that cross between the engine and its clients (the window, a second CLI):
documents, passages, answers with their sources and timings, progress and reports.

Plain frozen dataclasses with no behaviour beyond what their own fields tell, so that the
window can hold and draw them without importing the engine. The protocol (`messages`)
carries them field by field; `tests/protocol_frames.json` fixes their shape.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Passage:
    passage_id: str
    doc_id: str
    title: str
    path: str
    page: int
    start: int
    end: int
    text: str

    def excerpt(self, text: str) -> Passage:
        """The same passage, shown to the model as a shorter text."""
        return dataclasses.replace(self, text=text)


@dataclass(frozen=True, slots=True)
class DocumentInfo:
    doc_id: str
    title: str
    kind: str
    path: str  # the first path it was added from
    pages: int
    passages: int
    size: int
    added: float
    state: str


@dataclass(frozen=True, slots=True)
class Hit:
    passage: Passage
    score: float  # fused score, higher is better
    similarity: float  # cosine similarity of passage and query, -1..1
    dense_rank: int | None
    keyword_rank: int | None


@dataclass(frozen=True, slots=True)
class Timings:
    prompt_tokens: int
    answer_tokens: int
    first_token_seconds: float  # from request to first token, prompt processing included
    total_seconds: float

    @property
    def tokens_per_second(self) -> float:
        gen = self.total_seconds - self.first_token_seconds
        return (self.answer_tokens - 1) / gen if self.answer_tokens > 1 and gen > 0 else 0.0

    @property
    def ms_per_token(self) -> float:
        tps = self.tokens_per_second
        return 1000.0 / tps if tps else 0.0


@dataclass(frozen=True, slots=True)
class Sentence:
    """One sentence of an answer and the passage (1-based) that supports it, if any.

    `checked` is False for a sentence that claims nothing to support (a lead-in, a very
    short sentence, an abstention): it has no passage and is not flagged either.
    """

    start: int  # character offsets in `Attribution.text`
    end: int
    passage: int | None
    checked: bool = True

    @property
    def unsupported(self) -> bool:
        """A claim that no passage supports: the reader should not take it on trust."""
        return self.checked and self.passage is None


@dataclass(frozen=True, slots=True)
class Attribution:
    """An answer's text (with markers added or corrected) and its sentences."""

    text: str
    sentences: tuple[Sentence, ...] = ()

    @property
    def cited(self) -> frozenset[int]:
        """The 1-based numbers of the passages that support some sentence."""
        return frozenset(s.passage for s in self.sentences if s.passage is not None)

    @property
    def unsupported(self) -> list[str]:
        """Sentences no passage supports, as they stand in the text."""
        return [self.text[s.start : s.end] for s in self.sentences if s.unsupported]

    @property
    def unsupported_spans(self) -> list[tuple[int, int]]:
        """Where those sentences stand in the text, to mark them where it is shown."""
        return [(s.start, s.end) for s in self.sentences if s.unsupported]


@dataclass(frozen=True, slots=True)
class Answer:
    question: str
    text: str
    sources: list[Hit]  # numbered [1], [2], ... in this order
    retrieval_seconds: float
    timings: Timings | None  # None when no passage was relevant and no model ran
    stopped: bool = False
    # Which source supports each sentence; None when no model ran or the user stopped it.
    attribution: Attribution | None = None
    rerank_seconds: float | None = None  # what the re-ranker cost, when one ran

    @property
    def found(self) -> bool:
        return bool(self.sources)

    def figures(self) -> dict[str, float]:
        """What the answer cost, rounded, as the CLI's JSON and saved conversations keep it."""
        figures = {"retrieval_seconds": round(self.retrieval_seconds, 4)}
        if self.rerank_seconds is not None:
            figures["rerank_seconds"] = round(self.rerank_seconds, 4)
        t = self.timings
        if t is not None:
            figures |= {
                "first_token_seconds": round(t.first_token_seconds, 3),
                "tokens_per_second": round(t.tokens_per_second, 2),
                "ms_per_token": round(t.ms_per_token, 2),
                "prompt_tokens": t.prompt_tokens,
                "answer_tokens": t.answer_tokens,
                "total_seconds": round(t.total_seconds, 3),
            }
        return figures


@dataclass(frozen=True, slots=True)
class Turn:
    """One earlier exchange of the conversation."""

    question: str
    answer: str


@dataclass(frozen=True, slots=True)
class FileEvent:
    """A change of one file's state: queued, embedding, ready, unchanged, failed."""

    path: str
    state: str
    reason: str = ""
    pages: int = 0
    passages: int = 0
    embedded: int = 0


@dataclass(frozen=True, slots=True)
class Progress:
    event: FileEvent
    files_done: int
    files_total: int
    fraction: float  # 0..1 of the whole job, weighted by file size
    eta_seconds: float | None


@dataclass(slots=True)
class IngestReport:
    added: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    passages: int = 0
    cancelled: bool = False
    seconds: float = 0.0


@dataclass(frozen=True, slots=True)
class CheckReport:
    documents: int
    passages: int
    vectors: int
    orphan_vectors: int = 0  # vectors whose passage the catalogue does not have
    missing_vectors: int = 0  # passages of ready documents without a vector
    orphan_terms: int = 0  # keyword entries whose passage is gone
    missing_terms: int = 0  # passages the keyword search cannot find
    dangling_paths: int = 0  # paths recorded for a document that is gone
    pathless_documents: int = 0  # documents no path holds any more
    short_documents: list[str] = field(default_factory=list)  # titles: add the files again
    repaired: bool = False

    @property
    def problems(self) -> int:
        return (
            self.orphan_vectors
            + self.missing_vectors
            + self.orphan_terms
            + self.missing_terms
            + self.dangling_paths
            + self.pathless_documents
            + len(self.short_documents)
        )


@dataclass(frozen=True, slots=True)
class DownloadProgress:
    done: int  # bytes on disk
    total: int
    speed: float  # bytes per second, over the last seconds
    stage: str = "downloading"  # or "verifying"

    @property
    def eta_seconds(self) -> float | None:
        return (self.total - self.done) / self.speed if self.speed > 0 else None
