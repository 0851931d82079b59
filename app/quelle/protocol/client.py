"""Using a library that another process owns, with the same calls as `Library`.

`quelle.engine.library.open_library` gives a command the library itself when no engine runs
(the command becomes its owner until it ends), or an `EngineClient` that hands each call to
the running engine, so the window shows what the terminal adds and the store is never opened
twice.
"""

from __future__ import annotations

import itertools
import logging
import threading
from collections.abc import Callable, Iterable, Sequence
from multiprocessing.connection import Client, Connection
from pathlib import Path

from quelle.common.errors import QuelleError
from quelle.common.paths import Paths
from quelle.common.settings import Settings
from quelle.protocol import rendezvous
from quelle.protocol.messages import (
    Answered,
    Ask,
    Cancel,
    Check,
    Checked,
    Documents,
    Done,
    Event,
    Failed,
    Found,
    GetPassage,
    Ingest,
    Ingested,
    ListDocuments,
    ListWatched,
    Message,
    PassageFound,
    Progressed,
    ProtocolError,
    Remove,
    Request,
    SettingsApplied,
    Stop,
    Token,
    Unwatch,
    UpdateSettings,
    Watch,
    WatchedFolders,
    Welcome,
    decode,
    encode,
)
from quelle.protocol.values import (
    Answer,
    CheckReport,
    DocumentInfo,
    Hit,
    IngestReport,
    Passage,
    Progress,
    Quote,
    Turn,
    WatchedFolder,
)

log = logging.getLogger(__name__)

POLL_SECONDS = 0.1


class EngineLost(QuelleError):
    """The engine ended in the middle of a request."""


def connect(paths: Paths) -> tuple[Connection, Welcome] | None:
    """A connection to the engine that owns `paths`, or None if none answers."""
    key = rendezvous.read_key(paths)
    if key is None:
        return None
    address, family = rendezvous.address(paths)
    try:
        conn = Client(address, family, authkey=key)
    except (OSError, EOFError) as exc:  # no engine, a stale socket, or an older key
        log.debug("No engine at %s: %s", address, exc)
        return None
    try:
        welcome = decode(conn.recv_bytes())
    except (OSError, EOFError, ProtocolError) as exc:
        log.warning("The engine did not greet: %s", exc)
        conn.close()
        return None
    if not isinstance(welcome, Welcome):
        conn.close()
        return None
    return conn, welcome


class EngineClient:
    """The calls of `Library` that the CLI makes, answered by the engine process."""

    def __init__(self, paths: Paths, conn: Connection, welcome: Welcome) -> None:
        self.paths = paths
        self._conn = conn
        self._settings = welcome.settings
        self._ids = itertools.count(1)

    @property
    def settings(self) -> Settings:
        return self._settings

    def ask(
        self,
        question: str,
        history: Sequence[Turn] = (),
        on_token: Callable[[str], None] | None = None,
        cancel: threading.Event | None = None,
        on_found: Callable[[list[Hit], list[Quote]], None] | None = None,
        write: bool | None = None,
    ) -> Answer:
        request = next(self._ids)

        def event(e: Message) -> None:
            if isinstance(e, Token) and on_token is not None:
                on_token(e.text)
            elif isinstance(e, Found) and on_found is not None:
                on_found(e.sources, e.evidence)

        ask = Ask(request, question, list(history), write)
        reply = self._call(ask, event, cancel, Stop(request))
        assert isinstance(reply, Answered)
        return reply.answer

    def ingest(
        self,
        paths: Iterable[str | Path],
        on_progress: Callable[[Progress], None] | None = None,
        cancel: threading.Event | None = None,
        passwords: Sequence[str] = (),
    ) -> IngestReport:
        request = next(self._ids)
        absolute = [str(Path(p).expanduser().absolute()) for p in paths]

        def event(e: Message) -> None:
            if isinstance(e, Progressed) and on_progress is not None:
                on_progress(e.progress)

        reply = self._call(
            Ingest(request, absolute, list(passwords)), event, cancel, Cancel(request)
        )
        assert isinstance(reply, Ingested)
        return reply.report

    def documents(self) -> list[DocumentInfo]:
        reply = self._call(ListDocuments(next(self._ids)))
        assert isinstance(reply, Documents)
        return reply.documents

    def remove(self, doc_id: str) -> None:
        self._call(Remove(next(self._ids), doc_id))

    def check(self, repair: bool = True) -> CheckReport:
        reply = self._call(Check(next(self._ids), repair))
        assert isinstance(reply, Checked)
        return reply.report

    def passage(self, passage_id: str) -> Passage | None:
        reply = self._call(GetPassage(next(self._ids), passage_id))
        assert isinstance(reply, PassageFound)
        return reply.passage

    def update_settings(self, settings: Settings) -> None:
        self._call(UpdateSettings(next(self._ids), settings))
        self._settings = settings

    def watch(self, folder: WatchedFolder) -> list[WatchedFolder]:
        return self._folders(Watch(next(self._ids), folder))

    def unwatch(self, folder: str) -> list[WatchedFolder]:
        return self._folders(Unwatch(next(self._ids), folder))

    def watched(self) -> list[WatchedFolder]:
        return self._folders(ListWatched(next(self._ids)))

    def _folders(self, request: Watch | Unwatch | ListWatched) -> list[WatchedFolder]:
        reply = self._call(request)
        assert isinstance(reply, WatchedFolders)
        return reply.folders

    def follow(self, on_event: Callable[[Message], None]) -> None:
        """Pass on what the engine tells every client, until it ends (or Ctrl+C)."""
        try:
            while True:
                on_event(decode(self._conn.recv_bytes()))
        except (EOFError, OSError) as exc:
            raise EngineLost("The Quelle engine serving this library stopped.") from exc

    def close(self) -> None:
        self._conn.close()

    def _call(
        self,
        message: Request,
        on_event: Callable[[Message], None] | None = None,
        cancel: threading.Event | None = None,
        stop: Request | None = None,
    ) -> Event:
        """Send `message` and wait for its reply, passing the events on the way to
        `on_event`; `stop` goes out once `cancel` is set or the user presses Ctrl+C."""
        request: int = message.request
        try:
            self._conn.send_bytes(encode(message))
            stopped = False
            while True:
                try:
                    if cancel is not None and cancel.is_set() and stop and not stopped:
                        self._conn.send_bytes(encode(stop))
                        stopped = True
                    if not self._conn.poll(POLL_SECONDS):
                        continue
                    event = decode(self._conn.recv_bytes())
                except KeyboardInterrupt:
                    if stop is None or stopped:
                        raise
                    self._conn.send_bytes(encode(stop))
                    stopped = True
                    continue
                if getattr(event, "request", None) != request:
                    continue  # news for every client (document lists) or older requests
                if isinstance(event, Failed):
                    raise QuelleError(event.message)
                if isinstance(
                    event,
                    Answered
                    | Ingested
                    | Documents
                    | Checked
                    | PassageFound
                    | SettingsApplied
                    | WatchedFolders
                    | Done,
                ):
                    return event
                if on_event is not None:
                    on_event(event)
        except (EOFError, OSError) as exc:
            raise EngineLost("The Quelle engine serving this library stopped; try again.") from exc
