"""Logging to a rotating file in the user's log folder, third-party noise turned down."""

from __future__ import annotations

import logging
import logging.handlers
from pathlib import Path

_NOISY = (
    "chromadb",
    "httpx",
    "urllib3",
    "sentence_transformers",
    "transformers",
    "filelock",
    "huggingface_hub",
    "pypdf",
    "posthog",
    "PIL",
)


def setup_logging(log_file: Path, level: int = logging.INFO) -> None:
    """Idempotent: a second call with the same file adds no second handler."""
    root = logging.getLogger()
    root.setLevel(level)
    for handler in root.handlers:
        if getattr(handler, "baseFilename", None) == str(log_file):
            return
    log_file.parent.mkdir(parents=True, exist_ok=True)
    handler = logging.handlers.RotatingFileHandler(
        log_file, maxBytes=2_000_000, backupCount=3, encoding="utf-8"
    )
    handler.setFormatter(
        logging.Formatter("%(asctime)s %(levelname)s %(threadName)s %(name)s: %(message)s")
    )
    root.addHandler(handler)
    for name in _NOISY:
        logging.getLogger(name).setLevel(logging.WARNING)
