"""The main window with the real engine: what a user sees after dropping files and asking."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QHelpEvent, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import QApplication, QLabel, QToolTip
from pytestqt.qtbot import QtBot

from quelle.common.paths import Paths
from quelle.common.settings import Settings, load_settings, save_settings
from quelle.engine.library import open_library
from quelle.engine.models.bundled import bundled_chat_model_path
from quelle.protocol.values import DocumentInfo
from quelle.ui.chat_view import (
    UNSUPPORTED_TIP,
    ChatView,
    SourceCard,
    TurnWidget,
    WrapLabel,
    answer_markdown,
    parse_source_url,
)
from quelle.ui.conversations import ConversationStore, turn_from_answer
from quelle.ui.window import MainWindow

from conftest import (
    APPLE_INCOME_STATEMENT_PAGE,
    APPLE_Q3_2022,
    APPLE_QUESTION,
    SEC10Q,
    let_the_model_write,
    needs_eval,
)
from fake_engine import FakeEngineLink
from fakes import checked_answer

SAMPLE = Path(__file__).resolve().parents[1] / "app" / "quelle" / "samples" / "quelle-guide.md"
LOAD = 180_000  # ms: two cores shared with other work load the models slowly
ANSWER = 240_000


def wait_ready(qtbot: QtBot, window: MainWindow) -> None:
    qtbot.waitUntil(lambda: window.models_ready, timeout=LOAD)


def drop(window: MainWindow, paths: list[Path]) -> bool:
    """Drag files over the window and let go, as a file manager would."""
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    point = QPointF(window.width() / 2, window.height() / 2)
    enter = QDragEnterEvent(
        point.toPoint(),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(window, enter)
    if not enter.isAccepted():
        return False
    event = QDropEvent(
        point,
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(window, event)
    return event.isAccepted()


def ask(qtbot: QtBot, window: MainWindow, question: str) -> TurnWidget:
    """Type the question and press Enter; returns the turn once its answer is complete."""
    window.chat.input.setPlainText(question)
    with qtbot.waitSignal(window.answer_done, timeout=ANSWER):
        qtbot.keyClick(window.chat.input, Qt.Key.Key_Return)
    return window.chat.turns()[-1]


def documents(home: Path) -> list[DocumentInfo]:
    """The library's documents, as a `quelle docs` run beside the window sees them."""
    library = open_library(home)
    try:
        return library.documents()
    finally:
        library.close()


def copy_home(source: Path, target: Path) -> Path:
    shutil.copytree(source, target)
    return target


def anchors(turn: TurnWidget) -> list[tuple[int, str]]:
    """(position, href) of each link in a rendered answer."""
    found = []
    block = turn.answer.document().begin()
    while block.isValid():
        it = block.begin()
        while not it.atEnd():
            fragment = it.fragment()
            href = fragment.charFormat().anchorHref()
            if href:
                found.append((fragment.position(), href))
            it += 1
        block = block.next()
    return found


def source_order(turn: TurnWidget) -> list[str | int]:
    """The sources box from top to bottom: a heading's text, a source card's number."""
    layout = turn.sources_layout
    order: list[str | int] = []
    for i in range(layout.count()):
        item = layout.itemAt(i)
        assert item is not None
        w = item.widget()
        if w in turn.headings:
            assert isinstance(w, QLabel)
            order.append(w.text())
        else:
            assert isinstance(w, SourceCard)
            order.append(w.n)
    return order


# --- fast checks of what the chat renders ---


def test_citation_markers_become_source_links() -> None:
    text = answer_markdown("# Result\nSales were $82,959 [1] and [2, 3]; see [9].", 4, count=3)
    assert "**Result**" in text and "# Result" not in text
    assert "[\\[1\\]](quelle-source:4/1)" in text
    assert "[\\[2\\]](quelle-source:4/2), [\\[3\\]](quelle-source:4/3)" in text
    assert "[9]" in text and "quelle-source:4/9" not in text  # no such source
    assert parse_source_url(QUrl("quelle-source:4/2")) == (4, 2)
    assert parse_source_url(QUrl("https://example.com/4/2")) is None


