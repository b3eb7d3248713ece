"""The one interface every provider implements; the CLI and the UI use nothing else.

A provider is the only code that knows a wire format. It turns JSON (or files) into the domain
model in ``tagtui.model`` and failures into ``tagtui.errors`` exceptions.
"""

from __future__ import annotations

import abc
from collections.abc import (
    AsyncIterator,
    Awaitable,
    Callable,
    Collection,
    Iterable,
    Mapping,
    Sequence,
)
from dataclasses import dataclass
from pathlib import Path

from tagtui.credentials import Credential
from tagtui.errors import BadResponse, NotFound, TagtuiError, Unsupported, UsageError
from tagtui.model import (
    Capabilities,
    DeletePlan,
    DeleteResult,
    Footprint,
    Image,
    PlannedDeletes,
    RateLimit,
    Referrer,
    Repository,
    Tag,
    TagDetail,
    Unplanned,
    preferred_platform,
)
from tagtui.natsort import natural_key

# describe_tag calls in flight at once for ``describe_tags``.
DESCRIBE_CONCURRENCY = 16


@dataclass(frozen=True)
class ConnectionOptions:
    """How to reach a network provider. Never holds a secret."""

    insecure: bool = False
    ca_cert: Path | None = None
    timeout: float = 30.0
    # Requests in flight at once against one registry.
    concurrency: int = 16
    # A manifest or image config larger than this is refused, not read into memory.
    max_blob_mib: int = 16
    # Keep manifests and configs fetched by digest in the on-disk cache (tagtui.cache.store).
    # Off unless the command line turns it on: a provider built in code writes no files.
    cache: bool = False


@dataclass(frozen=True)
class ProviderOptions:
    """What the command line (or config.toml) says about a vendor provider. Never a secret."""

    region: str | None = None
    namespace: str | None = None
    # Overrides the API base URL (self-hosted installs, tests).
    endpoint: str | None = None
    connection: ConnectionOptions = ConnectionOptions()


def sorted_tags(tags: Iterable[Tag], sort: str | None = None) -> list[Tag]:
    """Natural name order; ``"newest"``: dated tags newest first, then the undated by name."""
    tags = list(tags)
    if sort == "newest":
        # By name first: tags of the same date keep natural order (sorted() is stable).
        by_name = sorted_tags(t for t in tags if t.created)
        dated = sorted(by_name, key=lambda t: t.created, reverse=True)
        return dated + sorted_tags(t for t in tags if not t.created)
    return sorted(tags, key=lambda tag: natural_key(tag.name))


async def each_finished(
    tags: Iterable[Tag], one: Callable[[Tag], Awaitable[Tag]], *, limit: int | None = None
) -> AsyncIterator[Tag]:
    """``one(tag)`` for every tag, concurrently (at most ``limit`` at once), in the order they
    finish; a tag ``one`` cannot read (gone, broken, unsupported) comes back as listed."""
    import asyncio

    gate = asyncio.Semaphore(limit) if limit else None

    async def guarded(tag: Tag) -> Tag:
        try:
            if gate is None:
                return await one(tag)
            async with gate:
                return await one(tag)
        except (NotFound, BadResponse, Unsupported, UsageError):
            return tag

    for task in asyncio.as_completed([guarded(tag) for tag in tags]):
        yield await task


