"""A new user's first minutes: the window explains itself and offers the guide that comes
with Quelle, so the first cited answer needs no files of one's own."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Literal

import pytest
from pytestqt.qtbot import QtBot

from quelle.engine.models.catalogue import catalog
from quelle.protocol.values import (
    DocumentInfo,
    Fit,
    IngestReport,
    Machine,
    ModelOffer,
    ModelsOverview,
)
from quelle.ui.engine_link import IngestJob
from quelle.ui.welcome import SAMPLE_GUIDE
from quelle.ui.window import MainWindow
from test_window import ANSWER, LOAD, wait_ready

from fake_engine import FakeEngineLink


def test_the_first_window_explains_three_steps_and_offers_the_guide(
    qtbot: QtBot, tmp_path: Path
) -> None:
    link = FakeEngineLink(tmp_path / "home")
    window = MainWindow(tmp_path / "home", engine=link)
    qtbot.addWidget(window)
    window.show()
    welcome = window.chat.placeholder
    assert welcome.isVisible()
    steps = [label.text() for label in welcome.steps]
    assert [s.split("</b>")[0] for s in steps] == [
        "<b>1. Add documents.",
        "<b>2. Ask a question",
        "<b>3. Click a source",
    ]
    assert welcome.sample_button.isVisible()

    link.models_loaded.emit()
    welcome.sample_button.click()
    [(kind, job)] = [r for r in link.requests if r[0] == "ingest"]
    assert isinstance(job, IngestJob)
    assert job.paths == [str(SAMPLE_GUIDE)]
    link.job_finished.emit(job, IngestReport(added=[str(SAMPLE_GUIDE)], passages=4))
    [question] = link.asked()
    assert question.question == "Does Quelle need an internet connection?"

    guide = DocumentInfo("d1", "quelle-guide.md", "md", str(SAMPLE_GUIDE), 1, 4, 1, 0.0, "ready")
    link.documents_changed.emit([guide])
    assert welcome.sample_button.isHidden()  # offered to an empty library only
    link.documents_changed.emit([])
    assert not welcome.sample_button.isHidden()
    window.close()


@pytest.mark.slow
def test_the_guide_gives_a_cited_answer_within_a_minute_or_two(
    qtbot: QtBot, open_window: Callable[[Path], MainWindow], home: Path
) -> None:
    """The real engine: one click from an empty library to a cited answer. (The minute is
    a figure of the benchmarks; this bound only catches a flow that hangs.)"""
    window = open_window(home)
    wait_ready(qtbot, window)
    clicked = time.monotonic()
    window.chat.placeholder.sample_button.click()
    qtbot.waitUntil(lambda: len(window.chat.turns()) == 1, timeout=LOAD)
    qtbot.waitUntil(lambda: not window.chat.answering, timeout=ANSWER)
    turn = window.chat.turns()[0]
    assert turn.sources and turn.sources[0].name == "quelle-guide.md"
    assert turn.saved is not None and turn.saved.numbered(cited=True)
    print(f"first cited answer {time.monotonic() - clicked:.1f} s after the click")


Verdict = Literal["runs well", "slow", "won't fit"]


def overview(verdicts: dict[str, Verdict]) -> ModelsOverview:
    """The catalogue's chat models judged as `verdicts` says (others: "won't fit")."""
    machine = Machine(total_mb=16_000, available_mb=12_000, cores=4)
    offers = [
        ModelOffer(e, Fit(verdicts.get(e.id, "won't fit"), e.memory_mb, machine))
        for e in catalog()
        if e.kind == "chat"
    ]
    return ModelsOverview(machine, 40.0, offers, [], [], {})


def test_the_first_window_offers_a_model_that_writes_and_runs_well_here(
    qtbot: QtBot, tmp_path: Path
) -> None:
    link = FakeEngineLink(tmp_path / "home")
    window = MainWindow(tmp_path / "home", engine=link)
    qtbot.addWidget(window)
    link.models_loaded.emit()
    assert ("list models", None) in link.requests  # asked once the models are ready
    welcome = window.chat.placeholder
    link.models_listed.emit(overview({}), "")
    assert welcome.offer_button.isHidden()  # nothing runs well: nothing is offered
    runs_well: dict[str, Verdict] = {
        "qwen2.5-0.5b-instruct-q8_0": "runs well",  # too small to write reliable answers
        "qwen2.5-1.5b-instruct-q4_k_m": "runs well",
        "qwen2.5-7b-instruct-q4_k_m": "runs well",
        "qwen2.5-3b-instruct-q4_k_m": "slow",
    }
    link.models_listed.emit(overview(runs_well), "")
    assert not welcome.offer_button.isHidden()
    assert "Qwen2.5 1.5B" in welcome.offer.text() and "MB" in welcome.offer_button.text()
    welcome.offer_button.click()
    assert ("download", "qwen2.5-1.5b-instruct-q4_k_m") in link.requests
    assert window.models_dialog is not None and window.models_dialog.isVisible()
