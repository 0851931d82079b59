"""Model downloads against a stand-in hub on 127.0.0.1 serving the bundled model files."""

from __future__ import annotations

import hashlib
import threading
from pathlib import Path

import pytest

from hub import Hub
from quelle.engine.models.bundled import bundled_chat_model_path, bundled_embedder_path
from quelle.engine.models.downloads import Download, DownloadError, DownloadStopped
from quelle.engine.models.gguf import read_gguf_info
from quelle.engine.models.installed import ModelStore
from quelle.protocol.values import DownloadProgress

from conftest import HUB_CHAT as CHAT
from conftest import HUB_EMBEDDER as EMBEDDER


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_complete_download_is_verified_installed_and_readable(hub: Hub, tmp_path: Path) -> None:
    progress: list[DownloadProgress] = []
    folder = Download(CHAT, tmp_path).run(progress.append)

    model = ModelStore(tmp_path).find(CHAT.id)
    assert model is not None and model.source == "downloaded"
    assert model.path == str(folder / CHAT.file)
    assert sha256(Path(model.path)) == sha256(bundled_chat_model_path())
    assert read_gguf_info(model.path).quantisation == "Q4_1"
    size = bundled_chat_model_path().stat().st_size
    assert progress[-1].done == progress[-1].total == size
    done = [p.done for p in progress]
    assert done == sorted(done)  # never goes backwards
    assert any(p.stage == "verifying" for p in progress)
    assert not (tmp_path / ".partial" / CHAT.id).exists()


def test_a_download_cut_off_resumes_where_it_stopped(hub: Hub, tmp_path: Path) -> None:
    size = bundled_chat_model_path().stat().st_size
    hub.cut_after = size // 3
    with pytest.raises(DownloadError, match="broke off"):
        Download(CHAT, tmp_path).run()
    assert ModelStore(tmp_path).find(CHAT.id) is None  # nothing selectable
    assert ModelStore(tmp_path).partial_ids() == [CHAT.id]

    hub.sent = 0
    Download(CHAT, tmp_path).run()  # as after a restart of Quelle: a new object, same folder
    resumed_at = int(hub.ranges[-1].removeprefix("bytes=").rstrip("-"))
    assert size // 4 < resumed_at <= size // 3  # from what had arrived
    assert hub.sent == size - resumed_at  # only the rest came again
    model = ModelStore(tmp_path).find(CHAT.id)
    assert model is not None and sha256(Path(model.path)) == sha256(bundled_chat_model_path())


def test_corrupted_bytes_are_rejected_and_deleted(hub: Hub, tmp_path: Path) -> None:
    hub.corrupt = True
    with pytest.raises(DownloadError, match="damaged"):
        Download(CHAT, tmp_path).run()
    assert ModelStore(tmp_path).find(CHAT.id) is None
    assert not list((tmp_path / ".partial").rglob("*.gguf"))


def test_a_cancelled_download_leaves_nothing_behind(hub: Hub, tmp_path: Path) -> None:
    stop = threading.Event()
    download = Download(CHAT, tmp_path)

    def on_progress(p: DownloadProgress) -> None:
        if p.done > p.total // 4:
            stop.set()

    with pytest.raises(DownloadStopped):
        download.run(on_progress, stop)
    download.discard()
    assert ModelStore(tmp_path).find(CHAT.id) is None
    assert ModelStore(tmp_path).partial_ids() == []
    assert not list(tmp_path.rglob("*.gguf"))


def test_a_full_disk_is_refused_before_a_byte_is_written(hub: Hub, tmp_path: Path) -> None:
    hub.claimed_size = 1 << 50  # a petabyte
    with pytest.raises(DownloadError, match="Not enough disk space") as failure:
        Download(CHAT, tmp_path).run()
    assert "GB is free" in str(failure.value)
    assert hub.sent == 0
    assert ModelStore(tmp_path).find(CHAT.id) is None


def test_an_unknown_repository_says_so(hub: Hub, tmp_path: Path) -> None:
    hub.repos.clear()
    with pytest.raises(DownloadError, match=CHAT.repo):
        Download(CHAT, tmp_path).run()


@pytest.mark.slow
def test_an_embedder_download_takes_the_model_files_and_loads(hub: Hub, tmp_path: Path) -> None:
    junk = tmp_path / "model.onnx"
    junk.write_bytes(b"\0" * 1000)
    hub.add_folder(EMBEDDER.repo, bundled_embedder_path(), extra={"onnx/model.onnx": junk})
    folder = Download(EMBEDDER, tmp_path / "models").run()
    assert (folder / "modules.json").is_file()
    assert not (folder / "onnx").exists()

    from quelle.engine.models.embedder import Embedder

    vectors = Embedder(folder, EMBEDDER.id).embed(["Wie hoch war der Umsatz?"], query=True)
    assert len(vectors[0]) == 384


def test_pytorch_weights_come_only_where_no_safetensors_hold_them(hub: Hub, tmp_path: Path) -> None:
    from quelle.engine.models.downloads import fetch_plan

    def files(names: list[str]) -> dict[str, Path]:
        for name in names:
            (tmp_path / name.replace("/", "_")).write_bytes(b"x" * 10)
        return {name: tmp_path / name.replace("/", "_") for name in names}

    both = ["config.json", "model.safetensors", "pytorch_model.bin", "onnx/model.onnx", "README.md"]
    hub.add_repo(EMBEDDER.repo, files(both))
    assert sorted(f.path for f in fetch_plan(EMBEDDER).files) == [
        "config.json",
        "model.safetensors",
    ]
    hub.add_repo(EMBEDDER.repo, files(["config.json", "pytorch_model.bin", "tf_model.h5"]))
    assert sorted(f.path for f in fetch_plan(EMBEDDER).files) == [
        "config.json",
        "pytorch_model.bin",
    ]
