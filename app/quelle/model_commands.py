"""`quelle models`: the model catalogue from a terminal (list, download, use, import, remove)."""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

from quelle.common.errors import ModelError, QuelleError
from quelle.common.paths import Paths
from quelle.common.wording import duration_text
from quelle.protocol.messages import Done, DownloadProgressed, Failed, Message, encode

KIND_TITLES = {
    "chat": "Chat models",
    "embedder": "Embedders",
    "reranker": "Re-rankers",
    "checker": "Answer checkers (entailment models)",
}


def add_parser(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    models = commands.add_parser("models", help="list, download and choose models")
    sub = models.add_subparsers(dest="models_command", metavar="ACTION", required=True)
    listing = sub.add_parser("list", help="the catalogue, with what fits this computer")
    listing.add_argument("--json", action="store_true", help="print one JSON object")
    download = sub.add_parser("download", help="download a model from the catalogue")
    download.add_argument("model", help="its id, as `quelle models list` shows it")
    download.add_argument(
        "--json", action="store_true", help="progress and outcome as protocol frames, one a line"
    )
    download.add_argument("--into", metavar="DIR", help=argparse.SUPPRESS)
    use = sub.add_parser("use", help="answer (or index, or re-rank) with a model")
    use.add_argument("model", help="an id from the list, or a .gguf file")
    imported = sub.add_parser("import", help="add a local .gguf chat model file")
    imported.add_argument("path")
    remove = sub.add_parser("remove", help="delete a downloaded model (or forget an imported one)")
    remove.add_argument("model")


def run(args: argparse.Namespace) -> int:
    paths = Paths.resolve(args.home).ensure()
    action = {
        "list": _list,
        "download": _download,
        "use": _use,
        "import": _import,
        "remove": _remove,
    }[args.models_command]
    try:
        return action(paths, args)
    except QuelleError as exc:
        if getattr(args, "json", False) and args.models_command == "download":
            _frame(Failed(0, str(exc)))
        print(f"quelle: {exc}", file=sys.stderr)
        return 1


def _store(paths: Paths):  # type: ignore[no-untyped-def]
    from quelle.engine.models.installed import ModelStore

    return ModelStore(paths.models_dir)


def _list(paths: Paths, args: argparse.Namespace) -> int:
    from quelle.common.settings import load_settings
    from quelle.engine.models.catalogue import catalog
    from quelle.engine.models.fit import bundled_decode_rate, judge_fit, this_machine
    from quelle.protocol.values import KINDS, Fit

    store = _store(paths)
    settings = load_settings(paths.settings_file)
    machine = this_machine()
    rate = bundled_decode_rate(paths.cache_dir, measure=False)
    if rate is None:
        print("Measuring this computer's speed once with the built-in model…", file=sys.stderr)
        rate = bundled_decode_rate(paths.cache_dir)
    partial = set(store.partial_ids())
    rows: list[tuple[Any, Fit | None, str]] = []  # catalogue entries, imported models
    for kind in KINDS:
        in_use = store.in_use(settings, kind)
        for entry in (e for e in catalog() if e.kind == kind):
            fit = judge_fit(entry, machine, rate)
            installed = entry.bundled or store.path_of(entry) is not None
            state = (
                "in use"
                if in_use is not None and in_use.id == entry.id
                else "installed"
                if installed
                else "partly downloaded"
                if entry.id in partial
                else ""
            )
            rows.append((entry, fit, state))
        for model in store.installed():
            if model.source == "imported" and model.kind == kind:
                state = "in use" if in_use is not None and in_use.path == model.path else "imported"
                rows.append((model, None, state))
    if args.json:
        print(json.dumps(_list_json(rows, machine, rate), indent=2, ensure_ascii=False))
        return 0
    print(f"This computer: {machine.describe()}", end="")
    print(f"; the built-in chat model writes {rate:.0f} tokens/s." if rate else ".")
    heading = ""
    for item, found_fit, state in rows:
        if item.kind != heading:
            heading = item.kind
            print(f"\n{KIND_TITLES[heading]}")
        size = getattr(item, "size_mb", 0) or item.size_bytes // 2**20
        mark = "*" if state == "in use" else " "
        verdict = f"{found_fit.verdict:<10} {found_fit.reason}" if found_fit else item.path
        print(f"{mark} {item.id:<38} {_size_text(size):>8}  {state:<17} {verdict}")
    print(
        "\n* in use.  Download with: quelle models download ID;  choose with: quelle models use ID"
    )
    return 0


def _list_json(rows, machine, rate) -> dict:  # type: ignore[no-untyped-def,type-arg]
    from dataclasses import asdict

    models = []
    for item, fit, state in rows:
        data = {"id": item.id, "kind": item.kind, "name": item.name, "state": state}
        if fit is not None:
            data |= {
                "size_mb": item.size_mb,
                "licence": item.licence,
                "languages": list(item.languages),
                "context": item.context,
                "memory_mb": item.memory_mb,
                "verdict": fit.verdict,
                "reason": fit.reason,
                "tokens_per_second": fit.tokens_per_second,
            }
        else:
            data |= {"path": item.path, "size_mb": item.size_bytes // 2**20}
        models.append(data)
    return {"machine": asdict(machine), "bundled_tokens_per_second": rate, "models": models}


def _size_text(mb: int) -> str:
    return f"{mb / 1024:.1f} GB" if mb >= 1024 else f"{mb} MB"


def _download(paths: Paths, args: argparse.Namespace) -> int:
    from quelle.engine.models.downloads import Download, DownloadStopped, allow_network
    from quelle.engine.models.installed import catalog_entry_or_error
    from quelle.protocol.values import DownloadProgress

    entry = catalog_entry_or_error(args.model)
    allow_network()  # the one command that may open a connection
    download = Download(entry, Path(args.into) if args.into else paths.models_dir)
    last = 0.0

    def show(p: DownloadProgress) -> None:
        nonlocal last
        now = time.monotonic()
        if now - last < (0.25 if args.json or sys.stderr.isatty() else 5) and p.done < p.total:
            return
        last = now
        if args.json:
            _frame(DownloadProgressed(0, p))
            return
        eta = duration_text(p.eta_seconds) if p.eta_seconds is not None else "--"
        line = (
            f"{p.stage.capitalize()} {entry.name}: {p.done / 2**20:,.0f} of "
            f"{p.total / 2**20:,.0f} MB ({p.done / max(1, p.total):.0%}), "
            f"{p.speed / 2**20:.1f} MB/s, ETA {eta}"
        )
        end = "\r\x1b[K" if sys.stderr.isatty() else "\n"
        sys.stderr.write(end + line if end != "\n" else line + end)
        sys.stderr.flush()

    try:
        folder = download.run(show)
    except (KeyboardInterrupt, DownloadStopped):
        print("\nquelle: stopped; run the same command to resume.", file=sys.stderr)
        return 130
    if args.json:
        _frame(Done(0))
    else:
        print(f"\nDownloaded and verified {entry.name} into {folder}.")
        print(f"Choose it with: quelle models use {entry.id}")
    return 0


def _frame(message: Message) -> None:
    """One protocol frame a line: how a download child talks to the engine that started it
    (request 0; the engine re-addresses each frame to the request it serves)."""
    sys.stdout.write(encode(message).decode() + "\n")
    sys.stdout.flush()


def _find_installed(paths: Paths, key: str):  # type: ignore[no-untyped-def]
    from quelle.engine.models.catalogue import entry

    store = _store(paths)
    model = store.find(key) or store.find(str(Path(key).expanduser().resolve()))
    if model is not None:
        return model
    if key.endswith(".gguf") and Path(key).expanduser().is_file():
        return store.import_gguf(Path(key))
    if entry(key) is not None:
        raise ModelError(f"'{key}' is not downloaded yet: quelle models download {key}")
    raise ModelError(f"No model '{key}' here; see `quelle models list`.")


def _use(paths: Paths, args: argparse.Namespace) -> int:
    from quelle.engine.library import Library, open_library
    from quelle.protocol.values import MODEL_SETTING

    model = _find_installed(paths, args.model)
    library = open_library(args.home)
    try:
        settings = library.settings.replace(**{MODEL_SETTING[model.kind]: model.setting})
        library.update_settings(settings)
        print(f"{model.name} is now the {model.kind.replace('chat', 'chat model')}.")
        if model.kind != "embedder" or not isinstance(library, Library):
            if model.kind == "embedder":
                print("The running Quelle re-indexes the library in the background; answers")
                print("come from the old index until it has finished.")
            return 0
        if not library.switch_pending:
            return 0
        print("Re-indexing the library with it…", file=sys.stderr)
        started = time.monotonic()

        def show(done: int, total: int) -> None:
            sys.stderr.write(f"\r\x1b[K{done} of {total} passages")
            sys.stderr.flush()

        try:
            library.switch_embedder(show)
        except KeyboardInterrupt:
            print("\nquelle: stopped; Quelle goes on with it when it next opens.", file=sys.stderr)
            return 130
        print(f"\nRe-indexed in {duration_text(time.monotonic() - started)}.")
        return 0
    finally:
        library.close()


def _import(paths: Paths, args: argparse.Namespace) -> int:
    model = _store(paths).import_gguf(Path(args.path))
    print(f"Imported {model.name}: {model.size_bytes / 2**20:,.0f} MB at {model.path}.")
    print(f"Choose it with: quelle models use {model.path}")
    return 0


def _remove(paths: Paths, args: argparse.Namespace) -> int:
    from quelle.common.settings import load_settings
    from quelle.engine.models.catalogue import entry
    from quelle.engine.models.downloads import Download

    store = _store(paths)
    if (found := entry(args.model)) is not None and args.model in store.partial_ids():
        Download(found, store.dir).discard()
        print(f"Deleted the unfinished download of {found.name}.")
        if store.find(args.model) is None:
            return 0
    model = _find_installed(paths, args.model)
    if store.in_use(load_settings(paths.settings_file), model.kind) == model:
        raise QuelleError(f"{model.name} is in use; choose another model first.")
    store.remove(model)
    print(f"Removed {model.name}.")
    return 0
