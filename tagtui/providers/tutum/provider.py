"""``TutumProvider``: Tutum's images and tags, and its whole-image delete."""

from __future__ import annotations

import asyncio
import base64
import configparser
import os
from collections.abc import AsyncIterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import httpx

from tagtui.credentials import Credential
from tagtui.errors import (
    AuthenticationRequired,
    BadResponse,
    ConfigError,
    CredentialError,
    DeleteAborted,
    NotFound,
    Unsupported,
)
from tagtui.model import (
    Capabilities,
    DeleteMethod,
    DeletePlan,
    DeleteResult,
    Image,
    Repository,
    Tag,
    TagDetail,
)
from tagtui.natsort import natural_sorted
from tagtui.providers.base import ConnectionOptions, ProviderOptions, sorted_tags
from tagtui.providers.bulk_delete import read_once
from tagtui.providers.http import PageGuard, VendorHttp, VendorReply, http_url, mapping, sequence
from tagtui.providers.tutum.records import (
    IMAGES,
    SERVICE,
    ImageRecord,
    TagRecord,
    image_path,
    parse_image,
    parse_tag,
    tag_name_of,
    tag_path,
)
from tagtui.providers.vendor_common import VendorApiProvider, keyring_credential, known_extras
from tagtui.text import join_names, sanitize

DEFAULT_BASE = "https://dashboard.tutum.co"
# Tag requests in flight at once when a list is described.
TAG_FETCHES = 8


# --- credentials ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class TutumAuth:
    """What goes in ``Authorization``: a complete header (TUTUM_AUTH) or a user and API key."""

    credential: Credential
    # True when ``credential.secret`` is a complete header value (TUTUM_AUTH).
    raw_header: bool = False


def base_url(endpoint: str | None = None) -> str:
    """``--endpoint``, ``TUTUM_BASE_URL``, ``TUTUM_REST_HOST``, else dashboard.tutum.co.

    Only scheme and host are kept: API paths (and ``meta.next``) are absolute, as python-tutum
    joins ``/api/v1/`` onto the host.
    """
    chosen = (
        endpoint
        or os.environ.get("TUTUM_BASE_URL")
        or os.environ.get("TUTUM_REST_HOST")
        or DEFAULT_BASE
    ).strip()
    url = http_url(
        chosen,
        invalid=f"invalid Tutum API URL {sanitize(chosen)!r}",
        not_http=f"the Tutum API URL must be http(s)://host, not {sanitize(chosen)!r}",
    )
    return f"{url.scheme}://{url.netloc.decode('ascii')}"


def tutum_file() -> Path:
    return Path.home() / ".tutum"


def _from_file(path: Path) -> tuple[str, str] | None:
    """``[auth]`` ``user`` and ``apikey`` from ``~/.tutum`` (as the tutum CLI writes it)."""
    parser = configparser.ConfigParser(interpolation=None)
    try:
        with path.open(encoding="utf-8") as handle:
            parser.read_file(handle)
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as err:
        raise ConfigError(f"cannot read {path}: {type(err).__name__}") from None
    except configparser.Error as err:
        # The parser's message can quote a line of the file (the key): name the line only.
        line = getattr(err, "lineno", None)
        where = f" (line {line})" if line else ""
        raise ConfigError(f"{path} is not a valid Tutum config file{where}") from None
    user = parser.get("auth", "user", fallback="").strip()
    apikey = parser.get("auth", "apikey", fallback="").strip()
    return (user, apikey) if user and apikey else None


