"""Starting the window: the QApplication, logging (Qt's messages included) and the library."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

from PySide6.QtCore import QMessageLogContext, QtMsgType, qInstallMessageHandler
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QMessageBox

from quelle import __version__
from quelle.core.logs import setup_logging

log = logging.getLogger("quelle.ui")
qt_log = logging.getLogger("qt")

ICON = Path(__file__).with_name("quelle.svg")

_QT_LEVELS = {
    QtMsgType.QtDebugMsg: logging.DEBUG,
    QtMsgType.QtInfoMsg: logging.INFO,
    QtMsgType.QtWarningMsg: logging.WARNING,
    QtMsgType.QtCriticalMsg: logging.ERROR,
    QtMsgType.QtFatalMsg: logging.CRITICAL,
}


def route_qt_messages(kind: QtMsgType, context: QMessageLogContext, message: str) -> None:
    """Qt's own warnings go to Quelle's log file instead of a terminal nobody sees."""
    qt_log.log(_QT_LEVELS.get(kind, logging.WARNING), "%s (%s)", message, context.category or "qt")


def log_uncaught(kind: type[BaseException], value: BaseException, tb: object) -> None:
    """An exception no code caught is a bug: into the log with its traceback."""
    log.critical("Uncaught exception", exc_info=(kind, value, tb))  # type: ignore[arg-type]


def app_icon() -> QIcon:
    return QIcon(str(ICON))


def make_application(argv: list[str] | None = None) -> QApplication:
    """The QApplication with Quelle's name and icon (reused if one exists, as in tests)."""
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        app = QApplication(argv if argv is not None else sys.argv[:1])
    app.setApplicationName("Quelle")
    app.setApplicationDisplayName("Quelle")
    app.setOrganizationName("Quelle")
    app.setApplicationVersion(__version__)
    app.setDesktopFileName("quelle")
    app.setWindowIcon(app_icon())
    return app


def run(home: str | Path | None = None) -> int:
    """Open the window on the library in `home` and run until it is closed."""
    app = make_application()
    qInstallMessageHandler(route_qt_messages)
    sys.excepthook = log_uncaught
    from quelle.core.paths import Paths

    try:
        paths = Paths.resolve(home).ensure()
    except OSError as exc:
        QMessageBox.critical(None, app.translate("app", "Quelle cannot start"), str(exc))
        return 2
    setup_logging(paths.log_file)
    log.info("Quelle %s starting with home %s", __version__, paths.data_dir.parent)

    from quelle.ui.window import MainWindow

    window = MainWindow(home)
    window.show()
    try:
        return app.exec()
    finally:
        window.shutdown()
