"""The Linux desktop integration: the menu entry, the AppStream data, the icons and the
per-user install and uninstall scripts, checked with the validators the desktops use."""

from __future__ import annotations

import importlib.util
import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

from conftest import REPO

PACKAGING = REPO / "packaging"
DESKTOP_FILE = PACKAGING / "linux" / "quelle.desktop"
METAINFO = PACKAGING / "linux" / "quelle.metainfo.xml"
ICONS = REPO / "app" / "quelle" / "ui" / "icons"
APP_ID = "io.github.quelle_app.Quelle"
TOOL_PACKAGES = {"desktop-file-validate": "desktop-file-utils", "appstreamcli": "appstream"}


def icons_module() -> ModuleType:
    """packaging/icons.py, which is a script rather than part of the quelle package."""
    spec = importlib.util.spec_from_file_location("quelle_icons", PACKAGING / "icons.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


SIZES: tuple[int, ...] = icons_module().SIZES


def tool(name: str) -> str:
    """The validator's path; a machine without it skips (packaging/test-packages.txt)."""
    path = shutil.which(name)
    if path is None:
        pytest.skip(f"{name} is missing: install the Debian package {TOOL_PACKAGES[name]}")
    return path


def run(*args: str | Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(arg) for arg in args], capture_output=True, text=True, env=env, timeout=120
    )


def validate_desktop_file(path: Path) -> None:
    """desktop-file-validate passes it without a single error, warning or hint."""
    result = run(tool("desktop-file-validate"), path)
    assert (result.returncode, result.stdout + result.stderr) == (0, "")


def png_size(path: Path) -> tuple[int, int]:
    """The pixel size of a file that must be a PNG (by its signature, not its name)."""
    from PySide6.QtGui import QImage

    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    image = QImage(str(path))
    assert not image.isNull(), f"{path} does not load"
    return image.width(), image.height()


def rgba(path: Path) -> bytes:
    """The pixels of an image file as RGBA bytes, copied while the image is alive."""
    from PySide6.QtGui import QImage

    image = QImage(str(path)).convertToFormat(QImage.Format.Format_RGBA8888)
    return bytes(image.constBits())


def mean_difference(first: Path, second: Path) -> float:
    """The mean absolute difference of two equally sized images, per channel, out of 255."""
    a, b = rgba(first), rgba(second)
    return sum(abs(x - y) for x, y in zip(a, b, strict=True)) / len(a)


def test_desktop_file_is_valid() -> None:
    validate_desktop_file(DESKTOP_FILE)


def test_metainfo_is_valid() -> None:
    result = run(tool("appstreamcli"), "validate", "--no-net", METAINFO)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_window_names_the_installed_desktop_entry() -> None:
    """So that desktops (Wayland's above all) match the window to its launcher and icon."""
    from quelle.ui.app import DESKTOP_ID

    assert DESKTOP_ID == APP_ID


def test_metainfo_launches_the_desktop_file_the_installer_writes() -> None:
    metainfo = METAINFO.read_text(encoding="utf-8")
    assert f"<id>{APP_ID}</id>" in metainfo
    assert f'<launchable type="desktop-id">{APP_ID}.desktop</launchable>' in metainfo
    assert f"app_id={APP_ID}\n" in (PACKAGING / "install-desktop.sh").read_text(encoding="utf-8")


@pytest.fixture
def user(tmp_path: Path, request: pytest.FixtureRequest) -> dict[str, str]:
    """An environment whose home and XDG folders all lie inside tmp_path."""
    home = tmp_path / getattr(request, "param", "home")
    env = dict(os.environ, HOME=str(home), XDG_DATA_HOME=str(tmp_path / "data"))
    env["XDG_CONFIG_HOME"] = str(tmp_path / "config")
    env["XDG_CACHE_HOME"] = str(tmp_path / "cache")
    env["XDG_STATE_HOME"] = str(tmp_path / "state")
    home.mkdir()
    return env


@pytest.fixture
def bundle(tmp_path: Path) -> Path:
    """A stand-in for a PyInstaller one-folder build: an executable `quelle` that prints ok."""
    folder = tmp_path / "dist" / "quelle"
    folder.mkdir(parents=True)
    (folder / "_internal").mkdir()
    (folder / "_internal" / "base_library.zip").write_bytes(b"")
    executable = folder / "quelle"
    executable.write_text("#!/bin/sh\necho ok\n")
    executable.chmod(0o755)
    return folder


