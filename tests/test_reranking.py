"""The re-ranking stage: the order follows the cross-encoder, and bad model folders are refused.

No real cross-encoder is available offline, so a tiny one (two layers, 64 wide, the bundled
MiniLM tokenizer) is wired by hand to score a passage by the share of its tokens that also occur
in the question. That is enough to prove the stage hands question and passage to the model as a
pair, in that order, and orders by what the model says; it says nothing about the quality of a
real re-ranker.
"""

from __future__ import annotations

import json
import math
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, cast

import pytest

from quelle.common.errors import ModelError
from quelle.engine.search.reranking import DEFAULT_MAX_LENGTH, Reranker, check_cross_encoder, rerank

if TYPE_CHECKING:
    from transformers import BertForSequenceClassification, PreTrainedTokenizerBase
    from transformers.models.bert.modeling_bert import BertLayer

    from hub import Hub

PASSAGES = {
    "cats": "Cats purr when they are content and chase mice around the barn.",
    "ships": "Ships sail out of the harbour loaded with grain and timber.",
    "bread": "Bread dough rises overnight before the baker puts it in the oven.",
    "rain": "Heavy rain falls on the hills in spring and fills the rivers.",
}
QUESTIONS = {
    "cats": "Why do cats purr?",
    "ships": "What do the ships carry from the harbour?",
    "bread": "When does the baker bake the bread?",
    "rain": "Where does the spring rain fall?",
}
TINY_POSITIONS = 128  # fewer than DEFAULT_MAX_LENGTH, so the adapter must lower its limit


def _term_matching_model(tokenizer: PreTrainedTokenizerBase) -> BertForSequenceClassification:
    """A BERT cross-encoder whose score rises with the question words found in the passage.

    Hidden dimensions 32-55 carry a fixed random direction per token (zero mean, one norm, so
    layer norms treat every token alike); 56 marks the question's side of the pair. Layer 1:
    attention compares token directions, so a passage token that also occurs in the question
    looks at its twin there and picks up part of the side mark (57); the feed-forward keeps that
    only for passage tokens (58). Layer 2 attends to all tokens equally, so [CLS] receives the
    share of matching tokens (59), which the pooler and classifier turn into the score.
    """
    import torch
    from transformers import BertConfig, BertForSequenceClassification

    ident, side, seen, match, share = slice(32, 56), 56, 57, 58, 59
    config = BertConfig(
        vocab_size=tokenizer.vocab_size,
        hidden_size=64,
        num_hidden_layers=2,
        num_attention_heads=2,
        intermediate_size=128,
        hidden_act="relu",
        hidden_dropout_prob=0.0,
        attention_probs_dropout_prob=0.0,
        max_position_embeddings=TINY_POSITIONS,
        num_labels=1,  # type: ignore[call-arg]  # a documented keyword the signature omits
    )
    model = BertForSequenceClassification(config)
    with torch.no_grad():
        for parameter in model.parameters():
            parameter.zero_()
        for module in model.modules():
            if isinstance(module, torch.nn.LayerNorm):
                module.weight.fill_(1.0)
        words = torch.randn(config.vocab_size, 24, generator=torch.Generator().manual_seed(0))
        words -= words.mean(dim=1, keepdim=True)
        words *= 8 / words.norm(dim=1, keepdim=True)
        model.bert.embeddings.word_embeddings.weight[:, ident] = words
        model.bert.embeddings.token_type_embeddings.weight[0, side] = 1.0
        # A ModuleList's items are typed as plain Modules; these are BertLayers.
        first, second = cast("Sequence[BertLayer]", model.bert.encoder.layer)
        first.attention.self.query.weight[ident, ident] = torch.eye(24)
        first.attention.self.key.weight[ident, ident] = torch.eye(24)
        first.attention.self.value.weight[seen, side] = 1.0
        first.attention.output.dense.weight[seen, seen] = 1.0
        first.intermediate.dense.weight[0, seen] = 4.0
        first.intermediate.dense.weight[0, side] = -4.0
        first.intermediate.dense.bias[0] = -1.0
        first.output.dense.weight[match, 0] = 1.0
        second.attention.self.value.weight[share, match] = 1.0
        second.attention.output.dense.weight[share, share] = 1.0
        assert model.bert.pooler is not None
        model.bert.pooler.dense.weight[0, share] = 1.0
        model.classifier.weight[0, 0] = 20.0
        model.classifier.bias[0] = -1.0
    return model


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from transformers import AutoTokenizer

    from quelle.engine.models.bundled import bundled_embedder_path

    tokenizer = AutoTokenizer.from_pretrained(str(bundled_embedder_path()))
    folder = tmp_path_factory.mktemp("tiny-cross-encoder")
    _term_matching_model(tokenizer).save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    return folder


@pytest.fixture(scope="module")
def reranker(tiny_model: Path) -> Reranker:
    return Reranker(tiny_model, "tiny")


