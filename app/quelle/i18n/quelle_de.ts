<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de_DE" sourcelanguage="en_US">
<context>
    <name>AddingStatus</name>
    <message>
        <location filename="../ui/adding.py" line="45"/>
        <source>Cancel</source>
        <translation>Abbrechen</translation>
    </message>
    <message>
        <location filename="../ui/adding.py" line="46"/>
        <source>Stop adding documents</source>
        <translation>Hinzufügen der Dokumente abbrechen</translation>
    </message>
    <message>
        <location filename="../ui/adding.py" line="66"/>
        <source>Looking for documents…</source>
        <translation>Dokumente werden gesucht…</translation>
    </message>
    <message>
        <location filename="../ui/adding.py" line="76"/>
        <source>Stopping…</source>
        <translation>Wird abgebrochen…</translation>
    </message>
    <message>
        <location filename="../ui/adding.py" line="82"/>
        <source>Adding file %1 of %2</source>
        <translation>Datei %1 von %2 wird hinzugefügt</translation>
    </message>
    <message>
        <location filename="../ui/adding.py" line="87"/>
        <source>about %1 left</source>
        <translation>noch etwa %1</translation>
    </message>
    <message>
        <location filename="../ui/adding.py" line="130"/>
        <source>No documents Quelle can read were found there.</source>
        <translation>Dort wurden keine Dokumente gefunden, die Quelle lesen kann.</translation>
    </message>
    <message>
        <location filename="../ui/adding.py" line="132"/>
        <source>Documents added: %1 (%2 passages)</source>
        <translation>Dokumente hinzugefügt: %1 (%2 Textstellen)</translation>
    </message>
    <message>
        <location filename="../ui/adding.py" line="137"/>
        <source>already in the library: %1</source>
        <translation>bereits in der Bibliothek: %1</translation>
    </message>
    <message>
        <location filename="../ui/adding.py" line="141"/>
        <source>failed: %1</source>
        <translation>fehlgeschlagen: %1</translation>
    </message>
    <message>
        <location filename="../ui/adding.py" line="143"/>
        <source>Stopped adding documents. </source>
        <translation>Hinzufügen der Dokumente abgebrochen. </translation>
    </message>
</context>
<context>
    <name>ChatView</name>
    <message>
        <location filename="../ui/chat_view.py" line="592"/>
        <source>Ask a question about your documents…  (Enter sends, Shift+Enter adds a line)</source>
        <translation>Frage zu den Dokumenten eingeben…  (Eingabetaste sendet, Umschalt+Eingabetaste für eine neue Zeile)</translation>
    </message>
    <message>
        <location filename="../ui/chat_view.py" line="595"/>
        <location filename="../ui/chat_view.py" line="726"/>
        <source>Send</source>
        <translation>Senden</translation>
    </message>
    <message>
        <location filename="../ui/chat_view.py" line="692"/>
        <source>Show earlier questions (%1)</source>
        <translation>Frühere Fragen anzeigen (%1)</translation>
    </message>
    <message>
        <location filename="../ui/chat_view.py" line="726"/>
        <source>Stop</source>
        <translation>Anhalten</translation>
    </message>
    <message>
        <location filename="../ui/chat_view.py" line="728"/>
        <source>Stop the answer (Esc)</source>
        <translation>Antwort anhalten (Esc)</translation>
    </message>
    <message>
        <location filename="../ui/chat_view.py" line="728"/>
        <source>Send the question (Enter)</source>
        <translation>Frage senden (Eingabetaste)</translation>
    </message>
</context>
<context>
    <name>ConversationsPanel</name>
    <message>
        <location filename="../ui/conversations_panel.py" line="34"/>
        <source>Conversations</source>
        <translation>Unterhaltungen</translation>
    </message>
    <message>
        <location filename="../ui/conversations_panel.py" line="52"/>
        <source>New</source>
        <translation>Neu</translation>
    </message>
    <message>
        <location filename="../ui/conversations_panel.py" line="53"/>
        <source>New conversation (Ctrl+N)</source>
        <translation>Neue Unterhaltung (Strg+N)</translation>
    </message>
    <message>
        <location filename="../ui/conversations_panel.py" line="55"/>
        <source>Rename</source>
        <translation>Umbenennen</translation>
    </message>
    <message>
        <location filename="../ui/conversations_panel.py" line="56"/>
        <source>Rename (F2)</source>
        <translation>Umbenennen (F2)</translation>
    </message>
    <message>
        <location filename="../ui/conversations_panel.py" line="58"/>
        <source>Export…</source>
        <translation>Exportieren…</translation>
    </message>
    <message>
        <location filename="../ui/conversations_panel.py" line="59"/>
        <source>Export as Markdown with sources (Ctrl+E)</source>
        <translation>Mit Quellen als Markdown exportieren (Strg+E)</translation>
    </message>
    <message>
        <location filename="../ui/conversations_panel.py" line="61"/>
        <source>Delete</source>
        <translation>Löschen</translation>
    </message>
    <message>
        <location filename="../ui/conversations_panel.py" line="62"/>
        <source>Delete this conversation (Delete)</source>
        <translation>Diese Unterhaltung löschen (Entf)</translation>
    </message>
</context>
<context>
    <name>EngineLink</name>
    <message>
        <location filename="../ui/engine_link.py" line="284"/>
        <source>The Quelle engine could not start. Details are in %1.</source>
        <translation>Die Quelle-Engine konnte nicht gestartet werden. Einzelheiten stehen in %1.</translation>
    </message>
    <message>
        <location filename="../ui/engine_link.py" line="433"/>
        <source>The Quelle engine stopped unexpectedly; it is starting again.</source>
        <translation>Die Quelle-Engine wurde unerwartet beendet und wird neu gestartet.</translation>
    </message>
    <message>
        <location filename="../ui/engine_link.py" line="437"/>
        <source>Documents it was adding are completed first; add any others again.</source>
        <translation>Dokumente, die sie gerade hinzugefügt hat, werden zuerst fertiggestellt; alle anderen bitte erneut hinzufügen.</translation>
    </message>
</context>
<context>
    <name>EngineStatus</name>
    <message>
        <location filename="../ui/engine_status.py" line="35"/>
        <source>Loading the models…</source>
        <translation>Modelle werden geladen…</translation>
    </message>
    <message>
        <location filename="../ui/engine_status.py" line="49"/>
        <source>Waiting for another Quelle process to finish with this library…</source>
        <translation>Warten, bis ein anderer Quelle-Prozess diese Bibliothek freigibt…</translation>
    </message>
    <message>
        <location filename="../ui/engine_status.py" line="56"/>
        <source>Restarting the engine…</source>
        <translation>Engine wird neu gestartet…</translation>
    </message>
    <message>
        <location filename="../ui/engine_status.py" line="64"/>
        <location filename="../ui/engine_status.py" line="79"/>
        <source>Models ready</source>
        <translation>Modelle bereit</translation>
    </message>
    <message>
        <location filename="../ui/engine_status.py" line="71"/>
        <source>The models could not be loaded</source>
        <translation>Die Modelle konnten nicht geladen werden</translation>
    </message>
    <message>
        <location filename="../ui/engine_status.py" line="80"/>
        <source>The library now uses the new embedder.</source>
        <translation>Die Bibliothek verwendet jetzt das neue Einbettungsmodell.</translation>
    </message>
    <message>
        <location filename="../ui/engine_status.py" line="84"/>
        <source>Re-indexing with the new embedder: %1 of %2 passages</source>
        <translation>Neuindizierung mit dem neuen Einbettungsmodell: %1 von %2 Textstellen</translation>
    </message>
