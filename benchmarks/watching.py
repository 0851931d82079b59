"""How long a change in a watched folder takes to be answerable.

A real engine process serves a fresh library and watches a folder; a client listens for the
rounds of watching. Each trial changes the folder the way a user would (a new document, an
edit, a rename, a burst of 200 notes) and measures from the change on disk until the engine
reports the round taken in, when the documents are searchable. Each new document hides one
made-up fact in a real German Wikipedia article (XQuAD-de); a question about it must then
find the file, or the trial does not count as answerable.

The baseline, in the same run and engine: the same kind of document added explicitly (as
`quelle ingest` adds it), timed from the request to its report. The difference is what
watching adds: the quiet second Quelle waits for a file to be complete, and noticing it.

Usage: python benchmarks/watching.py [--trials 8] [--burst 200]
Writes benchmarks/results/watching.json.
"""

from __future__ import annotations

import argparse
import json
import queue
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from retrieval import RESULTS  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "eval" / "xquad_de" / "corpus.jsonl"
WORDS = "Bernstein Kupfer Lavendel Quarz Safran Zimt Malve Jaspis Wacholder Kobalt".split()


def articles() -> list[str]:
    """XQuAD-de's articles, each as one text of its paragraphs."""
    texts: dict[str, list[str]] = {}
    with CORPUS.open(encoding="utf-8") as lines:
        for line in lines:
            doc = json.loads(line)
            texts.setdefault(doc["title"], []).append(doc["text"])
    return ["\n\n".join(paragraphs) for paragraphs in texts.values()]


def with_fact(article: str, n: int) -> tuple[str, str, str]:
    """The article with a made-up fact in its middle, a question about it and the answer."""
    word = f"{WORDS[n % len(WORDS)]}-{n}"
    fact = f"Das Codewort für den Tresor Nummer {n} im Archiv lautet {word}."
    paragraphs = article.split("\n\n")
    middle = len(paragraphs) // 2
    text = "\n\n".join([*paragraphs[:middle], fact, *paragraphs[middle:]])
    return text, f"Wie lautet das Codewort für den Tresor Nummer {n} im Archiv?", word


class Listener:
    """The rounds of watching, with the time each was heard."""

    def __init__(self, client) -> None:  # type: ignore[no-untyped-def]
        from quelle.protocol.messages import FoldersSynced

        self.rounds: queue.Queue = queue.Queue()  # type: ignore[type-arg]

        def heard(event) -> None:  # type: ignore[no-untyped-def]
            if isinstance(event, FoldersSynced):
                self.rounds.put((time.perf_counter(), event.changes))

        def follow() -> None:
            try:
                client.follow(heard)
            except Exception:  # the engine ended with the benchmark
                return

        threading.Thread(target=follow, daemon=True).start()

    def until(self, done) -> tuple[float, list]:  # type: ignore[no-untyped-def,type-arg]
        """Rounds until `done(all changes so far)`; the time of the last one."""
        seen: list = []  # type: ignore[type-arg]
        while True:
            heard, changes = self.rounds.get(timeout=600)
            seen.append(changes)
            if done(seen):
                return heard, seen


def answerable(client, question: str, path: Path, word: str) -> bool:  # type: ignore[no-untyped-def]
    answer = client.ask(question)
    texts = " ".join(h.passage.text for h in answer.sources if h.passage.path == str(path))
    return word in texts


