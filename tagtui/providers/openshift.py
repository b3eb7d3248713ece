"""OpenShift's image API (image.openshift.io/v1): image streams as images, ImageTags as tags.

- Image list: the namespace's image streams, paged with ``limit``/``continue``; a continue
  token that expired (410 Expired) restarts the listing from scratch, a bounded number of times,
  without showing a stream twice.
- Tags of a stream: read from the image stream itself (``GET imagestreams/{name}``). An ImageTag
  exists for every spec or status tag of the stream, and the stream carries exactly those
  (``spec.tags[]``, ``status.tags[]`` with their history) in one request. Listing
  ``/namespaces/{ns}/imagetags`` instead would return every tag of every stream of the namespace
  with no way to ask for one stream (its ``limit`` counts streams, and no continue token comes
  back), so it is not used for a single stream.
- A tag's status history (``items[1:]``) becomes its revisions; ``GET imagetags/{stream}:{tag}``
  gives the tag's detail with its Image (config, layers, manifest-list platforms, signatures).
- Delete is ``DELETE imagetags/{stream}:{tag}``: it removes the tag's spec and status history
  from the stream; the Image objects stay in the cluster.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import AsyncIterator
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx

from tagtui.credentials import Credential
from tagtui.errors import (
    BadResponse,
    CredentialError,
    DeleteAborted,
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
    Extras,
    Image,
    ImageConfig,
    Layer,
    Platform,
    Port,
    Repository,
    Tag,
    TagDetail,
    TagRevision,
)
from tagtui.natsort import natural_key
from tagtui.providers.base import ConnectionOptions, Provider, ProviderOptions
from tagtui.providers.openshift_kubeconfig import (
    KubeAccess,
    kubeconfig_paths,
    load_kubeconfig,
    resolve_access,
    ssl_context,
)
from tagtui.providers.vendor_http import (
    PageGuard,
    VendorHttp,
    VendorReply,
    encode_segment,
    integer,
    mapping,
    sequence,
    text,
    timestamp,
    vendor_message,
)
from tagtui.text import human_size, join_names, sanitize, short_digest

SERVICE = "OpenShift API"
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
    from tagtui.credentials import keyring_store

    host = _host(server)
    try:
        stored = keyring_store.load(host)
    except CredentialError:
        stored = None
    if stored is not None and stored.secret:
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
    server = options.endpoint or access.server
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


# --- records from JSON ---------------------------------------------------------------------------


@dataclass(frozen=True)
class _Event:
    """One TagEvent: the image a tag pointed at, and since when."""

    digest: str | None
    created: datetime | None
    reference: str | None


@dataclass(frozen=True)
class _StreamTag:
    name: str
    spec: dict[str, Any] | None
    events: tuple[_Event, ...]
    conditions: tuple[dict[str, Any], ...]

    @property
    def current(self) -> _Event | None:
        return self.events[0] if self.events else None

    @property
    def import_failure(self) -> str | None:
        for condition in self.conditions:
            if condition.get("type") == "ImportSuccess" and condition.get("status") == "False":
                return text(condition.get("message")) or text(condition.get("reason")) or "failed"
        return None

    def model(self) -> Tag:
        current = self.current
        status = None
        if self.import_failure is not None:
            status = "import failed"
        elif current is None or current.digest is None:
            status = "no image"
        revisions = tuple(
            TagRevision(digest=e.digest, created=e.created, reference=e.reference)
            for e in self.events[1:]
            if e.digest
        )
        return Tag(
            name=self.name,
            digest=current.digest if current else None,
            created=current.created if current else None,
            status=status,
            revisions=revisions,
        )


@dataclass(frozen=True)
class _Stream:
    name: str
    uid: str | None
    created: datetime | None
    repository: str | None
    public_repository: str | None
    tags: tuple[_StreamTag, ...]

    def tag(self, name: str) -> _StreamTag | None:
        return next((t for t in self.tags if t.name == name), None)


def _event(item: Any) -> _Event | None:
    if not isinstance(item, dict):
        return None
    return _Event(
        digest=text(item.get("image")),
        created=timestamp(item.get("created")),
        reference=text(item.get("dockerImageReference")),
    )


def _status_tag(item: Any) -> tuple[str, tuple[_Event, ...], tuple[dict[str, Any], ...]] | None:
    if not isinstance(item, dict):
        return None
    name = text(item.get("tag"))
    if name is None:
        return None
    items = item.get("items")
    events = tuple(e for e in map(_event, items if isinstance(items, list) else []) if e)
    raw_conditions = item.get("conditions")
    conditions = tuple(
        c
        for c in (raw_conditions if isinstance(raw_conditions, list) else [])
        if isinstance(c, dict)
    )
    return name, events, conditions


def _stream(item: Any) -> _Stream:
    item = mapping(item, SERVICE, "an image stream")
    metadata = item.get("metadata") if isinstance(item.get("metadata"), dict) else {}
    name = text(metadata.get("name"))
    if name is None:
        raise BadResponse(f"{SERVICE} sent an image stream without metadata.name")
    spec = item.get("spec") if isinstance(item.get("spec"), dict) else {}
    status = item.get("status") if isinstance(item.get("status"), dict) else {}
    specs: dict[str, dict[str, Any]] = {}
    for entry in spec.get("tags") or []:
        if isinstance(entry, dict) and text(entry.get("name")):
            specs.setdefault(str(entry["name"]), entry)
    statuses: dict[str, tuple[tuple[_Event, ...], tuple[dict[str, Any], ...]]] = {}
    for entry in status.get("tags") or []:
        parsed = _status_tag(entry)
        if parsed is not None:
            statuses.setdefault(parsed[0], (parsed[1], parsed[2]))
    # An ImageTag exists for every spec or status tag: the union, spec order first.
    names = list(specs) + [n for n in statuses if n not in specs]
    tags = tuple(
        _StreamTag(
            name=n,
            spec=specs.get(n),
            events=statuses.get(n, ((), ()))[0],
            conditions=statuses.get(n, ((), ()))[1],
        )
        for n in names
    )
    return _Stream(
        name=name,
        uid=text(metadata.get("uid")),
        created=timestamp(metadata.get("creationTimestamp")),
        repository=text(status.get("dockerImageRepository")),
        public_repository=text(status.get("publicDockerImageRepository")),
        tags=tags,
    )


def _strings(value: Any) -> tuple[str, ...] | None:
    """A JSON list of strings (Cmd, Entrypoint); None when absent or not a list."""
    if not isinstance(value, list):
        return None
    return tuple(v if isinstance(v, str) else json.dumps(v) for v in value)


def _keys(value: Any) -> list[str]:
    """The keys of a Go ``map[string]struct{}`` (ExposedPorts, Volumes)."""
    return [k for k in value if isinstance(k, str)] if isinstance(value, dict) else []


def _port(key: str) -> Port | None:
    number, _, protocol = key.partition("/")
    value = integer(number)
    if value is None:
        return None
    return Port(value, (protocol or "tcp").lower())


def _env(value: Any) -> tuple[tuple[str, str], ...]:
    pairs: list[tuple[str, str]] = []
    for item in value if isinstance(value, list) else []:
        if isinstance(item, str):
            key, _, val = item.partition("=")
            pairs.append((key, val))
    return tuple(pairs)


def _labels(value: Any) -> tuple[tuple[str, str], ...]:
    if not isinstance(value, dict):
        return ()
    return tuple((str(k), v if isinstance(v, str) else json.dumps(v)) for k, v in value.items())


def _config(metadata: dict[str, Any]) -> ImageConfig:
    config = metadata.get("Config") if isinstance(metadata.get("Config"), dict) else {}
    ports = tuple(p for p in map(_port, _keys(config.get("ExposedPorts"))) if p)
    return ImageConfig(
        author=text(metadata.get("Author")),
        created=timestamp(metadata.get("Created")),
        entrypoint=_strings(config.get("Entrypoint")),
        cmd=_strings(config.get("Cmd")),
        env=_env(config.get("Env")),
        labels=_labels(config.get("Labels")),
        ports=ports,
        volumes=tuple(_keys(config.get("Volumes"))),
        user=text(config.get("User")),
        working_dir=text(config.get("WorkingDir")),
        architecture=text(metadata.get("Architecture")),
    )


def _layers(value: Any) -> tuple[Layer, ...]:
    layers: list[Layer] = []
    for item in value if isinstance(value, list) else []:
        if isinstance(item, dict) and text(item.get("name")):
            layers.append(
                Layer(
                    digest=str(item["name"]),
                    media_type=text(item.get("mediaType")),
                    size=integer(item.get("size")),
                )
            )
    return tuple(layers)


def _platforms(value: Any) -> tuple[Platform, ...]:
    platforms: list[Platform] = []
    for item in value if isinstance(value, list) else []:
        if not isinstance(item, dict) or not text(item.get("digest")):
            continue
        platforms.append(
            Platform(
                os=text(item.get("os")) or "unknown",
                architecture=text(item.get("architecture")) or "unknown",
                digest=str(item["digest"]),
                variant=text(item.get("variant")),
                size=integer(item.get("manifestSize")),
                media_type=text(item.get("mediaType")),
            )
        )
    return tuple(platforms)


def _signature(item: dict[str, Any]) -> str:
    parts = [text(item.get("type")) or "signature"]
    issued_by = item.get("issuedBy") if isinstance(item.get("issuedBy"), dict) else {}
    issuer = text(issued_by.get("commonName")) or text(issued_by.get("organization"))
    if issuer:
        parts.append(f"issued by {issuer}")
    issued_to = item.get("issuedTo") if isinstance(item.get("issuedTo"), dict) else {}
    subject = text(issued_to.get("commonName")) or text(issued_to.get("publicKeyID"))
    if subject:
        parts.append(f"to {subject}")
    identity = text(item.get("imageIdentity"))
    if identity:
        parts.append(f"for {identity}")
    created = timestamp(item.get("created"))
    if created:
        parts.append(f"created {_date(created)}")
    conditions = [
        f"{c.get('type')}={c.get('status')}"
        for c in item.get("conditions") or []
        if isinstance(c, dict) and text(c.get("type"))
    ]
    if conditions:
        parts.append(", ".join(conditions))
    return "; ".join(parts)


def _date(value: datetime | None) -> str | None:
    return value.isoformat(sep=" ", timespec="seconds") if value else None


def _extras(*pairs: tuple[str, str | None]) -> Extras:
    """Only the facts that are there: absent fields are left out, not shown as "None"."""
    return tuple((label, value) for label, value in pairs if value)


@dataclass(frozen=True)
class _ParsedImage:
    image: Image
    platforms: tuple[Platform, ...]
    media_type: str | None
    digest: str | None

    @property
    def is_list(self) -> bool:
        return bool(self.platforms)


def _image(document: Any) -> _ParsedImage:
    """An Image object: config and layers, or (a manifest list) its platforms."""
    document = mapping(document, SERVICE, "an image")
    metadata_obj = document.get("metadata") if isinstance(document.get("metadata"), dict) else {}
    digest = text(metadata_obj.get("name"))
    docker = document.get("dockerImageMetadata")
    docker = docker if isinstance(docker, dict) else {}
    media_type = text(document.get("dockerImageManifestMediaType"))
    platforms = _platforms(document.get("dockerImageManifests"))
    size = integer(docker.get("Size"))
    signatures = [s for s in document.get("signatures") or [] if isinstance(s, dict)]
    extras = list(
        _extras(
            ("Image reference", text(document.get("dockerImageReference"))),
            ("Image ID", text(docker.get("Id"))),
            ("Image size", f"{human_size(size)} ({size:,} bytes)" if size is not None else None),
            ("Docker version", text(docker.get("DockerVersion"))),
        )
    )
    if signatures:
        extras += [(f"Signature {n}", _signature(s)) for n, s in enumerate(signatures, 1)]
    else:
        extras.append(("Signatures", "none"))
    image = Image(
        digest=digest,
        media_type=media_type,
        config=_config(docker),
        layers=_layers(document.get("dockerImageLayers")),
        extras=tuple(extras),
    )
    return _ParsedImage(image, platforms, media_type, digest)


def _spec_extras(spec: dict[str, Any] | None) -> Extras:
    if not spec:
        return (("Spec", "none (the tag exists only in the stream's status)"),)
    source = spec.get("from") if isinstance(spec.get("from"), dict) else {}
    origin = None
    if text(source.get("name")):
        namespace = text(source.get("namespace"))
        where = f"{namespace}/" if namespace else ""
        origin = f"{text(source.get('kind')) or '?'} {where}{source['name']}"
    policy = spec.get("referencePolicy") if isinstance(spec.get("referencePolicy"), dict) else {}
    importing = spec.get("importPolicy") if isinstance(spec.get("importPolicy"), dict) else {}
    flags = [name for name in ("scheduled", "insecure") if importing.get(name) is True]
    mode = text(importing.get("importMode"))
    if mode:
        flags.append(f"importMode={mode}")
    annotations = spec.get("annotations") if isinstance(spec.get("annotations"), dict) else {}
    return _extras(
        ("Tag from", origin),
        ("Reference policy", text(policy.get("type"))),
        ("Import policy", ", ".join(flags) if flags else None),
        ("Reference only", "yes (not imported)" if spec.get("reference") is True else None),
        ("Spec generation", text(spec.get("generation"))),
        *((f"Annotation {k}", text(v) or "") for k, v in annotations.items()),
    )


def _status_extras(tag: _StreamTag) -> Extras:
    pairs: list[tuple[str, str | None]] = []
    if tag.current is not None:
        pairs.append(("Tagged", _date(tag.current.created)))
        pairs.append(("Current reference", tag.current.reference))
    older = len(tag.events) - 1
    if older > 0:
        pairs.append(("History", f"{older} older image{'s' if older != 1 else ''}"))
    for condition in tag.conditions:
        kind = text(condition.get("type")) or "Condition"
        said = [text(condition.get("status")), text(condition.get("reason"))]
        message = text(condition.get("message"))
        value = " ".join(s for s in said if s) + (f": {message}" if message else "")
        pairs.append((f"Condition {kind}", value or None))
    return _extras(*pairs)


# --- the provider --------------------------------------------------------------------------------


class _Expired(Exception):
    def __init__(self, message: str | None) -> None:
        super().__init__(message or "continue token expired")
        self.message = message


class OpenShiftProvider(Provider):
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
        self._credential = credential
        self.http = VendorHttp(
            SERVICE, self.server, options=options, auth=self._auth_headers, transport=transport
        )
        self.http.username = credential.username if credential else None
        self._streams: dict[str, _Stream] = {}
        # Platform digests of manifest lists seen, so get_image can explain what it cannot fetch.
        self._platforms: dict[str, Platform] = {}

    # --- identity -----------------------------------------------------------------------------

    @property
    def display_name(self) -> str:
        return f"openshift {self.namespace} @ {self.http.host}"

    @property
    def credential_source(self) -> str:
        return self._credential.source if self._credential else "anonymous"

    @property
    def credential_key(self) -> str:
        return self.http.host

    def set_credential(self, credential: Credential) -> None:
        self._credential = credential
        self.http.username = credential.username

    def _auth_headers(self, method: str, target: str) -> dict[str, str]:
        if self._credential is None or not self._credential.secret:
            return {}
        return {"Authorization": f"Bearer {self._credential.secret}"}

    @property
    def capabilities(self) -> Capabilities:
        return Capabilities(
            catalog=True,
            delete=True,
            tag_delete=True,
            digest_delete=False,
            sorts=(),
            note="Deleting an ImageTag removes the tag from its image stream; the image stays.",
        )

    def pull_reference(
        self, repository: str, tag: str | None = None, digest: str | None = None
    ) -> str:
        stream = self._streams.get(repository)
        name = None
        if stream is not None:
            name = stream.public_repository or stream.repository
        name = name or f"{self.namespace}/{repository}"
        if digest:
            return f"{name}@{digest}"
        return f"{name}:{tag}" if tag else name

    async def aclose(self) -> None:
        await self.http.aclose()

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
                    streams = [_stream(item) for item in items]
                    guard.check_items([s.uid or s.name for s in streams])
                    fresh = []
                    for stream in streams:
                        self._streams[stream.name] = stream
                        if stream.name not in shown:
                            shown.add(stream.name)
                            fresh.append(self._repository(stream))
                    if fresh:
                        yield fresh
                    metadata = document.get("metadata")
                    token = text(metadata.get("continue")) if isinstance(metadata, dict) else None
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

    def _repository(self, stream: _Stream) -> Repository:
        extras = _extras(
            ("Repository", stream.public_repository or stream.repository),
            ("Created", _date(stream.created)),
        )
        return Repository(name=stream.name, tag_count=len(stream.tags), extras=extras)

    async def _fetch_stream(self, name: str) -> _Stream:
        if not name or "/" in name:
            raise UsageError(f"an OpenShift image stream name has no '/': {sanitize(name)!r}")
        document = await self.http.get_json(
            self._ns_path("imagestreams", encode_segment(name)),
            subject=f"image stream {self.namespace}/{name}",
        )
        stream = _stream(document)
        self._streams[stream.name] = stream
        return stream

    # --- tags ---------------------------------------------------------------------------------

    async def list_tags(self, repository: str, *, sort: str | None = None) -> list[Tag]:
        stream = await self._fetch_stream(repository)
        tags = [tag.model() for tag in stream.tags]
        if sort == "newest":
            dated = sorted((t for t in tags if t.created), key=lambda t: t.created, reverse=True)
            return dated + sorted(
                (t for t in tags if not t.created), key=lambda t: natural_key(t.name)
            )
        return sorted(tags, key=lambda t: natural_key(t.name))

    async def _image_tag(self, repository: str, tag: str) -> dict[str, Any]:
        return mapping(
            await self.http.get_json(
                self._tag_path(repository, tag), subject=f"tag {repository}:{tag}"
            ),
            SERVICE,
            "an ImageTag",
        )

    @staticmethod
    def _record(name: str, document: dict[str, Any]) -> _StreamTag:
        """The ImageTag's spec and status as the same record the stream gives."""
        spec = document.get("spec") if isinstance(document.get("spec"), dict) else None
        parsed = _status_tag(document.get("status"))
        events, conditions = (parsed[1], parsed[2]) if parsed else ((), ())
        return _StreamTag(name=name, spec=spec, events=events, conditions=conditions)

    async def get_tag(self, repository: str, tag: str) -> TagDetail:
        document = await self._image_tag(repository, tag)
        record = self._record(tag, document)
        extras = [
            ("Image stream", f"{self.namespace}/{repository}"),
            *_spec_extras(record.spec),
            *_status_extras(record),
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
        parsed = _image(raw_image)
        digest = parsed.digest or current
        if parsed.is_list:
            for platform in parsed.platforms:
                self._platforms[platform.digest] = platform
            return TagDetail(
                reference=reference,
                repository=repository,
                tag=tag,
                digest=digest,
                media_type=parsed.media_type,
                platforms=parsed.platforms,
                extras=tuple(extras) + parsed.image.extras,
            )
        return TagDetail(
            reference=reference,
            repository=repository,
            tag=tag,
            digest=digest,
            media_type=parsed.media_type,
            image=parsed.image,
            extras=tuple(extras),
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
        parsed = _image(document.get("image"))
        return self._as_image(parsed, digest)

    def _as_image(self, parsed: _ParsedImage, digest: str) -> Image:
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
        return self._as_image(_image(document), digest)

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
        stream = await self._fetch_stream(repository)
        sharing = sorted(
            (t.name for t in stream.tags if digest and t.current and t.current.digest == digest),
            key=natural_key,
        )
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
        image_words = f"image {short_digest(digest)}" if digest else "no image (none was imported)"
        verb = "points" if len(others) == 1 else "point"
        stays = f"; {join_names(others)} still {verb} at it" if others else ""
        summary = (
            f"Only the tag {tag} is removed from image stream {repository}; "
            f"the image itself stays{stays}."
            if digest
            else f"Only the tag {tag} is removed from image stream {repository}; it has "
            f"{image_words}."
        )
        return DeletePlan(
            repository=repository,
            tag=tag,
            digest=digest,
            method=DeleteMethod.API_TAG_DELETE,
            removes=(tag,),
            keeps=tuple(others),
            warnings=tuple(warnings),
            summary=summary,
            shared_tags=tuple(sharing) or (tag,),
        )

    async def delete(self, plan: DeletePlan) -> DeleteResult:
        try:
            document = await self._image_tag(plan.repository, plan.tag)
        except NotFound:
            raise DeleteAborted(f"{plan.tag} no longer exists; nothing was deleted") from None
        record = self._record(plan.tag, document)
        digest = record.current.digest if record.current else None
        if digest != plan.digest:
            raise DeleteAborted(
                f"{plan.tag} now points at {short_digest(digest)}, not "
                f"{short_digest(plan.digest)} as planned; nothing was deleted"
            )
        reply = await self.http.request(
            "DELETE",
            self._tag_path(plan.repository, plan.tag),
            ok=(200, 202),
            subject=f"tag {plan.repository}:{plan.tag}",
        )
        messages = [f"removed tag {plan.tag} from image stream {plan.repository}"]
        if plan.digest:
            messages.append(f"image {short_digest(plan.digest)} stays in the cluster")
        status = self._status_of(reply)
        if status and status != "Success":
            messages.append(f"{SERVICE} answered status {status}")
        return DeleteResult(removed=(plan.tag,), messages=tuple(messages))

    @staticmethod
    def _status_of(reply: VendorReply) -> str | None:
        try:
            document = json.loads(reply.body) if reply.body.strip() else None
        except (ValueError, UnicodeDecodeError, RecursionError):
            return None
        if isinstance(document, dict) and document.get("kind") == "Status":
            return text(document.get("status"))
        return None