</context>
<context>
    <name>LibraryPanel</name>
    <message>
        <location filename="../ui/library_panel.py" line="147"/>
        <source>Library</source>
        <translation>Bibliothek</translation>
    </message>
    <message>
        <location filename="../ui/library_panel.py" line="153"/>
        <source>Document</source>
        <translation>Dokument</translation>
    </message>
    <message>
        <location filename="../ui/library_panel.py" line="153"/>
        <source>State</source>
        <translation>Status</translation>
    </message>
    <message>
        <location filename="../ui/library_panel.py" line="153"/>
        <source>Pages</source>
        <translation>Seiten</translation>
    </message>
    <message>
        <location filename="../ui/library_panel.py" line="153"/>
        <source>Passages</source>
        <translation>Textstellen</translation>
    </message>
    <message>
        <location filename="../ui/library_panel.py" line="183"/>
        <source>Add…</source>
        <translation>Hinzufügen…</translation>
    </message>
    <message>
        <location filename="../ui/library_panel.py" line="184"/>
        <source>Add documents (Ctrl+O)</source>
        <translation>Dokumente hinzufügen (Strg+O)</translation>
    </message>
    <message>
        <location filename="../ui/library_panel.py" line="186"/>
        <source>Add folder…</source>
        <translation>Ordner hinzufügen…</translation>
    </message>
    <message>
        <location filename="../ui/library_panel.py" line="188"/>
        <source>Open</source>
        <translation>Öffnen</translation>
    </message>
    <message>
        <location filename="../ui/library_panel.py" line="189"/>
        <source>Open the original file (Enter)</source>
        <translation>Originaldatei öffnen (Eingabetaste)</translation>
    </message>
    <message>
        <location filename="../ui/library_panel.py" line="191"/>
        <source>Remove</source>
        <translation>Entfernen</translation>
    </message>
    <message>
        <location filename="../ui/library_panel.py" line="192"/>
        <source>Remove from the library (Delete)</source>
        <translation>Aus der Bibliothek entfernen (Entf)</translation>
    </message>
    <message>
        <location filename="../ui/library_panel.py" line="295"/>
        <source>Queued</source>
        <translation>Wartet</translation>
    </message>
    <message>
        <location filename="../ui/library_panel.py" line="298"/>
        <source>Reading scanned page %1 of %2</source>
        <translation>Gescannte Seite %1 von %2 wird gelesen</translation>
    </message>
    <message>
        <location filename="../ui/library_panel.py" line="304"/>
        <source>Embedding %1%</source>
        <translation>Einbettung %1 %</translation>
    </message>
    <message>
        <location filename="../ui/library_panel.py" line="306"/>
        <source>Unfinished; completes on start</source>
        <translation>Unvollständig; wird beim nächsten Start abgeschlossen</translation>
    </message>
    <message>
        <location filename="../ui/library_panel.py" line="308"/>
        <source>Failed: %1</source>
        <translation>Fehlgeschlagen: %1</translation>
    </message>
    <message>
        <location filename="../ui/library_panel.py" line="309"/>
        <source>Ready</source>
        <translation>Bereit</translation>
    </message>
    <message>
        <location filename="../ui/library_panel.py" line="341"/>
        <source>1 document</source>
        <translation>1 Dokument</translation>
    </message>
    <message>
        <location filename="../ui/library_panel.py" line="343"/>
        <source>%1 documents</source>
        <translation>%1 Dokumente</translation>
    </message>
    <message>
        <location filename="../ui/library_panel.py" line="345"/>
        <source>%1 passages</source>
        <translation>%1 Textstellen</translation>
    </message>
    <message>
        <location filename="../ui/library_panel.py" line="347"/>
        <source>shared on %1</source>
        <translation>gemeinsam auf %1</translation>
    </message>
    <message>
        <location filename="../ui/library_panel.py" line="366"/>
        <source>Some files could not be added; select one to see why.</source>
        <translation>Einige Dateien konnten nicht hinzugefügt werden. Eine davon auswählen, um den Grund zu sehen.</translation>
    </message>
    <message>
        <location filename="../ui/library_panel.py" line="368"/>
        <source>Drop files or folders anywhere on the window to add them.</source>
        <translation>Zum Hinzufügen Dateien oder Ordner einfach irgendwo auf das Fenster ziehen.</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../ui/window.py" line="117"/>
        <location filename="../ui/window.py" line="364"/>
        <location filename="../ui/window.py" line="373"/>
        <source>Quelle</source>
        <translation>Quelle</translation>
    </message>
    <message>
        <location filename="../ui/window.py" line="178"/>
        <source>Source</source>
        <translation>Quelle</translation>
    </message>
    <message>
        <location filename="../ui/window.py" line="181"/>
        <source>Close</source>
        <translation>Schließen</translation>
    </message>
    <message>
        <location filename="../ui/window.py" line="182"/>
        <source>Close the source (Ctrl+W)</source>
        <translation>Quelle schließen (Strg+W)</translation>
    </message>
    <message>
        <location filename="../ui/window.py" line="368"/>
        <source>%1 is downloaded and verified; choose it in Models.</source>
        <translation>%1 wurde heruntergeladen und geprüft und kann jetzt unter „Modelle“ ausgewählt werden.</translation>
    </message>
    <message>
        <location filename="../ui/window.py" line="402"/>
        <source>Add documents</source>
        <translation>Dokumente hinzufügen</translation>
    </message>
    <message>
        <location filename="../ui/window.py" line="404"/>
        <source>Documents (*.pdf *.docx *.md *.markdown *.txt *.html *.htm);;All files (*)</source>
        <translation>Dokumente (*.pdf *.docx *.md *.markdown *.txt *.html *.htm);;Alle Dateien (*)</translation>
    </message>
    <message>
        <location filename="../ui/window.py" line="410"/>
        <source>Add a folder</source>
        <translation>Ordner hinzufügen</translation>
    </message>
    <message>
        <location filename="../ui/window.py" line="464"/>
        <source>Waiting for the models to load…</source>
        <translation>Warten, bis die Modelle geladen sind…</translation>
    </message>
    <message>
        <location filename="../ui/window.py" line="533"/>
        <source>[%1] %2, page %3</source>
        <translation>[%1] %2, Seite %3</translation>
    </message>
    <message>
        <location filename="../ui/window.py" line="597"/>
        <source>Delete conversation</source>
        <translation>Unterhaltung löschen</translation>
    </message>
    <message>
        <location filename="../ui/window.py" line="598"/>
        <source>Delete “%1” and all its answers?</source>
        <translation>„%1“ mit allen Antworten löschen?</translation>
    </message>
    <message>
        <location filename="../ui/window.py" line="623"/>
        <source>Export conversation</source>
        <translation>Unterhaltung exportieren</translation>
    </message>
    <message>
        <location filename="../ui/window.py" line="625"/>
        <source>Markdown (*.md)</source>
        <translation>Markdown (*.md)</translation>
    </message>
    <message>
        <location filename="../ui/window.py" line="633"/>
        <source>Could not write %1: %2</source>
        <translation>%1 konnte nicht geschrieben werden: %2</translation>
    </message>
    <message>
        <location filename="../ui/window.py" line="638"/>
        <source>Exported to %1</source>
        <translation>Exportiert nach %1</translation>
    </message>
    <message>
        <location filename="../ui/window.py" line="667"/>
        <source>Settings saved. They apply from the next question on.</source>
        <translation>Einstellungen gespeichert. Sie gelten ab der nächsten Frage.</translation>
    </message>
    <message>
        <location filename="../ui/window.py" line="671"/>
        <source>Settings not saved</source>
        <translation>Einstellungen nicht gespeichert</translation>
    </message>
    <message>
        <location filename="../ui/window.py" line="233"/>
        <source>&amp;Add documents…</source>
        <translation>&amp;Dokumente hinzufügen…</translation>
    </message>
    <message>
        <location filename="../ui/window.py" line="236"/>
        <source>Add &amp;folder…</source>
        <translation>&amp;Ordner hinzufügen…</translation>
    </message>
    <message>
        <location filename="../ui/window.py" line="238"/>
        <source>&amp;Cancel adding</source>
        <translation>Hinzufügen &amp;abbrechen</translation>
    </message>
    <message>
        <location filename="../ui/window.py" line="241"/>
        <source>&amp;Settings…</source>
        <translation>&amp;Einstellungen…</translation>
    </message>
    <message>
        <location filename="../ui/window.py" line="243"/>
        <source>&amp;Models…</source>
        <translation>&amp;Modelle…</translation>
    </message>
    <message>
        <location filename="../ui/window.py" line="243"/>
        <source>Download and choose models</source>
        <translation>Modelle herunterladen und auswählen</translation>
    </message>
    <message>
        <location filename="../ui/window.py" line="245"/>
        <source>&amp;Quit</source>
        <translation>&amp;Beenden</translation>
    </message>
    <message>
        <location filename="../ui/window.py" line="248"/>
        <source>&amp;New conversation</source>
        <translation>&amp;Neue Unterhaltung</translation>
    </message>
    <message>
        <location filename="../ui/window.py" line="251"/>
        <source>&amp;Rename conversation</source>
        <translation>Unterhaltung &amp;umbenennen</translation>
    </message>
    <message>
        <location filename="../ui/window.py" line="254"/>
        <source>&amp;Delete conversation</source>
        <translation>Unterhaltung &amp;löschen</translation>
    </message>
    <message>
        <location filename="../ui/window.py" line="257"/>
        <source>&amp;Export as Markdown…</source>
        <translation>Als Markdown &amp;exportieren…</translation>
    </message>
    <message>
        <location filename="../ui/window.py" line="259"/>
        <source>&amp;Stop answer</source>
        <translation>Antwort &amp;anhalten</translation>
    </message>
    <message>
        <location filename="../ui/window.py" line="262"/>
        <source>Ask a &amp;question</source>
        <translation>&amp;Frage stellen</translation>
    </message>
    <message>
        <location filename="../ui/window.py" line="266"/>
        <source>&amp;Remove selected documents</source>
        <translation>Ausgewählte Dokumente &amp;entfernen</translation>
    </message>
    <message>
        <location filename="../ui/window.py" line="269"/>
        <source>&amp;Open original file</source>
        <translation>&amp;Originaldatei öffnen</translation>
    </message>
    <message>
        <location filename="../ui/window.py" line="272"/>
        <source>Go to &amp;conversations</source>
        <translation>Zu den &amp;Unterhaltungen wechseln</translation>
    </message>
    <message>
        <location filename="../ui/window.py" line="275"/>
        <source>Go to &amp;library</source>
        <translation>Zur &amp;Bibliothek wechseln</translation>
    </message>
    <message>
        <location filename="../ui/window.py" line="278"/>
        <source>Close &amp;source</source>
        <translation>&amp;Quelle schließen</translation>
    </message>
    <message>
        <location filename="../ui/window.py" line="282"/>
        <source>&amp;File</source>
        <translation>&amp;Datei</translation>
    </message>
    <message>
        <location filename="../ui/window.py" line="290"/>
        <source>&amp;Conversation</source>
        <translation>&amp;Unterhaltung</translation>
    </message>
    <message>
        <location filename="../ui/window.py" line="296"/>
        <source>&amp;Library</source>
        <translation>&amp;Bibliothek</translation>
    </message>
    <message>
        <location filename="../ui/window.py" line="299"/>
        <source>&amp;View</source>
        <translation>&amp;Ansicht</translation>
    </message>
