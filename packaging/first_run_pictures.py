"""Take the README's first-run pictures from the real window: the empty window explaining
itself, and the cited answer one click on "Try it on the Quelle guide" brings.

Starts Quelle on a temporary home and saves assets/first-run-1.png and first-run-2.png.
Runs on the offscreen platform unless a display is set.

    .venv/bin/python packaging/first_run_pictures.py [--language de]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SIZE = (1280, 760)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--language", choices=("en", "de"), default="en")
    args = parser.parse_args()
    if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

    from PySide6.QtCore import QDeadlineTimer, QEventLoop, QThread

    from quelle.ui.app import install_translations, make_application
    from quelle.ui.window import MainWindow

    app = make_application()
    app.setStyle("Fusion")
    install_translations(app, args.language)
    suffix = "-de" if args.language == "de" else ""

    def settle(seconds: float = 0.5) -> None:
        deadline = QDeadlineTimer(int(seconds * 1000))
        while not deadline.hasExpired():
            app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
            QThread.msleep(10)

    def wait_for(condition, seconds: float) -> None:  # type: ignore[no-untyped-def]
        deadline = QDeadlineTimer(int(seconds * 1000))
        while not condition():
            if deadline.hasExpired():
                raise SystemExit("timed out")
            app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
            QThread.msleep(10)

    with tempfile.TemporaryDirectory() as tmp:
        window = MainWindow(Path(tmp) / "home")
        window.resize(*SIZE)
        window.show()
        wait_for(lambda: window.models_ready, 300)
        settle()
        first = REPO / "assets" / f"first-run-1{suffix}.png"
        window.grab().save(str(first))
        clicked = time.monotonic()
        window.chat.placeholder.sample_button.click()
        wait_for(lambda: window.chat.turns() and not window.chat.answering, 600)
        seconds = time.monotonic() - clicked
        turn = window.chat.turns()[-1]
        cited = [n for n, _ in turn.saved.numbered(cited=True)] if turn.saved else []
        if turn.quotes:  # the quoted sentence, highlighted in its source
            window.open_quote(turn.index, 0)
        elif cited:
            window.open_source(turn.index, cited[0])
        settle()
        window.chat.scroll_area.verticalScrollBar().setValue(turn.y())  # the answer's top
        window.statusBar().clearMessage()
        settle(1.0)
        second = REPO / "assets" / f"first-run-2{suffix}.png"
        window.grab().save(str(second))
        print(f"saved {first.name}, {second.name}; answer {seconds:.1f} s after the click")
        window.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
