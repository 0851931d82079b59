"""Adding documents, as the status bar shows it: the jobs handed to the engine, their
progress with the time left, and a Cancel button. The engine walks folders and reads files;
this only hands over paths and draws what comes back."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QPushButton, QWidget

from quelle.common.wording import duration_text
from quelle.protocol.values import FileEvent, IngestReport, Progress
from quelle.ui.engine_link import EngineLink, IngestJob
from quelle.ui.library_panel import LibraryPanel
from quelle.ui.password_dialog import PasswordDialog


class AddingStatus(QWidget):
    """The jobs of adding documents handed to the engine, which takes them in turn; shown
    while any runs. File events go to `library`'s list as they come."""

    reported = Signal(str)  # a one-line summary of a finished job, for the status bar
    failed = Signal(str)  # a job the engine could not do, for a message box
    job_ended = Signal(object)  # IngestReport, or None for a failed job
    all_done = Signal()  # no job is left
    busy_changed = Signal(bool)

    def __init__(self, engine: EngineLink, library: LibraryPanel) -> None:
        super().__init__()
        self._engine = engine
        self._library = library
        self._jobs: list[IngestJob] = []
        self.passwords: dict[str, str] = {}  # of protected PDFs, typed this session; by path
        self.password_dialog: PasswordDialog | None = None  # the protected PDF asked about
        self._locked: list[tuple[str, bool]] = []  # (path, a password failed) still to ask
        box = QHBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(8)
        self.label = QLabel()
        self.progress = QProgressBar()
        self.progress.setRange(0, 1000)
        self.progress.setFixedWidth(180)
        self.progress.setTextVisible(False)
        self.cancel_button = QPushButton(self.tr("Cancel"))
        self.cancel_button.setToolTip(self.tr("Stop adding documents"))
        self.cancel_button.clicked.connect(self.cancel)
        box.addWidget(self.label)
        box.addWidget(self.progress)
        box.addWidget(self.cancel_button)
        self.hide()
        engine.progressed.connect(self._progressed)
        engine.job_finished.connect(self._finished)
        engine.job_failed.connect(self._failed)

    def add(self, paths: list[str], password: str = "", remember: bool = False) -> None:
        """Hand files and folders to the engine: it walks the folders, says which files it
        queued (they appear in the library list) and takes them in as soon as it can.
        `password` opens protected PDFs; with `remember` the system keyring keeps it."""
        if not paths:
            return
        job = IngestJob(list(paths), passwords=[password] if password else [], remember=remember)
        self._jobs.append(job)
        if len(self._jobs) == 1:
            self.progress.setValue(0)
            self.label.setText(self.tr("Looking for documents…"))
        self.show()
        self.busy_changed.emit(True)
        self._engine.ingest(job)

    def cancel(self) -> None:
        """Stop every job handed to the engine; each ends after its current batch."""
        for job in self._jobs:
            self._engine.cancel_job(job)
        if self._jobs:
            self.label.setText(self.tr("Stopping…"))

    def _progressed(self, progress: Progress) -> None:
        self._library.apply_event(progress.event)
        self.progress.setValue(int(progress.fraction * 1000))
        text = (
            self.tr("Adding file %1 of %2")
            .replace("%1", str(min(progress.files_done + 1, progress.files_total)))
            .replace("%2", str(progress.files_total))
        )
        if progress.eta_seconds is not None:
            text += "  ·  " + self.tr("about %1 left").replace(
                "%1", duration_text(progress.eta_seconds)
            )
        self.label.setText(text)

    def _finished(self, job: IngestJob, report: IngestReport) -> None:
        if job in self._jobs:
            self._jobs.remove(job)
        self.reported.emit(self._summary(report))
        if report.cancelled:
            self._library.forget_pending()
        for path, reason in report.failed:
            self._library.apply_event(FileEvent(path, "failed", reason))
        self._after_job(report)
        if report.locked:
            self._locked += [(path, bool(job.passwords)) for path in report.locked]
            if self.password_dialog is None:
                self._ask_next_password()

    def _ask_next_password(self) -> None:
        """Protected PDFs: ask for each one's password in turn (or skip it) and add it with
        it. The password stays in this window's memory, for the source view, until it
        closes; the system keyring keeps it only when the user ticks the box."""
        if not self._locked:
            self.password_dialog = None
            return
        path, wrong = self._locked.pop(0)
        dialog = PasswordDialog(Path(path).name, wrong, self.window())
        self.password_dialog = dialog

        def answered(result: int) -> None:
            if result == PasswordDialog.DialogCode.Accepted:
                password = dialog.password.text()
                self.passwords[path] = password
                self.add([path], password, dialog.remember.isChecked())
            dialog.deleteLater()
            self._ask_next_password()

        dialog.finished.connect(answered)
        dialog.open()

    def _summary(self, report: IngestReport) -> str:
        if not (report.added or report.unchanged or report.failed or report.cancelled):
            return self.tr("No documents Quelle can read were found there.")
        message = (
            self.tr("Documents added: %1 (%2 passages)")
            .replace("%1", str(len(report.added)))
            .replace("%2", str(report.passages))
        )
        if report.unchanged:
            message += " · " + self.tr("already in the library: %1").replace(
                "%1", str(len(report.unchanged))
            )
        if report.failed:
            message += " · " + self.tr("failed: %1").replace("%1", str(len(report.failed)))
        if report.cancelled:
            message = self.tr("Stopped adding documents. ") + message
        return " ".join([message + ".", *report.notices])

    def _failed(self, job: IngestJob, message: str) -> None:
        if job in self._jobs:
            self._jobs.remove(job)
        self._library.forget_pending()
        self.failed.emit(message)
        self._after_job(None)

    def _after_job(self, report: IngestReport | None) -> None:
        if self._jobs:
            self.progress.setValue(0)
        else:
            self.hide()
            self.busy_changed.emit(False)
        if not self._jobs:
            self.all_done.emit()
        self.job_ended.emit(report)
