"""Scaleway Container Registry through its REST API (registry/v1): namespaces, images, tags.

The image list is ``namespace/image``; tags come 100 a page over ``total_count``. The REST API
knows a tag's digest, dates and status but nothing of the image's config or layers (those are
only served over the registry protocol at ``rg.<region>.scw.cloud``): the detail says so rather
than inventing them.

Deleting a tag: the API documents that when other tags share the digest the deletion fails
unless ``force=true`` (a deprecated parameter) is sent, and says nothing about what ``force``
does to those other tags. So a plain delete never sends it (and the refusal is shown as such);
only the user's explicit whole-digest choice sends ``force=true``, with every tag sharing the
digest counted as possibly lost.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
import yaml

from tagtui.credentials import Credential
from tagtui.errors import (
    BadResponse,
    ConfigError,
    Conflict,
    CredentialError,
    DeleteAborted,
    NotFound,
    TagtuiError,
    UsageError,
)
from tagtui.model import (
    Capabilities,
    DeleteMethod,
    DeletePlan,
    DeleteResult,
    Extras,
    Image,
    Repository,
    Tag,
    TagDetail,
)
from tagtui.natsort import natural_key
from tagtui.providers.base import ConnectionOptions, Provider, ProviderOptions
from tagtui.providers.oci.errormap import RequestRejected
from tagtui.providers.vendor_http import (
    PageGuard,
    VendorHttp,
    encode_segment,
    integer,
    mapping,
    sequence,
    text,
    timestamp,
)
from tagtui.text import agree, human_size, join_names, sanitize, short_digest

REGIONS = ("fr-par", "nl-ams", "pl-waw")
DEFAULT_REGION = "fr-par"
DEFAULT_API = "https://api.scaleway.com"
KEYRING_HOST = "api.scaleway.com"
PAGE_SIZE = 100
SERVICE = "Scaleway API"
# What `sort` asks of the API's order_by; None (the default) is natural order, client-side.
ORDER_BY = {"name": "name_asc", "newest": "created_at_desc"}
NO_CONFIG_NOTE = "config and layers: available over the registry API at rg.{region}.scw.cloud"
FORCE_SOURCE = "scaleway/docs-content#1530"


# --- credentials ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ScwConfig:
    """What the ``scw`` CLI config file says (active profile over the top level)."""

    secret_key: str | None = None
    access_key: str | None = None
    default_region: str | None = None
    path: Path | None = None


def scw_config_path() -> Path:
    """``$SCW_CONFIG_PATH``, else ``$XDG_CONFIG_HOME/scw/config.yaml``, else ``~/.config/...``."""
    explicit = os.environ.get("SCW_CONFIG_PATH")
    if explicit:
        return Path(explicit).expanduser()
    xdg = os.environ.get("XDG_CONFIG_HOME")
    base = Path(xdg) if xdg else Path.home() / ".config"
    return base / "scw" / "config.yaml"


def load_scw_config(path: Path | None = None) -> ScwConfig:
    """Read the scw config; an absent file is an empty config, a broken one a ConfigError."""
    path = path or scw_config_path()
    try:
        raw = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return ScwConfig()
    except (OSError, UnicodeDecodeError) as err:
        raise ConfigError(f"cannot read the scw config {path}: {type(err).__name__}") from None
    try:
        document = yaml.safe_load(raw)
    except yaml.YAMLError as err:
        # The parser's own message quotes the file (maybe the secret): give the line only.
        mark = getattr(err, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        raise ConfigError(f"the scw config {path} is not valid YAML{where}") from None
    if document is None:
        return ScwConfig(path=path)
    if not isinstance(document, dict):
        raise ConfigError(f"the scw config {path} is not a YAML mapping")
    values = {k: v for k, v in document.items() if k != "profiles"}
    profile_name = os.environ.get("SCW_PROFILE") or text(document.get("active_profile"))
    profiles = document.get("profiles")
    if profile_name and isinstance(profiles, dict):
        profile = profiles.get(profile_name)
        if isinstance(profile, dict):
            values.update({k: v for k, v in profile.items() if v is not None})
    return ScwConfig(
        secret_key=_clean(values.get("secret_key")),
        access_key=_clean(values.get("access_key")),
        default_region=_clean(values.get("default_region")),
        path=path,
    )


def _clean(value: Any) -> str | None:
    return value.strip() or None if isinstance(value, str) else None


def resolve_credential(config: ScwConfig) -> Credential:
    """SCW_SECRET_KEY, then the scw config file, then the OS keyring (``api.scaleway.com``)."""
    secret = (os.environ.get("SCW_SECRET_KEY") or "").strip()
    if secret:
        access = (os.environ.get("SCW_ACCESS_KEY") or "").strip() or None
        return Credential(username=access, secret=secret, source="environment (SCW_SECRET_KEY)")
    if config.secret_key:
        return Credential(username=config.access_key, secret=config.secret_key, source="scw config")
    from tagtui.credentials import keyring_store

    try:
        stored = keyring_store.load(KEYRING_HOST)
    except CredentialError:
        stored = None
    if stored is not None and stored.secret:
        return stored
    raise CredentialError(
        "no Scaleway secret key found: set SCW_SECRET_KEY (and SCW_DEFAULT_REGION), put "
        f"secret_key in {scw_config_path()} (`scw init` writes it), or store it in the OS "
        f"keyring under {KEYRING_HOST}"
    )


def resolve_region(option: str | None, config: ScwConfig) -> str:
    """--region, then SCW_DEFAULT_REGION, then the config's default_region, then fr-par."""
    region = option or os.environ.get("SCW_DEFAULT_REGION") or config.default_region
    region = (region or DEFAULT_REGION).strip().lower()
    if region not in REGIONS:
        raise UsageError(f"unknown Scaleway region {region!r}: choose from {', '.join(REGIONS)}")
    return region


