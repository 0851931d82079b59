"""User settings: a typed, frozen value saved as JSON with a schema version."""

from __future__ import annotations

import dataclasses
import json
import logging
import os
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

SCHEMA_VERSION = 1

DEFAULT_SYSTEM_PROMPT = (
    "You are Quelle, an assistant that answers questions about the user's own documents. "
    "Answer only from the numbered passages you are given. After each statement, cite the "
    "passage it comes from as [1], [2] and so on. If the passages do not contain the answer, "
    "say plainly that the documents do not answer the question; never invent facts. "
    "Answer in the language of the question."
)


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything the user can change. Empty model paths mean the embedded defaults."""

    chat_model: str = ""
    embedding_model: str = ""
    reranker_model: str = ""  # a cross-encoder folder; empty: no re-ranking
    checker_model: str = ""  # an entailment (NLI) model folder; empty: answers checked by rule
    # generation
    temperature: float = 0.2
    top_p: float = 0.9
    top_k: int = 40
    repeat_penalty: float = 1.1
    max_answer_tokens: int = 384
    context_size: int = 4096
    threads: int = 0  # 0: one per physical core, as llama.cpp chooses
    # retrieval
    passages_per_answer: int = 5
    # Characters of each passage the model reads (the lines that share most words with the
    # question); 0: whole passages. See benchmarks/prompts.py for what shorter costs.
    passage_chars: int = 0
    # Who answers: "auto" lets the chat model write unless it is too small to write reliable
    # answers (the built-in one; see benchmarks/evidence.py), when the evidence quoted from
    # the passages is the answer and one click lets the model write; "always"; "never".
    model_writes: str = "auto"
    hybrid_search: bool = True
    # chunking, in the embedder's own tokens
    chunk_tokens: int = 200
    chunk_overlap: int = 40
    system_prompt: str = DEFAULT_SYSTEM_PROMPT
    # the window's language: "de", "en", or "" for the system's
    language: str = ""
    # A Chroma server that keeps the library, shared with others ("http://host:8000/name");
    # empty: the library lives in this computer's data folder. Chosen for a new library.
    chroma_url: str = ""

    def replace(self, **changes: Any) -> Settings:
        return dataclasses.replace(self, **changes)

    def to_json(self) -> dict[str, Any]:
        return {"schema_version": SCHEMA_VERSION, **dataclasses.asdict(self)}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Settings:
        """Unknown keys are dropped and wrongly typed values fall back to the default."""
        defaults = cls()
        values: dict[str, Any] = {}
        for field in fields(cls):
            if field.name not in data:
                continue
            value, default = data[field.name], getattr(defaults, field.name)
            if isinstance(default, bool) != isinstance(value, bool):
                continue
            if isinstance(default, float) and isinstance(value, int):
                value = float(value)
            if type(value) is type(default):
                values[field.name] = value
        return cls(**values)


def load_settings(path: Path) -> Settings:
    """A missing or damaged file gives the defaults; the damage is logged, not fatal."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return Settings()
    except (OSError, ValueError) as exc:
        log.warning("Settings file %s unreadable (%s); using defaults", path, exc)
        return Settings()
    if not isinstance(data, dict):
        return Settings()
    return Settings.from_json(data)


def save_settings(settings: Settings, path: Path) -> None:
    """Write atomically, so a crash never leaves half a settings file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(settings.to_json(), indent=2, ensure_ascii=False), encoding="utf-8")
    os.replace(tmp, path)
