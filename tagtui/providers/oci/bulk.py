"""Many tags of one repository deleted at once, on a registry speaking the OCI API.

Planning looks at the repository once (the tag list, one HEAD per tag the list gives no digest
for) instead of once per tag. A digest whose every tag goes is deleted by digest (the image goes
with its tags, so a garbage collection can free its blobs); the other tags go one by one, each
by the single-tag method, their siblings kept. Carrying out the plans takes one fresh look at
the tags that stay, before the first digest delete, so that a tag pushed onto a digest since the
plan stops that digest's delete; every tag is resolved again just before its own delete.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import AsyncIterator, Awaitable, Callable, Collection, Mapping, Sequence
from dataclasses import replace

from tagtui.errors import TagtuiError
from tagtui.model import (
    DeleteMethod,
    DeletePlan,
    DeleteResult,
    Footprint,
    PlannedDeletes,
    Tag,
    Unplanned,
)
from tagtui.natsort import natural_sorted
from tagtui.providers.base import DeleteBatch, Provider, each_finished
from tagtui.providers.bulk_delete import merge_plans, whole_digest_candidates
from tagtui.providers.manifest_model import footprint_of
from tagtui.providers.oci.delete import OciDeleter, plan_for
from tagtui.providers.oci.manifests import Manifest


async def plan_deletes(
    deleter: OciDeleter,
    repository: str,
    names: Sequence[str],
    protected: Collection[str],
    known: Mapping[str, str],
) -> PlannedDeletes:
    support = await deleter.prepare(repository)
    digests = await deleter.tag_digests(repository, known=known)
    on_digest: dict[str, list[str]] = defaultdict(list)
    for name, digest in digests.items():
        on_digest[digest].append(name)
    plans: list[DeletePlan] = []
    unplanned: list[Unplanned] = []
    for name in names:
        digest = digests.get(name)
        if digest is None:
            unplanned.append(Unplanned(name, f"{name} no longer exists"))
            continue
        sharing = natural_sorted(on_digest[digest])
        plans.append(
            plan_for(repository, name, digest, sharing, support=support, whole_digest=False)
        )
    whole = [
        plan_for(
            repository,
            plan.tag,
            plan.digest or "",
            list(plan.shared_tags),
            support=support,
            whole_digest=True,
        )
        for plan in whole_digest_candidates(plans, names, always=True)
        if plan.digest not in protected
    ]
    return merge_plans(repository, names, plans, whole, unplanned)


class OciDeleteBatch(DeleteBatch):
    """Tag plans go through the deleter as single deletes do; digest plans are checked against
    one fresh look at the tags that stay, taken before the first of them."""

    def __init__(
        self, provider: Provider, deleter: OciDeleter, repository: str, plans: Sequence[DeletePlan]
    ) -> None:
        super().__init__(provider)
        self._deleter = deleter
        self._repository = repository
        self._going = frozenset(name for plan in plans for name in plan.removes)
        self._staying: asyncio.Task[dict[str, list[str]]] | None = None

    async def delete(self, plan: DeletePlan) -> DeleteResult:
        if plan.method is not DeleteMethod.DIGEST_DELETE:
            return await self._deleter.delete(plan)
        staying = await self._staying_on_digests()
        return await self._deleter.delete_digest_checked(plan, staying.get(plan.digest or "", []))

    async def _staying_on_digests(self) -> dict[str, list[str]]:
        if self._staying is None:
            self._staying = asyncio.ensure_future(self._look())
        return await asyncio.shield(self._staying)

    async def _look(self) -> dict[str, list[str]]:
        digests = await self._deleter.tag_digests(self._repository, skip=self._going)
        staying: dict[str, list[str]] = defaultdict(list)
        for name, digest in digests.items():
            staying[digest].append(name)
        return staying


def resolve_each(
    fetch: Callable[[str, str], Awaitable[Manifest]],
    remember: Callable[[str, Manifest], None],
    repository: str,
    tags: list[Tag],
) -> AsyncIterator[Tag]:
    """Each tag with its digest, from one GET of its manifest (kept by ``remember``), in the
    order they finish; as listed when it cannot be read."""

    async def one(tag: Tag) -> Tag:
        if tag.digest is not None:
            return tag
        manifest = await fetch(repository, tag.name)
        remember(repository, manifest)
        return replace(tag, digest=manifest.digest, media_type=manifest.media_type)

    return each_finished(tags, one)


async def footprint(
    fetch: Callable[[str, str], Awaitable[Manifest]], repository: str, digest: str
) -> Footprint:
    manifest = await fetch(repository, digest)
    if not manifest.is_index:
        return footprint_of(manifest, [])

    async def child(d: str) -> Manifest | None:
        try:
            return await fetch(repository, d)
        except TagtuiError:
            return None

    children = await asyncio.gather(*(child(d.digest) for d in manifest.manifests))
    return footprint_of(manifest, children)
