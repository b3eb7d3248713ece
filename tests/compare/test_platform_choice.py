"""Which platform each side of a comparison loads (no network: the choice is made on details)."""

from __future__ import annotations

from tagtui.compare import platform_choices
from tagtui.model import Image, ImageConfig, Platform, TagDetail
from tagtui.session.view import WantedPlatform

INDEX = "application/vnd.oci.image.index.v1+json"
AMD = Platform("linux", "amd64", "sha256:amd")
ARM = Platform("linux", "arm64", "sha256:arm", variant="v8")
ARM_PLAIN = Platform("linux", "arm64", "sha256:arm2")
ATTESTATION = Platform("unknown", "unknown", "sha256:att", is_attestation=True)


def _index(*platforms: Platform) -> TagDetail:
    return TagDetail("r:i", "r", "i", "sha256:i", INDEX, platforms=platforms)


def _single(os: str | None, arch: str | None, variant: str | None = None) -> TagDetail:
    config = ImageConfig(os=os, architecture=arch, variant=variant)
    return TagDetail("r:s", "r", "s", "sha256:s", None, image=Image("sha256:s", None, config))


def test_two_indexes_compare_the_preferred_platform_of_both() -> None:
    amd64 = WantedPlatform("linux", "amd64")
    assert platform_choices(_index(ARM, AMD), _index(AMD, ARM)) == (amd64, amd64)


def test_the_other_index_follows_the_first_ones_platform() -> None:
    arm = WantedPlatform("linux", "arm64", "v8")
    assert platform_choices(_index(ATTESTATION, ARM), _index(AMD, ARM)) == (arm, arm)


def test_an_index_without_that_platform_compares_its_own_preferred() -> None:
    arm = WantedPlatform("linux", "arm64", "v8")
    assert platform_choices(_index(ARM), _index(AMD)) == (arm, "preferred")


def test_a_variant_the_other_does_not_spell_matches_on_os_and_architecture() -> None:
    a, b = platform_choices(_index(ARM), _index(AMD, ARM_PLAIN))
    assert b == WantedPlatform("linux", "arm64")
    assert a == WantedPlatform("linux", "arm64", "v8")


def test_a_single_image_sets_the_platform_of_the_index() -> None:
    arm = WantedPlatform("linux", "arm64", "v8")
    assert platform_choices(_single("linux", "arm64", "v8"), _index(AMD, ARM)) == (
        "preferred",
        arm,
    )


def test_a_side_without_a_platform_leaves_it_to_the_other() -> None:
    # An artifact (no os/architecture) first: the index's own preferred platform decides.
    amd64 = WantedPlatform("linux", "amd64")
    assert platform_choices(_single(None, None), _index(ARM, AMD)) == ("preferred", amd64)


def test_a_named_platform_is_used_for_both() -> None:
    wanted = WantedPlatform("linux", "arm64")
    assert platform_choices(_index(AMD), _single("linux", "amd64"), wanted) == (wanted, wanted)