def summary(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)
    return {
        "median": round(statistics.median(ordered), 3),
        "p90": round(ordered[min(len(ordered) - 1, int(0.9 * len(ordered)))], 3),
        "min": round(ordered[0], 3),
        "max": round(ordered[-1], 3),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=8)
    parser.add_argument("--burst", type=int, default=200)
    args = parser.parse_args()

    from quelle.common.paths import Paths
    from quelle.protocol.client import EngineClient, connect
    from quelle.protocol.values import WatchedFolder

    texts = articles()
    with tempfile.TemporaryDirectory() as tmp:
        home, folder, elsewhere = Path(tmp) / "home", Path(tmp) / "Ordner", Path(tmp) / "Ablage"
        folder.mkdir()
        elsewhere.mkdir()
        paths = Paths.resolve(home).ensure()
        engine = subprocess.Popen(
            [sys.executable, "-m", "quelle", "--home", str(home), "engine"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            while (found := connect(paths)) is None:
                time.sleep(0.2)
            client = EngineClient(paths, *found)
            listener = Listener(EngineClient(paths, *connect(paths)))  # type: ignore[misc]
            # One explicit file first, so model loading is in neither measurement; then the
            # folder's first look (it is empty) is over before the first trial.
            warm = elsewhere / "warm.txt"
            warm.write_text(texts[-1], encoding="utf-8")
            client.ingest([warm])
            client.watch(WatchedFolder(str(folder)))
            time.sleep(3)

            added, explicit, found_added, found_explicit = [], [], 0, 0
            take_in = []
            for n in range(args.trials):
                text, question, word = with_fact(texts[n % len(texts)], n)
                path = folder / f"artikel-{n}.txt"
                started = time.perf_counter()
                path.write_text(text, encoding="utf-8")
                heard, rounds = listener.until(
                    lambda rs, p=str(path): any(p in r.added for r in rs)
                )
                added.append(heard - started)
                take_in.append(sum(r.seconds for r in rounds))
                found_added += answerable(client, question, path, word)

                m = n + args.trials  # the baseline: the same kind of file, added explicitly
                text, question, word = with_fact(texts[m % len(texts)], m)
                path = elsewhere / f"artikel-{m}.txt"
                path.write_text(text, encoding="utf-8")
                started = time.perf_counter()
                client.ingest([path])
                explicit.append(time.perf_counter() - started)
                found_explicit += answerable(client, question, path, word)
                print(
                    f"trial {n + 1}: watched {added[-1]:.2f} s, explicit {explicit[-1]:.2f} s",
                    flush=True,
                )

            edited, renamed, found_edited = [], [], 0
            for n in range(args.trials):
                path = folder / f"artikel-{n}.txt"
                text, question, word = with_fact(texts[n % len(texts)], 1000 + n)
                started = time.perf_counter()
                path.write_text(text, encoding="utf-8")
                heard, _ = listener.until(lambda rs, p=str(path): any(p in r.added for r in rs))
                edited.append(heard - started)
                found_edited += answerable(client, question, path, word)

                moved = folder / f"umbenannt-{n}.txt"
                started = time.perf_counter()
                path.rename(moved)
                heard, _ = listener.until(
                    lambda rs, p=str(moved): any(p in dict(r.moved).values() for r in rs)
                )
                renamed.append(heard - started)

            notes = folder / "notizen"
            notes.mkdir()
            started = time.perf_counter()
            for n in range(args.burst):
                (notes / f"notiz-{n:03}.md").write_text(
                    f"Notiz {n}: Das Paket {n} liegt im Regal {n % 17}.", encoding="utf-8"
                )
            written = time.perf_counter() - started
            heard, rounds = listener.until(lambda rs: sum(len(r.added) for r in rs) >= args.burst)
            burst = heard - started
            burst_rounds = len(rounds)
            others = elsewhere / "notizen"
            others.mkdir()
            for n in range(args.burst):
                (others / f"notiz-{n:03}.md").write_text(
                    f"Notiz {n}: Die Kiste {n} steht im Keller {n % 13}.", encoding="utf-8"
                )
            started = time.perf_counter()
            client.ingest([others])
            burst_explicit = time.perf_counter() - started
            client.close()
        finally:
            engine.terminate()
            engine.wait(timeout=120)

    result = {
        "measured": time.strftime("%Y-%m-%d"),
        "trials": args.trials,
        "new_file": summary(added),
        "new_file_take_in": summary(take_in),
        "explicit_add": summary(explicit),
        "ratio_median": round(statistics.median(added) / statistics.median(explicit), 2),
        "answerable": {"watched": found_added, "explicit": found_explicit, "edited": found_edited},
        "edited_file": summary(edited),
        "renamed_file": summary(renamed),
        "burst": {
            "files": args.burst,
            "seconds": round(burst, 2),
            "writing_seconds": round(written, 2),
            "rounds": burst_rounds,
            "explicit_seconds": round(burst_explicit, 2),
            "ratio": round(burst / burst_explicit, 2),
        },
    }
    print(json.dumps(result, indent=2))
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "watching.json").write_text(json.dumps(result, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
