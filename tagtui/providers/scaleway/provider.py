"""``ScalewayProvider``: the registry/v1 REST API as repositories, tags and deletes."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from dataclasses import replace
from typing import Any

import httpx

from tagtui.credentials import Credential
from tagtui.errors import ConfigError, Conflict, NotFound, UsageError
from tagtui.model import (
    Capabilities,
    DeletePlan,
    DeleteResult,
    Image,
    ImageConfig,
    Repository,
    Tag,
    TagDetail,
)
from tagtui.providers.base import ConnectionOptions, ProviderOptions, sorted_tags
from tagtui.providers.bulk_delete import read_once
from tagtui.providers.http import (
    PageGuard,
    RequestRejected,
    VendorHttp,
    encode_segment,
    integer,
    item_keys,
    mapping,
    sequence,
)
from tagtui.providers.scaleway.config import (
    KEYRING_HOST,
    ScwConfig,
    load_scw_config,
    resolve_api_url,
    resolve_credential,
    resolve_region,
    split_api_url,
)
from tagtui.providers.scaleway.records import (
    SERVICE,
    ImageRecord,
    Namespace,
    TagRecord,
    parse_image,
    parse_namespace,
    parse_tag,
)
from tagtui.providers.tag_delete import (
    Relisted,
    api_tag_plan,
    refuse_if_joined,
    refuse_if_moved,
    relisted_outcome,
    tag_gone,
    tags_sharing,
)
from tagtui.providers.vendor_common import (
    VendorApiProvider,
    display_date,
    display_size,
    known_extras,
)
from tagtui.text import agree, human_size, join_names, sanitize, short_digest

DEFAULT_API = "https://api.scaleway.com"
PAGE_SIZE = 100
# What `sort` asks of the API's order_by; None (the default) is natural order, client-side.
ORDER_BY = {"name": "name_asc", "newest": "created_at_desc"}
NO_CONFIG_NOTE = "config and layers: available over the registry API at rg.{region}.scw.cloud"
FORCE_SOURCE = "scaleway/docs-content#1530"
# Why a plain delete of a tag sharing its digest is not offered (DeletePlan.refused).
REFUSED = (
    "Scaleway refuses to delete a tag while another tag shares its digest, unless force=true "
    "is sent (it answers HTTP 412)"
)


# --- entry point ---------------------------------------------------------------------------------


def create_provider(options: ProviderOptions) -> ScalewayProvider:
    """The CLI's entry point: region, API URL and credentials resolved as ``scw`` does."""
    # When the environment says all (SCW_SECRET_KEY + SCW_DEFAULT_REGION, or --region), a
    # broken config file does not stand in the way; its api_url still counts when readable.
    complete = os.environ.get("SCW_SECRET_KEY") and (
        options.region or os.environ.get("SCW_DEFAULT_REGION")
    )
    try:
        config = load_scw_config()
    except ConfigError:
        if not complete:
            raise
        config = ScwConfig()
    endpoint = resolve_api_url(options.endpoint, config)
    named = split_api_url(endpoint)[1] if endpoint else None
    region = resolve_region(options.region, config, named)
    credential = resolve_credential(config)
    return ScalewayProvider(region, credential, endpoint=endpoint, options=options.connection)


# --- the provider --------------------------------------------------------------------------------


