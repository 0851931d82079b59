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
from pathlib import Path

from quelle.common.settings import Settings
from quelle.engine.models.catalogue import bundled, catalog
from quelle.protocol.values import OTHERS_MB, WRITES_FROM_PARAMS_M, CatalogEntry, Fit, Machine

log = logging.getLogger(__name__)

# Below this an answer of 150 tokens takes more than 40 s.
SLOW_TOKENS_PER_SECOND = 4.0
# An embedder or re-ranker this many times the size of the bundled one is slow on a laptop.
SLOW_SIZE_RATIO = 10.0


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


def writes_reliably(chat_model: str) -> bool:
    """Whether a chat model (a settings value: "" is the built-in one) is big enough to
    write answers worth reading first. A model the catalogue does not know is trusted: the
    user chose it."""
    name = Path(chat_model).name
    for entry in catalog():
        if entry.kind == "chat" and (entry.bundled and not chat_model or entry.file == name):
            return entry.params_m >= WRITES_FROM_PARAMS_M
    return True


def model_writes(settings: Settings) -> bool:
    """Whether the chat model writes each answer, as the settings say (`model_writes`)."""
    if settings.model_writes in ("always", "never"):
        return settings.model_writes == "always"
    return writes_reliably(settings.chat_model)
