"""The shared vendor HTTP helper on a real loopback server: URLs, errors, retries, JSON readers."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime

import pytest

from tagtui.errors import AuthenticationRequired, BadResponse, ConfigError, RateLimited, ServerError
from tagtui.providers.base import ConnectionOptions
from tagtui.providers.http import (
    PageGuard,
    VendorHttp,
    encode_segment,
    integer,
    text,
    timestamp,
    vendor_message,
)
from tests.vendors.fake_http import FakeRequest, FakeServer, json_response


def echo(request: FakeRequest):  # type: ignore[no-untyped-def]
    return json_response(200, {"raw": request.raw_target, "auth": request.header("x-auth")})


@pytest.fixture
def server() -> Iterator[FakeServer]:
    with FakeServer(echo) as running:
        yield running


@pytest.fixture
async def http(server: FakeServer) -> AsyncIterator[VendorHttp]:
    seen: list[tuple[str, str]] = []

    def auth(method: str, target: str) -> dict[str, str]:
        seen.append((method, target))
        return {"X-Auth": f"{method} {target}"}

    client = VendorHttp(
        "Test API", f"{server.url}/api/v1", options=ConnectionOptions(timeout=5), auth=auth
    )
    client.backoff = 0.0
    try:
        yield client
    finally:
        await client.aclose()


async def test_raw_path_and_query_reach_the_server_and_the_auth_hook_unchanged(
    http: VendorHttp,
) -> None:
    path = f"/repositories/{encode_segment('hello/world')}/tags/{encode_segment('a b+c')}"
    document = await http.get_json(path, params=[("z", "1"), ("a", "x/y")])
    expected = "/api/v1/repositories/hello%2Fworld/tags/a%20b%2Bc?z=1&a=x%2Fy"
    assert document == {"raw": expected, "auth": f"GET {expected}"}


async def test_auth_hook_runs_for_every_attempt(server: FakeServer, http: VendorHttp) -> None:
    server.fail_next(503, "busy", times=2)
    await http.get_json("/x")
    assert [r.header("x-auth") for r in server.requests] == ["GET /api/v1/x"] * 3


async def test_only_get_is_retried(server: FakeServer, http: VendorHttp) -> None:
    server.fail_next(503, "busy", times=5)
    with pytest.raises(ServerError):
        await http.request("POST", "/x", json_body={"a": 1})
    assert len(server.requests) == 1
    assert server.requests[0].json() == {"a": 1}
    server.fail_next(503, "busy", times=5)
    with pytest.raises(ServerError):
        await http.get_json("/x")
    assert len(server.requests) == 1 + 4  # first try + max_retries


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (b'{"message": "bad token", "type": "denied_authentication"}', "bad token"),
        (
            b'{"error": {"errorCode": "200", "message": "Authentication Failed"}}',
            "Authentication Failed (vendor error code 200)",
        ),
        (b'{"kind": "Status", "message": "forbidden: no"}', "forbidden: no"),
        (b'{"error_message": "nope"}', "nope"),
        (b'{"detail": "Invalid ApiKey"}', "Invalid ApiKey"),
        (b"plain words", "plain words"),
        (b"<html>proxy page</html>", None),
        (b'{"message": "\\u001b[31mred\\u001b[0m"}', "\\x1b[31mred\\x1b[0m"),
    ],
)
def test_vendor_messages(body: bytes, expected: str | None) -> None:
    assert vendor_message(body) == expected


async def test_error_messages_are_one_sanitised_line(server: FakeServer, http: VendorHttp) -> None:
    server.fail_next(401, {"message": "line one\nline two \x1b]0;title\x07"})
    with pytest.raises(AuthenticationRequired) as caught:
        await http.get_json("/x")
    message = str(caught.value)
    assert "\n" not in message and "\x1b" not in message and "\x07" not in message
    assert "line one line two" in message


async def test_retry_after_too_long_is_reported_not_waited(
    server: FakeServer, http: VendorHttp
) -> None:
    server.fail_next(429, "", headers={"Retry-After": "61"}, times=5)
    with pytest.raises(RateLimited) as caught:
        await http.get_json("/x")
    assert caught.value.retry_after == 61 and len(server.requests) == 1


async def test_oversized_body_is_refused(server: FakeServer) -> None:
    client = VendorHttp("Test API", server.url, options=ConnectionOptions(timeout=5))
    try:
        with pytest.raises(BadResponse, match="more than 10 B"):
            await client.request("GET", "/x", limit=10)
    finally:
        await client.aclose()


async def test_redirects_are_not_followed(server: FakeServer, http: VendorHttp) -> None:
    server.fail_next(302, "", headers={"Location": "http://example.invalid/"})
    with pytest.raises(BadResponse, match="redirected"):
        await http.get_json("/x")
    assert len(server.requests) == 1


@pytest.mark.parametrize("url", ["ftp://host", "not a url", "https://"])
def test_bad_endpoint(url: str) -> None:
    with pytest.raises(ConfigError):
        VendorHttp("Test API", url, options=ConnectionOptions())


def test_page_guard() -> None:
    guard = PageGuard("Test API", "things")
    guard.check(1, b"[1]")
    guard.check(2, b"[2]")
    with pytest.raises(BadResponse, match="same page of things again"):
        guard.check(3, b"[2]")
    guard = PageGuard("Test API", "things")
    guard.check("token-a")
    with pytest.raises(BadResponse, match="pointed back"):
        guard.check("token-a")
    guard = PageGuard("Test API", "things", max_pages=2)
    guard.check(1)
    guard.check(2)
    with pytest.raises(BadResponse, match="more than 2 pages"):
        guard.check(3)


def test_json_readers() -> None:
    ms = 1711928488000
    assert timestamp(ms) == datetime(2024, 3, 31, 23, 41, 28, tzinfo=UTC)
    assert timestamp(ms / 1000) == timestamp(ms)
    assert timestamp(str(ms)) == timestamp(ms)
    assert timestamp(0) is None and timestamp(None) is None and timestamp("") is None
    assert timestamp(True) is None and timestamp("yesterday") is None
    assert timestamp("2024-03-31T23:41:28.123456789Z") == datetime(
        2024, 3, 31, 23, 41, 28, 123456, tzinfo=UTC
    )
    assert timestamp("2024-03-31T23:41:28+09:00").utcoffset() is not None
    assert integer("12") == 12 and integer(True) is None and integer(1.5) is None
    assert text("") is None and text(None) is None and text(5) == "5" and text([]) is None