</context>
<context>
    <name>ModelsDialog</name>
    <message>
        <location filename="../ui/models_dialog.py" line="65"/>
        <source>Models</source>
        <translation>Modelle</translation>
    </message>
    <message>
        <location filename="../ui/models_dialog.py" line="78"/>
        <source>&amp;Chat models</source>
        <translation>&amp;Sprachmodelle</translation>
    </message>
    <message>
        <location filename="../ui/models_dialog.py" line="79"/>
        <source>&amp;Embedders</source>
        <translation>&amp;Einbettungsmodelle</translation>
    </message>
    <message>
        <location filename="../ui/models_dialog.py" line="80"/>
        <source>&amp;Re-rankers</source>
        <translation>&amp;Re-Ranker</translation>
    </message>
    <message>
        <location filename="../ui/models_dialog.py" line="81"/>
        <source>Answer &amp;checkers</source>
        <translation>Antwort&amp;prüfer</translation>
    </message>
    <message>
        <location filename="../ui/models_dialog.py" line="89"/>
        <source>Model</source>
        <translation>Modell</translation>
    </message>
    <message>
        <location filename="../ui/models_dialog.py" line="90"/>
        <source>Size</source>
        <translation>Größe</translation>
    </message>
    <message>
        <location filename="../ui/models_dialog.py" line="91"/>
        <source>On this computer</source>
        <translation>Auf diesem Rechner</translation>
    </message>
    <message>
        <location filename="../ui/models_dialog.py" line="92"/>
        <source>Languages</source>
        <translation>Sprachen</translation>
    </message>
    <message>
        <location filename="../ui/models_dialog.py" line="93"/>
        <source>Licence</source>
        <translation>Lizenz</translation>
    </message>
    <message>
        <location filename="../ui/models_dialog.py" line="94"/>
        <source>State</source>
        <translation>Status</translation>
    </message>
    <message>
        <location filename="../ui/models_dialog.py" line="108"/>
        <source>&amp;Download</source>
        <translation>&amp;Herunterladen</translation>
    </message>
    <message>
        <location filename="../ui/models_dialog.py" line="109"/>
        <source>Cance&amp;l download</source>
        <translation>Herunterladen a&amp;bbrechen</translation>
    </message>
    <message>
        <location filename="../ui/models_dialog.py" line="110"/>
        <location filename="../ui/models_dialog.py" line="320"/>
        <source>&amp;Use</source>
        <translation>&amp;Verwenden</translation>
    </message>
    <message>
        <location filename="../ui/models_dialog.py" line="111"/>
        <source>Re&amp;move</source>
        <translation>Ent&amp;fernen</translation>
    </message>
    <message>
        <location filename="../ui/models_dialog.py" line="112"/>
        <source>&amp;Import GGUF file…</source>
        <translation>GGUF-Datei &amp;importieren…</translation>
    </message>
    <message>
        <location filename="../ui/models_dialog.py" line="155"/>
        <source>This computer: %1 GB memory (%2 GB free), %3 cores.</source>
        <translation>Dieser Rechner: %1 GB Arbeitsspeicher (%2 GB frei), %3 Kerne.</translation>
    </message>
    <message>
        <location filename="../ui/models_dialog.py" line="162"/>
        <source>The built-in chat model writes %1 tokens per second here; the speeds below are scaled from it by model size.</source>
        <translation>Das integrierte Sprachmodell schreibt hier %1 Token pro Sekunde; die Geschwindigkeiten unten sind daraus anhand der Modellgröße hochgerechnet.</translation>
    </message>
    <message>
        <location filename="../ui/models_dialog.py" line="190"/>
        <location filename="../ui/models_dialog.py" line="230"/>
        <source>In use</source>
        <translation>In Verwendung</translation>
    </message>
    <message>
        <location filename="../ui/models_dialog.py" line="193"/>
        <source>Indexing: %1 %</source>
        <translation>Indizierung: %1 %</translation>
    </message>
    <message>
        <location filename="../ui/models_dialog.py" line="197"/>
        <source>Downloading…</source>
        <translation>Wird heruntergeladen…</translation>
    </message>
    <message>
        <location filename="../ui/models_dialog.py" line="199"/>
        <source>Downloaded</source>
        <translation>Heruntergeladen</translation>
    </message>
    <message>
        <location filename="../ui/models_dialog.py" line="199"/>
        <source>Built in</source>
        <translation>Integriert</translation>
    </message>
    <message>
        <location filename="../ui/models_dialog.py" line="201"/>
        <source>Partly downloaded</source>
        <translation>Teilweise heruntergeladen</translation>
    </message>
    <message>
        <location filename="../ui/models_dialog.py" line="230"/>
        <source>Imported</source>
        <translation>Importiert</translation>
    </message>
    <message>
        <location filename="../ui/models_dialog.py" line="244"/>
        <source>needs %1 of memory beside Quelle&apos;s %2; this computer has %3</source>
        <translation>braucht %1 Arbeitsspeicher zusätzlich zu den %2 für Quelle; dieser Rechner hat %3</translation>
    </message>
    <message>
        <location filename="../ui/models_dialog.py" line="252"/>
        <source>about %1 tokens/s</source>
        <translation>etwa %1 Token/s</translation>
    </message>
    <message>
        <location filename="../ui/models_dialog.py" line="255"/>
        <source>indexing about %1× slower than the built-in model</source>
        <translation>Indizierung etwa %1× langsamer als mit dem integrierten Modell</translation>
    </message>
    <message>
        <location filename="../ui/models_dialog.py" line="256"/>
        <source>about %1× the work of the built-in embedder per text</source>
        <translation>etwa %1-mal so viel Arbeit je Text wie das eingebaute Einbettungsmodell</translation>
    </message>
    <message>
        <location filename="../ui/models_dialog.py" line="257"/>
        <source>re-ranking about %1× slower than the built-in model</source>
        <translation>Re-Ranking etwa %1× langsamer als mit dem integrierten Modell</translation>
    </message>
    <message>
        <location filename="../ui/models_dialog.py" line="261"/>
        <source>needs %1, %2 free now</source>
        <translation>braucht %1, derzeit %2 frei</translation>
    </message>
    <message>
        <location filename="../ui/models_dialog.py" line="266"/>
        <source>needs %1 of memory</source>
        <translation>braucht %1 Arbeitsspeicher</translation>
    </message>
    <message>
        <location filename="../ui/models_dialog.py" line="271"/>
        <source>runs well</source>
        <translation>läuft gut</translation>
    </message>
    <message>
        <location filename="../ui/models_dialog.py" line="272"/>
        <source>slow</source>
        <translation>langsam</translation>
    </message>
    <message>
        <location filename="../ui/models_dialog.py" line="273"/>
        <source>won&apos;t fit</source>
        <translation>zu groß</translation>
    </message>
    <message>
        <location filename="../ui/models_dialog.py" line="278"/>
        <source>(about %1 tokens/s)</source>
        <translation>(etwa %1 Token/s)</translation>
    </message>
    <message>
        <location filename="../ui/models_dialog.py" line="320"/>
        <source>&amp;Stop using</source>
        <translation>Nicht mehr &amp;verwenden</translation>
    </message>
    <message>
        <location filename="../ui/models_dialog.py" line="348"/>
        <source>Reads up to %1 tokens. From %2.</source>
        <translation>Liest bis zu %1 Token. Herkunft: %2.</translation>
    </message>
    <message>
        <location filename="../ui/models_dialog.py" line="350"/>
        <source>Quelle itself</source>
        <translation>Quelle selbst</translation>
    </message>
    <message>
        <location filename="../ui/models_dialog.py" line="357"/>
        <source>Checking the download…</source>
        <translation>Heruntergeladene Datei wird geprüft…</translation>
    </message>
    <message>
        <location filename="../ui/models_dialog.py" line="361"/>
        <source>%1 of %2 at %3/s, %4 left</source>
        <translation>%1 von %2 mit %3/s, noch %4</translation>
    </message>
    <message>
        <location filename="../ui/models_dialog.py" line="378"/>
        <source>Download anyway?</source>
        <translation>Trotzdem herunterladen?</translation>
    </message>
    <message>
        <location filename="../ui/models_dialog.py" line="379"/>
        <source>%1 will not fit in this computer&apos;s memory: %2. Download it anyway?</source>
        <translation>%1 passt nicht in den Arbeitsspeicher dieses Rechners: %2. Trotzdem herunterladen?</translation>
    </message>
    <message>
        <location filename="../ui/models_dialog.py" line="404"/>
        <source>Re-index the library?</source>
        <translation>Bibliothek neu indizieren?</translation>
    </message>
    <message>
        <location filename="../ui/models_dialog.py" line="406"/>
        <source>Every passage is embedded again with %1. Questions are answered from the current index until that has finished. Go ahead?</source>
        <translation>Alle Textstellen werden mit %1 neu eingebettet. Bis das abgeschlossen ist, werden Fragen mit dem bisherigen Index beantwortet. Fortfahren?</translation>
    </message>
    <message>
        <location filename="../ui/models_dialog.py" line="420"/>
        <source>Remove model</source>
        <translation>Modell entfernen</translation>
    </message>
    <message>
        <location filename="../ui/models_dialog.py" line="421"/>
        <source>Remove %1 from this computer?</source>
        <translation>%1 von diesem Rechner entfernen?</translation>
    </message>
    <message>
        <location filename="../ui/models_dialog.py" line="447"/>
        <source>Not removed</source>
        <translation>Nicht entfernt</translation>
    </message>
    <message>
        <location filename="../ui/models_dialog.py" line="430"/>
        <source>Import a GGUF model</source>
        <translation>GGUF-Modell importieren</translation>
    </message>
    <message>
        <location filename="../ui/models_dialog.py" line="445"/>
        <source>Not imported</source>
        <translation>Nicht importiert</translation>
    </message>
    <message>
        <location filename="../ui/models_dialog.py" line="467"/>
        <source>Download failed</source>
        <translation>Herunterladen fehlgeschlagen</translation>
    </message>
