"""A German-speaking user sees the whole window in German: every menu, dialog, tab, button,
tooltip and placeholder (proper nouns and file names aside)."""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QLocale, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QComboBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QTabWidget,
    QTreeView,
    QWidget,
)
from pytestqt.qtbot import QtBot

from quelle.common.settings import Settings
from quelle.common.wording import LANGUAGE_ENV
from quelle.engine.models.catalogue import catalog
from quelle.ui import app as app_module
from quelle.ui.window import MainWindow

from conftest import REPO
from fake_engine import FakeEngineLink

# Words that only English has (German shares "in", "an", "so", "man", "Index", "Token"…).
ENGLISH = set(
    """the and or of to your you with for from this that these add ask open close settings
    file files model models question questions answer answers document documents library
    remove cancel download use new delete rename export stop send quit view conversation
    conversations passage passages search language built-in choose loading ready waiting
    retrieval generation keyword memory free cores each not yes all will can here there what
    which when how about more less only before after again page pages added failed size
    state source sources show shows click drop drag folder folders try guide step steps run
    runs slow fit won't languages licence computer""".split()
)
# Names that stay as they are in any language.
PROPER = {"Quelle", "GGUF", "llama.cpp", "Ctrl", "Shift", "Enter", "Esc", "PDF", "HTML", "Word"}


def catalogue_words() -> set[str]:
    """What the model list shows as data: names, licences, language codes, repositories."""
    shown = set()
    for e in catalog():
        shown |= {e.name, e.licence, e.repo, e.id, ", ".join(e.languages[:5]) + "…"}
        shown |= {", ".join(e.languages[:5]), ", ".join(e.languages)}
    return shown


def english_words(text: str) -> list[str]:
    plain = re.sub(r"<[^>]+>", " ", text).replace("&", "")
    return [w for w in re.findall(r"[A-Za-z][A-Za-z'-]*", plain) if w.lower() in ENGLISH]


def texts_of(root: QWidget) -> Iterator[tuple[str, str]]:
    """(where, text) for everything the user can read in `root`, hidden parts included."""
    for widget in [root, *root.findChildren(QWidget)]:
        name = f"{type(widget).__name__} {widget.objectName()}".strip()
        yield name + " title", widget.windowTitle()
        yield name + " tooltip", widget.toolTip()
        yield name + " status tip", widget.statusTip()
        if isinstance(widget, QLabel | QAbstractButton):
            yield name, widget.text()
        if isinstance(widget, QLineEdit | QPlainTextEdit):
            yield name + " placeholder", widget.placeholderText()
        if isinstance(widget, QTabWidget):
            for i in range(widget.count()):
                yield name + " tab", widget.tabText(i)
        if isinstance(widget, QComboBox):
            for i in range(widget.count()):
                yield name + " item", widget.itemText(i)
        if isinstance(widget, QTreeView) and widget.model() is not None:
            model = widget.model()
            for column in range(model.columnCount()):
                header = model.headerData(column, Qt.Orientation.Horizontal)
                yield name + " header", str(header or "")
    for action in root.findChildren(QAction):
        yield "action", action.text()
        yield "action tooltip", action.toolTip()
        yield "action status tip", action.statusTip()


def english_left(root: QWidget) -> list[str]:
    data = catalogue_words()
    found = []
    for where, text in texts_of(root):
        if not text or text in data or text in PROPER:
            continue
        if english_words(text):
            found.append(f"{where}: {text!r}")
    return sorted(set(found))


@pytest.fixture
def german(qapp: QApplication, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The window in German, from the translation sources as they are in the repository."""
    lrelease = Path(sys.executable).with_name("pyside6-lrelease")
    for ts in (REPO / "app" / "quelle" / "i18n").glob("*.ts"):
        subprocess.run(
            [str(lrelease), "-silent", str(ts), "-qm", str(tmp_path / ts.with_suffix(".qm").name)],
            check=True,
        )
    monkeypatch.setattr(app_module, "TRANSLATIONS", tmp_path)
    monkeypatch.setenv(LANGUAGE_ENV, "en")  # restored afterwards: German sets it to "de"
    before = QLocale()
    translators = app_module.install_translations(qapp, "de")
    yield
    for translator in translators:
        qapp.removeTranslator(translator)
    QLocale.setDefault(before)


def test_every_window_menu_and_dialog_is_german(german: None, qtbot: QtBot, tmp_path: Path) -> None:
    link = FakeEngineLink(tmp_path / "home")
    window = MainWindow(tmp_path / "home", engine=link)
    qtbot.addWidget(window)
    window.show()
    assert window.settings_action.text() == "&Einstellungen…"  # the translation is loaded
    left = english_left(window)

    from quelle.ui.settings_dialog import SettingsDialog

    settings = SettingsDialog(Settings(), link, window)
    left += english_left(settings)
    window.open_models()
    assert window.models_dialog is not None
    for index in range(window.models_dialog.tabs.count()):
        window.models_dialog.tabs.setCurrentIndex(index)
        left += english_left(window.models_dialog)
    source = window.source_view()
    left += english_left(source)
    assert left == []
    window.close()


def test_numbers_follow_the_language(german: None) -> None:
    from quelle.ui.numbers import number, size_text

    assert number(12262) == "12.262"
    assert number(4.25, 1) in ("4,2", "4,3")
    assert size_text(1536 * 2**20) == "1,5 GB"


def test_the_engine_speaks_german_too(german: None, tmp_path: Path) -> None:
    """Messages from core (here: a file that is no model) follow the window's language."""
    from quelle.common.errors import ModelError
    from quelle.engine.models.gguf import read_gguf_info

    notes = tmp_path / "notizen.gguf"
    notes.write_text("kein Modell")
    with pytest.raises(ModelError, match="„notizen.gguf“ ist keine GGUF-Modelldatei"):
        read_gguf_info(notes)
