"""Entry point of the desktop bundle: one executable, `quelle`, for the window and the CLI.

`quelle` opens the window, `quelle ask …` and the other commands are the CLI, and
`quelle engine --until-idle` is the engine process the window starts (see
quelle.common.commands: inside the bundle that is `sys.executable engine …`).

The readers of quelle.engine.reading.child are multiprocessing children started with "spawn": inside
the bundle they run this same executable, so freeze_support() must come first, before
anything else is imported or run; in such a child it runs the child's work and exits.
"""

import multiprocessing
import os
import sys

# Set for this process by PyInstaller's bootloader (LD_LIBRARY_PATH) and its PySide6
# run-time hook (QT_PLUGIN_PATH, QML2_IMPORT_PATH), all pointing into the bundle.
_BUNDLE_VARIABLES = ("LD_LIBRARY_PATH", "QT_PLUGIN_PATH", "QML2_IMPORT_PATH")


def _leave_the_bundle_to_itself() -> None:
    """Give the programs Quelle starts outside the bundle the user's own environment.

    "Open" hands a document to xdg-open and so to the desktop's PDF viewer or word processor;
    with the bundle's library path and Qt plugin path they would load the bundle's libQt6*,
    libstdc++ and glib instead of their own, and may crash. This process does not need the
    variables any more: the dynamic linker reads LD_LIBRARY_PATH once, at start, and the
    bundle's Qt finds its plugins through the qt.conf that PySide6 embeds (prefix PySide6/Qt).
    Quelle's own processes (engine, readers) start the bundle's executable, whose bootloader
    sets the variables again.
    """
    if not getattr(sys, "frozen", False) or not sys.platform.startswith("linux"):
        return
    for name in _BUNDLE_VARIABLES:
        os.environ.pop(name, None)
    original = os.environ.pop("LD_LIBRARY_PATH_ORIG", None)
    if original is not None:
        os.environ["LD_LIBRARY_PATH"] = original


if __name__ == "__main__":
    multiprocessing.freeze_support()
    _leave_the_bundle_to_itself()

    import quelle.cli

    sys.exit(quelle.cli.main())
