"""Referrers on an OCI registry: the referrers API first, the fallback tag schema without it.

``GET /v2/<name>/referrers/<digest>`` answers an image index of referrers, maybe over several
pages (``Link: <…>; rel="next"``), maybe filtered by ``artifactType`` (then it says so in
``OCI-Filters-Applied``; otherwise tagtui filters). A registry without the API answers 404 (or
400): then, as the distribution spec requires, the index under the tag ``sha256-<hex>`` stands
in for it, and the registry is remembered as having no API so later images skip the request.
cosign's legacy tags and BuildKit attestations are added by ``referrer_lookup``.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from typing import TYPE_CHECKING

from tagtui.errors import BadResponse, UsageError
from tagtui.model import Referrer
from tagtui.providers.http.pages import PageGuard, parse_next_link
from tagtui.providers.oci.errormap import Subject, parse_registry_errors
from tagtui.providers.oci.http import LIST_LIMIT, RegistryHttp
from tagtui.providers.oci.manifests import (
    OCI_INDEX,
    Descriptor,
    digest_of,
    is_valid_digest,
    parse_manifest,
)
from tagtui.providers.referrer_lookup import FetchManifest, ReferrerLookup, matching
from tagtui.text import short_digest

if TYPE_CHECKING:
    from tagtui.providers.oci.provider import OciProvider

# Pages of one image's referrers before tagtui stops: far beyond any real list (a page holds
# hundreds of descriptors), short of a server that links on forever.
MAX_REFERRER_PAGES = 50
# What a registry without the API answers (the spec: 404; some send 400 or 405).
_NO_API = (400, 404, 405)


class OciReferrers:
    """Finds referrers on one registry; remembers whether it has the referrers API."""

    def __init__(
        self,
        http: RegistryHttp,
        *,
        fetch_manifest: FetchManifest,
        link_target: Callable[[str], str],
        display_name: str,
    ) -> None:
        self.http = http
        self.lookup = ReferrerLookup(fetch_manifest)
        self.link_target = link_target
        self.display_name = display_name
        # None until asked: True once the API answered, False once it was found missing.
        self.api: bool | None = None

    @classmethod
    def of(cls, provider: OciProvider) -> OciReferrers:
        return cls(
            provider.http,
            fetch_manifest=provider.fetch_manifest,
            link_target=provider.link_target,
            display_name=provider.display_name,
        )

    async def find(
        self,
        repository: str,
        digest: str,
        *,
        artifact_type: str | None = None,
        tags: Collection[str] | None = None,
        in_index: str | None = None,
    ) -> tuple[Referrer, ...]:
        if not is_valid_digest(digest):
            raise UsageError(f"invalid digest {digest[:80]!r}")
        return await self.lookup.gather(
            repository,
            digest,
            self._listed(repository, digest, artifact_type, tags),
            artifact_type=artifact_type,
            tags=tags,
            in_index=in_index,
        )

    async def _listed(
        self,
        repository: str,
        digest: str,
        artifact_type: str | None,
        tags: Collection[str] | None,
    ) -> list[Referrer]:
        """The referrers list: through the API while the registry has it, else the fallback."""
        if self.api is not False:
            descriptors = await self._from_api(repository, digest, artifact_type)
            if descriptors is not None:
                return await self.lookup.classified(repository, digest, descriptors)
        return await self.lookup.from_fallback(repository, digest, tags)

    async def _from_api(
        self, repository: str, digest: str, artifact_type: str | None
    ) -> list[Descriptor] | None:
        """Every page of the API's answer; None when the registry has no referrers API."""
        target = f"/v2/{repository}/referrers/{digest}"
        params = {"artifactType": artifact_type} if artifact_type else None
        what = f"referrers of {repository}@{short_digest(digest)}"
        guard = PageGuard(self.display_name, what, max_pages=MAX_REFERRER_PAGES)
        subject = Subject(repository=repository, reference=what, action="listing referrers")
        found: list[Descriptor] = []
        filtered = artifact_type is not None
        while True:
            guard.check((target, params))
            reply = await self.http.request(
                "GET",
                target,
                params=params,
                headers={"Accept": OCI_INDEX},
                limit=LIST_LIMIT,
                passthrough=_NO_API if guard.pages == 1 else (),
                subject=subject,
            )
            if reply.status in _NO_API:
                # NAME_UNKNOWN: the repository is missing, which says nothing about the API.
                if not parse_registry_errors(reply.body).has("NAME_UNKNOWN"):
                    self.api = False
                return None
            self.api = True
            index = parse_manifest(
                reply.body,
                content_type=reply.header("content-type"),
                digest=digest_of(reply.body),
                where=f"{self.display_name}: {what}",
            )
            if not index.is_index:
                raise BadResponse(f"{self.display_name}: {what}: the answer is not an index")
            applied = (reply.header("oci-filters-applied") or "").lower()
            filtered = filtered and "artifacttype" in applied.replace(" ", "").split(",")
            link = parse_next_link(reply.header("link"))
            fresh = set(guard.progress([d.digest for d in index.manifests], more=bool(link)))
            for descriptor in index.manifests:
                if descriptor.digest in fresh:
                    fresh.discard(descriptor.digest)
                    found.append(descriptor)
            if not link:
                break
            target, params = self.link_target(link), None
        # A registry that did not say it filtered may have sent everything: filter here.
        return found if filtered else matching(found, artifact_type)