class FakeScorer:
    """Scores from a table keyed by text; remembers what it was asked."""

    model_id = "fake"

    def __init__(self, scores: dict[str, float]) -> None:
        self.scores = scores
        self.calls: list[tuple[str, list[str]]] = []

    def score(self, query: str, texts: Sequence[str]) -> list[float]:
        self.calls.append((query, list(texts)))
        return [self.scores[t] for t in texts]


# --- the real adapter, with the tiny model -----------------------------------------------


def test_each_question_brings_its_own_passage_to_the_top(reranker: Reranker) -> None:
    for topic, question in QUESTIONS.items():
        # The answering passage comes in last, as if fusion had ranked it lowest.
        items = [t for t in PASSAGES if t != topic] + [topic]
        ranked = rerank(question, items, PASSAGES.__getitem__, reranker)
        assert [t for t, _ in ranked][0] == topic, (question, ranked)
        scores = [s for _, s in ranked]
        assert scores == sorted(scores, reverse=True)
        assert sorted(t for t, _ in ranked) == sorted(PASSAGES)


def test_the_question_goes_first_and_the_score_is_the_raw_logit(
    tiny_model: Path, reranker: Reranker
) -> None:
    """Cross-encoders are trained on (question, passage): segment A is the question."""
    import torch
    from transformers import AutoTokenizer, BertForSequenceClassification

    # transformers leaves PreTrainedModel.eval unannotated.
    model: BertForSequenceClassification = BertForSequenceClassification.from_pretrained(
        tiny_model
    ).eval()  # type: ignore[no-untyped-call]
    tokenizer = AutoTokenizer.from_pretrained(str(tiny_model))
    question, text = QUESTIONS["cats"], "cats cats cats cats live here"

    def logit(a: str, b: str) -> float:
        with torch.no_grad():
            value: float = model(**tokenizer(a, b, return_tensors="pt")).logits.item()
            return value

    assert logit(question, text) != pytest.approx(logit(text, question), abs=0.1)
    assert reranker.score(question, [text]) == [pytest.approx(logit(question, text), abs=1e-5)]


def test_limit_keeps_only_the_best(reranker: Reranker) -> None:
    ranked = rerank(QUESTIONS["rain"], list(PASSAGES), PASSAGES.__getitem__, reranker, limit=2)
    assert len(ranked) == 2
    assert ranked[0][0] == "rain"


def test_scores_are_logits_in_the_order_given(reranker: Reranker) -> None:
    texts = [PASSAGES["ships"], PASSAGES["cats"]]
    forward = reranker.score(QUESTIONS["cats"], texts)
    backward = reranker.score(QUESTIONS["cats"], texts[::-1])
    assert forward == pytest.approx(backward[::-1], abs=1e-5)
    assert forward[1] > forward[0]
    # Logits, not probabilities: a sigmoid would have made the unrelated passage positive.
    assert forward[0] < 0 < forward[1]


def test_no_passages_no_work(reranker: Reranker) -> None:
    assert reranker.score("anything", []) == []
    assert rerank("anything", [], str, reranker) == []


def test_long_passages_are_cut_to_the_model_length(reranker: Reranker) -> None:
    assert reranker.max_length == min(DEFAULT_MAX_LENGTH, TINY_POSITIONS)
    long = PASSAGES["cats"] + " The barn is old and the roof leaks." * 200
    longer = long + " Nobody has mended it." * 500
    short = reranker.score(QUESTIONS["cats"], [PASSAGES["cats"]])
    scores = reranker.score(QUESTIONS["cats"], [long, longer])
    # Both are cut to the same first tokens, so they score alike; the short one differs.
    assert scores[0] == pytest.approx(scores[1], abs=1e-5)
    assert all(math.isfinite(s) for s in scores)
    assert short[0] != pytest.approx(scores[0], abs=1e-5)


def test_model_id_defaults_to_the_folder_name(tiny_model: Path, reranker: Reranker) -> None:
    assert reranker.model_id == "tiny"
    assert Reranker(tiny_model).model_id == tiny_model.name


# --- refusing folders that hold no cross-encoder ---------------------------------------------


def test_a_folder_without_a_model_is_refused(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("not a model")
    with pytest.raises(ModelError, match="has no config.json"):
        Reranker(tmp_path)


def test_a_missing_folder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="does not exist"):
        Reranker(tmp_path / "gone")


def test_the_embedding_model_is_refused_rather_than_given_a_random_head() -> None:
    from quelle.engine.models.bundled import bundled_embedder_path

    with pytest.raises(ModelError, match="sentence-embedding model, not a cross-encoder"):
        Reranker(bundled_embedder_path())


def test_a_classifier_with_several_labels_is_refused(tmp_path: Path) -> None:
    config = {
        "architectures": ["BertForSequenceClassification"],
        "id2label": {"0": "contradiction", "1": "entailment", "2": "neutral"},
    }
    (tmp_path / "config.json").write_text(json.dumps(config))
    with pytest.raises(ModelError, match="3 labels"):
        Reranker(tmp_path)


