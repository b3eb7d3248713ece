"""The OCI Distribution provider: any registry speaking ``/v2/`` (distribution, Harbor, GHCR...).

Wire details live in the sibling modules: ``http`` (transport, retries, errors), ``auth``
(token handshakes), ``manifests`` (parsing), ``delete`` (safe delete).
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import (
    AsyncIterator,
    Awaitable,
    Callable,
    Collection,
    Hashable,
    Mapping,
    Sequence,
)
from functools import partial
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import quote

import httpx

from tagtui.credentials import Credential
from tagtui.errors import BadResponse, NotFound, TagtuiError, Unsupported, UsageError
from tagtui.model import (
    Capabilities,
    DeletePlan,
    DeleteResult,
    Footprint,
    Image,
    ImageConfig,
    PlannedDeletes,
    Platform,
    RateLimit,
    Referrer,
    Repository,
    Tag,
    TagDetail,
)
from tagtui.providers.base import ConnectionOptions, DeleteBatch, Provider, sorted_tags
from tagtui.providers.http.exchange import MIB
from tagtui.providers.manifest_model import (
    described_tag,
    footprint_of,
    manifest_detail,
    manifest_image,
    platforms_of,
    preferred_child,
    sized_platform,
    tag_or_digest,
)
from tagtui.providers.oci.auth import CredentialResolver
from tagtui.providers.oci.errormap import Subject
from tagtui.providers.oci.http import RegistryHttp
from tagtui.providers.oci.listing import Lru
from tagtui.providers.oci.manifests import (
    MANIFEST_ACCEPT,
    Descriptor,
    Manifest,
    is_valid_digest,
    parse_config,
    parse_manifest,
    verify_digest,
)
from tagtui.providers.oci.pages import catalog_pages, tag_pages
from tagtui.providers.single_flight import single_flight
from tagtui.reference import DOCKER_HUB_API_HOST

if TYPE_CHECKING:
    from tagtui.cache.store import ContentCache
    from tagtui.cache.writer import BackgroundWrites
    from tagtui.providers.oci.delete import OciDeleter
    from tagtui.providers.oci.referrers import OciReferrers

_T = TypeVar("_T")

CACHE_ENTRIES = 512
FOOTPRINT_ENTRIES = 200_000
BLOB_LIMIT_HINT = " (--max-blob-size raises the limit)"

_NAME = re.compile(
    r"^[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*)*$"
)
_TAG = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$")


class OciProvider(Provider):
    """A registry speaking the OCI Distribution API (``/v2/``)."""

    kind = "oci"
    # Pages come in the registry's order (lexical, or none at all for distribution 2.8).
    tag_pages_in_order = False

    def __init__(
        self,
        registry: str,
        *,
        credential: Credential | None = None,
        options: ConnectionOptions = ConnectionOptions(),  # noqa: B008 - frozen, shared safely
        transport: httpx.AsyncBaseTransport | None = None,
        credential_resolver: CredentialResolver | None = None,
    ) -> None:
        """``credential``: use this one. ``credential_resolver``: when there is none, find one
        (blocking call, run in a thread) the first time the registry asks for authentication —
        a registry that never asks never makes tagtui open the keyring."""
        self.registry = registry
        self.options = options
        self.http = RegistryHttp(
            registry,
            credential=credential,
            options=options,
            transport=transport,
            credential_resolver=credential_resolver,
        )
        # None until tried: the catalog is assumed available until the registry refuses it.
        self.catalog_listed: bool | None = None
        # Created by the first delete (its module is not imported before: `ls` has no use for it).
        self._deleter: OciDeleter | None = None
        # Created on first use; remembers whether the registry has the referrers API.
        self._referrers: OciReferrers | None = None
        self._manifests = Lru(CACHE_ENTRIES)
        self._configs = Lru(CACHE_ENTRIES)
        # What each image holds on to (a few digests and sizes): kept for every image a bulk
        # delete resolves, far more than the manifests themselves.
        self._footprints = Lru(FOOTPRINT_ENTRIES)
        self._inflight: dict[Hashable, asyncio.Future[Any]] = {}
        # The on-disk cache, opened on first use (only if the options ask for it); written to
        # off the event loop, and waited for when the provider closes.
        self._disk: ContentCache | None = None
        self._disk_opened = not options.cache
        self._disk_writes: BackgroundWrites | None = None

    @property
    def disk_cache(self) -> ContentCache | None:
        """The content-addressed cache shared by tagtui processes, if it is turned on."""
        if not self._disk_opened:
            from tagtui.cache.store import default_cache  # `tagtui ls` never imports it
            from tagtui.cache.writer import BackgroundWrites

            self._disk = default_cache()
            self._disk_writes = BackgroundWrites() if self._disk is not None else None
            self._disk_opened = True
        return self._disk

    def _keep(self, digest: str, body: bytes, media_type: str | None = None) -> None:
        """Put a verified body in the disk cache, on the cache's own thread."""
        disk, writes = self._disk, self._disk_writes
        if disk is not None and writes is not None:
            writes.submit(partial(disk.put, self.registry, digest, body, media_type))

    # --- identity ---------------------------------------------------------------------------

    @property
    def display_name(self) -> str:
        return "docker.io" if self.registry == DOCKER_HUB_API_HOST else self.registry

    @property
    def credential_key(self) -> str | None:
        return self.registry

    @property
    def rate_limit(self) -> RateLimit | None:
        return self.http.rate_limit

    @property
    def credential_source(self) -> str:
        # "anonymous" until a resolver has found something (on the registry's first challenge).
        credential = self.http.auth.credential
        return credential.source if credential is not None else "anonymous"

    @property
    def credential_user(self) -> str | None:
        credential = self.http.auth.credential
        return credential.username if credential is not None else None

    def set_credential(self, credential: Credential) -> None:
        self.http.auth.set_credential(credential)

    @property
    def capabilities(self) -> Capabilities:
        notes = []
        if self.catalog_listed is False:
            notes.append("this registry does not list its repositories: open one by name")
        deletion_note = self._deleter.disabled_note if self._deleter is not None else None
        disabled = deletion_note is not None
        if deletion_note is not None:
            notes.append(deletion_note)
        return Capabilities(
            catalog=self.catalog_listed is not False,
            delete=not disabled,
            tag_delete=not disabled,
            digest_delete=not disabled,
            sorts=(),
            note="; ".join(notes) or None,
            referrers=True,
        )

    def pull_name(self, repository: str) -> str:
        return f"{self.display_name}/{repository}"

    async def aclose(self) -> None:
        try:
            await self.http.aclose()
        finally:
            if self._disk_writes is not None:
                # What the next process may read; waited for off the loop (a busy disk).
                await asyncio.to_thread(self._disk_writes.flush)

    # --- helpers ------------------------------------------------------------------------------

    @staticmethod
    def check_repository(repository: str) -> str:
        if not _NAME.match(repository):
            raise UsageError(f"invalid repository name {repository!r}")
        return repository

    @staticmethod
    def check_reference(reference: str) -> str:
        if not (_TAG.match(reference) or is_valid_digest(reference)):
            raise UsageError(f"invalid tag or digest {reference!r}")
        return reference

    def reference_text(self, repository: str, reference: str, *, host: bool = True) -> str:
        """``host/repo:tag`` or ``host/repo@sha256:…`` (without the host for "… at host")."""
        separator = "@" if ":" in reference else ":"
        text = f"{repository}{separator}{reference}"
        return f"{self.display_name}/{text}" if host else text

    def manifest_path(self, repository: str, reference: str) -> str:
        return f"/v2/{repository}/manifests/{quote(reference, safe=':')}"

    def link_target(self, link: str) -> str:
        """A ``Link`` next target as a path on this registry (its host part is not trusted)."""
        try:
            url = httpx.URL(link)
        except (httpx.InvalidURL, ValueError):
            raise BadResponse(f"{self.registry} sent an unusable pagination link") from None
        target = url.raw_path.decode("ascii", "replace")
        if not target.startswith("/v2/"):
            raise BadResponse(f"{self.registry} sent an unusable pagination link")
        return target

    # --- manifests and configs --------------------------------------------------------------

    async def _once(self, key: Hashable, fetch: Callable[[], Awaitable[_T]]) -> _T:
        """Run ``fetch`` once for concurrent callers asking for the same immutable thing."""
        return await single_flight(self._inflight, key, fetch)

    async def fetch_manifest(self, repository: str, reference: str) -> Manifest:
        """GET a manifest with the full Accept list, verify its digest, parse it."""
        self.check_repository(repository)
        self.check_reference(reference)
        if is_valid_digest(reference):
            cached = self._manifests.get((repository, reference))
            if cached is not None:
                return cached
            # Rows of a big repository often share images: fetch each digest once at a time.
            return await self._once(
                ("manifest", repository, reference),
                lambda: self._fetch_manifest(repository, reference, by_digest=True),
            )
        return await self._fetch_manifest(repository, reference, by_digest=False)

    async def _fetch_manifest(
        self, repository: str, reference: str, *, by_digest: bool
    ) -> Manifest:
        where = self.reference_text(repository, reference)
        disk = self.disk_cache if by_digest else None
        entry = disk.get(self.registry, reference) if disk is not None else None
        if entry is not None:
            # Verified against the digest as it was read; only the parsing is left.
            manifest = parse_manifest(
                entry.body, content_type=entry.media_type, digest=reference, where=where
            )
            self._manifests.put((repository, reference), manifest)
            return manifest
        reply = await self.http.request(
            "GET",
            self.manifest_path(repository, reference),
            headers={"Accept": MANIFEST_ACCEPT},
            limit=self.options.max_blob_mib * MIB,
            too_large=BLOB_LIMIT_HINT,
            subject=Subject(
                repository=repository,
                reference=self.reference_text(repository, reference, host=False),
            ),
        )
        digest = verify_digest(
            reply.body,
            claimed=reply.header("docker-content-digest"),
            requested=reference if by_digest else None,
            where=where,
        )
        manifest = parse_manifest(
            reply.body, content_type=reply.header("content-type"), digest=digest, where=where
        )
        if disk is not None:
            self._keep(digest, reply.body, reply.header("content-type"))
        self._manifests.put((repository, digest), manifest)
        return manifest

    async def head_digest(self, repository: str, tag: str) -> str | None:
        """The digest ``tag`` points at (HEAD, full Accept list); None if the tag is gone."""
        where = self.reference_text(repository, tag, host=False)
        reply = await self.http.request(
            "HEAD",
            self.manifest_path(repository, tag),
            headers={"Accept": MANIFEST_ACCEPT},
            passthrough=(404,),
            subject=Subject(repository=repository, reference=where),
        )
        if reply.status == 404:
            return None
        digest = reply.header("docker-content-digest")
        if is_valid_digest(digest):
            return digest
        # No usable header: fetch the body and hash it ourselves.
        return (await self.fetch_manifest(repository, tag)).digest

    async def fetch_config(self, repository: str, descriptor: Descriptor) -> ImageConfig:
        cached = self._configs.get((repository, descriptor.digest))
        if cached is not None:
            return cached
        return await self._once(
            ("config", repository, descriptor.digest),
            lambda: self._fetch_config(repository, descriptor),
        )

    async def _fetch_config(self, repository: str, descriptor: Descriptor) -> ImageConfig:
        where = f"config {descriptor.digest} of {self.display_name}/{repository}"
        disk = self.disk_cache
        entry = disk.get(self.registry, descriptor.digest) if disk is not None else None
        if entry is not None:
            config = parse_config(entry.body, where)
            self._configs.put((repository, descriptor.digest), config)
            return config
        reply = await self.http.request(
            "GET",
            f"/v2/{repository}/blobs/{descriptor.digest}",
            limit=self.options.max_blob_mib * MIB,
            too_large=BLOB_LIMIT_HINT,
            subject=Subject(
                repository=repository, reference=f"config {descriptor.digest} of {repository}"
            ),
        )
        verify_digest(reply.body, claimed=None, requested=descriptor.digest, where=where)
        config = parse_config(reply.body, where)
        if disk is not None:
            self._keep(descriptor.digest, reply.body)
        self._configs.put((repository, descriptor.digest), config)
        return config

    async def image_config(self, repository: str, manifest: Manifest) -> ImageConfig | None:
        """The image's config; None for an index or an artifact (its config is no image's)."""
        descriptor = None if manifest.is_index else manifest.image_config
        return await self.fetch_config(repository, descriptor) if descriptor else None

    async def image_from(self, repository: str, manifest: Manifest) -> Image:
        config = await self.image_config(repository, manifest)
        return manifest_image(manifest, config or ImageConfig())

    async def _platform_sizes(
        self, repository: str, platforms: list[Platform]
    ) -> tuple[Platform, ...]:
        """Each platform's compressed image size (its layers), fetched concurrently."""

        async def sized(platform: Platform) -> Platform:
            try:
                child = await self.fetch_manifest(repository, platform.digest)
            except TagtuiError:
                child = None
            return sized_platform(platform, child)

        return tuple(await asyncio.gather(*(sized(p) for p in platforms)))

    # --- Provider interface -------------------------------------------------------------------

    async def check(self) -> None:
        """``GET /v2/``: reachable, speaks the registry API, accepts our credentials."""
        reply = await self.http.request(
            "GET", "/v2/", passthrough=(404,), subject=Subject(action="the registry API (/v2/)")
        )
        if reply.status == 404:
            raise NotFound(f"{self.display_name} does not serve the registry API (no /v2/)")

    def list_repositories(self) -> AsyncIterator[list[Repository]]:
        return catalog_pages(self)

    async def list_tags(self, repository: str, *, sort: str | None = None) -> list[Tag]:
        """All tags, every page, natural order (``sort`` is the UI's business here)."""
        tags: list[Tag] = []
        async for page in self.tag_pages(repository):
            tags += page
        return sorted_tags(tags)

    def tag_pages(self, repository: str, *, sort: str | None = None) -> AsyncIterator[list[Tag]]:
        """The tags page by page as the registry sends them (each name once)."""
        return tag_pages(self, repository)

    async def get_tag(self, repository: str, tag: str) -> TagDetail:
        manifest = await self.fetch_manifest(repository, tag)
        reference = self.pull_reference(repository, *tag_or_digest(tag))
        if manifest.is_index:
            platforms = await self._platform_sizes(repository, platforms_of(manifest))
            return manifest_detail(reference, repository, tag, manifest, platforms=platforms)
        image = await self.image_from(repository, manifest)
        return manifest_detail(reference, repository, tag, manifest, image=image)

    async def get_image(self, repository: str, digest: str) -> Image:
        if not is_valid_digest(digest):
            raise UsageError(f"invalid digest {digest!r}")
        manifest = await self.fetch_manifest(repository, digest)
        if manifest.is_index:
            raise Unsupported(
                f"{self.reference_text(repository, digest)} is an image index, not one image"
            )
        return await self.image_from(repository, manifest)

    async def describe_tag(self, repository: str, tag: Tag) -> Tag:
        """Digest, created and size for one row: manifest + config (+ one child for an index).

        With the disk cache on, the tag is resolved with a HEAD (never from the cache) and the
        rest is read by digest, so a repository seen before costs one HEAD per row. A registry
        that counts pulls (Docker Hub, or any that states a rate limit) gets the same: HEADs
        are not counted, and a manifest shared by many tags is then GET once.
        """
        by_head = self.disk_cache is not None or self.counts_pulls
        if by_head and not is_valid_digest(tag.name):
            return await self._describe_by_head(repository, tag)
        manifest = await self.fetch_manifest(repository, tag.name)
        return await self._described(repository, tag, manifest)

    async def _described(self, repository: str, tag: Tag, manifest: Manifest) -> Tag:
        image: Manifest | None = manifest
        self._remember_footprint(repository, manifest)
        if manifest.is_index:
            chosen = preferred_child(manifest)
            image = await self.fetch_manifest(repository, chosen.digest) if chosen else None
        config = await self.image_config(repository, image) if image else None
        return described_tag(tag, manifest, image, config)

    @property
    def counts_pulls(self) -> bool:
        """Whether manifest GETs spend a pull budget (Docker Hub, or a registry stating one):
        tags are then resolved with HEADs, which are not counted."""
        return self.http.rate_limit is not None or self.registry == DOCKER_HUB_API_HOST

    async def _manifest_by_head(self, repository: str, tag: str) -> Manifest:
        """``tag``'s manifest: a HEAD, then a GET by digest (once per digest for all the tags
        that share it, and from the caches when seen before)."""
        digest = await self.head_digest(repository, tag)
        if digest is None:
            raise NotFound(f"{self.reference_text(repository, tag)} not found")
        return await self.fetch_manifest(repository, digest)

    async def _describe_by_head(self, repository: str, tag: Tag) -> Tag:
        manifest = await self._manifest_by_head(repository, tag.name)
        return await self._described(repository, tag, manifest)

    def _remember_footprint(self, repository: str, manifest: Manifest) -> None:
        if not manifest.is_index:
            self._footprints.put((repository, manifest.digest), footprint_of(manifest, []))

    async def describe_listed(self, repository: str, tag: Tag) -> Tag:
        """``tagtui ls -l``: the tag resolved to its digest, then one manifest + config per
        distinct digest for the whole listing."""
        self.check_repository(repository)
        if is_valid_digest(tag.digest):
            # Just listed with its digest (GCR's manifest map): no HEAD needed.
            manifest = await self.fetch_manifest(repository, tag.digest)  # type: ignore[arg-type]
            return await self._described(repository, tag, manifest)
        return await self._describe_by_head(repository, tag)

    async def resolve_tags(self, repository: str, tags: list[Tag]) -> AsyncIterator[Tag]:
        """One GET per tag: the digest, and the manifest kept for what comes next (the blobs
        it holds on to), instead of a HEAD and then a GET by digest — unless GETs spend a pull
        budget: then a HEAD per tag and a GET per distinct digest."""
        from tagtui.providers.oci.bulk import resolve_each

        self.check_repository(repository)
        fetch = self._manifest_by_head if self.counts_pulls else self.fetch_manifest
        async for tag in resolve_each(fetch, self._remember_footprint, repository, tags):
            yield tag

    # --- delete: the deleter does it and keeps what it learns about this registry -------------

    @property
    def deleter(self) -> OciDeleter:
        if self._deleter is None:
            from tagtui.providers.oci.delete import OciDeleter

            self._deleter = OciDeleter(
                self.http,
                fetch_manifest=self.fetch_manifest,
                head_digest=self.head_digest,
                list_tags=self.list_tags,
                manifest_path=self.manifest_path,
                check_names=self._check_names,
            )
        return self._deleter

    def _check_names(self, repository: str, reference: str) -> None:
        self.check_repository(repository)
        self.check_reference(reference)

    async def plan_delete(
        self, repository: str, tag: str, *, whole_digest: bool = False
    ) -> DeletePlan:
        return await self.deleter.plan(repository, tag, whole_digest=whole_digest)

    async def delete(self, plan: DeletePlan) -> DeleteResult:
        return await self.deleter.delete(plan)

    async def plan_deletes(
        self,
        repository: str,
        names: Sequence[str],
        *,
        protected: Collection[str] = (),
        known: Mapping[str, str] | None = None,
    ) -> PlannedDeletes:
        from tagtui.providers.oci import bulk

        self.check_repository(repository)
        for name in names:
            self.check_reference(name)
        return await bulk.plan_deletes(self.deleter, repository, names, protected, known or {})

    def delete_batch(self, repository: str, plans: Sequence[DeletePlan]) -> DeleteBatch:
        from tagtui.providers.oci.bulk import OciDeleteBatch

        return OciDeleteBatch(self, self.deleter, repository, plans)

    async def footprint(self, repository: str, digest: str) -> Footprint | None:
        from tagtui.providers.oci.bulk import footprint

        known = self._footprints.get((repository, digest))
        if known is None:
            known = await footprint(self.fetch_manifest, repository, digest)
            self._footprints.put((repository, digest), known)
        return known

    async def referrers(
        self,
        repository: str,
        digest: str,
        *,
        artifact_type: str | None = None,
        tags: Collection[str] | None = None,
        in_index: str | None = None,
    ) -> tuple[Referrer, ...]:
        """The referrers API, else the fallback tag; plus cosign's tags and BuildKit's
        attestations (``oci.referrers``)."""
        self.check_repository(repository)
        if self._referrers is None:
            from tagtui.providers.oci.referrers import OciReferrers

            self._referrers = OciReferrers.of(self)
        return await self._referrers.find(
            repository, digest, artifact_type=artifact_type, tags=tags, in_index=in_index
        )
