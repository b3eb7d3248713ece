"""A tiny threaded HTTP server on 127.0.0.1 for vendor API fakes (Scaleway, NCR, OpenShift, Tutum).

A fake is a function ``route(request) -> FakeResponse``; ``FakeServer`` runs it on a free port,
records every request exactly as received (``raw_target`` is the request line's target, byte
for byte, so signatures and ``%2F`` can be checked), and can inject faults ahead of routing::

    def route(request: FakeRequest) -> FakeResponse:
        return json_response(200, {"hello": request.path})

    with FakeServer(route) as server:
        server.fail_next(status=429, headers={"Retry-After": "0"})
        ... httpx against server.url ...

Faults are consumed in order; each has an optional ``match`` predicate and a count.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, unquote

__all__ = ["FakeRequest", "FakeResponse", "FakeServer", "json_response", "text_response"]


@dataclass(frozen=True)
class FakeRequest:
    method: str
    # The request target exactly as sent: "/a/hello%2Fworld/tags?page=2&pagesize=100".
    raw_target: str
    headers: Mapping[str, str]  # lower-case names
    body: bytes = b""

    @property
    def raw_path(self) -> str:
        return self.raw_target.split("?", 1)[0]

    @property
    def raw_query(self) -> str:
        return self.raw_target.split("?", 1)[1] if "?" in self.raw_target else ""

    @property
    def segments(self) -> list[str]:
        """Decoded path segments, split on the *raw* "/" (so "hello%2Fworld" is one segment)."""
        return [unquote(part) for part in self.raw_path.split("/") if part != ""]

    @property
    def path(self) -> str:
        return "/" + "/".join(self.segments)

    @property
    def query(self) -> dict[str, str]:
        return dict(parse_qsl(self.raw_query, keep_blank_values=True))

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())

    def json(self) -> Any:
        return json.loads(self.body) if self.body else None


@dataclass(frozen=True)
class FakeResponse:
    status: int = 200
    body: bytes = b""
    headers: Mapping[str, str] = field(default_factory=dict)
    # Hold the answer until this event is set (or the wait times out): for timeout tests.
    stall: threading.Event | None = None


def json_response(
    status: int, document: Any, headers: Mapping[str, str] | None = None
) -> FakeResponse:
    return FakeResponse(
        status,
        json.dumps(document).encode(),
        {"Content-Type": "application/json", **(headers or {})},
    )


def text_response(status: int, body: str, content_type: str = "text/html") -> FakeResponse:
    return FakeResponse(status, body.encode(), {"Content-Type": content_type})


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        # Clients closing keep-alive connections (app exit, timeouts) are normal here.
        import sys

        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)


@dataclass
class _Fault:
    response: FakeResponse
    times: int
    match: Callable[[FakeRequest], bool]


Route = Callable[[FakeRequest], FakeResponse]


class FakeServer:
    """Serve ``route`` on 127.0.0.1 (free port) in a background thread; use as a context manager."""

    def __init__(self, route: Route) -> None:
        self.route = route
        self.requests: list[FakeRequest] = []
        self._faults: list[_Fault] = []
        self._lock = threading.Lock()
        # Set on stop so stalled handlers finish at once.
        self.release = threading.Event()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            # Headers and body go out in separate writes: without this, Nagle + delayed ACK
            # add ~40 ms to every keep-alive request.
            disable_nagle_algorithm = True

            def log_message(self, format: str, *args: Any) -> None:
                pass

            def _handle(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                request = FakeRequest(
                    method=self.command,
                    raw_target=self.path,
                    headers={k.lower(): v for k, v in self.headers.items()},
                    body=body,
                )
                response = server._answer(request)
                if response.stall is not None:
                    response.stall.wait(10)
                try:
                    self.send_response(response.status)
                    for name, value in dict(response.headers).items():
                        self.send_header(name, value)
                    self.send_header("Content-Length", str(len(response.body)))
                    self.end_headers()
                    if self.command != "HEAD":
                        self.wfile.write(response.body)
                except (BrokenPipeError, ConnectionResetError):
                    # The client gave up (a timeout test): nothing to answer.
                    self.close_connection = True

            do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = _handle

        self._httpd = _QuietServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        # A short poll interval: shutdown() waits for it, at every test's teardown.
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True
        )

    @property
    def port(self) -> int:
        return self._httpd.server_address[1]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> FakeServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.release.set()
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(5)

    def __enter__(self) -> FakeServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    # --- faults -------------------------------------------------------------------------------

    def fail_next(
        self,
        status: int = 500,
        body: bytes | str | Any = b"",
        *,
        headers: Mapping[str, str] | None = None,
        times: int = 1,
        match: Callable[[FakeRequest], bool] | None = None,
        stall: bool = False,
    ) -> None:
        """Answer the next ``times`` matching requests with this instead of routing them.

        ``body`` may be bytes, text, or a JSON-able value (sent as application/json).
        """
        if isinstance(body, bytes | str):
            raw = body.encode() if isinstance(body, str) else body
            response = FakeResponse(status, raw, dict(headers or {}))
        else:
            response = json_response(status, body, headers)
        if stall:
            response = FakeResponse(response.status, response.body, response.headers, self.release)
        with self._lock:
            self._faults.append(_Fault(response, times, match or (lambda request: True)))

    def clear_faults(self) -> None:
        with self._lock:
            self._faults.clear()

    def requests_to(self, method: str, fragment: str = "") -> list[FakeRequest]:
        return [r for r in self.requests if r.method == method and fragment in r.raw_target]

    def _answer(self, request: FakeRequest) -> FakeResponse:
        with self._lock:
            self.requests.append(request)
            for fault in self._faults:
                if fault.times > 0 and fault.match(request):
                    fault.times -= 1
                    return fault.response
        try:
            return self.route(request)
        except Exception as err:  # a bug in a fake shows as a 599 the test will notice
            return FakeResponse(599, f"fake server error: {type(err).__name__}: {err}".encode())


def serve(route: Route) -> Iterator[FakeServer]:
    """For fixtures: ``yield from serve(route)``."""
    with FakeServer(route) as server:
        yield server
