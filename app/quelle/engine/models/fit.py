"""Will a model run well on this computer? A verdict with the numbers behind it.

Memory decides whether a model fits at all. For chat models, speed is the decode rate:
generating a token reads every weight once, so tokens per second scale inversely with the
weights' size. The bundled model is measured once on this machine (a short real generation,
cached) and the rate is scaled by size. Embedders and re-rankers are compared with the bundled
ones by parameter count, which is what their cost per passage follows.
"""

from __future__ import annotations

import json
import logging
import os
import platform
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from quelle.engine.models.catalogue import CatalogEntry, bundled

log = logging.getLogger(__name__)

Verdict = Literal["runs well", "slow", "won't fit"]

# What the rest of Quelle needs beside the model: the window, the embedder, Chroma.
OTHERS_MB = 1000
# Below this an answer of 150 tokens takes more than 40 s.
SLOW_TOKENS_PER_SECOND = 4.0
# An embedder or re-ranker this many times the size of the bundled one is slow on a laptop.
SLOW_SIZE_RATIO = 10.0


@dataclass(frozen=True, slots=True)
class Machine:
    total_mb: int
    available_mb: int
    cores: int  # physical

    def describe(self) -> str:
        return (
            f"{self.total_mb / 1024:.1f} GB memory ({self.available_mb / 1024:.1f} GB free), "
            f"{self.cores} cores"
        )


@dataclass(frozen=True, slots=True)
class Fit:
    """A verdict and the numbers behind it; `reason` words them in English (the window words
    them in its own language)."""

    verdict: Verdict
    needs_mb: int  # memory to run the model
    machine: Machine
    tokens_per_second: float | None = None  # chat models: the expected decode rate
    slower_by: float | None = None  # embedders, re-rankers: cost against the built-in one

    @property
    def too_big(self) -> bool:
        return self.verdict == "won't fit"

    @property
    def short_of_free_memory(self) -> bool:
        return self.needs_mb > self.machine.available_mb

    @property
    def reason(self) -> str:
        gb = _gb
        if self.too_big:
            return (
                f"needs {gb(self.needs_mb)} of memory beside Quelle's {gb(OTHERS_MB)}; "
                f"this computer has {gb(self.machine.total_mb)}"
            )
        parts = []
        if (rate := self.tokens_per_second) is not None:
            parts.append(
                f"about {rate:.0f} tokens/s" if rate >= 10 else f"about {rate:.1f} tokens/s"
            )
        if self.slower_by is not None and self.slower_by > 1.5:
            parts.append(f"about {self.slower_by:.0f}x slower than the built-in model")
        if self.short_of_free_memory:
            parts.append(f"needs {gb(self.needs_mb)}, {gb(self.machine.available_mb)} free now")
        else:
            parts.append(f"needs {gb(self.needs_mb)} of memory")
        return "; ".join(parts)


def _gb(mb: int) -> str:
    return f"{mb / 1024:.1f} GB"


def this_machine() -> Machine:
    import psutil

    memory = psutil.virtual_memory()
    cores = psutil.cpu_count(logical=False) or os.cpu_count() or 1
    return Machine(memory.total // 2**20, memory.available // 2**20, cores)


def judge_fit(entry: CatalogEntry, machine: Machine, bundled_rate: float | None) -> Fit:
    """`bundled_rate`: the bundled chat model's measured tokens per second here."""
    needs = entry.memory_mb
    if needs + OTHERS_MB > machine.total_mb:
        return Fit("won't fit", needs, machine)
    rate = ratio = None
    slow = needs > machine.available_mb
    if entry.kind == "chat":
        reference = bundled("chat")
        if bundled_rate and reference:
            rate = bundled_rate * reference.size_mb / entry.size_mb
            slow |= rate < SLOW_TOKENS_PER_SECOND
    elif (reference := bundled(entry.kind) or bundled("embedder")) is not None:
        ratio = entry.params_m / reference.params_m
        slow |= ratio >= SLOW_SIZE_RATIO
    return Fit("slow" if slow else "runs well", needs, machine, rate, ratio)


def bundled_decode_rate(cache_dir: Path, measure: bool = True) -> float | None:
    """Tokens per second of the bundled chat model here: measured once, then read back."""
    cache = cache_dir / "decode_rate.json"
    key = f"{platform.machine()} {platform.processor()} {os.cpu_count()}"
    try:
        data = json.loads(cache.read_text("utf-8"))
        if data.get("machine") == key:
            return float(data["tokens_per_second"])
    except (OSError, ValueError, KeyError, TypeError):
        pass
    if not measure:
        return None
    rate = _measure_bundled()
    if rate:
        cache.parent.mkdir(parents=True, exist_ok=True)
        cache.write_text(json.dumps({"machine": key, "tokens_per_second": rate}), "utf-8")
    return rate


def _measure_bundled() -> float | None:
    from quelle.engine.models.bundled import bundled_chat_model_path
    from quelle.engine.models.chat import Generator, SamplingParams

    try:
        generator = Generator(bundled_chat_model_path(), context_size=512)
    except Exception:
        log.exception("Could not load the bundled model to measure this machine")
        return None
    messages = [{"role": "user", "content": "Count from one to forty in words."}]
    rates = [  # the best of three: the first pays for warming up, others for a busy moment
        generator.stream(
            messages, SamplingParams(temperature=0.0, max_tokens=64)
        ).timings.tokens_per_second
        for _ in range(3)
    ]
    return round(max(rates), 1) or None