def create_provider(options: ProviderOptions) -> ScalewayProvider:
    """The CLI's entry point: region and credentials resolved the way ``scw`` resolves them."""
    # The config file is only read when the environment leaves something open, so a broken
    # file does not stand in the way of SCW_SECRET_KEY + SCW_DEFAULT_REGION (or --region).
    complete = os.environ.get("SCW_SECRET_KEY") and (
        options.region or os.environ.get("SCW_DEFAULT_REGION")
    )
    config = ScwConfig() if complete else load_scw_config()
    region = resolve_region(options.region, config)
    credential = resolve_credential(config)
    return ScalewayProvider(
        region, credential, endpoint=options.endpoint, options=options.connection
    )


# --- records from JSON ---------------------------------------------------------------------------


@dataclass(frozen=True)
class _Namespace:
    id: str
    name: str
    endpoint: str | None
    is_public: bool | None


@dataclass(frozen=True)
class _Image:
    id: str
    name: str
    namespace: _Namespace
    status: str | None
    status_message: str | None
    visibility: str | None
    size: int | None
    created: datetime | None
    updated: datetime | None
    tag_names: tuple[str, ...] | None

    @property
    def repository(self) -> str:
        return f"{self.namespace.name}/{self.name}"


@dataclass(frozen=True)
class _Tag:
    id: str
    name: str
    digest: str | None
    status: str | None
    created: datetime | None
    updated: datetime | None

    def model(self) -> Tag:
        # "ready" is the normal state: only the others are worth a column.
        status = self.status if self.status not in (None, "ready") else None
        return Tag(name=self.name, digest=self.digest, created=self.created, status=status)


def _id(item: dict[str, Any], what: str) -> str:
    value = text(item.get("id"))
    if value is None:
        raise BadResponse(f"{SERVICE} sent {what} without an id")
    return value


