"""Every way the Scaleway API can fail gives a typed error with a clear one-line message."""

from __future__ import annotations

import pytest

from tagtui.errors import (
    AuthenticationRequired,
    BadResponse,
    Conflict,
    ConnectionFailed,
    NotFound,
    PermissionDenied,
    RateLimited,
    RegistryTimeout,
    ServerError,
    TagtuiError,
)
from tagtui.providers.scaleway import ScalewayProvider
from tests.support.real import free_port
from tests.vendors.scaleway.conftest import make_provider
from tests.vendors.scaleway.fake import SECRET, ScalewayFake


async def test_wrong_secret_is_an_authentication_error_without_the_secret(
    scw: ScalewayFake,
) -> None:
    wrong = "99999999-8888-4777-8666-555555555555"
    provider = make_provider(scw, secret=wrong)
    try:
        with pytest.raises(AuthenticationRequired) as caught:
            await provider.list_tags("team/api")
    finally:
        await provider.aclose()
    message = str(caught.value)
    assert "rejected the credentials: authentication is denied" in message
    assert wrong not in message and SECRET not in message
    assert scw.server.requests[0].header("x-auth-token") == wrong


async def test_check_probes_auth(scw: ScalewayFake, provider: ScalewayProvider) -> None:
    await provider.check()
    scw.secret = "rotated"
    with pytest.raises(AuthenticationRequired):
        await provider.check()


@pytest.mark.parametrize(
    ("status", "body", "error", "words"),
    [
        (
            403,
            {"message": "insufficient permissions", "type": "permissions_denied"},
            PermissionDenied,
            "denied access for tags of team/web: insufficient permissions",
        ),
        (
            404,
            {"message": "resource is not found", "type": "not_found"},
            NotFound,
            "tags of team/web not found",
        ),
        (
            409,
            {"message": "image is locked", "type": "transient_state"},
            Conflict,
            "(conflict): image is locked",
        ),
        (500, {"message": "internal error"}, ServerError, "HTTP 500 for tags of team/web"),
    ],
)
async def test_status_codes_map_to_errors(
    scw: ScalewayFake,
    provider: ScalewayProvider,
    status: int,
    body: object,
    error: type[TagtuiError],
    words: str,
) -> None:
    await provider.list_tags("team/web")  # image found and cached
    scw.server.fail_next(status, body, times=10)
    with pytest.raises(error) as caught:
        await provider.list_tags("team/web")
    assert words in str(caught.value)
    assert "\n" not in str(caught.value)


async def test_server_errors_are_retried_for_get(
    scw: ScalewayFake, provider: ScalewayProvider
) -> None:
    await provider.list_tags("team/web")
    scw.server.fail_next(503, {"message": "try later"}, times=2)
    before = len(scw.server.requests)
    tags = await provider.list_tags("team/web")
    assert [t.name for t in tags] == ["v1", "v2", "v10"]
    assert len(scw.server.requests) - before == 3
    scw.server.fail_next(500, {"message": "down"}, times=10)
    before = len(scw.server.requests)
    with pytest.raises(ServerError):
        await provider.list_tags("team/web")
    assert len(scw.server.requests) - before == 1  # a 500 is not worth repeating


async def test_delete_is_never_retried(scw: ScalewayFake, provider: ScalewayProvider) -> None:
    plan = await provider.plan_delete("team/api", "build-1")
    scw.server.fail_next(503, {"message": "busy"}, match=lambda r: r.method == "DELETE")
    with pytest.raises(ServerError, match="HTTP 503"):
        await provider.delete(plan)
    assert len(scw.server.requests_to("DELETE")) == 1
    assert "build-1" in scw.state.tag_names("team/api")


async def test_rate_limit_waits_for_a_short_retry_after(
    scw: ScalewayFake, provider: ScalewayProvider
) -> None:
    waits: list[float] = []

    async def record(seconds: float) -> None:
        waits.append(seconds)

    provider.http.sleep = record
    scw.server.fail_next(429, {"message": "slow down"}, headers={"Retry-After": "2"})
    assert len(await provider.list_tags("team/web")) == 3
    assert waits == [2.0]


async def test_rate_limit_with_a_long_retry_after_says_when(
    scw: ScalewayFake, provider: ScalewayProvider
) -> None:
    scw.server.fail_next(429, {"message": "quota"}, headers={"Retry-After": "3600"}, times=5)
    with pytest.raises(RateLimited) as caught:
        await provider.list_tags("team/web")
    assert caught.value.retry_after == 3600
    assert "(quota); retry after 3600 s" in str(caught.value)
    assert len(scw.server.requests) == 1


