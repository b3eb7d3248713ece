"""The short badge an image row shows for what refers to it (``sig sbom``), without Textual;
the tag catalog sets carrier tags apart (``TagCatalog``)."""

from __future__ import annotations

from collections.abc import Iterable

from tagtui.model import ReferrerKind

# Each kind's word in a badge, in the order a badge lists them.
BADGE_WORDS = {
    ReferrerKind.SIGNATURE: "sig",
    ReferrerKind.SBOM: "sbom",
    ReferrerKind.ATTESTATION: "att",
    ReferrerKind.OTHER: "ref",
}


def badge_of_kinds(kinds: Iterable[ReferrerKind]) -> str:
    """The badge of these kinds: each once, in ``BADGE_WORDS`` order."""
    present = set(kinds)
    return " ".join(word for kind, word in BADGE_WORDS.items() if kind in present)
