"""`quelle models` as a user types it, against the stand-in hub on 127.0.0.1."""

from __future__ import annotations

import json
import shutil
import socket
from pathlib import Path

import pytest

from hub import Hub
from quelle.common.paths import Paths
from quelle.common.settings import load_settings
from quelle.engine.models.bundled import bundled_chat_model_path
from quelle.engine.models.catalogue import catalog, entry
from quelle.engine.models.fit import judge_fit
from quelle.protocol.values import Machine
from test_cli import quelle

from conftest import HUB_CHAT

GUIDE = Path(__import__("quelle").__path__[0]) / "samples" / "quelle-guide.md"
LAPTOP = Machine(total_mb=16 * 1024, available_mb=10 * 1024, cores=4)


def test_every_catalogue_entry_is_complete() -> None:
    kinds = {e.kind for e in catalog()}
    assert kinds == {"chat", "embedder", "reranker", "checker"}
    for e in catalog():
        assert e.bundled or (
            e.repo.count("/") == 1 and (e.kind != "chat" or e.file.endswith(".gguf"))
        )
        assert e.size_mb > 0 and e.memory_mb > e.size_mb and e.licence and e.languages
    assert len({e.id for e in catalog()}) == len(catalog())
    assert sum("de" in e.languages for e in catalog() if e.kind == "embedder") >= 3


def test_fit_verdicts_follow_memory_and_speed() -> None:
    small, big = entry("qwen2.5-1.5b-instruct-q4_k_m"), entry("qwen2.5-7b-instruct-q4_k_m")
    assert small is not None and big is not None
    fast_rate = 400.0  # the bundled model's tokens/s on a fast laptop
    assert judge_fit(small, LAPTOP, fast_rate).verdict == "runs well"
    fit = judge_fit(big, LAPTOP, fast_rate)
    assert fit.verdict == "runs well" and fit.tokens_per_second == pytest.approx(400 * 94 / 4683)
    assert judge_fit(big, LAPTOP, 100.0).verdict == "slow"  # 2 tokens/s
    tiny = Machine(total_mb=4 * 1024, available_mb=2 * 1024, cores=2)
    verdict = judge_fit(big, tiny, fast_rate)
    assert verdict.verdict == "won't fit" and "4.0 GB" in verdict.reason
    busy = Machine(total_mb=8 * 1024, available_mb=1024, cores=4)
    assert judge_fit(small, busy, fast_rate).verdict == "slow"  # would push others out
    embedder = entry("bge-m3")
    assert embedder is not None
    assert judge_fit(embedder, LAPTOP, fast_rate).verdict == "slow"


def test_list_shows_fit_and_what_is_in_use(home: Path) -> None:
    cache = Paths.resolve(home).ensure().cache_dir
    result = quelle(home, "models", "list", "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["machine"]["total_mb"] > 0 and data["bundled_tokens_per_second"] > 0
    assert (cache / "decode_rate.json").is_file()  # measured once, then read back
    models = {m["id"]: m for m in data["models"]}
    assert models["smollm2-135m-instruct-q4_1"]["state"] == "in use"
    assert models["all-minilm-l6-v2"]["state"] == "in use"
    assert {m["verdict"] for m in models.values()} <= {"runs well", "slow", "won't fit"}
    assert (
        models["qwen2.5-7b-instruct-q4_k_m"]["tokens_per_second"]
        < data["bundled_tokens_per_second"]
    )
    text = quelle(home, "models", "list")
    assert "runs well" in text.stdout and "tokens/s" in text.stdout


def test_import_gives_a_one_line_reason_for_a_bad_file(home: Path, tmp_path: Path) -> None:
    not_gguf = tmp_path / "notes.gguf"
    not_gguf.write_text("just text", encoding="utf-8")
    truncated = tmp_path / "half.gguf"
    truncated.write_bytes(bundled_chat_model_path().read_bytes()[:5_000_000])
    for bad, reason in ((not_gguf, "not a GGUF model file"), (truncated, "damaged or incomplete")):
        result = quelle(home, "models", "import", str(bad))
        assert result.returncode == 1
        assert reason in result.stderr and len(result.stderr.strip().splitlines()) == 1
    good = tmp_path / "my-model.gguf"
    shutil.copy(bundled_chat_model_path(), good)
    result = quelle(home, "models", "import", str(good))
    assert result.returncode == 0 and "Q4_1" in result.stdout
    listed = json.loads(quelle(home, "models", "list", "--json").stdout)["models"]
    assert any(m["state"] == "imported" and m["path"] == str(good) for m in listed)


@pytest.mark.slow
def test_download_use_answer_and_fall_back_when_the_file_is_gone(
    home: Path, hub: Hub, monkeypatch: pytest.MonkeyPatch
) -> None:
    result = quelle(home, "models", "download", HUB_CHAT.id)
    assert result.returncode == 0, result.stderr
    assert "verified" in result.stdout and "MB/s" in result.stderr
    assert quelle(home, "models", "remove", "no-such-model").returncode == 1

    result = quelle(home, "models", "use", HUB_CHAT.id)
    assert result.returncode == 0, result.stderr
    chosen = load_settings(Paths.resolve(home).settings_file).chat_model
    assert chosen.endswith(HUB_CHAT.file)  # kept for the next start
    assert quelle(home, "models", "remove", HUB_CHAT.id).returncode == 1  # in use

    # With the downloaded model selected, nothing opens a connection.
    def refuse(self: socket.socket, address: object) -> None:
        raise AssertionError(f"connection attempted to {address}")

    assert quelle(home, "ingest", str(GUIDE)).returncode == 0
    from quelle.engine.library import Library

    monkeypatch.setattr(socket.socket, "connect", refuse)
    library = Library(home)
    answer = library.ask("Does Quelle need an internet connection?", write=True)
    assert answer.found and answer.timings is not None
    assert library.generator().model_path == Path(chosen)
    library.close()
    monkeypatch.undo()

    Path(chosen).unlink()  # the user deleted the file
    result = quelle(home, "ask", "--write", "Does Quelle need an internet connection?")
    assert result.returncode == 0, result.stderr
    assert "is gone; Quelle answers with its built-in model" in result.stderr
    assert load_settings(Paths.resolve(home).settings_file).chat_model == ""
