"""Scaleway provider against the fake API: image list, tags, paging, sort, detail."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tagtui.errors import NotFound, UsageError
from tagtui.providers.scaleway import ScalewayProvider
from tests.vendors.scaleway.fake import HOSTILE_MESSAGE, HOSTILE_TAG, ScalewayFake, digest


async def all_repositories(provider: ScalewayProvider) -> list:
    pages = []
    async for page in provider.list_repositories():
        pages.append(page)
    return pages


async def test_image_list_is_namespace_slash_image_over_all_pages(
    scw: ScalewayFake, provider: ScalewayProvider
) -> None:
    pages = await all_repositories(provider)
    names = [repo.name for page in pages for repo in page]
    assert names[:2] == ["team/api", "team/web"]
    assert "ops/tools/cli" in names
    bulk = [name for name in names if name.startswith("bulk/")]
    assert bulk == [f"bulk/img-{n:03d}" for n in range(120)]
    # 120 images of one namespace: two pages of 100, each sent with page_size=100.
    image_pages = [r.query for r in scw.server.requests_to("GET", "/images?")]
    bulk_id = next(n["id"] for n in scw.state.namespaces if n["name"] == "bulk")
    asked = [q["page"] for q in image_pages if q.get("namespace_id") == bulk_id]
    assert asked == ["1", "2"]
    assert all(q["page_size"] == "100" for q in image_pages)
    api = next(repo for page in pages for repo in page if repo.name == "team/api")
    assert api.tag_count == 150
    assert ("Visibility", "private") in api.extras
    assert ("Size", "117.7 MiB") in api.extras


async def test_tags_page_through_total_count_in_natural_order(
    scw: ScalewayFake, provider: ScalewayProvider
) -> None:
    tags = await provider.list_tags("team/api")
    assert len(tags) == 150
    names = [tag.name for tag in tags]
    assert names[:3] == ["build-1", "build-2", "build-3"]
    assert names.index("build-9") < names.index("build-10")
    requests = scw.server.requests_to("GET", "/tags?")
    assert [r.query["page"] for r in requests] == ["1", "2"]
    assert all("order_by" not in r.query and r.query["page_size"] == "100" for r in requests)
    web = [tag.name for tag in await provider.list_tags("team/web")]
    assert web == ["v1", "v2", "v10"]


async def test_tag_facts_digest_dates_and_unusual_status(provider: ScalewayProvider) -> None:
    tags = {tag.name: tag for tag in await provider.list_tags("team/api")}
    stable = tags["stable"]
    assert stable.digest == digest(7)
    # 301 minutes after 2024-01-01, sent with nanoseconds: read, not dropped.
    assert stable.created == datetime(2024, 1, 1, 5, 1, 0, 123456, tzinfo=UTC)
    assert stable.status is None  # "ready" is normal, not shown
    assert tags["latest"].status == "deleting"
    assert tags[HOSTILE_TAG].name == HOSTILE_TAG


@pytest.mark.parametrize(
    ("sort", "order_by"), [("name", "name_asc"), ("newest", "created_at_desc")]
)
async def test_sort_maps_to_order_by_and_keeps_the_api_order(
    scw: ScalewayFake, provider: ScalewayProvider, sort: str, order_by: str
) -> None:
    names = [tag.name for tag in await provider.list_tags("team/web", sort=sort)]
    (request,) = scw.server.requests_to("GET", "/tags?")
    assert request.query["order_by"] == order_by
    expected = {"name": ["v1", "v10", "v2"], "newest": ["v1", "v10", "v2"]}[sort]
    assert names == expected


async def test_newest_sort_orders_by_creation(provider: ScalewayProvider) -> None:
    names = [tag.name for tag in await provider.list_tags("team/api", sort="newest")]
    assert names[:4] == [HOSTILE_TAG, "latest", "stable", "v1.0.0"]


async def test_detail_uses_the_exact_name_filter_and_says_what_the_api_lacks(
    scw: ScalewayFake, provider: ScalewayProvider
) -> None:
    detail = await provider.get_tag("team/api", "stable")
    (lookup,) = scw.server.requests_to("GET", "/tags?")
    assert lookup.query["name"] == "stable"
    assert detail.reference == "rg.fr-par.scw.cloud/team/api:stable"
    assert detail.digest == digest(7)
    assert detail.image is not None
    assert detail.image.config.entrypoint is None and detail.image.layers == ()
    assert "rg.fr-par.scw.cloud" in dict(detail.image.extras)["Note"]
    extras = dict(detail.extras)
    assert extras["Status"] == "ready"
    assert extras["Digest"] == digest(7)
    assert extras["Created"] == "2024-01-01 05:01:00+00:00"
    assert extras["Visibility"] == "private"
    assert extras["Namespace endpoint"] == "rg.fr-par.scw.cloud/team"
    assert extras["Image size"].startswith("117.7 MiB")
    # Untrusted text reaches the model verbatim; rendering it safely is the UI's job.
    assert extras["Image status message"] == HOSTILE_MESSAGE
    assert "Updated" in extras


async def test_hostile_tag_name_is_sent_encoded_and_found(
    scw: ScalewayFake, provider: ScalewayProvider
) -> None:
    detail = await provider.get_tag("team/api", HOSTILE_TAG)
    assert detail.tag == HOSTILE_TAG
    assert detail.digest == digest(8)
    raw = scw.server.requests_to("GET", "/tags?")[-1].raw_target
    assert "%5Bred%5D" in raw and "%1B" in raw


async def test_null_fields_are_absent(provider: ScalewayProvider) -> None:
    detail = await provider.get_tag("team/web", "v1")
    labels = dict(detail.extras)
    assert "Image size" not in labels  # size: null
    assert "Image status message" not in labels


async def test_image_name_with_slash(provider: ScalewayProvider) -> None:
    tags = await provider.list_tags("ops/tools/cli")
    assert [tag.name for tag in tags] == ["1.0"]
    detail = await provider.get_tag("ops/tools/cli", "1.0")
    assert detail.reference == "rg.fr-par.scw.cloud/ops/tools/cli:1.0"


async def test_image_found_by_name_without_listing_first(
    scw: ScalewayFake, provider: ScalewayProvider
) -> None:
    await provider.list_tags("team/web")
    namespace_lookup = scw.server.requests_to("GET", "/namespaces?")[0]
    assert namespace_lookup.query["name"] == "team"
    image_lookup = scw.server.requests_to("GET", "/images?")[0]
    assert image_lookup.query["name"] == "web"


async def test_get_image_returns_what_is_known(provider: ScalewayProvider) -> None:
    image = await provider.get_image("team/api", digest(7))
    assert image.digest == digest(7)
    assert image.media_type is None and image.layers == ()


@pytest.mark.parametrize(
    ("repository", "tag", "message"),
    [
        ("team/nope", "x", "image team/nope not found"),
        ("nope/api", "x", "namespace nope not found"),
        ("team/api", "nope", "tag team/api:nope not found"),
    ],
)
async def test_missing_things_are_not_found(
    provider: ScalewayProvider, repository: str, tag: str, message: str
) -> None:
    with pytest.raises(NotFound, match=message):
        await provider.get_tag(repository, tag)


async def test_repository_must_be_namespace_slash_image(provider: ScalewayProvider) -> None:
    with pytest.raises(UsageError, match="namespace/image"):
        await provider.list_tags("team")


def test_pull_reference_and_identity(provider: ScalewayProvider) -> None:
    assert provider.display_name == "scaleway fr-par"
    assert provider.pull_reference("team/api", digest=digest(7)) == (
        f"rg.fr-par.scw.cloud/team/api@{digest(7)}"
    )
    assert provider.credential_key == "api.scaleway.com"
    assert provider.capabilities.sorts == ("name", "newest")


async def test_describe_tag_costs_no_request(scw: ScalewayFake, provider: ScalewayProvider) -> None:
    tags = await provider.list_tags("team/web")
    before = len(scw.server.requests)
    described = await provider.describe_tag("team/web", tags[0])
    assert described == tags[0]
    assert len(scw.server.requests) == before
