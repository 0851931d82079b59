"""The lock and pyproject.toml agree, and the check that says so fails when they do not."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

from conftest import REPO


def _check_lock() -> ModuleType:
    spec = importlib.util.spec_from_file_location("check_lock", REPO / "packaging/check_lock.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["check_lock"] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


PYPROJECT = """
[project]
name = "quelle"
dependencies = ["chromadb>=1.0", "numpy>=1.24"]
[project.optional-dependencies]
test = ["pytest>=8"]
bundle = []
"""


def _entry(pin: str, *via: str) -> str:
    lines = [f"{pin} \\", "    --hash=sha256:" + "0" * 64]
    if len(via) == 1:
        lines.append(f"    # via {via[0]}")
    else:
        lines += ["    # via", *(f"    #   {v}" for v in via)]
    return "\n".join(lines)


def _write(tmp_path: Path, run: list[str], dev: list[str], pyproject: str = PYPROJECT) -> Path:
    (tmp_path / "pyproject.toml").write_text(pyproject)
    lock = tmp_path / "lock"
    lock.mkdir()
    (lock / "quelle.txt").write_text("\n".join(run) + "\n")
    (lock / "dev.txt").write_text("\n".join(dev) + "\n")
    return lock


OWN = "quelle (pyproject.toml)"
RUN = [
    _entry("chromadb==1.5.9", OWN),
    _entry("numpy==2.4.6", "chromadb", OWN),
]
DEV = [*RUN, _entry("pytest==9.2.0", OWN)]


def test_the_repository_lock_agrees_with_pyproject() -> None:
    assert _check_lock().problems() == []


def test_a_matching_lock_has_no_problems(tmp_path: Path) -> None:
    lock = _write(tmp_path, RUN, DEV)
    assert _check_lock().problems(tmp_path / "pyproject.toml", lock) == []


def test_a_dependency_added_to_pyproject_only_is_named(tmp_path: Path) -> None:
    pyproject = PYPROJECT.replace('"numpy>=1.24"', '"numpy>=1.24", "psutil>=5.9"')
    lock = _write(tmp_path, RUN, DEV, pyproject)
    found = _check_lock().problems(tmp_path / "pyproject.toml", lock)
    assert found == [
        "quelle.txt: psutil is in pyproject.toml but not pinned",
        "dev.txt: psutil is in pyproject.toml but not pinned",
    ]


def test_a_dependency_left_in_the_lock_only_is_named(tmp_path: Path) -> None:
    pyproject = PYPROJECT.replace(', "numpy>=1.24"', "")
    lock = _write(tmp_path, RUN, DEV, pyproject)
    found = _check_lock().problems(tmp_path / "pyproject.toml", lock)
    assert any("quelle.txt: numpy is pinned as Quelle's own" in line for line in found)


def test_a_pin_outside_the_range_and_a_pin_without_hash_are_named(tmp_path: Path) -> None:
    pyproject = PYPROJECT.replace("numpy>=1.24", "numpy>=3")
    run = [_entry("chromadb==1.5.9", OWN), "numpy==2.4.6\n    # via quelle (pyproject.toml)"]
    lock = _write(tmp_path, run, [*run, DEV[-1]], pyproject)
    found = _check_lock().problems(tmp_path / "pyproject.toml", lock)
    assert "quelle.txt: numpy==2.4.6 is outside pyproject.toml's '>=3'" in found
    assert "quelle.txt: numpy==2.4.6 has no hash" in found


def test_run_and_test_locks_must_share_versions(tmp_path: Path) -> None:
    dev = [RUN[0], _entry("numpy==2.4.5", "chromadb", OWN), DEV[-1]]
    lock = _write(tmp_path, RUN, dev)
    found = _check_lock().problems(tmp_path / "pyproject.toml", lock)
    assert found == ["numpy is 2.4.6 in quelle.txt but 2.4.5 in dev.txt"]
