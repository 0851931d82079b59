"""Asking for the password of a protected PDF: typed hidden, remembered in the system keyring
only when the user ticks the box, and a file can be skipped."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)


class PasswordDialog(QDialog):
    """One protected file: its name, why it is asked (again), a hidden password field."""

    def __init__(self, name: str, wrong: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Password needed"))
        layout = QVBoxLayout(self)
        text = (
            self.tr("That password does not open “%1”. Try another, or skip the file.")
            if wrong
            else self.tr("“%1” is protected by a password. Type it to add the document.")
        )
        self.message = QLabel(text.replace("%1", name))
        self.message.setWordWrap(True)
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText(self.tr("Password"))
        self.remember = QCheckBox(self.tr("Remember it in the system keyring"))
        self.remember.setToolTip(
            self.tr("Otherwise Quelle keeps the password only until it is closed.")
        )
        buttons = QDialogButtonBox()
        self.add_button = buttons.addButton(self.tr("&Add"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.skip_button = buttons.addButton(
            self.tr("&Skip"), QDialogButtonBox.ButtonRole.RejectRole
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.add_button.setEnabled(False)
        self.password.textChanged.connect(lambda text: self.add_button.setEnabled(bool(text)))
        for widget in (self.message, self.password, self.remember, buttons):
            layout.addWidget(widget)
        self.setMinimumWidth(420)
