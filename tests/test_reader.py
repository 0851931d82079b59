"""A file that hangs or crashes the reader costs that file only."""

from __future__ import annotations

from pathlib import Path

import pytest

from quelle.core.errors import DocumentError
from quelle.core.reader import IsolatedReader

from fakes import read_and_crash, read_forever


def test_a_hanging_file_times_out_and_the_next_file_is_read(tmp_path: Path):
    good = tmp_path / "good.txt"
    good.write_text("Readable text.")
    stuck = IsolatedReader(timeout=2, function=read_forever)
    with pytest.raises(DocumentError, match="loop.pdf.*longer than 2 seconds"):
        stuck.read(tmp_path / "loop.pdf")
    stuck.close()
    reader = IsolatedReader(timeout=30)
    assert reader.read(good)[0].text == "Readable text."
    reader.close()


def test_a_crashing_file_is_an_error_and_the_reader_recovers(tmp_path: Path):
    reader = IsolatedReader(timeout=30, function=read_and_crash)
    with pytest.raises(DocumentError, match="bomb.pdf.*crashed"):
        reader.read(tmp_path / "bomb.pdf")
    with pytest.raises(DocumentError, match="again.pdf.*crashed"):
        reader.read(tmp_path / "again.pdf")  # a fresh child process, not a dead pool
    reader.close()


def test_reader_errors_keep_their_message(tmp_path: Path):
    empty = tmp_path / "empty.pdf"
    empty.write_bytes(b"")
    reader = IsolatedReader(timeout=30)
    with pytest.raises(DocumentError, match="empty.pdf.*0 bytes"):
        reader.read(empty)
    reader.close()
