"""Engine processes on one home, started as the window starts them, and clients of them."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

from quelle.common.paths import Paths
from quelle.protocol.client import EngineClient, connect


class Engines:
    """Starts engine processes on one home, as the window does, and clients of them."""

    def __init__(self, home: Path) -> None:
        self.home = home
        self.paths = Paths.resolve(home).ensure()
        self.processes: list[subprocess.Popen[bytes]] = []

    def start(self) -> subprocess.Popen[bytes]:
        process = subprocess.Popen(
            [sys.executable, "-m", "quelle", "--home", str(self.home), "engine"]
        )
        self.processes.append(process)
        return process

    def client(self, timeout: float = 120) -> EngineClient:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = connect(self.paths)
            if found is not None:
                return EngineClient(self.paths, *found)
            time.sleep(0.1)
        raise AssertionError("no engine answered")

    def stop(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.terminate()
                process.wait(timeout=60)
