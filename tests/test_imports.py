"""The facade and the CLI start without loading Qt, torch, llama.cpp or Chroma."""

from __future__ import annotations

import subprocess
import sys

HEAVY = ("PySide6", "torch", "llama_cpp", "chromadb", "sentence_transformers", "transformers")


def test_facade_and_cli_import_no_heavy_library() -> None:
    code = (
        "import sys, quelle.engine.library, quelle.engine.server, quelle.protocol.client\n"
        "import quelle.cli\n"
        f"print([m for m in {HEAVY!r} if m in sys.modules])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_help_lists_the_commands() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "quelle", "--help"],
        capture_output=True,
        text=True,
        check=True,
        timeout=20,
    )
    for command in ("ingest", "ask", "docs", "remove"):
        assert command in out.stdout
