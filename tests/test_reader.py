"""A file that hangs or crashes the reader costs that file only."""

from __future__ import annotations

import multiprocessing
import os
import time
from pathlib import Path

import pytest

from quelle.common.errors import DocumentError
from quelle.engine.reading.child import IsolatedReader, ReadingStopped
from quelle.engine.reading.documents import Page

from fakes import read_and_crash, read_forever, read_scan_slowly, read_unless_bad


def test_a_hanging_file_times_out_and_the_next_file_is_read(tmp_path: Path) -> None:
    good = tmp_path / "good.txt"
    good.write_text("Readable text.")
    stuck = IsolatedReader(timeout=2, function=read_forever)
    with pytest.raises(DocumentError, match="loop.pdf.*longer than 2 seconds"):
        stuck.read(tmp_path / "loop.pdf")
    stuck.close()
    reader: IsolatedReader[list[Page]] = IsolatedReader(timeout=30)
    assert reader.read(good)[0].text == "Readable text."
    reader.close()


def test_a_crashing_file_is_an_error_and_the_reader_recovers(tmp_path: Path) -> None:
    reader = IsolatedReader(timeout=30, function=read_and_crash)
    with pytest.raises(DocumentError, match="bomb.pdf.*crashed"):
        reader.read(tmp_path / "bomb.pdf")
    with pytest.raises(DocumentError, match="again.pdf.*crashed"):
        reader.read(tmp_path / "again.pdf")  # a fresh child process, not a dead pool
    reader.close()


def test_reader_errors_keep_their_message(tmp_path: Path) -> None:
    empty = tmp_path / "empty.pdf"
    empty.write_bytes(b"")
    reader: IsolatedReader[list[Page]] = IsolatedReader(timeout=30)
    with pytest.raises(DocumentError, match="empty.pdf.*0 bytes"):
        reader.read(empty)
    reader.close()


@pytest.mark.parametrize(("bad", "error"), [("bomb.txt", "crashed"), ("loop.txt", "longer")])
def test_files_handed_over_after_a_bad_one_are_read_by_the_next_child(
    tmp_path: Path, bad: str, error: str
) -> None:
    names = ["one.txt", bad, "two.txt", "three.txt"]
    for name in names:
        (tmp_path / name).write_text(f"Text of {name}.")
    reader = IsolatedReader(timeout=3, function=read_unless_bad)
    readings = [reader.submit(tmp_path / name) for name in names]  # all ahead of time
    assert reader.result(readings[0])[0].text == "Text of one.txt."
    with pytest.raises(DocumentError, match=f"{bad}.*{error}"):
        reader.result(readings[1])
    assert [reader.result(r)[0].text for r in readings[2:]] == [
        "Text of two.txt.",
        "Text of three.txt.",
    ]
    reader.close()


def test_a_stopped_job_does_not_wait_for_a_file_that_never_ends(tmp_path: Path) -> None:
    reader = IsolatedReader(timeout=600, function=read_forever)
    reader.submit(tmp_path / "loop.pdf")
    while not reader._pool or not reader._pool._processes:  # noqa: SLF001
        time.sleep(0.05)
    [pid] = list(reader._pool._processes)  # noqa: SLF001
    reader.close(at_once=True)
    deadline = time.monotonic() + 10
    while alive(pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not alive(pid)


def _read_forever_in_a_reader(pid_file: Path) -> None:
    """A process (as the indexer is) whose reader is stuck on a file that never ends."""
    import threading

    from fakes import read_forever as stuck_reader

    reader = IsolatedReader(timeout=600, function=stuck_reader)
    threading.Thread(target=reader.read, args=(pid_file,), daemon=True).start()
    while not reader._pool or not reader._pool._processes:  # noqa: SLF001
        time.sleep(0.05)
    time.sleep(1)
    pid_file.write_text(str(next(iter(reader._pool._processes))))  # noqa: SLF001
    time.sleep(600)


def test_a_stuck_reader_ends_with_the_process_that_started_it(tmp_path: Path) -> None:
    pid_file = tmp_path / "reader.pid"
    owner = multiprocessing.get_context("spawn").Process(
        target=_read_forever_in_a_reader, args=(pid_file,)
    )
    owner.start()
    deadline = time.monotonic() + 60
    while not pid_file.exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    reader_pid = int(pid_file.read_text())
    assert alive(reader_pid)
    owner.kill()  # as when Quelle is killed or ends its indexer
    owner.join()
    deadline = time.monotonic() + 10
    while alive(reader_pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not alive(reader_pid)


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:  # a finished child not yet reaped by anyone is gone for the user
        return Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z"
    except (FileNotFoundError, ProcessLookupError):  # gone while its entry was read
        return os.name != "posix"


def test_a_scan_that_keeps_reporting_pages_outlives_its_time_limit(tmp_path: Path) -> None:
    """Six pages in 2.4 s under a 1-second limit: each page read gives it more time, and
    every page is told on the way."""
    reader = IsolatedReader(timeout=1, function=read_scan_slowly)
    heard: list[tuple[int, int]] = []
    pages = reader.result(reader.submit(tmp_path / "scan.pdf"), lambda d, t: heard.append((d, t)))
    reader.close()
    assert pages[0].text == "Six scanned pages."
    assert heard == [(n, 6) for n in range(1, 7)]


def test_a_cancel_stops_the_reader_in_the_middle_of_a_file(tmp_path: Path) -> None:
    import threading

    reader = IsolatedReader(timeout=60, function=read_forever)
    cancel = threading.Event()
    threading.Timer(0.5, cancel.set).start()
    started = time.monotonic()
    with pytest.raises(ReadingStopped):
        reader.result(reader.submit(tmp_path / "loop.pdf"), cancel=cancel)
    assert time.monotonic() - started < 5
    reader.close()
