"""Faults no honest registry produces, injected with httpx.MockTransport.

Each test checks the user sees a typed error with a one-line message naming the host, and that
nothing from httpx or json escapes.
"""

from __future__ import annotations

import asyncio
import json
import ssl
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import httpx
import pytest

from tagtui.errors import (
    AuthenticationRequired,
    BadResponse,
    CatalogUnavailable,
    ConnectionFailed,
    DigestMismatch,
    LegacyManifest,
    NotFound,
    PermissionDenied,
    RateLimited,
    RegistryTimeout,
    ServerError,
    TagtuiError,
    TLSError,
    Unsupported,
)
from tagtui.providers.http.exchange import MIB
from tests.oci.fakes import HOST, FakeRegistry, digest, error

REPO = "team/app"


@pytest.fixture
def fake() -> FakeRegistry:
    registry = FakeRegistry()
    registry.add_image(REPO, "latest", {"os": "linux", "created": "2024-01-01T00:00:00Z"})
    return registry


def manifest_requests(fake: FakeRegistry) -> list[httpx.Request]:
    return [r for r in fake.requests if "/manifests/" in r.url.path]


# --- digests ----------------------------------------------------------------------------------


async def test_body_not_matching_docker_content_digest_is_refused(fake: FakeRegistry) -> None:
    real = fake.tags[REPO]["latest"]
    media_type, body = fake.manifests[real]
    tampered = body.replace(b'"layers"', b'"layers" ')

    def fault(request: httpx.Request) -> httpx.Response | None:
        if request.url.path.endswith("/manifests/latest"):
            headers = {"Content-Type": media_type, "Docker-Content-Digest": real}
            return httpx.Response(200, headers=headers, content=tampered)
        return None

    fake.fault = fault
    async with fake.provider() as provider:
        with pytest.raises(DigestMismatch) as caught:
            await provider.get_tag(REPO, "latest")
        with pytest.raises(DigestMismatch):
            await provider.describe_tag(REPO, (await provider.list_tags(REPO))[0])
    assert HOST in str(caught.value)
    assert real in str(caught.value)


async def test_content_not_matching_the_requested_digest_is_refused(fake: FakeRegistry) -> None:
    other = fake.add_image(REPO, "other")
    wanted = fake.tags[REPO]["latest"]
    media_type, other_body = fake.manifests[other]

    def fault(request: httpx.Request) -> httpx.Response | None:
        if request.url.path.endswith(f"/manifests/{wanted}"):
            # A registry (or proxy) answering a digest request with other, self-consistent content.
            headers = {"Content-Type": media_type, "Docker-Content-Digest": other}
            return httpx.Response(200, headers=headers, content=other_body)
        return None

    fake.fault = fault
    async with fake.provider() as provider:
        with pytest.raises(DigestMismatch, match="asked for"):
            await provider.get_image(REPO, wanted)


async def test_tampered_config_blob_is_refused(fake: FakeRegistry) -> None:
    def fault(request: httpx.Request) -> httpx.Response | None:
        if "/blobs/" in request.url.path:
            return httpx.Response(200, content=b'{"os": "evil"}')
        return None

    fake.fault = fault
    async with fake.provider() as provider:
        with pytest.raises(DigestMismatch, match="config"):
            await provider.get_tag(REPO, "latest")


async def test_schema1_manifest_says_legacy(fake: FakeRegistry) -> None:
    body = json.dumps({"schemaVersion": 1, "name": REPO, "tag": "old", "fsLayers": []}).encode()
    fake.put_manifest(
        REPO, "old", body, "application/vnd.docker.distribution.manifest.v1+prettyjws"
    )
    async with fake.provider() as provider:
        with pytest.raises(LegacyManifest) as caught:
            await provider.get_tag(REPO, "old")
    assert "legacy Docker schema 1 manifest not supported" in str(caught.value)


# --- bad bodies -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [b"{not json", b'"a string"', b'{"tags": "latest"}', b'{"tags": [1, 2]}', b"\xff\xfe"],
)
async def test_bad_tag_lists_are_bad_responses(fake: FakeRegistry, body: bytes) -> None:
    fake.fault = lambda r: httpx.Response(200, content=body) if "tags" in r.url.path else None
    async with fake.provider() as provider:
        with pytest.raises(BadResponse) as caught:
            await provider.list_tags(REPO)
    assert HOST in str(caught.value)


