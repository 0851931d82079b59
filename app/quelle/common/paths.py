"""Where Quelle keeps what it writes. One `home` redirects everything (tests, portable use)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

APP_NAME = "Quelle"
HOME_ENV = "QUELLE_HOME"
ENCODERS_ENV = "QUELLE_ENCODERS"


@dataclass(frozen=True, slots=True)
class Paths:
    """The four folders Quelle writes to; each is created on first use."""

    config_dir: Path
    data_dir: Path
    log_dir: Path
    cache_dir: Path

    @classmethod
    def resolve(cls, home: str | os.PathLike[str] | None = None) -> Paths:
        """`home` (or $QUELLE_HOME) wins over the platform's user folders."""
        home = home or os.environ.get(HOME_ENV) or None
        if home:
            root = Path(home).expanduser().resolve()
            return cls(root / "config", root / "data", root / "logs", root / "cache")
        import platformdirs

        return cls(
            Path(platformdirs.user_config_dir(APP_NAME, appauthor=False)),
            Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)),
            Path(platformdirs.user_log_dir(APP_NAME, appauthor=False)),
            Path(platformdirs.user_cache_dir(APP_NAME, appauthor=False)),
        )

    def ensure(self) -> Paths:
        for folder in (self.config_dir, self.data_dir, self.log_dir, self.cache_dir):
            folder.mkdir(parents=True, exist_ok=True)
        return self

    @property
    def settings_file(self) -> Path:
        return self.config_dir / "settings.json"

    @property
    def index_dir(self) -> Path:
        """Chroma's folder and the SQLite catalogue with the keyword index."""
        return self.data_dir / "index"

    @property
    def encoders_dir(self) -> Path:
        """Embedders made faster for this machine (int8 ONNX): made once per machine and
        embedder, and shared by every home, so a new `--home` does not make its own. The
        user's cache folder, or $QUELLE_ENCODERS."""
        return encoders_dir()

    @property
    def models_dir(self) -> Path:
        """Downloaded models (and the list of imported ones)."""
        return self.data_dir / "models"

    @property
    def conversations_file(self) -> Path:
        return self.data_dir / "conversations.sqlite"

    @property
    def log_file(self) -> Path:
        return self.log_dir / "quelle.log"


def encoders_dir() -> Path:
    """The machine's folder of int8 encoders (see `Paths.encoders_dir`)."""
    shared = os.environ.get(ENCODERS_ENV)
    if shared:
        return Path(shared)
    import platformdirs

    return Path(platformdirs.user_cache_dir(APP_NAME, appauthor=False)) / "encoders"
