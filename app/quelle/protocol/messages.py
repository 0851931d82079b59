"""What the window (or a second CLI) and the engine process say to each other.

Requests go to the engine, events come back. Each is a plain dataclass; on the wire it is one
JSON object `{"v": PROTOCOL_VERSION, "kind": ..., "body": ...}`, framed by
`multiprocessing.connection`. Nothing is pickled, so neither side runs code the other sent;
the values inside (answers, progress, documents) are the same dataclasses the in-process
`Library` returns, rebuilt field by field from their type hints.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import types
import typing
from dataclasses import dataclass, field
from typing import Any

from quelle.common.errors import QuelleError
from quelle.common.settings import Settings
from quelle.protocol.values import (
    Answer,
    CheckReport,
    DocumentInfo,
    DownloadProgress,
    FolderChanges,
    GgufInfo,
    Hit,
    IngestReport,
    ModelsOverview,
    Passage,
    Progress,
    Quote,
    Turn,
    WatchedFolder,
    WordBox,
)

PROTOCOL_VERSION = 13


class ProtocolError(QuelleError):
    """A message that is not JSON, not of this version, or of an unknown kind."""


# --- requests ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Ask:
    request: int
    question: str
    history: list[Turn] = field(default_factory=list)
    write: bool | None = None  # let the chat model write; None: as the settings say


@dataclass(frozen=True, slots=True)
class Stop:
    """Stop the answer to `request` at the next token."""

    request: int


@dataclass(frozen=True, slots=True)
class Ingest:
    request: int
    paths: list[str]
    passwords: list[str] = field(default_factory=list)  # tried on protected PDFs
    remember: bool = False  # keep the password in the system keyring once it opened the file


@dataclass(frozen=True, slots=True)
class Cancel:
    """Stop the ingestion job `request` after the current batch."""

    request: int


@dataclass(frozen=True, slots=True)
class ListDocuments:
    request: int


@dataclass(frozen=True, slots=True)
class Remove:
    request: int
    doc_id: str


@dataclass(frozen=True, slots=True)
class Check:
    """Find where the library disagrees with itself; with `repair`, mend it."""

    request: int
    repair: bool


@dataclass(frozen=True, slots=True)
class GetPassage:
    request: int
    passage_id: str


@dataclass(frozen=True, slots=True)
class ReadSource:
    """The text of one page of a document that is not a PDF, as Quelle extracted it, for
    the window's source view (it renders PDFs itself and parses nothing else)."""

    request: int
    path: str
    page: int


@dataclass(frozen=True, slots=True)
class ReadScan:
    """The words of a scanned PDF page as Tesseract reads them, with their places, for the
    source view to highlight a passage on the page's image."""

    request: int
    path: str
    page: int
    password: str = ""  # a protected PDF's, as the user typed it this session


@dataclass(frozen=True, slots=True)
class UpdateSettings:
    request: int
    settings: Settings


@dataclass(frozen=True, slots=True)
class ListModels:
    """What the Models dialog shows (`ModelsListed`): the window reads no models folder."""

    request: int


@dataclass(frozen=True, slots=True)
class ImportModel:
    """Remember a local GGUF chat model file; answered with `ModelsListed`."""

    request: int
    path: str


@dataclass(frozen=True, slots=True)
class RemoveModel:
    """Delete a downloaded model or forget an imported one; answered with `ModelsListed`."""

    request: int
    model: str  # its id, or an imported model's path


@dataclass(frozen=True, slots=True)
class DescribeModel:
    """The header facts of a chat model file (`ModelDescribed`), for the Settings dialog."""

    request: int
    path: str  # as a setting names it: empty for the built-in model


@dataclass(frozen=True, slots=True)
class Watch:
    """Follow a folder from now on, in every session: its files are indexed at once, and
    then as they change. Watching it again replaces its patterns. Answered, and told to
    every client, with `WatchedFolders`."""

    request: int
    folder: WatchedFolder


@dataclass(frozen=True, slots=True)
class Unwatch:
    """Stop following a folder; its documents stay in the library."""

    request: int
    folder: str


