"""The int8 encoder: made once, nearly torch's vectors, recorded by the library it built."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from quelle.engine.models import quantised
from quelle.engine.models.bundled import bundled_embedder_path

TEXTS = [
    "Die Filiale in Köln hat zwölf Mitarbeiter und öffnet um acht Uhr.",
    "GATA-3 regulates hematopoietic stem cell maintenance and cell-cycle entry.",
    "Total net sales 82,959 97,278 for the three months ended June 25, 2022.",
]


def test_the_bundled_embedder_is_one_the_int8_encoder_reproduces(tmp_path: Path) -> None:
    assert quantised.eligible(bundled_embedder_path())
    # A model that pools by its first token would get other vectors: torch runs it.
    copy = tmp_path / "cls-model"
    copy.mkdir()
    source = bundled_embedder_path()
    for name in ("config.json", "modules.json", "tokenizer.json"):
        (copy / name).write_bytes((source / name).read_bytes())
    pooling = json.loads((source / "1_Pooling" / "config.json").read_text("utf-8"))
    pooling |= {"pooling_mode_mean_tokens": False, "pooling_mode_cls_token": True}
    (copy / "1_Pooling").mkdir()
    (copy / "1_Pooling" / "config.json").write_text(json.dumps(pooling), "utf-8")
    assert not quantised.eligible(copy)
    assert not quantised.eligible(tmp_path)  # no model at all


@pytest.mark.slow
def test_int8_vectors_are_nearly_torchs_and_the_model_is_made_once() -> None:
    import numpy as np

    from quelle.engine.models.embedder import Embedder

    folder = Path(os.environ["QUELLE_ENCODERS"])
    int8 = Embedder(bundled_embedder_path(), "minilm", int8_folder=folder)
    torch = Embedder(bundled_embedder_path(), "minilm")
    assert (int8.backend, torch.backend) == ("onnx-int8", "torch")
    assert (int8.dimension, int8.max_tokens) == (torch.dimension, torch.max_tokens)
    cosines = (np.array(int8.embed(TEXTS)) * np.array(torch.embed(TEXTS))).sum(axis=1)
    assert cosines.min() > 0.98, cosines
    made = sorted(folder.glob("*.onnx"))
    Embedder(bundled_embedder_path(), "minilm", int8_folder=folder)
    assert sorted(folder.glob("*.onnx")) == made  # reused, not made again


@pytest.mark.slow
def test_a_failed_export_embeds_with_torch_and_is_tried_again(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from quelle.engine.models.embedder import Embedder

    tries: list[Path] = []

    def fails(model_dir: Path, folder: Path) -> Path:
        tries.append(folder)
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(quantised, "cached_model", fails)
    embedder = Embedder(bundled_embedder_path(), "minilm", int8_folder=tmp_path)
    assert tries == []  # nothing is made before something is to be embedded
    assert len(embedder.embed(TEXTS[:1])[0]) == 384  # torch stands in
    assert embedder.backend == "onnx-int8"  # and the library keeps the int8 encoder as its own
    Embedder(bundled_embedder_path(), "minilm", int8_folder=tmp_path).embed(TEXTS[:1])
    assert len(tries) == 2  # the next start tries again


def test_every_home_shares_the_machines_int8_encoders(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from quelle.common.paths import ENCODERS_ENV, Paths

    monkeypatch.delenv(ENCODERS_ENV, raising=False)
    one, two = Paths.resolve(tmp_path / "one"), Paths.resolve(tmp_path / "two")
    assert one.encoders_dir == two.encoders_dir
    assert tmp_path not in one.encoders_dir.parents


def test_the_fingerprint_follows_the_content_not_the_file_dates(tmp_path: Path) -> None:
    model = tmp_path / "model"
    model.mkdir()
    (model / "config.json").write_text('{"hidden_size": 384}', "utf-8")
    (model / "model.safetensors").write_bytes(bytes(range(256)) * 20_000)
    first = quantised.fingerprint(model)
    os.utime(model / "model.safetensors", (0, 0))  # reinstalled: same bytes, other dates
    assert quantised.fingerprint(model) == first
    weights = bytearray((model / "model.safetensors").read_bytes())
    weights[-1] ^= 1  # another release of the model
    (model / "model.safetensors").write_bytes(bytes(weights))
    assert quantised.fingerprint(model) != first


@pytest.mark.slow
def test_a_new_library_uses_int8_and_one_built_with_torch_keeps_torch(tmp_path: Path) -> None:
    from quelle.engine.library import Library
    from quelle.engine.models.embedder import Embedder

    note = tmp_path / "filiale.txt"
    note.write_text(TEXTS[0], encoding="utf-8")
    new = Library(tmp_path / "new")
    new.ingest([note])
    assert new.catalog.get_meta("embedding_backend") == "onnx-int8"
    hits = new.search("Wie viele Mitarbeiter hat die Filiale in Köln?").hits
    assert hits and hits[0].passage.title == "filiale.txt"
    new.close()

    old = Library(tmp_path / "old", int8=False)
    old.ingest([note])
    with old.catalog._db() as db:  # as a library from before the int8 encoder records it
        db.execute("DELETE FROM meta WHERE key='embedding_backend'")
    old.close()
    reopened = Library(tmp_path / "old")
    assert reopened.search("Filiale in Köln").hits
    embedder = reopened.embedder()
    assert isinstance(embedder, Embedder) and embedder.backend == "torch"
    assert reopened.catalog.get_meta("embedding_backend") == "torch"
    reopened.close()


def test_a_new_home_makes_no_int8_encoder_when_nothing_is_embedded(tmp_path: Path) -> None:
    import subprocess
    import sys

    encoders = tmp_path / "encoders"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "quelle",
            "--home",
            str(tmp_path / "new"),
            "ingest",
            str(tmp_path / "missing.pdf"),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        env=os.environ | {"QUELLE_ENCODERS": str(encoders)},
    )
    assert result.returncode == 1 and "'missing.pdf' does not exist" in result.stdout
    assert not encoders.exists()
