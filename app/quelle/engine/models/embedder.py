"""sentence-transformers adapter: the one place that knows how text becomes vectors."""

from __future__ import annotations

import functools
import json
import logging
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Protocol

from quelle.common.errors import ModelError
from quelle.common.wording import say

log = logging.getLogger(__name__)


class TextEmbedder(Protocol):
    """The seam the engine needs; tests may pass a small fake."""

    model_id: str
    dimension: int
    max_tokens: int

    def token_starts(self, text: str) -> Sequence[int]: ...

    def embed(self, texts: Sequence[str], query: bool = False) -> list[list[float]]:
        """Unit vectors; `query` for a question (some models embed questions differently)."""
        ...


TORCH = "torch"


class Embedder:
    """A sentence-transformers model loaded from a local folder, on the CPU.

    With `int8_folder`, a model the int8 encoder reproduces runs as int8 ONNX
    (`quelle.engine.models.quantised`), made once in that folder; `backend` says which one runs.
    Shared by the engine's threads, it takes one call at a time (a fast tokenizer raises
    "Already borrowed" when two threads use it at once), and embeds long lists one batch per
    turn, so a question's single vector waits for at most one batch of passages.
    """

    def __init__(
        self,
        model_dir: Path,
        model_id: str,
        batch_size: int = 16,
        int8_folder: Path | None = None,
    ) -> None:
        from quelle.common.offline import enforce_offline

        enforce_offline()
        if not (model_dir / "modules.json").exists() and not (model_dir / "config.json").exists():
            raise ModelError(
                say("'{folder}' is not a sentence-transformers model folder.", folder=model_dir)
            )
        self.model_id = model_id
        self._batch_size = batch_size
        self._lock = threading.Lock()
        self._prefixes = _prefixes(model_dir)
        self.token_starts = TokenOffsets(model_dir)
        self.backend = TORCH
        self._encode: Callable[[Sequence[str]], list[list[float]]]
        if int8_folder is not None and self._plan_int8(model_dir, int8_folder):
            return
        self._encode = self._load_torch(model_dir)

    def _plan_int8(self, model_dir: Path, folder: Path) -> bool:
        """Run the int8 encoder if the model is one it reproduces. It is made (or found in
        `folder`) on the first call to `embed`, not here: opening a library embeds nothing.
        Should making it fail (a full disk), torch embeds until the process ends and the
        next one tries again; the library keeps the int8 encoder as its own."""
        from quelle.engine.models import quantised

        if not quantised.eligible(model_dir):
            return False
        max_length = _max_length(model_dir)
        config = json.loads((model_dir / "config.json").read_text("utf-8"))
        self.dimension = int(config["hidden_size"])
        self.max_tokens = max_length - 2  # [CLS] and [SEP] take two places
        self.backend = quantised.BACKEND
        ready: list[Callable[[Sequence[str]], list[list[float]]]] = []

        def encode(texts: Sequence[str]) -> list[list[float]]:
            if not ready:  # the first call, under the embedder's lock
                ready.append(_int8(model_dir, folder, max_length) or self._load_torch(model_dir))
            return ready[0](texts)

        self._encode = encode
        return True

    def _load_torch(self, model_dir: Path) -> Callable[[Sequence[str]], list[list[float]]]:
        from sentence_transformers import SentenceTransformer

        try:
            model = SentenceTransformer(str(model_dir), device="cpu", local_files_only=True)
        except Exception as exc:
            log.exception("Loading embedder %s failed", model_dir)
            raise ModelError(
                say("Could not load the embedding model in '{folder}'.", folder=model_dir)
            ) from exc
        get_dim = getattr(model, "get_embedding_dimension", None)
        dimension = get_dim() if get_dim else model.get_sentence_embedding_dimension()
        if dimension is None:
            raise ModelError(f"'{model_dir}' does not say how long its vectors are.")
        self.dimension = int(dimension)
        # [CLS] and [SEP] take two places of the model's input.
        self.max_tokens = int(model.max_seq_length or 512) - 2

        def encode(texts: Sequence[str]) -> list[list[float]]:
            return model.encode(  # type: ignore[no-any-return]
                list(texts),
                batch_size=self._batch_size,
                normalize_embeddings=True,
                convert_to_numpy=True,
                show_progress_bar=False,
            ).tolist()

        return encode

    def embed(self, texts: Sequence[str], query: bool = False) -> list[list[float]]:
        prefix = self._prefixes[0 if query else 1]
        if prefix:
            texts = [prefix + t for t in texts]
        vectors: list[list[float]] = []
        for begin in range(0, len(texts), self._batch_size):
            with self._lock:
                vectors.extend(self._encode(texts[begin : begin + self._batch_size]))
        return vectors


def _int8(
    model_dir: Path, folder: Path, max_length: int
) -> Callable[[Sequence[str]], list[list[float]]] | None:
    """The int8 encoder of a model it reproduces, or None (then torch runs for now)."""
    from quelle.engine.models import quantised

    try:
        encoder = quantised.Int8Encoder(
            quantised.cached_model(model_dir, folder), model_dir, max_length
        )
    except Exception:  # a missing package, an export that fails, a full disk
        log.exception(
            "The int8 encoder of %s could not be made; torch embeds until Quelle is started "
            "again, which tries once more",
            model_dir,
        )
        return None
    return encoder.encode


def _max_length(model_dir: Path) -> int:
    """The longest input in tokens, as sentence-transformers reads it."""
    try:
        config = json.loads((model_dir / "sentence_bert_config.json").read_text("utf-8"))
        return int(config["max_seq_length"])
    except (OSError, ValueError, KeyError, TypeError):
        return 512


class TokenOffsets:
    """Where each of the embedder's tokens starts in a text, without the model: a small
    picklable object, so the reader processes cut passages by the embedder's own tokens."""

    def __init__(self, model_dir: Path) -> None:
        self.model_dir = str(model_dir)

    def __call__(self, text: str) -> list[int]:
        return _offsets(self.model_dir)(text)


@functools.lru_cache(maxsize=2)
def _offsets(model_dir: str) -> Callable[[str], list[int]]:
    """Token starts by the model's fast tokenizer from its tokenizer.json (the same offsets as
    transformers' wrapper, without importing transformers), or by transformers' tokenizer
    where a model has no tokenizer.json."""
    from quelle.common.offline import enforce_offline

    enforce_offline()
    file = Path(model_dir) / "tokenizer.json"
    if file.exists():
        from tokenizers import Tokenizer

        fast = Tokenizer.from_file(str(file))
        fast.no_truncation()
        fast.no_padding()
        return lambda text: [
            start for start, _ in fast.encode(text, add_special_tokens=False).offsets
        ]
    from transformers import AutoTokenizer

    slow = AutoTokenizer.from_pretrained(model_dir, local_files_only=True)
    return lambda text: [
        start
        for start, _ in slow(
            text, add_special_tokens=False, return_offsets_mapping=True, verbose=False
        )["offset_mapping"]
    ]


def _prefixes(model_dir: Path) -> tuple[str, str]:
    """(query, passage) prefixes a downloaded model was trained with ("query: " for e5)."""
    from quelle.engine.models.downloads import MANIFEST

    try:
        entry = json.loads((model_dir / MANIFEST).read_text("utf-8"))["entry"]
        return str(entry.get("query_prefix", "")), str(entry.get("passage_prefix", ""))
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return "", ""