@dataclass(frozen=True, slots=True)
class ListWatched:
    request: int


# --- events ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Welcome:
    """The engine's first words to a client: who it is and how far it has come."""

    pid: int
    models_ready: bool
    settings: Settings


@dataclass(frozen=True, slots=True)
class DownloadModel:
    """Download a catalogued model (cancelled with `Cancel`, which discards what came)."""

    request: int
    model_id: str


@dataclass(frozen=True, slots=True)
class ModelsReady:
    pass


@dataclass(frozen=True, slots=True)
class ModelsFailed:
    message: str


@dataclass(frozen=True, slots=True)
class Token:
    request: int
    text: str


@dataclass(frozen=True, slots=True)
class Found:
    """What an answer draws on, sent as soon as it is known, before the model's first word:
    the sources, numbered from 1 in this order, and the evidence quoted from them."""

    request: int
    sources: list[Hit]
    evidence: list[Quote]


@dataclass(frozen=True, slots=True)
class Answered:
    request: int
    answer: Answer


@dataclass(frozen=True, slots=True)
class Progressed:
    request: int
    progress: Progress


@dataclass(frozen=True, slots=True)
class Ingested:
    request: int
    report: IngestReport


@dataclass(frozen=True, slots=True)
class Documents:
    """The library's documents: the reply to `ListDocuments`, and sent to every client
    whenever they change (request 0)."""

    request: int
    documents: list[DocumentInfo]


@dataclass(frozen=True, slots=True)
class Checked:
    request: int
    report: CheckReport


@dataclass(frozen=True, slots=True)
class PassageFound:
    request: int
    passage: Passage | None


@dataclass(frozen=True, slots=True)
class ScanRead:
    """The reply to `ReadScan`: the page's recognised text and where each word stands."""

    request: int
    path: str
    page: int
    text: str
    words: list[WordBox]


@dataclass(frozen=True, slots=True)
class SourceRead:
    """The reply to `ReadSource`: `page` is the page shown (the first where the one asked
    for does not exist), of `pages`."""

    request: int
    path: str
    page: int
    pages: int
    text: str


@dataclass(frozen=True, slots=True)
class ModelsListed:
    """The reply to `ListModels`, `ImportModel` and `RemoveModel`: the models as they are now;
    `imported` is the path of the model an `ImportModel` added."""

    request: int
    models: ModelsOverview
    imported: str = ""


@dataclass(frozen=True, slots=True)
class ModelDescribed:
    """The reply to `DescribeModel`; a file that is no GGUF model gets `Failed` instead."""

    request: int
    path: str
    info: GgufInfo


@dataclass(frozen=True, slots=True)
class SettingsApplied:
    request: int
    settings: Settings


@dataclass(frozen=True, slots=True)
class DownloadProgressed:
    request: int
    progress: DownloadProgress


@dataclass(frozen=True, slots=True)
class Reindexing:
    """Sent to every client while the library moves to another embedder; answers still come
    from the old index until `done == total`."""

    done: int
    total: int


@dataclass(frozen=True, slots=True)
class WatchedFolders:
    """The folders the library follows, and how many changes in them are being taken in
    now; to every client (request 0) whenever either changes."""

    request: int
    folders: list[WatchedFolder]
    taking_in: int = 0


@dataclass(frozen=True, slots=True)
class FoldersSynced:
    """To every client: what one round of watching changed in the library."""

    changes: FolderChanges


@dataclass(frozen=True, slots=True)
class Notice:
    """Something every client should tell its user once (a missing model was replaced)."""

    message: str


@dataclass(frozen=True, slots=True)
class Done:
    """A request that returns nothing (remove) has finished."""

    request: int


@dataclass(frozen=True, slots=True)
class Failed:
    """A request failed; `message` is for the user (request 0: no request in particular)."""

    request: int
    message: str


