"""Every way the NCR gateway can fail gives a typed error with a clear one-line message."""

from __future__ import annotations

import pytest

from tagtui.errors import (
    BadResponse,
    ConnectionFailed,
    NotFound,
    PermissionDenied,
    RateLimited,
    RegistryTimeout,
    ServerError,
    TagtuiError,
)
from tagtui.providers.ncr import NcrProvider
from tests.support.real import free_port
from tests.vendors.ncr.conftest import make_provider
from tests.vendors.ncr.fake import NcrFake

REPO = "acme/web"


@pytest.mark.parametrize(
    ("status", "body", "error", "words"),
    [
        (
            403,
            {"error": {"errorCode": "210", "message": "Permission Denied"}},
            PermissionDenied,
            "denied access for tags of acme/web: Permission Denied (NCR API error code 210)",
        ),
        (
            404,
            {"error": {"errorCode": "300", "message": "Not Found Exception"}},
            NotFound,
            "tags of acme/web not found",
        ),
        (500, "Internal Server Error", ServerError, "HTTP 500 for tags of acme/web"),
    ],
)
async def test_status_codes(
    ncr: NcrFake,
    provider: NcrProvider,
    status: int,
    body: object,
    error: type[TagtuiError],
    words: str,
) -> None:
    ncr.server.fail_next(status, body, times=10)
    with pytest.raises(error) as caught:
        await provider.list_tags(REPO)
    assert words in str(caught.value)


async def test_quota_429_with_retry_after(ncr: NcrFake, provider: NcrProvider) -> None:
    ncr.server.fail_next(
        429,
        {"error": {"errorCode": "400", "message": "Quota Exceeded"}},
        headers={"Retry-After": "900"},
    )
    with pytest.raises(RateLimited) as caught:
        await provider.list_tags(REPO)
    assert caught.value.retry_after == 900
    assert "Quota Exceeded" in str(caught.value) and "retry after 900 s" in str(caught.value)
    waits: list[float] = []

    async def record(seconds: float) -> None:
        waits.append(seconds)

    provider.http.sleep = record
    ncr.server.fail_next(429, "", headers={"Retry-After": "1"})
    assert len(await provider.list_tags(REPO)) == 3
    assert waits == [1.0]


@pytest.mark.parametrize(
    ("body", "words"),
    [
        (b'{"count": 3, "results": [', "not valid JSON"),
        (b"<html>gateway</html>", "not valid JSON (text/html)"),
        (b'{"count": 1, "next": null, "results": {"name": "x"}}', "an object where tags"),
        (b'{"count": 1, "next": null, "results": [{"digest": "x"}]}', "tag without a name"),
        (b'{"count": 1, "next": "somewhere", "results": [{"name": "x"}]}', "unusable next page"),
    ],
)
async def test_bodies_that_cannot_be_trusted(
    ncr: NcrFake, provider: NcrProvider, body: bytes, words: str
) -> None:
    content_type = "text/html" if body.startswith(b"<") else "application/json"
    ncr.server.fail_next(200, body, headers={"Content-Type": content_type})
    with pytest.raises(BadResponse) as caught:
        await provider.list_tags(REPO)
    assert words in str(caught.value)


async def test_pagination_that_repeats_itself_stops(ncr: NcrFake, provider: NcrProvider) -> None:
    ncr.repeat_pages = True
    with pytest.raises(BadResponse, match="tags of acme/hello/world"):
        await provider.list_tags("acme/hello/world")
    assert len(ncr.server.requests_to("GET", "/tags?")) <= 3


async def test_next_pointing_backwards_stops(ncr: NcrFake, provider: NcrProvider) -> None:
    ncr.server.fail_next(200, {"count": 500, "next": 1, "results": [{"name": "a"}]})
    with pytest.raises(BadResponse, match="pointed back to page 1"):
        await provider.list_tags(REPO)


async def test_next_zero_ends_the_listing(ncr: NcrFake, provider: NcrProvider) -> None:
    ncr.server.fail_next(200, {"count": 1, "next": 0, "previous": 0, "results": [{"name": "a"}]})
    assert [t.name for t in await provider.list_tags(REPO)] == ["a"]


async def test_timeout_and_refused(ncr: NcrFake) -> None:
    provider = make_provider(ncr, timeout=0.3)
    ncr.server.fail_next(200, b"{}", stall=True)
    try:
        with pytest.raises(RegistryTimeout):
            await provider.check()
    finally:
        await provider.aclose()
    from tagtui.credentials import Credential

    closed = NcrProvider(
        "kr", Credential("a", "b", "test"), endpoint=f"http://127.0.0.1:{free_port()}"
    )
    closed.http.backoff = 0
    try:
        with pytest.raises(ConnectionFailed, match="connection refused"):
            await closed.check()
    finally:
        await closed.aclose()


async def test_pages_that_move_on_but_add_nothing_new_stop(
    ncr: NcrFake, provider: NcrProvider
) -> None:
    ncr.drift_pages = True
    with pytest.raises(BadResponse, match="tags of acme/hello/world with nothing new"):
        await provider.list_tags("acme/hello/world")
    assert len(ncr.server.requests_to("GET", "/tags?")) == 2
