"""llama.cpp adapter: the GGUF's own chat template, token counting, streaming, stop, timings.

A `Generator` belongs to the thread that made it: llama.cpp contexts are not thread-safe.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from quelle.common.errors import ModelError
from quelle.common.wording import say
from quelle.protocol.values import Timings

log = logging.getLogger(__name__)

Message = dict[str, str]


@dataclass(frozen=True, slots=True)
class SamplingParams:
    temperature: float = 0.2
    top_p: float = 0.9
    top_k: int = 40
    repeat_penalty: float = 1.1
    max_tokens: int = 384


@dataclass(frozen=True, slots=True)
class Completion:
    text: str
    timings: Timings
    stopped: bool  # True when the user stopped it


class Generator:
    """A GGUF chat model on the CPU."""

    def __init__(self, model_path: Path, context_size: int = 4096, threads: int = 0) -> None:
        if not model_path.is_file():
            raise ModelError(
                say("The chat model '{path}' does not exist. Choose another.", path=model_path)
            )
        from llama_cpp import Llama
        from llama_cpp.llama_chat_format import Jinja2ChatFormatter

        try:
            self._llm = Llama(
                model_path=str(model_path),
                n_ctx=context_size,
                n_threads=threads or None,
                verbose=False,
            )
        except Exception as exc:
            log.exception("Loading %s failed", model_path)
            raise ModelError(
                say(
                    "Could not load the chat model '{name}': not a valid GGUF file?",
                    name=model_path.name,
                )
            ) from exc
        self.model_path = model_path
        self.context_size = self._llm.n_ctx()
        template = self._llm.metadata.get("tokenizer.chat_template")
        if not template:
            raise ModelError(
                say("'{name}' has no chat template; choose a chat model.", name=model_path.name)
            )
        eos, bos = self._llm.token_eos(), self._llm.token_bos()
        self._eos_text = self._token_text(eos)
        self._formatter = Jinja2ChatFormatter(
            template=template,
            eos_token=self._eos_text,
            bos_token=self._token_text(bos),
            add_generation_prompt=True,
        )

    def _token_text(self, token: int) -> str:
        if token < 0:
            return ""
        return self._llm.detokenize([token], special=True).decode("utf-8", errors="ignore")

    def render(self, messages: Sequence[Message]) -> tuple[str, list[str]]:
        """The prompt text exactly as the model will see it, and its stop strings."""
        result = self._formatter(messages=list(messages))  # type: ignore[arg-type]
        stop = result.stop if isinstance(result.stop, list) else [result.stop]
        return result.prompt, [s for s in stop if s]

    def tokenize(self, text: str) -> list[int]:
        return self._llm.tokenize(text.encode("utf-8"), add_bos=False, special=True)

    def count_tokens(self, messages: Sequence[Message]) -> int:
        return len(self.tokenize(self.render(messages)[0]))

    def stream(
        self,
        messages: Sequence[Message],
        params: SamplingParams,
        on_token: Callable[[str], None] | None = None,
        cancel: threading.Event | None = None,
    ) -> Completion:
        """Generate an answer, handing each piece of text to `on_token` as it arrives."""
        prompt, stop = self.render(messages)
        tokens = self.tokenize(prompt)
        max_tokens = max(1, min(params.max_tokens, self.context_size - len(tokens)))
        started = time.perf_counter()
        first = 0.0
        pieces: list[str] = []
        count = 0
        stopped = False
        chunks: Iterator[dict[str, Any]] = self._llm.create_completion(  # type: ignore[assignment]
            prompt=tokens,
            max_tokens=max_tokens,
            temperature=params.temperature,
            top_p=params.top_p,
            top_k=params.top_k,
            repeat_penalty=params.repeat_penalty,
            stop=stop,
            stream=True,
        )
        for chunk in chunks:
            if cancel is not None and cancel.is_set():
                stopped = True
                break
            piece = chunk["choices"][0]["text"]
            count += 1
            if not first:
                first = time.perf_counter() - started
            if piece:
                pieces.append(piece)
                if on_token:
                    on_token(piece)
        if hasattr(chunks, "close"):
            chunks.close()
        total = time.perf_counter() - started
        timings = Timings(len(tokens), count, first or total, total)
        return Completion("".join(pieces), timings, stopped)