def resolve_auth(host: str) -> TutumAuth:
    """TUTUM_AUTH, then TUTUM_USER/TUTUM_APIKEY, then ``~/.tutum``, then the OS keyring."""
    header = (os.environ.get("TUTUM_AUTH") or "").strip()
    if header:
        return TutumAuth(
            Credential(username=None, secret=header, source="environment (TUTUM_AUTH)"),
            raw_header=True,
        )
    user = (os.environ.get("TUTUM_USER") or "").strip()
    apikey = (os.environ.get("TUTUM_APIKEY") or "").strip()
    if user and apikey:
        return TutumAuth(Credential(user, apikey, source="environment (TUTUM_USER/TUTUM_APIKEY)"))
    found = _from_file(tutum_file())
    if found is not None:
        return TutumAuth(Credential(found[0], found[1], source=f"{tutum_file()}"))
    stored = keyring_credential(host, needs_username=True)
    if stored is not None:
        return TutumAuth(stored)
    raise CredentialError(
        "no Tutum credentials: set TUTUM_USER and TUTUM_APIKEY (or TUTUM_AUTH), write [auth] "
        f"user and apikey to {tutum_file()}, or store them in the OS keyring under {host}"
    )


def create_provider(options: ProviderOptions) -> TutumProvider:
    """The CLI's entry point: API URL and credentials found as the tutum CLI finds them."""
    base = base_url(options.endpoint)
    host = httpx.URL(base).netloc.decode("ascii")
    return TutumProvider(resolve_auth(host), base=base, options=options.connection)


# --- the provider --------------------------------------------------------------------------------


