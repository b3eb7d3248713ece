"""HttpClient on httpx.MockTransport: size limits, error bodies, transport failures, retries."""

from __future__ import annotations

import asyncio
import ssl
from collections.abc import Callable

import httpx
import pytest

from tagtui.errors import ConnectionFailed, ServerError, TLSError
from tagtui.providers.base import ConnectionOptions
from tagtui.providers.http.client import HttpClient
from tagtui.providers.http.errors import rate_limited, vendor_error
from tagtui.providers.http.exchange import ERROR_LIMIT, TooLarge
from tagtui.providers.http.transport import TransportProblem, transport_problem
from tagtui.providers.oci.errormap import error_for_status

Handler = Callable[[httpx.Request], httpx.Response]


def client(handler: Handler, *, methods: tuple[str, ...] = ("GET",)) -> HttpClient:
    http = HttpClient(
        "api.test",
        options=ConnectionOptions(timeout=5),
        retry_methods=methods,
        concurrency=2,
        transport=httpx.MockTransport(handler),
    )
    http.backoff = 0.0
    return http


async def test_success_body_past_the_limit_is_refused_error_body_is_cut() -> None:
    big = b"x" * (ERROR_LIMIT + 10)
    http = client(
        lambda request: httpx.Response(200 if request.url.path == "/ok" else 500, content=big)
    )
    with pytest.raises(TooLarge):
        await http.send("GET", "https://api.test/ok", limit=100)
    reply = await http.send("GET", "https://api.test/fail", limit=100)
    assert reply.status == 500 and len(reply.body) == ERROR_LIMIT
    await http.aclose()


async def test_head_is_not_refused_for_the_length_a_get_would_send() -> None:
    http = client(lambda request: httpx.Response(200, headers={"Content-Length": "999999"}))
    assert (await http.send("HEAD", "https://api.test/x", limit=10)).status == 200
    with pytest.raises(TooLarge):
        await http.send("GET", "https://api.test/x", limit=10)
    await http.aclose()


def refuse(request: httpx.Request) -> httpx.Response:
    raise httpx.ConnectError("refused", request=request) from ConnectionRefusedError()


async def test_transport_failures_name_the_host_asked_for() -> None:
    http = client(refuse)
    with pytest.raises(TransportProblem) as caught:
        await http.send("GET", "https://api.test/x", limit=10, host="auth.test")
    assert isinstance(caught.value.error, ConnectionFailed) and caught.value.retryable
    assert str(caught.value.error) == "cannot connect to auth.test: connection refused"
    await http.aclose()


async def test_lost_connections_and_gateway_errors_are_retried_for_listed_methods_only() -> None:
    statuses = iter([503, 502, 200])
    http = client(lambda request: httpx.Response(next(statuses)))
    reply = await http.with_retries("GET", lambda: http.send("GET", "https://api.test/", limit=10))
    assert reply.status == 200
    http = client(lambda request: httpx.Response(503))
    reply = await http.with_retries(
        "POST", lambda: http.send("POST", "https://api.test/", limit=10)
    )
    assert reply.status == 503  # answered at once; the caller maps it
    http = client(refuse)
    with pytest.raises(ConnectionFailed):
        await http.with_retries("GET", lambda: http.send("GET", "https://api.test/", limit=10))


async def test_retry_after_is_waited_unless_too_long() -> None:
    waits: list[float] = []

    async def record(seconds: float) -> None:
        waits.append(seconds)

    answers = iter([httpx.Response(429, headers={"Retry-After": "7"}), httpx.Response(200)])
    http = client(lambda request: next(answers))
    http.sleep = record
    await http.with_retries("GET", lambda: http.send("GET", "https://api.test/", limit=10))
    assert waits == [7.0]
    http = client(lambda request: httpx.Response(503, headers={"Retry-After": "61"}))
    http.sleep = record
    reply = await http.with_retries("GET", lambda: http.send("GET", "https://api.test/", limit=10))
    assert reply.status == 503 and waits == [7.0]


def test_vendor_and_registry_mapping_share_the_rate_limit_wording() -> None:
    assert str(rate_limited("rate limited by x", "2")) == "rate limited by x; retry after 2 s"
    vendor = vendor_error(429, b"", service="API", host="h", username=None)
    registry = error_for_status(429, b"", host="h", username=None)
    assert str(vendor) == "rate limited by API (h); try again later"
    assert str(registry) == "rate limited by h; try again later"
    assert isinstance(vendor_error(502, b"", service="API", host="h", username=None), ServerError)


def test_tls_verification_failures_are_not_retried() -> None:
    request = httpx.Request("GET", "https://api.test/")
    cause = ssl.SSLCertVerificationError("self-signed certificate")
    try:
        raise httpx.ConnectError("tls", request=request) from cause
    except httpx.ConnectError as exc:
        problem = transport_problem(exc, "api.test", 5)
    assert isinstance(problem.error, TLSError) and problem.untrusted and not problem.retryable


async def test_a_header_http_cannot_carry_is_refused_without_quoting_it() -> None:
    """h11 quotes the illegal value; it may be a token, so the message must not."""
    server = await asyncio.start_server(lambda reader, writer: writer.close(), "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    http = HttpClient(
        "127.0.0.1", options=ConnectionOptions(timeout=5), retry_methods=("GET",), concurrency=1
    )
    try:
        with pytest.raises(TransportProblem) as caught:
            await http.send(
                "GET",
                f"http://127.0.0.1:{port}/",
                limit=10,
                headers={"Authorization": "Bearer s3cret-token\n"},
            )
    finally:
        await http.aclose()
        server.close()
        await server.wait_closed()
    assert "s3cret" not in str(caught.value.error)
    assert "s3cret" not in repr(caught.value.error)
    assert not caught.value.retryable
    assert str(caught.value.error).startswith("cannot send the request to 127.0.0.1: ")


async def test_the_ca_store_is_loaded_before_the_first_verified_https_request() -> None:
    loaded: list[bool] = []
    http = client(lambda request: loaded.append(http.trust.loaded) or httpx.Response(200))
    assert not http.trust.loaded
    await http.send("GET", "http://api.test/", limit=10)
    await http.send("GET", "https://api.test/", limit=10, probe=True)
    await http.send("GET", "https://api.test/", limit=10)
    assert loaded == [False, False, True]
    await http.aclose()
