"""Shared fixtures: a private Quelle home per test, the evaluation data, a ready library."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, cast

import pytest
from pytestqt.qtbot import QtBot

if TYPE_CHECKING:
    from transformers import BertModel

    from engines import Engines
    from hub import Hub
    from quelle.protocol.values import CatalogEntry
    from quelle.ui.window import MainWindow

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.pop("QUELLE_HOME", None)
# Every test home (and the commands tests start) shares one int8 encoder, made once.
os.environ.setdefault("QUELLE_ENCODERS", str(Path(tempfile.gettempdir()) / "quelle-test-encoders"))

REPO = Path(__file__).resolve().parents[1]
EVAL = REPO.parent / "shared" / "eval"
SEC10Q = EVAL / "sec10q" / "docs"
APPLE_Q3_2022 = SEC10Q / "2022 Q3 AAPL.pdf"
APPLE_QUESTION = "What were Apple's total net sales in the third quarter of 2022?"
APPLE_INCOME_STATEMENT_PAGE = 4


def needs_eval(path: Path) -> pytest.MarkDecorator:
    return pytest.mark.skipif(not path.exists(), reason=f"evaluation data missing: {path}")


@pytest.fixture
def home(tmp_path: Path) -> Path:
    """A fresh, empty Quelle home."""
    return tmp_path / "home"


@pytest.fixture
def engines(home: Path) -> Iterator[Engines]:
    """Engine processes on the test's home, stopped at its end."""
    from engines import Engines

    engines = Engines(home)
    yield engines
    engines.stop()


@pytest.fixture(scope="session")
def sec_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A home whose library holds three real 10-Q filings, ingested once per test session,
    and whose chat model writes every answer (`model_writes`), as the tests of streaming,
    stopping and checking answers need; by default the built-in model leaves the answer to
    the evidence.

    Tests must treat it as read-only; copy it (`copy_home`) to change it.
    """
    if not SEC10Q.exists():
        pytest.skip(f"evaluation data missing: {SEC10Q}")
    from quelle.engine.library import Library

    home = tmp_path_factory.mktemp("sec") / "home"
    library = Library(home)
    report = library.ingest(
        [APPLE_Q3_2022, SEC10Q / "2023 Q1 AAPL.pdf", SEC10Q / "2022 Q3 NVDA.pdf"]
    )
    library.close()
    assert len(report.added) == 3, report.failed
    let_the_model_write(home)
    return home


def let_the_model_write(home: Path) -> None:
    """Have the chat model write every answer in `home`, the built-in one included."""
    from quelle.common.paths import Paths
    from quelle.common.settings import load_settings, save_settings

    file = Paths.resolve(home).ensure().settings_file
    save_settings(load_settings(file).replace(model_writes="always"), file)


def _catalogued(model_id: str) -> CatalogEntry:
    from quelle.engine.models.catalogue import entry

    found = entry(model_id)
    assert found is not None
    return found


# Catalogue entries the stand-in hub serves, with the bytes of the bundled models.
HUB_CHAT = _catalogued("qwen2.5-0.5b-instruct-q8_0")
HUB_EMBEDDER = _catalogued("paraphrase-multilingual-minilm-l12-v2")


@pytest.fixture
def hub(monkeypatch: pytest.MonkeyPatch) -> Iterator[Hub]:
    """A stand-in hub on 127.0.0.1 serving the bundled chat model as HUB_CHAT; HF_ENDPOINT
    points at it, for this process and the `quelle` commands it starts."""
    from huggingface_hub import constants

    from hub import Hub, HubServer
    from quelle.engine.models.bundled import bundled_chat_model_path

    hub = Hub()
    hub.add_repo(HUB_CHAT.repo, {HUB_CHAT.file: bundled_chat_model_path()})
    with HubServer(hub) as url:
        monkeypatch.setenv("HF_ENDPOINT", url)
        # Restored afterwards, whatever a download in this process switches.
        monkeypatch.setenv("HF_HUB_OFFLINE", os.environ.get("HF_HUB_OFFLINE", "1"))
        monkeypatch.setattr(constants, "HF_HUB_OFFLINE", False)
        yield hub


@pytest.fixture
def open_window(qtbot: QtBot) -> Iterator[Callable[[Path], MainWindow]]:
    """Opens windows on a home; each is closed (its threads stopped) after the test."""
    from PySide6.QtWidgets import QApplication

    from quelle.ui.window import MainWindow

    opened: list[MainWindow] = []

    def open_on(home: Path) -> MainWindow:
        window = MainWindow(home)
        opened.append(window)
        window.show()
        window.activateWindow()
        qtbot.waitUntil(lambda: QApplication.activeWindow() is window)  # for its shortcuts
        return window

    yield open_on
    for window in opened:
        window.close()


@pytest.fixture(scope="session")
def other_embedder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real sentence-transformers model that is not the built-in one: its first two
    layers only, so its vectors differ."""
    from sentence_transformers import SentenceTransformer

    from quelle.engine.models.bundled import bundled_embedder_path

    model = SentenceTransformer(str(bundled_embedder_path()), device="cpu")
    bert = cast("BertModel", model[0].auto_model)  # the bundled MiniLM is a BERT
    bert.encoder.layer = bert.encoder.layer[:2]
    bert.config.num_hidden_layers = 2
    folder = tmp_path_factory.mktemp("models") / "minilm-two-layers"
    model.save(str(folder))
    return folder
