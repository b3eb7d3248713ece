"""Many tags of one repository deleted at once: the planning steps every provider shares.

A bulk delete starts from one plan per tag (each provider's own safe single-tag plan). Tags on
one digest that all go become one plan that deletes the digest, where the provider can: the
image itself goes and its space can be reclaimed, in one request instead of one per tag. The
same plan reached from several tags counts once. Nothing here may remove a tag outside
``names``: ``only_what_was_asked`` turns every plan that would into an ``Unplanned`` tag.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable, Collection, Hashable, Iterable, Iterator, Sequence
from contextvars import ContextVar
from typing import Any, TypeVar

from tagtui.errors import TagtuiError
from tagtui.model import DeletePlan, PlannedDeletes, Unplanned
from tagtui.natsort import natural_sorted
from tagtui.providers.single_flight import single_flight
from tagtui.text import join_names

# Single-tag plans computed at once by the default ``plan_deletes``.
PLAN_CONCURRENCY = 8

_T = TypeVar("_T")
# What the single-tag plans of one bulk plan read in common (key -> the one read); None outside.
_SHARED: ContextVar[dict[Hashable, asyncio.Future[Any]] | None] = ContextVar(
    "tagtui_shared_reads", default=None
)


@contextlib.contextmanager
def reads_shared() -> Iterator[None]:
    """Within: ``read_once`` reads each key once (one bulk plan, all its single-tag plans)."""
    token = _SHARED.set({})
    try:
        yield
    finally:
        _SHARED.reset(token)


async def read_once(key: Hashable, read: Callable[[], Awaitable[_T]]) -> _T:
    """``read()``; within ``reads_shared``, once for every plan asking with ``key``: a bulk
    plan lists the repository once for all its tags, not once per tag."""
    shared = _SHARED.get()
    if shared is None:
        return await read()
    return await single_flight(shared, key, read, keep=True)


async def plan_each(
    names: Sequence[str], plan_one: Callable[[str], Awaitable[DeletePlan]]
) -> tuple[list[DeletePlan], list[Unplanned]]:
    """``plan_one`` for every name, a few at a time; a tag that cannot be planned is kept with
    the reason (one failure does not stop the rest)."""
    limit = asyncio.Semaphore(PLAN_CONCURRENCY)

    async def one(name: str) -> DeletePlan | Unplanned:
        async with limit:
            try:
                return await plan_one(name)
            except TagtuiError as err:
                return Unplanned(name, str(err))

    outcomes = await asyncio.gather(*(one(name) for name in names))
    plans = [o for o in outcomes if isinstance(o, DeletePlan)]
    unplanned = [o for o in outcomes if isinstance(o, Unplanned)]
    return plans, unplanned


def whole_digest_candidates(
    plans: Iterable[DeletePlan], names: Collection[str], *, always: bool
) -> list[DeletePlan]:
    """One plan per digest whose every tag is being deleted, where deleting the digest does
    better than deleting its tags one by one: always (``always``: the provider frees the image
    that way), or when the tags share the digest or the tag alone is refused."""
    chosen: dict[str, DeletePlan] = {}
    asked = set(names)
    for plan in plans:
        digest = plan.digest
        if digest is None or plan.whole_digest or digest in chosen:
            continue
        on_digest = set(plan.shared_tags) | {plan.tag}
        if not on_digest <= asked:
            continue
        if always or len(on_digest) > 1 or plan.refused:
            chosen[digest] = plan
    return list(chosen.values())


def merge_plans(
    repository: str,
    names: Sequence[str],
    plans: Iterable[DeletePlan],
    whole: Iterable[DeletePlan],
    unplanned: Iterable[Unplanned] = (),
) -> PlannedDeletes:
    """Tag plans, with the digests in ``whole`` replacing the tag plans of their tags; the same
    plan reached from several tags once; then ``only_what_was_asked``."""
    whole = list(whole)
    covered = {name for plan in whole for name in plan.removes}
    merged: list[DeletePlan] = list(whole)
    seen: set[frozenset[str]] = {frozenset(plan.removes) for plan in whole}
    for plan in plans:
        key = frozenset(plan.removes)
        if plan.tag in covered or key in seen:
            continue
        seen.add(key)
        merged.append(plan)
    return only_what_was_asked(repository, names, merged, list(unplanned))


def only_what_was_asked(
    repository: str, names: Sequence[str], plans: list[DeletePlan], unplanned: list[Unplanned]
) -> PlannedDeletes:
    """Drop every plan that would remove a tag outside ``names`` (Tutum's whole image with a
    tag left unmarked, say) and every plan the registry is documented to refuse; their tags
    stay, each with the reason."""
    asked = set(names)
    kept: list[DeletePlan] = []
    left = list(unplanned)
    for plan in plans:
        extra = [name for name in plan.removes if name not in asked]
        mine = [name for name in plan.removes if name in asked] or [plan.tag]
        if extra:
            extra = natural_sorted(extra)
            reason = (
                f"deleting it would also delete {join_names(extra)}, "
                f"{'which is' if len(extra) == 1 else 'which are'} not being deleted"
            )
            left += [Unplanned(name, reason) for name in mine]
        elif plan.refused:
            left += [Unplanned(name, plan.refused) for name in mine]
        else:
            kept.append(plan)
    planned = {name for plan in kept for name in plan.removes}
    left = [u for u in left if u.tag not in planned]
    return PlannedDeletes(repository, tuple(kept), tuple(_once_each(left)))


def _once_each(unplanned: list[Unplanned]) -> list[Unplanned]:
    seen: set[str] = set()
    out = []
    for item in unplanned:
        if item.tag not in seen:
            seen.add(item.tag)
            out.append(item)
    return out
