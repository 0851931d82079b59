"""The window–engine protocol: values survive the trip, and a bad message harms nothing."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from multiprocessing.connection import Client, Connection, Listener
from pathlib import Path
from types import SimpleNamespace
from typing import TypeVar

import pytest

from quelle.common.paths import Paths
from quelle.common.settings import Settings
from quelle.engine.answers.citations import attribute
from quelle.engine.server import Engine
from quelle.protocol import messages as protocol
from quelle.protocol.values import (
    Answer,
    CatalogEntry,
    DocumentInfo,
    DownloadProgress,
    FileEvent,
    Fit,
    GgufInfo,
    Hit,
    IngestReport,
    InstalledModel,
    Machine,
    ModelOffer,
    ModelsOverview,
    Passage,
    Progress,
    Quote,
    Timings,
    Turn,
)

M = TypeVar("M", bound=protocol.Message)

PASSAGE = Passage(
    "d1:0",
    "d1",
    "2022 Q3 AAPL.pdf",
    "/docs/2022 Q3 AAPL.pdf",
    3,
    0,
    40,
    "Total net sales 82,959 97,278",
)


LAPTOP = Machine(16 * 1024, 9 * 1024, 4)
QWEN = CatalogEntry(
    "qwen2.5-1.5b-instruct-q4_k_m",
    "chat",
    "Qwen2.5 1.5B Instruct",
    "Qwen/Qwen2.5-1.5B-Instruct-GGUF",
    1066,
    1540,
    "Apache-2.0",
    ("en", "de"),
    32768,
    1800,
    file="qwen2.5-1.5b-instruct-q4_k_m.gguf",
)
MINE = InstalledModel("mine", "chat", "Mine (Q4_1)", "/models/mine.gguf", 91_000_000, "imported")
MODELS = ModelsOverview(
    LAPTOP,
    None,
    [ModelOffer(QWEN, Fit("slow", 1800, LAPTOP, tokens_per_second=3.5))],
    [MINE],
    ["bge-m3"],
    {"chat": MINE},
)


def answer() -> Answer:
    attribution = attribute(
        "Net sales were $82,959 million [1]. Profit was $9 [1].", [PASSAGE.text]
    )
    return Answer(
        "Net sales?",
        attribution.text,
        [Hit(PASSAGE, 0.03, 0.61, 1, None)],
        0.05,
        Timings(900, 41, 0.8, 1.8),
        False,
        attribution,
        0.2,
    )


@pytest.mark.parametrize(
    "message",
    [
        protocol.Answered(3, answer()),
        protocol.Ask(1, "Und im Vorjahr?", [Turn("Umsatz?", "12,4 Mio. €")]),
        protocol.Progressed(
            2, Progress(FileEvent("/a.pdf", "embedding", "", 3, 10, 4), 1, 5, 0.25, None)
        ),
        protocol.Ingested(2, IngestReport(["/a.pdf"], [], [("/b.pdf", "no text layer")], 10)),
        protocol.Documents(
            0, [DocumentInfo("d1", "a.pdf", "pdf", "/a.pdf", 3, 10, 999, 1.5, "ready")]
        ),
        protocol.UpdateSettings(4, Settings(temperature=0.55)),
        protocol.PassageFound(5, None),
        protocol.DownloadModel(6, "multilingual-e5-small"),
        protocol.DownloadProgressed(6, DownloadProgress(5_000, 471_000, 2.5e6, "verifying")),
        protocol.Reindexing(120, 800),
        protocol.Notice("The chat model 'x.gguf' is gone."),
        protocol.ListModels(7),
        protocol.ModelsListed(7, MODELS, "/models/mine.gguf"),
        protocol.RemoveModel(8, "/models/mine.gguf"),
        protocol.DescribeModel(9, ""),
        protocol.ModelDescribed(9, "", GgufInfo("SmolLM2", "llama", 91, "Q4_1", 8192, 134_515_008)),
    ],
)
def test_every_value_arrives_as_it_was_sent(message: protocol.Message) -> None:
    assert protocol.decode(protocol.encode(message)) == message


def test_the_unsupported_sentence_survives_the_trip() -> None:
    sent = answer()
    received = protocol.decode(protocol.encode(protocol.Answered(1, sent)))
    assert isinstance(received, protocol.Answered)
    assert received.answer.attribution is not None and sent.attribution is not None
    assert received.answer.attribution.unsupported == sent.attribution.unsupported != []


@pytest.mark.parametrize(
    "data, reason",
    [
        (b"\x80garbage", "Not a message"),
        (b'{"v": 99, "kind": "Ask", "body": {}}', "version 99"),
        (b'{"v": V, "kind": "__init__", "body": {}}', "Unknown message kind"),
        (b'{"v": V, "kind": "Ask", "body": {"request": "1", "question": "q"}}', "Malformed Ask"),
        (
            b'{"v": V, "kind": "Remove", "body": {"request": 1, "doc_id": "x", "rm": "-rf"}}',
            "unknown fields",
        ),
    ],
)
def test_a_bad_message_is_refused_with_a_reason(data: bytes, reason: str) -> None:
    data = data.replace(b'"v": V', b'"v": %d' % protocol.PROTOCOL_VERSION)
    with pytest.raises(protocol.ProtocolError, match=reason):
        protocol.decode(data)


class _FakeLibrary:
    """Answers every question with two tokens; lists one document."""

    def __init__(self, home: Path) -> None:
        self.paths = Paths.resolve(home).ensure()
        self.settings = Settings()
        self.catalog = SimpleNamespace(passage_count=lambda: 0)
        self.removed: list[str] = []

    switch_pending = False
    shared = False  # a library on this computer: nothing to take in from a server

    def load_models(self, chat: bool = True) -> None:
        pass

    def measure_machine(self) -> None:
        pass

    def take_notices(self) -> list[str]:
        return []

    def generator(self) -> SimpleNamespace:
        return SimpleNamespace(stream=lambda *args, **kwargs: None)

    def resume(self, cancel: threading.Event | None = None) -> int:
        return 0

    def documents(self) -> list[DocumentInfo]:
        return [DocumentInfo("d1", "a.pdf", "pdf", "/a.pdf", 1, 1, 1, 0.0, "ready")]

    def remove(self, doc_id: str) -> None:
        self.removed.append(doc_id)

    def ask(
        self,
        question: str,
        history: Sequence[Turn] = (),
        on_token: Callable[[str], None] | None = None,
        cancel: threading.Event | None = None,
        on_found: Callable[[list[Hit], list[Quote]], None] | None = None,
        write: bool | None = None,
    ) -> Answer:
        if on_found:
            on_found([], [Quote(1, 0, 6, "Lisbon")])
        for piece in ("Lis", "bon"):
            if on_token:
                on_token(piece)
        return Answer(question, "Lisbon", [], 0.01, None)

    def close(self) -> None:
        pass


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[Connection, _FakeLibrary]]:
    """An engine on a fake library, and a raw connection to it."""
    address = str(tmp_path / "engine.sock")
    listener = Listener(address, "AF_UNIX", authkey=b"k")
    library = _FakeLibrary(tmp_path / "home")
    engine = Engine(library, listener)  # type: ignore[arg-type]
    thread = threading.Thread(target=engine.run, args=(False,), daemon=True)
    thread.start()
    conn = Client(address, "AF_UNIX", authkey=b"k")
    assert isinstance(protocol.decode(conn.recv_bytes()), protocol.Welcome)
    yield conn, library
    conn.close()
    engine.request_stop()
    thread.join(timeout=10)


def events_until(conn: Connection, kind: type[M], timeout: float = 10) -> list[protocol.Message]:
    seen: list[protocol.Message] = []
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if conn.poll(0.1):
            seen.append(protocol.decode(conn.recv_bytes()))
            if isinstance(seen[-1], kind):
                return seen
    raise AssertionError(f"no {kind.__name__} among {seen}")


def last_event(conn: Connection, kind: type[M], timeout: float = 10) -> M:
    """The first `kind` event to arrive, the ones before it read and dropped."""
    event = events_until(conn, kind, timeout)[-1]
    assert isinstance(event, kind)
    return event


def test_the_engine_logs_a_bad_message_and_keeps_serving(
    served: tuple[Connection, _FakeLibrary], caplog: pytest.LogCaptureFixture
) -> None:
    conn, library = served
    conn.send_bytes(b"not json at all")
    welcome = b'{"v": %d, "kind": "Welcome", "body": {}}' % protocol.PROTOCOL_VERSION
    conn.send_bytes(welcome)  # an event sent as a request
    conn.send_bytes(protocol.encode(protocol.Ask(7, "Where to?")))
    seen = events_until(conn, protocol.Answered)
    assert [e.text for e in seen if isinstance(e, protocol.Token)] == ["Lis", "bon"]
    assert isinstance(seen[0], protocol.Found)  # the evidence comes before the first word
    assert seen[0].evidence == [Quote(1, 0, 6, "Lisbon")]
    assert seen[-1] == protocol.Answered(7, Answer("Where to?", "Lisbon", [], 0.01, None))
    assert any("Ignored a message" in r.message for r in caplog.records)

    conn.send_bytes(protocol.encode(protocol.Remove(8, "d1")))
    events_until(conn, protocol.Done)
    assert library.removed == ["d1"]
    assert last_event(conn, protocol.Documents).request == 0  # every client hears it


def test_a_client_without_the_key_is_refused_and_others_still_served(
    served: tuple[Connection, _FakeLibrary], tmp_path: Path
) -> None:
    from multiprocessing import AuthenticationError

    conn, _library = served
    with pytest.raises(AuthenticationError):
        Client(str(tmp_path / "engine.sock"), "AF_UNIX", authkey=b"wrong")
    greeted: list[object] = []

    def connect_again() -> None:  # in a thread: a dead accept loop would hang the handshake
        other = Client(str(tmp_path / "engine.sock"), "AF_UNIX", authkey=b"k")
        greeted.append(protocol.decode(other.recv_bytes()))
        other.close()

    thread = threading.Thread(target=connect_again, daemon=True)
    thread.start()
    thread.join(timeout=10)
    assert greeted and isinstance(greeted[0], protocol.Welcome)


def test_the_engine_reads_a_source_page_for_the_window(
    served: tuple[Connection, _FakeLibrary], tmp_path: Path
) -> None:
    conn, _library = served
    notes = tmp_path / "notes.md"
    notes.write_text("# Holiday\n\nThe team goes to Lisbon in May.\n", encoding="utf-8")
    conn.send_bytes(protocol.encode(protocol.ReadSource(3, str(notes), 7)))
    read = last_event(conn, protocol.SourceRead)
    assert (read.request, read.page, read.pages) == (3, 1, 1)  # no page 7: the first one
    assert "Lisbon in May" in read.text

    conn.send_bytes(protocol.encode(protocol.ReadSource(4, str(tmp_path / "gone.md"), 1)))
    failed = last_event(conn, protocol.Failed)
    assert failed == protocol.Failed(4, "'gone.md' no longer exists.")


def test_the_engine_lists_imports_removes_and_describes_models(
    served: tuple[Connection, _FakeLibrary], tmp_path: Path
) -> None:
    from quelle.engine.models.bundled import bundled_chat_model_path

    conn, _library = served
    conn.send_bytes(protocol.encode(protocol.ListModels(3)))
    listed = last_event(conn, protocol.ModelsListed)
    assert listed.request == 3 and listed.imported == ""
    models = listed.models
    assert {o.entry.kind for o in models.offers} == {"chat", "embedder", "reranker", "checker"}
    assert {o.fit.verdict for o in models.offers} <= {"runs well", "slow", "won't fit"}
    assert models.in_use["chat"].source == "built in" and models.machine.total_mb > 0

    notes = tmp_path / "notes.gguf"
    notes.write_text("not a model", encoding="utf-8")
    conn.send_bytes(protocol.encode(protocol.ImportModel(4, str(notes))))
    failed = last_event(conn, protocol.Failed)
    assert failed.request == 4 and "'notes.gguf' is not a GGUF model file" in failed.message

    model = str(bundled_chat_model_path())
    conn.send_bytes(protocol.encode(protocol.ImportModel(5, model)))
    listed = last_event(conn, protocol.ModelsListed)
    assert listed.request == 5 and listed.imported == model
    assert [m.path for m in listed.models.installed if m.source == "imported"] == [model]

    conn.send_bytes(protocol.encode(protocol.RemoveModel(6, model)))
    listed = last_event(conn, protocol.ModelsListed)
    assert listed.request == 6 and all(m.source != "imported" for m in listed.models.installed)
    conn.send_bytes(protocol.encode(protocol.RemoveModel(7, "smollm2-135m-instruct-q4_1")))
    failed = last_event(conn, protocol.Failed)
    assert failed.request == 7 and failed.message.endswith("is in use; choose another model first.")

    conn.send_bytes(protocol.encode(protocol.DescribeModel(8, "")))
    described = last_event(conn, protocol.ModelDescribed)
    assert (described.request, described.path, described.info.quantisation) == (8, "", "Q4_1")
    conn.send_bytes(protocol.encode(protocol.DescribeModel(9, str(tmp_path / "gone.gguf"))))
    failed = last_event(conn, protocol.Failed)
    assert failed == protocol.Failed(9, "The model file 'gone.gguf' does not exist.")


def test_no_message_type_changes_without_a_new_protocol_version() -> None:
    """A field added, removed or retyped in any message, or in a value one carries (a hit
    inside an answer), changes the wire format: the version must say so."""
    import protocol_frames

    stored = json.loads(protocol_frames.FRAMES.read_text("utf-8"))
    now = protocol_frames.current()
    changed = sorted(
        name
        for name in stored["messages"].keys() | now["messages"].keys()
        if stored["messages"].get(name, {}).get("shape")
        != now["messages"].get(name, {}).get("shape")
    )
    if stored["version"] == now["version"]:
        assert not changed, (
            f"{changed} changed, but PROTOCOL_VERSION is still {now['version']}: raise it, "
            "then run .venv/bin/python tests/protocol_frames.py --write"
        )
    assert stored == now, (
        f"PROTOCOL_VERSION is {now['version']}, the frames are of version {stored['version']}:"
        " run .venv/bin/python tests/protocol_frames.py --write"
    )


def test_every_fixed_frame_decodes_to_its_sample_message() -> None:
    import protocol_frames

    stored = json.loads(protocol_frames.FRAMES.read_text("utf-8"))
    kinds = protocol_frames.kinds()
    assert sorted(stored["messages"]) == sorted(kinds)
    for name, entry in stored["messages"].items():
        frame = json.dumps(entry["frame"]).encode()
        assert protocol.decode(frame) == protocol_frames.sample(kinds[name]), name
