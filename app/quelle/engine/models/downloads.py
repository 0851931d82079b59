"""Downloading a catalogued model from the Hugging Face hub, verified and resumable.

Files stream into `models/.partial/<id>/` next to a plan that pins the repository's commit
and every file's size and hash, so an interrupted download (cut connection, Ctrl+C, a
restart of Quelle) resumes where it stopped and never mixes two versions. Each file is checked
against the hub's hash: SHA-256 for large (LFS) files, the git blob hash for small ones. Only
when every file checks out does the folder move to `models/<id>/` in one rename: a model is
selectable only complete and verified.

The engine never downloads in its own process: it runs `quelle models download --json` as a
child (see `DownloadProcess`), so nothing but an explicit download opens a connection.
"""

from __future__ import annotations

import errno
import hashlib
import json
import logging
import os
import shutil
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from pathlib import Path, PurePosixPath

from quelle.common.errors import QuelleError
from quelle.common.wording import say
from quelle.protocol.values import CatalogEntry, DownloadProgress

log = logging.getLogger(__name__)

PARTIAL = ".partial"
MANIFEST = "quelle-model.json"
PLAN = "plan.json"
CHUNK = 1 << 20
# Room left on the disk beyond the download itself.
DISK_MARGIN = 200 * 2**20

# What a sentence-transformers model folder needs; the rest of a repository (ONNX, OpenVINO,
# TensorFlow weights) is left on the hub, and PyTorch's .bin weights too where safetensors
# hold the same.
_WANTED_SUFFIXES = (".json", ".txt", ".model", ".safetensors", ".bin")
_SKIPPED_FOLDERS = ("onnx", "openvino", "tf", "flax", "coreml")


class DownloadError(QuelleError):
    pass


class DownloadStopped(QuelleError):
    pass


@dataclass(frozen=True, slots=True)
class RemoteFile:
    path: str
    size: int
    sha256: str = ""  # large files
    git_sha1: str = ""  # small files: the hub gives the git blob hash


@dataclass(frozen=True, slots=True)
class DownloadPlan:
    repo: str
    commit: str
    files: tuple[RemoteFile, ...]

    @property
    def total(self) -> int:
        return sum(f.size for f in self.files)

    @classmethod
    def from_json(cls, data: dict[str, object]) -> DownloadPlan:
        files = data["files"]
        assert isinstance(files, list)
        return cls(str(data["repo"]), str(data["commit"]), tuple(RemoteFile(**f) for f in files))


def endpoint() -> str:
    """The hub's address; HF_ENDPOINT points it at a mirror (or a local stand-in)."""
    return os.environ.get("HF_ENDPOINT", "https://huggingface.co").rstrip("/")


def allow_network() -> None:
    """Lift the offline switch for this process: only `quelle models download` calls this."""
    os.environ["HF_HUB_OFFLINE"] = "0"
    from huggingface_hub import constants

    constants.HF_HUB_OFFLINE = False


def wanted(path: str, entry: CatalogEntry) -> bool:
    if entry.file:
        return path == entry.file
    parts = PurePosixPath(path).parts
    if parts[0] in _SKIPPED_FOLDERS or parts[-1].startswith("."):
        return False
    return parts[-1].endswith(_WANTED_SUFFIXES) and parts[-1] != "README.md"


