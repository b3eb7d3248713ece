"""One cleanup plan for many tags: what goes, grouped by digest, what stays beside it, and the
bytes a garbage collection can then free.

The provider plans the deletes (``Provider.plan_deletes``: never a tag that was not asked
for); this module adds what a person confirms against: per digest, the tags that go and the
tags that stay on it, the method, and the reclaimable bytes — the config and layer blobs of the
manifests that lose their last tag that no manifest staying in the repository uses.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from tagtui.cleanup.referrers import ListedTags, referrers_of
from tagtui.cleanup.rules import utc
from tagtui.errors import TagtuiError
from tagtui.model import DeleteMethod, Footprint, PlannedDeletes, ReferrersOf, Tag, Unplanned
from tagtui.natsort import natural_key
from tagtui.providers.base import Provider

# Footprints (manifests read) at once while planning.
FOOTPRINT_CONCURRENCY = 16
# How reclaimable bytes are counted, and when they are freed.
COUNTED = "compressed, counted once per blob"
GC_NOTE = (
    "space is freed only after the registry's garbage collection "
    "(distribution: registry garbage-collect)"
)
NOT_LISTED = "not known: this registry's API does not list the blobs of an image"


@dataclass(frozen=True)
class DigestGroup:
    """The tags of one digest in a cleanup: those that go and those that stay on it."""

    digest: str | None
    going: tuple[str, ...]
    staying: tuple[str, ...]
    method: DeleteMethod
    # No tag is left on the digest and no index that stays refers to it: its manifest is
    # deleted (or left untagged, where the registry deletes tags by name), its blobs freed.
    image_removed: bool
    # What refers to the image it removes (``image_removed``); None when nobody looked.
    referrers: ReferrersOf | None = None


@dataclass(frozen=True)
class CleanupPlan:
    repository: str
    planned: PlannedDeletes
    groups: tuple[DigestGroup, ...]
    # Bytes the deleted manifests alone hold; None when the provider cannot say.
    reclaimable: int | None
    # How ``reclaimable`` was counted, or why it is not known.
    reclaimable_note: str

    @property
    def going(self) -> tuple[str, ...]:
        return tuple(name for group in self.groups for name in group.going)

    @property
    def images_removed(self) -> int:
        """Digests left without a tag: their manifests go (or become untagged)."""
        return sum(1 for group in self.groups if group.image_removed)

    @property
    def unplanned(self) -> tuple[Unplanned, ...]:
        return self.planned.unplanned

    @property
    def referrers(self) -> tuple[ReferrersOf, ...]:
        """What refers to the images removed: each image's referrers, or why they could not
        be checked."""
        return tuple(
            group.referrers
            for group in self.groups
            if group.referrers is not None
            and (group.referrers.anything or group.referrers.unchecked is not None)
        )

    @property
    def methods(self) -> tuple[DeleteMethod, ...]:
        return tuple(dict.fromkeys(group.method for group in self.groups))


async def describe_all(
    provider: Provider,
    repository: str,
    tags: Sequence[Tag],
    *,
    progress: Callable[[int, int], None] | None = None,
) -> list[Tag]:
    """Every tag with digest, date and size (the ones already described are kept as they
    are); an index's date is the newest of its runnable platforms."""
    described = await _complete(
        tags,
        lambda t: t.digest is not None and t.created is not None,
        lambda missing: provider.describe_tags(repository, missing),
        progress,
    )
    return await _newest_platform_dates(provider, repository, described)


async def resolve_all(
    provider: Provider,
    repository: str,
    tags: Sequence[Tag],
    *,
    progress: Callable[[int, int], None] | None = None,
) -> list[Tag]:
    """Every tag with its digest, dates not looked for (no rule needs them)."""
    return await _complete(
        tags,
        lambda t: t.digest is not None,
        lambda missing: provider.resolve_tags(repository, missing),
        progress,
    )


async def _complete(
    tags: Sequence[Tag],
    known: Callable[[Tag], bool],
    fetch: Callable[[list[Tag]], AsyncIterator[Tag]],
    progress: Callable[[int, int], None] | None,
) -> list[Tag]:
    """The ``known`` tags as they are, then those ``fetch`` completes for the others."""
    done = [t for t in tags if known(t)]
    missing = [t for t in tags if not known(t)]
    if progress is not None:
        progress(len(done), len(tags))
    async for tag in fetch(missing):
        done.append(tag)
        if progress is not None:
            progress(len(done), len(tags))
    return done


