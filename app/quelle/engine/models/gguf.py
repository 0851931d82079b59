"""What a GGUF chat model file is, read from its header without loading the model.

Settings shows this next to the model picker, so a user sees at once whether a file is a
chat model at all, how big it is and how much context it supports. The `gguf` package's
`GGUFReader` parses every metadata array into NumPy views (2.5 s for the bundled 135M model,
far longer for a 128k-token vocabulary), so this module walks the header itself, skipping
arrays by their byte size, and uses the `gguf` package only for its constants and enums.
"""

from __future__ import annotations

import mmap
import struct
from collections import Counter
from math import prod
from pathlib import Path
from typing import Any

from quelle.common.errors import ModelError
from quelle.common.wording import say
from quelle.protocol.values import GgufInfo

_MAGIC = b"GGUF"
_SUPPORTED_VERSIONS = (2, 3)

# GGUF metadata value types (gguf.GGUFValueType) -> struct format of one scalar.
_SCALARS = {
    0: "B",
    1: "b",
    2: "H",
    3: "h",
    4: "I",
    5: "i",
    6: "f",
    7: "?",
    10: "Q",
    11: "q",
    12: "d",
}
_STRING, _ARRAY = 8, 9


def read_gguf_info(path: Path | str) -> GgufInfo:
    """Header facts of a GGUF file; `ModelError` for anything that is not a readable GGUF."""
    path = Path(path)
    try:
        size = path.stat().st_size
        with path.open("rb") as file:
            if size < 24 or file.read(4) != _MAGIC:
                raise ModelError(
                    say(
                        "'{name}' is not a GGUF model file. Choose a .gguf file made for "
                        "llama.cpp.",
                        name=path.name,
                    )
                )
            with mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ) as data:
                header = _Header(data)
                metadata, tensor_types, parameters = header.read()
    except ModelError:
        raise
    except FileNotFoundError as exc:
        raise ModelError(say("The model file '{name}' does not exist.", name=path.name)) from exc
    except PermissionError as exc:
        raise ModelError(
            say("Could not open '{name}': permission denied.", name=path.name)
        ) from exc
    except (OSError, struct.error, ValueError, IndexError, UnicodeDecodeError) as exc:
        raise ModelError(
            say(
                "Could not read '{name}': the GGUF file seems damaged or incomplete.",
                name=path.name,
            )
        ) from exc

    architecture = str(metadata.get("general.architecture", ""))
    context = metadata.get(f"{architecture}.context_length", 0)
    return GgufInfo(
        name=str(metadata.get("general.name") or path.stem),
        architecture=architecture,
        size_bytes=size,
        quantisation=_quantisation(metadata.get("general.file_type"), tensor_types),
        context_length=int(context) if isinstance(context, int) else 0,
        parameter_count=parameters,
    )


def _quantisation(file_type: Any, tensor_types: Counter[int]) -> str:
    """The name llama.cpp gives the file's quantisation mix, else its most common tensor type."""
    from gguf import GGMLQuantizationType, LlamaFileType

    if isinstance(file_type, int) and not isinstance(file_type, bool):
        try:
            name = LlamaFileType(file_type).name
        except ValueError:
            name = ""
        if name and name != "GUESSED":
            return name.removeprefix("MOSTLY_").removeprefix("ALL_")
    for type_id, _count in tensor_types.most_common():
        try:
            return GGMLQuantizationType(type_id).name
        except ValueError:
            continue
    return ""


def _tensor_bytes(type_id: int, elements: int) -> int:
    from gguf import GGML_QUANT_SIZES, GGMLQuantizationType

    try:
        block, type_size = GGML_QUANT_SIZES[GGMLQuantizationType(type_id)]
    except (ValueError, KeyError):
        raise ModelError(
            say(
                "This GGUF file uses a tensor type ({type}) that Quelle's llama.cpp cannot run.",
                type=type_id,
            )
        ) from None
    return elements // block * type_size


class _Header:
    """A cursor over the header; only scalar and string metadata values are kept."""

    def __init__(self, data: mmap.mmap) -> None:
        self.data = data
        self.offset = 4
        self.order = "<"

    def read(self) -> tuple[dict[str, Any], Counter[int], int]:
        (version,) = struct.unpack_from("<I", self.data, self.offset)
        if version & 0xFFFF == 0:  # written on a big-endian machine
            self.order = ">"
            (version,) = struct.unpack_from(">I", self.data, self.offset)
        self.offset += 4
        if version not in _SUPPORTED_VERSIONS:
            raise ModelError(
                say(
                    "This GGUF file has format version {version}, which Quelle cannot read. "
                    "Download a current conversion of the model.",
                    version=version,
                )
            )
        tensor_count, kv_count = self._unpack("QQ")
        if tensor_count > len(self.data) or kv_count > len(self.data):
            raise ValueError("implausible counts")
        metadata: dict[str, Any] = {}
        for _ in range(kv_count):
            key = self._string()
            (value_type,) = self._unpack("I")
            value = self._value(value_type)
            if value is not None:
                metadata[key] = value
        types: Counter[int] = Counter()
        parameters = 0
        data_end = 0  # bytes of tensor data the header promises
        for _ in range(tensor_count):
            self._skip_string()
            (n_dims,) = self._unpack("I")
            if n_dims > 8:
                raise ValueError("implausible tensor rank")
            dims = self._unpack("Q" * n_dims)
            type_id, data_offset = self._unpack("IQ")
            elements = prod(dims)
            parameters += elements
            data_end = max(data_end, data_offset + _tensor_bytes(type_id, elements))
            if n_dims >= 2:  # weight matrices decide the quantisation, not norms and biases
                types[type_id] += elements
        alignment = metadata.get("general.alignment", 32)
        start = -(-self.offset // alignment) * alignment
        if start + data_end > len(self.data):
            raise ValueError("the file ends before its last tensor")
        return metadata, types, parameters

    def _unpack(self, fmt: str) -> tuple[Any, ...]:
        values = struct.unpack_from(self.order + fmt, self.data, self.offset)
        self.offset += struct.calcsize(self.order + fmt)
        return values

    def _length(self) -> int:
        (length,) = self._unpack("Q")
        if self.offset + length > len(self.data):
            raise ValueError("string runs past the end of the file")
        return int(length)

    def _string(self) -> str:
        length = self._length()
        text = bytes(self.data[self.offset : self.offset + length]).decode("utf-8")
        self.offset += length
        return text

    def _skip_string(self) -> None:
        length = self._length()  # moves the cursor past the length field first
        self.offset += length

    def _value(self, value_type: int) -> Any:
        if value_type in _SCALARS:
            return self._unpack(_SCALARS[value_type])[0]
        if value_type == _STRING:
            return self._string()
        if value_type == _ARRAY:
            item_type, count = self._unpack("IQ")
            self._skip_array(item_type, count)
            return None
        raise ValueError(f"unknown metadata type {value_type}")

    def _skip_array(self, item_type: int, count: int) -> None:
        if item_type in _SCALARS:
            self.offset += struct.calcsize(self.order + _SCALARS[item_type]) * count
            if self.offset > len(self.data):
                raise ValueError("array runs past the end of the file")
        elif item_type == _STRING:
            for _ in range(count):
                self._skip_string()
        elif item_type == _ARRAY:
            for _ in range(count):
                nested_type, nested_count = self._unpack("IQ")
                self._skip_array(nested_type, nested_count)
        else:
            raise ValueError(f"unknown array item type {item_type}")
