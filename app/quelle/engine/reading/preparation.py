"""A file made ready to store, in the reader process: its content hash, its passages cut by
the embedder's own tokens, and each passage's language and keyword terms.

All of this is CPU work. Done here, beside the encoder instead of in turn with it, it costs
the engine nothing but the passing of the result.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from quelle.common.errors import PasswordNeeded
from quelle.engine.index.catalog import NewPassage
from quelle.engine.reading.chunking import TokenStarts, chunk_pages
from quelle.engine.reading.documents import Page, read_pages
from quelle.engine.reading.passwords import remembered
from quelle.engine.search.language import passage_terms


@dataclass(frozen=True, slots=True)
class Cutting:
    """How files become passages. It travels to the reader processes, so it pickles."""

    token_starts: TokenStarts
    max_tokens: int
    overlap: int
    read: Callable[..., list[Page]] = read_pages  # (path) or (path, passwords=...)


@dataclass(frozen=True, slots=True)
class PreparedFile:
    doc_id: str  # sha256 of the file's bytes
    pages: int
    passages: list[NewPassage]


def file_hash(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def prepare_file(path: Path, passwords: tuple[str, ...] = (), *, cutting: Cutting) -> PreparedFile:
    """`passwords`: tried in turn on a protected PDF, then the one the keyring remembers."""
    doc_id = file_hash(path)
    try:
        pages = cutting.read(path, passwords=passwords) if passwords else cutting.read(path)
    except PasswordNeeded:
        saved = remembered(doc_id)
        if saved is None:
            raise
        pages = cutting.read(path, passwords=(saved,))
    chunks = chunk_pages(pages, cutting.token_starts, cutting.max_tokens, cutting.overlap)
    passages = [
        NewPassage(
            c.page,
            c.start,
            c.end,
            c.text,
            passage_terms(path.name, c.text),
        )
        for c in chunks
    ]
    return PreparedFile(doc_id, len(pages), passages)
