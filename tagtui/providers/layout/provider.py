"""``LayoutProvider``: local OCI image layouts and ``docker save`` archives as a registry.

``path`` may be a directory holding OCI layouts at any depth (repository = relative path), a
single OCI layout (repository = its directory name) or a ``docker save`` tar (read-only).
File reads run in a worker thread so a slow disk never blocks the UI.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator, Callable, Collection
from dataclasses import replace
from pathlib import Path
from typing import TypeVar

from tagtui.errors import BadResponse, NotFound, TagtuiError, Unsupported, UsageError
from tagtui.model import (
    Capabilities,
    DeleteMethod,
    DeletePlan,
    DeleteResult,
    Footprint,
    Image,
    ImageConfig,
    Platform,
    Referrer,
    Repository,
    Tag,
    TagDetail,
)
from tagtui.natsort import natural_key
from tagtui.providers.base import Provider, sorted_tags
from tagtui.providers.bulk_delete import read_once
from tagtui.providers.json_body import load_json, whole_text
from tagtui.providers.layout.dockersave import DockerArchive, is_tar_archive, load_archive
from tagtui.providers.layout.oci import OciLayoutStore, is_oci_layout
from tagtui.providers.layout.store import LegacyImage, Ref, RepositoryStore
from tagtui.providers.manifest_model import (
    described_tag,
    footprint_of,
    manifest_detail,
    manifest_image,
    pair_layers,
    platforms_of,
    preferred_child,
    sized_platform,
    tag_or_digest,
)
from tagtui.providers.oci.manifests import (
    Descriptor,
    Manifest,
    is_valid_digest,
    parse_config,
    parse_manifest,
)
from tagtui.providers.tag_delete import alone_summary, only_tag_summary, tags_sharing
from tagtui.text import agree, human_size, join_names, short_digest

# A file at the top of a directory that names it in the header instead of its (temporary) path.
DISPLAY_NAME_FILE = ".tagtui-name"
PAGE = 200
DOCKER_LAYER_TAR = "application/vnd.docker.image.rootfs.diff.tar"

T = TypeVar("T")


class LayoutProvider(Provider):
    kind = "layout"

    def __init__(
        self, path: Path, *, read_only: bool = False, display_name: str | None = None
    ) -> None:
        self.path = Path(path).expanduser()
        self.is_archive = is_tar_archive(self.path)
        self.read_only = read_only or self.is_archive
        self._display_name = display_name or self._named() or str(self.path)
        self._stores: dict[str, RepositoryStore] | None = None
        self._archive: DockerArchive | None = None
        self._sorted: dict[str, tuple[tuple[Ref, ...], tuple[Tag, ...]]] = {}

    def _named(self) -> str | None:
        try:
            name = (self.path / DISPLAY_NAME_FILE).read_text(encoding="utf-8").strip()
        except (OSError, UnicodeDecodeError):
            return None
        return name[:80] or None

    def default_repository(self) -> str | None:
        """The repository to open when the path holds exactly one (a single layout or image)."""
        if not self.is_archive and is_oci_layout(self.path):
            return self.path.resolve().name or "image"
        try:
            stores = self._discover()
        except TagtuiError:
            return None
        return next(iter(stores)) if len(stores) == 1 else None

    @property
    def display_name(self) -> str:
        return self._display_name

    @property
    def capabilities(self) -> Capabilities:
        writable = not self.read_only
        note = None
        if not writable:
            note = "read-only: a docker save archive" if self.is_archive else "read-only"
        return Capabilities(
            catalog=True,
            delete=writable,
            tag_delete=writable,
            digest_delete=writable,
            note=note,
            referrers=True,
        )

    def pull_reference(
        self, repository: str, tag: str | None = None, digest: str | None = None
    ) -> str:
        # A tag is pulled through skopeo's transport for the store; a digest has no such form.
        store = (self._stores or {}).get(repository)
        if store is not None and tag and not digest:
            return store.transport_reference(tag)
        return super().pull_reference(repository, tag, digest)

    async def aclose(self) -> None:
        if self._archive is not None:
            self._archive.close()
            self._archive = None
            self._stores = None

    # --- discovery ----------------------------------------------------------------------------

    def _discover(self) -> dict[str, RepositoryStore]:
        path = self.path
        if self.is_archive:
            if self._stores is not None:
                return self._stores
            archive, repositories = load_archive(path)
            self._archive = archive
            self._stores = dict(repositories)
            return self._stores
        if not path.exists():
            raise NotFound(f"{path}: no such file or directory")
        if not path.is_dir():
            raise UsageError(f"{path}: not an OCI layout directory or a docker save archive")
        previous = self._stores or {}
        found: dict[str, RepositoryStore] = {}
        writable = not self.read_only
        if is_oci_layout(path):
            name = path.resolve().name or "image"
            found[name] = previous.get(name) or OciLayoutStore(name, path, writable=writable)
        else:
            for directory, subdirectories, _files in os.walk(path):
                here = Path(directory)
                if is_oci_layout(here):
                    subdirectories.clear()
                    # A directory name that is not UTF-8 holds lone surrogates: shown as U+FFFD.
                    name = whole_text(here.relative_to(path).as_posix())
                    store = previous.get(name)
                    found[name] = store or OciLayoutStore(name, here, writable=writable)
                else:
                    subdirectories.sort()
        self._stores = dict(sorted(found.items(), key=lambda item: natural_key(item[0])))
        return self._stores

    def _store(self, repository: str) -> RepositoryStore:
        stores = self._stores if self._stores is not None else self._discover()
        store = stores.get(repository)
        if store is None:
            stores = self._discover()
            store = stores.get(repository)
        if store is None:
            raise NotFound(f"repository {repository} not found in {self.display_name}")
        return store

    @staticmethod
    async def _run(function: Callable[..., T], *args: object) -> T:
        return await asyncio.to_thread(function, *args)

    # --- listing ------------------------------------------------------------------------------

    async def list_repositories(self) -> AsyncIterator[list[Repository]]:
        stores = await self._run(self._discover)
        names = list(stores)
        for start in range(0, len(names), PAGE):
            page = names[start : start + PAGE]
            yield await self._run(self._repository_page, stores, page)
        if not names:
            yield []

    @staticmethod
    def _repository_page(stores: dict[str, RepositoryStore], names: list[str]) -> list[Repository]:
        page = []
        for name in names:
            try:
                count: int | None = len(stores[name].refs())
            except TagtuiError:
                count = None
            page.append(Repository(name, tag_count=count))
        return page

    async def list_tags(self, repository: str, *, sort: str | None = None) -> list[Tag]:
        return await self._run(self._list_tags, repository)

    def _list_tags(self, repository: str) -> list[Tag]:
        store = self._store(repository)
        refs = store.refs()
        cached = self._sorted.get(repository)
        if cached is not None and cached[0] is refs:
            return list(cached[1])
        tags = sorted_tags(Tag(name=r.tag, digest=r.digest, media_type=r.media_type) for r in refs)
        # Keyed by the refs tuple itself: a re-read index.json is a new tuple.
        self._sorted[repository] = (refs, tuple(tags))
        return tags

    def _ref(self, store: RepositoryStore, tag: str) -> Ref:
        for ref in store.refs():
            if ref.tag == tag:
                return ref
        if is_valid_digest(tag):
            for ref in store.refs():
                if ref.digest == tag:
                    return replace(ref, tag=tag)
            return Ref(tag=tag, digest=tag, media_type=None, size=None)
        raise NotFound(f"{store.name}:{tag}: no such tag")

    # --- details ------------------------------------------------------------------------------

    async def get_tag(self, repository: str, tag: str) -> TagDetail:
        return await self._run(self._get_tag, repository, tag)

    def _get_tag(self, repository: str, tag: str) -> TagDetail:
        store = self._store(repository)
        ref = self._ref(store, tag)
        reference = self.pull_reference(repository, *tag_or_digest(tag))
        if ref.legacy is not None:
            return TagDetail(
                reference=reference,
                repository=repository,
                tag=tag,
                digest=ref.digest,
                media_type=None,
                image=self._legacy_image(store, ref.legacy),
            )
        manifest = self._manifest(store, ref.digest, ref.size, ref.media_type)
        if manifest.is_index:
            platforms = tuple(self._sized(store, p) for p in platforms_of(manifest))
            return manifest_detail(reference, repository, tag, manifest, platforms=platforms)
        image = self._image(store, manifest)
        return manifest_detail(reference, repository, tag, manifest, image=image)

    async def get_image(self, repository: str, digest: str) -> Image:
        return await self._run(self._get_image, repository, digest)

    def _get_image(self, repository: str, digest: str) -> Image:
        if not is_valid_digest(digest):
            raise UsageError(f"invalid digest {digest!r}")
        store = self._store(repository)
        for ref in store.refs():
            if ref.legacy is not None and ref.digest == digest:
                return self._legacy_image(store, ref.legacy)
        manifest = self._manifest(store, digest, None, None)
        if manifest.is_index:
            raise Unsupported(f"{repository}@{digest} is an image index, not one image")
        return self._image(store, manifest)

    async def describe_tag(self, repository: str, tag: Tag) -> Tag:
        return await self._run(self._describe_tag, repository, tag)

    def _describe_tag(self, repository: str, tag: Tag) -> Tag:
        store = self._store(repository)
        ref = self._ref(store, tag.name)
        if ref.legacy is not None:
            image = self._legacy_image(store, ref.legacy)
            return replace(
                tag, digest=ref.digest, created=image.config.created, size=image.compressed_size
            )
        manifest = self._manifest(store, ref.digest, ref.size, ref.media_type)
        image: Manifest | None = manifest
        if manifest.is_index:
            chosen = preferred_child(manifest)
            image = (
                self._manifest(store, chosen.digest, chosen.size, chosen.media_type)
                if chosen
                else None
            )
        config = self._config(store, image) if image is not None else None
        return described_tag(tag, manifest, image, config)

    async def referrers(
        self,
        repository: str,
        digest: str,
        *,
        artifact_type: str | None = None,
        tags: Collection[str] | None = None,
        in_index: str | None = None,
    ) -> tuple[Referrer, ...]:
        """A layout has no referrers API: the fallback tag, cosign's tags and BuildKit's
        attestations, read from its index.json and blobs."""
        from tagtui.providers.referrer_lookup import ReferrerLookup

        lookup = ReferrerLookup(self._fetch_manifest)
        return await lookup.gather(
            repository,
            digest,
            lookup.from_fallback(repository, digest, tags),
            artifact_type=artifact_type,
            tags=tags,
            in_index=in_index,
        )

    async def _fetch_manifest(self, repository: str, reference: str) -> Manifest:
        return await self._run(self._manifest_at, repository, reference)

    def _manifest_at(self, repository: str, reference: str) -> Manifest:
        """The manifest a tag or digest names (``NotFound`` for a missing tag)."""
        store = self._store(repository)
        ref = self._ref(store, reference)
        if ref.legacy is not None:
            raise Unsupported(f"{repository}:{reference} is a docker save image, not a manifest")
        return self._manifest(store, ref.digest, ref.size, ref.media_type)

    def _manifest(
        self, store: RepositoryStore, digest: str, size: int | None, media_type: str | None
    ) -> Manifest:
        body = store.blobs.read(digest, size=size, what="manifest")
        return parse_manifest(
            body, content_type=media_type, digest=digest, where=f"{store.name}@{digest}"
        )

    def _config(self, store: RepositoryStore, manifest: Manifest) -> ImageConfig | None:
        """The image's config; None for an index or an artifact (its config is no image's)."""
        descriptor = None if manifest.is_index else manifest.image_config
        if descriptor is None:
            return None
        body = store.blobs.read(descriptor.digest, size=descriptor.size, what="config")
        return parse_config(body, f"config {descriptor.digest} of {store.name}")

    async def footprint(self, repository: str, digest: str) -> Footprint | None:
        return await self._run(self._footprint, repository, digest)

    def _footprint(self, repository: str, digest: str) -> Footprint:
        store = self._store(repository)
        manifest = self._manifest(store, digest, store.blobs.blob_size(digest), None)
        children: list[Manifest | None] = []
        for child in manifest.manifests:
            try:
                children.append(self._manifest(store, child.digest, child.size, child.media_type))
            except TagtuiError:
                children.append(None)
        return footprint_of(manifest, children)

    def _image(self, store: RepositoryStore, manifest: Manifest) -> Image:
        return manifest_image(manifest, self._config(store, manifest) or ImageConfig())

    def _sized(self, store: RepositoryStore, platform: Platform) -> Platform:
        """A platform with its image's compressed size (its layers), when readable."""
        try:
            child = self._manifest(store, platform.digest, platform.size, platform.media_type)
        except TagtuiError:
            child = None
        return sized_platform(platform, child)

    def _legacy_image(self, store: RepositoryStore, legacy: LegacyImage) -> Image:
        body = store.blobs.read(legacy.config_digest, what="image config")
        config = parse_config(body, f"config {legacy.config_digest} of {store.name}")
        # Old archives hold uncompressed layer tars; the config's diff_ids are their digests.
        diff_ids: list[str] = []
        try:
            rootfs = load_json(body, "").get("rootfs") or {}
            diff_ids = [d for d in rootfs.get("diff_ids") or [] if is_valid_digest(d)]
        except (BadResponse, AttributeError):
            diff_ids = []
        files = tuple(
            Descriptor(
                media_type=DOCKER_LAYER_TAR,
                digest=diff_ids[i] if i < len(diff_ids) else member,
                size=size,
            )
            for i, (member, size) in enumerate(legacy.layers)
        )
        return Image(
            digest=legacy.config_digest,
            media_type=None,
            config=config,
            layers=pair_layers(files, config),
            config_size=len(body),
            extras=(("Image ID", legacy.config_digest), ("Format", "docker save (legacy)")),
        )

    # --- delete -------------------------------------------------------------------------------

    def _writable_store(self, repository: str) -> OciLayoutStore:
        if self.read_only:
            what = "a docker save archive" if self.is_archive else "opened read-only"
            raise Unsupported(f"{self.display_name} is {what}: nothing can be deleted")
        store = self._store(repository)
        if not isinstance(store, OciLayoutStore) or not store.writable:
            raise Unsupported(f"{repository} is read-only: nothing can be deleted")
        return store

    async def plan_delete(
        self, repository: str, tag: str, *, whole_digest: bool = False
    ) -> DeletePlan:
        # A bulk plan reads index.json once for all its tags (bulk_delete.read_once).
        refs = await read_once(
            ("refs", repository), lambda: self._run(lambda: self._writable_store(repository).refs())
        )
        return await self._run(self._plan_delete, repository, tag, whole_digest, refs)

    def _plan_delete(
        self, repository: str, tag: str, whole_digest: bool, refs: tuple[Ref, ...]
    ) -> DeletePlan:
        ref = next((r for r in refs if r.tag == tag), None)
        if ref is None:
            raise NotFound(f"{repository}:{tag}: no such tag")
        digest = ref.digest
        sharing = tags_sharing(tag, digest, ((r.tag, r.digest) for r in refs))
        others = [name for name in sharing if name != tag]
        short = short_digest(digest)
        if whole_digest:
            warnings = [f"blobs only {short} uses are deleted from the layout"]
            if others:
                warnings.append(f"{agree(others, 'goes', 'go')} with it")
            return DeletePlan(
                repository=repository,
                tag=tag,
                digest=digest,
                method=DeleteMethod.LAYOUT_REF_DELETE,
                removes=tuple(sharing),
                warnings=tuple(warnings),
                summary=f"Digest {short} is removed with every tag pointing at it: "
                f"{join_names(sharing)}.",
                whole_digest=True,
                shared_tags=tuple(sharing),
            )
        if others:
            summary = only_tag_summary(tag, others)
        else:
            summary = alone_summary(tag, digest, ", so blobs only it uses are deleted")
        return DeletePlan(
            repository=repository,
            tag=tag,
            digest=digest,
            method=DeleteMethod.LAYOUT_REF_DELETE,
            removes=(tag,),
            summary=summary,
            shared_tags=tuple(sharing),
        )

    async def delete(self, plan: DeletePlan) -> DeleteResult:
        return await self._run(self._delete, plan)

    def _delete(self, plan: DeletePlan) -> DeleteResult:
        store = self._writable_store(plan.repository)
        if plan.method is not DeleteMethod.LAYOUT_REF_DELETE or not plan.digest:
            raise Unsupported("this plan was not made for a local layout")
        collected = store.remove_refs(plan.removes, plan.digest)
        messages: list[str] = []
        if collected.removed:
            blobs = "blob" if collected.removed == 1 else "blobs"
            freed = human_size(collected.freed)
            messages.append(f"{collected.removed} unused {blobs} deleted ({freed})")
        if collected.note:
            messages.append(collected.note)
        return DeleteResult(removed=plan.removes, messages=tuple(messages))
