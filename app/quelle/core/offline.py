"""Switches that keep every library off the network. Called before any heavy import."""

from __future__ import annotations

import os

_SWITCHES = {
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "HF_DATASETS_OFFLINE": "1",
    "HF_HUB_DISABLE_TELEMETRY": "1",
    "ANONYMIZED_TELEMETRY": "False",  # Chroma's telemetry
    "HF_HUB_DISABLE_PROGRESS_BARS": "1",
    "TRANSFORMERS_VERBOSITY": "error",
    "TOKENIZERS_PARALLELISM": "false",  # no fork warnings from the tokenizer's thread pool
}


def enforce_offline() -> None:
    """Set the offline switches unless the user set them explicitly."""
    for key, value in _SWITCHES.items():
        os.environ.setdefault(key, value)
