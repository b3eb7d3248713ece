"""``NcrProvider``: NCR registries, their images and tags through the API Gateway (v2)."""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import replace
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx

from tagtui.credentials import Credential
from tagtui.errors import (
    BadResponse,
    ConfigError,
    CredentialError,
    DeleteAborted,
    NotFound,
    TagtuiError,
    Unsupported,
    UsageError,
)
from tagtui.model import DeletePlan, DeleteResult, Image, Repository, Tag, TagDetail
from tagtui.providers.base import ConnectionOptions, ProviderOptions, sorted_tags
from tagtui.providers.bulk_delete import read_once
from tagtui.providers.http import (
    PageGuard,
    VendorHttp,
    boolean,
    encode_segment,
    integer,
    item_keys,
    mapping,
    required_text,
    sequence,
    text,
)
from tagtui.providers.ncr.records import (
    NO_CONFIG_NOTE,
    SERVICE,
    PlatformRecord,
    TagRecord,
    parse_repository,
    parse_tag,
)
from tagtui.providers.ncr.signing import signed_headers
from tagtui.providers.tag_delete import (
    Relisted,
    api_tag_plan,
    refuse_if_moved,
    relisted_outcome,
    tag_gone,
    tags_sharing,
)
from tagtui.providers.vendor_common import (
    VendorApiProvider,
    display_date,
    display_size,
    keyring_credential,
    known_extras,
    split_endpoint,
)
from tagtui.text import agree, join_names, sanitize

DEFAULT_HOST = "https://ncr.apigw.ntruss.com"
KEYRING_HOST = "ncr.apigw.ntruss.com"
REGION_PREFIXES = {"kr": "/ncr/api/v2", "sgn": "/ncr/sgn-api/v2", "jpn": "/ncr/jpn-api/v2"}
DEFAULT_REGION = "kr"
# A base URL whose prefix is none of REGION_PREFIXES (gov's /ncr/kr/v2, a proxy's): used as given.
OTHER_PREFIX = "other"
PAGE_SIZE = 100
SIBLINGS_UNVERIFIED = (
    "NCR's documentation does not say whether deleting a tag also removes other tags sharing "
    "its digest (unverified); tagtui checks afterwards and reports what is gone."
)


# --- credentials and options ----------------------------------------------------------------------


def configure_file() -> Path:
    """The ncloud CLI's and SDKs' key file: ``~/.ncloud/configure``."""
    return Path.home() / ".ncloud" / "configure"


def _from_configure(path: Path) -> tuple[str, str] | None:
    """``ncloud_access_key_id = …`` and ``ncloud_secret_access_key = …`` lines, as the SDKs
    read them (no sections); None when the file is absent or lacks either."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as err:
        raise ConfigError(f"cannot read {path}: {type(err).__name__}") from None
    values: dict[str, str] = {}
    for line in lines:
        key, sep, value = line.partition("=")
        if sep:
            values[key.strip()] = value.strip()
    access = values.get("ncloud_access_key_id")
    secret = values.get("ncloud_secret_access_key")
    return (access, secret) if access and secret else None


def _env(*names: str) -> str:
    """The first of ``names`` set in the environment (the SDKs accept two spellings)."""
    return next((v.strip() for n in names if (v := os.environ.get(n) or "").strip()), "")


def resolve_credential() -> Credential:
    """NCLOUD_ACCESS_KEY(_ID) + NCLOUD_SECRET_(ACCESS_)KEY, then ``~/.ncloud/configure``, then
    the OS keyring (``ncr.apigw.ntruss.com``): the order of Naver Cloud's SDKs."""
    access = _env("NCLOUD_ACCESS_KEY_ID", "NCLOUD_ACCESS_KEY")
    secret = _env("NCLOUD_SECRET_ACCESS_KEY", "NCLOUD_SECRET_KEY")
    if access and secret:
        return Credential(username=access, secret=secret, source="environment (NCLOUD_*_KEY)")
    if access or secret:
        missing = "NCLOUD_SECRET_KEY" if access else "NCLOUD_ACCESS_KEY"
        raise CredentialError(
            f"{missing} is not set: NCR needs both NCLOUD_ACCESS_KEY and NCLOUD_SECRET_KEY"
        )
    found = _from_configure(configure_file())
    if found is not None:
        return Credential(username=found[0], secret=found[1], source=str(configure_file()))
    stored = keyring_credential(KEYRING_HOST, needs_username=True)
    if stored is not None:
        return stored
    raise CredentialError(
        "no Naver Cloud API keys found: set NCLOUD_ACCESS_KEY and NCLOUD_SECRET_KEY, write "
        f"ncloud_access_key_id and ncloud_secret_access_key to {configure_file()} (`ncloud "
        f"configure` does), or store them in the OS keyring under {KEYRING_HOST} (username = "
        "access key, password = secret key)"
    )


