"""Nothing leaves the library's home: a full ingest and answer writes no file outside
`--home` and the machine's model cache, and no library phones home."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from conftest import REPO

GUIDE = REPO / "app" / "quelle" / "samples" / "quelle-guide.md"

# Runs in a mount namespace of its own, whose /tmp is a new, empty file system: whatever is
# in it afterwards was written by Quelle (other programs on the machine write elsewhere).
SCRIPT = """
set -e
mkdir -p "$OUT/encoders" && mount --bind "$ENCODERS" "$OUT/encoders"
mount -t tmpfs tmpfs /tmp
export HOME="$OUT/user" QUELLE_ENCODERS="$OUT/encoders"
{python} -m quelle --home "$OUT/home" ingest {guide}
{python} -m quelle --home "$OUT/home" ask "Does Quelle need an internet connection?"
find /tmp -mindepth 1 > "$OUT/left-in-tmp.txt"
"""


def _private_tmp_works() -> bool:
    if os.geteuid() != 0 or not shutil.which("unshare"):
        return False
    probe = ["unshare", "--mount", "--propagation", "private", "mount", "-t", "tmpfs", "x", "/tmp"]
    return subprocess.run(probe, capture_output=True).returncode == 0


@pytest.mark.slow
@pytest.mark.skipif(not _private_tmp_works(), reason="needs root to give Quelle its own /tmp")
def test_ingest_and_answer_write_nothing_outside_home_and_model_cache() -> None:
    (REPO / "build").mkdir(exist_ok=True)
    out = Path(tempfile.mkdtemp(prefix="privacy-", dir=REPO / "build"))  # outside /tmp
    try:
        (out / "user").mkdir()
        # Not CI's variables: onnxruntime keeps its telemetry off by itself where CI is set.
        env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("XDG_", "QUELLE_HOME", "ORT_")) and not k.endswith("CI")
        }
        env |= {"OUT": str(out), "ENCODERS": os.environ["QUELLE_ENCODERS"]}
        Path(env["ENCODERS"]).mkdir(parents=True, exist_ok=True)
        script = SCRIPT.format(python=shlex.quote(sys.executable), guide=shlex.quote(str(GUIDE)))
        result = subprocess.run(
            ["unshare", "--mount", "--propagation", "private", "sh", "-c", script],
            capture_output=True,
            text=True,
            timeout=900,
            env=env,
        )
        assert result.returncode == 0, result.stderr[-2000:]
        assert "[1]" in result.stdout  # it did answer, from the guide
        assert (out / "left-in-tmp.txt").read_text() == ""
        assert [str(p) for p in (out / "user").rglob("*")] == []  # nothing under $HOME
        assert any((out / "home").rglob("chroma.sqlite3"))  # the library is where it belongs
    finally:
        shutil.rmtree(out, ignore_errors=True)