async def test_bad_json_manifest_is_a_bad_response(fake: FakeRegistry) -> None:
    body = b"<html>proxy error</html>"
    fake.fault = lambda r: (
        httpx.Response(200, content=body, headers={"Docker-Content-Digest": digest(body)})
        if "/manifests/" in r.url.path
        else None
    )
    async with fake.provider() as provider:
        with pytest.raises(BadResponse, match="not valid JSON"):
            await provider.get_tag(REPO, "latest")


async def test_oversized_manifest_is_refused(fake: FakeRegistry) -> None:
    body = b" " * (16 * MIB + 1)
    fake.fault = lambda r: (
        httpx.Response(200, content=body) if "/manifests/" in r.url.path else None
    )
    async with fake.provider() as provider:
        with pytest.raises(BadResponse, match=r"more than 16 MiB.*--max-blob-size raises"):
            await provider.get_tag(REPO, "latest")


async def test_the_blob_limit_is_configurable(fake: FakeRegistry) -> None:
    body = b" " * (2 * MIB + 1)
    fake.fault = lambda r: (
        httpx.Response(200, content=body) if "/manifests/" in r.url.path else None
    )
    async with fake.provider(max_blob_mib=2) as provider:
        with pytest.raises(BadResponse, match="more than 2 MiB"):
            await provider.get_tag(REPO, "latest")
    # Raised, the same body is read (and then found not to be a manifest).
    async with fake.provider(max_blob_mib=3) as provider:
        with pytest.raises(BadResponse, match=r"not valid JSON|not a JSON object"):
            await provider.get_tag(REPO, "latest")


async def test_endless_streamed_config_stops_at_the_limit(fake: FakeRegistry) -> None:
    sent = 0

    async def endless() -> AsyncIterator[bytes]:
        nonlocal sent
        while True:
            sent += 1 << 16
            yield b"x" * (1 << 16)

    fake.fault = lambda r: (
        httpx.Response(200, content=endless()) if "/blobs/" in r.url.path else None
    )
    async with fake.provider() as provider:
        with pytest.raises(BadResponse, match="more than 16 MiB"):
            await provider.get_tag(REPO, "latest")
    assert sent <= 17 * 1024 * 1024


async def test_huge_error_body_is_cut_not_read_whole(fake: FakeRegistry) -> None:
    fake.fault = lambda r: httpx.Response(500, content=b"e" * (8 * 1024 * 1024))
    async with fake.provider() as provider:
        provider.http.max_retries = 0
        with pytest.raises(ServerError) as caught:
            await provider.check()
    assert len(str(caught.value)) < 300


# --- pagination -------------------------------------------------------------------------------


async def test_tag_pagination_looping_back_ends_with_bad_response(fake: FakeRegistry) -> None:
    def fault(request: httpx.Request) -> httpx.Response | None:
        if request.url.path.endswith("/tags/list"):
            last = request.url.params.get("last", "")
            following = "b" if last == "a" else "a"
            return httpx.Response(
                200,
                json={"name": REPO, "tags": [following]},
                headers={"Link": f'</v2/{REPO}/tags/list?n=1&last={following}>; rel="next"'},
            )
        return None

    fake.fault = fault
    async with fake.provider() as provider:
        # Caught as a page without new names, or as a cursor asked for before.
        with pytest.raises(BadResponse, match=r"loops back|does not progress"):
            await provider.list_tags(REPO)
    assert len(fake.requests) < 10


async def test_tag_pagination_without_progress_ends(fake: FakeRegistry) -> None:
    counter = 0

    def fault(request: httpx.Request) -> httpx.Response | None:
        nonlocal counter
        counter += 1
        return httpx.Response(
            200,
            json={"name": REPO, "tags": ["same"]},
            headers={"Link": f'</v2/{REPO}/tags/list?page={counter}>; rel="next"'},
        )

    fake.fault = fault
    async with fake.provider() as provider:
        with pytest.raises(BadResponse, match="does not progress"):
            await provider.list_tags(REPO)
    assert counter < 10


