"""The models Quelle offers: a curated list kept as data (`catalogue.json`)."""

from __future__ import annotations

import json
from dataclasses import fields
from functools import cache
from importlib import resources
from typing import Any

from quelle.protocol.values import CatalogEntry, Kind


@cache
def catalog() -> tuple[CatalogEntry, ...]:
    text = resources.files("quelle.engine.models").joinpath("catalogue.json").read_text("utf-8")
    return tuple(_entry_from_json(m) for m in json.loads(text)["models"])


def _entry_from_json(data: dict[str, Any]) -> CatalogEntry:
    """An entry from its JSON object; fields the catalogue has and Quelle does not are left."""
    known = {f.name for f in fields(CatalogEntry)}
    values = {k: v for k, v in data.items() if k in known}
    values["languages"] = tuple(values.get("languages", ()))
    return CatalogEntry(**values)


def entry(model_id: str) -> CatalogEntry | None:
    return next((e for e in catalog() if e.id == model_id), None)


def bundled(kind: Kind) -> CatalogEntry | None:
    return next((e for e in catalog() if e.kind == kind and e.bundled), None)
