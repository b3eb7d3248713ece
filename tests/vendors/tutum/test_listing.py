"""Tutum provider against the fake API: image pages, tags from tags[] URIs, the layer's facts."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tagtui.errors import BadResponse, NotFound, Unsupported, UsageError
from tagtui.model import Port
from tagtui.providers.tutum import TutumProvider, image_path, tag_path, when
from tests.vendors.tutum.fake import APIKEY, HOSTILE, SEED_IMAGE, USER, TutumFake


async def all_pages(provider: TutumProvider) -> list[list[str]]:
    pages = []
    async for page in provider.list_repositories():
        pages.append([repo.name for repo in page])
    return pages


async def test_images_follow_meta_next_until_null(
    tutum: TutumFake, provider: TutumProvider
) -> None:
    pages = await all_pages(provider)
    assert [len(p) for p in pages] == [25, 25, 13]
    names = [n for p in pages for n in p]
    assert names[:2] == ["bulk/img-00", "bulk/img-01"]
    assert names[-3:] == [SEED_IMAGE, "team/mysql", "tutum/hello-world"]
    targets = [r.raw_target for r in tutum.server.requests_to("GET", "/api/v1/image/")]
    assert targets == [
        "/api/v1/image/",
        "/api/v1/image/?limit=25&offset=25",
        "/api/v1/image/?limit=25&offset=50",
    ]
    for request in tutum.server.requests:
        assert request.header("accept") == "application/json"
        assert request.header("authorization") == f"ApiKey {USER}:{APIKEY}"


async def test_image_facts_as_extras(provider: TutumProvider) -> None:
    repos = {}
    async for page in provider.list_repositories():
        repos.update({repo.name: repo for repo in page})
    seed = repos[SEED_IMAGE]
    assert seed.tag_count == 2
    extras = dict(seed.extras)
    # "SUCCESS" in the seed, "Success" in the docs' table: compared case-insensitively.
    assert extras["Image state"] == "success"
    assert extras["Description"] == "Test image"
    assert extras["Categories"] == "test"
    assert extras["Stars"] == "0"
    assert extras["Private"] == "yes" and extras["In use"] == "no"
    assert extras["Last build"] == "2013-11-08 00:22:26+00:00"
    hello = dict(repos["tutum/hello-world"].extras)
    assert hello["Categories"] == "Web Servers, Demo"
    assert hello["Stars"] == "42" and hello["Jumpstart"] == "yes"
    assert hello["Last build"] == "2015-06-19 15:12:04+00:00"
    assert "Public URL" in hello
    mysql = dict(repos["team/mysql"].extras)
    assert mysql["Image state"] == "building" and mysql["In use"] == "yes"
    assert mysql["Description"] == HOSTILE


async def test_tags_come_from_the_image_tags_uris(
    tutum: TutumFake, provider: TutumProvider
) -> None:
    tags = await provider.list_tags("tutum/hello-world")
    assert [t.name for t in tags] == ["latest", "v1", "v2", "v10"]
    assert all(t.digest is None for t in tags)
    # One request for the image, with its slashes kept and the trailing slash.
    assert [r.raw_target for r in tutum.server.requests] == ["/api/v1/image/tutum/hello-world/"]
    described = await provider.describe_tag("tutum/hello-world", tags[3])
    assert described.created == datetime(2015, 6, 4, 10, 0, tzinfo=UTC)
    assert tutum.server.requests[-1].raw_target == "/api/v1/image/tutum/hello-world/tag/v10/"


async def test_newest_sort_reads_each_tag(provider: TutumProvider) -> None:
    tags = await provider.list_tags("tutum/hello-world", sort="newest")
    assert [t.name for t in tags] == ["v10", "v2", "v1", "latest"]


async def test_seed_tag_detail(tutum: TutumFake, provider: TutumProvider) -> None:
    detail = await provider.get_tag(SEED_IMAGE, "latest")
    assert tutum.server.requests[0].raw_target == f"/api/v1/image/{SEED_IMAGE}/tag/latest/"
    assert detail.reference == "registry.local/user1/image1:latest"
    assert detail.digest is None and not detail.is_index
    config = detail.image.config
    assert config.author == "Fernando Mayo <fernando@tutum.co>"
    assert config.created == datetime(2013, 11, 8, 0, 22, 26, tzinfo=UTC)
    assert config.entrypoint is None  # "" in the seed
    assert config.cmd == ("/run.sh",)
    assert config.env == (
        ("HOME", "/"),
        ("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"),
    )
    assert config.labels == (("Tutum", "Pure awesomeness"),)
    # The seed's "'tcp" is tcp.
    assert config.ports == (Port(80, "tcp"),)
    assert config.volumes == ("/app",)
    extras = dict(detail.extras)
    assert extras["Docker id"] == "bca93ea41953afd3e0bea21625636526d6ac743297886a3520069544a00e3a70"
    assert extras["Full name"] == "registry.local/user1/image1:latest"
    assert extras["Image state"] == "success" and extras["Description"] == "Test image"
    assert dict(detail.image.extras)["Layers"] == "not listed by the Tutum API"
    staging = await provider.get_tag(SEED_IMAGE, "staging")
    assert staging.image.config.created == datetime(2015, 6, 19, 15, 12, 4, tzinfo=UTC)


async def test_odd_values_never_crash(provider: TutumProvider) -> None:
    detail = await provider.get_tag("team/mysql", "5.7")
    config = detail.image.config
    assert config.author is None and config.created is None
    assert config.entrypoint == ("/bin/sh", "-c") and config.cmd is None
    assert config.env == (("NULL", ""), ("N", "5"))
    assert config.labels == (("hostile", HOSTILE),)
    assert config.ports == (Port(8080, "udp"), Port(9000, "tcp"))
    assert config.volumes == ("/data",)
    assert "Docker id" not in dict(detail.extras)


def test_dates_in_both_documented_forms() -> None:
    assert when("Fri, 8 Nov 2013 00:22:26 +0000") == datetime(2013, 11, 8, 0, 22, 26, tzinfo=UTC)
    assert when("2015-06-19 15:12:04+00:00") == datetime(2015, 6, 19, 15, 12, 4, tzinfo=UTC)
    assert when("Fri, 8 Nov 2013 02:22:26 +0200") == datetime(2013, 11, 8, 0, 22, 26, tzinfo=UTC)
    assert when("yesterday") is None and when(None) is None and when("") is None


def test_paths_keep_slashes_and_the_trailing_slash() -> None:
    assert image_path("registry.local/user1/image1") == "/api/v1/image/registry.local/user1/image1/"
    assert image_path("host:5000/a b/c") == "/api/v1/image/host:5000/a%20b/c/"
    assert tag_path("tutum/hello-world", "v1.0") == "/api/v1/image/tutum/hello-world/tag/v1.0/"
    for bad in ("", "a//b", "../x", "a/./b"):
        with pytest.raises(UsageError):
            image_path(bad)
    with pytest.raises(UsageError):
        tag_path("a", "x/y")


async def test_missing_image_and_tag(provider: TutumProvider) -> None:
    with pytest.raises(NotFound, match="Image not found"):
        await provider.list_tags("nobody/nothing")
    with pytest.raises(NotFound, match="Image tag not found"):
        await provider.get_tag("tutum/hello-world", "v99")


async def test_no_digests(provider: TutumProvider) -> None:
    with pytest.raises(Unsupported):
        await provider.get_image("tutum/hello-world", "sha256:" + "0" * 64)
    await provider.get_tag(SEED_IMAGE, "latest")
    assert provider.pull_reference(SEED_IMAGE, "latest") == "registry.local/user1/image1:latest"
    assert provider.pull_reference("tutum/hello-world", "v1") == "tutum/hello-world:v1"


async def test_undocumented_tag_uris_are_refused(tutum: TutumFake, provider: TutumProvider) -> None:
    tutum.state.images["tutum/hello-world"]["tags"].append("http://elsewhere/x")
    with pytest.raises(BadResponse, match="tag URI it does not document"):
        await provider.list_tags("tutum/hello-world")
