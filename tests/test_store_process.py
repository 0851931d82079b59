"""The vector store in its child process: what one process writes, another finds, and all of
it outlives the process."""

from __future__ import annotations

import multiprocessing
from pathlib import Path

import pytest

from quelle.core.errors import IndexMismatch
from quelle.core.store_process import StoreClient, StoreEndpoint, StoreProcess, StoreStopped

DIMENSION = 8


def unit(index: int) -> list[float]:
    return [1.0 if i == index % DIMENSION else 0.1 * (i + index % 7) for i in range(DIMENSION)]


@pytest.fixture
def store(tmp_path: Path):
    store = StoreProcess(tmp_path / "chroma", "fake-model", DIMENSION)
    yield store
    store.close()


def test_vectors_written_are_found_and_outlive_the_process(store: StoreProcess, tmp_path: Path):
    ids = [f"p{i}" for i in range(1500)]  # more than one index flush
    for begin in range(0, len(ids), 100):
        batch = ids[begin:begin + 100]
        store.add(batch, [unit(int(p[1:])) for p in batch], "doc1", [1] * len(batch))
    assert store.query(unit(3), 1)[0][1] == pytest.approx(1.0)
    assert store.existing(["p0", "p1499", "nope"]) == {"p0", "p1499"}
    store.close()
    reopened = StoreProcess(tmp_path / "chroma", "fake-model", DIMENSION)
    try:
        assert reopened.count() == 1500
        assert reopened.vectors(["p5"])["p5"] == pytest.approx(unit(5))
    finally:
        reopened.close()


def test_another_embedding_model_is_refused(store: StoreProcess, tmp_path: Path):
    store.close()
    with pytest.raises(IndexMismatch, match="fake-model"):
        StoreProcess(tmp_path / "chroma", "other-model", DIMENSION)


def _write_from_another_process(endpoint: StoreEndpoint) -> None:
    client = StoreClient.connect(endpoint)
    client.add(["x"], [unit(1)], "doc2", [3])
    client.close()


def test_another_process_writes_through_the_endpoint(store: StoreProcess):
    store.add(["a"], [unit(0)], "doc1", [1])
    writer = multiprocessing.get_context("spawn").Process(
        target=_write_from_another_process, args=(store.endpoint,))
    writer.start()
    writer.join(60)
    assert writer.exitcode == 0
    assert store.existing(["a", "x"]) == {"a", "x"}
    store.delete_document("doc1")
    assert store.existing(["a", "x"]) == {"x"}


def test_calls_after_close_fail_clearly(store: StoreProcess):
    store.close()
    with pytest.raises(StoreStopped):
        store.count()


def test_a_process_without_the_key_is_refused(store: StoreProcess):
    with pytest.raises(multiprocessing.AuthenticationError):
        StoreClient.connect(StoreEndpoint(store.endpoint.address, b"not the key"))
    assert store.count() == 0  # and the store goes on serving
