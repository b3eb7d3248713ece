"""What the tag list makes of referrers, without Textual: carrier tags set apart, and the short
badge an image row shows for what refers to it (``sig sbom``)."""

from __future__ import annotations

from collections.abc import Iterable

from tagtui.model import Referrer, ReferrerKind, Tag
from tagtui.referrers import is_referrer_carrier

# Each kind's word in a badge, in the order a badge lists them.
BADGE_WORDS = {
    ReferrerKind.SIGNATURE: "sig",
    ReferrerKind.SBOM: "sbom",
    ReferrerKind.ATTESTATION: "att",
    ReferrerKind.OTHER: "ref",
}


def badge(referrers: Iterable[Referrer]) -> str:
    """``sig sbom``: each kind present once, signatures first; empty when nothing refers."""
    return badge_of_kinds(referrer.kind for referrer in referrers)


def badge_of_kinds(kinds: Iterable[ReferrerKind]) -> str:
    """The badge of these kinds: each once, in ``BADGE_WORDS`` order."""
    present = set(kinds)
    return " ".join(word for kind, word in BADGE_WORDS.items() if kind in present)


def split_carriers(tags: Iterable[Tag]) -> tuple[list[Tag], list[Tag]]:
    """``(images, carriers)``: the tags a list shows by default, and those that only carry
    signatures, SBOMs or attestations (``sha256-<hex>``, ``.sig``, ``.att``, ``.sbom``), each
    in the order given."""
    images: list[Tag] = []
    carriers: list[Tag] = []
    for tag in tags:
        (carriers if is_referrer_carrier(tag.name) else images).append(tag)
    return images, carriers
