"""The provider on the suite's seeded data set: catalog paging, 5,000 tags, the small set.

``seeded_registry`` is shared by the whole session and read-only: nothing here deletes from it
(the delete probes only address names that do not exist).
"""

from __future__ import annotations

import time

import pytest

from tagtui.model import DeleteMethod
from tagtui.natsort import natural_key
from tagtui.providers.oci.listing import PAGE_SIZE
from tagtui.providers.oci.manifests import DOCKER_LIST, DOCKER_MANIFEST, OCI_INDEX
from tagtui.providers.oci.provider import OciProvider
from tests.support import seed
from tests.support.registry import SeededRegistry

pytestmark = pytest.mark.real


async def test_catalog_pages_through_more_than_1000_repositories(
    seeded_registry: SeededRegistry,
) -> None:
    async with OciProvider(seeded_registry.host) as provider:
        pages = [page async for page in provider.list_repositories()]
    names = [repo.name for page in pages for repo in page]
    assert len(pages) >= 2
    assert all(len(page) <= PAGE_SIZE for page in pages)
    assert names == list(seeded_registry.seed.repositories)
    assert len(names) == len(set(names)) == len(seed.many_repositories()) + 6


async def test_5000_tags_all_listed_in_natural_order(seeded_registry: SeededRegistry) -> None:
    async with OciProvider(seeded_registry.host) as provider:
        tags = await provider.list_tags(seed.BIG)
    names = [tag.name for tag in tags]
    assert len(names) == seed.BIG_TAG_COUNT
    assert set(names) == set(seeded_registry.seed.tags[seed.BIG])
    assert names == sorted(names, key=natural_key)
    assert names.index("t2") < names.index("t10") < names.index("t100")
    assert names.index("1.9.3") < names.index("1.10.0") < names.index("2.0.0")


async def test_delete_plan_finds_sharing_tags_among_5000(seeded_registry: SeededRegistry) -> None:
    expected = seeded_registry.seed.tags_sharing(seed.BIG, "latest")
    assert len(expected) > 1000  # one in four of the 5,000 tags
    started = time.monotonic()
    async with OciProvider(seeded_registry.host) as provider:
        plan = await provider.plan_delete(seed.BIG, "latest")
    elapsed = time.monotonic() - started
    assert plan.removes == ("latest",)
    assert plan.method is DeleteMethod.THROWAWAY_MANIFEST
    assert set(plan.shared_tags) == set(expected)
    assert set(plan.keeps) == set(expected) - {"latest"}
    assert plan.summary.startswith("Only latest is removed; ")
    assert plan.summary.endswith(f"and {len(plan.keeps) - 6} more stay.")
    assert elapsed < 60, f"planning over 5,000 tags took {elapsed:.1f} s"


async def test_small_set_shapes(small_seeded_registry: SeededRegistry) -> None:
    result = small_seeded_registry.seed
    async with OciProvider(small_seeded_registry.host) as provider:
        rich = await provider.get_tag(seed.RICH, "latest")
        assert rich.digest == result.digest(seed.RICH, "latest")
        assert rich.image is not None
        config = rich.image.config
        assert config.env == tuple(tuple(e.split("=", 1)) for e in seed.RICH_ENV)
        assert config.labels[0] == ("org.opencontainers.image.title", "rich")
        made_layers = [c for c, empty in seed.RICH_HISTORY if not empty]
        assert [layer.created_by for layer in rich.image.layers] == made_layers

        docker2 = await provider.get_tag(seed.DOCKER2, "1.0")
        assert docker2.media_type == DOCKER_MANIFEST

        multi = await provider.get_tag(seed.MULTI, "latest")
        assert multi.media_type == OCI_INDEX
        assert [p.name for p in multi.runnable_platforms] == ["linux/amd64", "linux/arm64/v8"]
        assert len(multi.attestations) == 2
        runnable = {p.digest for p in multi.runnable_platforms}
        assert {a.attests for a in multi.attestations} == runnable
        assert all(p.size for p in multi.runnable_platforms)

        listed = await provider.get_tag(seed.DOCKER_LIST_REPO, "latest")
        assert listed.media_type == DOCKER_LIST
        assert len(listed.runnable_platforms) == 2

        hostile = await provider.get_tag(seed.HOSTILE, "latest")
        assert hostile.image is not None
        # The provider hands registry text over untouched; rendering is the UI's care.
        assert dict(hostile.image.config.labels) == seed.HOSTILE_LABELS

        versions = [t.name for t in await provider.list_tags(seed.RICH)]
        assert versions == ["latest", "prod", "staging", "v1", "v2", "v10"]