async def _newest_platform_dates(provider: Provider, repository: str, tags: list[Tag]) -> list[Tag]:
    """Each multi-platform tag dated by its newest runnable platform: one look per index
    digest (tags sharing it share the answer), a few at a time."""
    indexes: dict[str, str] = {}  # digest -> one tag naming it
    for tag in tags:
        if tag.digest is not None and (tag.platform_count or 0) >= 2:
            indexes.setdefault(tag.digest, tag.name)
    limit = asyncio.Semaphore(FOOTPRINT_CONCURRENCY)

    async def newest(digest: str, name: str) -> tuple[str, datetime | None]:
        async with limit:
            try:
                detail = await provider.get_tag(repository, name)
                images = await asyncio.gather(
                    *(provider.get_image(repository, p.digest) for p in detail.runnable_platforms)
                )
            except TagtuiError:
                return digest, None
        dates = [image.config.created for image in images if image.config.created is not None]
        return digest, max(dates, key=utc) if dates else None

    found = dict(await asyncio.gather(*(newest(d, n) for d, n in indexes.items())))
    return [
        replace(tag, created=created)
        if tag.digest is not None and (created := found.get(tag.digest)) is not None
        else tag
        for tag in tags
    ]


async def plan_cleanup(
    provider: Provider,
    repository: str,
    names: Iterable[str],
    tags: Sequence[Tag],
    *,
    listed: Collection[str] | None = None,
) -> CleanupPlan:
    """Plan deleting ``names`` (tags of ``repository``); ``tags`` is every tag of it, with
    the digests known (``describe_all``) so that what stays can be told apart. ``listed``:
    every tag name, referrer carriers too, where ``tags`` leaves them out (the tag tree's);
    None when the listing is not complete (carrier tags are then asked for by name)."""
    wanted = sorted(set(names), key=natural_key)
    going = set(wanted)
    digest_of = {t.name: t.digest for t in tags}
    footprints = await _footprints(provider, repository, {d for d in digest_of.values() if d})
    staying_digests = {d for n, d in digest_of.items() if n not in going and d}
    protected = {
        child
        for digest in staying_digests
        for child in (footprints.get(digest) or Footprint(blobs=())).manifests
    }
    known = {name: digest for name, digest in digest_of.items() if digest}
    planned = await provider.plan_deletes(repository, wanted, protected=protected, known=known)
    groups = _groups(planned, digest_of, protected)
    if provider.capabilities.referrers:
        every = listed if listed is not None else digest_of.keys()
        groups = await _with_referrers(provider, repository, groups, every)
    reclaimable, note = _reclaimable(planned, groups, digest_of, footprints)
    return CleanupPlan(repository, planned, groups, reclaimable, note)


async def _with_referrers(
    provider: Provider, repository: str, groups: tuple[DigestGroup, ...], names: Collection[str]
) -> tuple[DigestGroup, ...]:
    """Each removed image with what refers to it (``names``: every tag of the repository)."""
    going = {name for group in groups for name in group.going}
    # Read once for all the images, not once per image: a set to look names up in, and the
    # carrier tags by the digest they are about.
    listed = ListedTags(names)
    limit = asyncio.Semaphore(FOOTPRINT_CONCURRENCY)

    async def one(group: DigestGroup) -> DigestGroup:
        if not group.image_removed or group.digest is None:
            return group
        async with limit:
            found = await referrers_of(provider, repository, group.digest, tags=listed, going=going)
        return replace(group, referrers=found)

    return tuple(await asyncio.gather(*(one(group) for group in groups)))


async def _footprints(
    provider: Provider, repository: str, digests: set[str]
) -> dict[str, Footprint | None]:
    limit = asyncio.Semaphore(FOOTPRINT_CONCURRENCY)

    async def one(digest: str) -> tuple[str, Footprint | None]:
        async with limit:
            try:
                return digest, await provider.footprint(repository, digest)
            except TagtuiError:
                return digest, None

    return dict(await asyncio.gather(*(one(d) for d in sorted(digests))))