async def test_catalog_pagination_looping_back_ends(fake: FakeRegistry) -> None:
    fake.fault = lambda r: httpx.Response(
        200,
        json={"repositories": ["a", "b"]},
        headers={"Link": '</v2/_catalog?last=b&n=2>; rel="next"'},
    )
    pages = []
    async with fake.provider() as provider:
        with pytest.raises(BadResponse, match=r"loops back|does not progress"):
            async for page in provider.list_repositories():
                pages.append(page)
    assert [r.name for r in pages[0]] == ["a", "b"]


async def test_link_to_another_host_stays_on_the_registry(fake: FakeRegistry) -> None:
    def fault(request: httpx.Request) -> httpx.Response | None:
        if request.url.path.endswith("/tags/list") and "last" not in request.url.params:
            return httpx.Response(
                200,
                json={"name": REPO, "tags": ["a"]},
                headers={"Link": f'<https://evil.test/v2/{REPO}/tags/list?last=a>; rel="next"'},
            )
        if request.url.path.endswith("/tags/list"):
            return httpx.Response(200, json={"name": REPO, "tags": ["b"]})
        return None

    fake.fault = fault
    async with fake.provider() as provider:
        tags = await provider.list_tags(REPO)
    assert [t.name for t in tags] == ["a", "b"]
    assert {r.url.host for r in fake.requests} == {HOST}


# --- retries ----------------------------------------------------------------------------------


async def test_429_honours_retry_after_then_succeeds(fake: FakeRegistry) -> None:
    answers = iter([error(429, "TOOMANYREQUESTS", **{"Retry-After": "2"})] * 2)
    fake.fault = lambda r: next(answers, None)
    async with fake.provider() as provider:
        tags = await provider.list_tags(REPO)
    assert [t.name for t in tags] == ["latest"]
    assert fake.sleeps == [2.0, 2.0]


async def test_429_with_a_long_retry_after_is_reported_at_once(fake: FakeRegistry) -> None:
    fake.fault = lambda r: error(429, "TOOMANYREQUESTS", **{"Retry-After": "3600"})
    async with fake.provider() as provider:
        with pytest.raises(RateLimited) as caught:
            await provider.list_tags(REPO)
    assert caught.value.retry_after == 3600
    assert "retry after 3600 s" in str(caught.value)
    assert HOST in str(caught.value)
    assert fake.sleeps == []
    assert len(fake.requests) == 1


async def test_429_retries_are_bounded(fake: FakeRegistry) -> None:
    fake.fault = lambda r: error(429, "TOOMANYREQUESTS", **{"Retry-After": "1"})
    async with fake.provider() as provider:
        with pytest.raises(RateLimited):
            await provider.list_tags(REPO)
    assert len(fake.requests) == 4
    assert fake.sleeps == [1.0, 1.0, 1.0]


@pytest.mark.parametrize("status", [502, 503, 504])
async def test_gateway_errors_are_retried_with_backoff(fake: FakeRegistry, status: int) -> None:
    answers = iter([httpx.Response(status), httpx.Response(status)])
    fake.fault = lambda r: next(answers, None)
    async with fake.provider() as provider:
        assert [t.name for t in await provider.list_tags(REPO)] == ["latest"]
    assert len(fake.sleeps) == 2
    assert fake.sleeps[1] > fake.sleeps[0] > 0


async def test_500_is_a_server_error_without_retry(fake: FakeRegistry) -> None:
    fake.fault = lambda r: error(500, "UNKNOWN", "disk full")
    async with fake.provider() as provider:
        with pytest.raises(ServerError) as caught:
            await provider.list_tags(REPO)
    assert str(caught.value).startswith(f"{HOST} answered HTTP 500")
    assert "disk full" in str(caught.value)
    assert len(fake.requests) == 1


async def test_non_idempotent_requests_are_never_retried(fake: FakeRegistry) -> None:
    fake.fault = lambda r: httpx.Response(503)
    async with fake.provider() as provider:
        with pytest.raises(ServerError):
            await provider.http.request("PUT", f"/v2/{REPO}/manifests/x", content=b"{}", ok=(201,))
        with pytest.raises(ServerError):
            await provider.http.request("DELETE", f"/v2/{REPO}/manifests/x", ok=(202,))
    assert len(fake.requests) == 2
    assert fake.sleeps == []


