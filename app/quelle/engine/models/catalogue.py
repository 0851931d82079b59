"""The models Quelle offers: a curated list kept as data (`catalogue.json`)."""

from __future__ import annotations

import json
from dataclasses import dataclass, fields
from functools import cache
from importlib import resources
from typing import Any, Literal

Kind = Literal["chat", "embedder", "reranker"]
KINDS: tuple[Kind, ...] = ("chat", "embedder", "reranker")


@dataclass(frozen=True, slots=True)
class CatalogEntry:
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

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> CatalogEntry:
        known = {f.name for f in fields(cls)}
        values = {k: v for k, v in data.items() if k in known}
        values["languages"] = tuple(values.get("languages", ()))
        return cls(**values)


@cache
def catalog() -> tuple[CatalogEntry, ...]:
    text = resources.files("quelle.engine.models").joinpath("catalogue.json").read_text("utf-8")
    return tuple(CatalogEntry.from_json(m) for m in json.loads(text)["models"])


def entry(model_id: str) -> CatalogEntry | None:
    return next((e for e in catalog() if e.id == model_id), None)


def bundled(kind: Kind) -> CatalogEntry | None:
    return next((e for e in catalog() if e.kind == kind and e.bundled), None)