</context>
<context>
    <name>PasswordDialog</name>
    <message>
        <location filename="../ui/password_dialog.py" line="22"/>
        <source>Password needed</source>
        <translation>Passwort nötig</translation>
    </message>
    <message>
        <location filename="../ui/password_dialog.py" line="25"/>
        <source>That password does not open “%1”. Try another, or skip the file.</source>
        <translation>Dieses Passwort öffnet „%1“ nicht. Versuchen Sie ein anderes, oder überspringen Sie die Datei.</translation>
    </message>
    <message>
        <location filename="../ui/password_dialog.py" line="27"/>
        <source>“%1” is protected by a password. Type it to add the document.</source>
        <translation>„%1“ ist durch ein Passwort geschützt. Geben Sie es ein, um das Dokument hinzuzufügen.</translation>
    </message>
    <message>
        <location filename="../ui/password_dialog.py" line="33"/>
        <source>Password</source>
        <translation>Passwort</translation>
    </message>
    <message>
        <location filename="../ui/password_dialog.py" line="34"/>
        <source>Remember it in the system keyring</source>
        <translation>Im Schlüsselbund des Systems merken</translation>
    </message>
    <message>
        <location filename="../ui/password_dialog.py" line="36"/>
        <source>Otherwise Quelle keeps the password only until it is closed.</source>
        <translation>Sonst behält Quelle das Passwort nur, bis es geschlossen wird.</translation>
    </message>
    <message>
        <location filename="../ui/password_dialog.py" line="39"/>
        <source>&amp;Add</source>
        <translation>&amp;Hinzufügen</translation>
    </message>
    <message>
        <location filename="../ui/password_dialog.py" line="41"/>
        <source>&amp;Skip</source>
        <translation>Ü&amp;berspringen</translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <location filename="../ui/settings_dialog.py" line="55"/>
        <source>Settings</source>
        <translation>Einstellungen</translation>
    </message>
    <message>
        <location filename="../ui/settings_dialog.py" line="58"/>
        <source>&amp;Model</source>
        <translation>&amp;Modell</translation>
    </message>
    <message>
        <location filename="../ui/settings_dialog.py" line="59"/>
        <source>&amp;Generation</source>
        <translation>&amp;Generierung</translation>
    </message>
    <message>
        <location filename="../ui/settings_dialog.py" line="60"/>
        <source>R&amp;etrieval</source>
        <translation>&amp;Suche</translation>
    </message>
    <message>
        <location filename="../ui/settings_dialog.py" line="61"/>
        <source>S&amp;ystem prompt</source>
        <translation>S&amp;ystemprompt</translation>
    </message>
    <message>
        <location filename="../ui/settings_dialog.py" line="87"/>
        <source>Built-in model (SmolLM2 135M Instruct)</source>
        <translation>Integriertes Modell (SmolLM2 135M Instruct)</translation>
    </message>
    <message>
        <location filename="../ui/settings_dialog.py" line="91"/>
        <source>A chat model in GGUF format, as made for llama.cpp. Leave empty to use the small model that comes with Quelle.</source>
        <translation>Ein Sprachmodell im GGUF-Format, wie es llama.cpp verwendet. Leer lassen, um das kleine Modell zu verwenden, das Quelle mitbringt.</translation>
    </message>
    <message>
        <location filename="../ui/settings_dialog.py" line="96"/>
        <source>&amp;Choose…</source>
        <translation>&amp;Auswählen…</translation>
    </message>
    <message>
        <location filename="../ui/settings_dialog.py" line="99"/>
        <source>Use &amp;built-in model</source>
        <translation>&amp;Integriertes Modell verwenden</translation>
    </message>
    <message>
        <location filename="../ui/settings_dialog.py" line="120"/>
        <source>Chat model &amp;file:</source>
        <translation>Sprachmodell-&amp;Datei:</translation>
    </message>
    <message>
        <location filename="../ui/settings_dialog.py" line="129"/>
        <source>Larger models answer better but need more memory and time. File → Models… downloads them and says which suit this computer.</source>
        <translation>Größere Modelle antworten besser, brauchen aber mehr Speicher und Zeit. Unter Datei → Modelle… lassen sie sich herunterladen; dort steht auch, welche zu diesem Rechner passen.</translation>
    </message>
    <message>
        <location filename="../ui/settings_dialog.py" line="139"/>
        <source>As the system</source>
        <translation>Systemsprache</translation>
    </message>
    <message>
        <location filename="../ui/settings_dialog.py" line="142"/>
        <source>&amp;Language of the window:</source>
        <translation>Sprache der &amp;Oberfläche:</translation>
    </message>
    <message>
        <location filename="../ui/settings_dialog.py" line="149"/>
        <source>A new language shows after Quelle is started again.</source>
        <translation>Die geänderte Sprache gilt ab dem nächsten Start von Quelle.</translation>
    </message>
    <message>
        <location filename="../ui/settings_dialog.py" line="161"/>
        <source>How freely the model picks words. Low values (0–0.3) keep answers close to the passages; high values make them more varied and less reliable.</source>
        <translation>Wie frei das Modell seine Wörter wählt. Niedrige Werte (0–0,3) halten die Antworten nah an den Textstellen; hohe Werte machen sie abwechslungsreicher, aber weniger zuverlässig.</translation>
    </message>
    <message>
        <location filename="../ui/settings_dialog.py" line="168"/>
        <source>Only the most likely words whose probabilities add up to this share are considered. 1 considers all.</source>
        <translation>Nur die wahrscheinlichsten Wörter, deren Wahrscheinlichkeiten zusammen diesen Anteil ergeben, kommen in Frage. 1 lässt alle zu.</translation>
    </message>
    <message>
        <location filename="../ui/settings_dialog.py" line="173"/>
        <source>No limit</source>
        <translation>Unbegrenzt</translation>
    </message>
    <message>
        <location filename="../ui/settings_dialog.py" line="176"/>
        <source>Only this many of the most likely next words are considered. 0 means no limit.</source>
        <translation>Nur so viele der wahrscheinlichsten nächsten Wörter kommen in Frage. 0 bedeutet unbegrenzt.</translation>
    </message>
    <message>
        <location filename="../ui/settings_dialog.py" line="182"/>
        <source>Discourages the model from repeating itself. 1 means no penalty; above 1.3 answers may avoid words they need.</source>
        <translation>Hält das Modell davon ab, sich zu wiederholen. 1 bedeutet keine Strafe; über 1,3 meiden Antworten womöglich Wörter, die sie brauchen.</translation>
    </message>
    <message>
        <location filename="../ui/settings_dialog.py" line="187"/>
        <location filename="../ui/settings_dialog.py" line="194"/>
        <source> tokens</source>
        <translation> Token</translation>
    </message>
    <message>
        <location filename="../ui/settings_dialog.py" line="190"/>
        <source>The longest answer the model may write. A token is about three quarters of a word.</source>
        <translation>Die längste Antwort, die das Modell schreiben darf. Ein Token entspricht etwa drei Vierteln eines Wortes.</translation>
    </message>
    <message>
        <location filename="../ui/settings_dialog.py" line="197"/>
        <source>How much text the model reads at once: instructions, passages, history and the answer. Larger sizes need more memory.</source>
        <translation>Wie viel Text das Modell auf einmal liest: Anweisungen, Textstellen, Verlauf und die Antwort. Größere Werte brauchen mehr Speicher.</translation>
    </message>
    <message>
        <location filename="../ui/settings_dialog.py" line="206"/>
        <source>Automatic</source>
        <translation>Automatisch</translation>
    </message>
    <message>
        <location filename="../ui/settings_dialog.py" line="208"/>
        <source>CPU threads used to generate answers. Automatic uses one per physical core.</source>
        <translation>CPU-Threads, mit denen Antworten erzeugt werden. „Automatisch“ verwendet einen pro physischem Kern.</translation>
    </message>
    <message>
        <location filename="../ui/settings_dialog.py" line="211"/>
        <source>&amp;Temperature:</source>
        <translation>&amp;Temperatur:</translation>
    </message>
    <message>
        <location filename="../ui/settings_dialog.py" line="212"/>
        <source>Top-&amp;p:</source>
        <translation>Top-&amp;p:</translation>
    </message>
    <message>
        <location filename="../ui/settings_dialog.py" line="213"/>
        <source>Top-&amp;k:</source>
        <translation>Top-&amp;k:</translation>
    </message>
    <message>
        <location filename="../ui/settings_dialog.py" line="214"/>
        <source>Repeat pe&amp;nalty:</source>
        <translation>&amp;Wiederholungsstrafe:</translation>
    </message>
    <message>
        <location filename="../ui/settings_dialog.py" line="215"/>
        <source>Longest &amp;answer:</source>
        <translation>Maximale &amp;Antwortlänge:</translation>
    </message>
    <message>
        <location filename="../ui/settings_dialog.py" line="216"/>
        <source>&amp;Context size:</source>
        <translation>Ko&amp;ntextgröße:</translation>
    </message>
    <message>
        <location filename="../ui/settings_dialog.py" line="218"/>
        <source>CPU t&amp;hreads:</source>
        <translation>CPU-T&amp;hreads:</translation>
    </message>
    <message>
        <location filename="../ui/settings_dialog.py" line="227"/>
        <source>How many passages from your documents the model reads for each question. More passages find more, but need a larger context and take longer.</source>
        <translation>Wie viele Textstellen aus den Dokumenten das Modell zu jeder Frage liest. Mehr Textstellen finden mehr, brauchen aber einen größeren Kontext und dauern länger.</translation>
    </message>
    <message>
        <location filename="../ui/settings_dialog.py" line="231"/>
        <source>Combine &amp;keyword and semantic search</source>
        <translation>Stichwort- und semantische Suche &amp;kombinieren</translation>
    </message>
    <message>
        <location filename="../ui/settings_dialog.py" line="235"/>
        <source>Also match the exact words of the question (names, numbers, codes), not only its meaning. Usually finds better passages.</source>
        <translation>Auch nach den genauen Wörtern der Frage suchen (Namen, Zahlen, Codes), nicht nur nach ihrer Bedeutung. Findet meist bessere Textstellen.</translation>
    </message>
    <message>
        <location filename="../ui/settings_dialog.py" line="241"/>
        <source>On this computer</source>
        <translation>Auf diesem Rechner</translation>
    </message>
    <message>
        <location filename="../ui/settings_dialog.py" line="245"/>
        <source>Keep the library on a Chroma server that your team shares, for example http://server:8000. Every computer that names it sees the same documents. Chosen for a new, empty library.</source>
        <translation>Die Bibliothek auf einem Chroma-Server halten, den Ihr Team teilt, zum Beispiel http://server:8000. Jeder Rechner, der ihn angibt, sieht dieselben Dokumente. Wird für eine neue, leere Bibliothek gewählt.</translation>
    </message>
    <message>
        <location filename="../ui/settings_dialog.py" line="250"/>
        <source>&amp;Passages per answer:</source>
        <translation>&amp;Textstellen pro Antwort:</translation>
    </message>
    <message>
        <location filename="../ui/settings_dialog.py" line="252"/>
        <source>&amp;Shared library:</source>
        <translation>&amp;Gemeinsame Bibliothek:</translation>
    </message>
    <message>
        <location filename="../ui/settings_dialog.py" line="261"/>
        <source>The instructions the model receives before every question.</source>
        <translation>Die Anweisungen, die das Modell vor jeder Frage erhält.</translation>
    </message>
    <message>
        <location filename="../ui/settings_dialog.py" line="263"/>
        <source>Restore &amp;default</source>
        <translation>Stan&amp;dard wiederherstellen</translation>
    </message>
    <message>
        <location filename="../ui/settings_dialog.py" line="266"/>
        <source>&amp;Instructions for the model:</source>
        <translation>&amp;Anweisungen an das Modell:</translation>
    </message>
    <message>
        <location filename="../ui/settings_dialog.py" line="324"/>
        <source>Choose a chat model</source>
        <translation>Sprachmodell auswählen</translation>
    </message>
    <message>
        <location filename="../ui/settings_dialog.py" line="326"/>
        <source>GGUF models (*.gguf);;All files (*)</source>
        <translation>GGUF-Modelle (*.gguf);;Alle Dateien (*)</translation>
    </message>
    <message>
        <location filename="../ui/settings_dialog.py" line="374"/>
        <location filename="../ui/settings_dialog.py" line="377"/>
        <source>unknown</source>
        <translation>unbekannt</translation>
    </message>
    <message>
        <location filename="../ui/settings_dialog.py" line="377"/>
        <source>Quantisation: {0}</source>
        <translation>Quantisierung: {0}</translation>
    </message>
    <message>
        <location filename="../ui/settings_dialog.py" line="378"/>
        <source>Size: {0}</source>
        <translation>Größe: {0}</translation>
    </message>
    <message>
        <location filename="../ui/settings_dialog.py" line="379"/>
        <source>Trained context: {0} tokens</source>
        <translation>Trainierter Kontext: {0} Token</translation>
    </message>
    <message>
        <location filename="../ui/settings_dialog.py" line="382"/>
        <source>Parameters: {0}</source>
        <translation>Parameter: {0}</translation>
    </message>
    <message>
        <location filename="../ui/settings_dialog.py" line="384"/>
        <source>Architecture: {0}</source>
        <translation>Architektur: {0}</translation>
    </message>
    <message>
        <location filename="../ui/settings_dialog.py" line="391"/>
        <source>This model was trained for at most {0} tokens; larger sizes give worse answers.</source>
        <translation>Dieses Modell wurde für höchstens {0} Token trainiert; größere Werte führen zu schlechteren Antworten.</translation>
    </message>
    <message>
        <location filename="../ui/settings_dialog.py" line="397"/>
        <source>The model supports up to {0} tokens.</source>
        <translation>Das Modell unterstützt bis zu {0} Token.</translation>
    </message>