# --- transport failures -------------------------------------------------------------------------


def _raising(exc: Exception):
    def fault(request: httpx.Request) -> httpx.Response:
        raise exc

    return fault


async def test_read_timeout_is_reported_without_retry(fake: FakeRegistry) -> None:
    fake.fault = _raising(httpx.ReadTimeout("slow"))
    async with fake.provider(timeout=7.5) as provider:
        with pytest.raises(RegistryTimeout) as caught:
            await provider.list_tags(REPO)
    assert str(caught.value) == f"{HOST} did not answer within 7.5 s"
    assert len(fake.requests) == 1


async def test_connect_timeout_is_retried_then_reported(fake: FakeRegistry) -> None:
    fake.fault = _raising(httpx.ConnectTimeout("slow"))
    async with fake.provider() as provider:
        with pytest.raises(RegistryTimeout):
            await provider.list_tags(REPO)
    assert len(fake.requests) == 4


async def test_refused_connection_is_retried_then_reported(fake: FakeRegistry) -> None:
    refused = httpx.ConnectError("[Errno 111] Connection refused")
    refused.__cause__ = ConnectionRefusedError(111, "Connection refused")
    fake.fault = _raising(refused)
    async with fake.provider() as provider:
        with pytest.raises(ConnectionFailed) as caught:
            await provider.check()
    assert str(caught.value) == f"cannot connect to {HOST}: connection refused"
    assert len(fake.requests) == 4


async def test_untrusted_certificate_says_use_ca_cert(fake: FakeRegistry) -> None:
    failure = httpx.ConnectError("certificate verify failed")
    failure.__cause__ = ssl.SSLCertVerificationError(1, "self-signed certificate")
    fake.fault = _raising(failure)
    async with fake.provider() as provider:
        with pytest.raises(TLSError, match=r"not trusted.*--ca-cert"):
            await provider.check()
    assert len(fake.requests) == 1


@pytest.mark.parametrize(
    "exc",
    [
        httpx.RemoteProtocolError("peer closed connection"),
        httpx.ReadError("reset"),
        httpx.DecodingError("bad gzip"),
        httpx.UnsupportedProtocol("ftp"),
        httpx.ProxyError("proxy"),
        OSError("weird"),
    ],
)
async def test_no_transport_exception_escapes(fake: FakeRegistry, exc: Exception) -> None:
    fake.fault = _raising(exc)
    async with fake.provider() as provider:
        with pytest.raises(TagtuiError) as caught:
            await provider.get_tag(REPO, "latest")
    assert HOST in str(caught.value)


# --- status mapping -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("response", "kind", "message"),
    [
        (error(404, "NAME_UNKNOWN"), NotFound, f"repository {REPO} not found at {HOST}"),
        (error(404, "MANIFEST_UNKNOWN"), NotFound, f"{REPO}:latest not found at {HOST}"),
        (error(403, "DENIED", "no"), PermissionDenied, f"{HOST} denied access"),
        (error(405, "UNSUPPORTED"), Unsupported, f"{HOST} does not support"),
        (
            error(401, "UNAUTHORIZED"),
            AuthenticationRequired,
            f"authentication required at {HOST}",
        ),
    ],
)
async def test_status_codes_become_typed_errors(
    fake: FakeRegistry, response: httpx.Response, kind: type[TagtuiError], message: str
) -> None:
    fake.fault = lambda r: response if "/manifests/" in r.url.path else None
    async with fake.provider() as provider:
        with pytest.raises(kind) as caught:
            await provider.get_tag(REPO, "latest")
    assert message in str(caught.value)


async def test_registry_text_in_messages_is_sanitised(fake: FakeRegistry) -> None:
    fake.fault = lambda r: error(500, "UNKNOWN", "\x1b[31mred\x1b]52;c;AAAA\x07\nsecond line")
    async with fake.provider() as provider:
        with pytest.raises(ServerError) as caught:
            await provider.check()
    text = str(caught.value)
    assert "\x1b" not in text and "\n" not in text and "\x07" not in text


