"""The facade the engine process and the CLI call: ingest, ask, list, remove.

One Library owns one library folder: its catalogue, its Chroma store (in this process) and
its models. Models are loaded once, lazily, and shared by the threads that use them: the
embedder serialises its own calls, and only the thread that answers uses the chat model and
the re-ranker. `quelle.engine.owner` makes sure no second process opens the same folder.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any, TypeVar, cast

from quelle.common.errors import IndexMismatch, ModelError, QuelleError, ServerUnavailable
from quelle.common.offline import enforce_offline
from quelle.common.paths import Paths
from quelle.common.settings import Settings, load_settings, save_settings
from quelle.common.wording import say
from quelle.engine.answers.pipeline import OnFound, answer
from quelle.engine.index.catalog import Catalog
from quelle.engine.index.consistency import check
from quelle.engine.index.reembedding import reembed
from quelle.engine.index.shared_vectors import SharedStore, parse_url
from quelle.engine.index.vectors import COLLECTION, PassageVectors, VectorStore
from quelle.engine.ingestion import Ingestor
from quelle.engine.models.bundled import (
    chat_model_path,
    embedder_id,
    embedder_languages,
    embedder_path,
)
from quelle.engine.models.chat import Generator
from quelle.engine.models.embedder import TORCH, Embedder, TextEmbedder
from quelle.engine.models.entailment import EntailmentModel
from quelle.engine.models.fit import model_writes
from quelle.engine.models.quantised import BACKEND as INT8
from quelle.engine.owner import OwnerLock
from quelle.engine.search.question import Question
from quelle.engine.search.reranking import PassageScorer
from quelle.engine.search.retrieval import Mode, Retrieval, Retriever
from quelle.engine.watching.observer import Changes
from quelle.protocol.client import EngineClient, connect
from quelle.protocol.values import (
    MAX_QUESTION_CHARS,
    Answer,
    CheckReport,
    DocumentInfo,
    FolderChanges,
    IngestReport,
    Passage,
    Progress,
    Turn,
    WatchedFolder,
)

log = logging.getLogger(__name__)
T = TypeVar("T")


class Library:
    def __init__(
        self,
        home: str | Path | Paths | None = None,
        settings: Settings | None = None,
        owner: OwnerLock | None = None,
        int8: bool = True,
    ) -> None:
        """`owner`: the library's lock, held by the caller and released on `close`. `int8`:
        a new library embeds with the int8 encoder where the embedder allows (False: torch,
        for measuring)."""
        self._int8 = int8
        enforce_offline()
        self._owner = owner
        self.paths = (home if isinstance(home, Paths) else Paths.resolve(home)).ensure()
        self._settings = settings or load_settings(self.paths.settings_file)
        self._catalog: Catalog | None = None
        self._store: PassageVectors | None = None
        self._embedder: TextEmbedder | None = None
        self._generator: tuple[tuple[str, int, int], Generator] | None = None
        self._optional_models: dict[str, tuple[str, Any]] = {}  # field: (folder, model)
        self._switching: VectorStore | None = None  # the index an embedder switch fills
        self.notices: list[str] = []  # what the user should hear about, once
        # Held while a component loads, so two threads asking at once get the same one; the
        # catalogue has its own, so listing documents never waits for a model to load.
        self._catalog_lock = threading.Lock()
        self._load_lock = threading.RLock()
        # Searches under way, each on the index it started with: an embedder switch drops the
        # old index only once they are done.
        self._searching = 0
        self._searches_done = threading.Condition(self._load_lock)

    # --- settings -------------------------------------------------------------------------

    @property
    def settings(self) -> Settings:
        return self._settings

    def update_settings(self, settings: Settings) -> None:
        """Save and apply. The chat model reloads on the next question if it changed; a new
        embedder leaves `switch_pending` true until `switch_embedder` has re-indexed."""
        catalog = self.catalog
        if catalog.get_meta("embedding_model") and catalog.get_meta("embedding_path") is None:
            # indexed before embedders could change: the old settings name its embedder
            catalog.set_meta("embedding_path", self._settings.embedding_model)
        old = self._settings
        if settings.chroma_url != old.chroma_url:
            self._move_library(settings.chroma_url)
        elif self.shared and settings.embedding_model != old.embedding_model:
            raise QuelleError(
                say(
                    "A library on a Chroma server keeps the embedder it was built with, so "
                    "that every machine's questions find its passages."
                )
            )
        save_settings(settings, self.paths.settings_file)
        self._settings = settings

    def _move_library(self, url: str) -> None:
        """Before the settings name another place for the library: documents indexed on this
        computer cannot follow, a shared library's cache is simply dropped."""
        if url:
            parse_url(url)  # a clear message for a mistyped address
        documents = self.catalog.documents()
        if documents and not self.shared:
            raise QuelleError(
                say(
                    "This library holds {n} documents on this computer. A library on a Chroma "
                    "server is chosen when a library is created: start a new one (another "
                    "--home, or remove the documents first).",
                    n=len(documents),
                )
            )
        with self._load_lock:
            for info in documents:
                self.catalog.remove_document(info.doc_id)
            self._store = None

    def _fall_back(self, field: str, message: str) -> None:
        """A model in the settings is gone: forget it, and tell the user why."""
        log.warning(message)
        self.notices.append(message)
        self.update_settings(self._settings.replace(**{field: ""}))

    def take_notices(self) -> list[str]:
        notices, self.notices = self.notices, []
        return notices

    # --- components, created lazily ---------------------------------------------------------

    @property
    def catalog(self) -> Catalog:
        with self._catalog_lock:
            if self._catalog is None:
                self._catalog = Catalog(self.paths.index_dir / "catalog.sqlite")
                if not self._file_list.exists():  # a library from before the list was kept
                    self._save_file_list(self._catalog)
            return self._catalog

    def _indexed_with(self) -> tuple[str, str]:
        """(setting, collection) of the embedder the index was built with; a new library
        takes the settings' one."""
        catalog = self.catalog
        if catalog.get_meta("embedding_model") is None:
            return self._settings.embedding_model, COLLECTION
        setting = catalog.get_meta("embedding_path")
        if setting is None:  # recorded before embedders could change: the settings name it
            setting = self._settings.embedding_model
        return setting, catalog.get_meta("collection") or COLLECTION

    @property
    def switch_pending(self) -> bool:
        """The settings name another embedder than the one the index was built with."""
        return self._settings.embedding_model != self._indexed_with()[0]

    def embedder(self) -> TextEmbedder:
        """The embedder of the index, shared by every thread (it takes one call at a time)."""
        with self._load_lock:
            if self._embedder is None:
                setting, _ = self._indexed_with()
                model_id = embedder_id(setting)
                recorded = self.catalog.get_meta("embedding_model")
                if recorded and recorded != model_id:
                    raise IndexMismatch(
                        say(
                            "This library was indexed with '{indexed}', but '{chosen}' is "
                            "selected.",
                            indexed=recorded,
                            chosen=model_id,
                        )
                    )
                if setting and not embedder_path(setting).is_dir():
                    raise ModelError(
                        say(
                            "The embedding model this library was indexed with is gone ({path})."
                            " Download it again, or choose another embedder in Models: the "
                            "library is then indexed again with it.",
                            path=setting,
                        )
                    )
                # A new library takes the int8 encoder where it can; one built before keeps
                # the backend it was built with, so questions meet its vectors as they are.
                backend = self.catalog.get_meta("embedding_backend")
                int8 = backend == INT8 or (backend is None and recorded is None and self._int8)
                self._embedder = _load_embedder(setting, self.paths.encoders_dir if int8 else None)
            return self._embedder

    @property
    def shared(self) -> bool:
        """The library is kept on a Chroma server, this computer's catalogue is its cache."""
        return bool(self._settings.chroma_url)

    def _vector_store(self) -> PassageVectors:
        with self._load_lock:
            if self._store is None:
                embedder = self.embedder()
                setting, collection = self._indexed_with()
                if self.shared:
                    self._store = SharedStore(
                        self._settings.chroma_url,
                        embedder.model_id,
                        embedder.dimension,
                        self.catalog,
                    )
                else:
                    self._store = VectorStore(
                        self.paths.index_dir / "chroma",
                        embedder.model_id,
                        embedder.dimension,
                        collection,
                    )
                self.catalog.set_metas(
                    {
                        "embedding_model": embedder.model_id,
                        "embedding_path": setting,
                        "embedding_backend": str(
                            self.catalog.get_meta("embedding_backend")
                            or getattr(embedder, "backend", TORCH)
                        ),
                    }
                )
                switching = self.catalog.get_meta("switch_collection") or ""
                self._store.drop_others(keep=[switching] if self.switch_pending else [])
            return self._store

    def switch_embedder(
        self,
        on_progress: Callable[[int, int], None] | None = None,
        cancel: threading.Event | None = None,
    ) -> bool:
        """Re-index every passage with the embedder the settings name, in a collection beside
        the one that keeps answering, then switch to it in one step. Stopped (or killed), it
        goes on where it was next time. True once the library uses the new embedder."""
        target = self._settings.embedding_model
        if not self.switch_pending:
            return True
        catalog = self.catalog
        collection = catalog.get_meta("switch_collection") or ""
        if catalog.get_meta("switch_path") != target or not collection:
            collection = f"passages-{uuid.uuid4().hex[:8]}"
            catalog.set_metas({"switch_path": target, "switch_collection": collection})
        # The old embedder is not needed: a library whose embedder was deleted recovers so.
        embedder = _load_embedder(target, self.paths.encoders_dir)
        store = VectorStore(
            self.paths.index_dir / "chroma", embedder.model_id, embedder.dimension, collection
        )
        store.drop_others(keep=[self._indexed_with()[1]])  # an earlier switch given up
        self._switching = store
        try:

            def stop() -> bool:  # asked to, or the user chose yet another embedder
                stopped = cancel is not None and cancel.is_set()
                return stopped or self._settings.embedding_model != target

            if not reembed(catalog, store, embedder, on_progress, stop):
                return False
            with self._load_lock:
                catalog.set_metas(
                    {
                        "embedding_model": embedder.model_id,
                        "embedding_path": target,
                        "embedding_backend": embedder.backend,
                        "collection": collection,
                        "switch_path": "",
                        "switch_collection": "",
                    }
                )
                self._embedder, self._store = embedder, store
                self._searches_done.wait_for(lambda: self._searching == 0)
                store.drop_others(keep=[])
        finally:
            self._switching = None
        log.info("The library now uses the embedder %s", embedder.model_id)
        return True

    def generator(self) -> Generator:
        """The chat model, reloaded when its settings changed. One thread at a time uses it:
        a llama.cpp context is not thread-safe."""
        if self._settings.chat_model and not chat_model_path(self._settings.chat_model).is_file():
            self._fall_back(
                "chat_model",
                say(
                    "The chat model '{path}' is gone; Quelle answers with its built-in model "
                    "until you choose another.",
                    path=self._settings.chat_model,
                ),
            )
        s = self._settings
        key = (str(chat_model_path(s.chat_model)), s.context_size, s.threads)
        with self._load_lock:
            if self._generator is None or self._generator[0] != key:
                self._generator = None  # free the old model before loading the new one
                self._generator = (key, Generator(Path(key[0]), s.context_size, s.threads))
            return self._generator[1]

    def reranker(self) -> PassageScorer | None:
        """The cross-encoder, if the settings name one."""
        from quelle.engine.search.reranking import Reranker

        return self._optional(
            "reranker_model",
            Reranker,
            "The re-ranker '{path}' is gone; passages are ranked without it until you choose "
            "another.",
        )

    def checker(self) -> EntailmentModel | None:
        """The entailment model that checks answers, if the settings name one."""
        return self._optional(
            "checker_model",
            EntailmentModel,
            "The entailment model '{path}' is gone; answers are checked without it until you "
            "choose another.",
        )

    def _optional(self, field: str, load: Callable[[Path], T], gone: str) -> T | None:
        """The model of a kind Quelle works without, from the folder the settings' `field`
        names, loaded once until the setting changes. A folder that has gone is forgotten,
        and the user told `gone`."""
        folder = getattr(self._settings, field)
        if folder and not Path(folder).expanduser().is_dir():
            self._fall_back(field, say(gone, path=folder))
            folder = ""
        with self._load_lock:
            cached = self._optional_models.get(field)
            if cached is None or cached[0] != folder:
                cached = (folder, load(Path(folder).expanduser()) if folder else None)
                self._optional_models[field] = cached
            return cast("T | None", cached[1])

    def measure_machine(self) -> None:
        """Time the bundled chat model once on this computer (cached), for the speed advice
        of the model list."""
        from quelle.engine.models.fit import bundled_decode_rate

        bundled_decode_rate(self.paths.cache_dir)

    def load_models(self, chat: bool = True) -> None:
        """Load what answering needs up front, so the first question is not slowed."""
        self._vector_store()
        self.reranker()
        if chat:
            self.generator()

    def _ingestor(self) -> Ingestor:
        s = self._settings
        return Ingestor(
            self.catalog, self._vector_store(), self.embedder(), s.chunk_tokens, s.chunk_overlap
        )

    # --- the facade ---------------------------------------------------------------------------

    def ingest(
        self,
        paths: Iterable[str | Path],
        on_progress: Callable[[Progress], None] | None = None,
        cancel: threading.Event | None = None,
        passwords: Sequence[str] = (),
        remember: bool = False,
    ) -> IngestReport:
        """Add files and folders; `passwords` are tried on protected PDFs (with `remember`,
        the first is kept in the system keyring for the files it opens)."""
        try:
            return self._add([Path(p) for p in paths], on_progress, cancel, passwords, remember)
        finally:
            self._save_file_list()

    def _add(
        self,
        files: list[Path],
        on_progress: Callable[[Progress], None] | None,
        cancel: threading.Event | None,
        passwords: Sequence[str] = (),
        remember: bool = False,
    ) -> IngestReport:
        self.sync()  # what others added already is not indexed again
        return self._ingestor().run(files, on_progress, cancel, passwords, remember)

    # --- the way back from damaged files ------------------------------------------------------

    @property
    def _file_list(self) -> Path:
        return self.paths.index_dir / "files.json"

    def _save_file_list(self, catalog: Catalog | None = None) -> None:
        """The paths of the library's files, beside the catalogue: what a rebuild reads
        when the catalogue itself is damaged."""
        try:
            paths = (catalog or self.catalog).source_paths()
            fresh = self._file_list.with_suffix(".tmp")
            fresh.write_text(json.dumps(paths, ensure_ascii=False), encoding="utf-8")
            os.replace(fresh, self._file_list)
        except Exception:  # a full disk or a damaged catalogue: the list stays as it was
            log.warning("Could not save the list of the library's files", exc_info=True)

    def _known_files(self) -> list[str]:
        known: set[str] = set()
        with contextlib.suppress(OSError, ValueError):
            known.update(json.loads(self._file_list.read_text(encoding="utf-8")))
        with contextlib.suppress(Exception):  # what a damaged catalogue still gives
            known.update(self.catalog.source_paths())
        return sorted(known)

    def rebuild(
        self,
        on_progress: Callable[[Progress], None] | None = None,
        cancel: threading.Event | None = None,
    ) -> tuple[IngestReport, list[str]]:
        """Set the library's files aside (in the index folder, `damaged-<time>`) and index
        its documents again from their files: the way back from a damaged catalogue or
        vector store. Returns the report and the files that are gone."""
        if self.shared:
            raise QuelleError(
                say(
                    "A shared library is kept on its server; rebuild it there, or add the files "
                    "again."
                )
            )
        files = self._known_files()
        with self._load_lock, self._catalog_lock:
            if self._catalog is not None:
                with contextlib.suppress(Exception):
                    self._catalog.close()
            if isinstance(self._store, VectorStore):
                self._store.close()
            self._catalog = self._store = None
            index = self.paths.index_dir
            aside = index / f"damaged-{time.strftime('%Y%m%d-%H%M%S')}"
            aside.mkdir()
            for part in index.iterdir():
                if part.name.startswith("catalog.sqlite") or part.name in ("chroma", "files.json"):
                    part.rename(aside / part.name)
        log.warning("Set the library's files aside in %s to rebuild it", aside)
        present = [f for f in files if Path(f).is_file()]
        report = self.ingest(present, on_progress, cancel)
        return report, [f for f in files if f not in present]

    def resume(self, cancel: threading.Event | None = None) -> int:
        """Finish indexing that a crash interrupted."""
        if not self.catalog.unfinished():
            return 0
        return self._ingestor().resume(cancel)

    def sync(self) -> bool:
        """A shared library: take in what other machines added or removed. True if the
        document list changed."""
        if not self.shared:
            return False
        store = self._vector_store()
        return isinstance(store, SharedStore) and store.pull()

    def documents(self) -> list[DocumentInfo]:
        """The documents, as the server lists them now for a shared library (or, when it
        does not answer, as this computer last saw them, with a notice)."""
        try:
            self.sync()
        except ServerUnavailable as exc:
            if str(exc) not in self.notices:
                self.notices.append(str(exc))
        return self.catalog.documents()

    def remove(self, doc_id: str) -> None:
        self._drop(doc_id)
        self._save_file_list()

    def _drop(self, doc_id: str) -> None:
        self._ingestor().remove(doc_id)
        if (switching := self._switching) is not None:
            switching.delete_document(doc_id)

    def _forget(self, path: str) -> None:
        """Forget one path, and its document if no other path holds that content."""
        orphan = self.catalog.remove_source(path)
        if orphan:
            self._drop(orphan)

    def take_in(
        self,
        changes: Changes,
        folders: list[WatchedFolder],
        on_progress: Callable[[Progress], None] | None = None,
        cancel: threading.Event | None = None,
    ) -> FolderChanges:
        """Bring the library in line with what changed in the watched `folders`."""
        from quelle.engine.watching.changes import take_in

        def ingest(files: list[Path]) -> IngestReport:
            return self._add(files, on_progress, cancel)

        try:  # the list of files is saved once, after the additions and the removals
            return take_in(changes, folders, self.catalog, ingest, self._forget)
        finally:
            self._save_file_list()

    def check(self, repair: bool = True, cancel: threading.Event | None = None) -> CheckReport:
        """Find where the catalogue, keyword index and vectors disagree, and mend it."""
        self.sync()
        report = check(self.catalog, self._vector_store(), repair, lambda: self.resume(cancel))
        if report.repaired:
            self._save_file_list()
        return report

    def passage(self, passage_id: str) -> Passage | None:
        return self.catalog.passages([passage_id]).get(passage_id)

    def search(
        self,
        question: str | Question,
        history: Sequence[Turn] = (),
        limit: int | None = None,
        mode: Mode | None = None,
    ) -> Retrieval:
        """The passages for a question (analysed here if it comes as text); `mode` overrides
        the settings (for measuring)."""
        if isinstance(question, str):
            question = Question.analyse(question, history)
        s = self._settings
        if mode is None:
            mode = "reranked" if s.reranker_model else "fused" if s.hybrid_search else "dense"
        with self._load_lock:  # a pair from the same index, even as an embedder switch ends
            embedder, store = self.embedder(), self._vector_store()
            self._searching += 1
        try:
            retriever = Retriever(
                self.catalog,
                store,
                embedder,
                embedder_languages(embedder.model_id),
                self.reranker() if mode == "reranked" else None,
            )
            return retriever.search(question, limit or s.passages_per_answer, mode)
        finally:
            with self._searches_done:
                self._searching -= 1
                self._searches_done.notify_all()

    def ask(
        self,
        question: str,
        history: Sequence[Turn] = (),
        on_token: Callable[[str], None] | None = None,
        cancel: threading.Event | None = None,
        on_found: OnFound | None = None,
        write: bool | None = None,
    ) -> Answer:
        """Retrieve, then stream an answer drawn only from the passages found; `on_found`
        hears the sources and their evidence before the model begins. `write`: whether the
        chat model writes (None: as the settings say for this model, `model_writes`)."""
        if not question.strip():
            raise QuelleError(say("The question is empty. Type a question about your documents."))
        if len(question) > MAX_QUESTION_CHARS:
            raise QuelleError(
                say(
                    "The question is {length} characters long; Quelle answers questions of up "
                    "to {limit} characters. Ask about one thing at a time.",
                    length=len(question),
                    limit=MAX_QUESTION_CHARS,
                )
            )
        self.sync()
        return answer(
            Question.analyse(question, history),
            history,
            self.catalog,
            self.search,
            self.generator,
            self._settings,
            on_token,
            cancel,
            lambda texts: self.embedder().embed(texts),
            on_found,
            model_writes(self._settings) if write is None else write,
            self.checker,
        )

    def close(self) -> None:
        if self._catalog is not None:
            self._catalog.close()
        if self._owner is not None:
            self._owner.release()


def _load_embedder(setting: str, int8_folder: Path | None) -> Embedder:
    return Embedder(embedder_path(setting), embedder_id(setting), int8_folder=int8_folder)


def open_library(
    home: str | Path | None, on_wait: Callable[[], Any] | None = None
) -> Library | EngineClient:
    """The library in `home` for one command: owned here if no other process owns it,
    otherwise through its engine; waits while another command owns it."""
    paths = Paths.resolve(home).ensure()
    lock = OwnerLock(paths)
    waited = False
    while True:
        if lock.acquire():
            return Library(paths, owner=lock)
        found = connect(paths)
        if found is not None:
            return EngineClient(paths, *found)
        if not waited and on_wait is not None:
            on_wait()
        waited = True
        time.sleep(0.25)