class ScalewayProvider(VendorApiProvider):
    kind = "scaleway"

    def __init__(
        self,
        region: str,
        credential: Credential | None,
        *,
        endpoint: str | None = None,
        options: ConnectionOptions | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.region = region
        api = split_api_url(endpoint or DEFAULT_API)[0]
        http = VendorHttp(
            SERVICE,
            f"{api}/registry/v1/regions/{encode_segment(region)}",
            options=options or ConnectionOptions(),
            auth=self._auth_headers,
            transport=transport,
        )
        super().__init__(http, credential)
        self._namespaces: dict[str, Namespace] = {}
        self._images: dict[str, ImageRecord] = {}

    # --- identity -----------------------------------------------------------------------------

    @property
    def display_name(self) -> str:
        return f"scaleway {self.region}"

    @property
    def credential_key(self) -> str:
        return KEYRING_HOST

    def _auth_headers(self, method: str, target: str) -> dict[str, str]:
        return {"X-Auth-Token": self._credential.secret} if self._credential else {}

    @property
    def capabilities(self) -> Capabilities:
        return Capabilities(
            # Offered as the API's force=true; what it does to the other tags is not documented.
            digest_delete=True,
            sorts=tuple(ORDER_BY),
        )

    def pull_name(self, repository: str) -> str:
        return f"rg.{self.region}.scw.cloud/{repository}"

    async def check(self) -> None:
        await self.http.get_json(
            "/namespaces", params=[("page", "1"), ("page_size", "1")], subject="namespaces"
        )

    # --- paging -------------------------------------------------------------------------------

    async def _pages(
        self, path: str, key: str, params: list[tuple[str, str]], what: str
    ) -> AsyncIterator[list[Any]]:
        """Every page of a ``{key: [...], total_count}`` listing, guarded against loops.

        Stops at an empty page or once ``total_count`` items came (as the Scaleway SDK does).
        """
        guard = PageGuard(SERVICE, what)
        seen = 0
        page = 1
        while True:
            reply = await self.http.request(
                "GET",
                path,
                params=[*params, ("page", str(page)), ("page_size", str(PAGE_SIZE))],
                subject=what,
            )
            document = mapping(self.http.decode(reply, what), SERVICE, f"a page of {what}")
            items = sequence(document.get(key), SERVICE, f"{what} ({key!r})")
            guard.check(page, reply.body if items else None)
            if not items:
                return
            seen += len(items)
            total = integer(document.get("total_count"))
            # Stop once total_count items came, or at a short page when there is no total.
            more = seen < total if total is not None else len(items) >= PAGE_SIZE
            guard.progress(item_keys(items, "id", "name"), more=more)
            yield items
            if not more:
                return
            page += 1

    # --- repositories -------------------------------------------------------------------------

    async def _all_namespaces(self, name: str | None = None) -> list[Namespace]:
        params = [("name", name)] if name else []
        found: list[Namespace] = []
        async for items in self._pages("/namespaces", "namespaces", params, "namespaces"):
            for item in items:
                namespace = parse_namespace(item)
                self._namespaces[namespace.name] = namespace
                found.append(namespace)
        return found

    async def _images_of(
        self, namespace: Namespace, name: str | None = None
    ) -> AsyncIterator[list[ImageRecord]]:
        params = [("namespace_id", namespace.id)] + ([("name", name)] if name else [])
        what = f"images of namespace {namespace.name}"
        async for items in self._pages("/images", "images", params, what):
            images = [parse_image(item, namespace) for item in items]
            for image in images:
                self._images[image.repository] = image
            yield images

    async def list_repositories(self) -> AsyncIterator[list[Repository]]:
        for namespace in await self._all_namespaces():
            async for images in self._images_of(namespace):
                yield [self._repository(image) for image in images]

    @staticmethod
    def _repository(image: ImageRecord) -> Repository:
        extras = known_extras(
            ("Status", image.status),
            ("Visibility", image.visibility),
            ("Size", human_size(image.size) if image.size is not None else None),
            ("Updated", display_date(image.updated)),
        )
        count = len(image.tag_names) if image.tag_names is not None else None
        return Repository(name=image.repository, tag_count=count, extras=extras)

    @staticmethod
    def split(repository: str) -> tuple[str, str]:
        namespace, _, image = repository.strip("/").partition("/")
        if not namespace or not image:
            raise UsageError(
                f"a Scaleway image is named namespace/image, not {sanitize(repository)!r}"
            )
        return namespace, image

    async def _find_image(self, repository: str, *, fresh: bool = False) -> ImageRecord:
        """The image record for ``namespace/image``, by exact name filters when not cached."""
        namespace_name, image_name = self.split(repository)
        cached = self._images.get(f"{namespace_name}/{image_name}")
        if cached is not None and not fresh:
            return cached
        namespace = self._namespaces.get(namespace_name)
        if namespace is None:
            # `name` is an exact filter; still compare, in case a server treats it otherwise.
            matches = [
                n for n in await self._all_namespaces(namespace_name) if n.name == namespace_name
            ]
            if not matches:
                raise NotFound(f"namespace {namespace_name} not found in Scaleway {self.region}")
            namespace = matches[0]
        async for images in self._images_of(namespace, image_name):
            for image in images:
                if image.name == image_name:
                    return image
        raise NotFound(f"image {repository} not found in Scaleway {self.region}")

    # --- tags ---------------------------------------------------------------------------------

    async def _tags(self, image: ImageRecord, *, order_by: str | None = None) -> list[TagRecord]:
        params = [("order_by", order_by)] if order_by else []
        what = f"tags of {image.repository}"
        tags: list[TagRecord] = []
        async for items in self._pages(
            f"/images/{encode_segment(image.id)}/tags", "tags", params, what
        ):
            tags.extend(parse_tag(item) for item in items)
        return tags

    async def _tag_by_name(self, image: ImageRecord, name: str) -> TagRecord | None:
        """One tag through the API's exact ``name`` filter (one request, not the whole list)."""
        path = f"/images/{encode_segment(image.id)}/tags"
        document = await self.http.get_json(
            path,
            params=[("name", name), ("page", "1"), ("page_size", str(PAGE_SIZE))],
            subject=f"tag {image.repository}:{name}",
        )
        document = mapping(document, SERVICE, "a page of tags")
        items = sequence(document.get("tags"), SERVICE, "tags ('tags')")
        for item in items:
            tag = parse_tag(item)
            if tag.name == name:
                return tag
        return None

    async def list_tags(self, repository: str, *, sort: str | None = None) -> list[Tag]:
        image = await self._find_image(repository)
        order_by = ORDER_BY.get(sort) if sort else None
        tags = [tag.model() for tag in await self._tags(image, order_by=order_by)]
        # In the API's order when it sorted them.
        return tags if order_by else sorted_tags(tags)

    async def describe_tag(self, repository: str, tag: Tag) -> Tag:
        # The list already carries everything the API knows cheaply (digest, dates, status).
        return tag

    async def _require_tag(self, repository: str, name: str) -> tuple[ImageRecord, TagRecord]:
        image = await self._find_image(repository)
        tag = await self._tag_by_name(image, name)
        if tag is None:
            raise NotFound(f"tag {repository}:{name} not found in Scaleway {self.region}")
        return image, tag

    async def get_tag(self, repository: str, tag: str) -> TagDetail:
        image, record = await self._require_tag(repository, tag)
        extras = known_extras(
            ("Status", record.status),
            ("Digest", record.digest),
            ("Created", display_date(record.created)),
            ("Updated", display_date(record.updated)),
            ("Image size", display_size(image.size)),
            ("Image status", image.status),
            ("Image status message", image.status_message),
            ("Visibility", image.visibility),
            ("Namespace endpoint", image.namespace.endpoint),
            ("Tag id", record.id),
        )
        return TagDetail(
            reference=self.pull_reference(repository, tag),
            repository=repository,
            tag=tag,
            digest=record.digest,
            media_type=None,
            image=self._without_config(record.digest, record, image),
            extras=extras,
        )

    async def get_image(self, repository: str, digest: str) -> Image:
        return self._without_config(digest)

    def _without_config(
        self,
        digest: str | None,
        tag: TagRecord | None = None,
        image: ImageRecord | None = None,
    ) -> Image:
        """The REST API has no config or layers: the image says where they are, and carries
        what the API does know: the tag's date and the size of the whole Scaleway image
        (every tag of the repository, not this one alone)."""
        note = NO_CONFIG_NOTE.format(region=self.region)
        return Image(
            digest=digest,
            media_type=None,
            config=ImageConfig(created=tag.created if tag else None),
            extras=(("Note", note),),
            reported_size=image.size if image else None,
            reported_size_of=f"every tag of {image.repository}" if image else None,
        )

    # --- delete -------------------------------------------------------------------------------

    async def plan_delete(
        self, repository: str, tag: str, *, whole_digest: bool = False
    ) -> DeletePlan:
        # One listing gives the tag's record and its siblings alike.
        image = await self._find_image(repository)
        tags = await read_once(("tags", repository), lambda: self._tags(image))
        record = next((t for t in tags if t.name == tag), None)
        if record is None:
            raise NotFound(f"tag {repository}:{tag} not found in Scaleway {self.region}")
        sharing = self._sharing(tags, record)
        plan = api_tag_plan(repository, tag, record.digest, sharing, "")
        if not plan.keeps:
            return plan
        others = list(plan.keeps)
        short = short_digest(record.digest)
        if not whole_digest:
            # Documented to fail: say so, and offer nothing that cannot work.
            return replace(
                plan,
                refused=REFUSED,
                summary=(
                    f"{tag} cannot be deleted alone: {agree(others, 'shares', 'share')} "
                    f"its digest {short}."
                ),
                warnings=(
                    "force=true is the separate whole-digest choice: it deletes "
                    f"{tag} and may delete {join_names(others)} too ({FORCE_SOURCE}).",
                ),
            )
        return replace(
            plan,
            removes=tuple(sharing),
            warnings=(
                "force=true is sent. Scaleway documents only that it lets the deletion go ahead "
                "when other tags share the digest, not what happens to them; a Scaleway "
                f"engineer warned ({FORCE_SOURCE}) that it may delete them too.",
                f"count {join_names(others)} as possibly lost; tagtui reports what is gone "
                "afterwards.",
            ),
            summary=(
                f"{tag} is deleted with force=true; {agree(others, 'shares', 'share')} "
                f"digest {short} and may be deleted with it."
            ),
            whole_digest=True,
        )

    @staticmethod
    def _sharing(tags: list[TagRecord], record: TagRecord) -> list[str]:
        return tags_sharing(record.name, record.digest, ((t.name, t.digest) for t in tags))

    async def delete(self, plan: DeletePlan) -> DeleteResult:
        image = await self._find_image(plan.repository, fresh=True)
        record = await self._tag_by_name(image, plan.tag)
        if record is None:
            raise tag_gone(plan.tag)
        refuse_if_moved(plan.tag, record.digest, plan.digest)
        force = plan.whole_digest
        if force:
            extra = [
                n for n in self._sharing(await self._tags(image), record) if n not in plan.removes
            ]
            refuse_if_joined(extra, plan.digest)
        path = f"/tags/{encode_segment(record.id)}"
        subject = f"tag {plan.repository}:{plan.tag}"
        try:
            await self.http.request(
                "DELETE",
                path,
                params=[("force", "true")] if force else None,
                ok=(200, 202, 204),
                subject=subject,
            )
        except (Conflict, RequestRejected) as err:
            if plan.keeps and not force:
                raise type(err)(
                    f"Scaleway refused to delete {plan.tag} without force "
                    f"({agree(list(plan.keeps), 'shares', 'share')} its digest): {err}"
                ) from None
            raise

        async def remaining() -> dict[str, str | None]:
            return {t.name: t.status for t in await self._tags(image)}

        def report(relisted: Relisted) -> list[str]:
            """The API's answer is not the last word on siblings: say what the list shows."""
            messages: list[str] = []
            if relisted.still_listed:
                status = relisted.remaining[plan.tag] or "unknown"
                messages.append(
                    f"the API accepted the delete; {plan.tag} is still listed ({status})"
                )
            if relisted.gone:
                messages.append("method: API tag delete" + (" with force=true" if force else ""))
            survivors = [n for n in plan.removes if n != plan.tag and n in relisted.remaining]
            if force and survivors:
                messages.append(f"{join_names(survivors)} survived the forced delete")
            if relisted.lost:
                messages.append(f"unexpected: {join_names(relisted.lost)} also disappeared")
            return messages

        return await relisted_outcome(plan, remaining, report)
