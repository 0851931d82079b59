"""Nothing leaves the library's home: a full ingest and answer writes no file outside
`--home` and the machine's model cache, and no library phones home."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from conftest import REPO

GUIDE = REPO / "app" / "quelle" / "samples" / "quelle-guide.md"


def _files(root: Path, skip: list[Path]) -> set[Path]:
    found = set()
    for folder, dirs, names in os.walk(root):
        here = Path(folder)
        dirs[:] = [d for d in dirs if here / d not in skip]
        found.update(here / name for name in names)
    return found


@pytest.mark.slow
def test_ingest_and_answer_write_nothing_outside_home_and_model_cache(tmp_path: Path) -> None:
    user = tmp_path / "user"  # the $HOME of the commands: every dot-folder would land here
    user.mkdir()
    home = tmp_path / "quelle-home"
    encoders = Path(os.environ["QUELLE_ENCODERS"])  # the machine's model cache, for tests
    shared_tmp = Path(tempfile.gettempdir())
    # This test's own folder, the model cache and the folders of other runs' tests.
    skip = [tmp_path, encoders, *shared_tmp.glob("pytest-of-*")]
    before = _files(shared_tmp, skip)
    # Not CI's variables either: onnxruntime keeps its telemetry off by itself where CI is set.
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("XDG_", "QUELLE_HOME", "ORT_")) and not k.endswith("CI")
    }
    env |= {"HOME": str(user), "QUELLE_ENCODERS": str(encoders)}
    for args in (["ingest", str(GUIDE)], ["ask", "Does Quelle need an internet connection?"]):
        result = subprocess.run(
            [sys.executable, "-m", "quelle", "--home", str(home), *args],
            capture_output=True,
            text=True,
            timeout=900,
            env=env,
        )
        assert result.returncode == 0, result.stderr[-2000:]
    assert _files(user, []) == set()
    assert _files(shared_tmp, skip) - before == set()
    assert any(home.rglob("chroma.sqlite3"))  # the library itself is where it belongs
