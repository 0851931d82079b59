"""The engine's messages in the user's language: the window's, passed to the engine."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from PySide6.QtCore import QLocale

from quelle.common.errors import DocumentError, bug_message
from quelle.common.wording import GERMAN, LANGUAGE_ENV, say
from quelle.engine.reading.documents import read_pages
from quelle.ui.engine_link import engine_environment


def test_every_german_message_keeps_its_fields() -> None:
    for english, german in GERMAN.items():
        fields = set(re.findall(r"\{(\w+)\}", english))
        assert fields == set(re.findall(r"\{(\w+)\}", german)), english


def test_a_file_that_cannot_be_read_is_explained_in_german(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    empty = tmp_path / "leer.pdf"
    empty.write_bytes(b"")
    monkeypatch.setenv(LANGUAGE_ENV, "de")
    with pytest.raises(DocumentError, match="„leer.pdf“ ist leer"):
        read_pages(empty)
    odd = tmp_path / "tabelle.xyz"
    odd.write_text("1;2;3")
    with pytest.raises(DocumentError, match="ist eine .xyz-Datei, die Quelle nicht lesen kann"):
        read_pages(odd)
    assert bug_message("Answering", Path("/tmp/quelle.log")).startswith(
        "Das Beantworten ist an einem unerwarteten Fehler gescheitert"
    )
    monkeypatch.setenv(LANGUAGE_ENV, "en")
    with pytest.raises(DocumentError, match="'leer.pdf' is empty"):
        read_pages(empty)
    assert say("'{name}' no longer exists.", name="x.txt") == "'x.txt' no longer exists."


def test_the_window_tells_the_engine_its_language(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(LANGUAGE_ENV, raising=False)
    before = QLocale()
    try:
        QLocale.setDefault(QLocale("de_DE"))
        assert engine_environment()[LANGUAGE_ENV] == "de"
        QLocale.setDefault(QLocale("en_GB"))
        assert engine_environment()[LANGUAGE_ENV] == "en"
    finally:
        QLocale.setDefault(before)
