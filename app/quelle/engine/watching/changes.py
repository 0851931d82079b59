"""One round of watching taken into the library: moves re-pointed, new and changed files
indexed, deleted ones forgotten.

A moved or renamed file whose size and modification time are still those recorded keeps
its passages and vectors: only its path changes. Anything else is read again; a file whose
content the library already holds (a rename seen as a delete and a create) is then
recognised by its content and not embedded again either. Files are indexed before any
path is forgotten, so a document is never dropped on the way to its new name. While a
watched folder itself is missing, nothing of it is forgotten.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable
from pathlib import Path

from quelle.engine.index.catalog import Catalog
from quelle.engine.watching.folders import files_in, owner, wanted
from quelle.engine.watching.observer import Changes
from quelle.protocol.values import FolderChanges, IngestReport, WatchedFolder

log = logging.getLogger(__name__)


def take_in(
    changes: Changes,
    folders: list[WatchedFolder],
    catalog: Catalog,
    ingest: Callable[[list[Path]], IngestReport],
    forget: Callable[[str], None],
) -> FolderChanges:
    """Bring the library in line with `changes` in the watched `folders`."""
    started = time.monotonic()
    done = FolderChanges()
    look: dict[str, None] = {}  # paths to bring in line with the disk, in order

    def is_wanted(path: str) -> bool:
        folder = owner(folders, path)
        return folder is not None and wanted(folder, path)

    for old, new in changes.moves:
        pairs = _moved(catalog, old, new)
        for was, now in pairs:
            if is_wanted(now) and _same_file(catalog, was, now):
                if catalog.source(now) not in (None, catalog.source(was)):
                    forget(now)  # moved over the file of another document
                catalog.move_source(was, now)
                done.moved.append((was, now))
            else:
                look.update({was: None, now: None})
        if not pairs:  # moved in from where the library holds nothing (a saved temp file)
            look.update({old: None, new: None})
    for path in sorted(changes.paths):
        look[path] = None
        look.update(dict.fromkeys(catalog.sources_under(path)))

    to_read: dict[str, None] = {}
    to_forget: list[str] = []
    for path in look:
        folder = owner(folders, path)
        if os.path.isdir(path) and folder is not None:
            to_read.update(dict.fromkeys(files_in(folder, Path(path))))
        elif os.path.isfile(path) and folder is not None and wanted(folder, path):
            to_read[path] = None
        elif catalog.source(path) is not None and _present(folder):
            to_forget.append(path)  # deleted, moved away, or no longer wanted

    if to_read:
        report = ingest([Path(p) for p in to_read])
        done.added += report.added
        done.failed += report.failed
    for path in to_forget:
        forget(path)
        done.removed.append(path)
    done.seconds = time.monotonic() - started
    if done.count:
        log.info(
            "Watched folders: %d added, %d moved, %d removed, %d failed in %.1f s",
            len(done.added),
            len(done.moved),
            len(done.removed),
            len(done.failed),
            done.seconds,
        )
    return done


def _present(folder: WatchedFolder | None) -> bool:
    """Whether a watched folder is there at all: one that is not (an unplugged drive, a
    network share away) keeps its documents until it is back."""
    return folder is None or os.path.isdir(folder.folder)


def _moved(catalog: Catalog, old: str, new: str) -> list[tuple[str, str]]:
    """The catalogue's paths a move of `old` to `new` carries along, with their new names:
    the file itself, or every file under a folder."""
    if catalog.source(old) is not None:
        return [(old, new)]
    return [(p, new + p[len(old) :]) for p in catalog.sources_under(old)]


def _same_file(catalog: Catalog, was: str, now: str) -> bool:
    """Whether `now` is the file recorded under `was`, unchanged by the move."""
    known = catalog.source(was)
    try:
        stat = os.stat(now)
    except OSError:
        return False
    return known is not None and known[1] == stat.st_mtime and known[2] == stat.st_size
