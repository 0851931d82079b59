from __future__ import annotations

import json
from pathlib import Path

import pytest

from quelle.common.paths import Paths
from quelle.common.settings import SCHEMA_VERSION, Settings, load_settings, save_settings


def test_settings_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    changed = Settings().replace(temperature=0.7, passages_per_answer=8, hybrid_search=False)
    save_settings(changed, path)
    assert load_settings(path) == changed
    assert json.loads(path.read_text())["schema_version"] == SCHEMA_VERSION


def test_damaged_or_foreign_settings_fall_back_to_defaults(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.write_text("{not json")
    assert load_settings(path) == Settings()
    path.write_text(json.dumps({"temperature": "hot", "top_k": 12, "unknown": 1}))
    loaded = load_settings(path)
    assert loaded.temperature == Settings().temperature and loaded.top_k == 12


def test_home_redirects_every_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    paths = Paths.resolve(tmp_path / "h").ensure()
    for folder in (paths.config_dir, paths.data_dir, paths.log_dir, paths.cache_dir):
        assert folder.is_dir() and tmp_path in folder.parents
    monkeypatch.setenv("QUELLE_HOME", str(tmp_path / "env"))
    assert Paths.resolve().data_dir == (tmp_path / "env" / "data").resolve()
