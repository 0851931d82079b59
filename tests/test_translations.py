"""The window's translations: in step with the code, complete, intact, and compiling.

The sources of the translations are app/quelle/i18n/quelle_de.ts and quelle_en.ts. After a
change to a tr() text in app/quelle/ui, bring them up to date (existing translations are kept):

    .venv/bin/pyside6-lupdate app/quelle/ui/*.py -ts app/quelle/i18n/quelle_de.ts
    .venv/bin/pyside6-lupdate app/quelle/ui/*.py -ts app/quelle/i18n/quelle_en.ts

then translate the new German messages (Qt Linguist: .venv/bin/pyside6-linguist) and mark the
new English ones finished with an empty translation: English is the language of the code.
packaging/build_translations.sh compiles them into the .qm files Quelle loads.
"""

from __future__ import annotations

import ast
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest
from PySide6.QtCore import QTranslator

REPO = Path(__file__).resolve().parents[1]
UI = REPO / "app" / "quelle" / "ui"
I18N = REPO / "app" / "quelle" / "i18n"
GERMAN = I18N / "quelle_de.ts"
ENGLISH = I18N / "quelle_en.ts"

# %1 … %99 and %n (Qt), {0} and {name} (str.format).
PLACEHOLDER = re.compile(r"%(?:\d{1,2}|n)|\{[^{}]*\}")
# HTML tags and entities in rich text.
MARKUP = re.compile(r"</?[a-zA-Z][^<>]*>|&[a-zA-Z]+;|&#\d+;")
# An accelerator: "&" before a character, but not "&&" (a literal "&") nor an entity.
ACCELERATOR = re.compile(r"&(?=[^&\s])(?![a-zA-Z]+;|#\d+;)")

# Items the user sees together, so their accelerators must differ: the menus and menu bar of
# the window, and each dialog (tabs, buttons and the labels of one page).
_SETTINGS_TABS = ("&Model", "&Generation", "R&etrieval", "S&ystem prompt")
ACCELERATOR_GROUPS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "menu bar": (("MainWindow", ""), ("&File", "&Conversation", "&Library", "&View")),
    "File menu": (
        ("MainWindow", ""),
        ("&Add documents…", "Add &folder…", "&Cancel adding", "&Models…", "&Settings…", "&Quit"),
    ),
    "Conversation menu": (
        ("MainWindow", ""),
        (
            "&New conversation",
            "&Rename conversation",
            "&Delete conversation",
            "&Export as Markdown…",
            "Ask a &question",
            "&Stop answer",
        ),
    ),
    "Library menu": (("MainWindow", ""), ("&Open original file", "&Remove selected documents")),
    "View menu": (
        ("MainWindow", ""),
        ("Go to &conversations", "Go to &library", "Ask a &question", "Close &source"),
    ),
    "Models dialog": (
        ("ModelsDialog",),
        (
            "&Chat models",
            "&Embedders",
            "&Re-rankers",
            "&Download",
            "&Cancel download",
            "&Use",
            "Re&move",
            "&Import GGUF file…",
        ),
    ),
    "Settings: model page": (
        ("SettingsDialog",),
        (
            *_SETTINGS_TABS,
            "&Choose…",
            "Use &built-in model",
            "Chat model &file:",
            "&Language of the window:",
        ),
    ),
    "Settings: generation page": (
        ("SettingsDialog",),
        (
            *_SETTINGS_TABS,
            "&Temperature:",
            "Top-&p:",
            "Top-&k:",
            "Repeat pe&nalty:",
            "Longest &answer:",
            "&Context size:",
            "CPU t&hreads:",
        ),
    ),
    "Settings: retrieval page": (
        ("SettingsDialog",),
        (*_SETTINGS_TABS, "Combine &keyword and semantic search", "&Passages per answer:"),
    ),
    "Settings: prompt page": (
        ("SettingsDialog",),
        (*_SETTINGS_TABS, "Restore &default", "&Instructions for the model:"),
    ),
}

Key = tuple[str, str, str]  # context, source, disambiguation comment


@dataclass(frozen=True)
class Message:
    context: str
    source: str
    comment: str
    translations: tuple[str, ...]  # one, or one per plural form
    state: str  # "" (finished), "unfinished", "vanished" or "obsolete"
    where: str  # file:line of the first use in the code

    @property
    def key(self) -> Key:
        return (self.context, self.source, self.comment)

    @property
    def active(self) -> bool:
        """Still in the code when lupdate last ran."""
        return self.state not in ("vanished", "obsolete")

    def __str__(self) -> str:
        where = f" ({self.where})" if self.where else ""
        return f"[{self.context or '<no context>'}] {self.source!r}{where}"


