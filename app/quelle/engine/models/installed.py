"""The models on this computer: built in, downloaded from the catalogue, or imported.

Downloaded models live in `<data>/models/<id>/` with a manifest; an imported GGUF stays where
the user keeps it and is remembered in `models/imported.json`. Settings name the models in use
by path, so a model can be removed or moved without Quelle's knowledge; `Library` falls back to
the built-in model then, and says so.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
from pathlib import Path

from quelle.common.errors import ModelError, QuelleError
from quelle.common.settings import Settings
from quelle.common.wording import say
from quelle.engine.models.catalogue import catalog, entry
from quelle.engine.models.downloads import MANIFEST, PARTIAL
from quelle.engine.models.gguf import read_gguf_info
from quelle.protocol.values import MODEL_SETTING, CatalogEntry, InstalledModel, Kind

log = logging.getLogger(__name__)

IMPORTED = "imported.json"


def _size(path: Path) -> int:
    if path.is_file():
        return path.stat().st_size
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


class ModelStore:
    """The models folder: what is installed there, and importing and removing models."""

    def __init__(self, models_dir: Path) -> None:
        self.dir = models_dir

    def installed(self) -> list[InstalledModel]:
        models = [
            InstalledModel(e.id, e.kind, e.name, "", e.size_mb * 2**20, "built in")
            for e in catalog()
            if e.bundled
        ]
        for e in catalog():
            if (path := self.path_of(e)) is not None and not e.bundled:
                size = _size(path)
                models.append(InstalledModel(e.id, e.kind, e.name, str(path), size, "downloaded"))
        for path_text, name in self._imported().items():
            path = Path(path_text)
            if path.is_file():
                size = path.stat().st_size
                models.append(InstalledModel(path.stem, "chat", name, path_text, size, "imported"))
        return models

    def path_of(self, catalogued: CatalogEntry) -> Path | None:
        """Where a downloaded model is, if it is complete."""
        folder = self.dir / catalogued.id
        if not (folder / MANIFEST).is_file():
            return None
        return folder / catalogued.file if catalogued.file else folder

    def find(self, key: str, among: list[InstalledModel] | None = None) -> InstalledModel | None:
        """By id, or by the path Settings keep; `among` a list `installed()` gave already."""
        models = self.installed() if among is None else among
        return next((m for m in models if key == m.id or (m.path and key == m.path)), None)

    def in_use(
        self, settings: Settings, kind: Kind, among: list[InstalledModel] | None = None
    ) -> InstalledModel | None:
        models = self.installed() if among is None else among
        value = getattr(settings, MODEL_SETTING[kind])
        if not value:
            return next((m for m in models if m.kind == kind and not m.setting), None)
        return next((m for m in models if m.setting == value), None)

    def import_gguf(self, path: Path) -> InstalledModel:
        """Remember a local GGUF after checking its header; `ModelError` says what is wrong."""
        path = path.expanduser().resolve()
        info = read_gguf_info(path)
        imported = self._imported()
        label = f"{info.name} ({info.quantisation})" if info.quantisation else info.name
        imported[str(path)] = label
        self._save_imported(imported)
        return InstalledModel(path.stem, "chat", label, str(path), info.size_bytes, "imported")

    def remove(self, model: InstalledModel) -> None:
        """Delete a downloaded model or forget an imported one (its file stays)."""
        if model.source == "built in":
            raise QuelleError(
                say("{model} comes with Quelle and cannot be removed.", model=model.name)
            )
        if model.source == "imported":
            imported = self._imported()
            imported.pop(model.path, None)
            self._save_imported(imported)
            return
        shutil.rmtree(self.dir / model.id)

    def partial_ids(self) -> list[str]:
        """Downloads that were interrupted and can resume."""
        folder = self.dir / PARTIAL
        return sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []

    def _imported(self) -> dict[str, str]:
        try:
            data = json.loads((self.dir / IMPORTED).read_text("utf-8"))
        except FileNotFoundError:
            return {}
        except (OSError, ValueError) as exc:
            log.warning("%s unreadable (%s); imported models forgotten", IMPORTED, exc)
            return {}
        return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}

    def _save_imported(self, imported: dict[str, str]) -> None:
        self.dir.mkdir(parents=True, exist_ok=True)
        tmp = self.dir / (IMPORTED + ".tmp")
        tmp.write_text(json.dumps(imported, indent=1, ensure_ascii=False), "utf-8")
        os.replace(tmp, self.dir / IMPORTED)


def catalog_entry_or_error(model_id: str) -> CatalogEntry:
    found = entry(model_id)
    if found is None:
        raise ModelError(
            f"'{model_id}' is not in Quelle's model catalogue; see `quelle models list`."
        )
    return found
