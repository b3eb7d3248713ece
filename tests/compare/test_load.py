"""The engine's loader against a real registry, as the TUI's compare view will call it: two
tags of one provider (any repositories), an index on a shared platform, the errors."""

from __future__ import annotations

import pytest

from tagtui.compare import Ref, load_comparison
from tagtui.errors import NotFound, UsageError
from tagtui.providers.oci.provider import OciProvider
from tagtui.session.view import WantedPlatform
from tests.compare.conftest import APP, MULTI, OTHER, CompareRegistry

pytestmark = pytest.mark.real


async def test_two_repositories_of_one_provider(compare_registry: CompareRegistry) -> None:
    async with OciProvider(compare_registry.host) as provider:
        comparison = await load_comparison(provider, Ref(APP, "v1"), Ref(OTHER, "v2"))
    assert comparison.a.reference == compare_registry.ref(f"{APP}:v1")
    assert comparison.b.digest == compare_registry.digests[f"{OTHER}:v2"]
    assert not comparison.identical and not comparison.config_equal
    assert [c.name for c in comparison.changes("ports")] == ["53/udp", "8080/tcp"]
    assert comparison.layers.base == 2 and len(comparison.layers.only_in_b) == 2


async def test_an_index_pair_and_another_platform(compare_registry: CompareRegistry) -> None:
    async with OciProvider(compare_registry.host) as provider:
        preferred = await load_comparison(provider, Ref(MULTI, "1"), Ref(MULTI, "2"))
        arm = WantedPlatform("linux", "arm64")
        chosen = await load_comparison(provider, Ref(MULTI, "1"), Ref(MULTI, "2"), platform=arm)
    assert preferred.a.platform == preferred.b.platform == "linux/amd64"
    assert preferred.a.platforms == ("linux/amd64", "linux/arm64/v8")  # to choose another from
    assert chosen.a.platform == chosen.b.platform == "linux/arm64/v8"
    assert chosen.a.image_digest != preferred.a.image_digest
    assert chosen.a.digest == preferred.a.digest == compare_registry.digests[f"{MULTI}:1"]


async def test_errors(compare_registry: CompareRegistry) -> None:
    async with OciProvider(compare_registry.host) as provider:
        with pytest.raises(NotFound):
            await load_comparison(provider, Ref(APP, "v1"), Ref(APP, "gone"))
        amd = WantedPlatform("linux", "amd64")
        with pytest.raises(UsageError, match=r"has no platform linux/amd64 \(available: "):
            await load_comparison(provider, Ref(MULTI, "1"), Ref(MULTI, "arm-only"), platform=amd)
