"""A stand-in for the window's link to the engine process, for fast window tests."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from quelle.common.paths import Paths
from quelle.common.settings import Settings, load_settings
from quelle.protocol import messages as protocol
from quelle.protocol.values import WordBox
from quelle.ui.engine_link import AnswerRequest, EngineLink, IngestJob


class FakeEngineLink(EngineLink):
    """Records what the window asks of the engine; the test plays the engine's events by
    emitting the link's signals. Requests about the models are answered at once, as the
    engine answers them, from the models folder of `home`."""

    def __init__(self, home: Path) -> None:
        super().__init__(Paths.resolve(home), None)
        self.requests: list[tuple[str, object]] = []
        self.engine_pid = 1
        self.settings = load_settings(self._paths.settings_file)  # the engine's
        self.settings_applied.connect(self._settings_applied)

    def start(self) -> None:
        self.requests.append(("start", None))

    def ask(self, request: AnswerRequest) -> None:
        self.requests.append(("ask", request))

    def stop(self, request: AnswerRequest) -> None:
        self.requests.append(("stop", request))

    def ingest(self, job: IngestJob) -> None:
        self.requests.append(("ingest", job))

    def cancel_job(self, job: IngestJob) -> None:
        self.requests.append(("cancel", job))

    def update_settings(self, settings: Settings) -> None:
        self.requests.append(("settings", settings))

    def remove_document(self, doc_id: str) -> None:
        self.requests.append(("remove", doc_id))

    def read_scan(self, path: str, page: int, password: str = "") -> None:
        self.requests.append(("read scan", path))
        read_scan(path, page, password, self.scan_read.emit, self.scan_failed.emit)

    def watch(self, folder: str) -> None:
        self.requests.append(("watch", folder))

    def unwatch(self, folder: str) -> None:
        self.requests.append(("unwatch", folder))

    def read_source(self, path: str, page: int) -> None:
        self.requests.append(("read source", path))
        read_source(path, page, self.source_read.emit, self.source_failed.emit)

    def list_models(self) -> None:
        self.requests.append(("list models", None))
        super().list_models()

    def import_model(self, path: str) -> None:
        self.requests.append(("import model", path))
        super().import_model(path)

    def remove_model(self, model: str) -> None:
        self.requests.append(("remove model", model))
        super().remove_model(model)

    def describe_model(self, path: str) -> None:
        self.requests.append(("describe model", path))
        super().describe_model(path)

    def _send(self, message: protocol.Request) -> None:
        """Answer a request about the models with the engine's own reply, sent through the
        protocol and taken in by the link as from the engine; drop any other."""
        from quelle.common.errors import QuelleError
        from quelle.engine.server import ModelRequest, models_reply

        if not isinstance(message, ModelRequest):
            return
        try:
            event = models_reply(message, self._paths, self.settings)
        except QuelleError as exc:
            event = protocol.Failed(message.request, str(exc))
        self._dispatch(protocol.decode(protocol.encode(event)))

    def _settings_applied(self, settings: Settings) -> None:
        self.settings = settings

    def download(self, model_id: str) -> None:
        self.requests.append(("download", model_id))
        self._pending[len(self.requests)] = ("download", model_id)

    def cancel_download(self, model_id: str) -> None:
        self.requests.append(("cancel download", model_id))

    def finish_download(self, model_id: str, ok: bool = True) -> None:
        """Play the engine's end of a download."""
        request = next(r for r, p in self._pending.items() if p == ("download", model_id))
        del self._pending[request]
        if ok:
            self.download_finished.emit(model_id)
        else:
            self.download_failed.emit(model_id, f"The download of {model_id} was cancelled.")

    def close(self) -> None:
        self.requests.append(("close", None))

    def last_request(self) -> tuple[str, object]:
        """The latest request. A call, unlike `requests[-1]`, which mypy would keep narrowed
        to what an earlier assert compared it with."""
        return self.requests[-1]

    def asked(self) -> list[AnswerRequest]:
        return [r for kind, r in self.requests if kind == "ask" and isinstance(r, AnswerRequest)]


def read_source(
    path: str,
    page: int,
    on_read: Callable[[str, int, int, str], None],
    on_failed: Callable[[str, str], None],
) -> None:
    """A `ReadSource` request answered as the engine answers it, from the file itself."""
    from quelle.common.errors import QuelleError
    from quelle.engine.reading.documents import source_page

    try:
        shown, pages = source_page(Path(path), page)
    except QuelleError as exc:
        on_failed(path, str(exc))
        return
    on_read(path, shown.number, pages, shown.text)


def read_scan(
    path: str,
    page: int,
    password: str,
    on_read: Callable[[str, int, str, list[WordBox]], None],
    on_failed: Callable[[str, str], None],
) -> None:
    """A `ReadScan` request answered as the engine answers it: Tesseract reads the page."""
    from quelle.common.errors import QuelleError
    from quelle.engine.reading.ocr import read_scan as recognise

    try:
        text, words = recognise(Path(path), page, password)
    except QuelleError as exc:
        on_failed(path, str(exc))
        return
    on_read(path, page, text, words)
