"""A keyring backend for tests: a JSON file named by QUELLE_TEST_KEYRING, so the engine and
its reader processes share what one of them stores. Never for real passwords."""

from __future__ import annotations

import json
import os
from pathlib import Path

from keyring.backend import KeyringBackend


class FileKeyring(KeyringBackend):
    priority = 1

    def __init__(self) -> None:
        super().__init__()  # type: ignore[no-untyped-call]  # keyring's own is untyped

    @property
    def _file(self) -> Path:
        return Path(os.environ["QUELLE_TEST_KEYRING"])

    def _all(self) -> dict[str, str]:
        try:
            return dict(json.loads(self._file.read_text(encoding="utf-8")))
        except FileNotFoundError:
            return {}

    def get_password(self, service: str, username: str) -> str | None:
        return self._all().get(f"{service}/{username}")

    def set_password(self, service: str, username: str, password: str) -> None:
        stored = self._all() | {f"{service}/{username}": password}
        self._file.write_text(json.dumps(stored), encoding="utf-8")

    def delete_password(self, service: str, username: str) -> None:
        stored = self._all()
        stored.pop(f"{service}/{username}", None)
        self._file.write_text(json.dumps(stored), encoding="utf-8")