@pytest.mark.parametrize(
    ("body", "content_type", "words"),
    [
        (b'{"tags": [', "application/json", "not valid JSON (application/json)"),
        (b"<html><body>502 Bad Gateway</body></html>", "text/html", "not valid JSON (text/html)"),
        (b"", "application/json", "empty answer"),
        (
            b'["a list"]',
            "application/json",
            "a list where a page of tags of team/web should be an object",
        ),
        (b'{"tags": "x", "total_count": 1}', "application/json", "a string where tags"),
        (b'{"tags": [{"name": "x"}], "total_count": 1}', "application/json", "without an id"),
    ],
)
async def test_bodies_that_cannot_be_trusted(
    scw: ScalewayFake, provider: ScalewayProvider, body: bytes, content_type: str, words: str
) -> None:
    await provider.list_tags("team/web")
    scw.server.fail_next(
        200, body, headers={"Content-Type": content_type}, match=lambda r: "/tags" in r.raw_target
    )
    with pytest.raises(BadResponse) as caught:
        await provider.list_tags("team/web")
    assert words in str(caught.value)


async def test_error_body_that_is_not_json_still_gives_the_status(
    scw: ScalewayFake, provider: ScalewayProvider
) -> None:
    scw.server.fail_next(502, "<html>Bad Gateway</html>", times=10)
    with pytest.raises(ServerError, match="HTTP 502") as caught:
        await provider.list_tags("team/web")
    assert "<html>" not in str(caught.value)


async def test_pagination_that_repeats_itself_stops(
    scw: ScalewayFake, provider: ScalewayProvider
) -> None:
    scw.repeat_pages = True
    with pytest.raises(BadResponse, match="same page of tags of team/api again"):
        await provider.list_tags("team/api")
    assert len(scw.server.requests_to("GET", "/tags?")) == 2


async def test_a_lying_total_count_ends_at_the_empty_page(
    scw: ScalewayFake, provider: ScalewayProvider
) -> None:
    scw.total_count_override = 10**6
    tags = await provider.list_tags("team/api")
    assert len(tags) == 150
    assert [r.query["page"] for r in scw.server.requests_to("GET", "/tags?")] == ["1", "2", "3"]


async def test_timeout(scw: ScalewayFake) -> None:
    provider = make_provider(scw, timeout=0.3)
    scw.server.fail_next(200, b"{}", stall=True)
    try:
        with pytest.raises(RegistryTimeout, match=r"did not answer within 0\.3 s"):
            await provider.check()
    finally:
        await provider.aclose()


async def test_connection_refused() -> None:
    from tagtui.credentials import Credential
    from tagtui.providers.base import ConnectionOptions

    provider = ScalewayProvider(
        "fr-par",
        Credential(None, SECRET, "test"),
        endpoint=f"http://127.0.0.1:{free_port()}",
        options=ConnectionOptions(timeout=2),
    )
    provider.http.backoff = 0
    try:
        with pytest.raises(ConnectionFailed, match="connection refused"):
            await provider.check()
    finally:
        await provider.aclose()


async def test_tls_failure_is_a_tls_error(tmp_path) -> None:
    """A plain-HTTP server behind an https:// endpoint: the handshake fails, clearly."""
    from tagtui.credentials import Credential
    from tagtui.errors import TLSError
    from tagtui.providers.base import ConnectionOptions

    fake = ScalewayFake()
    with fake.server:
        provider = ScalewayProvider(
            "fr-par",
            Credential(None, SECRET, "test"),
            endpoint=fake.url.replace("http://", "https://"),
            options=ConnectionOptions(timeout=2),
        )
        try:
            with pytest.raises(TLSError, match="TLS handshake"):
                await provider.check()
        finally:
            await provider.aclose()


async def test_pages_that_move_on_but_add_nothing_new_stop(
    scw: ScalewayFake, provider: ScalewayProvider
) -> None:
    scw.drift_pages = True
    # Every listing drifts: the first walked (the namespaces) stops at its second page.
    with pytest.raises(BadResponse, match=r"page 2 of namespaces with nothing new: .*progress"):
        await provider.list_tags("team/api")
    assert len(scw.server.requests_to("GET", "/namespaces?")) == 2
