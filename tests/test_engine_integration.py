"""The engine end to end: real bundled models, real Chroma on disk, real filings."""

from __future__ import annotations

import re
import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from quelle.engine.answers.pipeline import without_repeats
from quelle.engine.answers.prompts import NO_ANSWER
from quelle.engine.library import Library
from quelle.protocol.values import Answer, Turn

from conftest import APPLE_INCOME_STATEMENT_PAGE, APPLE_QUESTION

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def library(sec_home: Path) -> Iterator[Library]:
    lib = Library(sec_home)
    yield lib
    lib.close()


def cited(answer: Answer) -> set[tuple[str, int]]:
    return {(Path(h.passage.path).name, h.passage.page) for h in answer.sources}


def test_apple_question_streams_and_cites_the_income_statement(library: Library) -> None:
    tokens: list[str] = []
    answer = library.ask(APPLE_QUESTION, on_token=tokens.append)
    assert len(tokens) > 3, "the answer arrives piece by piece"

    def unmarked(text: str) -> str:
        return re.sub(r" ?\[\d+\]", "", text)

    # The final text is the streamed one; Quelle may only add citation markers to it and
    # leave out a sentence said twice.
    assert unmarked(answer.text) == unmarked(without_repeats("".join(tokens).strip()))
    assert ("2022 Q3 AAPL.pdf", APPLE_INCOME_STATEMENT_PAGE) in cited(answer)
    assert answer.timings is not None
    assert answer.timings.first_token_seconds > 0
    assert answer.timings.tokens_per_second > 0
    assert answer.timings.prompt_tokens + answer.timings.answer_tokens <= 4096


def test_stop_ends_the_answer_within_one_token(library: Library) -> None:
    cancel = threading.Event()
    tokens: list[str] = []

    def on_token(piece: str) -> None:
        tokens.append(piece)
        cancel.set()

    answer = library.ask(APPLE_QUESTION, on_token=on_token, cancel=cancel)
    assert answer.stopped
    assert answer.timings is not None
    assert len(tokens) == 1 and answer.timings.answer_tokens <= 2


def test_unrelated_question_is_declined_naming_what_the_documents_never_mention(
    library: Library,
) -> None:
    answer = library.ask("Who painted the Mona Lisa?")
    assert not answer.found and answer.timings is None
    assert answer.text == "Your documents do not mention “Mona” or “Lisa”."
    german = library.ask("Wer hat die Mona Lisa gemalt?")
    assert german.text == "Ihre Dokumente erwähnen „Mona“ oder „Lisa“ nicht."


def test_an_unrelated_question_without_names_gets_the_plain_reply(library: Library) -> None:
    answer = library.ask("how do i bake sourdough bread at home")
    assert not answer.found and answer.text == NO_ANSWER["en"]


def test_follow_up_question_finds_the_quarter_asked_about(library: Library) -> None:
    history = [Turn(APPLE_QUESTION, "Apple's total net sales were $82,959 million [1].")]
    hits = library.search("And in the first quarter of 2023?", history).hits
    assert any(Path(h.passage.path).name == "2023 Q1 AAPL.pdf" for h in hits)


def test_german_document_answers_a_german_question(home: Path, tmp_path: Path) -> None:
    doc = tmp_path / "jahresbericht.md"
    doc.write_text(
        "# Jahresbericht der Bäckerei Sonnenschein\n\n"
        "Die Bäckerei Sonnenschein erzielte im Geschäftsjahr 2023 Umsätze von 1,2 Millionen "
        "Euro. Die Zahl der Filialen stieg von vier auf sechs. Der Gewinn betrug 150.000 Euro.\n\n"
        "Im kommenden Jahr plant die Bäckerei eine neue Filiale in Freiburg.",
        encoding="utf-8",
    )
    other = tmp_path / "garden.md"
    other.write_text("Tomatoes need sun and water. Prune them in summer. " * 5)
    library = Library(home)
    library.ingest([doc, other])
    answer = library.ask("Wie hoch war der Umsatz der Bäckerei im Jahr 2023?")
    assert answer.found
    assert Path(answer.sources[0].passage.path).name == "jahresbericht.md"
    library.close()


def test_ingest_and_ask_never_touch_the_network(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    attempts: list[object] = []
    real_connect = socket.socket.connect

    def refuse(self: socket.socket, address: str | bytes | tuple[object, ...]) -> None:
        if self.family in (socket.AF_INET, socket.AF_INET6):
            attempts.append(address)
            raise ConnectionRefusedError("network disabled in this test")
        return real_connect(self, address)

    def refuse_lookup(*args: object, **kwargs: object) -> None:
        attempts.append(args[0] if args else kwargs)
        raise socket.gaierror("network disabled in this test")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse_lookup)
    package_file = __import__("quelle").__file__
    assert package_file is not None
    guide = Path(package_file).parent / "samples" / "quelle-guide.md"
    library = Library(home)
    report = library.ingest([guide])
    assert report.added
    answer = library.ask("Does Quelle need an internet connection?", write=True)
    assert answer.found and answer.text
    library.close()
    assert attempts == []
