"""The model facts Settings shows, read from real and hand-made GGUF files."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from quelle.common.errors import ModelError
from quelle.engine.models.bundled import bundled_chat_model_path
from quelle.engine.models.gguf import read_gguf_info


def test_bundled_model_reads_as_q4_1_with_8k_context() -> None:
    path = bundled_chat_model_path()
    info = read_gguf_info(path)
    assert info.quantisation == "Q4_1"
    assert info.context_length == 8192
    assert info.architecture == "llama"
    assert "135M" in info.name
    assert info.size_bytes == path.stat().st_size
    assert 130_000_000 < info.parameter_count < 140_000_000


def test_header_walk_agrees_with_the_gguf_reference_reader() -> None:
    import gguf

    path = bundled_chat_model_path()
    reader = gguf.GGUFReader(path)
    info = read_gguf_info(path)
    assert info.name == reader.fields["general.name"].contents()
    assert info.context_length == reader.fields["llama.context_length"].contents()
    assert info.parameter_count == sum(int(t.n_elements) for t in reader.tensors)


def _write_gguf(path: Path, *, big_endian: bool = False, file_type: int | None = None) -> None:
    import gguf

    endian = gguf.GGUFEndian.BIG if big_endian else gguf.GGUFEndian.LITTLE
    writer = gguf.GGUFWriter(path, "qwen2", endianess=endian)
    writer.add_name("Tiny Test")
    writer.add_context_length(32768)
    if file_type is not None:
        writer.add_file_type(file_type)
    writer.add_array("tokenizer.ggml.tokens", [f"tok{i}" for i in range(500)])
    writer.add_array("tokenizer.ggml.scores", [0.5] * 500)
    writer.add_tensor("blk.0.attn_q.weight", np.zeros((4, 8), dtype=np.float16))
    writer.add_tensor("blk.0.attn_norm.weight", np.zeros(8, dtype=np.float32))
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()


def test_quantisation_falls_back_to_the_weight_tensor_type(tmp_path: Path) -> None:
    path = tmp_path / "tiny.gguf"
    _write_gguf(path)
    info = read_gguf_info(path)
    assert (info.name, info.architecture, info.context_length) == ("Tiny Test", "qwen2", 32768)
    assert info.quantisation == "F16"  # the 2-D weight decides, not the F32 norm
    assert info.parameter_count == 4 * 8 + 8


def test_file_type_names_the_quantisation(tmp_path: Path) -> None:
    import gguf

    path = tmp_path / "tiny.gguf"
    _write_gguf(path, file_type=gguf.LlamaFileType.MOSTLY_Q4_K_M)
    assert read_gguf_info(path).quantisation == "Q4_K_M"


def test_big_endian_file_is_read(tmp_path: Path) -> None:
    path = tmp_path / "tiny-be.gguf"
    _write_gguf(path, big_endian=True)
    info = read_gguf_info(path)
    assert (info.context_length, info.quantisation) == (32768, "F16")


@pytest.mark.parametrize(
    "content",
    [b"", b"just some notes, not a model\n" * 10, b"%PDF-1.7\n" + b"\0" * 100],
    ids=["empty", "text", "pdf"],
)
def test_non_gguf_file_is_a_model_error_naming_the_file(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "notes.gguf"
    path.write_bytes(content)
    with pytest.raises(ModelError, match="'notes.gguf' is not a GGUF model file"):
        read_gguf_info(path)


def test_truncated_gguf_is_a_model_error(tmp_path: Path) -> None:
    path = tmp_path / "cut.gguf"
    with bundled_chat_model_path().open("rb") as source:
        path.write_bytes(source.read(2000))  # stops inside the vocabulary array
    with pytest.raises(ModelError, match="damaged or incomplete"):
        read_gguf_info(path)


def test_missing_file_is_a_model_error(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="does not exist"):
        read_gguf_info(tmp_path / "gone.gguf")
