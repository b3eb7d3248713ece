"""The view rule on the embedded demo store (a real OCI layout on disk): no app, no network."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tagtui.demo import prepare_demo_store
from tagtui.errors import NotFound
from tagtui.model import TagRevision
from tagtui.providers.layout import LayoutProvider
from tagtui.session.view import (
    PlatformSubject,
    RevisionSubject,
    TagSubject,
    WantedPlatform,
    load_view,
    subject_key,
    subject_reference,
)

NGINX = "library/nginx"


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return prepare_demo_store(tmp_path_factory.mktemp("demo") / "store")


@pytest.fixture
async def demo(store: Path) -> AsyncIterator[LayoutProvider]:
    async with LayoutProvider(store, read_only=True) as provider:
        async for _ in provider.list_repositories():  # as the app does first
            pass
        yield provider  # type: ignore[misc]


async def test_an_index_shows_its_preferred_platform(demo: LayoutProvider) -> None:
    view = await load_view(demo, NGINX, TagSubject("latest"))
    assert view.detail is not None and view.detail.is_index
    assert view.platform is not None and view.platform.name == "linux/amd64"
    assert view.image is not None and view.image.digest == view.platform.digest
    assert view.image.platform == "linux/amd64"
    assert view.label == "library/nginx:latest"
    assert view.reference == demo.pull_reference(NGINX, "latest")


async def test_an_index_without_a_platform_choice_stays_an_index(demo: LayoutProvider) -> None:
    view = await load_view(demo, NGINX, TagSubject("latest"), platform="none")
    assert view.detail is not None and view.detail.is_index
    assert view.image is None and view.platform is None


async def test_a_wanted_platform_is_loaded_or_named_as_missing(demo: LayoutProvider) -> None:
    wanted = WantedPlatform("linux", "arm64", "v8")
    view = await load_view(demo, NGINX, TagSubject("latest"), platform=wanted)
    assert view.platform is not None and view.platform.name == "linux/arm64/v8"
    assert view.image is not None and view.image.platform == "linux/arm64/v8"
    with pytest.raises(NotFound, match=r"has no platform linux/s390x \(available: linux/amd64"):
        await load_view(
            demo, NGINX, TagSubject("latest"), platform=WantedPlatform("linux", "s390x")
        )


async def test_a_single_image_is_itself(demo: LayoutProvider) -> None:
    view = await load_view(demo, NGINX, TagSubject("alpine"))
    assert view.detail is not None and not view.detail.is_index
    assert view.image is view.detail.image
    assert view.platform is None
    with pytest.raises(NotFound, match="is a single linux/amd64 image"):
        await load_view(
            demo, NGINX, TagSubject("alpine"), platform=WantedPlatform("linux", "arm64")
        )


async def test_platform_and_revision_rows_load_that_image(demo: LayoutProvider) -> None:
    index = await load_view(demo, NGINX, TagSubject("latest"), platform="none")
    assert index.detail is not None
    arm = next(p for p in index.detail.platforms if p.architecture == "arm64")
    view = await load_view(demo, NGINX, PlatformSubject("latest", arm))
    assert view.image is not None and view.image.digest == arm.digest
    assert view.platform == arm and view.detail is None
    assert view.label == "library/nginx:latest linux/arm64/v8"

    revision = TagRevision(arm.digest, reference="elsewhere/nginx@" + arm.digest)
    old = await load_view(demo, NGINX, RevisionSubject("latest", revision))
    assert old.image is not None and old.image.digest == arm.digest
    assert old.revision == revision and old.reference == revision.reference
    assert old.label == "library/nginx:latest revision"


def test_keys_and_references_name_what_is_shown() -> None:
    from tagtui.model import Platform

    arm = Platform("linux", "arm64", "sha256:b")
    assert subject_key("r", TagSubject("t")) == ("r", "tag", "t")
    assert subject_key("r", PlatformSubject("t", arm)) == ("r", "platform", "t", "sha256:b")
    assert subject_key("r", RevisionSubject("t", TagRevision("sha256:c"))) == (
        "r",
        "revision",
        "t",
        "sha256:c",
    )


async def test_references_come_from_the_provider(demo: LayoutProvider) -> None:
    arm_digest = "sha256:" + "b" * 64
    from tagtui.model import Platform

    arm = Platform("linux", "arm64", arm_digest)
    assert subject_reference(demo, NGINX, PlatformSubject("t", arm)) == demo.pull_reference(
        NGINX, digest=arm_digest
    )
    revision = TagRevision(arm_digest)
    assert subject_reference(demo, NGINX, RevisionSubject("t", revision)) == demo.pull_reference(
        NGINX, digest=arm_digest
    )
