"""A stand-in for the Hugging Face hub on 127.0.0.1, serving local files.

It answers the two calls Quelle's downloads make: the repository listing with file sizes
and hashes (`/api/models/<repo>/revision/<rev>?blobs=true`) and the file itself
(`/<repo>/resolve/<rev>/<path>`, with HTTP ranges). Faults are switched on per test: a
connection cut after some bytes, corrupted bytes, a claimed size larger than any disk.
"""

from __future__ import annotations

import hashlib
import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

LFS_FROM = 1 << 20  # files this big are "LFS" files, listed with their SHA-256
COMMIT = "0123456789abcdef0123456789abcdef01234567"


@dataclass
class Hub:
    repos: dict[str, dict[str, Path]] = field(default_factory=dict)
    cut_after: int | None = None  # bytes sent before the next file download breaks off
    corrupt: bool = False  # flip a byte in every file served
    claimed_size: int | None = None  # list every file with this size
    ranges: list[str] = field(default_factory=list)  # Range headers received, in order
    sent: int = 0  # bytes of file content served
    pause: threading.Event = field(default_factory=threading.Event)  # set: stall downloads

    def add_repo(self, repo: str, files: dict[str, Path]) -> None:
        self.repos[repo] = files

    def add_folder(self, repo: str, folder: Path, extra: dict[str, Path] | None = None) -> None:
        files = {str(p.relative_to(folder)): p for p in folder.rglob("*") if p.is_file()}
        self.add_repo(repo, files | (extra or {}))

    def listing(self, repo: str) -> dict[str, object]:
        siblings = []
        for name, path in sorted(self.repos[repo].items()):
            data = path.read_bytes()
            size = self.claimed_size or len(data)
            sibling: dict[str, object] = {"rfilename": name, "size": size}
            if len(data) >= LFS_FROM:
                sha = hashlib.sha256(data).hexdigest()
                sibling["lfs"] = {"size": size, "sha256": sha, "pointerSize": 134}
            else:
                blob = hashlib.sha1(f"blob {len(data)}\0".encode() + data).hexdigest()
                sibling["blobId"] = blob
            siblings.append(sibling)
        return {"id": repo, "modelId": repo, "sha": COMMIT, "siblings": siblings}


def _handler(hub: Hub) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: object) -> None:
            pass

        def do_GET(self) -> None:  # noqa: N802 (the name http.server calls)
            path = unquote(urlsplit(self.path).path)
            if path.startswith("/api/models/"):
                repo = path[len("/api/models/") :].split("/revision/")[0]
                if repo not in hub.repos:
                    return self._send(404, b'{"error": "Repository not found"}')
                return self._send(200, json.dumps(hub.listing(repo)).encode())
            if "/resolve/" in path:
                repo, rest = path[1:].split("/resolve/", 1)
                name = rest.split("/", 1)[1]
                file = hub.repos.get(repo, {}).get(name)
                if file is None:
                    return self._send(404, b"not found")
                return self._file(file.read_bytes())
            self._send(404, b"not found")

        def do_HEAD(self) -> None:  # noqa: N802 (huggingface_hub's own client asks first)
            path = unquote(urlsplit(self.path).path)
            repo, _, rest = path[1:].partition("/resolve/")
            file = hub.repos.get(repo, {}).get(rest.split("/", 1)[-1])
            if file is None:
                self.send_response(404)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            data = file.read_bytes()
            self.send_response(200)
            self.send_header("Content-Length", str(len(data)))
            self.send_header("ETag", '"' + hashlib.sha256(data).hexdigest() + '"')
            self.send_header("X-Repo-Commit", COMMIT)
            self.end_headers()

        def _send(self, status: int, body: bytes) -> None:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def _file(self, data: bytes) -> None:
            if hub.corrupt:
                data = data[:-1] + bytes([data[-1] ^ 0xFF])
            start = 0
            header = self.headers.get("Range")
            if header:
                hub.ranges.append(header)
                start = int(header.removeprefix("bytes=").split("-")[0])
            body = data[start:]
            self.send_response(206 if start else 200)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("ETag", '"' + hashlib.sha256(data).hexdigest() + '"')
            self.send_header("X-Repo-Commit", COMMIT)
            if start:
                self.send_header("Content-Range", f"bytes {start}-{len(data) - 1}/{len(data)}")
            self.end_headers()
            cut, hub.cut_after = hub.cut_after, None
            for offset in range(0, len(body), 1 << 16):
                while hub.pause.is_set():
                    threading.Event().wait(0.01)
                piece = body[offset : offset + (1 << 16)]
                if cut is not None and offset + len(piece) > cut:
                    self.wfile.write(piece[: cut - offset])
                    self.wfile.flush()
                    self.close_connection = True
                    self.connection.shutdown(2)
                    return
                self.wfile.write(piece)
                hub.sent += len(piece)

    return Handler


class HubServer:
    """`with HubServer(hub) as url:` serves `hub` on a free port of 127.0.0.1."""

    def __init__(self, hub: Hub) -> None:
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(hub))
        self.server.daemon_threads = True

    def __enter__(self) -> str:
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
