"""Every failure the OpenShift API can send becomes one clear error, and the provider goes on."""

from __future__ import annotations

import pytest

from tagtui.errors import (
    AuthenticationRequired,
    BadResponse,
    Conflict,
    NotFound,
    PermissionDenied,
    RateLimited,
    RegistryTimeout,
    ServerError,
)
from tagtui.providers.http import RequestRejected
from tagtui.providers.openshift import OpenShiftProvider
from tests.vendors.openshift.conftest import make_provider
from tests.vendors.openshift.fake import OTHER_TOKEN, OpenShiftFake


def kube_status(code: int, reason: str, message: str) -> dict:
    return {
        "kind": "Status",
        "apiVersion": "v1",
        "metadata": {},
        "status": "Failure",
        "message": message,
        "reason": reason,
        "code": code,
    }


async def first_page(provider: OpenShiftProvider) -> list[str]:
    async for page in provider.list_repositories():
        return [repo.name for repo in page]
    return []


async def test_wrong_token_is_an_authentication_error(ocp: OpenShiftFake) -> None:
    provider = make_provider(ocp, token="sha256~expired")
    try:
        with pytest.raises(AuthenticationRequired, match=r"rejected the credentials.*Unauthorized"):
            await first_page(provider)
        with pytest.raises(AuthenticationRequired):
            await provider.check()
    finally:
        await provider.aclose()


async def test_forbidden_namespace_quotes_the_status(ocp: OpenShiftFake) -> None:
    provider = make_provider(ocp, token=OTHER_TOKEN)
    try:
        with pytest.raises(PermissionDenied) as info:
            await first_page(provider)
    finally:
        await provider.aclose()
    assert 'cannot list resource "imagestreams"' in str(info.value)
    assert 'in the namespace "team"' in str(info.value)


async def test_conflict_and_bad_request(ocp: OpenShiftFake, provider: OpenShiftProvider) -> None:
    ocp.server.fail_next(
        409, kube_status(409, "Conflict", "the object has been modified; please apply again")
    )
    with pytest.raises(Conflict, match="the object has been modified"):
        await provider.get_tag("app", "latest")
    ocp.server.fail_next(400, kube_status(400, "BadRequest", "name must be <stream>:<tag>"))
    with pytest.raises(RequestRejected, match="HTTP 400: name must be <stream>:<tag>"):
        await provider.get_tag("app", "latest")
    # The provider is still usable afterwards.
    assert (await provider.get_tag("app", "latest")).tag == "latest"


async def test_rate_limit_is_retried_then_reported(
    ocp: OpenShiftFake, provider: OpenShiftProvider
) -> None:
    ocp.server.fail_next(
        429,
        kube_status(429, "TooManyRequests", "too many requests"),
        headers={"Retry-After": "0"},
        times=2,
    )
    assert await provider.list_tags("app")
    ocp.server.fail_next(
        429,
        kube_status(429, "TooManyRequests", "storage is (re)initializing"),
        headers={"Retry-After": "3600"},
    )
    with pytest.raises(RateLimited, match=r"storage is \(re\)initializing.*retry after 3600 s"):
        await provider.list_tags("app")


async def test_server_errors_quote_the_status(
    ocp: OpenShiftFake, provider: OpenShiftProvider
) -> None:
    ocp.server.fail_next(500, kube_status(500, "InternalError", "etcdserver: request timed out"))
    with pytest.raises(ServerError, match=r"HTTP 500.*etcdserver: request timed out"):
        await provider.get_tag("app", "latest")
    # 503 is retried (GET), then succeeds.
    ocp.server.fail_next(503, kube_status(503, "ServiceUnavailable", "apiserver is shutting down"))
    assert (await provider.get_tag("app", "latest")).digest
    ocp.server.fail_next(503, "<html>bad gateway</html>", times=10)
    with pytest.raises(ServerError, match="HTTP 503"):
        await provider.get_tag("app", "latest")


async def test_not_found_endpoint(ocp: OpenShiftFake, provider: OpenShiftProvider) -> None:
    # An API server without the OpenShift image API (plain Kubernetes).
    ocp.server.fail_next(
        404, kube_status(404, "NotFound", "the server could not find the requested resource")
    )
    with pytest.raises(NotFound, match="could not find the requested resource"):
        await first_page(provider)


@pytest.mark.parametrize(
    ("body", "content_type", "expected"),
    [
        (b'{"kind": "ImageStreamList", "items": [', "application/json", "not valid JSON"),
        (b"<html><body>Application is not available</body></html>", "text/html", "text/html"),
        (b"", "application/json", "empty answer"),
        (b'{"kind": "ImageStreamList", "items": {"a": 1}}', "application/json", "should be a list"),
        (b'{"items": [{"metadata": {}}]}', "application/json", "without metadata.name"),
        (b'["not", "an", "object"]', "application/json", "should be an object"),
    ],
)
async def test_malformed_list_bodies(
    ocp: OpenShiftFake,
    provider: OpenShiftProvider,
    body: bytes,
    content_type: str,
    expected: str,
) -> None:
    ocp.server.fail_next(200, body, headers={"Content-Type": content_type})
    with pytest.raises(BadResponse, match=expected):
        await first_page(provider)
    assert len(await first_page(provider)) == 100


async def test_malformed_detail_bodies(ocp: OpenShiftFake, provider: OpenShiftProvider) -> None:
    ocp.server.fail_next(200, b"{nope", headers={"Content-Type": "application/json"})
    with pytest.raises(BadResponse, match="not valid JSON"):
        await provider.get_tag("app", "latest")
    # Odd shapes inside a valid document are shown as absent, never a crash.
    ocp.server.fail_next(
        200,
        {
            "kind": "ImageTag",
            "spec": "weird",
            "status": {"tag": "latest", "items": ["x", {"image": 7, "created": "yesterday"}]},
            "image": {
                "metadata": {"name": "sha256:" + "a" * 64},
                "dockerImageMetadata": {
                    "Config": {
                        "Env": ["A=1", 5, None],
                        "ExposedPorts": {"http/tcp": {}, "8443": {}},
                        "Labels": {"n": 1},
                        "Cmd": "not-a-list",
                    },
                    "Size": "big",
                    "Created": "not a date",
                },
                "dockerImageLayers": [{"name": "sha256:" + "b" * 64, "size": "12"}, "junk"],
                "signatures": ["junk"],
            },
        },
    )
    detail = await provider.get_tag("app", "latest")
    image = detail.image
    assert image is not None
    assert image.config.env == (("A", "1"),)
    assert [str(p) for p in image.config.ports] == ["8443/tcp"]
    assert image.config.labels == (("n", "1"),)
    assert image.config.cmd is None and image.config.created is None
    assert image.layers[0].size == 12
    assert dict(detail.extras)["Spec"].startswith("none")


async def test_slow_server_times_out(ocp: OpenShiftFake) -> None:
    provider = make_provider(ocp, timeout=0.3)
    ocp.server.fail_next(200, b"{}", stall=True)
    try:
        with pytest.raises(RegistryTimeout, match=r"did not answer within 0\.3 s"):
            await provider.get_tag("app", "latest")
    finally:
        await provider.aclose()
        ocp.server.release.set()
