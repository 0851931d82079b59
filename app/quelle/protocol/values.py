"""The values that cross between the engine and its clients (the window, a second CLI):
documents, passages, answers with their sources and timings, progress and reports, and the
models with their fit for this computer.

Plain frozen dataclasses with no behaviour beyond what their own fields tell, so that the
window can hold and draw them without importing the engine. The protocol (`messages`)
carries them field by field; `tests/protocol_frames.json` fixes their shape.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field
from typing import Literal

# A citation marker in an answer's text, as models write it: [2] or [1, 3]; not a Markdown
# link's text ("[2](...)"). The engine checks the sentences they stand in, the window turns
# them into links to the sources.
MARKER = re.compile(r"\[(\d{1,2}(?:\s*,\s*\d{1,2})*)\](?!\()")


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
class Quote:
    """A sentence (or table row) of source `n` that answers the question, quoted verbatim:
    `text` is `passage.text[start:end]`. A table row comes with its `reading`: each amount
    with its row's label and its column's period."""

    n: int
    start: int
    end: int
    text: str
    reading: str = ""


# A longer question is refused: reading and searching it would take minutes, and it is
# never one question (about 300 words).
MAX_QUESTION_CHARS = 2000


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
    evidence: list[Quote] = field(default_factory=list)  # shown before the model's words
    written: bool = True  # False: the evidence is the answer; no chat model wrote
    check_seconds: float | None = None  # what the entailment model's check cost, when one ran

    @property
    def evidence_only(self) -> bool:
        return not self.written and bool(self.evidence)

    @property
    def checked(self) -> bool:
        """Each sentence of the text was checked against the sources (not when stopped)."""
        return self.attribution is not None and self.attribution.text == self.text

    def cites(self, n: int) -> bool:
        """Whether the answer rests on source `n` (from 1): quoted as evidence or supporting a
        sentence. Where nothing was checked (a stopped answer) every source counts; where
        the evidence is the answer, only the quoted ones."""
        quoted = any(q.n == n for q in self.evidence)
        if self.evidence_only:
            return quoted
        if self.attribution is None or not self.checked:
            return True
        return quoted or n in self.attribution.cited

    @property
    def found(self) -> bool:
        return bool(self.sources)

    def figures(self) -> dict[str, float]:
        """What the answer cost, rounded, as the CLI's JSON and saved conversations keep it."""
        figures = {"retrieval_seconds": round(self.retrieval_seconds, 4)}
        if self.rerank_seconds is not None:
            figures["rerank_seconds"] = round(self.rerank_seconds, 4)
        if self.check_seconds is not None:
            figures["check_seconds"] = round(self.check_seconds, 4)
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
    """A change of one file's state: queued, recognising (its scanned pages, `scanned` of
    `pages`), embedding, ready, unchanged, failed."""

    path: str
    state: str
    reason: str = ""
    pages: int = 0
    passages: int = 0
    embedded: int = 0
    scanned: int = 0


@dataclass(frozen=True, slots=True)
class WordBox:
    """A word Tesseract read on a scanned page: its characters in the page's text and its
    place on the page, in points from the page's top left corner."""

    start: int
    end: int
    x: float
    y: float
    width: float
    height: float


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
    locked: list[str] = field(default_factory=list)  # protected PDFs no password given opens
    notices: list[str] = field(default_factory=list)  # for the user, beside the failures


@dataclass(frozen=True, slots=True)
class WatchedFolder:
    """A folder whose files the library follows: new and changed ones are indexed, deleted
    ones leave. `include` and `exclude` are glob patterns matched against each file's name
    and its path inside the folder ("*.pdf", "drafts/*"); no `include` means every file."""

    folder: str
    include: list[str] = field(default_factory=list)
    exclude: list[str] = field(default_factory=list)


@dataclass(slots=True)
class FolderChanges:
    """What one round of watching took into the library."""

    added: list[str] = field(default_factory=list)  # new or changed files, indexed
    moved: list[tuple[str, str]] = field(default_factory=list)  # kept their passages
    removed: list[str] = field(default_factory=list)  # deleted, or no longer wanted
    failed: list[tuple[str, str]] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def count(self) -> int:
        return len(self.added) + len(self.moved) + len(self.removed) + len(self.failed)


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
    unfinished_documents: int = 0  # documents whose indexing was cut off (a kill, a crash)
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
            + self.unfinished_documents
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


# --- models ------------------------------------------------------------------------------
# The catalogue, what runs well on this computer and what is installed. The engine reads and
# judges them (`quelle.engine.models`); the Models and Settings dialogs only draw them.

Kind = Literal["chat", "embedder", "reranker", "checker"]
KINDS: tuple[Kind, ...] = ("chat", "embedder", "reranker", "checker")
# Settings fields that name the model of each kind in use.
MODEL_SETTING: dict[Kind, str] = {
    "chat": "chat_model",
    "embedder": "embedding_model",
    "reranker": "reranker_model",
    "checker": "checker_model",
}
# Kinds Quelle works without: none is built in, and one in use can be switched off.
OPTIONAL_KINDS: tuple[Kind, ...] = ("reranker", "checker")

