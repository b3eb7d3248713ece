"""Carrier tags set apart from images, and the badge of what refers to an image."""

from __future__ import annotations

from tagtui.model import Referrer, ReferrerKind, Tag
from tagtui.session.referrers import badge, split_carriers

HEX = "ab" * 32


def referrer(kind: ReferrerKind, n: int) -> Referrer:
    return Referrer(f"sha256:{n:064x}", None, None, kind)


def test_badge_names_each_kind_once_signatures_first() -> None:
    found = [
        referrer(ReferrerKind.SBOM, 1),
        referrer(ReferrerKind.SIGNATURE, 2),
        referrer(ReferrerKind.SIGNATURE, 3),
        referrer(ReferrerKind.OTHER, 4),
    ]
    assert badge(found) == "sig sbom ref"
    assert badge([referrer(ReferrerKind.ATTESTATION, 5)]) == "att"
    assert badge([]) == ""


def test_carriers_are_set_apart_in_order() -> None:
    names = ["latest", f"sha256-{HEX}", "v1", f"sha256-{HEX}.sig", f"sha256-{HEX}.sbom", "sha256-x"]
    images, carriers = split_carriers(Tag(name) for name in names)
    assert [t.name for t in images] == ["latest", "v1", "sha256-x"]
    assert [t.name for t in carriers] == [
        f"sha256-{HEX}",
        f"sha256-{HEX}.sig",
        f"sha256-{HEX}.sbom",
    ]
