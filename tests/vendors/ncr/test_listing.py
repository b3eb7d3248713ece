"""NCR provider against the fake gateway: signature v2, registries -> images -> tags -> detail."""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
from datetime import UTC, datetime

import pytest

from tagtui.errors import AuthenticationRequired, NotFound, UsageError
from tagtui.providers.ncr import NcrProvider, signature_v2, string_to_sign
from tests.vendors.ncr.conftest import make_provider
from tests.vendors.ncr.fake import ACCESS_KEY, HOSTILE_DESCRIPTION, T0, NcrFake, digest

REPO = "acme/hello/world"


def test_string_to_sign_is_exactly_the_documented_one() -> None:
    target = "/ncr/api/v2/repositories/acme/hello%2Fworld/tags?page=1&pagesize=100"
    text = string_to_sign("get", target, "1711928488000", "AK")
    assert text == f"GET {target}\n1711928488000\nAK"
    expected = base64.b64encode(hmac.new(b"SK", text.encode(), hashlib.sha256).digest()).decode()
    assert signature_v2("SK", "GET", target, "1711928488000", "AK") == expected


async def test_every_request_is_signed_over_the_raw_path(
    ncr: NcrFake, provider: NcrProvider
) -> None:
    await provider.list_tags(REPO)
    assert ncr.auth_failures == []
    raws = [r.raw_target for r in ncr.server.requests]
    assert raws[0] == "/ncr/api/v2/repositories/acme/hello%2Fworld/tags?page=1&pagesize=100"
    for request in ncr.server.requests:
        stamp = request.header("x-ncp-apigw-timestamp")
        assert stamp is not None and stamp.isdigit() and len(stamp) == 13  # milliseconds
        assert request.header("x-ncp-iam-access-key") == ACCESS_KEY


async def test_wrong_secret_is_refused_by_the_signature_check(ncr: NcrFake) -> None:
    provider = make_provider(ncr, secret_key="not-the-secret")
    try:
        with pytest.raises(AuthenticationRequired) as caught:
            await provider.check()
    finally:
        await provider.aclose()
    assert ncr.auth_failures == ["signature mismatch"]
    message = str(caught.value)
    assert "Authentication Failed (NCR API error code 200)" in message and ACCESS_KEY in message
    assert "200:" not in message  # reads like HTTP 200
    assert "not-the-secret" not in message


async def test_a_clock_off_by_more_than_five_minutes_is_refused(ncr: NcrFake) -> None:
    provider = make_provider(ncr)
    ncr.clock_offset_ms = 6 * 60 * 1000
    try:
        with pytest.raises(AuthenticationRequired):
            await provider.check()
        assert ncr.auth_failures == ["timestamp skew over 5 minutes"]
        ncr.clock_offset_ms = 4 * 60 * 1000
        await provider.check()
    finally:
        await provider.aclose()


async def test_a_retry_is_signed_afresh(ncr: NcrFake, provider: NcrProvider) -> None:
    ticks = iter([1000.0, 1001.5])
    provider._clock = lambda: next(ticks)
    ncr.clock_offset_ms = int(1001.5 * 1000 - time.time() * 1000)  # the fake lives at t=1001.5
    ncr.server.fail_next(503, {"error": {"errorCode": "500", "message": "busy"}})
    await provider.check()
    first, second = ncr.server.requests
    assert first.header("x-ncp-apigw-timestamp") == "1000000"
    assert second.header("x-ncp-apigw-timestamp") == "1001500"
    assert first.header("x-ncp-apigw-signature-v2") != second.header("x-ncp-apigw-signature-v2")
    assert ncr.auth_failures == []  # the retry's new signature was verified


async def test_image_list_is_registry_slash_image(ncr: NcrFake, provider: NcrProvider) -> None:
    pages = [page async for page in provider.list_repositories()]
    repos = {repo.name: repo for page in pages for repo in page}
    assert list(repos) == ["acme/hello/world", "acme/web", "other/tool"]
    web = dict(repos["acme/web"].extras)
    assert web["Description"] == HOSTILE_DESCRIPTION  # verbatim; the UI renders it literally
    assert web["Visibility"] == "public"
    assert dict(repos[REPO].extras)["Visibility"] == "private"
    assert provider.pull_reference(REPO, "v1") == "acme.kr.ncr.ntruss.com/hello/world:v1"


async def test_tags_page_with_count_and_next(ncr: NcrFake, provider: NcrProvider) -> None:
    tags = await provider.list_tags(REPO)
    assert len(tags) == 130
    names = [t.name for t in tags]
    assert names.index("build-9") < names.index("build-10") < names.index("build-125")
    pages = [r.query for r in ncr.server.requests_to("GET", "/tags?")]
    assert pages == [{"page": "1", "pagesize": "100"}, {"page": "2", "pagesize": "100"}]
    web = [t.name for t in await provider.list_tags("acme/web")]
    assert web == ["v1", "v2", "v10"]


