"""A small misbehaving registry on 127.0.0.1 (standard library only), one repository per fault.

Real registries do not drip, loop or serve lone surrogates, so this one does, on purpose:

- ``drip``: ``tags/list`` sends its headers, then one body byte every 0.5 s, for ever;
- ``/v2/_catalog``: a ``Link`` cursor that changes on every page while the names repeat;
- ``loop``: the same for ``tags/list``;
- ``hostile``: tag names with a lone surrogate (the JSON escape ``\\ud800``), a newline, an ESC
  sequence, a bidi override and a zero-width space; every tag's image has labels and env
  entries of the same kind (JSON written with ``ensure_ascii``, so the surrogates travel as
  escapes, as a Python-built registry would send them).

``requests`` counts what each path was asked, so tests can bound how far a loop went.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

# Seconds between two bytes of the dripping body.
DRIP_INTERVAL = 0.5
LONE_SURROGATE = "\ud800"
BIDI_SPOOF = "invoice\u202egnp.exe"
HOSTILE_TAGS = (
    "latest",
    f"v{LONE_SURROGATE}1",
    "two\nlines",
    "esc\x1b[2Jx",
    BIDI_SPOOF,
    "zero\u200bwidth",
)
CONFIG: dict[str, Any] = {
    "architecture": "amd64",
    "os": "linux",
    "config": {
        "Env": [f"SURROGATE=a{LONE_SURROGATE}b", "ZERO=a\u200bb", "SEP=a\u2028b"],
        "Labels": {
            f"key{LONE_SURROGATE}": f"value\udc00{LONE_SURROGATE}",
            "spoof": BIDI_SPOOF,
            "isolate": "a\u2067b\u2069c",
        },
    },
    "rootfs": {"type": "layers", "diff_ids": []},
}
MANIFEST_TYPE = "application/vnd.oci.image.manifest.v1+json"


def _json(document: Any) -> bytes:
    # ensure_ascii: lone surrogates become \udXXX escapes, as JSON allows and UTF-8 does not.
    return json.dumps(document, ensure_ascii=True).encode("ascii")


def _digest(body: bytes) -> str:
    return f"sha256:{hashlib.sha256(body).hexdigest()}"


CONFIG_BODY = _json(CONFIG)
MANIFEST_BODY = _json(
    {
        "schemaVersion": 2,
        "mediaType": MANIFEST_TYPE,
        "config": {
            "mediaType": "application/vnd.oci.image.config.v1+json",
            "digest": _digest(CONFIG_BODY),
            "size": len(CONFIG_BODY),
        },
        "layers": [],
    }
)


@dataclass
class HostileRegistry:
    host: str
    port: int
    requests: Counter[str] = field(default_factory=Counter)
    stop: threading.Event = field(default_factory=threading.Event)

    @property
    def address(self) -> str:
        return f"{self.host}:{self.port}"


def _handler(registry: HostileRegistry) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:
            pass

        def do_HEAD(self) -> None:
            self._route(head=True)

        def do_GET(self) -> None:
            self._route(head=False)

        def _send(
            self, status: int, body: bytes, *, head: bool, headers: dict[str, str] | None = None
        ) -> None:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            if not head:
                self.wfile.write(body)

        def _route(self, *, head: bool) -> None:
            path = self.path.split("?", 1)[0]
            registry.requests[path] += 1
            count = registry.requests[path]
            if path == "/v2/":
                self._send(200, b"{}", head=head)
            elif path == "/v2/_catalog":
                self._looping(b"repositories", ["drip", "hostile", "loop"], count, head=head)
            elif path == "/v2/loop/tags/list":
                self._looping(b"tags", ["a", "b"], count, head=head)
            elif path == "/v2/drip/tags/list":
                self._drip()
            elif path == "/v2/hostile/tags/list":
                self._send(200, _json({"name": "hostile", "tags": list(HOSTILE_TAGS)}), head=head)
            elif path.startswith("/v2/hostile/manifests/"):
                headers = {
                    "Content-Type": MANIFEST_TYPE,
                    "Docker-Content-Digest": _digest(MANIFEST_BODY),
                }
                self.send_response(200)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(MANIFEST_BODY)))
                self.end_headers()
                if not head:
                    self.wfile.write(MANIFEST_BODY)
            elif path == f"/v2/hostile/blobs/{_digest(CONFIG_BODY)}":
                self._send(200, CONFIG_BODY, head=head)
            else:
                self._send(404, b'{"errors":[{"code":"NAME_UNKNOWN","message":"no"}]}', head=head)

        def _looping(self, key: bytes, names: list[str], count: int, *, head: bool) -> None:
            path = self.path.split("?", 1)[0]
            link = f'<{path}?n={len(names)}&last=cursor-{count}>; rel="next"'
            body = _json({key.decode(): names})
            self._send(200, body, head=head, headers={"Link": link})

        def _drip(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", "100000")
            self.end_headers()
            self.wfile.write(b'{"name": "drip", "tags": [')
            self.wfile.flush()
            try:
                while not registry.stop.wait(DRIP_INTERVAL):
                    self.wfile.write(b" ")
                    self.wfile.flush()
            except OSError:
                pass  # the client gave up: what it should do
            self.close_connection = True

    return Handler


@contextmanager
def start_hostile_registry() -> Iterator[HostileRegistry]:
    registry = HostileRegistry("127.0.0.1", 0)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(registry))
    server.daemon_threads = True
    registry.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield registry
    finally:
        registry.stop.set()
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@pytest.fixture
def hostile_registry() -> Iterator[HostileRegistry]:
    with start_hostile_registry() as registry:
        yield registry