def _name(item: dict[str, Any], what: str) -> str:
    value = text(item.get("name"))
    if value is None:
        raise BadResponse(f"{SERVICE} sent {what} without a name")
    return value


def _namespace(item: Any) -> _Namespace:
    item = mapping(item, SERVICE, "a namespace")
    public = item.get("is_public")
    return _Namespace(
        id=_id(item, "a namespace"),
        name=_name(item, "a namespace"),
        endpoint=text(item.get("endpoint")),
        is_public=public if isinstance(public, bool) else None,
    )


def _image(item: Any, namespace: _Namespace) -> _Image:
    item = mapping(item, SERVICE, "an image")
    tags = item.get("tags")
    names = tuple(t for t in tags if isinstance(t, str)) if isinstance(tags, list) else None
    return _Image(
        id=_id(item, "an image"),
        name=_name(item, "an image"),
        namespace=namespace,
        status=text(item.get("status")),
        status_message=text(item.get("status_message")),
        visibility=text(item.get("visibility")),
        size=integer(item.get("size")),
        created=timestamp(item.get("created_at")),
        updated=timestamp(item.get("updated_at")),
        tag_names=names,
    )


def _tag(item: Any) -> _Tag:
    item = mapping(item, SERVICE, "a tag")
    return _Tag(
        id=_id(item, "a tag"),
        name=_name(item, "a tag"),
        digest=text(item.get("digest")),
        status=text(item.get("status")),
        created=timestamp(item.get("created_at")),
        updated=timestamp(item.get("updated_at")),
    )


def _date(value: datetime | None) -> str | None:
    return value.isoformat(sep=" ", timespec="seconds") if value else None


def _extras(*pairs: tuple[str, str | None]) -> Extras:
    """Only the facts that are there: null fields are absent, not "None"."""
    return tuple((label, value) for label, value in pairs if value)


# --- the provider --------------------------------------------------------------------------------


