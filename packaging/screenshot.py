"""Take the screenshot for the README: the real window answering a real question.

Starts Quelle on a temporary home, adds a few 10-Q filings, asks about a company the filings
never mention, waits for the reply and saves the window as assets/screenshot.png. With
`--language de` the window speaks German and watches a folder of German Wikipedia articles
(XQuAD) instead: it answers a question, opens the first cited source, declines one the
articles cannot answer, and is saved as assets/screenshot-de.png. Runs on the offscreen
platform unless a display is set.

    .venv/bin/python packaging/screenshot.py [--dark] [--language de] [--out PATH]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SEC10Q = REPO.parent / "shared" / "eval" / "sec10q" / "docs"
FILINGS = ["2022 Q3 AAPL.pdf", "2023 Q1 AAPL.pdf", "2022 Q3 NVDA.pdf", "2023 Q1 MSFT.pdf"]
ABSENT = "What was Tesla's revenue in 2021?"
XQUAD_DE = REPO.parent / "shared" / "eval" / "xquad_de" / "corpus.jsonl"
ARTICLES_DE = {"Super_Bowl_50": "Super Bowl 50", "Rhine": "Rhein", "Martin_Luther": "Martin Luther"}
QUESTION_DE = "Wie viele Punkte gab die Verteidigung der Panthers ab?"
ABSENT_DE = "Wie hoch war der Umsatz von Tesla im Jahr 2021?"
SIZE = (1280, 800)


def german_articles(folder: Path) -> list[str]:
    """A few German Wikipedia articles from XQuAD, one text file each."""
    texts: dict[str, list[str]] = {}
    with XQUAD_DE.open(encoding="utf-8") as lines:
        for line in lines:
            doc = json.loads(line)
            if doc["title"] in ARTICLES_DE:
                texts.setdefault(doc["title"], []).append(doc["text"])
    paths = []
    for title, paragraphs in texts.items():
        path = folder / f"{ARTICLES_DE[title]}.txt"
        path.write_text("\n\n".join(paragraphs), encoding="utf-8")
        paths.append(str(path))
    return paths


def dark_palette():  # type: ignore[no-untyped-def]
    from PySide6.QtGui import QColor, QPalette

    palette = QPalette()
    colours = {
        QPalette.ColorRole.Window: "#202124",
        QPalette.ColorRole.WindowText: "#e8eaed",
        QPalette.ColorRole.Base: "#17181a",
        QPalette.ColorRole.AlternateBase: "#2a2b2e",
        QPalette.ColorRole.Text: "#e8eaed",
        QPalette.ColorRole.Button: "#2d2e31",
        QPalette.ColorRole.ButtonText: "#e8eaed",
        QPalette.ColorRole.Highlight: "#3b82c4",
        QPalette.ColorRole.HighlightedText: "#ffffff",
        QPalette.ColorRole.ToolTipBase: "#2a2b2e",
        QPalette.ColorRole.ToolTipText: "#e8eaed",
        QPalette.ColorRole.PlaceholderText: "#9aa0a6",
        QPalette.ColorRole.Link: "#8ab4f8",
        QPalette.ColorRole.Mid: "#44464a",
        QPalette.ColorRole.Midlight: "#3a3b3e",
        QPalette.ColorRole.Light: "#4a4b4f",
        QPalette.ColorRole.Dark: "#111213",
        QPalette.ColorRole.Shadow: "#000000",
    }
    for role, colour in colours.items():
        palette.setColor(role, QColor(colour))
    return palette


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dark", action="store_true", help="use a dark palette")
    parser.add_argument("--language", choices=("en", "de"), default="en")
    parser.add_argument("--out")
    args = parser.parse_args()
    german = args.language == "de"
    out = args.out or str(REPO / "assets" / ("screenshot-de.png" if german else "screenshot.png"))
    if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    sys.path.insert(0, str(REPO / "app"))

    from PySide6.QtCore import QDeadlineTimer, QEventLoop, QThread
    from PySide6.QtWidgets import QApplication

    from quelle.ui.app import install_translations, make_application
    from quelle.ui.window import MainWindow

    app = make_application()
    install_translations(app, args.language)
    app.setStyle("Fusion")
    if args.dark:
        app.setPalette(dark_palette())

    def wait_for(condition, seconds: float) -> None:  # type: ignore[no-untyped-def]
        deadline = QDeadlineTimer(int(seconds * 1000))
        while not condition():
            if deadline.hasExpired():
                raise SystemExit(f"timed out waiting for {condition.__name__}")
            app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
            QThread.msleep(10)

    with tempfile.TemporaryDirectory() as tmp:
        window = MainWindow(Path(tmp) / "home")
        window.resize(*SIZE)
        window.show()
        started = time.monotonic()

        def models_ready() -> bool:
            return window.models_ready

        def indexed() -> bool:
            if german:  # a watched folder: its three articles in the library
                rows = window.library_panel.rows()
                return len(rows) == len(ARTICLES_DE) and all(r.state == "ready" for r in rows)
            return not window.ingest_box.isVisible()

        def answered() -> bool:
            return not window.chat.answering

        if german:  # the articles' folder is watched, as a user keeps notes
            articles = Path(tmp) / "Artikel"
            articles.mkdir()
            german_articles(articles)
            window.watched.watch(str(articles))
        else:
            window.add_paths([str(SEC10Q / name) for name in FILINGS])
        wait_for(models_ready, 300)
        wait_for(indexed, 900)
        print(f"indexed in {time.monotonic() - started:.0f} s", flush=True)
        # In English, only the question the filings cannot answer: the bundled 135M model
        # reads the prior-year column of Apple's statement, and a README should not show
        # a wrong figure.
        window.chat.input.setPlainText(QUESTION_DE if german else ABSENT)
        window.chat.submit()
        wait_for(answered, 600)
        turn = window.chat.turns()[-1]
        if german:
            window.chat.input.setPlainText(ABSENT_DE)
            window.chat.submit()
            wait_for(answered, 600)
            cited = {int(n) for n in re.findall(r"\[(\d+)\]", turn.saved.answer)}
            wait_for(turn.cards_shown, 30)
            found = [c for c in turn.cards if "Super Bowl" in c.source.name]
            shown = [c for c in found if c.n in cited] or found  # what a reader would click
            if turn.quotes:  # the quoted sentence, highlighted in its source
                window.open_quote(turn.index, 0)
            elif shown:
                window.open_source(turn.index, shown[0].n)
        window.library_panel.tree.clearSelection()
        window.statusBar().clearMessage()
        window.chat.input.setFocus()
        for _ in range(20):  # let layouts and the PDF view settle
            app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
            QThread.msleep(25)
        window.chat.scroll_area.verticalScrollBar().setValue(0)
        app.processEvents()
        image = window.grab()
        Path(out).parent.mkdir(parents=True, exist_ok=True)
        image.save(out)
        print(
            f"saved {out} ({image.width()}x{image.height()}); "
            f"answers: {[t.plain_answer()[:160] for t in window.chat.turns()]!r}",
            flush=True,
        )
        window.close()
    QApplication.processEvents()
    return 0


if __name__ == "__main__":
    sys.exit(main())