</context>
<context>
    <name>SourceCard</name>
    <message>
        <location filename="../ui/chat_view.py" line="243"/>
        <source>Open %1 at page %2</source>
        <translation>%1 auf Seite %2 öffnen</translation>
    </message>
    <message>
        <location filename="../ui/chat_view.py" line="246"/>
        <source>&lt;b&gt;[%1]&lt;/b&gt;&amp;nbsp; %2 · page %3</source>
        <translation>&lt;b&gt;[%1]&lt;/b&gt;&amp;nbsp; %2 · Seite %3</translation>
    </message>
    <message>
        <location filename="../ui/chat_view.py" line="252"/>
        <source>relevance %1</source>
        <translation>Relevanz %1</translation>
    </message>
</context>
<context>
    <name>SourceView</name>
    <message>
        <location filename="../ui/source_view.py" line="352"/>
        <source>Previous page</source>
        <translation>Vorherige Seite</translation>
    </message>
    <message>
        <location filename="../ui/source_view.py" line="357"/>
        <source>Next page</source>
        <translation>Nächste Seite</translation>
    </message>
    <message>
        <location filename="../ui/source_view.py" line="360"/>
        <source>Zoom out (Ctrl+-)</source>
        <translation>Verkleinern (Strg+-)</translation>
    </message>
    <message>
        <location filename="../ui/source_view.py" line="361"/>
        <source>Zoom in (Ctrl++)</source>
        <translation>Vergrößern (Strg++)</translation>
    </message>
    <message>
        <location filename="../ui/source_view.py" line="363"/>
        <source>Fit the page width (Ctrl+0)</source>
        <translation>An die Seitenbreite anpassen (Strg+0)</translation>
    </message>
    <message>
        <location filename="../ui/source_view.py" line="363"/>
        <source>Fit width</source>
        <translation>Seitenbreite</translation>
    </message>
    <message>
        <location filename="../ui/source_view.py" line="367"/>
        <source>Open the file in its usual application</source>
        <translation>Datei im Standardprogramm öffnen</translation>
    </message>
    <message>
        <location filename="../ui/source_view.py" line="369"/>
        <source>Open original</source>
        <translation>Original öffnen</translation>
    </message>
    <message>
        <location filename="../ui/source_view.py" line="444"/>
        <source>Choose a citation to see the passage in its source.</source>
        <translation>Einen Quellenverweis auswählen, um die Textstelle in ihrer Quelle zu sehen.</translation>
    </message>
    <message>
        <location filename="../ui/source_view.py" line="480"/>
        <source>&apos;{name}&apos; can no longer be found at {folder}. It may have been moved, renamed or deleted.</source>
        <translation>„{name}“ ist nicht mehr in {folder} zu finden. Die Datei wurde möglicherweise verschoben, umbenannt oder gelöscht.</translation>
    </message>
    <message>
        <location filename="../ui/source_view.py" line="493"/>
        <source>&apos;{name}&apos; could not be shown (see the log file for details).</source>
        <translation>„{name}“ konnte nicht angezeigt werden (Einzelheiten in der Protokolldatei).</translation>
    </message>
    <message>
        <location filename="../ui/source_view.py" line="570"/>
        <source>The file has {count} pages, not {page}; it may have changed since it was indexed.</source>
        <translation>Die Datei hat {count} Seiten, nicht {page}; sie hat sich seit der Indizierung möglicherweise geändert.</translation>
    </message>
    <message>
        <location filename="../ui/source_view.py" line="606"/>
        <source>This page is a scanned image; finding the passage on it…</source>
        <translation>Diese Seite ist ein gescanntes Bild; die Textstelle wird darauf gesucht…</translation>
    </message>
    <message>
        <location filename="../ui/source_view.py" line="611"/>
        <source>The passage could not be found in this page&apos;s text layer; it is somewhere on this page.</source>
        <translation>Die Textstelle wurde in der Textebene dieser Seite nicht gefunden; sie steht irgendwo auf dieser Seite.</translation>
    </message>
    <message>
        <location filename="../ui/source_view.py" line="618"/>
        <source>The page&apos;s text differs slightly from the indexed text; the parts of the passage found on it are highlighted.</source>
        <translation>Der Text der Seite weicht leicht vom indizierten Text ab; die darauf gefundenen Teile der Textstelle sind hervorgehoben.</translation>
    </message>
    <message>
        <location filename="../ui/source_view.py" line="647"/>
        <source>This page is a scanned image, and the passage was not found where Tesseract read it; it is somewhere on this page.</source>
        <translation>Diese Seite ist ein gescanntes Bild, und die Textstelle wurde in dem von Tesseract gelesenen Text nicht gefunden; sie steht irgendwo auf dieser Seite.</translation>
    </message>
    <message>
        <location filename="../ui/source_view.py" line="654"/>
        <source>This page is a scanned image; the passage is highlighted where it was read.</source>
        <translation>Diese Seite ist ein gescanntes Bild; die Textstelle ist dort hervorgehoben, wo sie gelesen wurde.</translation>
    </message>
    <message>
        <location filename="../ui/source_view.py" line="673"/>
        <source>&apos;{name}&apos; is protected by a password, so it cannot be shown here. Use “Open original” to view it.</source>
        <translation>„{name}“ ist durch ein Passwort geschützt und kann hier nicht angezeigt werden. Mit „Original öffnen“ lässt sich die Datei ansehen.</translation>
    </message>
    <message>
        <location filename="../ui/source_view.py" line="677"/>
        <source>&apos;{name}&apos; could not be opened as a PDF; the file may be damaged. Use “Open original” to try another application.</source>
        <translation>„{name}“ konnte nicht als PDF geöffnet werden; die Datei ist möglicherweise beschädigt. Mit „Original öffnen“ lässt sie sich in einem anderen Programm versuchen.</translation>
    </message>
    <message>
        <location filename="../ui/source_view.py" line="766"/>
        <source>page {page} of {count}</source>
        <translation>Seite {page} von {count}</translation>
    </message>
    <message>
        <location filename="../ui/source_view.py" line="777"/>
        <source>Reading &apos;{name}&apos;…</source>
        <translation>„{name}“ wird gelesen…</translation>
    </message>
    <message>
        <location filename="../ui/source_view.py" line="855"/>
        <source>This source cannot be shown: {reason}</source>
        <translation>Diese Quelle kann nicht angezeigt werden: {reason}</translation>
    </message>
    <message>
        <location filename="../ui/source_view.py" line="805"/>
        <source>The passage could not be found in this file; it may have changed since it was indexed.</source>
        <translation>Die Textstelle wurde in dieser Datei nicht gefunden; die Datei hat sich seit der Indizierung möglicherweise geändert.</translation>
    </message>
    <message>
        <location filename="../ui/source_view.py" line="813"/>
        <source>The file&apos;s text differs slightly from the indexed text; the parts of the passage found in it are highlighted.</source>
        <translation>Der Text der Datei weicht leicht vom indizierten Text ab; die darin gefundenen Teile der Textstelle sind hervorgehoben.</translation>
    </message>