def split_api_url(value: str) -> tuple[str, str | None]:
    """``--endpoint`` / ``NCLOUD_API_GW`` as (base URL, the region it names, ``OTHER_PREFIX``
    or None for a host).

    The host (``https://ncr.apigw.ntruss.com``) gets the region's prefix later; the documented
    base URL (``…/ncr/api/v2``, ``…/ncr/sgn-api/v2``, gov's ``…/ncr/kr/v2``) is used as given.
    """
    endpoint = split_endpoint(value, "/ncr/([^/]+)/v2", what="the NCR API")
    if endpoint.match is None:
        return endpoint.root, None
    prefix = f"/ncr/{endpoint.match[0]}/v2"
    region = next((r for r, p in REGION_PREFIXES.items() if p == prefix), None)
    return endpoint.root + prefix, region or OTHER_PREFIX


def resolve_region(option: str | None, named: str | None = None) -> str:
    """--region, then the region the base URL names, then NCLOUD_REGION (the Terraform
    provider's; KR, SGN, JPN), then kr. --region and the URL must agree."""
    if option and named and named != OTHER_PREFIX and option.strip().lower() != named:
        raise UsageError(
            f"--region {sanitize(option)} contradicts the endpoint, whose base URL is the "
            f"{named} API: give one of them"
        )
    if named and not option:
        return named if named != OTHER_PREFIX else DEFAULT_REGION
    region = (option or os.environ.get("NCLOUD_REGION") or DEFAULT_REGION).strip().lower()
    if region not in REGION_PREFIXES:
        raise UsageError(f"unknown NCR region {region!r}: choose from {', '.join(REGION_PREFIXES)}")
    return region


def create_provider(options: ProviderOptions) -> NcrProvider:
    """The CLI's entry point: keys, region and API URL found as Naver Cloud's SDKs find them
    (``--endpoint``, else ``NCLOUD_API_GW``)."""
    endpoint = options.endpoint or os.environ.get("NCLOUD_API_GW") or None
    named = split_api_url(endpoint)[1] if endpoint else None
    region = resolve_region(options.region, named)
    return NcrProvider(region, resolve_credential(), endpoint=endpoint, options=options.connection)


# --- the provider ---------------------------------------------------------------------------------


