"""The facade the window and the CLI call: ingest, ask, list, remove.

Threads: models are loaded lazily and per thread (a model object never crosses threads), and
only the thread that asks loads the chat model. The catalogue gives each thread its own
SQLite connection; the vector store runs in a child process that all threads share. The
window indexes in another child process (`indexer`), with a Library of its own that writes
through the same store process.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from quelle.core.abstention import EMPTY_LIBRARY, gather, judge, refusal
from quelle.core.catalog import Catalog, DocumentInfo, Passage
from quelle.core.citations import Attribution, attribute
from quelle.core.config import Settings, load_settings, save_settings
from quelle.core.errors import IndexMismatch, QuelleError
from quelle.core.generation import Generator, SamplingParams, Timings
from quelle.core.indexer import Indexer
from quelle.core.ingestion import Ingestor, IngestReport, Progress, file_hash
from quelle.core.language import detect_language
from quelle.core.models import chat_model_path, embedder_languages, embedder_path
from quelle.core.offline import enforce_offline
from quelle.core.paths import Paths
from quelle.core.prompts import NO_ANSWER, Turn, excerpt, fit_messages, retrieval_query
from quelle.core.reranking import PassageScorer
from quelle.core.retrieval import Hit, Mode, Retrieval, Retriever
from quelle.core.store_process import StoreClient, StoreEndpoint, StoreProcess

log = logging.getLogger(__name__)

BUNDLED_EMBEDDER_ID = "sentence-transformers/all-MiniLM-L6-v2"
# Model loads and frees take turns across threads: torch's module construction is not known to
# be safe to run twice at once, and a load is rare and slow anyway.
_MODEL_LOCK = threading.Lock()


@dataclass(frozen=True, slots=True)
class Answer:
    question: str
    text: str
    sources: list[Hit]  # numbered [1], [2], ... in this order
    retrieval_seconds: float
    timings: Timings | None  # None when no passage was relevant and no model ran
    stopped: bool = False
    # Which source supports each sentence; None when no model ran or the user stopped it.
    attribution: Attribution | None = None
    rerank_seconds: float | None = None  # what the re-ranker cost, when one ran

    @property
    def found(self) -> bool:
        return bool(self.sources)


def _declined(question: str, text: str, seconds: float,
              on_token: Callable[[str], None] | None) -> Answer:
    """The answer when the library cannot answer: no model runs, no source is shown."""
    if on_token:
        on_token(text)
    return Answer(question, text, [], seconds, None)


class Library:
    def __init__(self, home: str | Path | Paths | None = None, settings: Settings | None = None,
                 store_endpoint: StoreEndpoint | None = None) -> None:
        """`store_endpoint`: use the vector store another process started (the indexer's
        case) instead of starting one."""
        enforce_offline()
        self.paths = (home if isinstance(home, Paths) else Paths.resolve(home)).ensure()
        self._settings = settings or load_settings(self.paths.settings_file)
        self._catalog: Catalog | None = None
        self._store: StoreClient | None = None
        self._store_endpoint = store_endpoint
        self._indexer: Indexer | None = None
        self._catalog_lock = threading.Lock()
        self._store_lock = threading.Lock()  # held while the first thread loads and opens it
        self._indexer_lock = threading.Lock()
        self._local = threading.local()

    # --- settings -------------------------------------------------------------------------

    @property
    def settings(self) -> Settings:
        return self._settings

    def update_settings(self, settings: Settings) -> None:
        """Save and apply; the chat model reloads on the next question if it changed."""
        if settings.embedding_model != self._settings.embedding_model:
            raise QuelleError("Changing the embedding model needs a new library; "
                              "use a different --home for it.")
        save_settings(settings, self.paths.settings_file)
        self._settings = settings

    # --- components, created lazily ---------------------------------------------------------

    @property
    def catalog(self) -> Catalog:
        with self._catalog_lock:
            if self._catalog is None:
                self._catalog = Catalog(self.paths.index_dir / "catalog.sqlite")
            return self._catalog

    def _embedder_id(self) -> str:
        configured = self._settings.embedding_model
        return Path(configured).name if configured else BUNDLED_EMBEDDER_ID

    def embedder(self):  # type: ignore[no-untyped-def]
        """This thread's embedder."""
        embedder = getattr(self._local, "embedder", None)
        if embedder is None:
            from quelle.core.embedding import Embedder

            model_id = self._embedder_id()
            recorded = self.catalog.get_meta("embedding_model")
            if recorded and recorded != model_id:
                raise IndexMismatch(
                    f"This library was indexed with '{recorded}', but '{model_id}' is selected."
                )
            with _MODEL_LOCK:
                embedder = Embedder(embedder_path(self._settings.embedding_model), model_id)
            self._local.embedder = embedder
        return embedder

    def _vector_store(self) -> StoreClient:
        """The vector store, started by the first thread that needs it (with that thread's
        embedder, which says which model and dimension the store must hold)."""
        with self._store_lock:
            if self._store is None:
                if self._store_endpoint is not None:
                    self._store = StoreClient.connect(self._store_endpoint)
                else:
                    embedder = self.embedder()
                    self._store = StoreProcess(self.paths.index_dir / "chroma",
                                               embedder.model_id, embedder.dimension,
                                               self.paths.log_file.with_name("store.log"))
                    self.catalog.set_meta("embedding_model", embedder.model_id)
            return self._store

    def indexer(self) -> Indexer:
        """Indexing in a child process (see `quelle.core.indexer`), for the window."""
        with self._indexer_lock:
            if self._indexer is None:
                store = self._vector_store()
                if not isinstance(store, StoreProcess):
                    raise QuelleError("Only the process that opened the library can index "
                                      "in the background.")
                self._indexer = Indexer(self.paths, self._settings, store.endpoint,
                                        self.paths.log_file.with_name("indexer.log"))
            return self._indexer

    def generator(self) -> Generator:
        """This thread's chat model, reloaded when its settings changed."""
        s = self._settings
        key = (str(chat_model_path(s.chat_model)), s.context_size, s.threads)
        current = getattr(self._local, "generator", None)
        if current is None or self._local.generator_key != key:
            with _MODEL_LOCK:
                self._local.generator = None  # free the old model before loading the new one
                self._local.generator = Generator(Path(key[0]), s.context_size, s.threads)
            self._local.generator_key = key
        return self._local.generator

    def reranker(self) -> PassageScorer | None:
        """This thread's cross-encoder, if the settings name one."""
        folder = self._settings.reranker_model
        if getattr(self._local, "reranker_folder", None) != folder:
            self._local.reranker = None
            if folder:
                from quelle.core.reranking import Reranker

                with _MODEL_LOCK:
                    self._local.reranker = Reranker(Path(folder).expanduser())
            self._local.reranker_folder = folder
        return self._local.reranker  # type: ignore[no-any-return]

    def load_models(self, chat: bool = True) -> None:
        """Load what this thread needs up front, so the first question is not slowed."""
        self.embedder()
        self._vector_store()
        self.reranker()
        if chat:
            self.generator()

    def release_models(self) -> None:
        """Free this thread's models. A thread Python did not start (a QThread) must call it
        before it ends, or they are finalised during thread-state teardown and crash."""
        with _MODEL_LOCK:
            self._local.__dict__.clear()

    def _ingestor(self) -> Ingestor:
        s = self._settings
        return Ingestor(self.catalog, self._vector_store(), self.embedder(), s.chunk_tokens,
                        s.chunk_overlap)

    # --- the facade ---------------------------------------------------------------------------

    def ingest(self, paths: Iterable[str | Path],
               on_progress: Callable[[Progress], None] | None = None,
               cancel: threading.Event | None = None) -> IngestReport:
        return self._ingestor().run([Path(p) for p in paths], on_progress, cancel)

    def resume(self) -> int:
        """Finish indexing that a crash interrupted."""
        if not self.catalog.unfinished():
            return 0
        return self._ingestor().resume()

    def documents(self) -> list[DocumentInfo]:
        return self.catalog.documents()

    def find_document(self, key: str) -> DocumentInfo | None:
        """A document by id (or its first characters), path, or file name."""
        docs = self.documents()
        path = Path(key).expanduser()
        if path.is_file():
            doc_id = self.catalog.source(str(path.absolute()))
            key = doc_id[0] if doc_id else file_hash(path)
        matches = [d for d in docs if d.doc_id.startswith(key) or d.title == key or d.path == key]
        return matches[0] if len(matches) == 1 else None

    def remove(self, doc_id: str) -> None:
        self._ingestor().remove(doc_id)

    def passage(self, passage_id: str) -> Passage | None:
        return self.catalog.passages([passage_id]).get(passage_id)

    def search(self, question: str, history: Sequence[Turn] = (),
               limit: int | None = None, mode: Mode | None = None) -> Retrieval:
        """The passages for a question; `mode` overrides the settings (for measuring)."""
        s = self._settings
        if mode is None:
            mode = "reranked" if s.reranker_model else "fused" if s.hybrid_search else "dense"
        embedder = self.embedder()
        retriever = Retriever(self.catalog, self._vector_store(), embedder,
                              embedder_languages(embedder.model_id),
                              self.reranker() if mode == "reranked" else None)
        return retriever.search(retrieval_query(question, history),
                                limit or s.passages_per_answer, mode)

    def ask(self, question: str, history: Sequence[Turn] = (),
            on_token: Callable[[str], None] | None = None,
            cancel: threading.Event | None = None) -> Answer:
        """Retrieve, then stream an answer drawn only from the passages found."""
        question = question.strip()
        if not question:
            raise QuelleError("The question is empty. Type a question about your documents.")
        language = detect_language(question)
        if not self.catalog.passage_count():
            return _declined(question, EMPTY_LIBRARY[language], 0.0, on_token)
        retrieval = self.search(question, history)
        # The question's own words decide: a new question after an Apple question must not
        # borrow "Apple" to pass.
        verdict = judge(gather(question, retrieval, self.catalog))
        if not verdict.answerable:
            text = refusal(verdict, language, NO_ANSWER[language])
            return _declined(question, text, retrieval.seconds, on_token)
        hits = retrieval.hits
        s = self._settings
        generator = self.generator()
        answer_budget = min(s.max_answer_tokens, generator.context_size // 2)
        passages = [h.passage for h in hits]
        if s.passage_chars:
            passages = [p.excerpt(excerpt(p.text, question, s.passage_chars)) for p in passages]
        messages, kept = fit_messages(
            question, passages, history, s.system_prompt,
            generator.count_tokens, generator.context_size - answer_budget,
        )
        kept_ids = {p.passage_id for p in kept}
        params = SamplingParams(s.temperature, s.top_p, s.top_k, s.repeat_penalty, answer_budget)
        completion = generator.stream(messages, params, on_token, cancel)
        sources = [h for h in hits if h.passage.passage_id in kept_ids]
        text = completion.text.strip()
        attribution = None
        if not completion.stopped:
            attribution = attribute(text, [p.text for p in kept])
            text = attribution.text
        return Answer(question, text, sources, retrieval.seconds, completion.timings,
                      completion.stopped, attribution, retrieval.rerank_seconds)

    def stop_indexing(self) -> None:
        """From any thread: stop the indexing process's job within seconds."""
        if self._indexer is not None:
            self._indexer.stop()

    def close(self) -> None:
        if self._indexer is not None:
            self._indexer.close()
        if self._store is not None:
            self._store.close()
        if self._catalog is not None:
            self._catalog.close()