def read_ts(path: Path) -> dict[Key, Message]:
    messages: dict[Key, Message] = {}
    for context in ET.parse(path).getroot().iter("context"):
        name = context.findtext("name") or ""
        for message in context.iter("message"):
            translation = message.find("translation")
            assert translation is not None, f"{path.name}: a message without <translation>"
            forms = translation.findall("numerusform")
            texts = tuple(f.text or "" for f in forms) if forms else (translation.text or "",)
            location = message.find("location")
            where = ""
            if location is not None:
                where = f"{Path(location.get('filename', '')).name}:{location.get('line', '')}"
            item = Message(
                name,
                message.findtext("source") or "",
                message.findtext("comment") or "",
                texts,
                translation.get("type", ""),
                where,
            )
            messages[item.key] = item
    return messages


def qt_tool(name: str) -> Path:
    """A PySide6 tool: next to this interpreter (the virtualenv), else on PATH."""
    folder = Path(sys.executable).parent
    for candidate in (folder / name, folder / f"{name}.exe"):
        if candidate.exists():
            return candidate
    found = shutil.which(name)
    if found is None:
        pytest.fail(f"{name} not found next to {sys.executable} nor on PATH")
    return Path(found)


def run_tool(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(a) for a in args], capture_output=True, text=True, timeout=120, cwd=REPO
    )


def listing(messages: list[Message] | list[str]) -> str:
    return "\n".join(f"  {m}" for m in messages)


@pytest.fixture(scope="session")
def in_code(tmp_path_factory: pytest.TempPathFactory) -> dict[Key, Message]:
    """Every message lupdate finds in the window's code now."""
    sources = sorted(UI.glob("*.py"))
    assert sources, f"no Python files in {UI}"
    target = tmp_path_factory.mktemp("lupdate") / "current.ts"
    done = run_tool(qt_tool("pyside6-lupdate"), *sources, "-ts", target)
    assert done.returncode == 0, done.stdout + done.stderr
    messages = read_ts(target)
    assert messages, "lupdate found no translatable text in app/quelle/ui"
    return messages


@pytest.fixture(scope="session")
def german() -> dict[Key, Message]:
    return read_ts(GERMAN)


Compiled = dict[str, tuple[Path, subprocess.CompletedProcess[str]]]


@pytest.fixture(scope="session")
def compiled(tmp_path_factory: pytest.TempPathFactory) -> Compiled:
    """Both .ts files compiled by lrelease; the test below checks how that went."""
    folder = tmp_path_factory.mktemp("lrelease")
    lrelease = qt_tool("pyside6-lrelease")
    results: Compiled = {}
    for ts in (GERMAN, ENGLISH):
        qm = folder / ts.with_suffix(".qm").name
        done = run_tool(lrelease, ts, "-qm", qm)
        results[ts.name] = (qm, done)
    return results


def active_translations(messages: dict[Key, Message]) -> list[tuple[Message, str]]:
    return [(m, text) for m in messages.values() if m.active for text in m.translations if text]


# --- in step with the code --------------------------------------------------------------------


@pytest.mark.parametrize("ts", [GERMAN, ENGLISH], ids=lambda p: p.name)
def test_every_string_in_the_code_is_in_the_translations(
    ts: Path, in_code: dict[Key, Message]
) -> None:
    present = {key for key, m in read_ts(ts).items() if m.active}
    missing = [m for key, m in in_code.items() if key not in present]
    assert not missing, (
        f"{ts.name} lacks {len(missing)} text(s) of the code; run pyside6-lupdate (see this "
        f"file's docstring) and translate them:\n{listing(missing)}"
    )


def test_every_german_message_is_translated(
    german: dict[Key, Message], in_code: dict[Key, Message]
) -> None:
    untranslated = [
        m
        for key, m in german.items()
        if (m.active or key in in_code)
        and (m.state in ("unfinished", "vanished", "obsolete") or not all(m.translations))
    ]
    assert not untranslated, (
        f"{len(untranslated)} message(s) in {GERMAN.name} have no finished German "
        f"translation:\n{listing(untranslated)}"
    )


def test_english_messages_are_finished(in_code: dict[Key, Message]) -> None:
    unfinished = [
        m for key, m in read_ts(ENGLISH).items() if key in in_code and m.state == "unfinished"
    ]
    assert not unfinished, (
        f"mark these finished in {ENGLISH.name} (an empty translation shows the source "
        f"text):\n{listing(unfinished)}"
    )


# --- translations that keep what the code relies on -------------------------------------------


def test_german_keeps_every_placeholder(german: dict[Key, Message]) -> None:
    broken = [
        f"{m}: {sorted(PLACEHOLDER.findall(m.source))} became "
        f"{sorted(PLACEHOLDER.findall(text))} in {text!r}"
        for m, text in active_translations(german)
        if Counter(PLACEHOLDER.findall(m.source)) != Counter(PLACEHOLDER.findall(text))
    ]
    assert not broken, "placeholders dropped or added:\n" + listing(broken)


def test_german_keeps_accelerators(german: dict[Key, Message]) -> None:
    broken = [
        f"{m}: {len(ACCELERATOR.findall(m.source))} accelerator(s), "
        f"{len(ACCELERATOR.findall(text))} in {text!r}"
        for m, text in active_translations(german)
        if len(ACCELERATOR.findall(m.source)) != len(ACCELERATOR.findall(text))
    ]
    assert not broken, "the '&' accelerators of these differ:\n" + listing(broken)


