"""Cross-encoder re-ranking: read question and passage together to re-score fused candidates.

Dense and keyword search each look at the question and a passage separately, so they find
candidates quickly but order them coarsely. A cross-encoder reads the pair in one pass and
judges relevance far better, at a cost that grows with every candidate: it is run only on the
few dozen passages fusion already ranked highest, never on the whole library.
"""

from __future__ import annotations

import json
import logging
import math
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Protocol, TypeVar

from quelle.common.errors import ModelError
from quelle.common.wording import say

log = logging.getLogger(__name__)

# Quelle's passages hold at most 200 tokens of the same uncased BERT vocabulary the usual
# cross-encoders use; a question and the three special tokens fit in the rest. Attention cost
# grows with the square of the length, so a longer limit only buys time for text that is rare.
DEFAULT_MAX_LENGTH = 256
# On the CPU one large batch beats several small ones (fewer, bigger matrix products): scoring
# 50 candidates took 3.8, 2.9 and 2.6 s in batches of 16, 32 and 64 (benchmarks/rerank_latency.py,
# 2-layer MiniLM shape, busy 2-core machine). 64 pairs of 256 tokens keep a MiniLM-sized model's
# activations to a few hundred MB.
DEFAULT_BATCH_SIZE = 64

T = TypeVar("T")


class PassageScorer(Protocol):
    """The seam the retrieval stage needs; tests may pass a small fake."""

    model_id: str

    def score(self, query: str, texts: Sequence[str]) -> list[float]: ...


class Reranker:
    """A sentence-transformers cross-encoder loaded from a local folder, on the CPU.

    Scores are the model's raw logits (higher is more relevant), not probabilities: a sigmoid
    can round the clearest matches to the same 1.0 and tie them. They compare passages for one
    question under one model, nothing more.

    Like every model object in the engine, one instance belongs to one thread.
    """

    def __init__(
        self,
        model_dir: Path,
        model_id: str = "",
        max_length: int = DEFAULT_MAX_LENGTH,
        batch_size: int = DEFAULT_BATCH_SIZE,
    ) -> None:
        from quelle.common.offline import enforce_offline

        enforce_offline()
        if max_length < 16:
            raise ValueError("max_length must be at least 16 tokens")
        positions = check_cross_encoder(model_dir)
        # sentence-transformers trusts an explicit max_length even beyond the model's position
        # table, and the model then fails on the first long passage.
        self.max_length = min(max_length, positions) if positions > 0 else max_length
        from sentence_transformers import CrossEncoder
        from torch import nn

        try:
            self._model = CrossEncoder(
                str(model_dir),
                device="cpu",
                local_files_only=True,
                max_length=self.max_length,
                activation_fn=nn.Identity(),
            )
        except Exception as exc:
            log.exception("Loading re-ranker %s failed", model_dir)
            raise ModelError(
                say(
                    "Could not load the re-ranking model in '{folder}'. "
                    "Choose another cross-encoder folder, or turn re-ranking off.",
                    folder=model_dir,
                )
            ) from exc
        self.model_id = model_id or model_dir.name
        self._batch_size = batch_size

    def score(self, query: str, texts: Sequence[str]) -> list[float]:
        """One relevance score per text, in the order given.

        Each pair is cut to `max_length` tokens, taking from the longer of question and passage
        first (the passage, but for odd questions), so a long text costs no more than a short one
        and never overflows the model.
        """
        if not texts:
            return []
        scores = self._model.predict(
            [(query, text) for text in texts],
            batch_size=self._batch_size,
            show_progress_bar=False,
            convert_to_numpy=True,
        )
        return [float(s) for s in scores]


def rerank(
    query: str,
    items: Sequence[T],
    text_of: Callable[[T], str],
    scorer: PassageScorer,
    limit: int | None = None,
) -> list[tuple[T, float]]:
    """The items ordered by the scorer's judgement of their text, best first, with scores.

    Equal scores keep the order the items came in, which is the fused order, so the earlier
    stage still breaks ties. A score that is not a number (a broken model) ranks last rather
    than anywhere at random. `limit` keeps only the first few; None keeps all.
    """
    if limit is not None and limit < 0:
        raise ValueError("limit must not be negative")
    if not items or limit == 0:
        return []
    scores = scorer.score(query, [text_of(item) for item in items])
    if len(scores) != len(items):
        raise ValueError(f"{scorer.model_id} gave {len(scores)} scores for {len(items)} texts")
    order = sorted(range(len(items)), key=lambda i: _descending(scores[i]))
    return [(items[i], scores[i]) for i in order[:limit]]


def _descending(score: float) -> float:
    return math.inf if math.isnan(score) else -score


def check_cross_encoder(model_dir: Path) -> int:
    """Refuse a folder that holds no single-score cross-encoder; return its position count.

    Checked from config.json alone, so it is instant and loads no library (a settings dialog
    may call it), and before anything loads, because sentence-transformers accepts an embedding
    model too: it adds an untrained scoring head and re-ranks at random, silently. 0 means the
    configuration names no position limit.
    """
    if not model_dir.is_dir():
        raise ModelError(
            say(
                "The re-ranking model folder '{folder}' does not exist. "
                "Choose another folder, or turn re-ranking off.",
                folder=model_dir,
            )
        )
    config_file = model_dir / "config.json"
    if not config_file.is_file():
        raise ModelError(
            say(
                "'{folder}' is not a model folder: it has no config.json. Choose the folder of "
                "a cross-encoder such as ms-marco-MiniLM-L-6-v2.",
                folder=model_dir,
            )
        )
    try:
        config: Any = json.loads(config_file.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ModelError(
            f"The file '{config_file}' cannot be read as a model configuration. "
            "Copy the model folder again."
        ) from exc
    if not isinstance(config, dict):
        raise ModelError(f"The file '{config_file}' is not a model configuration.")
    architectures = config.get("architectures") or []
    if not any(str(a).endswith("ForSequenceClassification") for a in architectures):
        if (model_dir / "modules.json").exists():
            kind = "a sentence-embedding model"
        else:
            kind = f"a {architectures[0]} model" if architectures else "a model of unknown kind"
        raise ModelError(
            f"'{model_dir}' holds {kind}, not a cross-encoder: re-ranking needs a model that "
            "scores question-passage pairs, such as ms-marco-MiniLM-L-6-v2."
        )
    labels = config.get("id2label")
    num_labels = len(labels) if isinstance(labels, dict) else config.get("num_labels", 2)
    if num_labels != 1:
        raise ModelError(
            f"'{model_dir}' holds a classifier with {num_labels} labels, not a re-ranker that "
            "gives one relevance score per passage."
        )
    positions = config.get("max_position_embeddings")
    if not isinstance(positions, int):
        return 0
    if "roberta" in str(config.get("model_type", "")):
        # RoBERTa numbers positions from the padding id + 1, so two entries are never used.
        positions -= int(config.get("pad_token_id") or 0) + 1
    return positions