def test_a_wrapped_label_grows_and_shrinks_with_its_text_and_font(qtbot: QtBot) -> None:
    """Wrapped labels remember their height per width; new text or a new font must still
    give the height that text needs, or a card would cut its snippet off."""
    label = WrapLabel("Net sales.")
    qtbot.addWidget(label)
    short = label.heightForWidth(200)
    label.setText("Total net sales decreased in the quarter, driven by lower iPhone sales. " * 4)
    tall = label.heightForWidth(200)
    assert tall > 2 * short
    assert label.heightForWidth(200) == QLabel(label.text(), wordWrap=True).heightForWidth(200)
    font = label.font()
    font.setPointSizeF(font.pointSizeF() * 2)
    label.setFont(font)
    assert label.heightForWidth(200) > 1.5 * tall
    label.setText("Net sales.")
    assert label.heightForWidth(200) < tall


def format_of(turn: TurnWidget, text: str) -> tuple[QTextCharFormat, QTextCursor]:
    """The character format in the middle of `text` as the answer shows it."""
    cursor = turn.answer.document().find(text)
    assert not cursor.isNull(), turn.plain_answer()
    middle = QTextCursor(turn.answer.document())
    middle.setPosition((cursor.selectionStart() + cursor.selectionEnd()) // 2)
    return middle.charFormat(), middle


def test_unsupported_sentences_are_marked_and_unused_passages_set_apart(
    qtbot: QtBot, tmp_path: Path
) -> None:
    store = ConversationStore(tmp_path / "c.sqlite")
    conv = store.new()
    answer = checked_answer(
        "**Total net sales** were $82,959 million. Profit rose to $99 million [1]."
    )
    saved = store.add_turn(conv.conv_id, turn_from_answer(answer))
    view = ChatView()
    qtbot.addWidget(view)
    view.resize(760, 900)
    view.show()
    view.begin_turn("Net sales?")
    view.finish_turn(saved)
    [turn] = view.turns()

    assert turn.plain_answer() == (
        "Total net sales were $82,959 million [2]. Profit rose to $99 million [1]."
    )
    flagged, cursor = format_of(turn, "Profit rose")
    assert flagged.underlineStyle() == QTextCharFormat.UnderlineStyle.DotLine
    assert flagged.toolTip() == UNSUPPORTED_TIP
    supported, _ = format_of(turn, "were $82,959")
    assert supported.toolTip() == "" and supported.underlineStyle() != flagged.underlineStyle()
    assert "1 sentence is not supported" in turn.unsupported_note.text()
    qtbot.waitUntil(turn.unsupported_note.isVisible)

    point = turn.answer.cursorRect(cursor).center()
    QApplication.sendEvent(
        turn.answer.viewport(),
        QHelpEvent(QEvent.Type.ToolTip, point, turn.answer.viewport().mapToGlobal(point)),
    )
    qtbot.waitUntil(lambda: QToolTip.text() == UNSUPPORTED_TIP)

    # Sources first, then the passage the model was given but the answer does not rest on;
    # both keep the number the answer's markers use.
    qtbot.waitUntil(turn.cards_shown)  # one card per turn of the event loop
    assert source_order(turn) == [
        "Sources",
        2,
        "Also consulted",
        1,
    ]
    assert [c.source.cited for c in turn.cards] == [True, False]
    with qtbot.waitSignal(view.source_requested) as opened:
        qtbot.mouseClick(turn.cards[1], Qt.MouseButton.LeftButton)
    assert opened.args == [turn.index, 1]

    # The model's marker inside the flagged sentence is still a link to its passage.
    [(position, href)] = [(p, h) for p, h in anchors(turn) if h.endswith("/1")]
    link = QTextCursor(turn.answer.document())
    link.setPosition(position + 1)
    assert link.charFormat().toolTip() == UNSUPPORTED_TIP
    with qtbot.waitSignal(view.source_requested) as opened:
        qtbot.mouseClick(
            turn.answer.viewport(),
            Qt.MouseButton.LeftButton,
            pos=turn.answer.cursorRect(link).center(),
        )
    assert opened.args == [turn.index, 1]

    view.show_turns(store.turns(conv.conv_id))  # the conversation opened again later
    [again] = view.turns()
    assert format_of(again, "Profit rose")[0].toolTip() == UNSUPPORTED_TIP
    qtbot.waitUntil(again.cards_shown)
    assert [c.n for c in again.cards] == [2, 1]


# --- the real engine ---


@pytest.mark.slow
def test_window_opens_at_once_and_takes_files_while_the_models_load(
    qtbot: QtBot, open_window: Callable[[Path], MainWindow], home: Path
) -> None:
    started = time.perf_counter()
    window = open_window(home)
    qtbot.waitExposed(window)
    opened = time.perf_counter() - started
    print(f"\nwindow shown after {opened:.2f} s")
    assert opened < 2.0
    assert not window.models_ready
    assert "Loading" in window.model_status.text() and window.model_busy.isVisible()

    assert drop(window, [SAMPLE])
    assert window.ingest_box.isVisible()  # the engine walks and queues what was dropped
    qtbot.waitUntil(lambda: window.library_panel.row_for(SAMPLE.name) is not None, timeout=LOAD)

    wait_ready(qtbot, window)
    assert not window.model_busy.isVisible()
    qtbot.waitUntil(
        lambda: getattr(window.library_panel.row_for(SAMPLE.name), "state", "") == "ready",
        timeout=LOAD,
    )
    row = window.library_panel.row_for(SAMPLE.name)
    assert row is not None
    assert row.passages > 0 and row.doc_id
    qtbot.waitUntil(lambda: not window.ingest_box.isVisible(), timeout=LOAD)


@pytest.mark.slow
def test_dropped_files_and_folders_are_ingested_and_failures_explained(
    qtbot: QtBot, open_window: Callable[[Path], MainWindow], home: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "notes"
    folder.mkdir()
    (folder / "plants.md").write_text("# Plants\n\nFerns grow in shade and need moist soil.\n")
    (folder / "tea.txt").write_text("Green tea is steeped at 80 degrees for two minutes.\n")
    empty = tmp_path / "x.pdf"
    empty.write_bytes(b"")
    junk = tmp_path / "bad.pdf"
    junk.write_bytes(b"\x00\x01 this is not a PDF at all \xff" * 50)

    window = open_window(home)
    wait_ready(qtbot, window)
    with qtbot.waitSignal(window.ingestion_done, timeout=LOAD):
        assert drop(window, [folder, empty, junk])

    panel = window.library_panel
    for name in ("plants.md", "tea.txt"):
        row = panel.row_for(name)
        assert row is not None and row.state == "ready" and row.passages >= 1, row
    for name in ("x.pdf", "bad.pdf"):
        row = panel.row_for(name)
        assert row is not None and row.state == "failed", row
        assert name in row.reason and len(row.reason.split()) >= 4, row.reason
        model = panel.tree.model()
        [n] = [n for n in range(model.rowCount()) if model.index(n, 0).data() == name]
        assert model.index(n, 1).data() == f"Failed: {row.reason}"
    titles = {d.title for d in documents(home)}
    assert titles == {"plants.md", "tea.txt"}


@pytest.mark.slow
@needs_eval(SEC10Q)
def test_closing_while_indexing_ends_at_once_and_the_next_start_finishes_the_work(
    qtbot: QtBot, open_window: Callable[[Path], MainWindow], home: Path
) -> None:
    window = open_window(home)
    wait_ready(qtbot, window)
    assert drop(window, [SEC10Q])
    qtbot.waitUntil(
        lambda: any(r.state == "ready" for r in window.library_panel.rows()), timeout=LOAD
    )
    qtbot.waitUntil(
        lambda: any(r.state == "embedding" for r in window.library_panel.rows()), timeout=LOAD
    )
    started = time.perf_counter()
    window.close()
    closed_after = time.perf_counter() - started
    print(f"\nclosed after {closed_after:.1f} s while indexing")
    assert closed_after < 15  # the job stops within seconds, not after the 20 filings

    before = documents(home)  # what was finished stays; what was under way is cut off
    assert 1 <= len(before) < 20 and sum(d.state != "ready" for d in before) <= 2

    again = open_window(home)  # completes a cut-off document without a new drop
    qtbot.waitUntil(
        lambda: [d.state for d in documents(home)] == ["ready"] * len(before), timeout=LOAD
    )
    qtbot.waitUntil(
        lambda: (
            {r.title: r.state for r in again.library_panel.rows()}
            == {d.title: "ready" for d in before}
        ),
        timeout=LOAD,
    )


@pytest.mark.slow
def test_answer_streams_shows_timings_and_opens_the_cited_page(
    qtbot: QtBot, open_window: Callable[[Path], MainWindow], sec_home: Path, tmp_path: Path
) -> None:
    window = open_window(copy_home(sec_home, tmp_path / "home"))
    wait_ready(qtbot, window)

    window.chat.input.setPlainText(APPLE_QUESTION)
    qtbot.keyClick(window.chat.input, Qt.Key.Key_Return)
    assert window.chat.input.toPlainText() == "" and window.chat.input.hasFocus()
    turn = window.chat.turns()[-1]
    assert turn.question_label.text() == APPLE_QUESTION
    assert window.chat.send_button.text() == "Stop"
    qtbot.waitUntil(lambda: turn.plain_answer() != "", timeout=ANSWER)
    partial = turn.plain_answer()
    qtbot.waitUntil(lambda: not window.chat.answering, timeout=ANSWER)
    final = turn.plain_answer()
    assert len(final) > len(partial), "the answer appeared piece by piece"
    assert window.chat.send_button.text() == "Send"

    metrics = turn.metrics.text()
    for label in ("first token", "tokens/s", "ms/token", "retrieval"):
        assert label in metrics
    qtbot.waitUntil(turn.cards_shown)
    apple = [c for c in turn.cards if c.source.name == "2022 Q3 AAPL.pdf"]
    assert apple, [c.source.name for c in turn.cards]
    assert "2022 Q3 AAPL.pdf" in apple[0].head.text() and apple[0].snippet.text()

    card = next((c for c in apple if c.source.page == APPLE_INCOME_STATEMENT_PAGE), apple[0])
    assert not window.source_panel.isVisible()
    qtbot.mouseClick(card, Qt.MouseButton.LeftButton)
    view = window.source_view()
    assert window.source_panel.isVisible()
    assert Path(view.current_path()) == Path(card.source.file)
    assert view.current_page() == card.source.page


@pytest.mark.slow
def test_esc_stops_a_long_answer_at_once(
    qtbot: QtBot, open_window: Callable[[Path], MainWindow], sec_home: Path, tmp_path: Path
) -> None:
    home = copy_home(sec_home, tmp_path / "home")
    settings_file = Paths.resolve(home).settings_file
    save_settings(
        load_settings(settings_file).replace(max_answer_tokens=1500, temperature=0.9), settings_file
    )
    window = open_window(home)
    wait_ready(qtbot, window)
    window.chat.input.setPlainText(APPLE_QUESTION + " Explain every figure in great detail.")
    qtbot.keyClick(window.chat.input, Qt.Key.Key_Return)
    turn = window.chat.turns()[-1]
    qtbot.waitUntil(lambda: len(turn.plain_answer()) > 20, timeout=ANSWER)
    assert window.stop_action.isEnabled()
    pressed = time.perf_counter()
    with qtbot.waitSignal(window.answer_done, timeout=5_000):
        qtbot.keyClick(window.chat.input, Qt.Key.Key_Escape)
    assert time.perf_counter() - pressed < 2.0
    assert "stopped" in turn.metrics.text()
    assert window.conv_id is not None
    saved = window.store.turns(window.conv_id)[-1]
    assert saved.stopped and saved.timings["answer_tokens"] < 1500
    assert window.chat.send_button.text() == "Send" and not window.stop_action.isEnabled()


@pytest.mark.slow
def test_question_without_relevant_passages_says_so(
    qtbot: QtBot, open_window: Callable[[Path], MainWindow], sec_home: Path, tmp_path: Path
) -> None:
    window = open_window(copy_home(sec_home, tmp_path / "home"))
    turn = ask(qtbot, window, "Who painted the Mona Lisa?")  # asked while models load
    assert turn.plain_answer() == "Your documents do not mention “Mona” or “Lisa”."
    assert turn.cards == [] and "no passage was relevant" in turn.metrics.text()


class _StandInDialog:
    """Replaces the settings dialog: records what it was shown, 'accepts' a change."""

    shown: list[Settings] = []

    def __init__(self, settings: Settings, engine: object = None, parent: object = None) -> None:
        self._settings = settings
        _StandInDialog.shown.append(settings)

    def exec(self) -> int:
        return 1

    def deleteLater(self) -> None:
        pass

    def settings(self) -> Settings:
        return self._settings.replace(temperature=0.55, passages_per_answer=7)


@pytest.mark.slow
def test_settings_are_applied_and_persist_across_a_restart(
    qtbot: QtBot,
    open_window: Callable[[Path], MainWindow],
    home: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from quelle.ui import settings_dialog

    monkeypatch.setattr(settings_dialog, "SettingsDialog", _StandInDialog)
    _StandInDialog.shown = []

    window = open_window(home)
    with qtbot.waitSignal(window.engine.settings_applied, timeout=LOAD):
        qtbot.keyClick(window, Qt.Key.Key_Comma, Qt.KeyboardModifier.ControlModifier)
    assert window.settings.temperature == 0.55
    qtbot.waitUntil(lambda: "Settings saved" in window.statusBar().currentMessage())
    window.close()

    again = open_window(home)
    again.settings_action.trigger()
    assert _StandInDialog.shown[-1].temperature == 0.55
    assert _StandInDialog.shown[-1].passages_per_answer == 7


@pytest.mark.slow
def test_conversations_persist_and_export_with_sources(
    qtbot: QtBot, open_window: Callable[[Path], MainWindow], sec_home: Path, tmp_path: Path
) -> None:
    home = copy_home(sec_home, tmp_path / "home")
    window = open_window(home)
    wait_ready(qtbot, window)
    first = ask(qtbot, window, APPLE_QUESTION)
    answer_text = first.plain_answer()
    qtbot.waitUntil(first.cards_shown)
    sources = [(c.source.name, c.source.page) for c in first.cards]
    assert sources
    qtbot.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert window.chat.turns() == [] and window.chat.input.hasFocus()
    assert window.conversations.list.count() == 2
    window.close()

    again = open_window(home)
    titles = [
        again.conversations.list.item(i).text() for i in range(again.conversations.list.count())
    ]
    assert APPLE_QUESTION[:60] in titles
    item = again.conversations.list.findItems(APPLE_QUESTION[:60], Qt.MatchFlag.MatchExactly)[0]
    again.conversations.list.setCurrentItem(item)
    [turn] = again.chat.turns()
    assert turn.plain_answer() == answer_text
    qtbot.waitUntil(turn.cards_shown)
    assert [(c.source.name, c.source.page) for c in turn.cards] == sources
    assert "tokens/s" in turn.metrics.text()

    target = tmp_path / "apple.md"
    assert again.conv_id is not None
    again.export_conversation(again.conv_id, str(target))
    exported = target.read_text(encoding="utf-8")
    assert exported.startswith(f"# {APPLE_QUESTION[:60]}")
    assert f"## {APPLE_QUESTION}" in exported
    name, page = sources[0]
    assert f"] {name}, page {page}" in exported


WINDOW_CYCLE = """
import os, sys, time
os.environ["QT_QPA_PLATFORM"] = "offscreen"
from PySide6.QtWidgets import QApplication
from quelle.ui.window import MainWindow

app = QApplication([])
window = MainWindow(sys.argv[1])
window.show()

def wait(condition, seconds=300):
    end = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < end, "timed out"
        app.processEvents()
        time.sleep(0.01)

wait(lambda: window.models_ready)
window.add_paths([sys.argv[2]])
wait(lambda: not window.ingest_box.isVisible() and window.library_panel.rows())
window.ask("Where does the team holiday go?")
wait(lambda: not window.chat.answering)
turn = window.chat.turns()[-1]
assert turn.sources, turn.plain_answer()
window.open_source(len(window.chat.turns()) - 1, 1)
wait(lambda: window.source_panel.isVisible())
window.open_models()
wait(lambda: window.models_dialog.trees["chat"].topLevelItemCount())
window.models_dialog.close()
from PySide6.QtWidgets import QLabel
from quelle.ui.settings_dialog import SettingsDialog
settings = SettingsDialog(window.settings, window.engine, window)
wait(lambda: "Q4_1" in settings.findChild(QLabel, "model_info").text())
window.close()
heavy = ("torch", "llama_cpp", "chromadb", "sentence_transformers", "transformers", "pypdf",
         "huggingface_hub", "httpx", "psutil", "gguf")
print("HEAVY", [m for m in heavy if m in sys.modules])
"""


@pytest.mark.slow
def test_the_window_process_holds_only_qt(tmp_path: Path) -> None:
    """Adding a document, asking, opening the cited passage, the Models dialog and a model's
    description load no model library in the window's process: the engine does that work."""
    note = tmp_path / "holiday.txt"
    note.write_text("Our team holiday in 2024 takes us to Lisbon in May for five days.")
    result = subprocess.run(
        [sys.executable, "-c", WINDOW_CYCLE, str(tmp_path / "home"), str(note)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert "HEAVY []" in result.stdout, result.stdout


@pytest.mark.slow
def test_a_killed_engine_is_restarted_and_the_conversation_stays(
    qtbot: QtBot, open_window: Callable[[Path], MainWindow], home: Path, tmp_path: Path
) -> None:
    note = tmp_path / "holiday.txt"
    note.write_text("Our team holiday in 2024 takes us to Lisbon in May for five days.")
    let_the_model_write(home)  # the engine is killed at the model's first word
    window = open_window(home)
    wait_ready(qtbot, window)
    with qtbot.waitSignal(window.ingestion_done, timeout=LOAD):
        window.add_paths([str(note)])
    first = ask(qtbot, window, "Where does the team holiday go?")
    assert "Lisbon" in first.plain_answer()

    killed = window.engine.engine_pid
    assert killed is not None

    def kill_at_first_token(_request: object, _piece: str) -> None:
        if window.engine.engine_pid == killed:
            os.kill(killed, signal.SIGKILL)

    window.engine.token_received.connect(kill_at_first_token)
    failed = ask(qtbot, window, "How many days does the team holiday last?")
    window.engine.token_received.disconnect(kill_at_first_token)
    assert "stopped unexpectedly" in failed.status.text()
    assert "stopped unexpectedly" in window.statusBar().currentMessage()

    wait_ready(qtbot, window)  # a new engine, the same library
    assert window.engine.engine_pid not in (None, killed)
    again = ask(qtbot, window, "How many days does the team holiday last?")
    assert again.sources and again.sources[0].name == "holiday.txt"
    assert [t.question_label.text() for t in window.chat.turns()] == [
        "Where does the team holiday go?",
        "How many days does the team holiday last?",
        "How many days does the team holiday last?",
    ]
    assert [r.title for r in window.library_panel.rows()] == ["holiday.txt"]


@pytest.mark.slow
def test_a_terminal_works_on_the_library_the_window_has_open(
    qtbot: QtBot, open_window: Callable[[Path], MainWindow], home: Path, tmp_path: Path
) -> None:
    """`quelle ingest`, `ask` and `remove` hand their work to the window's engine, and the
    window shows the documents come and go."""
    note = tmp_path / "holiday.txt"
    note.write_text("Our team holiday in 2024 takes us to Lisbon in May for five days.")
    window = open_window(home)
    wait_ready(qtbot, window)

    def quelle(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "quelle", "--home", str(home), *args],
            capture_output=True,
            text=True,
            timeout=600,
        )

    added = quelle("ingest", str(note))
    assert added.returncode == 0 and "Added 1 documents" in added.stdout, added.stderr
    qtbot.waitUntil(
        lambda: [r.title for r in window.library_panel.rows()] == ["holiday.txt"], timeout=10_000
    )
    asked = quelle("ask", "Where does the team holiday go?")
    assert asked.returncode == 0 and "holiday.txt, page 1" in asked.stdout, asked.stderr
    turn = ask(qtbot, window, "Where does the team holiday go?")  # the window still answers
    assert turn.sources and turn.sources[0].name == "holiday.txt"
    assert quelle("remove", "holiday.txt").returncode == 0
    qtbot.waitUntil(lambda: window.library_panel.rows() == [], timeout=10_000)
    # A model chosen in the terminal is the window's choice too.
    imported = tmp_path / "mine.gguf"
    shutil.copy(bundled_chat_model_path(), imported)
    assert quelle("models", "use", str(imported)).returncode == 0
    qtbot.waitUntil(lambda: window.settings.chat_model == str(imported), timeout=10_000)


def test_a_lost_engine_fails_only_the_answer_in_flight(qtbot: QtBot, tmp_path: Path) -> None:
    """With a stand-in engine: the window says the engine stopped, keeps the conversation,
    waits for the new engine's models, and asks it the next question."""
    link = FakeEngineLink(tmp_path / "home")
    window = MainWindow(tmp_path / "home", engine=link)
    qtbot.addWidget(window)
    window.show()
    assert link.requests == [("start", None)]
    link.models_loaded.emit()
    assert window.models_ready and window.model_status.text() == "Models ready"

    window.ask("Where does the team holiday go?")
    [first] = link.asked()
    link.token_received.emit(first, "Lisbon")
    link.answer_finished.emit(first, checked_answer("Total net sales were $82,959 million."))
    window.ask("How long does it last?")
    second = link.asked()[-1]
    link.token_received.emit(second, "Five")

    message = "The Quelle engine stopped unexpectedly; it is starting again."
    link.answer_failed.emit(second, message)
    link.engine_lost.emit(message)
    turns = window.chat.turns()
    assert [t.question_label.text() for t in turns] == [
        "Where does the team holiday go?",
        "How long does it last?",
    ]
    assert "$82,959" in turns[0].plain_answer()
    assert turns[1].status.text() == message
    assert window.statusBar().currentMessage() == message
    assert not window.models_ready and window.model_status.text() == "Restarting the engine…"
    assert not window.chat.answering and not window.stop_action.isEnabled()

    link.models_loaded.emit()
    window.ask("How long does it last?")
    assert len(link.asked()) == 3 and window.models_ready
    window.close()
    assert link.requests[-1] == ("close", None)


@needs_eval(APPLE_Q3_2022)
def test_clicking_a_citation_marker_opens_its_page(qtbot: QtBot, tmp_path: Path) -> None:
    """With a stand-in engine whose answer cites page 4 of the Apple filing as [2]."""
    link = FakeEngineLink(tmp_path / "home")
    window = MainWindow(tmp_path / "home", engine=link)
    qtbot.addWidget(window)
    window.show()
    link.models_loaded.emit()
    window.ask("Net sales?")
    [request] = link.asked()
    answer = checked_answer("Total net sales were $82,959 million.", str(APPLE_Q3_2022))
    link.answer_finished.emit(request, answer)
    turn = window.chat.turns()[-1]

    links = [(pos, href) for pos, href in anchors(turn) if href.startswith("quelle-source:")]
    assert len(links) == 1
    pos, href = links[0]
    parsed = parse_source_url(QUrl(href))
    assert parsed is not None and parsed[1] == 2
    cursor = QTextCursor(turn.answer.document())
    cursor.setPosition(pos + 1)
    qtbot.waitUntil(lambda: turn.answer.isVisible())
    with qtbot.waitSignal(window.chat.source_requested):
        qtbot.mouseClick(
            turn.answer.viewport(),
            Qt.MouseButton.LeftButton,
            pos=turn.answer.cursorRect(cursor).center(),
        )
    view = window.source_view()
    assert window.source_panel.isVisible()
    assert (Path(view.current_path()), view.current_page()) == (APPLE_Q3_2022, 4)
    window.close()


@pytest.mark.slow
def test_the_window_waits_while_a_command_has_the_library_open(
    qtbot: QtBot, open_window: Callable[[Path], MainWindow], home: Path
) -> None:
    library = open_library(home)  # as a `quelle ingest` running in a terminal has it
    window = open_window(home)
    qtbot.waitUntil(
        lambda: "Waiting for another Quelle process" in window.model_status.text(),
        timeout=60_000,
    )
    assert not window.models_ready
    library.close()
    wait_ready(qtbot, window)
    assert window.model_status.text() == "Models ready"
