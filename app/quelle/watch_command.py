"""`quelle watch`: follow folders from a terminal.

The engine does the watching, as it does for the window: this command joins the engine that
serves the library (starting one if none does), tells it which folders to watch, and prints
what it takes in until Ctrl+C. The folders stay watched whenever Quelle runs (the window, or
this command again), and each new start catches up on what changed meanwhile.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

from quelle.common.commands import quelle_command
from quelle.common.errors import QuelleError
from quelle.common.paths import Paths
from quelle.common.wording import duration_text
from quelle.protocol.client import EngineClient, connect
from quelle.protocol.messages import Failed, FoldersSynced, Message, Notice, WatchedFolders
from quelle.protocol.values import FolderChanges, WatchedFolder

START_SECONDS = 120.0  # how long a new engine may take to answer (it may wait for a lock)
LISTED = 20  # files named one by one in a round; beyond that, a count


def add_parser(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    watch = commands.add_parser(
        "watch",
        help="follow folders: index new and changed files, forget deleted ones",
        description="Watch FOLDERs and print what is taken in, until Ctrl+C. The folders "
        "stay watched whenever Quelle runs, and each start catches up on what changed "
        "while it was closed. Without FOLDERs, follows the folders already watched.",
    )
    watch.add_argument("folders", nargs="*", metavar="FOLDER")
    watch.add_argument(
        "--include",
        action="append",
        default=[],
        metavar="GLOB",
        help="only files whose name or path in the folder matches (repeatable): '*.pdf'",
    )
    watch.add_argument(
        "--exclude",
        action="append",
        default=[],
        metavar="GLOB",
        help="leave out files whose name or path in the folder matches (repeatable): 'drafts/*'",
    )
    watch.add_argument("--list", action="store_true", help="list the watched folders and exit")
    watch.add_argument(
        "--stop", action="store_true", help="stop watching FOLDERs (their documents stay)"
    )


def run(args: argparse.Namespace) -> int:
    client = _engine(args.home)
    try:
        if args.stop:
            if not args.folders:
                raise QuelleError("Name the folders to stop watching.")
            for folder in map(_absolute, args.folders):
                client.unwatch(folder)
                print(f"No longer watching {folder}.")
            return 0
        for folder in map(_absolute, args.folders):
            client.watch(WatchedFolder(folder, args.include, args.exclude))
        folders = client.watched()
        if args.list:
            _print_folders(folders)
            return 0
        if not folders:
            raise QuelleError("No folder is watched. Name one: quelle watch FOLDER")
        print(f"Watching {len(folders)} folder{'s' * (len(folders) != 1)}:")
        _print_folders(folders)
        print("(Ctrl+C stops this command; the folders are watched whenever Quelle runs.)")
        sys.stdout.flush()
        try:
            client.follow(_tell)
        except KeyboardInterrupt:
            print()
        return 0
    finally:
        client.close()


def _absolute(folder: str) -> str:
    return str(Path(folder).expanduser().absolute())


def _engine(home: str | None) -> EngineClient:
    """The engine serving the library, started if none does."""
    paths = Paths.resolve(home).ensure()
    found = connect(paths)
    if found is None:
        subprocess.Popen(
            quelle_command("engine", "--until-idle", home=home),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,  # Ctrl+C here is not the engine's: it ends when idle
        )
        deadline = time.monotonic() + START_SECONDS
        while (found := connect(paths)) is None:
            if time.monotonic() > deadline:
                log_file = paths.log_file.with_name("engine.log")
                raise QuelleError(f"The Quelle engine did not start; details are in {log_file}.")
            time.sleep(0.2)
    return EngineClient(paths, *found)


def _print_folders(folders: list[WatchedFolder]) -> None:
    if not folders:
        print("No folder is watched.")
    for f in folders:
        patterns = [f"only {', '.join(f.include)}"] if f.include else []
        patterns += [f"not {', '.join(f.exclude)}"] if f.exclude else []
        print(f"  {f.folder}" + (f"  ({'; '.join(patterns)})" if patterns else ""))


def _tell(event: Message) -> None:
    """One event from the engine, as lines on the terminal."""
    stamp = time.strftime("%H:%M:%S")
    match event:
        case WatchedFolders(taking_in=count) if count:
            print(f"{stamp}  taking in {count} change{'s' * (count != 1)}…")
        case FoldersSynced(changes=changes):
            for line in _change_lines(changes):
                print(f"{stamp}  {line}")
        case Notice(message=message) | Failed(request=0, message=message):
            print(f"{stamp}  {message}")
        case _:
            return
    sys.stdout.flush()


def _change_lines(changes: FolderChanges) -> list[str]:
    lines = [f"added {p}" for p in changes.added]
    lines += [f"moved {old} -> {new}" for old, new in changes.moved]
    lines += [f"removed {p}" for p in changes.removed]
    lines += [f"failed {p}: {reason}" for p, reason in changes.failed]
    if len(lines) > LISTED:
        lines = lines[:LISTED] + [f"… and {len(lines) - LISTED} more"]
    return lines + [
        f"{len(changes.added)} added, {len(changes.moved)} moved, {len(changes.removed)} removed, "
        f"{len(changes.failed)} failed in {duration_text(changes.seconds)}."
    ]
