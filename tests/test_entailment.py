"""The entailment model that checks answers: its verdict is read from the labels its folder
names, and a folder holding anything else is refused with a clear reason.

No real NLI model is available offline, so tiny BERT classifiers stand in: all weights zero
but the classifier's bias, which makes one label win whatever the pair. Two label orders are
used, as real models differ in theirs. That proves the adapter reads the verdict by the
label's name; it says nothing about the quality of a real entailment model.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from quelle.common.errors import ModelError
from quelle.engine.models.entailment import EntailmentModel, entailment_label

pytestmark = pytest.mark.slow

PASSAGE = "Quelle needs no internet connection: it reads and answers on this computer."


def tiny_nli_model(folder: Path, labels: list[str], winner: str) -> Path:
    """A three-label classifier whose `winner` label wins for every pair."""
    import torch
    from transformers import AutoTokenizer, BertConfig, BertForSequenceClassification

    from quelle.engine.models.bundled import bundled_embedder_path

    tokenizer = AutoTokenizer.from_pretrained(str(bundled_embedder_path()))
    config = BertConfig(
        vocab_size=tokenizer.vocab_size,
        hidden_size=32,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=64,
        id2label=dict(enumerate(labels)),
        label2id={name: i for i, name in enumerate(labels)},
    )
    model = BertForSequenceClassification(config)
    with torch.no_grad():
        for parameter in model.parameters():
            parameter.zero_()
        model.classifier.bias[labels.index(winner)] = 5.0
    model.save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    return folder


@pytest.mark.parametrize(
    ("labels", "winner", "entailed"),
    [
        (["contradiction", "entailment", "neutral"], "entailment", True),
        (["contradiction", "entailment", "neutral"], "contradiction", False),
        (["ENTAILMENT", "NEUTRAL", "CONTRADICTION"], "ENTAILMENT", True),
        (["ENTAILMENT", "NEUTRAL", "CONTRADICTION"], "NEUTRAL", False),
    ],
)
def test_the_verdict_is_read_by_the_labels_name(
    tmp_path: Path, labels: list[str], winner: str, entailed: bool
) -> None:
    model = EntailmentModel(tiny_nli_model(tmp_path / "nli", labels, winner))
    assert model.model_id == "nli"
    assert model.entails(PASSAGE, "Quelle works offline.") is entailed


def test_a_folder_without_an_entailment_label_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "reranker"
    folder.mkdir()
    config = {"architectures": ["BertForSequenceClassification"], "id2label": {"0": "LABEL_0"}}
    (folder / "config.json").write_text(json.dumps(config), encoding="utf-8")
    with pytest.raises(ModelError, match='labels name no "entailment"'):
        entailment_label(folder)
    with pytest.raises(ModelError, match="has no config.json"):
        entailment_label(tmp_path / "empty")


def test_the_library_checks_a_written_answer_with_the_model_its_settings_name(
    home: Path, tmp_path: Path
) -> None:
    from quelle.engine.library import Library

    guide = tmp_path / "guide.md"
    guide.write_text(PASSAGE + " Your files stay where they are.\n", encoding="utf-8")
    doubter = tiny_nli_model(
        tmp_path / "doubter", ["entailment", "neutral", "contradiction"], "neutral"
    )
    library = Library(home)
    library.ingest([guide])
    library.update_settings(library.settings.replace(checker_model=str(doubter)))
    answer = library.ask("Does Quelle need an internet connection?", write=True)
    library.close()
    assert answer.written and answer.check_seconds is not None
    assert answer.attribution is not None
    checked = [s for s in answer.attribution.sentences if s.checked]
    # The model entails nothing, so nothing the chat model wrote stands as supported.
    assert checked and all(s.passage is None for s in checked)
