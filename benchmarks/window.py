"""The window as a user meets it: how fast it shows, how smooth it stays, what it costs.

Each code tree (this checkout, and with --baseline REV a git worktree of that revision) runs
the same session in a fresh process on a fresh library:

- the window is created and shown (seconds until it is on screen);
- the models load (seconds until the window says so);
- 5 s after the models are loaded: resident memory of the window's process and all its
  descendants (engine, store, indexer, readers: whatever the tree runs);
- SEC filings are added while the Apple question is asked again and again: a 20 ms timer
  measures how late each tick arrives on the GUI thread (worst and p99 lag), and adding the
  files is timed; time to first token, as the window shows it, counts only answers for
  which the model ran (a declined question answers at once);
- with nothing else running, three questions never asked before (time to first token with
  no prompt cache to reuse), and resident memory again after 5 s idle.

With --folder, that folder is added instead of the filings (for instance the 10,000 small
notes of `ingest.py --sets small`), still while the question is asked again and again.

Usage: python benchmarks/window.py [--baseline REV] [--files N] [--folder PATH]
Writes benchmarks/results/window.json. Linux only (memory is read from /proc).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
RESULTS = REPO / "benchmarks" / "results"
SEC = REPO.parent / "shared" / "eval" / "sec10q" / "docs"
APPLE = "What were Apple's total net sales in the third quarter of 2022?"
FRESH = (
    "What was NVIDIA's revenue for the second quarter of fiscal year 2023?",
    "What were Microsoft's total revenues in the first quarter of fiscal year 2023?",
    "What were Amazon's total net sales in the third quarter of 2022?",
)
INTERVAL_MS = 20


def resident_mb(root: int) -> float:
    """Resident memory of `root` and every process below it, in MB."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                parents[int(entry.name)] = int(fields[1])
            except (OSError, IndexError, ValueError):
                continue
    tree, frontier = {root}, [root]
    while frontier:
        pid = frontier.pop()
        children = [p for p, parent in parents.items() if parent == pid]
        tree.update(children)
        frontier.extend(children)
    total_kb = 0
    for pid in tree:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total_kb += int(line.split()[1])
        except OSError:
            continue
    return total_kb / 1024


def measure(files: int, folder: str | None = None) -> dict[str, object]:
    """One session in this process, with whatever `quelle` is on the path."""
    import inspect

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QElapsedTimer, Qt, QTimer
    from PySide6.QtWidgets import QApplication

    app = QApplication([])
    home = Path(tempfile.mkdtemp()) / "home"
    # The built-in chat model writes every answer here, as it did before the evidence alone
    # answered for it: the benchmark times its first token (older revisions ignore the key).
    settings_file = home / "config" / "settings.json"
    settings_file.parent.mkdir(parents=True)
    settings_file.write_text(json.dumps({"schema_version": 1, "model_writes": "always"}))
    started = time.perf_counter()
    from quelle.ui.window import MainWindow

    if "library" in inspect.signature(MainWindow).parameters:  # the window of before
        from quelle.engine.library import Library

        window = MainWindow(Library(home))
    else:
        window = MainWindow(home)
    window.show()
    app.processEvents()
    shown = time.perf_counter() - started

    def wait(condition, seconds: float = 1800) -> None:  # type: ignore[no-untyped-def]
        end = time.monotonic() + seconds
        while not condition():
            if time.monotonic() > end:
                raise TimeoutError
            app.processEvents()
            time.sleep(0.002)

    wait(lambda: window.models_ready)
    ready = time.perf_counter() - started
    settle = time.monotonic() + 5
    wait(lambda: time.monotonic() > settle)
    memory_ready = resident_mb(os.getpid())

    lags: list[float] = []
    clock = QElapsedTimer()
    timer = QTimer()
    timer.setTimerType(Qt.TimerType.PreciseTimer)
    timer.setInterval(INTERVAL_MS)

    def tick() -> None:
        lags.append(max(0.0, clock.nsecsElapsed() / 1e6 - INTERVAL_MS))
        clock.restart()

    timer.timeout.connect(tick)

    def first_token(question: str) -> float | None:
        """Seconds until the answer's first words show, if the model ran for it."""
        window.chat.input.setPlainText(question)
        asked = time.perf_counter()
        window.chat.submit()
        turn = window.chat.turns()[-1]
        wait(lambda: turn.plain_answer() != "" or not window.chat.answering)
        seconds = time.perf_counter() - asked
        wait(lambda: not window.chat.answering)
        saved = getattr(turn, "saved", None)
        ran = saved is not None and "first_token_seconds" in saved.timings
        return seconds if ran else None

    added = [folder] if folder else [str(p) for p in sorted(SEC.glob("*.pdf"))[:files]]
    clock.start()
    timer.start()
    adding = time.perf_counter()
    window.add_paths(added)
    busy_ttft: list[float] = []
    answers = 0
    while window.ingest_box.isVisible():
        answers += 1
        if (seconds := first_token(APPLE)) is not None:
            busy_ttft.append(seconds)
    wait(lambda: not window.ingest_box.isVisible())
    ingest = time.perf_counter() - adding
    timer.stop()
    idle_ttft = [s for q in FRESH if (s := first_token(q)) is not None]
    end = time.monotonic() + 5
    wait(lambda: time.monotonic() > end)
    memory = resident_mb(os.getpid())
    window.close()
    lags.sort()
    return {
        "window_shown_s": round(shown, 3),
        "models_ready_s": round(ready, 1),
        "files": folder or len(added),
        "ingest_s": round(ingest, 1),
        "worst_lag_ms": round(lags[-1], 1),
        "p99_lag_ms": round(lags[int(len(lags) * 0.99) - 1], 1),
        "mean_lag_ms": round(statistics.fmean(lags), 2),
        "ticks": len(lags),
        "answers_while_adding": answers,
        "model_answers_while_adding": len(busy_ttft),
        "first_token_while_adding_s": median(busy_ttft),
        "first_token_fresh_s": median(idle_ttft),
        "resident_ready_mb": round(memory_ready),
        "resident_after_mb": round(memory),
    }