</context>
<context>
    <name>TurnWidget</name>
    <message>
        <location filename="../ui/chat_view.py" line="309"/>
        <source>Searching your documents…</source>
        <translation>Dokumente werden durchsucht…</translation>
    </message>
    <message>
        <location filename="../ui/chat_view.py" line="322"/>
        <source>Let the model write an answer</source>
        <translation>Modell antworten lassen</translation>
    </message>
    <message>
        <location filename="../ui/chat_view.py" line="325"/>
        <source>The chat model is small: the sentences above are the answer. It can still write one from them, which takes longer and may be wrong.</source>
        <translation>Das Sprachmodell ist klein: Die Sätze oben sind die Antwort. Es kann trotzdem eine aus ihnen schreiben; das dauert länger und kann falsch sein.</translation>
    </message>
    <message>
        <location filename="../ui/chat_view.py" line="384"/>
        <source>Reading %1 passages…</source>
        <translation>%1 Textstellen werden gelesen…</translation>
    </message>
    <message>
        <location filename="../ui/chat_view.py" line="410"/>
        <source>Stopped before the first word.</source>
        <translation>Vor dem ersten Wort angehalten.</translation>
    </message>
    <message>
        <location filename="../ui/chat_view.py" line="410"/>
        <source>No answer.</source>
        <translation>Keine Antwort.</translation>
    </message>
    <message>
        <location filename="../ui/chat_view.py" line="417"/>
        <source>1 sentence is not supported by your documents; it is marked in red.</source>
        <translation>Ein Satz wird durch die Dokumente nicht belegt; er ist rot markiert.</translation>
    </message>
    <message>
        <location filename="../ui/chat_view.py" line="420"/>
        <source>%1 sentences are not supported by your documents; they are marked in red.</source>
        <translation>%1 Sätze werden durch die Dokumente nicht belegt; sie sind rot markiert.</translation>
    </message>
    <message>
        <location filename="../ui/chat_view.py" line="429"/>
        <source>Sources</source>
        <translation>Quellen</translation>
    </message>
    <message>
        <location filename="../ui/chat_view.py" line="429"/>
        <source>Also consulted</source>
        <translation>Ebenfalls herangezogen</translation>
    </message>
    <message>
        <location filename="../ui/chat_view.py" line="474"/>
        <source>first token %1 s</source>
        <translation>erstes Token nach %1 s</translation>
    </message>
    <message>
        <location filename="../ui/chat_view.py" line="476"/>
        <source>%1 tokens/s</source>
        <translation>%1 Token/s</translation>
    </message>
    <message>
        <location filename="../ui/chat_view.py" line="477"/>
        <source>%1 ms/token</source>
        <translation>%1 ms/Token</translation>
    </message>
    <message>
        <location filename="../ui/chat_view.py" line="479"/>
        <source>retrieval %1 s</source>
        <translation>Suche %1 s</translation>
    </message>
    <message>
        <location filename="../ui/chat_view.py" line="481"/>
        <source>re-ranked in %1 s</source>
        <translation>Re-Ranking %1 s</translation>
    </message>
    <message>
        <location filename="../ui/chat_view.py" line="483"/>
        <source>checked in %1 s</source>
        <translation>geprüft in %1 s</translation>
    </message>
    <message>
        <location filename="../ui/chat_view.py" line="485"/>
        <source>no passage was relevant</source>
        <translation>keine Textstelle war relevant</translation>
    </message>
    <message>
        <location filename="../ui/chat_view.py" line="487"/>
        <source>stopped</source>
        <translation>angehalten</translation>
    </message>
    <message>
        <location filename="../ui/chat_view.py" line="397"/>
        <source>No passage supports this sentence</source>
        <translation>Keine Textstelle belegt diesen Satz</translation>
    </message>
