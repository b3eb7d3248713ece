"""Repository totals and bytes unique to a tag (issue 10 §3), counted on the real registry and
checked against the blob sizes the seed pushed."""

from __future__ import annotations

from tagtui.cleanup.plan import Footprints, describe_all, load_footprints
from tagtui.cleanup.sizes import repository_sizes
from tagtui.model import Footprint
from tagtui.providers.oci.provider import OciProvider
from tests.cleanup.conftest import REPO, CleanupRepo


async def _sizes(repo: CleanupRepo):
    async with OciProvider(repo.host) as provider:
        tags = await provider.list_tags(REPO)
        described = await describe_all(provider, REPO, tags)
        return repository_sizes(await load_footprints(provider, REPO, described))


async def test_unique_bytes_and_the_deduplicated_total(cleanup_repo: CleanupRepo) -> None:
    sizes = await _sizes(cleanup_repo)
    # A PR build alone on its image: its config and its own layer (the base is shared).
    for tag in ("pr-1", "pr-6", "v1.0", "v1.1"):
        assert sizes.unique[tag] == cleanup_repo.own_bytes[tag]
    # v2.0, latest and pr-7 share one image: deleting one of them frees nothing.
    assert sizes.unique["v2.0"] == sizes.unique["latest"] == sizes.unique["pr-7"] == 0
    # multi-amd64 is reached through multi too; multi alone holds arm64's config only
    # (the one layer is shared by both platforms, amd64's config by multi-amd64).
    assert sizes.unique["multi-amd64"] == 0
    assert 0 < sizes.unique["multi"] < 2_000
    # Every blob once: the shared base, each image's own layer and config, multi's blobs.
    singles = sum(
        cleanup_repo.own_bytes[t]
        for t in ("v1.0", "v1.1", "v2.0", *(f"pr-{n}" for n in range(1, 7)))
    )
    assert sizes.total is not None and sizes.total > singles
    assert sizes.total < singles + 10_000


def test_total_unknown_when_a_footprint_is() -> None:
    known = Footprint(blobs=(("sha256:a", 10), ("sha256:b", 5)))
    prints = Footprints({"x": "sha256:1", "y": "sha256:2"}, {"sha256:1": known, "sha256:2": None})
    sizes = repository_sizes(prints)
    assert sizes.total is None
    assert sizes.unique == {"x": 15}


def test_shared_blobs_count_once_and_belong_to_no_tag() -> None:
    one = Footprint(blobs=(("sha256:base", 100), ("sha256:one", 7)))
    two = Footprint(blobs=(("sha256:base", 100), ("sha256:two", 9)))
    prints = Footprints({"a": "sha256:1", "b": "sha256:2"}, {"sha256:1": one, "sha256:2": two})
    sizes = repository_sizes(prints)
    assert sizes.total == 116
    assert sizes.unique == {"a": 7, "b": 9}