Verdict = Literal["runs well", "slow", "won't fit"]
# What the rest of Quelle needs beside the model: the window, the embedder, Chroma.
OTHERS_MB = 1000


@dataclass(frozen=True, slots=True)
class CatalogEntry:
    """A model Quelle offers, as the curated catalogue (`catalogue.json`) describes it."""

    id: str
    kind: Kind
    name: str
    repo: str  # the Hugging Face repository
    size_mb: int
    params_m: int
    licence: str
    languages: tuple[str, ...]
    context: int  # tokens the model reads at most
    memory_mb: int  # resident memory to run it
    note: str = ""
    note_de: str = ""  # the note in German, for a German window
    file: str = ""  # chat models: the one GGUF file of the repository
    bundled: bool = False  # ships with Quelle; nothing to download
    dimension: int = 0  # embedders: vector length
    # Embedders trained with instructions ("query: ", "passage: ") need them at use.
    query_prefix: str = ""
    passage_prefix: str = ""


@dataclass(frozen=True, slots=True)
class Machine:
    """The memory and cores a model has to share on this computer."""

    total_mb: int
    available_mb: int
    cores: int  # physical

    def describe(self) -> str:
        return (
            f"{self.total_mb / 1024:.1f} GB memory ({self.available_mb / 1024:.1f} GB free), "
            f"{self.cores} cores"
        )


@dataclass(frozen=True, slots=True)
class Fit:
    """A verdict and the numbers behind it; `reason` words them in English (the window words
    them in its own language)."""

    verdict: Verdict
    needs_mb: int  # memory to run the model
    machine: Machine
    tokens_per_second: float | None = None  # chat models: the expected decode rate
    slower_by: float | None = None  # embedders, re-rankers: cost against the built-in one

    @property
    def too_big(self) -> bool:
        return self.verdict == "won't fit"

    @property
    def short_of_free_memory(self) -> bool:
        return self.needs_mb > self.machine.available_mb

    @property
    def reason(self) -> str:
        gb = _gb
        if self.too_big:
            return (
                f"needs {gb(self.needs_mb)} of memory beside Quelle's {gb(OTHERS_MB)}; "
                f"this computer has {gb(self.machine.total_mb)}"
            )
        parts = []
        if (rate := self.tokens_per_second) is not None:
            parts.append(
                f"about {rate:.0f} tokens/s" if rate >= 10 else f"about {rate:.1f} tokens/s"
            )
        if self.slower_by is not None and self.slower_by > 1.5:
            parts.append(f"about {self.slower_by:.0f}x slower than the built-in model")
        if self.short_of_free_memory:
            parts.append(f"needs {gb(self.needs_mb)}, {gb(self.machine.available_mb)} free now")
        else:
            parts.append(f"needs {gb(self.needs_mb)} of memory")
        return "; ".join(parts)


def _gb(mb: int) -> str:
    return f"{mb / 1024:.1f} GB"


@dataclass(frozen=True, slots=True)
class InstalledModel:
    """A model on this computer: built in, downloaded from the catalogue, or imported."""

    id: str
    kind: Kind
    name: str
    path: str  # a GGUF file for chat models, a folder for the others; "" for built-in ones
    size_bytes: int
    source: str  # "built in", "downloaded" or "imported"

    @property
    def setting(self) -> str:
        """The value Settings keep for it: empty means the built-in model."""
        return "" if self.source == "built in" else self.path


# Chat models with fewer parameters write answers less often right than the evidence they
# are given (benchmarks/evidence.py --answers): their answer comes only when asked for.
WRITES_FROM_PARAMS_M = 1000


@dataclass(frozen=True, slots=True)
class ModelOffer:
    """A catalogue entry and how it would run on this computer."""

    entry: CatalogEntry
    fit: Fit


@dataclass(frozen=True, slots=True)
class ModelsOverview:
    """Everything the Models dialog shows: the catalogue judged for this computer, what is
    installed or partly downloaded, and which model of each kind the settings use."""

    machine: Machine
    decode_rate: float | None  # the built-in chat model's tokens/s here, once measured
    offers: list[ModelOffer]
    installed: list[InstalledModel]
    partial: list[str]  # ids of interrupted downloads that can resume
    in_use: dict[Kind, InstalledModel]


@dataclass(frozen=True, slots=True)
class GgufInfo:
    """The facts about a model file a user needs to choose it."""

    name: str
    architecture: str
    size_bytes: int
    quantisation: str  # "Q4_1", "Q4_K_M", "F16"... or "" when unknown
    context_length: int  # tokens the model was trained for; 0 when the file does not say
    parameter_count: int  # sum of all tensor elements; 0 when unknown
