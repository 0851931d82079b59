"""Which folders the library follows and which of their files it takes in.

The list is kept beside the catalogue (`watched.json` in the index folder), so watching
resumes with the next engine. A file is taken in when it is a supported document, neither
hidden nor an editor's scratch file, and its folder's patterns let it through.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Iterator
from fnmatch import fnmatchcase
from pathlib import Path, PurePath

from quelle.common.errors import QuelleError
from quelle.common.wording import say
from quelle.engine.reading.documents import is_supported
from quelle.protocol.values import WatchedFolder

log = logging.getLogger(__name__)

# Names editors and office suites give their lock, swap and half-written files, beside the
# hidden ones (".~lock.report.odt#", ".report.md.swp"): Word's "~$report.docx" would
# otherwise pass for a document.
SCRATCH = ("~$*", "*~", "#*#", "*.tmp", "*.temp", "*.part", "*.partial", "*.crdownload")


def is_scratch(name: str) -> bool:
    """Hidden, or an editor's lock, swap or temporary file."""
    return name.startswith(".") or any(fnmatchcase(name.lower(), p) for p in SCRATCH)


def wanted(folder: WatchedFolder, path: str | Path) -> bool:
    """Whether `path` is a file of `folder` that the library should hold."""
    try:
        inside = PurePath(path).relative_to(folder.folder)
    except ValueError:
        return False
    if not inside.parts or any(is_scratch(part) for part in inside.parts):
        return False
    if not is_supported(Path(path)):
        return False
    text, name = inside.as_posix(), inside.name

    def matches(pattern: str) -> bool:
        return fnmatchcase(name, pattern) or fnmatchcase(text, pattern)

    if folder.include and not any(matches(p) for p in folder.include):
        return False
    return not any(matches(p) for p in folder.exclude)


def owner(folders: list[WatchedFolder], path: str) -> WatchedFolder | None:
    """The innermost watched folder holding `path`."""
    holding = [
        f for f in folders if path == f.folder or path.startswith(f.folder.rstrip(os.sep) + os.sep)
    ]
    return max(holding, key=lambda f: len(f.folder), default=None)


def files_in(folder: WatchedFolder, start: Path | None = None) -> Iterator[str]:
    """The wanted files under `start` (the whole folder by default), hidden and scratch
    folders skipped, symbolic links to folders not followed (a loop ends nowhere)."""
    for root, dirs, names in os.walk(start or folder.folder):
        dirs[:] = sorted(d for d in dirs if not is_scratch(d))
        for name in sorted(names):
            path = os.path.join(root, name)
            if wanted(folder, path) and os.path.isfile(path):
                yield path


class WatchList:
    """The watched folders, saved in `file` at each change."""

    def __init__(self, file: Path) -> None:
        self._file = file
        self.folders: list[WatchedFolder] = []
        if not file.exists():
            return
        try:
            raw = json.loads(file.read_text(encoding="utf-8"))
            self.folders = [
                WatchedFolder(str(f["folder"]), list(f["include"]), list(f["exclude"]))
                for f in raw["folders"]
            ]
        except (OSError, ValueError, KeyError, TypeError):
            log.warning("The list of watched folders in %s is unreadable", file, exc_info=True)

    def add(self, folder: WatchedFolder) -> WatchedFolder:
        """Watch `folder` (its path made absolute), or change its patterns."""
        path = Path(folder.folder).expanduser().absolute()
        if not path.is_dir():
            raise QuelleError(say("'{name}' is not a folder.", name=str(path)))
        folder = WatchedFolder(str(path), list(folder.include), list(folder.exclude))
        self.folders = [f for f in self.folders if f.folder != folder.folder] + [folder]
        self._save()
        return folder

    def remove(self, folder: str) -> WatchedFolder:
        path = str(Path(folder).expanduser().absolute())
        found = next((f for f in self.folders if f.folder == path), None)
        if found is None:
            raise QuelleError(say("'{name}' is not watched.", name=path))
        self.folders = [f for f in self.folders if f is not found]
        self._save()
        return found

    def _save(self) -> None:
        data = {"version": 1, "folders": [_plain(f) for f in self.folders]}
        fresh = self._file.with_suffix(".tmp")
        fresh.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
        os.replace(fresh, self._file)


def _plain(folder: WatchedFolder) -> dict[str, object]:
    return {"folder": folder.folder, "include": folder.include, "exclude": folder.exclude}