# --- catalog refusal --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "response",
    [
        error(401, "UNAUTHORIZED", **{"WWW-Authenticate": 'Bearer realm="https://a.test/t"'}),
        error(403, "DENIED"),
        error(404, "NOT_FOUND"),
        error(405, "UNSUPPORTED"),
    ],
)
async def test_refused_catalog_suggests_opening_by_name(
    fake: FakeRegistry, response: httpx.Response
) -> None:
    def fault(request: httpx.Request) -> httpx.Response | None:
        if request.url.host == "a.test":  # Docker Hub style: anonymous tokens are granted...
            return httpx.Response(200, json={"token": "anonymous"})
        return response if request.url.path == "/v2/_catalog" else None  # ...the catalog is not

    fake.fault = fault
    async with fake.provider() as provider:
        assert provider.capabilities.catalog
        with pytest.raises(CatalogUnavailable, match="open a repository by name"):
            async for _ in provider.list_repositories():
                pass
        assert not provider.capabilities.catalog
        assert provider.capabilities.note


async def test_catalog_needing_basic_credentials_is_an_auth_error(fake: FakeRegistry) -> None:
    fake.fault = lambda r: error(401, "UNAUTHORIZED", **{"WWW-Authenticate": 'Basic realm="r"'})
    async with fake.provider() as provider:
        with pytest.raises(AuthenticationRequired):
            async for _ in provider.list_repositories():
                pass


# --- redirects ----------------------------------------------------------------------------------


async def test_config_redirect_to_storage_drops_authorization(fake: FakeRegistry) -> None:
    storage_requests: list[httpx.Request] = []

    def fault(request: httpx.Request) -> httpx.Response | None:
        if request.url.host == "storage.test":
            storage_requests.append(request)
            blob = request.url.path.rsplit("/", 1)[1]
            return httpx.Response(200, content=fake.blobs[blob])
        if "/blobs/" in request.url.path:
            blob = request.url.path.rsplit("/", 1)[1]
            location = f"https://storage.test/bucket/{blob}?X-Amz-Signature=abc"
            return httpx.Response(307, headers={"Location": location})
        return None

    fake.fault = fault
    provider = fake.provider()
    provider.http.auth._basic = "Basic c2VjcmV0"  # as if the registry had asked for Basic
    async with provider:
        detail = await provider.get_tag(REPO, "latest")
    assert detail.image is not None and detail.image.config.os == "linux"
    assert len(storage_requests) == 1
    assert "authorization" not in storage_requests[0].headers
    registry_requests = [r for r in fake.requests if r.url.host == HOST]
    assert all(r.headers.get("authorization") == "Basic c2VjcmV0" for r in registry_requests)


async def test_redirect_loops_are_cut(fake: FakeRegistry) -> None:
    fake.fault = lambda r: (
        httpx.Response(302, headers={"Location": r.url.path}) if "/blobs/" in r.url.path else None
    )
    async with fake.provider() as provider:
        with pytest.raises(BadResponse, match="redirected more than"):
            await provider.get_tag(REPO, "latest")


# --- concurrency --------------------------------------------------------------------------------


async def test_rows_sharing_an_image_fetch_its_config_once(fake: FakeRegistry) -> None:
    digest_of_latest = fake.tags[REPO]["latest"]
    for number in range(20):
        fake.tags[REPO][f"t{number}"] = digest_of_latest
    async with fake.provider() as provider:
        tags = await provider.list_tags(REPO)
        described = await asyncio.gather(*(provider.describe_tag(REPO, tag) for tag in tags))
    assert {tag.digest for tag in described} == {digest_of_latest}
    blob_requests = [r for r in fake.requests if "/blobs/" in r.url.path]
    assert len(blob_requests) == 1
    assert len(manifest_requests(fake)) == 21  # tags are mutable: each one is asked


# --- other registries' listing styles (distribution 2.8 shows none of these) ---------------------


