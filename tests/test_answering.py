"""A question answered end to end, from the catalogue to the cited answer, with a fake
embedder, vector store and chat model: the logic of answering, in the fast lane."""

from __future__ import annotations

from pathlib import Path

import pytest

from quelle.common.settings import Settings
from quelle.engine.answers.abstention import EMPTY_LIBRARY
from quelle.engine.answers.pipeline import ChatModel, Checker, answer
from quelle.engine.index.catalog import Catalog, NewPassage
from quelle.engine.search.language import passage_terms
from quelle.engine.search.question import Question
from quelle.engine.search.retrieval import Retrieval, Retriever
from quelle.protocol.values import Answer, DocumentInfo, Turn

from fakes import FakeChatModel, FakeEmbedder, FakeVectors

NOTES = {
    "holiday.txt": [
        "Our team holiday in 2024 takes us to Lisbon in May for five days. "
        "We stay in a small hotel near the river.",
    ],
    "bread.md": [
        "To bake the bread, knead the dough for ten minutes and let it rise for two hours.",
        "Bake it at 220 degrees for forty minutes until the crust is dark.",
    ],
    "vermieter.txt": [
        "Die Besprechung mit dem Vermieter ist am Donnerstag um zehn Uhr. "
        "Es geht um die Heizkostenabrechnung für das Jahr 2023.",
    ],
}


class Library:
    """A catalogue of notes with their vectors, searched as the engine searches."""

    def __init__(self, folder: Path, notes: dict[str, list[str]]) -> None:
        self.catalog = Catalog(folder / "catalog.sqlite")
        self.embedder = FakeEmbedder()
        self.vectors = FakeVectors()
        for n, (title, texts) in enumerate(notes.items()):
            doc_id = f"doc{n}"
            passages = [NewPassage(1, 0, len(t), t, passage_terms(title, t)) for t in texts]
            info = DocumentInfo(doc_id, title, "txt", f"/notes/{title}", 1, 0, 100, 0.0, "ready")
            self.catalog.add_ready_document(info, passages)
            ids = self.catalog.passage_ids(doc_id)
            self.vectors.add(ids, self.embedder.embed(texts), [1] * len(ids))
        self.retriever = Retriever(self.catalog, self.vectors, self.embedder)
        self.chat = FakeChatModel()
        self.chat_loaded = 0

    def search(self, question: Question) -> Retrieval:
        return self.retriever.search(question, 5, "fused")

    def chat_model(self) -> ChatModel:
        self.chat_loaded += 1
        return self.chat

    def ask(
        self,
        text: str,
        history: list[Turn] | None = None,
        write: bool = True,
        checker: Checker | None = None,
    ) -> tuple[Answer, list[str]]:
        tokens: list[str] = []
        history = history or []
        result = answer(
            Question.analyse(text, history),
            history,
            self.catalog,
            self.search,
            self.chat_model,
            Settings(),
            tokens.append,
            embed=self.embedder.embed,
            write=write,
            checker=lambda: checker,
        )
        return result, tokens


@pytest.fixture
def library(tmp_path: Path) -> Library:
    return Library(tmp_path, NOTES)


def test_an_answer_streams_cites_its_passage_and_is_checked(library: Library) -> None:
    result, tokens = library.ask("Where does the team holiday go?")
    assert "Lisbon" in "".join(tokens)
    assert result.text.startswith("Our team holiday in 2024 takes us to Lisbon")
    assert result.sources[0].passage.title == "holiday.txt"
    assert result.attribution is not None
    assert result.attribution.cited == {1} and not result.attribution.unsupported
    prompt = library.chat.prompts[-1][-1]["content"]
    assert "Question: Where does the team holiday go?" in prompt and "[1] (holiday.txt" in prompt


class Doubter:
    """An entailment model that finds no sentence entailed."""

    def entails(self, premise: str, hypothesis: str) -> bool:
        return False


def test_an_entailment_model_decides_and_its_cost_is_shown(library: Library) -> None:
    plain, _ = library.ask("Where does the team holiday go?")
    assert plain.check_seconds is None and "check_seconds" not in plain.figures()
    checked, _ = library.ask("Where does the team holiday go?", checker=Doubter())
    assert checked.attribution is not None and checked.attribution.unsupported
    assert checked.attribution.cited == frozenset()
    assert checked.check_seconds is not None and "check_seconds" in checked.figures()


def test_a_question_the_library_cannot_answer_is_declined_without_the_chat_model(
    library: Library,
) -> None:
    result, tokens = library.ask("What is the capital of Australia?")
    assert result.sources == [] and result.timings is None
    assert "Australia" in "".join(tokens)  # the reply names what the library never mentions
    assert library.chat_loaded == 0


def test_a_german_question_to_an_empty_library_is_told_so_in_german(tmp_path: Path) -> None:
    result, _ = Library(tmp_path, {}).ask("Wann ist die Besprechung mit dem Vermieter?")
    assert result.text == EMPTY_LIBRARY["de"]


def test_a_follow_up_is_answered_with_the_conversation_before_it(library: Library) -> None:
    history = [Turn("How long must the bread dough rise?", "Two hours [1].")]
    result, _ = library.ask("And for how many minutes does it bake?", history)
    assert result.sources[0].passage.title == "bread.md"
    messages = library.chat.prompts[-1]
    assert {"role": "user", "content": "How long must the bread dough rise?"} in messages


def test_without_the_model_writing_the_evidence_is_the_answer_at_once(library: Library) -> None:
    result, tokens = library.ask("Where does the team holiday go?", write=False)
    assert library.chat_loaded == 0 and tokens == [] and result.timings is None
    assert result.evidence_only and result.text == ""
    assert any("Lisbon" in q.text for q in result.evidence)
    assert result.sources[result.evidence[0].n - 1].passage.title == "holiday.txt"


def test_a_small_chat_model_leaves_the_answer_to_the_evidence_unless_told_otherwise() -> None:
    from quelle.engine.models.fit import model_writes, writes_reliably

    assert not writes_reliably("")  # the built-in SmolLM2-135M
    assert not writes_reliably("/models/qwen2.5-0.5b-instruct-q8_0.gguf")
    assert writes_reliably("/models/qwen2.5-1.5b-instruct-q4_k_m.gguf")
    assert writes_reliably("/home/me/my-own-model.gguf")  # chosen by the user: trusted
    assert not model_writes(Settings())
    assert model_writes(Settings(model_writes="always"))
    big = Settings(chat_model="/m/qwen2.5-1.5b-instruct-q4_k_m.gguf")
    assert model_writes(big) and not model_writes(big.replace(model_writes="never"))
