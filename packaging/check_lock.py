"""Checks that the lock (packaging/lock/*.txt) and pyproject.toml agree, before anything is
installed from it: every dependency pyproject.toml names is pinned to a version its range
allows, the lock pins nothing as Quelle's own dependency that pyproject.toml no longer
names, and the run and test locks pin every package they share to the same version.

    python packaging/check_lock.py          # exit 1 with one line per disagreement

Needs only the standard library and `packaging` (build.txt installs it first).
"""

from __future__ import annotations

import re
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parent.parent
LOCK = ROOT / "packaging" / "lock"
OWN = "quelle (pyproject.toml)"


@dataclass(frozen=True, slots=True)
class Pin:
    version: Version
    hashed: bool
    via: tuple[str, ...]  # what asked for it, as the lock's annotations say


def read_lock(path: Path) -> dict[str, Pin]:
    """The pins of a lock file written by `uv pip compile --generate-hashes`."""
    pins: dict[str, Pin] = {}
    name = ""
    version: Version | None = None
    hashed = False
    via: list[str] = []

    def close() -> None:
        if name and version is not None:
            pins[name] = Pin(version, hashed, tuple(via))

    for line in path.read_text("utf-8").splitlines():
        pinned = re.match(r"^([A-Za-z0-9][A-Za-z0-9._-]*)(\[[^\]]*\])?==([^ \\;]+)", line)
        if pinned:
            close()
            name, version = canonicalize_name(pinned[1]), Version(pinned[3])
            hashed, via = False, []
        elif "--hash=sha256:" in line:
            hashed = True
        else:
            origin = re.match(r"^\s+#\s+(?:via\s+)?(\S.*)$", line)
            if origin and origin[1] != "via" and name:
                via.append(origin[1].strip())
    close()
    return pins


def problems(pyproject: Path = ROOT / "pyproject.toml", lock: Path = LOCK) -> list[str]:
    """Every disagreement between pyproject.toml and the lock, one sentence each."""
    project = tomllib.loads(pyproject.read_text("utf-8"))["project"]
    extras = project.get("optional-dependencies", {})
    wanted = {
        "quelle.txt": list(project["dependencies"]),
        "dev.txt": [*project["dependencies"], *extras.get("test", []), *extras.get("bundle", [])],
    }
    found: list[str] = []
    locks: dict[str, dict[str, Pin]] = {}
    for file, requirements in wanted.items():
        path = lock / file
        if not path.is_file():
            found.append(f"{path.name} is missing")
            continue
        pins = locks[file] = read_lock(path)
        named = set()
        for text in requirements:
            requirement = Requirement(text)
            if requirement.marker is not None and not requirement.marker.evaluate():
                continue
            key = canonicalize_name(requirement.name)
            named.add(key)
            pin = pins.get(key)
            if pin is None:
                found.append(f"{file}: {requirement.name} is in pyproject.toml but not pinned")
            elif not requirement.specifier.contains(pin.version, prereleases=True):
                found.append(
                    f"{file}: {requirement.name}=={pin.version} is outside pyproject.toml's "
                    f"'{requirement.specifier}'"
                )
        for key, pin in sorted(pins.items()):
            if not pin.hashed:
                found.append(f"{file}: {key}=={pin.version} has no hash")
            if OWN in pin.via and key not in named:
                found.append(
                    f"{file}: {key} is pinned as Quelle's own dependency, but pyproject.toml "
                    "does not name it"
                )
    if len(locks) == 2:
        run, dev = locks["quelle.txt"], locks["dev.txt"]
        for key in sorted(run.keys() - dev.keys()):
            found.append(f"dev.txt lacks {key}, which quelle.txt pins")
        for key in sorted(run.keys() & dev.keys()):
            if run[key].version != dev[key].version:
                found.append(
                    f"{key} is {run[key].version} in quelle.txt but {dev[key].version} in dev.txt"
                )
    return found


def main() -> int:
    found = problems()
    for line in found:
        print(f"lock: {line}", file=sys.stderr)
    if found:
        print(
            "lock: the lock and pyproject.toml disagree; after changing pyproject.toml, run "
            "bash packaging/update-lock.sh --keep",
            file=sys.stderr,
        )
        return 1
    print("lock: packaging/lock agrees with pyproject.toml")
    return 0


if __name__ == "__main__":
    sys.exit(main())
