"""An entailment (NLI) model that decides whether a passage supports an answer's sentence.

Quelle's own check weighs a sentence's words, figures, negations and names against the
passage; it cannot read a paraphrase that changes the subject or the direction of a claim.
A small natural-language-inference cross-encoder reads passage and sentence together and
says whether the one entails the other. When the settings name one, it decides for every
sentence the rules let through; figures no passage holds stay unsupported without asking it.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

from quelle.common.errors import ModelError
from quelle.common.wording import say

log = logging.getLogger(__name__)

MAX_LENGTH = 512  # a passage (at most 200 tokens) and a sentence fit


def entailment_label(model_dir: Path) -> int:
    """The index of the "entailment" label of the NLI classifier in `model_dir`; refuses a
    folder that holds anything else (a re-ranker scores relevance, not entailment)."""
    config_file = model_dir / "config.json"
    if not config_file.is_file():
        raise ModelError(
            say(
                "'{folder}' is not a model folder: it has no config.json. Choose the folder of an "
                "entailment model such as nli-deberta-v3-xsmall.",
                folder=model_dir,
            )
        )
    try:
        config: Any = json.loads(config_file.read_text(encoding="utf-8"))
        labels = {int(i): str(name).lower() for i, name in config["id2label"].items()}
    except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError, AttributeError):
        labels = {}
    for index, name in labels.items():
        if name.startswith("entail"):
            return index
    raise ModelError(
        say(
            "'{folder}' holds no entailment model: its labels name no \"entailment\". Choose one "
            "such as nli-deberta-v3-xsmall.",
            folder=model_dir,
        )
    )


class EntailmentModel:
    """A sentence-transformers cross-encoder with NLI labels, loaded from a local folder, on
    the CPU. Like every model object in the engine, one instance belongs to one thread."""

    def __init__(self, model_dir: Path) -> None:
        from quelle.common.offline import enforce_offline

        enforce_offline()
        self._entailment = entailment_label(model_dir)
        from sentence_transformers import CrossEncoder

        try:
            self._model = CrossEncoder(
                str(model_dir), device="cpu", local_files_only=True, max_length=MAX_LENGTH
            )
        except Exception as exc:
            log.exception("Loading the entailment model %s failed", model_dir)
            raise ModelError(
                say(
                    "Could not load the entailment model in '{folder}'. Choose another, or check "
                    "answers without one.",
                    folder=model_dir,
                )
            ) from exc
        self.model_id = model_dir.name

    def entails(self, premise: str, hypothesis: str) -> bool:
        """Whether `premise` (a passage) entails `hypothesis` (an answer's sentence): the
        model's most likely label is "entailment"."""
        [logits] = self._model.predict(
            [(premise, hypothesis)], show_progress_bar=False, convert_to_numpy=True
        )
        return int(logits.argmax()) == self._entailment