def fetch_plan(entry: CatalogEntry) -> DownloadPlan:
    from huggingface_hub import HfApi
    from huggingface_hub.errors import HfHubHTTPError

    try:
        info = HfApi(endpoint=endpoint()).model_info(entry.repo, files_metadata=True)
    except HfHubHTTPError as exc:
        status = exc.response.status_code if exc.response is not None else None
        if status in (401, 404):  # the hub answers 401 for a repository it does not show
            raise DownloadError(say("The hub has no model '{repo}'.", repo=entry.repo)) from exc
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise DownloadError(
            say("The hub refused '{repo}': {error}", repo=entry.repo, error=reason)
        ) from exc
    except OSError as exc:
        raise DownloadError(
            say("Could not reach {hub}: {error}", hub=endpoint(), error=exc)
        ) from exc
    files = []
    for sibling in info.siblings or ():
        if not wanted(sibling.rfilename, entry):
            continue
        lfs = sibling.lfs
        if lfs is not None:
            files.append(RemoteFile(sibling.rfilename, int(lfs.size), sha256=lfs.sha256))
        else:
            files.append(
                RemoteFile(
                    sibling.rfilename, int(sibling.size or 0), git_sha1=sibling.blob_id or ""
                )
            )
    safetensors = {PurePosixPath(f.path).parent for f in files if f.path.endswith(".safetensors")}
    files = [
        f
        for f in files
        if not (f.path.endswith(".bin") and PurePosixPath(f.path).parent in safetensors)
    ]
    if not files:
        raise DownloadError(f"'{entry.repo}' on the hub has none of the files {entry.name} needs.")
    if not info.sha:
        raise DownloadError(f"The hub did not say which version of '{entry.repo}' it serves.")
    return DownloadPlan(entry.repo, info.sha, tuple(files))


def file_hash_matches(path: Path, remote: RemoteFile) -> bool:
    if remote.sha256:
        digest = hashlib.sha256()
        expected = remote.sha256
    elif remote.git_sha1:
        digest = hashlib.sha1(f"blob {path.stat().st_size}\0".encode(), usedforsecurity=False)
        expected = remote.git_sha1
    else:
        return path.stat().st_size == remote.size
    with path.open("rb") as f:
        while block := f.read(CHUNK):
            digest.update(block)
    return digest.hexdigest() == expected.lower()


class _Meter:
    """Bytes per second over a sliding window of a few seconds."""

    def __init__(self, window: float = 5.0) -> None:
        self._window = window
        self._samples: list[tuple[float, int]] = []

    def add(self, done: int) -> float:
        now = time.monotonic()
        self._samples.append((now, done))
        while len(self._samples) > 2 and now - self._samples[0][0] > self._window:
            self._samples.pop(0)
        (t0, d0), (t1, d1) = self._samples[0], self._samples[-1]
        return (d1 - d0) / (t1 - t0) if t1 > t0 else 0.0