</context>
<context>
    <name>WatchedFoldersBox</name>
    <message>
        <location filename="../ui/watched_folders.py" line="36"/>
        <source>Watched folders</source>
        <translation>Beobachtete Ordner</translation>
    </message>
    <message>
        <location filename="../ui/watched_folders.py" line="43"/>
        <source>New and changed files in these folders are added, deleted ones removed.</source>
        <translation>Neue und geänderte Dateien dieser Ordner werden aufgenommen, gelöschte entfernt.</translation>
    </message>
    <message>
        <location filename="../ui/watched_folders.py" line="46"/>
        <source>Watch a folder…</source>
        <translation>Ordner beobachten…</translation>
    </message>
    <message>
        <location filename="../ui/watched_folders.py" line="48"/>
        <source>Keep the library in step with a folder, now and whenever Quelle runs</source>
        <translation>Die Bibliothek mit einem Ordner abgleichen, jetzt und immer, wenn Quelle läuft</translation>
    </message>
    <message>
        <location filename="../ui/watched_folders.py" line="51"/>
        <source>Stop watching</source>
        <translation>Nicht mehr beobachten</translation>
    </message>
    <message>
        <location filename="../ui/watched_folders.py" line="52"/>
        <source>Its documents stay in the library</source>
        <translation>Seine Dokumente bleiben in der Bibliothek</translation>
    </message>
    <message>
        <location filename="../ui/watched_folders.py" line="74"/>
        <source>Watch a folder</source>
        <translation>Ordner beobachten</translation>
    </message>
    <message>
        <location filename="../ui/watched_folders.py" line="79"/>
        <source>Starting to watch %1…</source>
        <translation>%1 wird beobachtet…</translation>
    </message>
    <message>
        <location filename="../ui/watched_folders.py" line="96"/>
        <source>only %1</source>
        <translation>nur %1</translation>
    </message>
    <message>
        <location filename="../ui/watched_folders.py" line="98"/>
        <source>not %1</source>
        <translation>ohne %1</translation>
    </message>
    <message>
        <location filename="../ui/watched_folders.py" line="105"/>
        <source>Changes being taken in: %1</source>
        <translation>Änderungen werden aufgenommen: %1</translation>
    </message>
    <message>
        <location filename="../ui/watched_folders.py" line="112"/>
        <source>added: %1</source>
        <translation>hinzugefügt: %1</translation>
    </message>
    <message>
        <location filename="../ui/watched_folders.py" line="113"/>
        <source>moved: %1</source>
        <translation>verschoben: %1</translation>
    </message>
    <message>
        <location filename="../ui/watched_folders.py" line="114"/>
        <source>removed: %1</source>
        <translation>entfernt: %1</translation>
    </message>
    <message>
        <location filename="../ui/watched_folders.py" line="115"/>
        <source>failed: %1</source>
        <translation>fehlgeschlagen: %1</translation>
    </message>
    <message>
        <location filename="../ui/watched_folders.py" line="107"/>
        <source>Watch a folder to keep the library in step with it.</source>
        <translation>Beobachten Sie einen Ordner, damit die Bibliothek mit ihm Schritt hält.</translation>
    </message>