def test_german_keeps_html_markup(german: dict[Key, Message]) -> None:
    broken = [
        f"{m}: {text!r}"
        for m, text in active_translations(german)
        if Counter(MARKUP.findall(m.source)) != Counter(MARKUP.findall(text))
    ]
    assert not broken, "HTML tags or entities differ from the source:\n" + listing(broken)


def test_german_keeps_surrounding_spaces(german: dict[Key, Message]) -> None:
    """The code joins some texts to others ("Stopped adding documents. " + …)."""

    def ends(text: str) -> tuple[str, str]:
        return text[: len(text) - len(text.lstrip())], text[len(text.rstrip()) :]

    broken = [
        f"{m}: {text!r}" for m, text in active_translations(german) if ends(m.source) != ends(text)
    ]
    assert not broken, "leading or trailing spaces differ from the source:\n" + listing(broken)


def test_german_accelerators_do_not_collide(german: dict[Key, Message]) -> None:
    collisions = []
    for group, (contexts, sources) in ACCELERATOR_GROUPS.items():
        letters: dict[str, list[str]] = {}
        for source in dict.fromkeys(sources):  # an action in two menus counts once
            found_in = [german.get((c, source, "")) for c in contexts]
            message = next((m for m in found_in if m is not None and m.active), None)
            if message is None:
                continue  # the code no longer has it; the tests above cover what it has
            text = message.translations[0]
            found = ACCELERATOR.search(text)
            if found is not None:
                letters.setdefault(text[found.end()].casefold(), []).append(text)
        collisions += [f"{group}: Alt+{k.upper()} in {v}" for k, v in letters.items() if len(v) > 1]
    assert not collisions, "accelerators shared within one menu or dialog:\n" + listing(collisions)


# --- what lupdate cannot see ------------------------------------------------------------------


def _invisible_tr_calls() -> list[str]:
    """tr() and translate() calls whose text is not a string literal: lupdate skips them."""
    found = []
    for path in sorted(UI.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if name == "tr":
                text = node.args[0]
            elif name == "translate" and len(node.args) >= 2 and _literal(node.args[0]):
                text = node.args[1]  # QCoreApplication.translate(context, text)
            else:
                continue
            if not _literal(text):
                found.append(f"{path.name}:{node.lineno}: {ast.unparse(node)}")
    return found


def _literal(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and isinstance(node.value, str)


def test_lupdate_sees_every_translated_text() -> None:
    invisible = _invisible_tr_calls()
    assert not invisible, "tr() of a non-literal, invisible to lupdate:\n" + listing(invisible)


def test_every_message_has_its_class_as_context(in_code: dict[Key, Message]) -> None:
    """tr() through an alias (`tr = self.tr; tr("…")`) leaves lupdate without the class, so
    it files the text under no context, where self.tr() never looks: it stays English."""
    orphans = [m for m in in_code.values() if not m.context]
    assert not orphans, "texts Qt will never find at run time:\n" + listing(orphans)


# --- compiled ---------------------------------------------------------------------------------


@pytest.mark.parametrize("ts", [GERMAN, ENGLISH], ids=lambda p: p.name)
def test_lrelease_compiles(ts: Path, compiled: Compiled) -> None:
    qm, done = compiled[ts.name]
    output = done.stdout + done.stderr
    assert done.returncode == 0, output
    report = ("Updating ", "Generated ")  # all lrelease says when nothing is wrong
    lines = [line.strip() for line in output.splitlines()]
    unexpected = [line for line in lines if line and not line.startswith(report)]
    assert not unexpected, output
    assert qm.exists() and qm.stat().st_size > 0, output


@pytest.mark.parametrize(
    ("context", "source", "expected"),
    [
        ("SettingsDialog", "Settings", "Einstellungen"),
        ("EngineStatus", "Models ready", "Modelle bereit"),
        ("LibraryPanel", "%1 passages", "%1 Textstellen"),
        ("MainWindow", "&Settings…", "&Einstellungen…"),
        ("app", "Quelle cannot start", "Quelle kann nicht starten"),
    ],
)
def test_compiled_german_translates(
    context: str, source: str, expected: str, compiled: Compiled
) -> None:
    qm, done = compiled[GERMAN.name]
    assert done.returncode == 0, done.stdout + done.stderr
    translator = QTranslator()
    assert translator.load(str(qm)), f"QTranslator cannot load {qm}"
    assert translator.language() == "de_DE"
    assert translator.translate(context, source) == expected


def test_every_message_of_the_engine_has_its_german() -> None:
    """Each literal the engine passes to `say` (its messages to the user) is in the German
    table, so a German window never shows an English reason."""
    import ast

    from quelle.common.wording import GERMAN

    missing = []
    for file in sorted((Path(__file__).parents[1] / "app" / "quelle").rglob("*.py")):
        for node in ast.walk(ast.parse(file.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id == "say"
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and node.args[0].value not in GERMAN
            ):
                missing.append(f"{file.name}: {node.args[0].value!r}")
    assert not missing, "\n".join(missing)