def median(values: list[float]) -> float | None:
    return round(statistics.median(values), 2) if values else None


def run_tree(app_dir: Path, files: int, folder: str | None) -> dict[str, object]:
    env = {**os.environ, "PYTHONPATH": str(app_dir), "QT_QPA_PLATFORM": "offscreen"}
    out = subprocess.run(
        [sys.executable, __file__, "--measure", "--files", str(files)]
        + (["--folder", folder] if folder else []),
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if out.returncode != 0:
        raise SystemExit(f"the session in {app_dir} failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", metavar="REV", help="also measure this git revision")
    parser.add_argument("--files", type=int, default=20, help="SEC filings to add")
    parser.add_argument("--folder", help="add this folder instead of the filings")
    parser.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(args.files, args.folder)))
        return 0
    trees = {"this checkout": REPO / "app"}
    worktree = None
    if args.baseline:
        worktree = Path(tempfile.mkdtemp()) / "baseline"
        subprocess.run(
            ["git", "-C", str(REPO), "worktree", "add", "--detach", str(worktree), args.baseline],
            check=True,
            capture_output=True,
        )
        trees[f"baseline {args.baseline}"] = worktree / "app"
    results: dict[str, dict[str, object]] = {}
    try:
        for name, app_dir in trees.items():  # the baseline first would warm the caches for us
            print(f"measuring {name}…", flush=True)
            results[name] = run_tree(app_dir, args.files, args.folder)
    finally:
        if worktree is not None:
            subprocess.run(
                ["git", "-C", str(REPO), "worktree", "remove", "--force", str(worktree)],
                check=False,
            )
    keys = list(next(iter(results.values())))
    print(f"\n{'':28}" + "".join(f"{n:>22}" for n in results))
    for key in keys:
        print(f"{key:28}" + "".join(f"{str(r[key]):>22}" for r in results.values()))
    if len(results) == 2:
        now, before = results.values()
        for key in (
            "resident_ready_mb",
            "resident_after_mb",
            "worst_lag_ms",
            "p99_lag_ms",
            "window_shown_s",
            "ingest_s",
            "first_token_fresh_s",
        ):
            if now[key] and before[key]:
                print(f"ratio {key}: {now[key] / before[key]:.2f}")  # type: ignore[operator]
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / "window.json"
    out.write_text(
        json.dumps(
            {"results": results, "measured": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())},
            indent=2,
        ),
        encoding="utf-8",
    )
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
