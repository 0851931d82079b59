"""What the Models dialog shows, worked out in the engine: the catalogue judged for this
computer, what is installed, and which model of each kind the settings use; and the changes
the dialog asks for (import a GGUF file, remove a model), which the window never makes itself.
"""

from __future__ import annotations

from pathlib import Path

from quelle.common.errors import ModelError, QuelleError
from quelle.common.paths import Paths
from quelle.common.settings import Settings
from quelle.common.wording import say
from quelle.engine.models.bundled import chat_model_path
from quelle.engine.models.catalogue import catalog
from quelle.engine.models.fit import bundled_decode_rate, judge_fit, this_machine
from quelle.engine.models.gguf import read_gguf_info
from quelle.engine.models.installed import ModelStore
from quelle.protocol.values import (
    KINDS,
    GgufInfo,
    InstalledModel,
    Kind,
    ModelOffer,
    ModelsOverview,
)


def models_overview(paths: Paths, settings: Settings) -> ModelsOverview:
    """The models as they stand now; the decode rate only if it was measured already."""
    store = ModelStore(paths.models_dir)
    machine = this_machine()
    rate = bundled_decode_rate(paths.cache_dir, measure=False)
    installed = store.installed()
    in_use: dict[Kind, InstalledModel] = {}
    for kind in KINDS:
        if (model := store.in_use(settings, kind, installed)) is not None:
            in_use[kind] = model
    return ModelsOverview(
        machine=machine,
        decode_rate=rate,
        offers=[ModelOffer(e, judge_fit(e, machine, rate)) for e in catalog()],
        installed=installed,
        partial=store.partial_ids(),
        in_use=in_use,
    )


def import_model(paths: Paths, path: str) -> str:
    """Remember a local GGUF chat model; its path as the models list names it. `ModelError`
    says why a file is no model."""
    return ModelStore(paths.models_dir).import_gguf(Path(path)).path


def remove_model(paths: Paths, settings: Settings, key: str) -> None:
    """Delete a downloaded model or forget an imported one (by id or path), unless in use."""
    store = ModelStore(paths.models_dir)
    installed = store.installed()
    model = store.find(key, installed)
    if model is None:
        raise ModelError(say("No model '{model}' is installed here.", model=key))
    if store.in_use(settings, model.kind, installed) == model:
        raise QuelleError(say("{model} is in use; choose another model first.", model=model.name))
    try:
        store.remove(model)
    except OSError as exc:
        raise QuelleError(
            say("Could not remove {model}: {error}", model=model.name, error=exc.strerror or exc)
        ) from exc


def describe_chat_model(setting: str) -> GgufInfo:
    """The header facts of the chat model a setting names (empty: the built-in one)."""
    return read_gguf_info(chat_model_path(setting))