def _groups(
    planned: PlannedDeletes, digest_of: dict[str, str | None], protected: set[str]
) -> tuple[DigestGroup, ...]:
    """One group per digest (per plan where the provider plans without digests: Tutum)."""
    going = {name for plan in planned.plans for name in plan.removes}
    tags_on: dict[str, set[str]] = {}
    for name, digest in digest_of.items():
        if digest is not None:
            tags_on.setdefault(digest, set()).add(name)
    merged: dict[object, DigestGroup] = {}
    for index, plan in enumerate(planned.plans):
        key: object = plan.digest if plan.digest is not None else index
        on_digest = set(plan.shared_tags)
        if plan.digest is not None:
            on_digest |= tags_on.get(plan.digest, set())
        earlier = merged.get(key)
        names = set(plan.removes) | set(earlier.going if earlier else ())
        staying = on_digest - going | set(earlier.staying if earlier else ())
        merged[key] = DigestGroup(
            digest=plan.digest,
            going=tuple(sorted(names, key=natural_key)),
            staying=tuple(sorted(staying, key=natural_key)),
            method=earlier.method if earlier else plan.method,
            image_removed=not staying
            and (
                # Digest-less whole-image delete (Tutum): the image goes with its last tag.
                plan.method is DeleteMethod.API_IMAGE_DELETE
                if plan.digest is None
                else plan.digest not in protected
            ),
        )
    return tuple(sorted(merged.values(), key=lambda group: natural_key(group.going[0])))


def _reclaimable(
    planned: PlannedDeletes,
    groups: tuple[DigestGroup, ...],
    digest_of: dict[str, str | None],
    footprints: dict[str, Footprint | None],
) -> tuple[int | None, str]:
    if any(g.image_removed and g.digest is None for g in groups):
        # An image removed without a digest (Tutum): nothing says which blobs it held.
        return None, NOT_LISTED
    going = {name for group in groups for name in group.going}
    size, note = reclaimable_bytes(going, digest_of, footprints)
    if size is not None and all(g.method is DeleteMethod.LAYOUT_REF_DELETE for g in groups):
        # A local layout deletes the blobs nothing uses any more at once.
        note = f"{COUNTED}; freed at once (unused blobs are deleted)"
    return size, note


def reclaimable_bytes(
    going: set[str], digest_of: Mapping[str, str | None], footprints: Mapping[str, Footprint | None]
) -> tuple[int | None, str]:
    """The config and layer blobs of the manifests left without a tag (and no staying index
    referring to them) that no manifest staying in the repository uses; or None and why."""
    unknown = [n for n, d in digest_of.items() if d is None and n not in going]
    if unknown:
        return None, f"not known: {len(unknown):,} tags that stay could not be resolved"
    kept = {d for n, d in digest_of.items() if d and n not in going}
    if any(footprints.get(d) is None for d in kept):
        return None, NOT_LISTED
    kept_prints = [footprints[d] for d in kept]
    protected = {child for fp in kept_prints if fp for child in fp.manifests}
    freed = {d for n, d in digest_of.items() if d and n in going} - kept - protected
    if any(footprints.get(d) is None for d in freed):
        return None, NOT_LISTED
    blobs_kept = {blob for fp in kept_prints if fp for blob, _ in fp.blobs}
    sizes: dict[str, int] = {}
    for digest in freed:
        footprint = footprints[digest]
        assert footprint is not None
        for blob, size in footprint.blobs:
            if blob not in blobs_kept:
                sizes[blob] = size
    return sum(sizes.values()), f"{COUNTED}; {GC_NOTE}"


@dataclass(frozen=True)
class Footprints:
    """Every tag's digest and what each digest holds on to: enough to count reclaimable bytes
    for any choice of tags without asking the registry again (the rules dialog's preview)."""

    digest_of: Mapping[str, str | None]
    footprints: Mapping[str, Footprint | None]

    def reclaimable(self, going: set[str]) -> tuple[int | None, str]:
        return reclaimable_bytes(going, self.digest_of, self.footprints)


async def load_footprints(provider: Provider, repository: str, tags: Sequence[Tag]) -> Footprints:
    """``tags`` with their digests known (``describe_all``)."""
    digest_of = {t.name: t.digest for t in tags}
    digests = {d for d in digest_of.values() if d}
    return Footprints(digest_of, await _footprints(provider, repository, digests))