Request = (
    Ask
    | Stop
    | Ingest
    | Cancel
    | ListDocuments
    | Remove
    | Check
    | GetPassage
    | ReadSource
    | ReadScan
    | UpdateSettings
    | DownloadModel
    | ListModels
    | ImportModel
    | RemoveModel
    | DescribeModel
    | Watch
    | Unwatch
    | ListWatched
)
Event = (
    Welcome
    | ModelsReady
    | ModelsFailed
    | Token
    | Found
    | Answered
    | Progressed
    | Ingested
    | Documents
    | Checked
    | PassageFound
    | SourceRead
    | ScanRead
    | ModelsListed
    | ModelDescribed
    | SettingsApplied
    | DownloadProgressed
    | Reindexing
    | WatchedFolders
    | FoldersSynced
    | Notice
    | Done
    | Failed
)

Message = Request | Event

_KINDS: dict[str, type] = {
    cls.__name__: cls for cls in typing.get_args(Request) + typing.get_args(Event)
}


def encode(message: Message) -> bytes:
    kind = type(message).__name__
    if kind not in _KINDS:
        raise ProtocolError(f"{kind} is not a message.")
    return json.dumps(
        {"v": PROTOCOL_VERSION, "kind": kind, "body": _plain(message)},
        ensure_ascii=False,
        separators=(",", ":"),
    ).encode()


def decode(data: bytes) -> Message:
    """The message in `data`; ProtocolError if it is malformed, of another version or kind."""
    try:
        raw = json.loads(data)
        version, kind, body = raw["v"], raw["kind"], raw["body"]
    except (ValueError, TypeError, KeyError) as exc:
        raise ProtocolError(f"Not a message: {data[:80]!r}") from exc
    if version != PROTOCOL_VERSION:
        raise ProtocolError(f"Protocol version {version} is not {PROTOCOL_VERSION}.")
    cls = _KINDS.get(kind) if isinstance(kind, str) else None
    if cls is None:
        raise ProtocolError(f"Unknown message kind {kind!r}.")
    try:
        return typing.cast(Message, _build(cls, body))
    except (TypeError, ValueError, KeyError) as exc:
        raise ProtocolError(f"Malformed {kind}: {exc}") from exc


def _plain(value: Any) -> Any:
    """JSON-ready data: dataclasses become objects of their fields."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return value


def _build(hint: Any, data: Any) -> Any:
    """`data` as the type `hint` names, checked on the way."""
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        options = typing.get_args(hint)
        if data is None and type(None) in options:
            return None
        errors = []
        for option in (o for o in options if o is not type(None)):
            try:
                return _build(option, data)
            except (TypeError, ValueError, KeyError) as exc:
                errors.append(str(exc))
        raise ValueError("; ".join(errors))
    if origin is list:
        (item,) = typing.get_args(hint)
        return [_build(item, v) for v in _expect(data, list)]
    if origin is tuple:
        args = typing.get_args(hint)
        items = _expect(data, list)
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(_build(args[0], v) for v in items)
        if len(args) != len(items):
            raise ValueError(f"expected {len(args)} items, got {len(items)}")
        return tuple(_build(a, v) for a, v in zip(args, items, strict=True))
    if origin is dict:
        key, item = typing.get_args(hint)
        return {_build(key, k): _build(item, v) for k, v in _expect(data, dict).items()}
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        fields = _expect(data, dict)
        hints, known = _fields_of(hint)
        unknown = set(fields) - known
        if unknown:
            raise ValueError(f"unknown fields {sorted(unknown)}")
        return hint(**{name: _build(hints[name], v) for name, v in fields.items()})
    if hint is Any:
        return data
    if hint is float and isinstance(data, int) and not isinstance(data, bool):
        return float(data)
    if hint in (str, int, float, bool) and type(data) is not hint:
        raise TypeError(f"expected {hint.__name__}, got {type(data).__name__}")
    return data


@functools.cache
def _fields_of(cls: type) -> tuple[dict[str, Any], frozenset[str]]:
    """A dataclass's field types and the names its constructor takes (resolving the hints
    is far dearer than building a message, so it is done once per class)."""
    names = frozenset(f.name for f in dataclasses.fields(cls) if f.init)
    return typing.get_type_hints(cls), names


def _expect(data: Any, kind: type) -> Any:
    if not isinstance(data, kind):
        raise TypeError(f"expected {kind.__name__}, got {type(data).__name__}")
    return data
