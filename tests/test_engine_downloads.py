"""A download asked of the engine: its child reports in protocol frames, which reach the
client as the progress and outcome of that one request."""

from __future__ import annotations

from pathlib import Path

import pytest

from engines import Engines
from hub import Hub
from quelle.protocol.messages import (
    Done,
    DownloadModel,
    DownloadProgressed,
    Failed,
    Message,
    decode,
    encode,
)

from conftest import HUB_CHAT

pytestmark = pytest.mark.slow


def download(engines: Engines, request: int, model_id: str) -> list[Message]:
    """The events the engine sends for one download request, up to its end."""
    client = engines.client()
    conn = client._conn
    conn.send_bytes(encode(DownloadModel(request, model_id)))
    events: list[Message] = []
    while conn.poll(300):
        event = decode(conn.recv_bytes())
        if getattr(event, "request", None) != request:
            continue
        events.append(event)
        if isinstance(event, Done | Failed):
            break
    client.close()
    return events


def test_a_download_reports_progress_and_its_end_to_the_request_that_asked(
    engines: Engines, hub: Hub
) -> None:
    engines.start()
    events = download(engines, 7, HUB_CHAT.id)
    assert isinstance(events[-1], Done), events[-1]
    progress = [e.progress for e in events if isinstance(e, DownloadProgressed)]
    assert progress and progress[-1].done == progress[-1].total > 0
    assert [p.done for p in progress] == sorted(p.done for p in progress)
    models = engines.paths.models_dir
    assert any(p.name == HUB_CHAT.file for p in Path(models).rglob("*.gguf"))


def test_a_failed_download_reaches_the_client_as_one_clear_line(engines: Engines, hub: Hub) -> None:
    hub.repos.clear()  # the hub no longer has it
    engines.start()
    events = download(engines, 9, HUB_CHAT.id)
    assert isinstance(events[-1], Failed)
    assert "\n" not in events[-1].message and HUB_CHAT.repo in events[-1].message
