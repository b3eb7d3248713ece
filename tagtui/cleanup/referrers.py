"""The referrers of an image a delete removes: found while planning, deleted only on request.

Deleting an image leaves its signatures, SBOMs and attestations behind, orphaned: this module
finds them for a plan (``referrers_of``), says whether a provider can delete them
(``why_referrers_stay``), and deletes them when the user explicitly chose so
(``delete_referrers``): first the tags that carry them (each still pointing where it did when
planned, and no tag outside the confirmed ones on the same digest), then the referrer
manifests by digest (no tag outside the confirmed ones pointing at them). Everything goes
through the provider's own safe plan and delete, which check again just before acting.
"""

from __future__ import annotations

import asyncio
from collections.abc import Collection, Iterable, Iterator, Sequence
from typing import TYPE_CHECKING

from tagtui.cleanup.run import DELETED, FAILED, NOT_STARTED, SKIPPED, Outcome
from tagtui.errors import DeleteAborted, NotFound, TagtuiError
from tagtui.model import CarrierTag, DeletePlan, Referrer, ReferrersOf, Tag
from tagtui.natsort import natural_key
from tagtui.providers.base import Provider
from tagtui.referrers import carrier_of, fallback_tag, legacy_tags
from tagtui.text import agree, short_digest

if TYPE_CHECKING:
    from tagtui.cleanup.plan import DigestGroup

NOT_FOUND_BY_DIGEST = "not found by digest: already gone, or deleted with its carrier tag"

# What the confirmation says happens to referrers left behind (the default).
ORPHANED_NOTE = (
    "By default they stay, orphaned (their subject is gone): the referrers API no longer "
    "finds them from the image, and distribution garbage-collects them only once deleted."
)


def why_referrers_stay(provider: Provider) -> str | None:
    """Why ``provider`` cannot delete referrers (they are manifests of their own, found by
    digest), or None when it can."""
    capabilities = provider.capabilities
    if not capabilities.delete:
        return capabilities.note or f"{provider.display_name} does not allow deleting"
    if not capabilities.digest_delete:
        return f"{provider.display_name} cannot delete manifests by digest"
    return None


class ListedTags(Collection[str]):
    """Every tag name of a repository, its referrer carrier tags indexed by the digest they
    are about: one pass over the names for all the images of a clean-up, not one per image."""

    def __init__(self, names: Iterable[str]) -> None:
        self._names = frozenset(names)
        self._carriers: dict[str, list[str]] = {}
        for name in self._names:
            carrier = carrier_of(name)
            if carrier is not None:
                self._carriers.setdefault(carrier.subject, []).append(name)

    def __contains__(self, name: object) -> bool:
        return name in self._names

    def __iter__(self) -> Iterator[str]:
        return iter(self._names)

    def __len__(self) -> int:
        return len(self._names)

    @property
    def has_carriers(self) -> bool:
        return bool(self._carriers)

    def carriers(self, digest: str) -> list[str]:
        """The listed carrier tags about ``digest`` (cosign's and the fallback tag)."""
        return self._carriers.get(digest, [])


def referrer_label(referrer: Referrer) -> str:
    """``signature 1a2b3c4d5e6f`` — what a result line names."""
    return f"{referrer.kind.value} {short_digest(referrer.digest)}"


async def referrers_of(
    provider: Provider,
    repository: str,
    digest: str,
    *,
    tags: Collection[str] | None = None,
    going: Collection[str] = (),
) -> ReferrersOf:
    """What refers to ``digest`` and the tags carrying it, with the digests they point at now.

    ``tags``: every tag name of the repository, carrier tags included, when the caller
    listed them all (cosign's tags are looked up in it); ``going``: tags the delete removes
    anyway (not carrier tags to delete separately). A failed lookup is said in
    ``unchecked``, never raised: the delete itself does not depend on it.
    """
    if tags is not None and not isinstance(tags, ListedTags):
        tags = ListedTags(tags)
    if tags is not None and not tags.has_carriers:
        # A list without a single carrier tag may be one that leaves them out (the tag tree
        # hides them): ask for them by name rather than trust it.
        tags = None
    try:
        found = await provider.referrers(repository, digest, tags=tags)
        names = _carrier_names(digest, found, tags)
        carriers = await _resolve(provider, repository, [n for n in names if n not in going])
    except TagtuiError as err:
        return ReferrersOf(digest, unchecked=str(err) or type(err).__name__)
    ordered = sorted(found, key=lambda r: (r.kind.value, r.tag or "", r.digest))
    return ReferrersOf(digest, tuple(ordered), carriers)


def _carrier_names(digest: str, found: Sequence[Referrer], tags: ListedTags | None) -> list[str]:
    """cosign's tags and the fallback tag of ``digest``: those listed, else those a referrer
    was found under plus the fallback tag (resolved next; a missing one drops out)."""
    if tags is not None:
        names = set(tags.carriers(digest))
    else:
        names = {r.tag for r in found if r.tag} | {fallback_tag(digest)}
        names &= {fallback_tag(digest), *legacy_tags(digest)}
    return sorted(names, key=natural_key)