class NcrProvider(VendorApiProvider):
    kind = "ncr"

    def __init__(
        self,
        region: str,
        credential: Credential | None,
        *,
        endpoint: str | None = None,
        options: ConnectionOptions | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        if region not in REGION_PREFIXES:
            raise UsageError(f"unknown NCR region {region!r}")
        self.region = region
        self._clock = clock
        root, named = split_api_url(endpoint or DEFAULT_HOST)
        # A base URL is used as given; a host gets the region's prefix.
        base = root if named else f"{root}{REGION_PREFIXES[region]}"
        http = VendorHttp(
            SERVICE,
            base,
            options=options or ConnectionOptions(),
            auth=self._sign,
            transport=transport,
        )
        super().__init__(http, credential)
        # Platforms seen in tag lists and details, for get_image by digest.
        self._platforms: dict[tuple[str, str], PlatformRecord] = {}
        self._endpoints: dict[str, str] = {}
        self._endpoints_listed = False

    # --- identity -----------------------------------------------------------------------------

    @property
    def display_name(self) -> str:
        return f"ncr {self.region}"

    @property
    def credential_key(self) -> str:
        return KEYRING_HOST

    def set_credential(self, credential: Credential) -> None:
        if not credential.username:
            raise CredentialError("NCR needs the access key as the username")
        super().set_credential(credential)

    def _sign(self, method: str, target: str) -> dict[str, str]:
        if self._credential is None:
            return {}
        return signed_headers(self._credential, method, target, now=self._clock)

    def pull_name(self, repository: str) -> str:
        registry, image = self.split(repository)
        endpoint = self._endpoints.get(registry)
        return f"{endpoint}/{image}" if endpoint else repository

    async def check(self) -> None:
        await self.http.get_json(
            "/repositories", params=[("page", "1"), ("pagesize", "1")], subject="registries"
        )

    # --- paging -------------------------------------------------------------------------------

    async def _pages(self, path: str, what: str) -> AsyncIterator[list[Any]]:
        """Every page of a ``{count, next, previous, results}`` listing until ``next`` is null/0."""
        guard = PageGuard(SERVICE, what)
        page = 1
        while True:
            reply = await self.http.request(
                "GET",
                path,
                params=[("page", str(page)), ("pagesize", str(PAGE_SIZE))],
                subject=what,
            )
            document = mapping(self.http.decode(reply, what), SERVICE, f"a page of {what}")
            results = sequence(
                document.get("results"), SERVICE, f"{what} ('results')", missing_ok=True
            )
            guard.check(page, reply.body if results else None)
            following = self._next_page(document.get("next"))
            more = bool(results) and following is not None
            guard.progress(item_keys(results, "id", "name"), more=more)
            if results:
                yield results
            if not more or following is None:
                return
            if following <= page:
                raise BadResponse(
                    f"{SERVICE} pointed back to page {following} of {what} after page {page}; "
                    "stopping instead of looping"
                )
            page = following

    @staticmethod
    def _next_page(value: Any) -> int | None:
        """``next`` as a page number: null/0/absent end the listing; a URL's ``page=`` is read."""
        number = integer(value)
        if number is not None:
            return number if number > 0 else None
        if isinstance(value, str) and value.strip():
            pages = parse_qs(urlsplit(value).query).get("page")
            if pages and pages[0].isdigit():
                return int(pages[0]) or None
            raise BadResponse(f"{SERVICE} sent an unusable next page: {sanitize(value, limit=80)}")
        return None

    # --- repositories -------------------------------------------------------------------------

    async def _registries(self) -> list[str]:
        names: list[str] = []
        async for items in self._pages("/repositories", "registries"):
            for item in items:
                item = mapping(item, SERVICE, "a registry")
                name = required_text(item, "name", SERVICE, "a registry")
                endpoint = text(item.get("end_point"))
                if endpoint:
                    self._endpoints[name] = endpoint.removeprefix("https://").rstrip("/")
                names.append(name)
        return names

    async def list_repositories(self) -> AsyncIterator[list[Repository]]:
        for registry in await self._registries():
            path = f"/repositories/{encode_segment(registry)}"
            async for items in self._pages(path, f"images of registry {registry}"):
                yield [parse_repository(registry, item) for item in items]

    @staticmethod
    def split(repository: str) -> tuple[str, str]:
        registry, _, image = repository.strip("/").partition("/")
        if not registry or not image:
            raise UsageError(f"an NCR image is named registry/image, not {sanitize(repository)!r}")
        return registry, image

    def _image_path(self, repository: str) -> str:
        registry, image = self.split(repository)
        return f"/repositories/{encode_segment(registry)}/{encode_segment(image)}"

    # --- tags ---------------------------------------------------------------------------------

    def _remember(self, repository: str, tag: TagRecord) -> None:
        for record in tag.platforms:
            self._platforms[(repository, record.platform.digest)] = record

    async def _tags(self, repository: str) -> list[TagRecord]:
        tags: list[TagRecord] = []
        async for items in self._pages(
            f"{self._image_path(repository)}/tags", f"tags of {repository}"
        ):
            for item in items:
                tag = parse_tag(item)
                self._remember(repository, tag)
                tags.append(tag)
        return tags

    async def list_tags(self, repository: str, *, sort: str | None = None) -> list[Tag]:
        # The API has no sort order to ask for: natural order here, the UI sorts otherwise.
        return sorted_tags(tag.model() for tag in await self._tags(repository))

    async def describe_tag(self, repository: str, tag: Tag) -> Tag:
        # The list already carries the digest, date and size.
        return tag

    async def _tag_detail(self, repository: str, name: str) -> TagRecord:
        path = f"{self._image_path(repository)}/tags/{encode_segment(name)}"
        document = await self.http.get_json(path, subject=f"tag {repository}:{name}")
        tag = parse_tag(document)
        if tag.name != name:
            raise BadResponse(f"{SERVICE} answered tag {tag.name} when asked for {name}")
        self._remember(repository, tag)
        return tag

    async def _learn_endpoint(self, registry: str) -> None:
        """The registry's pull host (``end_point``), for references; only the list has it."""
        if registry in self._endpoints or self._endpoints_listed:
            return
        self._endpoints_listed = True
        # A reference without the host is still shown: the detail matters more than this.
        with contextlib.suppress(TagtuiError):
            await self._registries()

    async def get_tag(self, repository: str, tag: str) -> TagDetail:
        record = await self._tag_detail(repository, tag)
        await self._learn_endpoint(self.split(repository)[0])
        raw = record.raw
        v2 = boolean(raw.get("v2"))
        extras = known_extras(
            ("Digest", record.digest),
            ("Size", display_size(record.size)),
            ("Last updated", display_date(record.updated)),
            ("Creator", text(raw.get("creator"))),
            ("Last updater", text(raw.get("last_updater"))),
            ("Tag id", text(raw.get("id"))),
            ("Image id", text(raw.get("image_id"))),
            ("Registry id", text(raw.get("repository"))),
            ("v2 spec", None if v2 is None else ("yes" if v2 else "no")),
            (
                "Platforms without a digest",
                str(record.dropped_platforms) if record.dropped_platforms else None,
            ),
            ("Note", NO_CONFIG_NOTE),
        )
        # A tag with one platform is an image, not a one-entry index to open.
        single = len(record.platforms) == 1 and not record.dropped_platforms
        image = record.platforms[0].image() if single else None
        if image is not None and image.reported_size is None:
            image = replace(image, reported_size=record.size)
        return TagDetail(
            reference=self.pull_reference(repository, tag),
            repository=repository,
            tag=tag,
            digest=record.digest,
            media_type=None,
            platforms=() if single else tuple(p.platform for p in record.platforms),
            image=image,
            extras=extras,
        )

    async def get_image(self, repository: str, digest: str) -> Image:
        record = self._platforms.get((repository, digest))
        if record is None:
            await self._tags(repository)  # list items carry images[] too
            record = self._platforms.get((repository, digest))
        if record is None:
            raise NotFound(f"{repository}@{digest} is not a platform of any tag NCR listed")
        return record.image()

    # --- delete -------------------------------------------------------------------------------

    async def plan_delete(
        self, repository: str, tag: str, *, whole_digest: bool = False
    ) -> DeletePlan:
        if whole_digest:
            raise Unsupported(
                "NCR's API deletes tags one at a time (or whole images); it has no digest delete"
            )
        # One listing gives the tag's digest and its siblings alike (the detail would ask again).
        tags = await read_once(("tags", repository), lambda: self._tags(repository))
        listed = {t.name: t.digest for t in tags}
        if tag not in listed:
            raise NotFound(f"tag {repository}:{tag} not found in NCR")
        digest = listed[tag]
        sharing = tags_sharing(tag, digest, listed.items())
        return api_tag_plan(repository, tag, digest, sharing, f". {SIBLINGS_UNVERIFIED}")

    async def delete(self, plan: DeletePlan) -> DeleteResult:
        if plan.whole_digest:
            raise DeleteAborted("NCR has no digest delete; nothing was deleted")
        try:
            record = await self._tag_detail(plan.repository, plan.tag)
        except NotFound:
            raise tag_gone(plan.tag) from None
        refuse_if_moved(plan.tag, record.digest, plan.digest)
        path = f"{self._image_path(plan.repository)}/tags/{encode_segment(plan.tag)}"
        await self.http.request(
            "DELETE", path, ok=(200, 202, 204), subject=f"tag {plan.repository}:{plan.tag}"
        )
        return await relisted_outcome(plan, lambda: self._remaining(plan.repository), self._report)

    async def _remaining(self, repository: str) -> dict[str, str | None]:
        return {tag.name: None for tag in await self._tags(repository)}

    @staticmethod
    def _report(relisted: Relisted) -> list[str]:
        """What to say, since NCR's effect on sibling tags is undocumented."""
        plan = relisted.plan
        messages: list[str] = []
        if relisted.still_listed:
            messages.append(f"the API accepted the delete, but {plan.tag} is still listed")
        if relisted.lost:
            messages.append(
                f"NCR also removed {join_names(relisted.lost)} (they shared the digest)"
            )
        elif plan.keeps:
            messages.append(f"{agree(list(plan.keeps), 'still exists', 'still exist')}")
        return messages
