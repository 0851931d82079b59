"""Model downloads against a stand-in hub on 127.0.0.1, against huggingface_hub's own
`hf_hub_download` of the same file in the same run.

What it measures, for the bundled chat model's GGUF (98 MB) served as a catalogue entry:
- the seconds of a complete download with Quelle's `Download` (listing, streaming, SHA-256
  check, install) and of `hf_hub_download` into an empty cache (which checks size only),
  alternating, the median of several runs each, and their ratio;
- the SHA-256 check alone, the price of verifying every file;
- a download cut off half-way and resumed: the bytes served in all, against the file's size.

What it cannot measure: a real network. Loopback has no latency and no bandwidth limit, so
the figures show Quelle's own overhead per byte, not what a user's line delivers.

Usage: python benchmarks/downloads.py [--runs N] [--out FILE]; prints a table, writes
benchmarks/results/downloads.json.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
RESULTS = REPO / "benchmarks" / "results"
sys.path.insert(0, str(REPO / "tests"))  # the stand-in hub the tests use
MODEL_ID = "qwen2.5-0.5b-instruct-q8_0"  # served with the bundled model's bytes


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--out", type=Path, default=RESULTS / "downloads.json")
    args = parser.parse_args()

    from hub import Hub, HubServer
    from quelle.engine.models.bundled import bundled_chat_model_path
    from quelle.engine.models.catalogue import entry
    from quelle.engine.models.downloads import (
        Download,
        DownloadError,
        allow_network,
        fetch_plan,
        file_hash_matches,
    )

    catalogued = entry(MODEL_ID)
    assert catalogued is not None
    source = bundled_chat_model_path()
    size = source.stat().st_size
    hub = Hub()
    hub.add_repo(catalogued.repo, {catalogued.file: source})
    with HubServer(hub) as url, tempfile.TemporaryDirectory() as tmp:
        os.environ["HF_ENDPOINT"] = url
        allow_network()
        from huggingface_hub import hf_hub_download

        quelle_s, hub_s = [], []
        for run in range(args.runs):
            started = time.perf_counter()
            Download(catalogued, Path(tmp) / f"quelle-{run}").run()
            quelle_s.append(time.perf_counter() - started)
            started = time.perf_counter()
            hf_hub_download(
                catalogued.repo, catalogued.file, cache_dir=Path(tmp) / f"hub-{run}", endpoint=url
            )
            hub_s.append(time.perf_counter() - started)

        remote = next(f for f in fetch_plan(catalogued).files)
        installed = Path(tmp) / "quelle-0" / catalogued.id / catalogued.file
        started = time.perf_counter()
        assert file_hash_matches(installed, remote)
        verify_s = time.perf_counter() - started

        hub.sent, hub.cut_after = 0, size // 2
        cut = Download(catalogued, Path(tmp) / "cut")
        with contextlib.suppress(DownloadError):
            cut.run()  # breaks off half-way
        cut.run()
        resumed_bytes = hub.sent
        resumed_ok = (
            hashlib.sha256(
                (Path(tmp) / "cut" / catalogued.id / catalogued.file).read_bytes()
            ).hexdigest()
            == hashlib.sha256(source.read_bytes()).hexdigest()
        )

    quelle_med, hub_med = statistics.median(quelle_s), statistics.median(hub_s)
    result = {
        "file_mb": round(size / 2**20, 1),
        "runs": args.runs,
        "quelle_download_s": round(quelle_med, 3),
        "hf_hub_download_s": round(hub_med, 3),
        "ratio_quelle_to_hf_hub_download": round(quelle_med / hub_med, 2),
        "quelle_mb_per_s": round(size / 2**20 / quelle_med, 1),
        "sha256_check_s": round(verify_s, 3),
        "resumed_bytes_served_to_file_size": round(resumed_bytes / size, 3),
        "resumed_file_verified": resumed_ok,
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, {platform.python_version()}",
        "measured": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }
    print(f"Download of a {result['file_mb']} MB GGUF from 127.0.0.1, median of {args.runs}:")
    print(f"  Quelle Download          {quelle_med:6.3f} s  ({result['quelle_mb_per_s']} MB/s)")
    print(f"  hf_hub_download          {hub_med:6.3f} s")
    print(f"  ratio                    {result['ratio_quelle_to_hf_hub_download']:.2f}x")
    print(f"  SHA-256 check alone      {verify_s:6.3f} s")
    print(
        f"  cut at half, resumed:    {result['resumed_bytes_served_to_file_size']:.3f} of the "
        f"file served in all, verified: {resumed_ok}"
    )
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