def _paged_tags(names: list[str], *, link: bool):
    """tags/list honouring n and last, with or without a Link header (distribution 3.x / old)."""

    def fault(request: httpx.Request) -> httpx.Response | None:
        if not request.url.path.endswith("/tags/list"):
            return None
        size = int(request.url.params.get("n", "100"))
        last = request.url.params.get("last")
        start = names.index(last) + 1 if last else 0
        page = names[start : start + size]
        headers = {}
        if link and start + size < len(names):
            headers["Link"] = f'</v2/{REPO}/tags/list?last={page[-1]}&n={size}>; rel="next"'
        return httpx.Response(200, json={"name": REPO, "tags": page}, headers=headers)

    return fault


@pytest.mark.parametrize("link", [True, False])
async def test_paged_tag_lists_are_followed_to_the_end(fake: FakeRegistry, link: bool) -> None:
    names = sorted(f"v{n}" for n in range(2500))
    fake.fault = _paged_tags(names, link=link)
    async with fake.provider() as provider:
        tags = await provider.list_tags(REPO)
    assert len(tags) == 2500
    assert [t.name for t in tags[:3]] == ["v0", "v1", "v2"]
    assert tags[-1].name == "v2499"
    pages = [r for r in fake.requests if r.url.path.endswith("/tags/list")]
    assert len(pages) == 3  # a short page ends it when there is no Link


async def test_gcr_manifest_map_fills_rows_cheaply(fake: FakeRegistry) -> None:
    digest = "sha256:" + "c" * 64
    fake.fault = lambda r: (
        httpx.Response(
            200,
            json={
                "name": REPO,
                "tags": ["a", "b"],
                "manifest": {
                    digest: {
                        "imageSizeBytes": "1234",
                        "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
                        "tag": ["a"],
                        "timeCreatedMs": "1714564800000",
                        "timeUploadedMs": "1714564900000",
                    },
                    "not-a-digest": {"tag": ["b"]},
                },
            },
        )
        if r.url.path.endswith("/tags/list")
        else None
    )
    async with fake.provider() as provider:
        a, b = await provider.list_tags(REPO)
    assert (a.digest, a.size, a.created) == (digest, 1234, datetime(2024, 5, 1, 12, tzinfo=UTC))
    assert a.media_type == "application/vnd.docker.distribution.manifest.v2+json"
    assert (b.digest, b.size, b.created) == (None, None, None)


async def test_catalog_page_size_refused_falls_back(fake: FakeRegistry) -> None:
    def fault(request: httpx.Request) -> httpx.Response | None:
        if request.url.path == "/v2/_catalog" and "n" in request.url.params:
            return error(400, "PAGINATION_NUMBER_INVALID")
        return None

    fake.fault = fault
    async with fake.provider() as provider:
        names = [r.name async for page in provider.list_repositories() for r in page]
    assert names == [REPO]


async def test_a_web_server_without_v2_is_not_a_registry(fake: FakeRegistry) -> None:
    fake.fault = lambda r: httpx.Response(404, text="<html>nginx</html>")
    async with fake.provider() as provider:
        with pytest.raises(NotFound) as caught:
            await provider.check()
    assert str(caught.value) == f"{HOST} does not serve the registry API (no /v2/)"


# --- scheme choice --------------------------------------------------------------------------------


def _plain_http_only(fake: FakeRegistry):
    def fault(request: httpx.Request) -> httpx.Response | None:
        if request.url.scheme == "https":
            failure = httpx.ConnectError("[SSL: WRONG_VERSION_NUMBER] wrong version number")
            failure.__cause__ = ssl.SSLError(1, "[SSL: WRONG_VERSION_NUMBER] wrong version number")
            raise failure
        return None

    return fault


async def test_a_remote_host_never_falls_back_to_plain_http(fake: FakeRegistry) -> None:
    fake.fault = _plain_http_only(fake)
    async with fake.provider() as provider:
        with pytest.raises(TLSError, match="--insecure"):
            await provider.check()
    assert {r.url.scheme for r in fake.requests} == {"https"}


async def test_insecure_allows_plain_http_for_a_remote_host(fake: FakeRegistry) -> None:
    fake.fault = _plain_http_only(fake)
    async with fake.provider(insecure=True) as provider:
        assert [t.name for t in await provider.list_tags(REPO)] == ["latest"]
        assert provider.http.scheme == "http"
    assert [r.url.scheme for r in fake.requests] == ["https", "http"]
