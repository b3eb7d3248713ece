"""OpenShift provider against the fake image API: streams, paging (410 restart), tags, detail."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tagtui.errors import BadResponse, NotFound, UsageError
from tagtui.model import Port
from tagtui.providers.openshift import OpenShiftProvider
from tests.vendors.openshift.conftest import make_provider
from tests.vendors.openshift.fake import (
    ADMIN_TOKEN,
    HOSTILE_LABEL,
    HOSTILE_MESSAGE,
    PUBLIC,
    OpenShiftFake,
    digest,
)


async def names_of(provider: OpenShiftProvider) -> list[str]:
    names = []
    async for page in provider.list_repositories():
        names.extend(repo.name for repo in page)
    return names


def continues(fake: OpenShiftFake) -> list[str | None]:
    """The continue parameter of each image stream list request, in order."""
    return [r.query.get("continue") for r in fake.server.requests_to("GET", "/imagestreams?")]


async def test_image_streams_page_with_limit_and_continue(
    ocp: OpenShiftFake, provider: OpenShiftProvider
) -> None:
    pages = []
    async for page in provider.list_repositories():
        pages.append(page)
    names = [repo.name for page in pages for repo in page]
    assert names[:3] == ["app", "bulk-000", "bulk-001"]
    assert len(names) == len(set(names)) == 233
    assert [len(page) for page in pages] == [100, 100, 33]
    requests = ocp.server.requests_to("GET", "/imagestreams?")
    assert [r.path for r in requests] == [
        "/apis/image.openshift.io/v1/namespaces/team/imagestreams"
    ] * 3
    assert all(r.query["limit"] == "100" for r in requests)
    tokens = continues(ocp)
    assert tokens[0] is None and tokens[1] and tokens[2] and tokens[1] != tokens[2]
    app = pages[0][0]
    assert app.tag_count == 5
    assert ("Repository", f"{PUBLIC}/team/app") in app.extras
    # The other namespace's stream is never listed.
    assert "secret-app" not in names


async def test_expired_continue_restarts_the_listing_without_repeats(
    ocp: OpenShiftFake, provider: OpenShiftProvider
) -> None:
    ocp.expire_continue(1)
    names = await names_of(provider)
    assert len(names) == len(set(names)) == 233
    tokens = continues(ocp)
    # page 1, page 2 -> 410, restart from scratch: page 1, 2, 3.
    assert tokens[0] is None and tokens[1] is not None
    assert tokens[2] is None
    assert len(tokens) == 5


async def test_a_listing_that_keeps_expiring_gives_up_with_a_message(
    ocp: OpenShiftFake, provider: OpenShiftProvider
) -> None:
    ocp.expire_continue(50)
    with pytest.raises(BadResponse, match=r"expired the image stream listing 4 times.*410 Expired"):
        await names_of(provider)
    # Bounded: 4 attempts of two requests each, never a loop.
    assert len(continues(ocp)) == 8


async def test_a_continue_token_that_comes_back_stops_the_listing(
    ocp: OpenShiftFake, provider: OpenShiftProvider
) -> None:
    ocp.loop_token = "c2FtZQ=="
    with pytest.raises(BadResponse, match=r"already sent|same page"):
        await names_of(provider)
    assert len(continues(ocp)) <= 3


async def test_tags_in_natural_order_with_history_as_revisions(provider: OpenShiftProvider) -> None:
    tags = await provider.list_tags("app")
    assert [t.name for t in tags] == ["latest", "stable", "v1.2", "v1.9", "v1.10"]
    latest = tags[0]
    assert latest.digest == digest(1)
    assert latest.created == datetime(2024, 3, 1, 0, 30, tzinfo=UTC)
    # status history: items[0] is current, items[1:] older images, newest first.
    assert [r.digest for r in latest.revisions] == [digest(2), digest(3)]
    assert latest.revisions[0].created == datetime(2024, 3, 1, 0, 20, tzinfo=UTC)
    assert latest.revisions[0].reference.endswith(f"/team/app@{digest(2)}")
    assert all(t.revisions == () for t in tags[1:])
    # A status-only tag (pushed, no spec) is a tag like any other.
    assert tags[1].digest == digest(1) and tags[1].status is None


async def test_newest_sort_uses_the_tag_event_time(provider: OpenShiftProvider) -> None:
    tags = await provider.list_tags("app", sort="newest")
    assert [t.name for t in tags] == ["v1.10", "stable", "latest", "v1.2", "v1.9"]


async def test_a_spec_only_tag_whose_import_failed(provider: OpenShiftProvider) -> None:
    (nightly,) = await provider.list_tags("pending")
    assert nightly.name == "nightly"
    assert nightly.digest is None and nightly.status == "import failed"
    detail = await provider.get_tag("pending", "nightly")
    assert detail.digest is None
    extras = dict(detail.extras)
    assert extras["Image"] == f"none yet: {HOSTILE_MESSAGE}"
    assert extras["Tag from"] == "DockerImage quay.io/team/nightly"


async def test_detail_from_the_image(ocp: OpenShiftFake, provider: OpenShiftProvider) -> None:
    detail = await provider.get_tag("app", "latest")
    assert [r.raw_path for r in ocp.server.requests_to("GET", "/imagetags/")] == [
        "/apis/image.openshift.io/v1/namespaces/team/imagetags/app:latest"
    ]
    assert detail.digest == digest(1)
    assert detail.reference == f"{PUBLIC}/team/app:latest"
    assert not detail.is_index
    image = detail.image
    assert image is not None and image.digest == digest(1)
    assert image.media_type == "application/vnd.docker.distribution.manifest.v2+json"
    config = image.config
    assert config.author == "Platform Team <platform@example.test>"
    assert config.created == datetime(2024, 3, 1, 0, 1, tzinfo=UTC)
    assert config.architecture == "amd64"
    assert image.platform == "amd64"  # the metadata names no OS: nothing is made up
    assert config.entrypoint == ("/entrypoint.sh",)
    assert config.cmd == ("/usr/bin/run", "--port", "8080")
    assert config.env == (
        ("PATH", "/usr/local/bin:/usr/bin"),
        ("OPTS", "--a=1 --b=2"),
        ("EMPTY", ""),
    )
    # Registry text is kept as sent; the UI renders it literally.
    assert config.labels == (("io.k8s.display-name", "App"), ("vendor", HOSTILE_LABEL))
    assert config.ports == (Port(8080, "tcp"), Port(53, "udp"))
    assert config.volumes == ("/data", "/var/log/app")
    assert config.user == "1001" and config.working_dir == "/opt/app"
    assert [layer.size for layer in image.layers] == [1001, 2001, 3001]
    assert image.layers[0].digest == digest(1010)
    assert image.layers[0].media_type == "application/vnd.docker.image.rootfs.diff.tar.gzip"
    assert detail.size == 6003
    image_extras = dict(image.extras)
    assert image_extras["Signature 1"].startswith("atomic; issued by Release Key")
    assert "Trusted=True" in image_extras["Signature 1"]
    assert image_extras["Image size"] == "7.3 KiB (7,503 bytes)"
    extras = dict(detail.extras)
    assert extras["Tag from"] == "DockerImage quay.io/team/latest"
    assert extras["Reference policy"] == "Source"
    assert extras["Import policy"] == "importMode=Legacy"
    assert extras["History"] == "2 older images"


async def test_a_status_only_tag_says_it_has_no_spec(provider: OpenShiftProvider) -> None:
    detail = await provider.get_tag("app", "stable")
    extras = dict(detail.extras)
    assert extras["Spec"].startswith("none")
    assert dict(detail.image.extras)["Signature 1"]  # the same image as latest
    other = await provider.get_tag("app", "v1.10")
    assert dict(other.image.extras)["Signatures"] == "none"
    assert other.image.config.env == (("ONLY", "x=y=z"),)
    assert other.image.config.labels == ()


async def test_revision_images_come_from_imagestreamimages(
    ocp: OpenShiftFake, provider: OpenShiftProvider
) -> None:
    image = await provider.get_image("app", digest(3))
    assert image.digest == digest(3)
    assert image.config.cmd == ("/usr/bin/run", "--port", "8080")
    (request,) = ocp.server.requests_to("GET", "/imagestreamimages/")
    assert request.raw_path.endswith(f"/namespaces/team/imagestreamimages/app@{digest(3)}")


async def test_unknown_digest_is_not_found_with_a_clear_message(
    provider: OpenShiftProvider,
) -> None:
    with pytest.raises(NotFound, match="not in the history of image stream team/app") as info:
        await provider.get_image("app", digest(999))
    assert "images API did not serve it (permission denied)" in str(info.value)


async def test_manifest_list_platforms(ocp: OpenShiftFake, provider: OpenShiftProvider) -> None:
    detail = await provider.get_tag("multi", "latest")
    assert detail.is_index and detail.image is None
    assert detail.media_type == "application/vnd.oci.image.index.v1+json"
    assert [p.name for p in detail.platforms] == ["linux/amd64", "linux/arm64/v8"]
    assert [p.digest for p in detail.platforms] == [digest(201), digest(202)]
    assert detail.platforms[0].size == 1401
    # Not in the stream's history, and this user may not read cluster images: the panel still
    # gets the platform, with the reason.
    image = await provider.get_image("multi", digest(202))
    assert image.digest == digest(202) and image.platform == "linux/arm64/v8"
    assert image.layers == ()
    extras = dict(image.extras)
    assert "only the images API (cluster administrators)" in extras["Note"]
    assert "forbidden" in extras["Images API"]
    assert ocp.server.requests_to("GET", f"/v1/images/{digest(202)}")


async def test_an_admin_reads_platform_images_from_the_images_api(ocp: OpenShiftFake) -> None:
    provider = make_provider(ocp, token=ADMIN_TOKEN)
    try:
        detail = await provider.get_tag("multi", "latest")
        image = await provider.get_image("multi", detail.platforms[1].digest)
    finally:
        await provider.aclose()
    assert image.config.architecture == "arm64"
    assert len(image.layers) == 2


async def test_describe_tag_fills_size_and_type(provider: OpenShiftProvider) -> None:
    tags = await provider.list_tags("app")
    described = await provider.describe_tag("app", tags[0])
    assert described.size == 6003
    assert described.media_type == "application/vnd.docker.distribution.manifest.v2+json"
    assert described.created == tags[0].created
    assert described.revisions == tags[0].revisions
    multi = (await provider.list_tags("multi"))[0]
    described = await provider.describe_tag("multi", multi)
    assert described.media_type == "application/vnd.oci.image.index.v1+json"
    assert described.size == 1401 + 1402


async def test_pull_references(provider: OpenShiftProvider) -> None:
    assert provider.pull_reference("app", "v1") == "team/app:v1"  # stream not seen yet
    await provider.list_tags("app")
    assert provider.pull_reference("app", "v1") == f"{PUBLIC}/team/app:v1"
    assert provider.pull_reference("app", digest=digest(2)) == f"{PUBLIC}/team/app@{digest(2)}"


async def test_missing_stream_and_tag(provider: OpenShiftProvider) -> None:
    with pytest.raises(NotFound, match=r'imagestreams\.image\.openshift\.io "nope" not found'):
        await provider.list_tags("nope")
    with pytest.raises(NotFound, match=r'imagetags\.image\.openshift\.io "app:nope" not found'):
        await provider.get_tag("app", "nope")
    with pytest.raises(UsageError):
        await provider.list_tags("a/b")
    with pytest.raises(UsageError):
        await provider.get_tag("app", "a:b")


async def test_pages_that_move_on_but_add_nothing_new_stop(
    ocp: OpenShiftFake, provider: OpenShiftProvider
) -> None:
    ocp.drift_pages = True
    with pytest.raises(BadResponse, match="with nothing new: pagination does not progress"):
        await names_of(provider)
    assert len(continues(ocp)) == 2
