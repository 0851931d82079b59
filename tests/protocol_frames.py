"""Fixed sample frames of every protocol message, so that a message type cannot change
without the protocol's version.

For every message kind, a sample message is built from its type hints (the same fields
every time) and encoded; `tests/protocol_frames.json` keeps each kind's shape (its fields
and their types, nested values included) and its frame, with the version they belong to.
`tests/test_protocol.py` compares them with the code. After a deliberate change of the
protocol: raise PROTOCOL_VERSION in app/quelle/protocol/messages.py, then

    .venv/bin/python tests/protocol_frames.py --write
"""

from __future__ import annotations

import dataclasses
import json
import sys
import types
import typing
from pathlib import Path
from typing import Any

from quelle.protocol import messages

FRAMES = Path(__file__).with_name("protocol_frames.json")


def kinds() -> dict[str, type]:
    """Every message class, by the name the wire uses."""
    return {
        cls.__name__: cls
        for cls in typing.get_args(messages.Request) + typing.get_args(messages.Event)
    }


def shape(hint: Any) -> Any:
    """A type as plain data: dataclasses by their fields, containers by their items."""
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        return {"one of": sorted((shape(a) for a in typing.get_args(hint)), key=json.dumps)}
    if origin is typing.Literal:
        return {"literal": list(typing.get_args(hint))}
    if origin in (list, tuple, dict):
        return {origin.__name__: [shape(a) for a in typing.get_args(hint) if a is not Ellipsis]}
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        hints = typing.get_type_hints(hint)
        return {hint.__name__: {f.name: shape(hints[f.name]) for f in dataclasses.fields(hint)}}
    return getattr(hint, "__name__", str(hint))


def sample(hint: Any) -> Any:
    """A value of a type, the same each time: 1, "text", 0.5, True, one item of a list."""
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        return sample(next(a for a in typing.get_args(hint) if a is not type(None)))
    if origin is typing.Literal:
        return typing.get_args(hint)[0]
    if origin is list:
        return [sample(typing.get_args(hint)[0])]
    if origin is tuple:
        args = typing.get_args(hint)
        return (sample(args[0]),) if args[-1] is Ellipsis else tuple(sample(a) for a in args)
    if origin is dict:
        key, value = typing.get_args(hint)
        return {sample(key): sample(value)}
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        hints = typing.get_type_hints(hint)
        fields = [f for f in dataclasses.fields(hint) if f.init]
        return hint(**{f.name: sample(hints[f.name]) for f in fields})
    return {int: 1, str: "text", float: 0.5, bool: True}.get(hint)


def current() -> dict[str, Any]:
    """The frames the code writes now."""
    return {
        "version": messages.PROTOCOL_VERSION,
        "messages": {
            name: {
                "shape": shape(cls),
                "frame": json.loads(messages.encode(sample(cls))),
            }
            for name, cls in sorted(kinds().items())
        },
    }


def main() -> int:
    if sys.argv[1:] != ["--write"]:
        print(__doc__)
        return 2
    stored = json.loads(FRAMES.read_text("utf-8")) if FRAMES.exists() else None
    now = current()
    if stored and stored["version"] == now["version"] and stored != now:
        print("The messages changed: raise PROTOCOL_VERSION first.", file=sys.stderr)
        return 1
    FRAMES.write_text(json.dumps(now, indent=1, ensure_ascii=False) + "\n", "utf-8")
    print(f"Wrote {len(now['messages'])} frames of version {now['version']} to {FRAMES}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
