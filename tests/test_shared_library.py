"""A library on a real Chroma server (`chroma run` on 127.0.0.1), used by two Quelle homes."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from quelle.common.errors import QuelleError
from quelle.common.settings import Settings
from quelle.engine.index.shared_vectors import parse_url
from test_cli import quelle as run_quelle

CHROMA = Path(sys.executable).with_name("chroma")


def quelle(home: Path, url: str, *args: str) -> subprocess.CompletedProcess[str]:
    """`quelle --home HOME --chroma-url URL ARGS…`, run to its end."""
    return run_quelle(home, "--chroma-url", url, *args)


def start(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "quelle", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


class ChromaServer:
    """`chroma run` on a free port of 127.0.0.1, its data in `folder`; restartable."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self._process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self._process = subprocess.Popen(
            [str(CHROMA), "run", "--path", str(self.folder), "--host", "127.0.0.1"]
            + ["--port", str(self.port)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("the Chroma server did not start")

    def kill(self) -> None:
        if self._process is not None:
            self._process.kill()
            self._process.wait()
            self._process = None

    def passages(self) -> int:
        """How many passage vectors the server holds."""
        import chromadb
        from chromadb.config import Settings as ChromaSettings

        client = chromadb.HttpClient(
            host="127.0.0.1", port=self.port, settings=ChromaSettings(anonymized_telemetry=False)
        )
        names = [c.name for c in client.list_collections()]
        if "quelle-passages" not in names:
            return 0
        return client.get_collection("quelle-passages").count()


@pytest.fixture
def server(tmp_path: Path) -> Iterator[ChromaServer]:
    if not CHROMA.exists():
        pytest.skip(f"no Chroma server command beside Python: {CHROMA}")
    chroma = ChromaServer(tmp_path / "server")
    chroma.start()
    yield chroma
    chroma.kill()


def notes(folder: Path, prefix: str, facts: list[str]) -> Path:
    folder.mkdir(parents=True)
    for n, fact in enumerate(facts):
        (folder / f"{prefix}-{n:03d}.txt").write_text(fact, encoding="utf-8")
    return folder


FACTS_A = [
    f"The {colour} warehouse in Hamburg stores {n * 10} pallets of roof tiles."
    for n, colour in enumerate(["red", "blue", "green", "yellow", "black", "white"], 1)
]
FACTS_B = [
    f"Die Filiale in {city} hat {n} Mitarbeiter und öffnet um {n + 6} Uhr."
    for n, city in enumerate(["Köln", "Bonn", "Trier", "Mainz", "Essen", "Basel"], 1)
]
COMMON = "The annual audit of Quelle GmbH is due every March at the Leipzig office."


def catalogue(home: Path, url: str) -> list[str]:
    docs = quelle(home, url, "docs")
    assert docs.returncode == 0, docs.stderr
    return [line.split()[1] for line in docs.stdout.splitlines() if line.strip()]


@pytest.mark.slow
def test_two_homes_ingest_at_once_and_each_sees_every_document(
    server: ChromaServer, tmp_path: Path
) -> None:
    first = notes(tmp_path / "a", "lager", FACTS_A)
    second = notes(tmp_path / "b", "filiale", FACTS_B)
    for folder in (first, second):  # a file both teams add
        (folder / "audit.txt").write_text(COMMON, encoding="utf-8")
    home_a, home_b = tmp_path / "home-a", tmp_path / "home-b"
    args = ["--chroma-url", server.url, "ingest"]
    jobs = [
        start("--home", str(home_a), *args, str(first)),
        start("--home", str(home_b), *args, str(second)),
    ]
    for job in jobs:
        _, err = job.communicate(timeout=600)
        assert job.returncode == 0, err

    expected = sorted([p.name for p in first.iterdir()] + [p.name for p in second.iterdir()])
    for home in (home_a, home_b):
        listed = catalogue(home, server.url)
        assert sorted(listed) == sorted(set(expected)) and len(listed) == 13  # audit.txt once
    assert server.passages() == 13  # one passage each, the shared file not twice

    # A finds what B added, with its text and file, and keyword search knows its words.
    out = quelle(
        home_a, server.url, "ask", "--json", "Wie viele Mitarbeiter hat die Filiale in Trier?"
    )
    answer = json.loads(out.stdout)
    assert Path(answer["sources"][0]["file"]).name == "filiale-002.txt", answer

    # B removes a document A added; A no longer lists it, and the server no longer holds it.
    assert quelle(home_b, server.url, "remove", "lager-000.txt").returncode == 0
    assert server.passages() == 12
    check = json.loads(quelle(home_a, server.url, "check", "--json").stdout)
    assert check["problems"] == 0 and check["documents"] == check["vectors"] == 12


@pytest.mark.slow
def test_the_server_going_away_mid_ingest_is_a_clear_error_and_the_job_resumes(
    server: ChromaServer, tmp_path: Path
) -> None:
    facts = [
        f"Invoice {n} for {n % 7 + 2} crates of apples was paid on day {n % 28 + 1}."
        for n in range(300)
    ]
    folder = notes(tmp_path / "invoices", "invoice", facts)
    home = tmp_path / "home"
    job = start("--home", str(home), "--chroma-url", server.url, "ingest", str(folder))
    deadline = time.monotonic() + 300
    while server.passages() == 0 and time.monotonic() < deadline:
        time.sleep(0.1)
    server.kill()  # the server dies (or restarts) in the middle of the job
    _, err = job.communicate(timeout=300)
    assert job.returncode == 1
    assert f"The Chroma server at {server.url} does not answer" in err
    assert "Traceback" not in err

    server.start()
    again = quelle(home, server.url, "ingest", str(folder))
    assert again.returncode == 0, again.stderr
    assert "0 failed" in again.stdout and "unchanged" in again.stdout
    assert server.passages() == 300  # nothing lost, nothing twice
    check = json.loads(quelle(home, server.url, "check", "--json").stdout)
    assert check["problems"] == 0 and check["documents"] == check["vectors"] == 300


@pytest.mark.slow
def test_a_library_with_local_documents_does_not_move_to_a_server(
    home: Path, tmp_path: Path
) -> None:
    from quelle.engine.library import Library

    note = tmp_path / "note.txt"
    note.write_text("The boiler was serviced in October.", encoding="utf-8")
    library = Library(home)
    try:
        library.ingest([note])
        with pytest.raises(QuelleError, match="1 documents on this computer"):
            library.update_settings(Settings(chroma_url="http://127.0.0.1:9"))
        assert library.settings.chroma_url == ""
        assert [d.title for d in library.documents()] == ["note.txt"]
    finally:
        library.close()


def test_server_addresses() -> None:
    assert parse_url("http://team-server:8000") == ("team-server", 8000, False, "quelle")
    assert parse_url("team-server") == ("team-server", 8000, False, "quelle")
    assert parse_url("https://chroma.example.org/legal") == (
        "chroma.example.org",
        443,
        True,
        "legal",
    )
    with pytest.raises(QuelleError, match="cannot name a library"):
        parse_url("http://server:8000/a/b")
    with pytest.raises(QuelleError, match="not a Chroma server"):
        parse_url("ftp://server")


@pytest.mark.slow
def test_an_open_window_is_shown_what_another_machine_adds(
    server: ChromaServer, tmp_path: Path
) -> None:
    from engines import Engines
    from quelle.common.settings import save_settings
    from quelle.protocol.client import connect
    from quelle.protocol.messages import Documents, decode

    engines = Engines(tmp_path / "home-a")
    save_settings(Settings(chroma_url=server.url), engines.paths.settings_file)
    engines.start()
    try:
        deadline = time.monotonic() + 120
        while (found := connect(engines.paths)) is None and time.monotonic() < deadline:
            time.sleep(0.1)
        assert found is not None, "no engine answered"
        window, _ = found  # listens as the window does, asking nothing
        note = notes(tmp_path / "b", "protokoll", [COMMON])
        added = quelle(tmp_path / "home-b", server.url, "ingest", str(note))
        assert added.returncode == 0, added.stderr
        listed: list[str] = []
        while "protokoll-000.txt" not in listed and time.monotonic() < deadline:
            if window.poll(1):
                event = decode(window.recv_bytes())
                if isinstance(event, Documents):
                    listed = [d.title for d in event.documents]
        assert listed == ["protokoll-000.txt"]
        window.close()
    finally:
        engines.stop()
