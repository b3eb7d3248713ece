"""Loading the two sides of a comparison through the view rule (``session.view``).

Both sides are tags (or digests) of one provider, in the same or different repositories. For an
index the image compared is the one ``session.view.tag_image`` picks: the platform asked for,
else the preferred one — and when the other side has the platform this side compares, both
compare that one (linux/amd64 against linux/amd64, not against the other's first platform).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Literal

from tagtui.compare.engine import compare
from tagtui.compare.model import Comparison, Side
from tagtui.errors import NotFound, UsageError
from tagtui.model import TagDetail, preferred_platform
from tagtui.providers.base import Provider
from tagtui.session.view import PlatformChoice, WantedPlatform, tag_image

# What to compare of an index: the preferred platform (shared by both sides when it can be), or
# the one named with --platform (both sides must have it).
CompareChoice = Literal["preferred"] | WantedPlatform


@dataclass(frozen=True)
class Ref:
    """A tag (or ``sha256:…`` digest) in a repository of the provider; ``platform``: the one
    the user pointed at under an index (its row in the tag tree), compared first."""

    repository: str
    name: str
    platform: WantedPlatform | None = None


def _own_platform(detail: TagDetail) -> WantedPlatform | None:
    """The platform a side compares when nothing else decides: an index's preferred one, a
    single image's own."""
    if detail.is_index:
        entry = preferred_platform(detail.runnable_platforms)
        if entry is None:
            return None
        return WantedPlatform(entry.os, entry.architecture, entry.variant)
    config = detail.image.config if detail.image is not None else None
    if config is None or not (config.os and config.architecture):
        return None
    return WantedPlatform(config.os, config.architecture, config.variant)


def _fit(detail: TagDetail, anchor: WantedPlatform | None) -> PlatformChoice:
    """The anchor platform if this index has it (with the variant, else os/arch alone), else
    the index's preferred platform."""
    if anchor is None or not detail.is_index:
        return "preferred"
    loose = WantedPlatform(anchor.os, anchor.architecture)
    for wanted in (anchor, loose):
        if any(wanted.matches(p) for p in detail.runnable_platforms):
            return wanted
    return "preferred"


def platform_choices(
    a: TagDetail,
    b: TagDetail,
    platform: CompareChoice = "preferred",
    *,
    anchor: WantedPlatform | None = None,
) -> tuple[PlatformChoice, PlatformChoice]:
    """Which platform each side compares: ``platform`` when named; else ``anchor`` (a platform
    pointed at), A's own platform or B's, on each index that has it, else that index's
    preferred one."""
    if platform != "preferred":
        return platform, platform
    anchor = anchor or _own_platform(a) or _own_platform(b)
    return _fit(a, anchor), _fit(b, anchor)


async def load_side(
    provider: Provider, ref: Ref, detail: TagDetail, choice: PlatformChoice
) -> Side:
    """The side ``detail`` (already fetched) gives with ``choice``.

    A platform the reference does not have is a ``UsageError`` naming the ones it has.
    """
    try:
        image, chosen = await tag_image(provider, ref.repository, detail, choice)
    except NotFound as err:
        # tag_image refuses a platform before any request; a NotFound for a platform the
        # index does list comes from the registry (a missing manifest) and stays one.
        listed = isinstance(choice, WantedPlatform) and any(
            choice.matches(p) for p in detail.runnable_platforms
        )
        if isinstance(choice, WantedPlatform) and not listed:
            raise UsageError(str(err)) from None
        raise
    if image is None:
        raise NotFound(f"{detail.reference} is an index with no runnable platform to compare")
    return Side.of(detail, image, chosen)


async def load_comparison(
    provider: Provider, a: Ref, b: Ref, *, platform: CompareChoice = "preferred"
) -> Comparison:
    """Fetch both references (concurrently), pick the platforms, compare."""
    detail_a, detail_b = await asyncio.gather(
        provider.get_tag(a.repository, a.name), provider.get_tag(b.repository, b.name)
    )
    if platform == "preferred" and a.platform is not None and b.platform is not None:
        # Two platforms pointed at (one tag's amd64 against its arm64): each side its own.
        choice_a, choice_b = _fit(detail_a, a.platform), _fit(detail_b, b.platform)
    else:
        anchor = a.platform or b.platform
        choice_a, choice_b = platform_choices(detail_a, detail_b, platform, anchor=anchor)
    side_a, side_b = await asyncio.gather(
        load_side(provider, a, detail_a, choice_a), load_side(provider, b, detail_b, choice_b)
    )
    return compare(side_a, side_b)
