"""The `quelle` command: the same facade as the window, from a terminal.

With no command it opens the window. Heavy libraries load only when a command needs them,
so `quelle --help` is instant.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import logging
import os
import sys
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from quelle import __version__
from quelle.common.errors import QuelleError
from quelle.common.wording import duration_text
from quelle.model_commands import add_parser as add_models_parser
from quelle.protocol.values import DocumentInfo, Hit, IngestReport, Quote
from quelle.watch_command import add_parser as add_watch_parser

log = logging.getLogger("quelle.cli")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="quelle",
        description="Ask questions about your own documents, fully offline. "
        "Without a command, the window opens.",
    )
    parser.add_argument("--version", action="version", version=f"quelle {__version__}")
    parser.add_argument(
        "--self-test",
        action="store_true",
        help="check that this installation works (models, a library, a cited answer) and exit",
    )
    parser.add_argument(
        "--home",
        metavar="DIR",
        help="keep the library, settings and logs in DIR (also: QUELLE_HOME)",
    )
    parser.add_argument(
        "--chroma-url",
        metavar="URL",
        help="keep a new library on this Chroma server, shared with everyone who names it "
        "(http://host:8000, or http://host:8000/NAME for one of several libraries there)",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    ingest = commands.add_parser("ingest", help="add files and folders to the library")
    ingest.add_argument("paths", nargs="+", metavar="PATH")
    ingest.add_argument(
        "--password-file",
        type=Path,
        metavar="FILE",
        help="passwords for protected PDFs, one a line, tried in turn; never stored",
    )

    ask = commands.add_parser("ask", help="ask a question about the library")
    ask.add_argument("question")
    ask.add_argument("--json", action="store_true", help="print one JSON object")
    ask.add_argument(
        "--write",
        action="store_true",
        help="let the chat model write an answer even where the evidence alone is the answer",
    )

    commands.add_parser("docs", help="list the documents in the library")

    remove = commands.add_parser("remove", help="remove a document from the library")
    remove.add_argument("document", help="its id (or first characters), path or file name")

    check = commands.add_parser(
        "check", help="find and mend where the library disagrees with itself"
    )
    check.add_argument("--dry-run", action="store_true", help="only report, change nothing")
    check.add_argument("--json", action="store_true", help="print one JSON object")
    check.add_argument(
        "--rebuild",
        action="store_true",
        help="after damage: set the library's files aside and index your documents again",
    )

    add_models_parser(commands)
    add_watch_parser(commands)

    gui = commands.add_parser("gui", help="open the window (the default), adding any PATHs")
    gui.add_argument("paths", nargs="*", metavar="PATH")

    engine = commands.add_parser(
        "engine", help="serve the library to the window and other commands (the window starts it)"
    )
    engine.add_argument(
        "--until-idle",
        action="store_true",
        help="stop a few seconds after the last client has gone",
    )
    return parser


def _with_command(argv: Sequence[str]) -> list[str]:
    """`quelle report.pdf` (as a file manager's "Open with" runs it) means `quelle gui
    report.pdf`."""
    argv = list(argv)
    for i, arg in enumerate(argv):
        if arg in ("--home", "--chroma-url"):
            continue
        if i and argv[i - 1] in ("--home", "--chroma-url") or arg.startswith("-"):
            continue
        if arg not in COMMANDS and Path(arg).exists():
            argv.insert(i, "gui")
        break
    return argv


COMMANDS = ("ingest", "ask", "docs", "remove", "check", "models", "watch", "gui", "engine")


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(_with_command(sys.argv[1:] if argv is None else argv))
    if args.self_test:
        from quelle.self_test import run as self_test

        return self_test()
    if args.command in (None, "gui"):
        from quelle.ui.app import run

        return run(args.home, getattr(args, "paths", []))
    from quelle.common.logs import setup_logging
    from quelle.common.paths import Paths
    from quelle.engine.library import open_library

    if args.command == "models":
        from quelle import model_commands

        setup_logging(Paths.resolve(args.home).ensure().log_file)
        return model_commands.run(args)
    if args.command == "watch":
        from quelle import watch_command

        setup_logging(Paths.resolve(args.home).ensure().log_file)
        try:
            return watch_command.run(args)
        except QuelleError as exc:
            print(f"quelle: {exc}", file=sys.stderr)
            return 1
    if args.command == "engine":
        from quelle.engine.server import serve

        return serve(Paths.resolve(args.home), until_idle=args.until_idle)

    def waiting() -> None:
        print(
            "quelle: another Quelle process is working on this library; waiting for it…",
            file=sys.stderr,
        )

    try:
        library = open_library(args.home, on_wait=waiting)
    except QuelleError as exc:
        print(f"quelle: {exc}", file=sys.stderr)
        return 2
    setup_logging(library.paths.log_file)
    handlers = {
        "ingest": _ingest,
        "ask": _ask,
        "docs": _docs,
        "remove": _remove,
        "check": _check,
    }
    try:
        if args.chroma_url is not None and library.settings.chroma_url != args.chroma_url:
            library.update_settings(library.settings.replace(chroma_url=args.chroma_url))
        status = handlers[args.command](library, args)
        sys.stdout.flush()  # here, where a reader gone away is caught, not at exit
        return status
    except QuelleError as exc:
        log.info("Command failed: %s", exc)
        print(f"quelle: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\nquelle: stopped.", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader of the output has gone (`quelle docs | head -1`): it read what it wanted.
        # What is still buffered goes nowhere, so the exit does not fail on it again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except Exception as exc:
        log.exception("Unexpected error in 'quelle %s'", args.command)
        from quelle.engine.index.faults import explained

        if (known := explained(exc)) is not None:  # a full disk, a damaged library
            print(f"quelle: {known}", file=sys.stderr)
            return 1
        print(f"quelle: unexpected error; details are in {library.paths.log_file}", file=sys.stderr)
        return 1
    finally:
        for notice in getattr(library, "take_notices", list)():
            print(f"quelle: {notice}", file=sys.stderr)
        library.close()


class _ProgressBar:
    """One line on the terminal: bar, files done, current file, ETA."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream
        self._last = 0.0
        self._tty = stream.isatty()

    def __call__(self, progress) -> None:  # type: ignore[no-untyped-def]
        now = time.monotonic()
        final = progress.files_done == progress.files_total
        if now - self._last < (0.1 if self._tty else 5.0) and not final:
            return
        self._last = now
        width = 24
        filled = int(width * progress.fraction)
        eta = duration_text(progress.eta_seconds) if progress.eta_seconds is not None else "--"
        name = Path(progress.event.path).name
        line = (
            f"[{'#' * filled}{'.' * (width - filled)}] {progress.fraction:4.0%} "
            f"{progress.files_done}/{progress.files_total} files, ETA {eta}  {name[:40]}"
        )
        if self._tty:
            self._stream.write("\r\x1b[K" + line)
        else:
            self._stream.write(line + "\n")
        self._stream.flush()

    def close(self) -> None:
        if self._tty:
            self._stream.write("\n")


def _ingest(library, args) -> int:  # type: ignore[no-untyped-def]
    passwords = _passwords(args.password_file) if args.password_file else []
    bar = _ProgressBar(sys.stderr)
    try:
        report = library.ingest(args.paths, on_progress=bar, passwords=passwords)
    finally:
        bar.close()
    return _ingested(report)


def _passwords(file: Path) -> list[str]:
    """The lines of `file`, as typed (only the line ends dropped)."""
    try:
        text = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise QuelleError(f"Could not read the password file '{file}': {exc}") from exc
    return [line for line in text.splitlines() if line]


def _ingested(report: IngestReport) -> int:
    print(
        f"Added {len(report.added)} documents ({report.passages} passages), "
        f"{len(report.unchanged)} unchanged, {len(report.failed)} failed "
        f"in {duration_text(report.seconds)}."
    )
    for path, reason in report.failed:
        print(f"  failed: {path}: {reason}")
    if report.cancelled:
        print("Stopped before all files were indexed.")
    return 0 if (report.added or report.unchanged) else 1


def _ask(library, args) -> int:  # type: ignore[no-untyped-def]
    if not library.documents():
        raise QuelleError("The library is empty. Add documents first: quelle ingest PATH")
    stream = None if args.json else sys.stdout

    def on_found(sources: list[Hit], evidence: list[Quote]) -> None:
        if stream and evidence:
            stream.write(_evidence_text(evidence) + "\n")
            stream.flush()

    def on_token(piece: str) -> None:
        if stream:
            stream.write(piece)
            stream.flush()

    answer = library.ask(
        args.question,
        on_token=on_token,
        cancel=threading.Event(),
        on_found=on_found,
        write=True if args.write else None,
    )
    if args.json:
        print(json.dumps(_answer_json(answer), ensure_ascii=False, indent=2))
        return 0
    if answer.evidence_only:
        print(
            "(The chat model is too small to write reliable answers: the evidence above is the"
            " answer. Add --write to let it write one.)"
        )
    else:
        print()
    print(_answer_footer(answer), end="")
    return 0


def _evidence_text(evidence: list[Quote]) -> str:
    """The quoted evidence as the terminal shows it before the model's answer."""
    lines = ["From your documents:"]
    for q in evidence:
        lines.append(f"  “{' '.join(q.text.split())}” [{q.n}]")
        if q.reading:
            lines.append(f"    read as: {q.reading}")
    return "\n".join(lines) + "\n"


def _answer_footer(answer) -> str:  # type: ignore[no-untyped-def]
    """After the streamed answer: the sources it rests on, those only consulted (numbered as
    in the answer's markers) and the sentences no passage supports."""
    if not answer.sources:
        return ""
    lines = ["", "Sources:"]
    consulted = []
    for n, hit in enumerate(answer.sources, start=1):
        line = f"[{n}] {Path(hit.passage.path).name}, page {hit.passage.page}"
        if answer.cites(n):
            lines.append(line)
        else:
            consulted.append(line)
    if len(lines) == 2:
        lines.append("(none: no passage supports this answer)")
    if consulted:
        lines += ["Also consulted:", *consulted]
    unsupported = answer.attribution.unsupported if answer.attribution else []
    if unsupported:
        lines += ["", "Not supported by your documents:"]
        lines += [f"- {sentence}" for sentence in unsupported]
    if answer.check_seconds is not None:
        lines += ["", f"Checked by the entailment model in {answer.check_seconds:.2f} s."]
    return "\n".join(lines) + "\n"


def _answer_json(answer) -> dict:  # type: ignore[no-untyped-def,type-arg]
    attribution = answer.attribution
    return {
        "question": answer.question,
        "answer": answer.text,
        "found": answer.found,
        "written": answer.written,
        "evidence": [
            {"source": q.n, "text": q.text, "reading": q.reading} for q in answer.evidence
        ],
        "sources": [
            {
                "n": n,
                "file": h.passage.path,
                "page": h.passage.page,
                "score": round(h.score, 6),
                "similarity": round(h.similarity, 4),
                "passage_id": h.passage.passage_id,
                "cited": answer.cites(n),
                "text": h.passage.text,
            }
            for n, h in enumerate(answer.sources, start=1)
        ],
        "sentences": [
            {"text": attribution.text[s.start : s.end], "source": s.passage}
            for s in (attribution.sentences if attribution else ())
        ],
        "unsupported": attribution.unsupported if attribution else [],
        "timings": answer.figures(),
    }


def _owned(library) -> bool:  # type: ignore[no-untyped-def]
    """Whether this command opened the library itself, not through a window's engine: then
    nobody else is indexing it."""
    from quelle.engine.library import Library

    return isinstance(library, Library)


def _docs(library, args) -> int:  # type: ignore[no-untyped-def]
    docs = library.documents()
    if not docs:
        print("The library is empty.")
        return 0
    cut_off = _owned(library)  # a document still "indexing" was cut off
    for d in docs:
        added = time.strftime("%Y-%m-%d %H:%M", time.localtime(d.added))
        state = "" if d.state == "ready" else f"  ({d.state})"
        if cut_off and d.state == "indexing":
            state = "  (indexing was cut off; 'quelle check' finishes it)"
        print(
            f"{d.doc_id[:10]}  {d.title}  {d.pages} pages, {d.passages} passages, "
            f"added {added}{state}"
        )
    return 0


def _remove(library, args) -> int:  # type: ignore[no-untyped-def]
    doc = find_document(library.documents(), args.document)
    if doc is None:
        raise QuelleError(
            f"No single document matches '{args.document}'. See 'quelle docs' for ids and names."
        )
    library.remove(doc.doc_id)
    print(f"Removed {doc.title}.")
    return 0


_PROBLEMS = (
    ("orphan_vectors", "Vectors without a passage", "deleted"),
    ("missing_vectors", "Passages without a vector", "embedded again"),
    ("orphan_terms", "Keyword entries without a passage", "deleted"),
    ("missing_terms", "Passages missing from keyword search", "indexed again"),
    ("dangling_paths", "File paths of documents that are gone", "forgotten"),
    ("pathless_documents", "Documents no file path leads to", "removed"),
    ("unfinished_documents", "Documents whose indexing was cut off", "finished"),
)


def _rebuild(library) -> int:  # type: ignore[no-untyped-def]
    if not _owned(library):
        raise QuelleError(
            "Close Quelle's window first: the library is rebuilt by this command alone."
        )
    bar = _ProgressBar(sys.stderr)
    try:
        report, gone = library.rebuild(on_progress=bar)
    finally:
        bar.close()
    aside = sorted(library.paths.index_dir.glob("damaged-*"))[-1]
    print(f"The damaged files are set aside in {aside}.")
    for path in gone:
        print(f"  gone, not added again: {path}")
    if not (report.added or report.unchanged or report.failed or gone):
        print("No list of the library's files was left to rebuild from: add them again.")
        return 1
    return _ingested(report)


def _check(library, args) -> int:  # type: ignore[no-untyped-def]
    """Exit status 0 when the library is consistent (or was mended), 1 when problems stay."""
    if args.rebuild:
        return _rebuild(library)
    report = library.check(repair=not args.dry_run)
    if args.json:
        print(json.dumps({**dataclasses.asdict(report), "problems": report.problems}))
    else:
        print(
            f"Checked {report.documents} documents, {report.passages} passages and "
            f"{report.vectors} vectors."
        )
        for field, what, mended in _PROBLEMS:
            if count := getattr(report, field):
                print(f"  {what}: {count}" + (f" ({mended})" if report.repaired else ""))
        for title in report.short_documents:
            print(f"  {title} has lost passages: remove it and add the file again.")
        if not report.problems:
            print("Everything is consistent.")
        elif not report.repaired:
            print("Nothing was changed; run 'quelle check' without --dry-run to mend this.")
    return 1 if report.short_documents or (report.problems and not report.repaired) else 0


def find_document(docs: Sequence[DocumentInfo], key: str) -> DocumentInfo | None:
    """The one document `key` names: its id (or first characters), its path, its file name,
    or a file with the same content."""
    path = Path(key).expanduser()
    from quelle.engine.reading.preparation import file_hash

    content = file_hash(path) if path.is_file() else None
    absolute = str(path.absolute())
    matches = [
        d
        for d in docs
        if d.doc_id == content
        or d.path == absolute
        or d.doc_id.startswith(key)
        or d.title == key
        or d.path == key
    ]
    return matches[0] if len(matches) == 1 else None
