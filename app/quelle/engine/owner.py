"""One library, one owner: the process that holds its lock file opens its store.

Chroma and the catalogue must not be written by two processes at once (a second process
with the same Chroma folder open sees ids vanish under it). The owner is whoever holds an
exclusive lock on `owner.lock` in the library's index folder: the window's engine process,
or a CLI command when no engine runs. The operating system drops the lock when its process
ends, however it ends, so a crash never leaves a library locked. Everyone else talks to
the owner's engine over a local socket (`quelle.protocol.rendezvous`), or waits for the lock.
"""

from __future__ import annotations

import sys
from typing import IO

from quelle.common.paths import Paths


class OwnerLock:
    """The library's lock file; `acquire` does not wait."""

    def __init__(self, paths: Paths) -> None:
        self._path = paths.index_dir / "owner.lock"
        self._file: IO[bytes] | None = None

    def acquire(self) -> bool:
        """Take the lock if no other process holds it."""
        if self._file is not None:
            return True
        self._path.parent.mkdir(parents=True, exist_ok=True)
        handle = open(self._path, "a+b")  # noqa: SIM115 (held open while owning)
        try:
            _lock(handle)
        except OSError:
            handle.close()
            return False
        self._file = handle
        return True

    def release(self) -> None:
        if self._file is not None:
            self._file.close()  # closing drops the lock
            self._file = None

    @property
    def held(self) -> bool:
        return self._file is not None


def _lock(handle: IO[bytes]) -> None:
    if sys.platform == "win32":
        import msvcrt

        handle.seek(0)
        msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
    else:
        import fcntl

        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