class ScalewayProvider(Provider):
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
        self._credential = credential
        api = (endpoint or DEFAULT_API).rstrip("/")
        self.http = VendorHttp(
            SERVICE,
            f"{api}/registry/v1/regions/{encode_segment(region)}",
            options=options or ConnectionOptions(),
            auth=self._auth_headers,
            transport=transport,
        )
        self.http.username = credential.username if credential else None
        self._namespaces: dict[str, _Namespace] = {}
        self._images: dict[str, _Image] = {}

    # --- identity -----------------------------------------------------------------------------

    @property
    def display_name(self) -> str:
        return f"scaleway {self.region}"

    @property
    def credential_source(self) -> str:
        return self._credential.source if self._credential else "anonymous"

    @property
    def credential_key(self) -> str:
        return KEYRING_HOST

    def set_credential(self, credential: Credential) -> None:
        self._credential = credential
        self.http.username = credential.username

    def _auth_headers(self, method: str, target: str) -> dict[str, str]:
        return {"X-Auth-Token": self._credential.secret} if self._credential else {}

    @property
    def capabilities(self) -> Capabilities:
        return Capabilities(
            catalog=True,
            delete=True,
            tag_delete=True,
            # Offered as the API's force=true; what it does to the other tags is not documented.
            digest_delete=True,
            sorts=tuple(ORDER_BY),
            note=None,
        )

    def pull_reference(
        self, repository: str, tag: str | None = None, digest: str | None = None
    ) -> str:
        name = f"rg.{self.region}.scw.cloud/{repository}"
        if digest:
            return f"{name}@{digest}"
        return f"{name}:{tag}" if tag else name

    async def aclose(self) -> None:
        await self.http.aclose()

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
            guard.check_items([str(i.get("id")) for i in items if isinstance(i, dict)])
            if not items:
                return
            yield items
            seen += len(items)
            total = integer(document.get("total_count"))
            if total is not None and seen >= total:
                return
            if total is None and len(items) < PAGE_SIZE:
                return
            page += 1

    # --- repositories -------------------------------------------------------------------------

    async def _all_namespaces(self, name: str | None = None) -> list[_Namespace]:
        params = [("name", name)] if name else []
        found: list[_Namespace] = []
        async for items in self._pages("/namespaces", "namespaces", params, "namespaces"):
            for item in items:
                namespace = _namespace(item)
                self._namespaces[namespace.name] = namespace
                found.append(namespace)
        return found

    async def _images_of(
        self, namespace: _Namespace, name: str | None = None
    ) -> AsyncIterator[list[_Image]]:
        params = [("namespace_id", namespace.id)] + ([("name", name)] if name else [])
        what = f"images of namespace {namespace.name}"
        async for items in self._pages("/images", "images", params, what):
            images = [_image(item, namespace) for item in items]
            for image in images:
                self._images[image.repository] = image
            yield images

    async def list_repositories(self) -> AsyncIterator[list[Repository]]:
        for namespace in await self._all_namespaces():
            async for images in self._images_of(namespace):
                yield [self._repository(image) for image in images]

    @staticmethod
    def _repository(image: _Image) -> Repository:
        extras = _extras(
            ("Status", image.status),
            ("Visibility", image.visibility),
            ("Size", human_size(image.size) if image.size is not None else None),
            ("Updated", _date(image.updated)),
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

    async def _find_image(self, repository: str, *, fresh: bool = False) -> _Image:
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

    async def _tags(self, image: _Image, *, order_by: str | None = None) -> list[_Tag]:
        params = [("order_by", order_by)] if order_by else []
        what = f"tags of {image.repository}"
        tags: list[_Tag] = []
        async for items in self._pages(
            f"/images/{encode_segment(image.id)}/tags", "tags", params, what
        ):
            tags.extend(_tag(item) for item in items)
        return tags

    async def _tag_by_name(self, image: _Image, name: str) -> _Tag | None:
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
            tag = _tag(item)
            if tag.name == name:
                return tag
        return None

    async def list_tags(self, repository: str, *, sort: str | None = None) -> list[Tag]:
        image = await self._find_image(repository)
        order_by = ORDER_BY.get(sort) if sort else None
        tags = [tag.model() for tag in await self._tags(image, order_by=order_by)]
        if order_by is None:
            tags.sort(key=lambda tag: natural_key(tag.name))
        return tags

    async def describe_tag(self, repository: str, tag: Tag) -> Tag:
        # The list already carries everything the API knows cheaply (digest, dates, status).
        return tag

    async def _require_tag(self, repository: str, name: str) -> tuple[_Image, _Tag]:
        image = await self._find_image(repository)
        tag = await self._tag_by_name(image, name)
        if tag is None:
            raise NotFound(f"tag {repository}:{name} not found in Scaleway {self.region}")
        return image, tag

    async def get_tag(self, repository: str, tag: str) -> TagDetail:
        image, record = await self._require_tag(repository, tag)
        note = NO_CONFIG_NOTE.format(region=self.region)
        size = (
            f"{human_size(image.size)} ({image.size:,} bytes)" if image.size is not None else None
        )
        extras = _extras(
            ("Status", record.status),
            ("Digest", record.digest),
            ("Created", _date(record.created)),
            ("Updated", _date(record.updated)),
            ("Image size", size),
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
            image=Image(
                digest=record.digest,
                media_type=None,
                extras=(("Note", note),),
            ),
            extras=extras,
        )

    async def get_image(self, repository: str, digest: str) -> Image:
        note = NO_CONFIG_NOTE.format(region=self.region)
        return Image(digest=digest, media_type=None, extras=(("Note", note),))

    # --- delete -------------------------------------------------------------------------------

    async def plan_delete(
        self, repository: str, tag: str, *, whole_digest: bool = False
    ) -> DeletePlan:
        image, record = await self._require_tag(repository, tag)
        sharing = self._sharing(await self._tags(image), record)
        others = [name for name in sharing if name != tag]
        short = short_digest(record.digest)
        if not others:
            return DeletePlan(
                repository=repository,
                tag=tag,
                digest=record.digest,
                method=DeleteMethod.API_TAG_DELETE,
                removes=(tag,),
                summary=f"Only {tag} is removed; no other tag points at {short}.",
                shared_tags=(tag,),
            )
        if not whole_digest:
            verb = "stays" if len(others) == 1 else "stay"
            return DeletePlan(
                repository=repository,
                tag=tag,
                digest=record.digest,
                method=DeleteMethod.API_TAG_DELETE,
                removes=(tag,),
                keeps=tuple(others),
                warnings=(
                    f"{agree(others, 'shares', 'share')} digest {short}: Scaleway documents "
                    "that the deletion then fails unless force=true is sent. tagtui sends it "
                    "without force, so the API may refuse; the whole-digest choice sends "
                    "force=true.",
                ),
                summary=f"Only {tag} is asked to be removed; {join_names(others)} {verb}.",
                shared_tags=tuple(sharing),
            )
        return DeletePlan(
            repository=repository,
            tag=tag,
            digest=record.digest,
            method=DeleteMethod.API_TAG_DELETE,
            removes=tuple(sharing),
            keeps=(),
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
            shared_tags=tuple(sharing),
        )

    @staticmethod
    def _sharing(tags: list[_Tag], record: _Tag) -> list[str]:
        names = {t.name for t in tags if record.digest and t.digest == record.digest}
        names.add(record.name)
        return sorted(names, key=natural_key)

    async def delete(self, plan: DeletePlan) -> DeleteResult:
        image = await self._find_image(plan.repository, fresh=True)
        record = await self._tag_by_name(image, plan.tag)
        if record is None:
            raise DeleteAborted(f"{plan.tag} no longer exists; nothing was deleted")
        if record.digest != plan.digest:
            raise DeleteAborted(
                f"{plan.tag} now points at {short_digest(record.digest)}, not "
                f"{short_digest(plan.digest)} as planned; nothing was deleted"
            )
        force = plan.whole_digest
        if force:
            extra = [
                n for n in self._sharing(await self._tags(image), record) if n not in plan.removes
            ]
            if extra:
                raise DeleteAborted(
                    f"{agree(extra, 'now also points', 'now also point')} at "
                    f"{short_digest(plan.digest)}; nothing was deleted"
                )
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
                    f"({join_names(list(plan.keeps))} share its digest): {err}"
                ) from None
            raise
        return await self._outcome(image, plan, force)

    async def _outcome(self, image: _Image, plan: DeletePlan, force: bool) -> DeleteResult:
        """What is really gone now: the API's answer is not the last word on siblings."""
        try:
            remaining = {t.name: t for t in await self._tags(image)}
        except TagtuiError as err:
            return DeleteResult(
                removed=(plan.tag,),
                messages=(f"deleted {plan.tag}; could not re-list the tags to check: {err}",),
            )
        candidates = list(plan.removes) + [n for n in plan.keeps if n not in plan.removes]
        gone = tuple(n for n in candidates if n not in remaining)
        messages: list[str] = []
        if plan.tag in remaining:
            status = remaining[plan.tag].status or "unknown"
            messages.append(f"the API accepted the delete; {plan.tag} is still listed ({status})")
        method = "with force=true" if force else "(API tag delete)"
        if gone:
            messages.append(f"removed {join_names(list(gone))} {method}")
        survivors = [n for n in plan.removes if n != plan.tag and n in remaining]
        if force and survivors:
            messages.append(f"{join_names(survivors)} survived the forced delete")
        lost = [n for n in plan.keeps if n not in remaining]
        if lost:
            messages.append(f"unexpected: {join_names(lost)} also disappeared")
        return DeleteResult(removed=gone, messages=tuple(messages))
