"""Finding an image's referrers from manifests alone, for registries and layouts alike.

Everything a registry without the referrers API (or a local layout) offers: the OCI fallback
tag ``sha256-<hex>`` holding an index of referrers, cosign's legacy ``sha256-<hex>.sig`` /
``.att`` / ``.sbom`` tags, and BuildKit attestation manifests in an index. The provider gives
``fetch_manifest(repository, reference)`` (raising ``NotFound`` for a missing tag); the OCI
provider adds the referrers API in front (``oci.referrers``).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Collection, Iterable, Sequence

from tagtui.errors import BadResponse, DigestMismatch, LegacyManifest, NotFound, Unsupported
from tagtui.model import Referrer
from tagtui.providers.oci.manifests import Descriptor, Manifest
from tagtui.providers.referrer_model import (
    attestation_referrer,
    needs_manifest,
    referrer_of,
    tagged_referrer,
)
from tagtui.referrers import carrier_of, fallback_tag, legacy_tags

FetchManifest = Callable[[str, str], Awaitable[Manifest]]
_ATTESTATION_TYPE = "attestation-manifest"
# A tag that holds something unreadable is no referrer list; the image itself is still fine.
_UNREADABLE = (NotFound, BadResponse, LegacyManifest, Unsupported)


class ReferrerLookup:
    """The manifest-only ways to find referrers, over one provider's ``fetch_manifest``."""

    def __init__(self, fetch_manifest: FetchManifest) -> None:
        self.fetch_manifest = fetch_manifest

    async def _read(self, repository: str, reference: str) -> Manifest | None:
        """The manifest, or None when it is missing or unreadable. Content that does not
        match its digest is refused loudly, never passed over."""
        try:
            return await self.fetch_manifest(repository, reference)
        except DigestMismatch:
            raise
        except _UNREADABLE:
            return None

    async def fallback_list(
        self, repository: str, digest: str, tags: Collection[str] | None = None
    ) -> list[Descriptor]:
        """The descriptors in the fallback tag's index; none when the tag is missing (or not
        in ``tags``, the repository's tag names when known) or holds no index (the spec: then
        there are no referrers)."""
        if tags is not None and fallback_tag(digest) not in tags:
            return []
        index = await self._read(repository, fallback_tag(digest))
        return list(index.manifests) if index is not None and index.is_index else []

    async def from_fallback(
        self, repository: str, digest: str, tags: Collection[str] | None = None
    ) -> list[Referrer]:
        """The referrers the fallback tag lists, classified."""
        descriptors = await self.fallback_list(repository, digest, tags)
        return await self.classified(repository, digest, descriptors)

    async def classified(
        self, repository: str, subject: str, descriptors: Iterable[Descriptor]
    ) -> list[Referrer]:
        """Each descriptor as a Referrer; its manifest is read only when the descriptor does
        not say what it is (and a manifest that cannot be read leaves it "other")."""

        async def one(descriptor: Descriptor) -> Referrer:
            manifest = None
            if needs_manifest(descriptor):
                manifest = await self._read(repository, descriptor.digest)
            return referrer_of(descriptor, manifest, subject=subject)

        return list(await asyncio.gather(*(one(d) for d in descriptors)))

    async def legacy(
        self, repository: str, digest: str, tags: Collection[str] | None
    ) -> list[Referrer]:
        """cosign's ``.sig`` / ``.att`` / ``.sbom`` tags of ``digest``. With ``tags`` (the
        repository's tag names, already listed) only those present are read; without, each
        is asked for and a missing one skipped."""
        names = [name for name in legacy_tags(digest) if tags is None or name in tags]

        async def one(name: str) -> Referrer | None:
            carrier = carrier_of(name)
            assert carrier is not None  # legacy_tags makes carrier names
            manifest = await self._read(repository, name)
            if manifest is None:
                return None
            return tagged_referrer(manifest, tag=name, subject=digest, suffix_kind=carrier.kind)

        found = await asyncio.gather(*(one(name) for name in names))
        return [referrer for referrer in found if referrer is not None]

    async def attestations(self, repository: str, digest: str, index: str) -> list[Referrer]:
        """BuildKit attestation manifests in ``index`` that describe ``digest``."""
        manifest = await self._read(repository, index)
        if manifest is None:
            return []
        entries = [
            descriptor
            for descriptor in manifest.manifests
            if descriptor.annotation("vnd.docker.reference.type") == _ATTESTATION_TYPE
            and descriptor.annotation("vnd.docker.reference.digest") == digest
        ]

        async def one(descriptor: Descriptor) -> Referrer:
            child = await self._read(repository, descriptor.digest)
            return attestation_referrer(descriptor, child, subject=digest)

        return list(await asyncio.gather(*(one(d) for d in entries)))

    async def gather(
        self,
        repository: str,
        digest: str,
        listed: Awaitable[list[Referrer]],
        *,
        artifact_type: str | None,
        tags: Collection[str] | None,
        in_index: str | None,
    ) -> tuple[Referrer, ...]:
        """``listed`` (the referrers list, however found) with the legacy tags and BuildKit
        attestations, concurrently; each digest once, filtered by ``artifact_type``."""

        async def nothing() -> list[Referrer]:
            return []

        parts = await asyncio.gather(
            listed,
            self.legacy(repository, digest, tags),
            self.attestations(repository, digest, in_index) if in_index else nothing(),
        )
        return unique(
            (r for part in parts for r in part),
            artifact_type=artifact_type,
        )


def unique(
    referrers: Iterable[Referrer], *, artifact_type: str | None = None
) -> tuple[Referrer, ...]:
    """Each digest once (the first way it was found wins), of ``artifact_type`` if given."""
    seen: dict[str, Referrer] = {}
    for referrer in referrers:
        if artifact_type is not None and referrer.artifact_type != artifact_type:
            continue
        seen.setdefault(referrer.digest, referrer)
    return tuple(seen.values())


def matching(descriptors: Sequence[Descriptor], artifact_type: str | None) -> list[Descriptor]:
    """The descriptors of ``artifact_type`` (all without a filter)."""
    if artifact_type is None:
        return list(descriptors)
    return [d for d in descriptors if d.artifact_type == artifact_type]
