"""Progress from inside the reader process: the pages of a scan Tesseract has read.

The reader process gets a queue when it starts (`listen`); reading code reports on it with
`report`, and does nothing where no queue was given (reading in the engine's own process,
in tests and benchmarks). The engine drains the queue while it waits for the file, shows
the pages read, and lets a file that keeps reporting run past its time limit.
"""

from __future__ import annotations

from typing import Any

_channel: Any = None  # a multiprocessing SimpleQueue, in the reader process


def listen(channel: Any) -> None:
    """In the reader process, at its start: report on `channel` from now on."""
    global _channel
    _channel = channel


def report(path: str, done: int, total: int) -> None:
    """`done` of `total` scanned pages of `path` have been read."""
    if _channel is not None:
        _channel.put((path, done, total))
