"""Errors a user can act on. Any other exception is a bug and is logged with its traceback."""

from __future__ import annotations

from pathlib import Path


class QuelleError(Exception):
    """One or two sentences for the user: what went wrong, why, and what to do."""


class DocumentError(QuelleError):
    """A single file could not be read; the others go on."""


class UnsupportedFile(DocumentError):
    """The file type is not one Quelle reads."""


class EncryptedDocument(DocumentError):
    """The PDF is encrypted in a way Quelle cannot open."""


class PasswordNeeded(EncryptedDocument):
    """The PDF opens only with its password, and none given fits."""


class EmptyDocument(DocumentError):
    """The file has no text to index (for example a scanned PDF without a text layer)."""


class ModelError(QuelleError):
    """A model file is missing, unreadable or does not fit the index."""


class IndexMismatch(ModelError):
    """The index was built by another embedding model; mixing vectors would give nonsense."""


class ServerUnavailable(QuelleError):
    """The Chroma server of a shared library did not answer; what was stored stays, and a
    job goes on where it stopped."""


def bug_message(what: str, log_file: Path) -> str:
    """What the user reads when a bug (not a `QuelleError`) stopped `what`."""
    from quelle.common.wording import say

    return say(
        "{what} failed because of an unexpected error. Details are in the log file: {log}",
        what=say(what),
        log=log_file,
    )