async def test_millisecond_timestamps_and_nulls(provider: NcrProvider) -> None:
    tags = {t.name: t for t in await provider.list_tags(REPO)}
    assert tags["stable"].created == datetime.fromtimestamp((T0 + 201 * 60_000) / 1000, UTC)
    assert tags["stable"].digest == digest(7)
    assert tags["stable"].size == 83518086 + 201
    # last_updated null: the platform's own creation date stands in; full_size null is absent.
    assert tags["ncpdocker"].created == datetime.fromtimestamp((T0 + 3000) / 1000, UTC)
    assert tags["ncpdocker"].size is None


async def test_detail_images_become_platforms(provider: NcrProvider) -> None:
    detail = await provider.get_tag(REPO, "multi")
    assert detail.is_index and detail.image is None
    amd, arm = detail.platforms
    assert (amd.os, amd.architecture, amd.variant) == ("linux", "amd64", None)
    assert (arm.name, arm.size) == ("linux/arm64/v8", None)
    assert amd.size == 1001 and amd.digest == digest(5001)
    assert amd.media_type == "application/vnd.docker.container.image.v1+json"
    extras = dict(detail.extras)
    assert extras["Platforms without a digest"] == "1"
    assert extras["Digest"] == digest(8)
    assert extras["v2 spec"] == "yes"
    assert "config and layers" in extras["Note"]


async def test_seed_example_fields(provider: NcrProvider) -> None:
    detail = await provider.get_tag(REPO, "ncpdocker")
    # One platform: an image, not a one-entry index (issue 12 §1).
    assert not detail.is_index and detail.platforms == () and detail.image is not None
    assert detail.image.digest == "sha256:a180b9dc"  # the seed's doubled "sha256:sha256:" prefix
    extras = dict(detail.extras)
    assert "Creator" not in extras and "Last updated" not in extras and "Size" not in extras
    assert extras["Tag id"] == str(730000 + 204)


async def test_a_single_platform_tag_is_an_image_with_its_date_and_size(
    provider: NcrProvider,
) -> None:
    detail = await provider.get_tag("acme/web", "v2")
    assert not detail.is_index and detail.platforms == ()
    image = detail.image
    assert image is not None and image.platform == "linux/amd64"
    # What the API knows goes where the Summary reads it, not only into the extras.
    assert image.config.created == datetime.fromtimestamp((T0 + 300 * 1000) / 1000, UTC)
    assert image.compressed_size == 1000 + 300 == detail.size
    assert detail.created == image.config.created


async def test_get_image_for_a_platform(provider: NcrProvider) -> None:
    detail = await provider.get_tag(REPO, "multi")
    image = await provider.get_image(REPO, detail.platforms[0].digest)
    assert image.config.architecture == "amd64" and image.config.os == "linux"
    assert image.config.created == datetime.fromtimestamp((T0 + 1000) / 1000, UTC)
    assert image.layers == () and image.config.env == ()
    assert "config and layers" in dict(image.extras)["Note"]


async def test_get_image_without_a_detail_first_reads_the_tag_list(
    ncr: NcrFake, provider: NcrProvider
) -> None:
    image = await provider.get_image(REPO, digest(5002))
    assert image.config.variant == "v8"
    with pytest.raises(NotFound):
        await provider.get_image(REPO, digest(424242))


async def test_missing_things(provider: NcrProvider) -> None:
    with pytest.raises(NotFound, match=r"tag acme/hello/world:nope not found.*tag not found"):
        await provider.get_tag(REPO, "nope")
    with pytest.raises(NotFound, match="image not found"):
        await provider.list_tags("acme/nope")
    with pytest.raises(UsageError, match="registry/image"):
        await provider.list_tags("acme")


@pytest.mark.parametrize(
    ("region", "prefix"), [("sgn", "/ncr/sgn-api/v2"), ("jpn", "/ncr/jpn-api/v2")]
)
async def test_region_prefixes(ncr: NcrFake, region: str, prefix: str) -> None:
    from tagtui.credentials import Credential
    from tagtui.providers.base import ConnectionOptions
    from tests.vendors.ncr.fake import SECRET_KEY

    provider = NcrProvider(
        region,
        Credential(ACCESS_KEY, SECRET_KEY, "test"),
        endpoint=ncr.url,
        options=ConnectionOptions(timeout=5),
    )
    try:
        assert [page async for page in provider.list_repositories()] == []
    finally:
        await provider.aclose()
    assert ncr.server.requests[0].raw_target == f"{prefix}/repositories?page=1&pagesize=100"
    assert ncr.auth_failures == []
    assert provider.display_name == f"ncr {region}"