</context>
<context>
    <name>WelcomePanel</name>
    <message>
        <location filename="../ui/welcome.py" line="26"/>
        <source>&lt;h2&gt;Ask your documents&lt;/h2&gt;</source>
        <translation>&lt;h2&gt;Fragen an die eigenen Dokumente&lt;/h2&gt;</translation>
    </message>
    <message>
        <location filename="../ui/welcome.py" line="30"/>
        <source>&lt;b&gt;1. Add documents.&lt;/b&gt; Drop PDF, Word, text, Markdown or HTML files, or whole folders, anywhere on this window, or press &lt;b&gt;Ctrl+O&lt;/b&gt;.</source>
        <translation>&lt;b&gt;1. Dokumente hinzufügen.&lt;/b&gt; PDF-, Word-, Text-, Markdown- oder HTML-Dateien oder ganze Ordner irgendwo auf dieses Fenster ziehen oder &lt;b&gt;Strg+O&lt;/b&gt; drücken.</translation>
    </message>
    <message>
        <location filename="../ui/welcome.py" line="34"/>
        <source>&lt;b&gt;2. Ask a question&lt;/b&gt; in the box below, in English or German, and press Enter.</source>
        <translation>&lt;b&gt;2. Eine Frage stellen&lt;/b&gt; – auf Deutsch oder Englisch im Feld unten – und die Eingabetaste drücken.</translation>
    </message>
    <message>
        <location filename="../ui/welcome.py" line="37"/>
        <source>&lt;b&gt;3. Click a source&lt;/b&gt; such as &lt;b&gt;[1]&lt;/b&gt; in the answer to see the page and the passage it comes from.</source>
        <translation>&lt;b&gt;3. Auf eine Quelle klicken&lt;/b&gt;, etwa auf &lt;b&gt;[1]&lt;/b&gt; in der Antwort, um die Seite und die Textstelle zu sehen, auf der die Antwort beruht.</translation>
    </message>
    <message>
        <location filename="../ui/welcome.py" line="60"/>
        <source>Try it on the Quelle guide</source>
        <translation>Mit der Quelle-Anleitung ausprobieren</translation>
    </message>
    <message>
        <location filename="../ui/welcome.py" line="63"/>
        <source>Adds a one-page guide to Quelle to your library and asks a question about it</source>
        <translation>Fügt der Bibliothek eine einseitige Anleitung zu Quelle hinzu und stellt eine Frage dazu</translation>
    </message>
    <message>
        <location filename="../ui/welcome.py" line="95"/>
        <source>The built-in chat model is too small to write reliable answers, so it shows the sentences that answer. This computer runs &lt;b&gt;%1&lt;/b&gt; well: it writes an answer after them.</source>
        <translation>Das eingebaute Sprachmodell ist zu klein, um verlässliche Antworten zu schreiben; es zeigt deshalb die Sätze, die antworten. Dieser Rechner führt &lt;b&gt;%1&lt;/b&gt; gut aus: Es schreibt danach eine Antwort.</translation>
    </message>
    <message>
        <location filename="../ui/welcome.py" line="101"/>
        <source>Download %1 (%2 MB)</source>
        <translation>%1 herunterladen (%2 MB)</translation>
    </message>
    <message>
        <location filename="../ui/welcome.py" line="107"/>
        <source>Does Quelle need an internet connection?</source>
        <translation>Braucht Quelle eine Internetverbindung?</translation>
    </message>
</context>
<context>
    <name>app</name>
    <message>
        <location filename="../ui/app.py" line="111"/>
        <source>Quelle cannot start</source>
        <translation>Quelle kann nicht starten</translation>
    </message>
</context>
</TS>