def test_a_damaged_configuration_is_refused(tmp_path: Path) -> None:
    (tmp_path / "config.json").write_text("{ half a file")
    with pytest.raises(ModelError, match="cannot be read"):
        Reranker(tmp_path)


def test_weights_that_do_not_load_give_a_model_error(tmp_path: Path, tiny_model: Path) -> None:
    (tmp_path / "config.json").write_text((tiny_model / "config.json").read_text())
    (tmp_path / "model.safetensors").write_bytes(b"truncated download")
    with pytest.raises(ModelError, match="Could not load the re-ranking model"):
        Reranker(tmp_path)


def test_the_length_limit_follows_the_position_table_of_roberta_models(tmp_path: Path) -> None:
    config = {
        "architectures": ["XLMRobertaForSequenceClassification"],
        "model_type": "xlm-roberta",
        "id2label": {"0": "LABEL_0"},
        "max_position_embeddings": 514,
        "pad_token_id": 1,
    }
    (tmp_path / "config.json").write_text(json.dumps(config))
    assert check_cross_encoder(tmp_path) == 512


# --- the ordering, with a fake scorer --------------------------------------------------------


def test_ties_keep_the_order_they_came_in() -> None:
    scorer = FakeScorer({"a": 1.0, "b": 2.0, "c": 1.0, "d": 2.0, "e": 0.5})
    ranked = rerank("q", list("abcde"), str, scorer)
    assert ranked == [("b", 2.0), ("d", 2.0), ("a", 1.0), ("c", 1.0), ("e", 0.5)]


def test_the_scorer_reads_the_question_and_each_text_once() -> None:
    scorer = FakeScorer({"one": 0.0, "two": 1.0})
    items = [{"text": "one"}, {"text": "two"}]
    ranked = rerank("the question", items, lambda item: item["text"], scorer)
    assert scorer.calls == [("the question", ["one", "two"])]
    assert [item["text"] for item, _ in ranked] == ["two", "one"]


def test_a_score_that_is_not_a_number_ranks_last() -> None:
    scorer = FakeScorer({"a": math.nan, "b": -5.0, "c": 3.0})
    assert [t for t, _ in rerank("q", list("abc"), str, scorer)] == ["c", "b", "a"]


def test_empty_input_and_zero_limit_skip_the_model() -> None:
    scorer = FakeScorer({})
    assert rerank("q", [], str, scorer) == []
    assert rerank("q", ["a"], str, scorer, limit=0) == []
    assert scorer.calls == []


def test_a_limit_beyond_the_candidates_returns_them_all() -> None:
    scorer = FakeScorer({"a": 1.0, "b": 2.0})
    assert [t for t, _ in rerank("q", ["a", "b"], str, scorer, limit=10)] == ["b", "a"]


def test_a_scorer_that_loses_texts_is_a_bug_not_a_shorter_list() -> None:
    class Lossy(FakeScorer):
        def score(self, query: str, texts: Sequence[str]) -> list[float]:
            return super().score(query, texts)[:-1]

    with pytest.raises(ValueError, match="1 scores for 2 texts"):
        rerank("q", ["a", "b"], str, Lossy({"a": 1.0, "b": 2.0}))


def test_a_negative_limit_is_refused() -> None:
    with pytest.raises(ValueError):
        rerank("q", ["a"], str, FakeScorer({"a": 1.0}), limit=-1)


def test_importing_the_stage_loads_no_heavy_library() -> None:
    code = (
        "import sys, quelle.engine.search.reranking\n"
        "print([m for m in ('torch', 'transformers', 'sentence_transformers') "
        "if m in sys.modules])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


@pytest.mark.slow
def test_a_downloaded_reranker_chosen_by_the_user_reorders_retrieval(
    tiny_model: Path,
    hub: Hub,
    home: Path,
) -> None:
    from quelle.engine.library import Library
    from quelle.engine.models.catalogue import entry
    from quelle.engine.models.downloads import Download
    from quelle.engine.models.installed import ModelStore

    catalogued = entry("ms-marco-minilm-l-6-v2")
    assert catalogued is not None
    hub.add_folder(catalogued.repo, tiny_model)
    library = Library(home)
    Download(catalogued, library.paths.models_dir).run()
    model = ModelStore(library.paths.models_dir).find(catalogued.id)
    assert model is not None and model.kind == "reranker"
    notes = home.parent / "notes.md"
    notes.write_text("# Bread\nKnead the dough.\n\n# Tides\nThe moon pulls the sea.", "utf-8")
    library.ingest([notes])
    assert library.search("moon sea").rerank_seconds is None  # no re-ranker yet
    library.update_settings(library.settings.replace(reranker_model=model.setting))
    retrieval = library.search("moon sea")
    assert retrieval.rerank_seconds is not None and retrieval.hits
    library.close()
