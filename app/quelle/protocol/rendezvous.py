"""Where a library's engine listens, and the secret a client shows to be let in: what the
engine and its clients must agree on before the first message."""

from __future__ import annotations

import hashlib
import os
import secrets
import sys
import tempfile
from pathlib import Path

from quelle.common.paths import Paths


def address(paths: Paths) -> tuple[str, str]:
    """(address, family) of the engine's socket for this library.

    A Unix socket lives in a private folder under the runtime directory, named by a hash of
    the library's folder (socket paths are limited to about 100 characters); Windows uses a
    named pipe.
    """
    digest = hashlib.sha256(str(paths.index_dir.resolve()).encode()).hexdigest()[:16]
    if sys.platform == "win32":
        return rf"\\.\pipe\quelle-{digest}", "AF_PIPE"
    base = os.environ.get("XDG_RUNTIME_DIR") or tempfile.gettempdir()
    folder = Path(base) / f"quelle-{os.getuid()}"
    folder.mkdir(mode=0o700, exist_ok=True)
    return str(folder / f"{digest}.sock"), "AF_UNIX"


def new_key(paths: Paths) -> bytes:
    """A fresh secret for this engine, readable by this user only: a client proves it may
    use the library by knowing it."""
    key = secrets.token_bytes(32)
    path = _key_file(paths)
    path.unlink(missing_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(key)
    return key


def read_key(paths: Paths) -> bytes | None:
    try:
        return _key_file(paths).read_bytes()
    except OSError:
        return None


def _key_file(paths: Paths) -> Path:
    return paths.index_dir / "engine.key"
