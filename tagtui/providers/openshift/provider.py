"""``OpenShiftProvider``: image streams as repositories, their ImageTags as tags."""

from __future__ import annotations

import contextlib
import os
from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx

from tagtui.credentials import Credential
from tagtui.errors import (
    BadResponse,
    CredentialError,
    NotFound,
    PermissionDenied,
    TagtuiError,
    Unsupported,
    UsageError,
)
from tagtui.model import (
    Capabilities,
    DeleteMethod,
    DeletePlan,
    DeleteResult,
    Image,
    ImageConfig,
    Platform,
    Repository,
    Tag,
    TagDetail,
)
from tagtui.providers.base import ConnectionOptions, ProviderOptions, sorted_tags
from tagtui.providers.bulk_delete import read_once
from tagtui.providers.http import (
    PageGuard,
    VendorHttp,
    VendorReply,
    encode_segment,
    mapping,
    sequence,
    text,
    vendor_message,
)
from tagtui.providers.json_body import load_json
from tagtui.providers.openshift.images import ParsedImage, parse_image
from tagtui.providers.openshift.kubeconfig import (
    KubeAccess,
    kubeconfig_paths,
    load_kubeconfig,
    resolve_access,
    ssl_context,
)
from tagtui.providers.openshift.records import (
    SERVICE,
    Stream,
    StreamTag,
    parse_status_tag,
    parse_stream,
    spec_extras,
    status_extras,
)
from tagtui.providers.tag_delete import refuse_if_moved, tag_gone, tags_sharing
from tagtui.providers.vendor_common import (
    VendorApiProvider,
    display_date,
    keyring_credential,
    known_extras,
    split_endpoint,
)
from tagtui.text import agree, sanitize, short_digest

API = "/apis/image.openshift.io/v1"
# Image streams asked for per page.
PAGE_LIMIT = 100
# 410 Expired restarts of one listing before giving up.
MAX_RESTARTS = 3
DEFAULT_NAMESPACE = "default"
PLATFORM_NOTE = (
    "OpenShift keeps this platform image of a manifest list as a cluster-scoped Image; it is "
    "not in the image stream's history, so only the images API (cluster administrators) serves "
    "its config and layers"
)


# --- credentials ---------------------------------------------------------------------------------


def _host(server: str) -> str:
    try:
        return httpx.URL(server).netloc.decode("ascii", "replace") or server
    except (httpx.InvalidURL, TypeError, ValueError):
        return server


def resolve_credential(access: KubeAccess, server: str) -> Credential:
    """The current context's bearer token, else the OS keyring under the server's host."""
    if access.token:
        return Credential(username=access.user, secret=access.token, source=access.source)
    host = _host(server)
    stored = keyring_credential(host)
    if stored is not None:
        return stored
    why = ""
    if access.other_auth:
        why = (
            f"kubeconfig user {sanitize(access.user or '?')} logs in with {access.other_auth}, "
            "which tagtui does not run; "
        )
    raise CredentialError(
        f"no OpenShift bearer token for {host}: {why}run `oc login` (it writes a token to "
        f"{kubeconfig_paths()[0]}), or store a token (`oc whoami -t`) in the OS keyring under "
        f"{host}"
    )


def create_provider(options: ProviderOptions) -> OpenShiftProvider:
    """The CLI's entry point: server, token, CA and namespace from kubeconfig, as ``oc`` does.

    ``--endpoint`` replaces the server and ``--namespace`` the context's namespace.
    """
    access = resolve_access(load_kubeconfig())
    server = access.server
    if options.endpoint:
        # The server (``oc login``'s URL) or the documented base URL of the image API.
        server = split_endpoint(
            options.endpoint, r"/apis/image\.openshift\.io/v1", what="the OpenShift API"
        ).root
    if not server:
        where = ", ".join(str(p) for p in access.files) or str(kubeconfig_paths()[0])
        raise CredentialError(
            f"no OpenShift server: {where} has no current context with a cluster "
            "(run `oc login SERVER`), or pass --endpoint URL"
        )
    credential = resolve_credential(access, server)
    namespace = options.namespace or access.namespace or DEFAULT_NAMESPACE
    return OpenShiftProvider(
        server,
        namespace,
        credential,
        options=options.connection,
        ca_data=access.ca_data,
        ca_file=access.ca_file,
        insecure=access.insecure,
    )


# --- the provider --------------------------------------------------------------------------------


class _Expired(Exception):
    def __init__(self, message: str | None) -> None:
        super().__init__(message or "continue token expired")
        self.message = message