class Provider(abc.ABC):
    """A registry (or local store) seen as repositories -> tags -> images."""

    #: Short machine name: "oci", "layout", "scaleway", "ncr", "openshift", "tutum".
    kind: str = "abstract"
    #: Whether ``tag_pages`` yields its pages in natural order already (the default's one page).
    tag_pages_in_order: bool = True

    @property
    @abc.abstractmethod
    def display_name(self) -> str:
        """What the header shows, e.g. ``127.0.0.1:5000`` or ``scaleway fr-par``."""

    @property
    def capabilities(self) -> Capabilities:
        """The model's defaults (catalog, tag deletes, no digest deletes); a provider says more."""
        return Capabilities()

    @property
    def credential_source(self) -> str:
        """Where the credentials in use came from ("keyring", "docker config", "anonymous"...)."""
        return "anonymous"

    @property
    def credential_user(self) -> str | None:
        """The user name of the credentials in use, where the registry has users (never a
        secret); None when anonymous or unknown."""
        return None

    @property
    def credential_key(self) -> str | None:
        """The host credentials are stored under (keyring, login modal); None if none apply."""
        return None

    @property
    def rate_limit(self) -> RateLimit | None:
        """The request budget the registry stated in its last answer, if it states one."""
        return None

    def set_credential(self, credential: Credential) -> None:
        """Use ``credential`` from now on (the login modal, ``tagtui login``)."""
        raise Unsupported(f"{self.display_name} does not take credentials")

    async def check(self) -> None:  # noqa: B027 - optional hook
        """Probe the registry (reachability, auth); raise a ``TagtuiError`` if unusable."""

    @abc.abstractmethod
    def list_repositories(self) -> AsyncIterator[list[Repository]]:
        """Yield repositories a page at a time, in the order the registry gives them.

        Raise ``CatalogUnavailable`` when the registry refuses to list (Docker Hub, GHCR).
        """

    @abc.abstractmethod
    async def list_tags(self, repository: str, *, sort: str | None = None) -> list[Tag]:
        """Every tag of ``repository`` (all pages), naturally sorted unless ``sort`` says."""

    async def tag_pages(
        self, repository: str, *, sort: str | None = None
    ) -> AsyncIterator[list[Tag]]:
        """The tags a page at a time as they arrive (each name once, in no promised order), so a
        long list shows before its last page; by default one page, ``list_tags``'s."""
        yield await self.list_tags(repository, sort=sort)

    @abc.abstractmethod
    async def get_tag(self, repository: str, tag: str) -> TagDetail:
        """The tag's detail: an image with config and layers, or an index with platforms."""

    @abc.abstractmethod
    async def get_image(self, repository: str, digest: str) -> Image:
        """One image by digest: a platform of an index, or a revision in a tag's history."""

    async def describe_tag(self, repository: str, tag: Tag) -> Tag:
        """``tag`` with created / size / digest filled in, for the rows on screen.

        The default asks for the full detail; providers with a cheaper source override this.
        """
        from dataclasses import replace

        detail = await self.get_tag(repository, tag.name)
        created = detail.created
        if created is None and detail.platforms:
            # The platform the detail panel shows for an index: its date is the row's date.
            chosen = preferred_platform(detail.platforms)
            if chosen is not None:
                created = (await self.get_image(repository, chosen.digest)).config.created
        return replace(
            tag,
            digest=detail.digest or tag.digest,
            created=created or tag.created,
            size=detail.size if detail.size is not None else tag.size,
            media_type=detail.media_type or tag.media_type,
            platform_count=len(detail.runnable_platforms) if detail.is_index else None,
        )

    async def describe_tags(self, repository: str, tags: list[Tag]) -> AsyncIterator[Tag]:
        """``tagtui ls -l``: every tag described, concurrently, in the order they finish; a tag
        that cannot be described (gone, broken, unsupported) comes back as listed."""
        async for tag in each_finished(
            tags, lambda tag: self.describe_listed(repository, tag), limit=DESCRIBE_CONCURRENCY
        ):
            yield tag

    async def resolve_tags(self, repository: str, tags: list[Tag]) -> AsyncIterator[Tag]:
        """Every tag with its digest (other facts only where they come free), concurrently, in
        the order they finish: what a bulk delete needs when no date is asked for. A tag that
        cannot be resolved comes back as listed. The default describes them."""
        async for tag in self.describe_tags(repository, tags):
            yield tag

    async def describe_listed(self, repository: str, tag: Tag) -> Tag:
        """One row of ``describe_tags``: a provider that can share work between the tags of a
        listing (one request per digest, not per tag) says how."""
        return await self.describe_tag(repository, tag)

    @abc.abstractmethod
    async def plan_delete(
        self, repository: str, tag: str, *, whole_digest: bool = False
    ) -> DeletePlan:
        """Work out what deleting ``tag`` would remove, without changing anything."""

    @abc.abstractmethod
    async def delete(self, plan: DeletePlan) -> DeleteResult:
        """Carry out a plan the user confirmed; abort with ``DeleteAborted`` if the tag moved."""

    async def plan_deletes(
        self,
        repository: str,
        names: Sequence[str],
        *,
        protected: Collection[str] = (),
        known: Mapping[str, str] | None = None,
    ) -> PlannedDeletes:
        """Plans for deleting every tag in ``names`` at once, never anything else: each tag's
        own plan, and one whole-digest plan where every tag on a digest goes and the tags
        share it (``tagtui.providers.bulk_delete``). ``protected``: digests that must not be
        deleted whole (an index that stays refers to them). ``known``: tag -> digest resolved
        moments ago by the caller, which a provider may use instead of resolving again (tags
        it does not name are resolved; deletes re-resolve every tag anyway)."""
        from tagtui.providers.bulk_delete import (
            merge_plans,
            plan_each,
            reads_shared,
            whole_digest_candidates,
        )

        whole: list[DeletePlan] = []
        # The plans read what they share (the tag list) once: see bulk_delete.read_once.
        with reads_shared():
            plans, unplanned = await plan_each(
                names, lambda name: self.plan_delete(repository, name)
            )
            if self.capabilities.digest_delete:
                for plan in whole_digest_candidates(plans, names, always=False):
                    if plan.digest in protected:
                        continue
                    try:
                        whole.append(
                            await self.plan_delete(repository, plan.tag, whole_digest=True)
                        )
                    except TagtuiError as err:
                        unplanned.append(Unplanned(plan.tag, str(err)))
        return merge_plans(repository, names, plans, whole, unplanned)

    def delete_batch(self, repository: str, plans: Sequence[DeletePlan]) -> DeleteBatch:
        """What carries out ``plans`` (confirmed together) one by one or side by side."""
        return DeleteBatch(self)

    async def footprint(self, repository: str, digest: str) -> Footprint | None:
        """The blobs ``digest`` holds on to, with sizes; None where the API does not say."""
        return None

    async def referrers(
        self,
        repository: str,
        digest: str,
        *,
        artifact_type: str | None = None,
        tags: Collection[str] | None = None,
        in_index: str | None = None,
    ) -> tuple[Referrer, ...]:
        """The signatures, SBOMs and attestations that refer to the manifest ``digest``, each
        digest once; only those of ``artifact_type`` when given.

        ``tags``: the repository's tag names when the caller has listed them already (cosign's
        ``sha256-<hex>.sig`` tags are then looked up in it instead of asked for one by one).
        ``in_index``: the digest of an index holding ``digest``, whose BuildKit attestation
        manifests for ``digest`` count as its referrers. Providers whose API has no such thing
        find none (``Capabilities.referrers`` says whether a provider looks).
        """
        return ()

    def pull_reference(
        self, repository: str, tag: str | None = None, digest: str | None = None
    ) -> str:
        """What ``c`` copies: ``host/repo:tag`` or ``host/repo@sha256:...``."""
        name = self.pull_name(repository)
        if digest:
            return f"{name}@{digest}"
        return f"{name}:{tag}" if tag else name

    def pull_name(self, repository: str) -> str:
        """``repository`` as a pull names it (``host/repo``); the repository itself by default."""
        return repository

    async def aclose(self) -> None:  # noqa: B027 - optional hook
        """Release connections."""

    async def __aenter__(self) -> Provider:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()


class DeleteBatch:
    """Carries out the plans of one bulk delete; a provider may share work between them (one
    fresh look at the repository instead of one per plan). Each call is one plan, checked
    again just before it acts, exactly as ``Provider.delete``."""

    def __init__(self, provider: Provider) -> None:
        self.provider = provider

    async def delete(self, plan: DeletePlan) -> DeleteResult:
        return await self.provider.delete(plan)
