"""Starting the window: the QApplication, logging (Qt's messages included) and the library."""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

from PySide6.QtCore import (
    QLibraryInfo,
    QLocale,
    QMessageLogContext,
    QtMsgType,
    QTranslator,
    qInstallMessageHandler,
)
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QMessageBox

from quelle import __version__
from quelle.common.logs import setup_logging
from quelle.common.wording import LANGUAGE_ENV

log = logging.getLogger("quelle.ui")
qt_log = logging.getLogger("qt")

ICON = Path(__file__).with_name("quelle.svg")
TRANSLATIONS = Path(__file__).resolve().parent.parent / "i18n"  # quelle_de.qm, built on install
LANGUAGES = ("de", "en")
DESKTOP_ID = "io.github.quelle_app.Quelle"  # packaging/linux: the desktop entry's name

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
    """The SVG master, and the PNG sizes rendered from it (packaging/icons.py) for desktops
    and themes that pick a fixed size."""
    icon = QIcon(str(ICON))
    for png in sorted(ICON.with_name("icons").glob("quelle-*.png")):
        icon.addFile(str(png))
    return icon


def make_application(argv: list[str] | None = None) -> QApplication:
    """The QApplication with Quelle's name and icon (reused if one exists, as in tests)."""
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        app = QApplication(argv if argv is not None else sys.argv[:1])
    app.setApplicationName("Quelle")
    app.setApplicationDisplayName("Quelle")
    app.setOrganizationName("Quelle")
    app.setApplicationVersion(__version__)
    app.setDesktopFileName(DESKTOP_ID)
    app.setWindowIcon(app_icon())
    return app


def window_language(setting: str, system: QLocale | None = None) -> str:
    """The language the window speaks: the setting, else the system's if Quelle has it."""
    if setting in LANGUAGES:
        return setting
    system_language = (system or QLocale.system()).name().split("_")[0]
    return system_language if system_language in LANGUAGES else "en"


def install_translations(app: QApplication, language: str) -> list[QTranslator]:
    """Quelle's own texts and Qt's (standard buttons, dialogs) in `language`; numbers and
    dates follow it too. Returns the translators installed."""
    QLocale.setDefault(QLocale(language))
    os.environ[LANGUAGE_ENV] = language  # for the messages of core (and the engine it starts)
    qt_folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    installed = []
    for name, folder in ((f"qtbase_{language}", qt_folder), (f"quelle_{language}", TRANSLATIONS)):
        translator = QTranslator(app)
        if translator.load(name, str(folder)):
            app.installTranslator(translator)
            installed.append(translator)
        elif language != "en":
            log.warning("No translation %s in %s", name, folder)
    return installed


def run(home: str | Path | None = None, files: list[str] | None = None) -> int:
    """Open the window on the library in `home` (adding `files`) and run until it is
    closed."""
    app = make_application()
    qInstallMessageHandler(route_qt_messages)
    sys.excepthook = log_uncaught
    from quelle.common.paths import Paths

    try:
        paths = Paths.resolve(home).ensure()
    except OSError as exc:
        QMessageBox.critical(None, app.translate("app", "Quelle cannot start"), str(exc))
        return 2
    setup_logging(paths.log_file)
    log.info("Quelle %s starting with home %s", __version__, paths.data_dir.parent)
    from quelle.common.settings import load_settings

    install_translations(app, window_language(load_settings(paths.settings_file).language))

    from quelle.ui.window import MainWindow

    window = MainWindow(home)
    window.show()
    if files:
        window.add_paths([str(Path(f).resolve()) for f in files])
    try:
        return app.exec()
    finally:
        window.shutdown()
