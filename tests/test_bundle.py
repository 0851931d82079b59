"""The desktop bundle as a user runs it: its self-test, then the CLI's ingest and ask cycle.

Skipped unless QUELLE_BUNDLE names a built bundle folder:
    bash packaging/build_bundle.sh
    QUELLE_BUNDLE=dist/quelle bash tests/run.sh tests/test_bundle.py
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from conftest import APPLE_Q3_2022, REPO, needs_eval

BUNDLE = os.environ.get("QUELLE_BUNDLE", "")
GUIDE = REPO / "app" / "quelle" / "samples" / "quelle-guide.md"
QUESTION = "Does Quelle need an internet connection?"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not BUNDLE,
        reason="QUELLE_BUNDLE is not set (build with packaging/build_bundle.sh, "
        "then QUELLE_BUNDLE=dist/quelle)",
    ),
]


@pytest.fixture(scope="module")
def executable() -> Path:
    path = Path(BUNDLE).resolve() / "quelle"
    if not path.is_file():
        pytest.fail(f"QUELLE_BUNDLE={BUNDLE} holds no executable 'quelle'")
    return path


def run(executable: Path, *args: str, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    """The bundle's `quelle ARGS`, with nothing of the test's virtualenv in its environment."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("QUELLE_HOME", "PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")
    }
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    return subprocess.run(
        [str(executable), *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
        cwd=REPO,
    )


def explain(result: subprocess.CompletedProcess[str]) -> str:
    return f"exit {result.returncode}\nstdout:\n{result.stdout}\nstderr:\n{result.stderr[-3000:]}"


def test_self_test_passes(executable: Path) -> None:
    result = run(executable, "--self-test")

    assert result.returncode == 0, explain(result)
    assert "self-test passed" in result.stdout, explain(result)
    assert "FAIL" not in result.stdout, explain(result)


def test_ingest_then_ask_gives_a_cited_answer(executable: Path, tmp_path: Path) -> None:
    home = str(tmp_path / "home")

    ingested = run(executable, "--home", home, "ingest", str(GUIDE))
    asked = run(executable, "--home", home, "ask", "--json", "--write", QUESTION)

    assert ingested.returncode == 0, explain(ingested)
    assert "Added 1 documents" in ingested.stdout, explain(ingested)
    assert asked.returncode == 0, explain(asked)
    answer = json.loads(asked.stdout)
    assert answer["found"], explain(asked)
    cited = [s for s in answer["sources"] if s["cited"]]
    assert cited, explain(asked)
    assert {Path(s["file"]).name for s in cited} == {"quelle-guide.md"}
    assert any(sentence["source"] for sentence in answer["sentences"]), explain(asked)
    assert answer["evidence"] and answer["written"], explain(asked)


@needs_eval(APPLE_Q3_2022)
def test_a_pdf_is_read_in_a_reader_process_of_the_bundle(executable: Path, tmp_path: Path) -> None:
    home = str(tmp_path / "home")

    ingested = run(executable, "--home", home, "ingest", str(APPLE_Q3_2022))
    listed = run(executable, "--home", home, "docs")

    assert ingested.returncode == 0, explain(ingested)
    assert "0 failed" in ingested.stdout, explain(ingested)
    assert APPLE_Q3_2022.name in listed.stdout, explain(listed)


def test_the_bundle_watches_a_folder_and_reads_a_scan(executable: Path, tmp_path: Path) -> None:
    """watchdog's system watcher, pdfium and the system's Tesseract, as the bundle carries
    or finds them: a scanned page in a watched folder is taken in."""
    import signal

    from test_ocr import LINES, scan

    folder = tmp_path / "Scans"
    folder.mkdir()
    scan(folder / "Abrechnung.pdf", LINES)
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    watching = subprocess.Popen(
        [str(executable), "--home", str(tmp_path / "home"), "watch", str(folder)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**env, "QT_QPA_PLATFORM": "offscreen"},
    )
    assert watching.stdout is not None
    lines = []
    for line in watching.stdout:
        lines.append(line.rstrip())
        if " failed in " in line:
            break
    watching.send_signal(signal.SIGINT)
    watching.wait(timeout=60)
    said = "\n".join(lines)
    assert f"added {folder / 'Abrechnung.pdf'}" in said, said
    assert "1 added, 0 moved, 0 removed, 0 failed" in said, said
