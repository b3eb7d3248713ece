"""Every failure the Tutum API can send becomes one clear error, and the provider goes on."""

from __future__ import annotations

import pytest

from tagtui.errors import (
    AuthenticationRequired,
    BadResponse,
    NotFound,
    PermissionDenied,
    RateLimited,
    RegistryTimeout,
    ServerError,
)
from tagtui.providers.http import RequestRejected
from tagtui.providers.tutum import TutumProvider
from tests.vendors.tutum.conftest import make_provider
from tests.vendors.tutum.fake import TutumFake


async def names(provider: TutumProvider) -> list[str]:
    found = []
    async for page in provider.list_repositories():
        found += [repo.name for repo in page]
    return found


@pytest.mark.parametrize(
    ("status", "kind", "message"),
    [
        (401, AuthenticationRequired, "Incorrect authentication credentials."),
        (403, PermissionDenied, "You do not have permission to perform this action"),
        (404, NotFound, "Image not found"),
        (400, RequestRejected, "Invalid name"),
        (405, RequestRejected, "Method not allowed"),
        (415, RequestRejected, "Unsupported media type"),
        (500, ServerError, "Internal server error"),
    ],
)
async def test_error_statuses_quote_the_error_field(
    tutum: TutumFake, provider: TutumProvider, status: int, kind: type, message: str
) -> None:
    tutum.server.fail_next(status, {"error": message}, times=2)
    with pytest.raises(kind) as info:
        await provider.list_tags("tutum/hello-world")
    assert message in str(info.value)
    # And the provider keeps working afterwards.
    tutum.server.clear_faults()
    tags = await provider.list_tags("tutum/hello-world")
    assert tags[0].name == "latest"


async def test_rate_limit_and_unavailable_are_retried(
    tutum: TutumFake, provider: TutumProvider
) -> None:
    tutum.server.fail_next(429, {"error": "Too many requests"}, headers={"Retry-After": "0"})
    tutum.server.fail_next(503, {"error": "Service unavailable"})
    tutum.server.fail_next(504, "<html>gateway timeout</html>")
    assert await provider.list_tags("tutum/hello-world")
    tutum.server.fail_next(429, {"error": "Too many requests"}, headers={"Retry-After": "999"})
    with pytest.raises(RateLimited, match=r"Too many requests.*retry after 999 s"):
        await provider.list_tags("tutum/hello-world")
    tutum.server.fail_next(503, {"error": "Service unavailable"}, times=10)
    with pytest.raises(ServerError, match=r"HTTP 503.*Service unavailable"):
        await provider.list_tags("tutum/hello-world")


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        # The seed's own example, as a server that copied it would send it.
        (b'{"labels": [{"key": "Tutum", "value" "Pure awesomeness"}]}', "not valid JSON"),
        (b"<html>Tutum is down for maintenance</html>", "not valid JSON"),
        (b"", "empty answer"),
        (b'{"meta": {"next": null}, "objects": {"a": 1}}', "should be a list"),
        (b'{"meta": {"next": null}}', "should be a list"),
        (b'{"meta": {"next": null}, "objects": [{"tags": []}]}', "image without a name"),
        (b'{"meta": {"next": 5}, "objects": [{"name": "x"}]}', "meta.next that is not a link"),
        (b'{"meta": {"next": "ftp://x/"}, "objects": [{"name": "x"}]}', "unexpected link"),
    ],
)
async def test_malformed_image_pages(
    tutum: TutumFake, provider: TutumProvider, body: bytes, expected: str
) -> None:
    tutum.server.fail_next(200, body, headers={"Content-Type": "application/json"})
    with pytest.raises(BadResponse, match=expected):
        await names(provider)
    assert len(await names(provider)) == 63


async def test_malformed_tag_body(tutum: TutumFake, provider: TutumProvider) -> None:
    await provider.list_tags("tutum/hello-world")
    tutum.server.fail_next(200, b"[1, 2", headers={"Content-Type": "application/json"})
    with pytest.raises(BadResponse, match="not valid JSON"):
        await provider.get_tag("tutum/hello-world", "v1")
    tutum.server.fail_next(200, b'"a string"', headers={"Content-Type": "application/json"})
    with pytest.raises(BadResponse, match="should be an object"):
        await provider.get_tag("tutum/hello-world", "v1")
    # A layer that is not an object: the tag is shown without its facts.
    tutum.server.fail_next(200, {"name": "v1", "layer": "gone"})
    detail = await provider.get_tag("tutum/hello-world", "v1")
    assert detail.image.config.env == ()


async def test_a_next_link_that_repeats_stops_the_listing(
    tutum: TutumFake, provider: TutumProvider
) -> None:
    tutum.loop_next = True
    with pytest.raises(BadResponse, match=r"already sent|same page"):
        await names(provider)
    assert len(tutum.server.requests) <= 3


async def test_a_next_link_to_another_host_is_not_followed(
    tutum: TutumFake, provider: TutumProvider
) -> None:
    tutum.next_elsewhere = True
    with pytest.raises(BadResponse, match="another host"):
        await names(provider)
    assert len(tutum.server.requests) == 1


async def test_absolute_next_links_on_the_same_host_are_followed(
    tutum: TutumFake, provider: TutumProvider
) -> None:
    tutum.server.fail_next(
        200,
        {
            "meta": {"next": f"{tutum.url}/api/v1/image/?limit=25&offset=50", "previous": None},
            "objects": [{"name": "first/one", "tags": []}],
        },
    )
    found = await names(provider)
    assert found[0] == "first/one" and len(found) == 14
    assert tutum.server.requests[-1].raw_target == "/api/v1/image/?limit=25&offset=50"


async def test_a_missing_trailing_slash_redirect_is_not_followed(
    tutum: TutumFake, provider: TutumProvider
) -> None:
    tutum.server.fail_next(301, b"", headers={"Location": "/api/v1/image/x/"})
    with pytest.raises(BadResponse, match="redirected"):
        await provider.list_tags("x")


async def test_slow_server_times_out(tutum: TutumFake) -> None:
    provider = make_provider(tutum, timeout=0.3)
    tutum.server.fail_next(200, b"{}", stall=True)
    try:
        with pytest.raises(RegistryTimeout, match=r"did not answer within 0\.3 s"):
            await provider.list_tags("tutum/hello-world")
    finally:
        await provider.aclose()


async def test_pages_that_move_on_but_add_nothing_new_stop(
    tutum: TutumFake, provider: TutumProvider
) -> None:
    tutum.drift_pages = True
    with pytest.raises(BadResponse, match="images with nothing new: pagination does not progress"):
        await names(provider)
    assert len(tutum.server.requests) <= 3
