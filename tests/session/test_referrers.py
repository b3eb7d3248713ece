"""Carrier tags set apart from images (the catalog), and the badge of what refers to an image."""

from __future__ import annotations

from tagtui.model import Referrer, ReferrerKind, Tag
from tagtui.session.catalog import TagCatalog
from tagtui.session.referrers import badge_of_kinds

HEX = "ab" * 32


def referrer(kind: ReferrerKind, n: int) -> Referrer:
    return Referrer(f"sha256:{n:064x}", None, None, kind)


def badge(found: list[Referrer]) -> str:
    return badge_of_kinds(r.kind for r in found)


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
    catalog = TagCatalog()
    catalog.load("app", [Tag(name) for name in names])
    images = list(catalog.order)
    carriers = [name for name in names if catalog.is_carrier(name)]
    assert images == ["latest", "v1", "sha256-x"]
    assert carriers == [
        f"sha256-{HEX}",
        f"sha256-{HEX}.sig",
        f"sha256-{HEX}.sbom",
    ]
