"""The engine process: one owner per library, clients that hand it their work, and a library
that stays whole when the engine is killed."""

from __future__ import annotations

import os
import signal
import threading
import time
from pathlib import Path

import pytest

from engines import Engines
from quelle.cli import find_document
from quelle.engine.library import Library, open_library
from quelle.protocol.client import EngineClient, EngineLost
from quelle.protocol.values import Progress

pytestmark = pytest.mark.slow

NOTES = (
    "Die Besprechung mit dem Vermieter ist am Donnerstag um zehn Uhr. "
    "Es geht um die Heizkostenabrechnung für das Jahr 2023."
)
RECIPE = "To bake the bread, knead the dough for ten minutes and let it rise for two hours."


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_a_command_hands_its_work_to_the_running_engine(engines: Engines, tmp_path: Path) -> None:
    engine = engines.start()
    watcher = engines.client()  # stands in for the window: it only listens
    docs = tmp_path / "docs"
    write(docs / "notizen.txt", NOTES)
    write(docs / "bread.md", RECIPE)

    library = open_library(engines.home)
    assert isinstance(library, EngineClient)  # never opens the store itself
    events: list[Progress] = []
    report = library.ingest([docs], on_progress=events.append)
    assert sorted(Path(p).name for p in report.added) == ["bread.md", "notizen.txt"]
    states = {(Path(e.event.path).name, e.event.state) for e in events}
    assert {("notizen.txt", "queued"), ("notizen.txt", "ready"), ("bread.md", "ready")} <= states
    assert events[-1].fraction == pytest.approx(1.0)

    answer = library.ask("Wann ist die Besprechung mit dem Vermieter?", write=True)
    assert answer.sources and answer.sources[0].passage.title == "notizen.txt"
    assert answer.timings is not None and answer.text
    assert {d.title for d in watcher.documents()} == {"notizen.txt", "bread.md"}

    doc = find_document(library.documents(), "bread.md")
    assert doc is not None
    library.remove(doc.doc_id)
    assert [d.title for d in watcher.documents()] == ["notizen.txt"]
    library.close()
    watcher.close()
    assert engine.poll() is None  # the engine outlives its clients unless told otherwise


def test_a_second_engine_waits_for_the_first(engines: Engines) -> None:
    first = engines.start()
    client = engines.client()
    second = engines.start()
    time.sleep(3)
    assert second.poll() is None  # waiting for the lock, not serving, not failed
    assert engines.client().documents() == []
    first.terminate()
    first.wait(timeout=60)
    with pytest.raises(EngineLost):
        client.documents()
    assert engines.client().documents() == []  # now the second one serves


def test_a_cancelled_job_leaves_no_half_document(engines: Engines, tmp_path: Path) -> None:
    engines.start()
    client = engines.client()
    docs = [write(tmp_path / f"doc{i}.txt", f"{RECIPE} Variation {i}. " * 200) for i in range(6)]
    cancel = threading.Event()

    def stop_after_first(progress: Progress) -> None:
        if progress.event.state == "ready":
            cancel.set()

    report = client.ingest(docs, on_progress=stop_after_first, cancel=cancel)
    assert report.cancelled
    assert 1 <= len(report.added) < len(docs)
    documents = client.documents()
    assert all(d.state == "ready" for d in documents) and len(documents) == len(report.added)


def test_an_engine_killed_while_indexing_is_replaced_and_the_document_finished(
    engines: Engines, tmp_path: Path
) -> None:
    big = write(tmp_path / "big.txt", " ".join(f"{RECIPE} Step {i}." for i in range(600)))
    engine = engines.start()
    client = engines.client()
    killed = threading.Event()

    def kill_while_embedding(progress: Progress) -> None:
        if progress.event.state == "embedding" and progress.event.embedded and not killed.is_set():
            killed.set()
            os.kill(engine.pid, signal.SIGKILL)  # a native crash, or the system out of memory

    with pytest.raises(EngineLost):
        client.ingest([big], on_progress=kill_while_embedding)

    engines.start()  # as the window does when it loses its engine
    client = engines.client()
    deadline = time.monotonic() + 300
    while [d.state for d in client.documents()] != ["ready"] and time.monotonic() < deadline:
        time.sleep(0.5)
    [doc] = client.documents()
    assert doc.state == "ready"
    assert client.ingest([big]).unchanged == [str(big)]
    client.close()
    engines.stop()

    library = Library(engines.home)  # no duplicates: one vector per passage
    try:
        assert library._vector_store().count() == doc.passages  # noqa: SLF001
    finally:
        library.close()


def test_an_engine_killed_while_answering_fails_that_answer_only(
    engines: Engines, tmp_path: Path
) -> None:
    write(tmp_path / "docs" / "bread.md", RECIPE)
    engine = engines.start()
    client = engines.client()
    client.ingest([tmp_path / "docs"])
    tokens: list[str] = []

    def kill_at_first_token(piece: str) -> None:
        tokens.append(piece)
        if len(tokens) == 1:
            os.kill(engine.pid, signal.SIGKILL)

    with pytest.raises(EngineLost, match="stopped"):
        client.ask("How long does the dough rise?", on_token=kill_at_first_token, write=True)
    engines.start()
    answer = engines.client().ask("How long does the dough rise?")
    assert answer.sources[0].passage.title == "bread.md"
    assert [d.title for d in engines.client().documents()] == ["bread.md"]


def test_a_new_embedder_reindexes_in_the_engine_and_is_kept(
    engines: Engines, tmp_path: Path, other_embedder: Path
) -> None:
    from quelle.protocol import messages as protocol

    engines.start()
    client = engines.client()
    client.ingest([write(tmp_path / "docs" / "bread.md", RECIPE)])
    watcher = engines.client()
    client.update_settings(client.settings.replace(embedding_model=str(other_embedder)))
    progress: list[tuple[int, int]] = []
    deadline = time.monotonic() + 120
    while not progress or progress[-1][0] < progress[-1][1]:
        assert time.monotonic() < deadline, progress
        if watcher._conn.poll(0.5):
            event = protocol.decode(watcher._conn.recv_bytes())
            if isinstance(event, protocol.Reindexing):
                progress.append((event.done, event.total))
    answer = client.ask("How long does the dough rise?")
    assert answer.found and "bread.md" in answer.sources[0].passage.path
    client.close()
    watcher.close()
    engines.stop()
    library = Library(engines.home)
    assert not library.switch_pending
    assert library.embedder().model_id == other_embedder.name
    library.close()


def test_a_chat_model_gone_from_disk_is_replaced_and_the_client_told(
    engines: Engines, tmp_path: Path
) -> None:
    from quelle.common.settings import Settings, load_settings, save_settings
    from quelle.protocol import messages as protocol

    gone = tmp_path / "models" / "deleted.gguf"
    save_settings(Settings(chat_model=str(gone)), engines.paths.settings_file)
    engines.start()
    client = engines.client()
    notices: list[str] = []
    deadline = time.monotonic() + 120
    while not notices:
        assert time.monotonic() < deadline
        if client._conn.poll(0.5):
            event = protocol.decode(client._conn.recv_bytes())
            if isinstance(event, protocol.Notice):
                notices.append(event.message)
    assert str(gone) in notices[0] and "built-in model" in notices[0]
    assert load_settings(engines.paths.settings_file).chat_model == ""
    client.close()
