"""How Quelle starts another process of itself: `python -m quelle …` from an installed
package, the executable itself inside the desktop bundle (where `-m` means nothing)."""

from __future__ import annotations

import sys


def quelle_command(*args: str, home: str | None = None) -> list[str]:
    """The command line that runs `quelle [--home HOME] ARGS`."""
    if getattr(sys, "frozen", False):
        command = [sys.executable]
    else:
        command = [sys.executable, "-m", "quelle"]
    if home:
        command += ["--home", home]
    return command + list(args)
