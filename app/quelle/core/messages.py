"""What the engine tells the user, in the user's language.

Messages are written in English where they arise, with `{name}`-style fields, and passed
through `say`. The language is the environment's QUELLE_LANGUAGE ("de" or "en"), which the
window sets for the engine it starts (and the engine's reader processes inherit), or else the
system locale's. The window's own texts are translated by Qt (`app/quelle/i18n`).
"""

from __future__ import annotations

import locale
import os

LANGUAGE_ENV = "QUELLE_LANGUAGE"

GERMAN = {
    # reading documents
    "'{name}' is a {kind} file, which Quelle cannot read. "
    "Add PDF, Word (.docx), text, Markdown or HTML files.": "„{name}“ ist eine {kind}-Datei, "
    "die Quelle nicht lesen kann. Fügen Sie PDF-, Word- (.docx), Text-, Markdown- oder "
    "HTML-Dateien hinzu.",
    "extension-less": "endungslose",
    "'{name}' no longer exists.": "„{name}“ gibt es nicht mehr.",
    "Could not open '{name}': permission denied.": "„{name}“ ließ sich nicht öffnen: Zugriff "
    "verweigert.",
    "Could not read '{name}': the file seems damaged ({error}).": "„{name}“ ließ sich nicht "
    "lesen: Die Datei scheint beschädigt ({error}).",
    "'{name}' contains no text to index.": "„{name}“ enthält keinen Text, der sich indizieren "
    "lässt.",
    "'{name}' contains no text to index (a scanned image without a text layer?).": "„{name}“ "
    "enthält keinen Text, der sich indizieren lässt (ein gescanntes Bild ohne Textebene?).",
    "'{name}' is empty (0 bytes).": "„{name}“ ist leer (0 Byte).",
    "Could not read '{name}': it is not a valid PDF ({error}).": "„{name}“ ließ sich nicht "
    "lesen: Es ist kein gültiges PDF ({error}).",
    "Could not open '{name}': it uses an encryption Quelle cannot undo ({error}).": "„{name}“ "
    "ließ sich nicht öffnen: Es ist auf eine Weise verschlüsselt, die Quelle nicht aufheben "
    "kann ({error}).",
    "Could not open '{name}': it is protected by a password. "
    "Save an unprotected copy and add that.": "„{name}“ ließ sich nicht öffnen: Es ist durch "
    "ein Passwort geschützt. Speichern Sie eine ungeschützte Kopie und fügen Sie diese hinzu.",
    "Could not read '{name}': it is not a valid Word file.": "„{name}“ ließ sich nicht lesen: "
    "Es ist keine gültige Word-Datei.",
    "Reading '{name}' took longer than {seconds} seconds; "
    "the file may be damaged or built to never end.": "Das Lesen von „{name}“ dauerte länger "
    "als {seconds} Sekunden; die Datei ist vielleicht beschädigt oder so gebaut, dass es nie "
    "endet.",
    "Could not read '{name}': it crashed the PDF reader (a damaged file?).": "„{name}“ ließ "
    "sich nicht lesen: Die Datei brachte den PDF-Leser zum Absturz (beschädigt?).",
    # models
    "The chat model '{path}' is gone; Quelle answers with its built-in model until you choose "
    "another.": "Das Sprachmodell „{path}“ ist nicht mehr da; Quelle antwortet mit seinem "
    "eingebauten Modell, bis Sie ein anderes wählen.",
    "The re-ranker '{path}' is gone; passages are ranked without it until you choose "
    "another.": "Der Re-Ranker „{path}“ ist nicht mehr da; die Textstellen werden ohne ihn "
    "geordnet, bis Sie einen anderen wählen.",
    "The embedding model this library was indexed with is gone ({path}). Download it again, "
    "or choose another embedder in Models: the library is then indexed again with it.": "Das "
    "Einbettungsmodell, mit dem diese Bibliothek indiziert wurde, ist nicht mehr da ({path}). "
    "Laden Sie es erneut herunter oder wählen Sie unter Modelle ein anderes: Die Bibliothek "
    "wird dann damit neu indiziert.",
    "'{model}' is not in the catalogue.": "„{model}“ steht nicht im Modellkatalog.",
    "The download of {model} was cancelled.": "Das Herunterladen von {model} wurde abgebrochen.",
    "The download of {model} failed.": "Das Herunterladen von {model} ist fehlgeschlagen.",
    # the engine
    "Stopped before the answer began.": "Angehalten, bevor die Antwort begann.",
    "{what} failed because of an unexpected error. Details are in the log file: {log}": "{what} "
    "ist an einem unerwarteten Fehler gescheitert. Einzelheiten stehen in der Protokolldatei: "
    "{log}",
    "Answering": "Das Beantworten",
    "Adding documents": "Das Hinzufügen von Dokumenten",
    "Removing the document": "Das Entfernen des Dokuments",
    "Listing the documents": "Das Auflisten der Dokumente",
    "Reading the passage": "Das Lesen der Textstelle",
    "Saving the settings": "Das Speichern der Einstellungen",
    "Loading the models": "Das Laden der Modelle",
    "Changing the embedder": "Der Wechsel des Einbettungsmodells",
}


def language() -> str:
    """ "de" or "en": QUELLE_LANGUAGE, else the system locale's language."""
    chosen = os.environ.get(LANGUAGE_ENV, "")
    if chosen in ("de", "en"):
        return chosen
    system = locale.getlocale(locale.LC_MESSAGES)[0] or os.environ.get("LANG", "")
    return "de" if system.lower().startswith("de") else "en"


def say(english: str, **values: object) -> str:
    """`english` in the user's language, its `{fields}` filled in."""
    text = GERMAN.get(english, english) if language() == "de" else english
    return text.format(**values) if values else text
