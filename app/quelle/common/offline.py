"""Switches that keep every library off the network. Called before any heavy import."""

from __future__ import annotations

import os

_SWITCHES = {
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "HF_DATASETS_OFFLINE": "1",
    "HF_HUB_DISABLE_PROGRESS_BARS": "1",
    "TRANSFORMERS_VERBOSITY": "error",
    "TOKENIZERS_PARALLELISM": "false",  # no fork warnings from the tokenizer's thread pool
}
# Telemetry stays off whatever the environment says: nothing leaves the computer.
_TELEMETRY_OFF = {
    "HF_HUB_DISABLE_TELEMETRY": "1",
    "ANONYMIZED_TELEMETRY": "False",  # Chroma's
    # onnxruntime's (Chroma and the int8 encoder load it): on Linux since 1.29 it keeps a
    # device id and a queue of events under ~/.cache/Microsoft unless this is set.
    "ORT_DISABLE_TELEMETRY": "1",
}


def enforce_offline() -> None:
    """Set the offline switches unless the user set them explicitly, and telemetry off."""
    for key, value in _SWITCHES.items():
        os.environ.setdefault(key, value)
    os.environ.update(_TELEMETRY_OFF)