def installed_files(env: dict[str, str]) -> list[Path]:
    """Every file and link the installer is expected to write."""
    data = Path(env["XDG_DATA_HOME"])
    hicolor = data / "icons" / "hicolor"
    return [
        Path(env["HOME"]) / ".local" / "bin" / "quelle",
        data / "quelle" / "app" / "quelle",
        data / "quelle" / "app" / "_internal" / "base_library.zip",
        data / "applications" / f"{APP_ID}.desktop",
        data / "metainfo" / f"{APP_ID}.metainfo.xml",
        hicolor / "scalable" / "apps" / "quelle.svg",
        *(hicolor / f"{size}x{size}" / "apps" / "quelle.png" for size in SIZES),
    ]


def user_files(env: dict[str, str]) -> list[Path]:
    """Everything left in the user's folders, as sorted file paths."""
    roots = [Path(env[name]) for name in ("HOME", "XDG_DATA_HOME", "XDG_CONFIG_HOME")]
    return sorted(path for root in roots for path in root.rglob("*") if not path.is_dir())


def install(env: dict[str, str], bundle: Path) -> None:
    result = run("bash", PACKAGING / "install-desktop.sh", bundle, env=env)
    assert result.returncode == 0, result.stdout + result.stderr


def uninstall(env: dict[str, str], *args: str) -> str:
    result = run("bash", PACKAGING / "uninstall-desktop.sh", *args, env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


@pytest.mark.parametrize("user", ["home", "my home"], indirect=True)
def test_install_puts_everything_in_place(user: dict[str, str], bundle: Path) -> None:
    install(user, bundle)

    for path in installed_files(user):
        assert path.exists(), path
    launcher = Path(user["HOME"]) / ".local" / "bin" / "quelle"
    assert launcher.is_symlink()
    assert run(launcher).stdout == "ok\n"

    desktop = Path(user["XDG_DATA_HOME"]) / "applications" / f"{APP_ID}.desktop"
    exec_line = next(line for line in desktop.read_text().splitlines() if line.startswith("Exec="))
    assert shlex.split(exec_line.removeprefix("Exec=")) == [str(launcher), "%F"]

    hicolor = Path(user["XDG_DATA_HOME"]) / "icons" / "hicolor"
    for size in SIZES:
        assert png_size(hicolor / f"{size}x{size}" / "apps" / "quelle.png") == (size, size)
    validate_desktop_file(desktop)


def test_uninstall_keeps_the_library_unless_purged(user: dict[str, str], bundle: Path) -> None:
    library = Path(user["XDG_DATA_HOME"]) / "Quelle" / "index" / "catalogue.sqlite"
    settings = Path(user["XDG_CONFIG_HOME"]) / "Quelle" / "settings.json"
    for path in (library, settings):
        path.parent.mkdir(parents=True)
        path.write_text("kept")
    install(user, bundle)

    uninstall(user)

    for path in installed_files(user):
        assert not path.exists() and not path.is_symlink(), path
    assert user_files(user) == sorted([library, settings])

    output = uninstall(user, "--purge")

    assert user_files(user) == []
    assert f"Removed {library.parents[1]}" in output
    assert f"Removed {settings.parent}" in output


def test_install_refuses_a_folder_without_the_executable(
    user: dict[str, str], tmp_path: Path
) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()

    result = run("bash", PACKAGING / "install-desktop.sh", empty, env=user)

    assert result.returncode != 0
    assert "No executable" in result.stderr
    assert user_files(user) == []


def test_icons_match_the_master(tmp_path: Path) -> None:
    """app/quelle/ui/icons holds every size packaging/icons.py renders, and each PNG still shows the
    master: a changed SVG without re-rendered icons fails here."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    result = run(sys.executable, PACKAGING / "icons.py", "--out", tmp_path, env=env)
    assert result.returncode == 0, result.stdout + result.stderr

    fresh = sorted(path.name for path in tmp_path.glob("quelle-*.png"))
    assert fresh == sorted(f"quelle-{size}.png" for size in SIZES)
    assert sorted(path.name for path in ICONS.glob("quelle-*.png")) == fresh
    for size in SIZES:
        kept, rendered = ICONS / f"quelle-{size}.png", tmp_path / f"quelle-{size}.png"
        assert png_size(kept) == png_size(rendered) == (size, size)
        assert mean_difference(kept, rendered) < 4, kept
