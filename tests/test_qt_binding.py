"""The Qt binding must survive a long session: Qt calls Python slots thousands of times."""

from __future__ import annotations

import sys

from PySide6.QtCore import QTimer
from pytestqt.qtbot import QtBot


def test_slots_called_by_qt_keep_reference_counts_balanced(qtbot: QtBot) -> None:
    """PySide6 6.12.0 dropped a reference to None on every slot call; the window then
    aborted after a few thousand timer ticks (reading the engine's events, streaming)."""
    calls: list[int] = []
    timer = QTimer()
    timer.timeout.connect(lambda: calls.append(1))
    before = sys.getrefcount(None)
    timer.start(0)
    qtbot.waitUntil(lambda: len(calls) >= 2000, timeout=30_000)
    timer.stop()
    assert abs(sys.getrefcount(None) - before) < 500, "None's reference count drifted"