class OpenShiftProvider(VendorApiProvider):
    kind = "openshift"

    def __init__(
        self,
        server: str,
        namespace: str,
        credential: Credential | None,
        *,
        options: ConnectionOptions | None = None,
        ca_data: bytes | None = None,
        ca_file: os.PathLike[str] | str | None = None,
        insecure: bool = False,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        if not namespace or "/" in namespace:
            raise UsageError(f"invalid OpenShift namespace {sanitize(namespace)!r}")
        options = options or ConnectionOptions()
        if insecure:
            options = replace(options, insecure=True)
        if transport is None and not options.insecure:
            # The kubeconfig's CA is a value, not a file: give httpx a context built from it.
            context = ssl_context(
                ca_data, Path(ca_file) if ca_file else None, extra_ca=options.ca_cert
            )
            if context is not None:
                transport = httpx.AsyncHTTPTransport(
                    verify=context,
                    limits=httpx.Limits(
                        max_connections=max(1, options.concurrency),
                        max_keepalive_connections=max(1, options.concurrency),
                    ),
                )
        self.server = server.rstrip("/")
        self.namespace = namespace
        http = VendorHttp(
            SERVICE, self.server, options=options, auth=self._auth_headers, transport=transport
        )
        super().__init__(http, credential)
        self._streams: dict[str, Stream] = {}
        # Platform digests of manifest lists seen, so get_image can explain what it cannot fetch.
        self._platforms: dict[str, Platform] = {}

    # --- identity -----------------------------------------------------------------------------

    @property
    def display_name(self) -> str:
        return f"openshift {self.namespace} @ {self.http.host}"

    def _auth_headers(self, method: str, target: str) -> dict[str, str]:
        if self._credential is None or not self._credential.secret:
            return {}
        return {"Authorization": f"Bearer {self._credential.secret}"}

    @property
    def capabilities(self) -> Capabilities:
        return Capabilities(
            note="Deleting an ImageTag removes the tag from its image stream; the image stays."
        )

    def pull_name(self, repository: str) -> str:
        stream = self._streams.get(repository)
        name = None
        if stream is not None:
            name = stream.public_repository or stream.repository
        return name or f"{self.namespace}/{repository}"

    async def check(self) -> None:
        await self.http.get_json(
            self._ns_path("imagestreams"),
            params=[("limit", "1")],
            subject=f"image streams of namespace {self.namespace}",
        )

    # --- paths --------------------------------------------------------------------------------

    def _ns_path(self, resource: str, name: str | None = None) -> str:
        path = f"{API}/namespaces/{encode_segment(self.namespace)}/{resource}"
        return f"{path}/{name}" if name is not None else path

    def _tag_path(self, stream: str, tag: str) -> str:
        # The ImageTag's name is "<stream>:<tag>"; the colon is sent as is (as oc does).
        if not stream or not tag or "/" in stream or ":" in stream or ":" in tag:
            raise UsageError(f"invalid image stream tag {sanitize(stream)}:{sanitize(tag)}")
        return self._ns_path("imagetags", quote(f"{stream}:{tag}", safe=":"))

    # --- image streams ------------------------------------------------------------------------

    async def _stream_page(self, token: str | None) -> tuple[VendorReply, dict[str, Any]]:
        params = [("limit", str(PAGE_LIMIT))]
        if token:
            params.append(("continue", token))
        what = f"image streams of namespace {self.namespace}"
        reply = await self.http.request(
            "GET", self._ns_path("imagestreams"), params=params, passthrough=(410,), subject=what
        )
        if reply.status == 410:
            raise _Expired(vendor_message(reply.body))
        document = mapping(self.http.decode(reply, what), SERVICE, "an image stream list")
        return reply, document

    async def list_repositories(self) -> AsyncIterator[list[Repository]]:
        shown: set[str] = set()
        restarts = 0
        while True:
            guard = PageGuard(SERVICE, f"image streams of {self.namespace}")
            token: str | None = None
            try:
                while True:
                    reply, document = await self._stream_page(token)
                    items = sequence(
                        document.get("items"), SERVICE, "image streams ('items')", missing_ok=True
                    )
                    guard.check(token, reply.body if items else None)
                    streams = [parse_stream(item) for item in items]
                    metadata = document.get("metadata")
                    token = text(metadata.get("continue")) if isinstance(metadata, dict) else None
                    guard.progress([s.uid or s.name for s in streams], more=bool(token))
                    fresh = []
                    for stream in streams:
                        self._streams[stream.name] = stream
                        if stream.name not in shown:
                            shown.add(stream.name)
                            fresh.append(self._repository(stream))
                    if fresh:
                        yield fresh
                    if not token:
                        return
            except _Expired as expired:
                # The list changed too much to continue: start again, skipping what was shown.
                restarts += 1
                if restarts > MAX_RESTARTS:
                    said = f" ({sanitize(expired.message, limit=120)})" if expired.message else ""
                    raise BadResponse(
                        f"{SERVICE} expired the image stream listing {restarts} times "
                        f"(410 Expired{said}); giving up"
                    ) from None

    def _repository(self, stream: Stream) -> Repository:
        extras = known_extras(
            ("Repository", stream.public_repository or stream.repository),
            ("Created", display_date(stream.created)),
        )
        return Repository(name=stream.name, tag_count=len(stream.tags), extras=extras)

    async def _fetch_stream(self, name: str) -> Stream:
        if not name or "/" in name:
            raise UsageError(f"an OpenShift image stream name has no '/': {sanitize(name)!r}")
        document = await self.http.get_json(
            self._ns_path("imagestreams", encode_segment(name)),
            subject=f"image stream {self.namespace}/{name}",
        )
        stream = parse_stream(document)
        self._streams[stream.name] = stream
        return stream

    # --- tags ---------------------------------------------------------------------------------

    async def list_tags(self, repository: str, *, sort: str | None = None) -> list[Tag]:
        stream = await self._fetch_stream(repository)
        return sorted_tags((tag.model() for tag in stream.tags), sort)

    async def _image_tag(self, repository: str, tag: str) -> dict[str, Any]:
        return mapping(
            await self.http.get_json(
                self._tag_path(repository, tag), subject=f"tag {repository}:{tag}"
            ),
            SERVICE,
            "an ImageTag",
        )

    @staticmethod
    def _record(name: str, document: dict[str, Any]) -> StreamTag:
        """The ImageTag's spec and status as the same record the stream gives."""
        spec = document.get("spec") if isinstance(document.get("spec"), dict) else None
        parsed = parse_status_tag(document.get("status"))
        events, conditions = (parsed[1], parsed[2]) if parsed else ((), ())
        return StreamTag(name=name, spec=spec, events=events, conditions=conditions)

    async def get_tag(self, repository: str, tag: str) -> TagDetail:
        document = await self._image_tag(repository, tag)
        record = self._record(tag, document)
        extras = [
            ("Image stream", f"{self.namespace}/{repository}"),
            *spec_extras(record.spec),
            *status_extras(record),
        ]
        if repository not in self._streams:
            # Only for the pull reference (the stream knows its public repository): optional.
            with contextlib.suppress(TagtuiError):
                await self._fetch_stream(repository)
        reference = self.pull_reference(repository, tag)
        current = record.current.digest if record.current else None
        raw_image = document.get("image")
        if raw_image is None:
            why = record.import_failure
            extras.append(
                ("Image", f"none yet: {why}" if why else "none yet (no image imported or pushed)")
            )
            return TagDetail(
                reference=reference,
                repository=repository,
                tag=tag,
                digest=current,
                media_type=None,
                image=Image(digest=current, media_type=None),
                extras=tuple(extras),
            )
        parsed = parse_image(raw_image)
        for platform in parsed.platforms:
            self._platforms[platform.digest] = platform
        # A manifest list shows its platforms, and the facts of its Image object with the tag's.
        return TagDetail(
            reference=reference,
            repository=repository,
            tag=tag,
            digest=parsed.image.digest or current,
            media_type=parsed.image.media_type,
            platforms=parsed.platforms,
            image=None if parsed.is_list else parsed.image,
            extras=tuple(extras) + (parsed.image.extras if parsed.is_list else ()),
        )

    async def describe_tag(self, repository: str, tag: Tag) -> Tag:
        # The tag event's time stays (when the tag moved there); size and type come from the Image.
        detail = await self.get_tag(repository, tag.name)
        created = tag.created or detail.created
        return replace(
            tag,
            digest=detail.digest or tag.digest,
            created=created,
            size=detail.size if detail.size is not None else tag.size,
            media_type=detail.media_type or tag.media_type,
        )

    async def get_image(self, repository: str, digest: str) -> Image:
        if not digest or "/" in digest or "@" in digest:
            raise UsageError(f"invalid image digest {sanitize(digest)!r}")
        name = quote(f"{repository}@{digest}", safe=":@")
        try:
            document = await self.http.get_json(
                self._ns_path("imagestreamimages", name),
                subject=f"image {repository}@{short_digest(digest)}",
            )
        except NotFound:
            return await self._cluster_image(repository, digest)
        document = mapping(document, SERVICE, "an image stream image")
        parsed = parse_image(document.get("image"))
        return self._as_image(parsed, digest)

    def _as_image(self, parsed: ParsedImage, digest: str) -> Image:
        image = parsed.image
        if parsed.is_list:
            listed = ", ".join(f"{p.name} {short_digest(p.digest)}" for p in parsed.platforms)
            image = replace(image, extras=(("Manifest list of", listed), *image.extras))
        return replace(image, digest=image.digest or digest)

    async def _cluster_image(self, repository: str, digest: str) -> Image:
        """A digest outside the stream's history: the cluster-scoped images API, if allowed."""
        platform = self._platforms.get(digest)
        try:
            document = await self.http.get_json(
                f"{API}/images/{quote(digest, safe=':')}", subject=f"image {short_digest(digest)}"
            )
        except (NotFound, PermissionDenied) as err:
            if platform is not None:
                # A platform of a manifest list: say what we know instead of failing the panel.
                return Image(
                    digest=digest,
                    media_type=platform.media_type,
                    config=ImageConfig(
                        os=platform.os, architecture=platform.architecture, variant=platform.variant
                    ),
                    extras=(("Note", PLATFORM_NOTE), ("Images API", str(err))),
                )
            raise NotFound(
                f"image {digest} is not in the history of image stream "
                f"{self.namespace}/{repository}, and the cluster's images API did not serve it "
                f"({err.title.lower()})"
            ) from None
        return self._as_image(parse_image(document), digest)

    # --- delete -------------------------------------------------------------------------------

    async def plan_delete(
        self, repository: str, tag: str, *, whole_digest: bool = False
    ) -> DeletePlan:
        if whole_digest:
            raise Unsupported(
                "OpenShift deletes image stream tags, not images: the image stays in the cluster"
            )
        document = await self._image_tag(repository, tag)
        record = self._record(tag, document)
        digest = record.current.digest if record.current else None
        stream = await read_once(("stream", repository), lambda: self._fetch_stream(repository))
        listed = ((t.name, t.current.digest if t.current else None) for t in stream.tags)
        sharing = tags_sharing(tag, digest, listed)
        others = [n for n in sharing if n != tag]
        older = len(record.events) - 1
        warnings = [
            "OpenShift removes the tag's spec and its status history from the image stream; "
            "the image objects are not deleted (an image pruner may remove unreferenced ones "
            "later)."
        ]
        if older > 0:
            warnings.append(
                f"the tag's history of {older} older image{'s' if older != 1 else ''} goes with it"
            )
        if record.spec and isinstance(record.spec.get("from"), dict):
            warnings.append(
                "the tag's spec (what it tracks or imports) is removed too; it is not re-imported"
            )
        stays = f"; {agree(others, 'still points', 'still point')} at it" if others else ""
        summary = f"Only the tag {tag} is removed from image stream {repository}; " + (
            f"the image itself stays{stays}." if digest else "it has no image (none was imported)."
        )
        return DeletePlan(
            repository=repository,
            tag=tag,
            digest=digest,
            method=DeleteMethod.API_TAG_DELETE,
            removes=(tag,),
            warnings=tuple(warnings),
            summary=summary,
            shared_tags=tuple(sharing),
        )

    async def delete(self, plan: DeletePlan) -> DeleteResult:
        try:
            document = await self._image_tag(plan.repository, plan.tag)
        except NotFound:
            raise tag_gone(plan.tag) from None
        record = self._record(plan.tag, document)
        refuse_if_moved(plan.tag, record.current.digest if record.current else None, plan.digest)
        reply = await self.http.request(
            "DELETE",
            self._tag_path(plan.repository, plan.tag),
            ok=(200, 202),
            subject=f"tag {plan.repository}:{plan.tag}",
        )
        messages = ["method: API tag delete (the tag's spec and history leave the image stream)"]
        if plan.digest:
            messages.append(f"image {short_digest(plan.digest)} stays in the cluster")
        status = self._status_of(reply)
        if status and status != "Success":
            messages.append(f"{SERVICE} answered status {status}")
        return DeleteResult(removed=(plan.tag,), messages=tuple(messages))

    @staticmethod
    def _status_of(reply: VendorReply) -> str | None:
        try:
            document = load_json(reply.body, "") if reply.body.strip() else None
        except BadResponse:
            return None
        if isinstance(document, dict) and document.get("kind") == "Status":
            return text(document.get("status"))
        return None
