"""What a failure of the disk or of the library's own files means for the user.

SQLite, Chroma and the operating system report a full disk or a damaged file in their own
words ("database disk image is malformed", errno 28). Those are not bugs, and "an unexpected
error" helps nobody: each is turned into what happened and the way back.
"""

from __future__ import annotations

import errno
import sqlite3

from quelle.common.errors import QuelleError
from quelle.common.wording import say

REBUILD = "quelle check --rebuild"


class DiskFull(QuelleError):
    """The disk holding the library has no room left."""


class DamagedLibrary(QuelleError):
    """A file of the library itself (catalogue or vector store) cannot be read."""


_FULL = ("database or disk is full", "no space left on device")
# SQLite's words for a damaged file, in its own errors and in Chroma's, which wrap them.
_DAMAGED = ("malformed", "not a database", "file is encrypted", "disk i/o error")


def explained(error: BaseException) -> QuelleError | None:
    """The user's version of `error` when it is a full disk or a damaged library file;
    None for anything else (a bug, logged as such)."""
    if isinstance(error, QuelleError):
        return error
    text = str(error).lower()
    if (isinstance(error, OSError) and error.errno == errno.ENOSPC) or any(
        words in text for words in _FULL
    ):
        return DiskFull(
            say(
                "The disk holding the library is full. Free some space, then add the files "
                "again; 'quelle check' mends anything cut off."
            )
        )
    storage = isinstance(error, sqlite3.DatabaseError) or type(error).__module__.startswith(
        "chromadb"
    )
    if storage and any(words in text for words in _DAMAGED):
        return DamagedLibrary(
            say(
                "The library's files are damaged ({error}). '{command}' sets them aside and "
                "builds the library again from your documents.",
                error=str(error).strip().rstrip("."),
                command=REBUILD,
            )
        )
    return None