class TutumProvider(VendorApiProvider):
    kind = "tutum"

    def __init__(
        self,
        auth: TutumAuth | None,
        *,
        base: str = DEFAULT_BASE,
        options: ConnectionOptions | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self._auth = auth
        # Early docs and SDKs send "ApiKey user:key", later docs Basic: ApiKey first, and
        # Basic once if the server refuses it.
        self._scheme = "ApiKey"
        self._tried_basic = False
        http = VendorHttp(
            SERVICE,
            base,
            options=options or ConnectionOptions(),
            auth=self._auth_headers,
            transport=transport,
        )
        super().__init__(http, auth.credential if auth else None)
        self._images: dict[str, ImageRecord] = {}
        self._tags: dict[tuple[str, str], TagRecord] = {}
        # Images this session deleted: their tag list is empty, not an error, until reloaded.
        self._deleted: set[str] = set()

    # --- identity -----------------------------------------------------------------------------

    @property
    def display_name(self) -> str:
        return f"tutum {self.http.host}"

    def set_credential(self, credential: Credential) -> None:
        self._auth = TutumAuth(credential)
        self._scheme = "ApiKey"
        self._tried_basic = False
        super().set_credential(credential)

    def _auth_headers(self, method: str, target: str) -> dict[str, str]:
        if self._auth is None:
            return {}
        credential = self._auth.credential
        if self._auth.raw_header:
            return {"Authorization": credential.secret}
        pair = f"{credential.username or ''}:{credential.secret}"
        if self._scheme == "Basic":
            return {"Authorization": "Basic " + base64.b64encode(pair.encode()).decode("ascii")}
        return {"Authorization": f"ApiKey {pair}"}

    @property
    def capabilities(self) -> Capabilities:
        return Capabilities(
            tag_delete=False,
            note="Tutum deletes whole images only: every tag of the image goes with it.",
        )

    def pull_reference(
        self, repository: str, tag: str | None = None, digest: str | None = None
    ) -> str:
        # The tag's full_name, when Tutum sent one, is what a pull names.
        known = self._tags.get((repository, tag)) if tag and not digest else None
        if known is not None and known.full_name:
            return known.full_name
        return super().pull_reference(repository, tag, digest)

    async def check(self) -> None:
        await self._request("GET", IMAGES, subject="images")

    # --- requests -----------------------------------------------------------------------------

    async def _request(
        self, method: str, path: str, *, subject: str, ok: tuple[int, ...] = (200,)
    ) -> VendorReply:
        try:
            return await self.http.request(method, path, ok=ok, subject=subject)
        except AuthenticationRequired:
            if self._auth is None or self._auth.raw_header or self._tried_basic:
                raise
            # Refused as ApiKey: the later API takes the same pair as Basic. Nothing was done
            # (401), so asking again is safe even for DELETE.
            self._tried_basic = True
            self._scheme = "Basic"
            try:
                return await self.http.request(method, path, ok=ok, subject=subject)
            except AuthenticationRequired:
                self._scheme = "ApiKey"
                raise

    async def _json(self, path: str, subject: str) -> Any:
        reply = await self._request("GET", path, subject=subject)
        return self.http.decode(reply, subject)

    def _api_path(self, link: str) -> str:
        """A Tastypie link (host-relative, or absolute on this host) as a path to request."""
        if link.startswith(("http://", "https://")):
            try:
                url = httpx.URL(link)
            except (httpx.InvalidURL, ValueError):
                raise BadResponse(f"{SERVICE} sent an invalid link {sanitize(link)!r}") from None
            if url.netloc.decode("ascii", "replace") != self.http.host:
                raise BadResponse(
                    f"{SERVICE} pointed to another host ({sanitize(link, limit=80)}); not following"
                )
            link = url.raw_path.decode("ascii")
        if not link.startswith("/api/") or link.startswith("//"):
            raise BadResponse(f"{SERVICE} sent an unexpected link {sanitize(link, limit=80)!r}")
        return link

    # --- images -------------------------------------------------------------------------------

    async def list_repositories(self) -> AsyncIterator[list[Repository]]:
        guard = PageGuard(SERVICE, "images")
        path: str | None = IMAGES
        self._deleted.clear()
        while path is not None:
            reply = await self._request("GET", path, subject="images")
            document = mapping(self.http.decode(reply, "images"), SERVICE, "a page of images")
            objects = sequence(document.get("objects"), SERVICE, "images ('objects')")
            guard.check(path, reply.body if objects else None)
            images = [parse_image(item) for item in objects]
            meta = document.get("meta")
            following = meta.get("next") if isinstance(meta, dict) else None
            guard.progress([image.name for image in images], more=bool(following))
            for image in images:
                self._images[image.name] = image
            if images:
                yield [
                    Repository(name=i.name, tag_count=len(i.tag_uris), extras=i.extras())
                    for i in images
                ]
            if following is not None and not isinstance(following, str):
                raise BadResponse(f"{SERVICE} sent a meta.next that is not a link")
            path = self._api_path(following) if following else None

    async def _fetch_image(self, name: str) -> ImageRecord:
        image = parse_image(await self._json(image_path(name), f"image {name}"))
        self._images[name] = image
        return image

    # --- tags ---------------------------------------------------------------------------------

    def _tag_uris(self, image: ImageRecord) -> dict[str, str]:
        """Tag name -> resource URI, from the image's ``tags[]``."""
        found: dict[str, str] = {}
        for uri in image.tag_uris:
            name = tag_name_of(uri)
            if name is None:
                raise BadResponse(f"{SERVICE} listed a tag URI it does not document: {uri!r}")
            found.setdefault(name, uri)
        return found

    async def list_tags(self, repository: str, *, sort: str | None = None) -> list[Tag]:
        if repository in self._deleted:
            return []
        image = await self._fetch_image(repository)
        tags = [Tag(name=name) for name in self._tag_uris(image)]
        if sort == "newest":
            # Dates live on each tag: fetch them (a few at a time) to sort by them.
            tags = await self._describe_all(repository, tags)
        return sorted_tags(tags, sort)

    async def _describe_all(self, repository: str, tags: list[Tag]) -> list[Tag]:
        limit = asyncio.Semaphore(TAG_FETCHES)

        async def one(tag: Tag) -> Tag:
            async with limit:
                return await self.describe_tag(repository, tag)

        return list(await asyncio.gather(*(one(t) for t in tags)))

    async def _fetch_tag(self, repository: str, tag: str) -> TagRecord:
        image = self._images.get(repository)
        uri = self._tag_uris(image).get(tag) if image else None
        path = self._api_path(uri) if uri else tag_path(repository, tag)
        record = parse_tag(await self._json(path, f"tag {repository}:{tag}"), tag)
        self._tags[(repository, tag)] = record
        return record

    async def describe_tag(self, repository: str, tag: Tag) -> Tag:
        record = await self._fetch_tag(repository, tag.name)
        status = record.state if record.state not in (None, "success") else None
        return replace(tag, created=record.config.created or tag.created, status=status)

    async def get_tag(self, repository: str, tag: str) -> TagDetail:
        record = await self._fetch_tag(repository, tag)
        image = self._images.get(repository) or await self._fetch_image(repository)
        extras = (
            known_extras(
                ("Full name", record.full_name),
                ("Tag state", record.state),
                ("Docker id", record.docker_id),
            )
            + image.extras()
        )
        return TagDetail(
            reference=self.pull_reference(repository, tag),
            repository=repository,
            tag=tag,
            digest=None,
            media_type=None,
            image=Image(
                digest=None,
                media_type=None,
                config=record.config,
                extras=known_extras(
                    ("Layers", "not listed by the Tutum API"),
                    ("Layer", record.layer_uri),
                ),
            ),
            extras=extras,
        )

    async def get_image(self, repository: str, digest: str) -> Image:
        raise Unsupported("the Tutum API addresses images by name and tag, not by digest")

    # --- delete -------------------------------------------------------------------------------

    async def plan_delete(
        self, repository: str, tag: str, *, whole_digest: bool = False
    ) -> DeletePlan:
        image = await read_once(("image", repository), lambda: self._fetch_image(repository))
        names = natural_sorted(list(self._tag_uris(image)))
        if tag not in names:
            raise NotFound(f"tag {repository}:{tag} not found in Tutum")
        warnings = [
            f"The Tutum API has no tag delete: DELETE /api/v1/image/{repository}/ deletes the "
            f"image {repository} from Tutum with all {len(names)} of its tags, not only {tag}."
        ]
        if image.in_use:
            warnings.append(f"Tutum says {repository} is in use by your services.")
        count = f"{len(names)} tag{'s' if len(names) != 1 else ''}"
        return DeletePlan(
            repository=repository,
            tag=tag,
            digest=None,
            method=DeleteMethod.API_IMAGE_DELETE,
            removes=tuple(names),
            warnings=tuple(warnings),
            summary=(
                f"Tutum deletes whole images only: the whole image {repository} is deleted, "
                f"with every tag ({count}: {join_names(names)})."
            ),
            whole_digest=False,
            shared_tags=tuple(names),
        )

    async def delete(self, plan: DeletePlan) -> DeleteResult:
        if plan.method is not DeleteMethod.API_IMAGE_DELETE:
            raise Unsupported("the Tutum API deletes whole images only")
        try:
            image = await self._fetch_image(plan.repository)
        except NotFound:
            raise DeleteAborted(
                f"{plan.repository} no longer exists; nothing was deleted"
            ) from None
        names = natural_sorted(list(self._tag_uris(image)))
        if set(names) != set(plan.removes):
            added = [n for n in names if n not in plan.removes]
            gone = [n for n in plan.removes if n not in names]
            changes = []
            if added:
                changes.append(f"{join_names(added)} appeared")
            if gone:
                changes.append(f"{join_names(gone)} disappeared")
            raise DeleteAborted(
                f"the tags of {plan.repository} changed since the plan ({'; '.join(changes)}); "
                "nothing was deleted"
            )
        await self._request(
            "DELETE",
            image_path(plan.repository),
            ok=(200, 202, 204),
            subject=f"image {plan.repository}",
        )
        self._deleted.add(plan.repository)
        self._images.pop(plan.repository, None)
        for name in names:
            self._tags.pop((plan.repository, name), None)
        return DeleteResult(
            removed=tuple(names),
            messages=("method: API image delete (the image itself is gone, not only its tags)",),
        )