async def _resolve(provider: Provider, repository: str, names: list[str]) -> tuple[CarrierTag, ...]:
    if not names:
        return ()
    resolved = [t async for t in provider.resolve_tags(repository, [Tag(n) for n in names])]
    carriers = [CarrierTag(t.name, t.digest) for t in resolved if t.digest]
    return tuple(sorted(carriers, key=lambda c: natural_key(c.name)))


async def plan_with_referrers(
    provider: Provider, plan: DeletePlan, *, tags: Collection[str] | None = None
) -> DeletePlan:
    """``plan`` with the referrers of the image it removes; unchanged when the image stays or
    the provider does not look for referrers."""
    from dataclasses import replace

    if not provider.capabilities.referrers or not plan.digest or not plan.removes_image:
        return plan
    found = await referrers_of(
        provider, plan.repository, plan.digest, tags=tags, going=plan.removes
    )
    return replace(plan, referrers=found)


def carrier_label(name: str) -> str:
    return f"tag {name}"


def deleted_carrier_tags(confirmed: ReferrersOf, outcomes: Sequence[Outcome]) -> list[str]:
    """The carrier tags ``delete_referrers`` deleted: they leave the tag list."""
    done = {o.tag for o in outcomes if o.status == DELETED}
    return [c.name for c in confirmed.carrier_tags if carrier_label(c.name) in done]


async def delete_referrers(
    provider: Provider, repository: str, confirmed: ReferrersOf
) -> list[Outcome]:
    """Delete what ``confirmed`` lists, each checked again just before; one outcome per
    carrier tag and per referrer, never raising."""
    outcomes: list[Outcome] = []
    carrier_names = {c.name for c in confirmed.carrier_tags}
    gone: dict[str, str] = {}  # digest -> the carrier tag deleted with it
    for carrier in confirmed.carrier_tags:
        outcome = await _delete_one(
            provider, repository, carrier.name, carrier_label(carrier.name), carrier_names, carrier
        )
        if outcome.status == DELETED:
            gone[carrier.digest] = carrier.name
        outcomes.append(outcome)
    for referrer in confirmed.referrers:
        label = referrer_label(referrer)
        if referrer.digest in gone:
            outcomes.append(Outcome(label, DELETED, f"with its tag {gone[referrer.digest]}"))
            continue
        outcomes.append(
            await _delete_one(provider, repository, referrer.digest, label, carrier_names)
        )
    return outcomes


async def _delete_one(
    provider: Provider,
    repository: str,
    reference: str,
    label: str,
    confirmed_tags: set[str],
    carrier: CarrierTag | None = None,
) -> Outcome:
    """One carrier tag or referrer manifest, by a whole-digest plan made now: skipped when the
    tag moved or a tag nobody confirmed points at the same digest."""
    try:
        plan = await provider.plan_delete(repository, reference, whole_digest=True)
    except NotFound:
        # A layout plans by tag only: an untagged manifest is collected with the last tag
        # or index holding it, which is not known here; so never claimed deleted.
        why = "gone since the plan" if carrier is not None else NOT_FOUND_BY_DIGEST
        return Outcome(label, SKIPPED, why)
    except TagtuiError as err:
        return Outcome(label, FAILED, str(err))
    if carrier is not None and plan.digest != carrier.digest:
        return Outcome(
            label,
            SKIPPED,
            f"now points at {short_digest(plan.digest)}, not at "
            f"{short_digest(carrier.digest)} as planned",
        )
    others = sorted((n for n in plan.removes if n not in confirmed_tags), key=natural_key)
    if others:
        reason = f"{agree(others, 'points', 'point')} at it too, not confirmed for deletion"
        return Outcome(label, SKIPPED, reason)
    try:
        await provider.delete(plan)
    except DeleteAborted as err:
        return Outcome(label, SKIPPED, str(err))
    except TagtuiError as err:
        return Outcome(label, FAILED, str(err))
    return Outcome(label, DELETED)


async def delete_referrers_of_groups(
    provider: Provider,
    repository: str,
    groups: Sequence[DigestGroup],
    outcomes: Sequence[Outcome],
    *,
    stop: asyncio.Event | None = None,
) -> list[Outcome]:
    """After a bulk delete: the referrers of each image that went, deleted; those of an image
    whose tags were not all deleted are left alone (``not started``), as are all those left
    when ``stop`` is set."""
    status = {o.tag: o.status for o in outcomes}
    done: list[Outcome] = []
    for group in groups:
        confirmed = group.referrers
        if confirmed is None or not confirmed.anything:
            continue
        if stop is not None and stop.is_set():
            done += not_started(confirmed, "cancelled before their turn")
        elif all(status.get(name) == DELETED for name in group.going):
            done += await delete_referrers(provider, repository, confirmed)
        else:
            why = f"the image {short_digest(group.digest)} was not removed"
            done += not_started(confirmed, why)
    return done


def not_started(confirmed: ReferrersOf, reason: str) -> list[Outcome]:
    """The outcomes when the image itself was not deleted: its referrers are left alone."""
    labels = [carrier_label(c.name) for c in confirmed.carrier_tags]
    labels += [referrer_label(r) for r in confirmed.referrers]
    return [Outcome(label, NOT_STARTED, reason) for label in labels]
