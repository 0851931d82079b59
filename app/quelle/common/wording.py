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
    "'{name}' is not a folder.": "„{name}“ ist kein Ordner.",
    "'{name}' is not watched.": "„{name}“ wird nicht beobachtet.",
    "The watched folder '{name}' is not there.": "Der beobachtete Ordner „{name}“ ist nicht da.",
    "The system allows no more folder watches, so '{name}' is checked every few seconds "
    "instead.": "Das System erlaubt keine weiteren Ordnerbeobachtungen; „{name}“ wird "
    "stattdessen alle paar Sekunden geprüft.",
    "Showing where a scanned page says this needs Tesseract ({command}).": "Um zu zeigen, wo "
    "eine gescannte Seite das sagt, wird Tesseract gebraucht ({command}).",
    "Could not open '{name}': permission denied.": "„{name}“ ließ sich nicht öffnen: Zugriff "
    "verweigert.",
    "Could not read '{name}': the file seems damaged ({error}).": "„{name}“ ließ sich nicht "
    "lesen: Die Datei scheint beschädigt ({error}).",
    "'{name}' contains no text to index.": "„{name}“ enthält keinen Text, der sich indizieren "
    "lässt.",
    "'{name}' contains no text to index, not even on its page images.": "„{name}“ enthält "
    "keinen Text, der sich indizieren lässt, auch nicht auf den Bildern seiner Seiten.",
    "'{name}' has no text layer (a scan?) and needs OCR: install Tesseract ({command}) and add "
    "it again.": "„{name}“ hat keine Textebene (ein Scan?) und braucht Texterkennung: "
    "Installieren Sie Tesseract ({command}) und fügen Sie es erneut hinzu.",
    "'{name}' is empty (0 bytes).": "„{name}“ ist leer (0 Byte).",
    "Could not read '{name}': it is not a valid PDF ({error}).": "„{name}“ ließ sich nicht "
    "lesen: Es ist kein gültiges PDF ({error}).",
    "Could not open '{name}': it uses an encryption Quelle cannot undo ({error}).": "„{name}“ "
    "ließ sich nicht öffnen: Es ist auf eine Weise verschlüsselt, die Quelle nicht aufheben "
    "kann ({error}).",
    "Could not open '{name}': it is protected by a password. Add it again with its "
    "password.": "„{name}“ ließ sich nicht öffnen: Es ist durch ein Passwort geschützt. Fügen "
    "Sie es mit seinem Passwort erneut hinzu.",
    "Could not open '{name}': none of the passwords given opens it.": "„{name}“ ließ sich "
    "nicht öffnen: Keines der angegebenen Passwörter passt.",
    "Could not read '{name}': it is not a valid Word file.": "„{name}“ ließ sich nicht lesen: "
    "Es ist keine gültige Word-Datei.",
    "Reading '{name}' took longer than {seconds} seconds; "
    "the file may be damaged or built to never end.": "Das Lesen von „{name}“ dauerte länger "
    "als {seconds} Sekunden; die Datei ist vielleicht beschädigt oder so gebaut, dass es nie "
    "endet.",
    "Could not read '{name}': it crashed the PDF reader (a damaged file?).": "„{name}“ ließ "
    "sich nicht lesen: Die Datei brachte den PDF-Leser zum Absturz (beschädigt?).",
    "Could not index '{name}' (an unexpected {error}; details are in the log file).": "„{name}“ "
    "ließ sich nicht indizieren (ein unerwarteter Fehler: {error}; Einzelheiten stehen in der "
    "Protokolldatei).",
    "The question is {length} characters long; Quelle answers questions of up to {limit} "
    "characters. Ask about one thing at a time.": "Die Frage ist {length} Zeichen lang; Quelle "
    "beantwortet Fragen mit bis zu {limit} Zeichen. Fragen Sie nach einer Sache auf einmal.",
    "'{name}' is not a text file: it holds binary data.": "„{name}“ ist keine Textdatei: Sie "
    "enthält Binärdaten.",
    "Could not index '{name}': {reason}": "„{name}“ ließ sich nicht indizieren: {reason}",
    "The disk holding the library is full. Free some space, then add the files again; "
    "'quelle check' mends anything cut off.": "Der Datenträger der Bibliothek ist voll. "
    "Schaffen Sie Platz und fügen Sie die Dateien dann erneut hinzu; „quelle check“ repariert, "
    "was abgebrochen wurde.",
    "The library's files are damaged ({error}). '{command}' sets them aside and builds the "
    "library again from your documents.": "Die Dateien der Bibliothek sind beschädigt "
    "({error}). „{command}“ legt sie beiseite und baut die Bibliothek aus Ihren Dokumenten "
    "neu auf.",
    "A shared library is kept on its server; rebuild it there, or add the files again.": "Eine "
    "geteilte Bibliothek liegt auf ihrem Server; bauen Sie sie dort neu auf oder fügen Sie die "
    "Dateien erneut hinzu.",
    "This computer has no system keyring Quelle can use, so the password was used once and "
    "not kept.": "Dieser Rechner hat keinen Systemschlüsselbund, den Quelle nutzen kann; das "
    "Passwort wurde daher nur einmal verwendet und nicht gespeichert.",
    # models
    "The chat model '{path}' is gone; Quelle answers with its built-in model until you choose "
    "another.": "Das Sprachmodell „{path}“ ist nicht mehr da; Quelle antwortet mit seinem "
    "eingebauten Modell, bis Sie ein anderes wählen.",
    "The re-ranker '{path}' is gone; passages are ranked without it until you choose "
    "another.": "Der Re-Ranker „{path}“ ist nicht mehr da; die Textstellen werden ohne ihn "
    "geordnet, bis Sie einen anderen wählen.",
    "The entailment model '{path}' is gone; answers are checked without it until you choose "
    "another.": "Das Prüfmodell „{path}“ ist nicht mehr da; Antworten werden ohne es geprüft, "
    "bis Sie ein anderes wählen.",
    "'{folder}' is not a model folder: it has no config.json. Choose the folder of an "
    "entailment model such as nli-deberta-v3-xsmall.": "„{folder}“ ist kein Modellordner: Es "
    "fehlt die config.json. Wählen Sie den Ordner eines Prüfmodells wie "
    "nli-deberta-v3-xsmall.",
    "'{folder}' holds no entailment model: its labels name no \"entailment\". Choose one "
    "such as nli-deberta-v3-xsmall.": "„{folder}“ enthält kein Prüfmodell: Keine seiner "
    "Klassen heißt „entailment“. Wählen Sie eines wie nli-deberta-v3-xsmall.",
    "Could not load the entailment model in '{folder}'. Choose another, or check answers "
    "without one.": "Das Prüfmodell in „{folder}“ ließ sich nicht laden. Wählen Sie ein "
    "anderes, oder prüfen Sie Antworten ohne eines.",
    "The embedding model this library was indexed with is gone ({path}). Download it again, "
    "or choose another embedder in Models: the library is then indexed again with it.": "Das "
    "Einbettungsmodell, mit dem diese Bibliothek indiziert wurde, ist nicht mehr da ({path}). "
    "Laden Sie es erneut herunter oder wählen Sie unter Modelle ein anderes: Die Bibliothek "
    "wird dann damit neu indiziert.",
    "'{model}' is not in the catalogue.": "„{model}“ steht nicht im Modellkatalog.",
    "The download of {model} was cancelled.": "Das Herunterladen von {model} wurde abgebrochen.",
    "The download of {model} failed.": "Das Herunterladen von {model} ist fehlgeschlagen.",
    "'{name}' is not a GGUF model file. Choose a .gguf file made for llama.cpp.": "„{name}“ "
    "ist keine GGUF-Modelldatei. Wählen Sie eine .gguf-Datei für llama.cpp.",
    "The model file '{name}' does not exist.": "Die Modelldatei „{name}“ gibt es nicht.",
    "Could not read '{name}': the GGUF file seems damaged or incomplete.": "„{name}“ ließ sich "
    "nicht lesen: Die GGUF-Datei scheint beschädigt oder unvollständig.",
    "This GGUF file uses a tensor type ({type}) that Quelle's llama.cpp cannot run.": "Diese "
    "GGUF-Datei nutzt einen Tensortyp ({type}), den Quelles llama.cpp nicht ausführen kann.",
    "This GGUF file has format version {version}, which Quelle cannot read. "
    "Download a current conversion of the model.": "Diese GGUF-Datei hat die Formatversion "
    "{version}, die Quelle nicht lesen kann. Laden Sie eine aktuelle Umwandlung des Modells "
    "herunter.",
    "{model} comes with Quelle and cannot be removed.": "{model} gehört zu Quelle und lässt "
    "sich nicht entfernen.",
    "{model} is in use; choose another model first.": "{model} wird gerade verwendet; wählen "
    "Sie zuerst ein anderes Modell.",
    "No model '{model}' is installed here.": "Ein Modell „{model}“ ist hier nicht installiert.",
    "Could not remove {model}: {error}": "{model} ließ sich nicht entfernen: {error}",
    "'{folder}' is not a sentence-transformers model folder.": "„{folder}“ ist kein Ordner "
    "eines sentence-transformers-Modells.",
    "Could not load the embedding model in '{folder}'.": "Das Einbettungsmodell in „{folder}“ "
    "ließ sich nicht laden.",
    "The chat model '{path}' does not exist. Choose another.": "Das Sprachmodell „{path}“ gibt "
    "es nicht. Wählen Sie ein anderes.",
    "Could not load the chat model '{name}': not a valid GGUF file?": "Das Sprachmodell "
    "„{name}“ ließ sich nicht laden: keine gültige GGUF-Datei?",
    "'{name}' has no chat template; choose a chat model.": "„{name}“ hat keine Chat-Vorlage; "
    "wählen Sie ein Chat-Modell.",
    "Could not load the re-ranking model in '{folder}'. "
    "Choose another cross-encoder folder, or turn re-ranking off.": "Der Re-Ranker in "
    "„{folder}“ ließ sich nicht laden. Wählen Sie einen anderen Cross-Encoder-Ordner oder "
    "schalten Sie das Re-Ranking aus.",
    "The re-ranking model folder '{folder}' does not exist. "
    "Choose another folder, or turn re-ranking off.": "Den Re-Ranker-Ordner „{folder}“ gibt "
    "es nicht. Wählen Sie einen anderen Ordner oder schalten Sie das Re-Ranking aus.",
    "'{folder}' is not a model folder: it has no config.json. Choose the folder of "
    "a cross-encoder such as ms-marco-MiniLM-L-6-v2.": "„{folder}“ ist kein Modellordner: Es "
    "fehlt config.json. Wählen Sie den Ordner eines Cross-Encoders wie "
    "ms-marco-MiniLM-L-6-v2.",
    "This library was indexed with '{indexed}', but '{chosen}' is selected.": "Diese "
    "Bibliothek wurde mit „{indexed}“ indiziert, gewählt ist aber „{chosen}“.",
    # downloads
    "The hub refused '{repo}': {error}": "Der Hub hat „{repo}“ abgelehnt: {error}",
    "The hub has no model '{repo}'.": "Der Hub hat kein Modell „{repo}“.",
    "Could not reach {hub}: {error}": "{hub} war nicht erreichbar: {error}",
    "'{file}' arrived damaged (its checksum does not match the hub's). "
    "It was deleted; download the model again.": "„{file}“ kam beschädigt an (die Prüfsumme "
    "passt nicht zu der des Hubs). Die Datei wurde gelöscht; laden Sie das Modell erneut "
    "herunter.",
    "Not enough disk space for {model}: it needs {needed} and {free} is free in {folder}.": (
        "Nicht genug Speicherplatz für {model}: Es braucht {needed}, frei sind {free} in {folder}."
    ),
    "The disk filled up while downloading {model}.": "Beim Herunterladen von {model} wurde der "
    "Datenträger voll.",
    "The download of '{file}' broke off: {error}": "Das Herunterladen von „{file}“ brach ab: "
    "{error}",
    "The download of '{file}' broke off at {have} of {size}; start it again to resume.": (
        "Das Herunterladen von „{file}“ brach bei {have} von {size} ab; starten Sie es erneut, "
        "um fortzusetzen."
    ),
    # the engine
    "The question is empty. Type a question about your documents.": "Die Frage ist leer. "
    "Geben Sie eine Frage zu Ihren Dokumenten ein.",
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
    "Listing the models": "Das Auflisten der Modelle",
    "Importing the model": "Das Importieren des Modells",
    "Removing the model": "Das Entfernen des Modells",
    "Reading the model file": "Das Lesen der Modelldatei",
    # a library on a Chroma server
    "'{url}' is not a Chroma server's address, such as http://server:8000.": "„{url}“ ist "
    "keine Adresse eines Chroma-Servers wie http://server:8000.",
    "'{name}' cannot name a library: use letters, digits, '-' and '_'.": "„{name}“ taugt "
    "nicht als Name einer Bibliothek: Verwenden Sie Buchstaben, Ziffern, „-“ und „_“.",
    "The library on {url} was indexed with the embedding model '{indexed}', but '{chosen}' is "
    "selected. Select that model to use this library.": "Die Bibliothek auf {url} wurde mit "
    "dem Einbettungsmodell „{indexed}“ indiziert, gewählt ist aber „{chosen}“. Wählen Sie "
    "dieses Modell, um die Bibliothek zu nutzen.",
    "The Chroma server at {url} does not answer ({reason}). What was stored is kept: once the "
    "server is back, add the files again and Quelle goes on where it stopped.": "Der "
    "Chroma-Server unter {url} antwortet nicht ({reason}). Was gespeichert wurde, bleibt "
    "erhalten: Sobald der Server wieder da ist, fügen Sie die Dateien erneut hinzu, und "
    "Quelle macht dort weiter, wo es aufgehört hat.",
    "A library on a Chroma server keeps the embedder it was built with, so that every "
    "machine's questions find its passages.": "Eine Bibliothek auf einem Chroma-Server behält "
    "das Einbettungsmodell, mit dem sie aufgebaut wurde, damit die Fragen jedes Rechners ihre "
    "Textstellen finden.",
    "This library holds {n} documents on this computer. A library on a Chroma server is "
    "chosen when a library is created: start a new one (another --home, or remove the "
    "documents first).": "Diese Bibliothek enthält {n} Dokumente auf diesem Rechner. Eine "
    "Bibliothek auf einem Chroma-Server wird beim Anlegen einer Bibliothek gewählt: Beginnen "
    "Sie eine neue (ein anderes --home, oder entfernen Sie zuerst die Dokumente).",
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


def duration_text(seconds: float) -> str:
    """A duration as people read it: "45 s", "3:07"."""
    whole = int(round(seconds))
    return f"{whole // 60}:{whole % 60:02d}" if whole >= 60 else f"{whole} s"
