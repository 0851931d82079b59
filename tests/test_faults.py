"""A full disk and a damaged library file are told as such, with the way back; anything
else stays an unexpected error (a bug, logged)."""

from __future__ import annotations

import errno
import sqlite3

from quelle.engine.index.faults import DamagedLibrary, DiskFull, explained


def test_a_full_disk_in_any_of_its_words_is_told_as_such() -> None:
    for error in (
        OSError(errno.ENOSPC, "No space left on device"),
        sqlite3.OperationalError("database or disk is full"),
    ):
        known = explained(error)
        assert isinstance(known, DiskFull) and "disk holding the library is full" in str(known)


def test_a_damaged_catalogue_names_the_rebuild() -> None:
    known = explained(sqlite3.DatabaseError("database disk image is malformed"))
    assert isinstance(known, DamagedLibrary)
    assert str(known) == (
        "The library's files are damaged (database disk image is malformed). 'quelle check "
        "--rebuild' sets them aside and builds the library again from your documents."
    )


def test_other_errors_stay_unexpected() -> None:
    assert explained(sqlite3.OperationalError("database is locked")) is None
    assert explained(ValueError("malformed question")) is None  # not the library's files
    assert explained(OSError(errno.EACCES, "Permission denied")) is None