class Download:
    """One model's download into `models_dir`; `run` may be called again to resume."""

    def __init__(self, entry: CatalogEntry, models_dir: Path) -> None:
        self.entry = entry
        self.models_dir = models_dir
        self.partial = models_dir / PARTIAL / entry.id
        self.target = models_dir / entry.id

    def discard(self) -> None:
        """Forget a partial download (the user cancelled it)."""
        shutil.rmtree(self.partial, ignore_errors=True)

    def run(
        self,
        on_progress: Callable[[DownloadProgress], None] | None = None,
        stop: threading.Event | None = None,
    ) -> Path:
        """Download, verify and install; returns the model's folder."""
        if self.entry.bundled or not self.entry.repo:
            raise DownloadError(
                f"{self.entry.name} comes with Quelle; there is nothing to download."
            )
        self.partial.mkdir(parents=True, exist_ok=True)
        plan = self._plan()
        have = sum(self._on_disk(f) for f in plan.files)
        self._check_space(plan.total - have)
        meter = _Meter()
        done = have

        def report(bytes_done: int, stage: str = "downloading") -> None:
            if on_progress:
                on_progress(DownloadProgress(bytes_done, plan.total, meter.add(bytes_done), stage))

        report(done)
        for remote in plan.files:
            before = self._on_disk(remote)
            for done_in_file in self._fetch(plan, remote, stop):
                report(done - before + done_in_file)
            done += remote.size - before
            report(done, "verifying")
            if not file_hash_matches(self._part(remote), remote):
                self._part(remote).unlink()
                raise DownloadError(
                    say(
                        "'{file}' arrived damaged (its checksum does not match the hub's). "
                        "It was deleted; download the model again.",
                        file=remote.path,
                    )
                )
        return self._install(plan)

    # --- steps -----------------------------------------------------------------------------

    def _plan(self) -> DownloadPlan:
        """The pinned plan of an interrupted download, or a new one from the hub."""
        saved = self.partial / PLAN
        try:
            plan = DownloadPlan.from_json(json.loads(saved.read_text("utf-8")))
            if plan.repo == self.entry.repo:
                return plan
        except (OSError, ValueError, KeyError, TypeError, AssertionError):
            pass
        plan = fetch_plan(self.entry)
        for leftover in self.partial.iterdir():  # from another version of the repository
            shutil.rmtree(leftover) if leftover.is_dir() else leftover.unlink()
        saved.write_text(json.dumps(asdict(plan), indent=1), "utf-8")
        return plan

    def _part(self, remote: RemoteFile) -> Path:
        return self.partial / "files" / remote.path

    def _on_disk(self, remote: RemoteFile) -> int:
        try:
            return min(self._part(remote).stat().st_size, remote.size)
        except FileNotFoundError:
            return 0

    def _check_space(self, needed: int) -> None:
        free = shutil.disk_usage(self.partial).free
        if needed + DISK_MARGIN > free:
            raise DownloadError(
                say(
                    "Not enough disk space for {model}: it needs {needed} and {free} is free "
                    "in {folder}.",
                    model=self.entry.name,
                    needed=_gb(needed + DISK_MARGIN),
                    free=_gb(free),
                    folder=self.models_dir,
                )
            )

    def _fetch(
        self, plan: DownloadPlan, remote: RemoteFile, stop: threading.Event | None
    ) -> Iterable[int]:
        """Stream one file, appending to what is there; yields bytes on disk as they grow."""
        part = self._part(remote)
        part.parent.mkdir(parents=True, exist_ok=True)
        have = self._on_disk(remote)
        if have >= remote.size:
            return
        from huggingface_hub import get_session, hf_hub_url
        from huggingface_hub.utils import build_hf_headers  # type: ignore[attr-defined]

        url = hf_hub_url(plan.repo, remote.path, revision=plan.commit, endpoint=endpoint())
        headers = build_hf_headers()
        headers["Accept-Encoding"] = "identity"
        if have:
            headers["Range"] = f"bytes={have}-"
        try:
            with get_session().stream(
                "GET", url, headers=headers, follow_redirects=True, timeout=30
            ) as response:
                if response.status_code >= 400:
                    raise DownloadError(
                        f"The hub answered {response.status_code} for '{remote.path}'."
                    )
                mode = "ab" if have and response.status_code == 206 else "wb"
                have = have if mode == "ab" else 0
                with part.open(mode) as out:
                    for block in response.iter_bytes(CHUNK):
                        if stop is not None and stop.is_set():
                            raise DownloadStopped("The download was stopped.")
                        out.write(block)
                        have += len(block)
                        yield have
        except OSError as exc:
            if exc.errno == errno.ENOSPC:
                raise DownloadError(
                    say("The disk filled up while downloading {model}.", model=self.entry.name)
                ) from exc
            raise DownloadError(self._broke_off(remote, exc)) from exc
        except Exception as exc:
            if isinstance(exc, QuelleError):
                raise
            # httpx's transport errors are not OSErrors; the bytes so far stay for a resume.
            raise DownloadError(self._broke_off(remote, exc)) from exc
        if have != remote.size:
            raise DownloadError(
                say(
                    "The download of '{file}' broke off at {have} of {size}; start it again to "
                    "resume.",
                    file=remote.path,
                    have=_gb(have),
                    size=_gb(remote.size),
                )
            )

    @staticmethod
    def _broke_off(remote: RemoteFile, error: Exception) -> str:
        return say("The download of '{file}' broke off: {error}", file=remote.path, error=error)

    def _install(self, plan: DownloadPlan) -> Path:
        files = self.partial / "files"
        manifest = {"entry": asdict(self.entry), "repo": plan.repo, "commit": plan.commit}
        (files / MANIFEST).write_text(json.dumps(manifest, indent=1), "utf-8")
        if self.target.exists():
            shutil.rmtree(self.target)
        os.replace(files, self.target)
        shutil.rmtree(self.partial, ignore_errors=True)
        log.info("Installed %s from %s@%s", self.entry.id, plan.repo, plan.commit)
        return self.target


def _gb(size: int) -> str:
    return f"{size / 2**30:.2f} GB" if size >= 2**30 else f"{size / 2**20:.0f} MB"
