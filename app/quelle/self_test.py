"""`quelle --self-test`: proof that an installation (or the desktop bundle) works.

It imports every part, opens a library in a temporary folder, loads the embedded models,
adds the guide that comes with Quelle and answers one question about it with a citation.
Each step prints one line; the exit code is 0 only if all of them passed.
"""

from __future__ import annotations

import importlib
import pkgutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

QUESTION = "Does Quelle need an internet connection?"
LIBRARIES = ("torch", "sentence_transformers", "chromadb", "llama_cpp", "pypdf", "docx")


def run() -> int:
    import quelle

    package = Path(__file__).resolve().parent
    checks: list[tuple[str, Callable[[], str]]] = [
        ("import Quelle's modules", lambda: _import_all(quelle)),
        ("import the libraries", lambda: _import(LIBRARIES)),
        ("find the translations", lambda: _files(package / "i18n", "*.qm")),
        ("find the guide", lambda: _files(package / "samples", "*.md")),
    ]
    failed = False
    for name, check in checks:
        failed |= not _step(name, check)
    if not failed:
        failed = not _answer_cycle()
    print("self-test " + ("FAILED" if failed else "passed"), flush=True)
    return 1 if failed else 0


def _step(name: str, check: Callable[[], str]) -> bool:
    started = time.perf_counter()
    try:
        detail = check()
    except Exception as exc:  # a self-test reports every failure, of any kind
        print(f"FAIL {name}: {type(exc).__name__}: {exc}", flush=True)
        return False
    print(f"ok   {name} ({time.perf_counter() - started:.1f} s){': ' + detail if detail else ''}")
    return True


def _import_all(package) -> str:  # type: ignore[no-untyped-def]
    names = [m.name for m in pkgutil.walk_packages(package.__path__, package.__name__ + ".")]
    for name in names:
        importlib.import_module(name)
    return f"{len(names)} modules"


def _import(names: tuple[str, ...]) -> str:
    for name in names:
        importlib.import_module(name)
    return ", ".join(names)


def _files(folder: Path, pattern: str) -> str:
    found = sorted(p.name for p in folder.glob(pattern))
    if not found:
        raise FileNotFoundError(f"no {pattern} in {folder}")
    return ", ".join(found)


def _answer_cycle() -> bool:
    from quelle.engine.library import Library

    guide = Path(__file__).resolve().parent / "samples" / "quelle-guide.md"
    with tempfile.TemporaryDirectory(prefix="quelle-self-test-") as home:
        library = Library(home)
        try:
            steps: list[tuple[str, Callable[[], str]]] = [
                ("load the embedded models", lambda: _load(library)),
                ("add the guide", lambda: _ingest(library, guide)),
                ("answer with a citation", lambda: _ask(library)),
            ]
            return all(_step(name, check) for name, check in steps)
        finally:
            library.close()


def _load(library) -> str:  # type: ignore[no-untyped-def]
    library.load_models(chat=True)
    return f"{library.embedder().model_id}, {library.generator().model_path.name}"


def _ingest(library, guide: Path) -> str:  # type: ignore[no-untyped-def]
    report = library.ingest([guide])
    if not report.added:
        raise RuntimeError(f"not added: {report.failed}")
    return f"{report.passages} passages"


def _ask(library) -> str:  # type: ignore[no-untyped-def]
    answer = library.ask(QUESTION, write=True)  # the chat model must run, small as it is
    if not answer.found or answer.attribution is None or not answer.attribution.cited:
        raise RuntimeError(f"no cited answer: {answer.text!r}")
    first = answer.sources[min(answer.attribution.cited) - 1].passage
    return f"{answer.text[:80]!r} [{Path(first.path).name}, page {first.page}]"


if __name__ == "__main__":
    sys.exit(run())
