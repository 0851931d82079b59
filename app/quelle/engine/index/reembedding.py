"""Embedding a library's passages again with another embedder, into a second vector store.

The passages stay as they are (their text, pages and ids), so citations saved in
conversations keep pointing at the same passages. What is in the new store already is
skipped, so a re-embedding that was stopped goes on where it was.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from quelle.engine.index.catalog import Catalog
from quelle.engine.index.vectors import VectorStore
from quelle.engine.ingestion import with_header
from quelle.engine.models.embedder import TextEmbedder

STEP = 64  # passages per step: progress is reported and stopping is checked this often


def reembed(
    catalog: Catalog,
    store: VectorStore,
    embedder: TextEmbedder,
    on_progress: Callable[[int, int], None] | None = None,
    stop: Callable[[], bool] | threading.Event | None = None,
) -> bool:
    """True when every passage of the catalogue has a vector in `store`."""
    stopped = stop.is_set if isinstance(stop, threading.Event) else stop
    ids = catalog.all_passage_ids()
    for begin in range(0, len(ids), STEP):
        if stopped is not None and stopped():
            return False
        step = ids[begin : begin + STEP]
        have = store.existing(step)
        passages = list(catalog.passages(p for p in step if p not in have).values())
        if passages:
            store.add(
                [p.passage_id for p in passages],
                embedder.embed([with_header(p.title, p.text) for p in passages]),
                [p.page for p in passages],
            )
        if on_progress:
            on_progress(min(begin + STEP, len(ids)), len(ids))
    if store.count() > len(ids):  # documents removed while this ran
        store.keep_only(set(ids))
    return True
