"""A small push client and image builders, for seeding real registries in tests.

Deliberately independent of tagtui's provider: the seed must not share the code under test.
It speaks the distribution push API with one keep-alive ``httpx.Client`` (thread-safe, so
``PushClient.map`` pushes from a thread pool): blob uploads (POST then PUT ``?digest=``, or
monolithic), cross-repository mounts (``?mount=&from=``), manifest PUTs.

Builders make deterministic content in memory: gzip'd tar layers, image configs, Docker
schema 2 and OCI manifests, OCI indexes / Docker manifest lists with platforms, and
BuildKit-style attestation manifests.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import ssl
import tarfile
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, TypeVar

import httpx

# --- media types ------------------------------------------------------------------------------

OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
OCI_INDEX = "application/vnd.oci.image.index.v1+json"
OCI_CONFIG = "application/vnd.oci.image.config.v1+json"
OCI_LAYER = "application/vnd.oci.image.layer.v1.tar+gzip"
DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json"
DOCKER_LIST = "application/vnd.docker.distribution.manifest.list.v2+json"
DOCKER_CONFIG = "application/vnd.docker.container.image.v1+json"
DOCKER_LAYER = "application/vnd.docker.image.rootfs.diff.tar.gzip"
IN_TOTO = "application/vnd.in-toto+json"

#: What a manifest GET accepts, so the registry never converts or picks a child.
ACCEPT_ALL = ", ".join((OCI_INDEX, OCI_MANIFEST, DOCKER_LIST, DOCKER_MANIFEST))

#: A fixed time for tar entries and gzip headers, so the same input gives the same digest.
_EPOCH = 1_700_000_000


def sha256_digest(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


def canonical_json(value: Any) -> bytes:
    """Compact JSON, keys in insertion order, non-ASCII kept as UTF-8 (registries store bytes)."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


# --- content ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Blob:
    """A blob's bytes and the media type its descriptor will carry."""

    data: bytes
    media_type: str
    digest: str = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "digest", sha256_digest(self.data))

    @property
    def size(self) -> int:
        return len(self.data)

    def descriptor(self, annotations: Mapping[str, str] | None = None) -> dict[str, Any]:
        out: dict[str, Any] = {
            "mediaType": self.media_type,
            "digest": self.digest,
            "size": self.size,
        }
        if annotations:
            out["annotations"] = dict(annotations)
        return out


@dataclass(frozen=True)
class Layer:
    """A compressed layer blob plus its uncompressed digest (the config's ``rootfs.diff_ids``)."""

    blob: Blob
    diff_id: str

    @property
    def digest(self) -> str:
        return self.blob.digest

    @property
    def size(self) -> int:
        return self.blob.size


@dataclass(frozen=True)
class Manifest:
    """A manifest's bytes, plus everything that must be in the repository before it is PUT."""

    body: bytes
    media_type: str
    blobs: tuple[Blob, ...] = ()
    children: tuple[Manifest, ...] = ()
    digest: str = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "digest", sha256_digest(self.body))

    @property
    def size(self) -> int:
        return len(self.body)

    @property
    def json(self) -> dict[str, Any]:
        return json.loads(self.body)

    def descriptor(
        self,
        platform: Mapping[str, str] | None = None,
        annotations: Mapping[str, str] | None = None,
    ) -> dict[str, Any]:
        out: dict[str, Any] = {
            "mediaType": self.media_type,
            "digest": self.digest,
            "size": self.size,
        }
        if platform is not None:
            out["platform"] = dict(platform)
        if annotations:
            out["annotations"] = dict(annotations)
        return out


@dataclass(frozen=True)
class Image(Manifest):
    """An image manifest with its config and layers at hand."""

    config: Blob = field(default=Blob(b"{}", OCI_CONFIG))
    layers: tuple[Layer, ...] = ()

    @property
    def config_json(self) -> dict[str, Any]:
        return json.loads(self.config.data)


def tar_gz_layer(
    files: Mapping[str, bytes], *, media_type: str = OCI_LAYER, compresslevel: int = 1
) -> Layer:
    """A deterministic gzip'd tar of ``files`` (path -> content), built in memory."""
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for path in sorted(files):
            content = files[path]
            info = tarfile.TarInfo(path)
            info.size = len(content)
            info.mtime = _EPOCH
            info.mode = 0o644
            info.uname = info.gname = "root"
            tar.addfile(info, io.BytesIO(content))
    uncompressed = raw.getvalue()
    compressed = gzip.compress(uncompressed, compresslevel=compresslevel, mtime=0)
    return Layer(Blob(compressed, media_type), sha256_digest(uncompressed))


def image_config(
    *,
    architecture: str = "amd64",
    os: str = "linux",
    variant: str | None = None,
    created: str | None = "2024-01-01T00:00:00Z",
    author: str | None = None,
    config: Mapping[str, Any] | None = None,
    history: Sequence[Mapping[str, Any]] | None = None,
    layers: Sequence[Layer] = (),
) -> dict[str, Any]:
    """An image config in the common field order; ``rootfs.diff_ids`` come from ``layers``."""
    out: dict[str, Any] = {}
    if created is not None:
        out["created"] = created
    if author is not None:
        out["author"] = author
    out["architecture"] = architecture
    if variant is not None:
        out["variant"] = variant
    out["os"] = os
    out["config"] = dict(config or {})
    out["rootfs"] = {"type": "layers", "diff_ids": [layer.diff_id for layer in layers]}
    if history is not None:
        out["history"] = [dict(entry) for entry in history]
    return out


def build_image(
    config: Mapping[str, Any],
    layers: Sequence[Layer],
    *,
    docker: bool = False,
    config_media_type: str | None = None,
    annotations: Mapping[str, str] | None = None,
) -> Image:
    """An OCI image manifest (or Docker schema 2 with ``docker=True``) over ``config``."""
    config_blob = Blob(
        canonical_json(config), config_media_type or (DOCKER_CONFIG if docker else OCI_CONFIG)
    )
    media_type = DOCKER_MANIFEST if docker else OCI_MANIFEST
    body: dict[str, Any] = {
        "schemaVersion": 2,
        "mediaType": media_type,
        "config": config_blob.descriptor(),
        "layers": [layer.blob.descriptor() for layer in layers],
    }
    if annotations:
        body["annotations"] = dict(annotations)
    return Image(
        body=canonical_json(body),
        media_type=media_type,
        blobs=(config_blob, *(layer.blob for layer in layers)),
        config=config_blob,
        layers=tuple(layers),
    )


@dataclass(frozen=True)
class IndexEntry:
    manifest: Manifest
    platform: Mapping[str, str] | None = None
    annotations: Mapping[str, str] | None = None


def platform(os: str, architecture: str, variant: str | None = None) -> dict[str, str]:
    out = {"architecture": architecture, "os": os}
    if variant is not None:
        out["variant"] = variant
    return out


def build_index(
    entries: Sequence[IndexEntry],
    *,
    docker: bool = False,
    annotations: Mapping[str, str] | None = None,
) -> Manifest:
    """An OCI image index (or a Docker manifest list with ``docker=True``)."""
    media_type = DOCKER_LIST if docker else OCI_INDEX
    body: dict[str, Any] = {
        "schemaVersion": 2,
        "mediaType": media_type,
        "manifests": [
            entry.manifest.descriptor(entry.platform, entry.annotations) for entry in entries
        ],
    }
    if annotations:
        body["annotations"] = dict(annotations)
    return Manifest(
        body=canonical_json(body),
        media_type=media_type,
        children=tuple(entry.manifest for entry in entries),
    )


def attestation_entry(image: Manifest, *, created: str = "2024-01-01T00:00:00Z") -> IndexEntry:
    """A BuildKit-style attestation for ``image``: an index entry with platform unknown/unknown."""
    statement = canonical_json(
        {
            "_type": "https://in-toto.io/Statement/v0.1",
            "predicateType": "https://slsa.dev/provenance/v0.2",
            "subject": [{"name": "image", "digest": {"sha256": image.digest.split(":", 1)[1]}}],
            "predicate": {"builder": {"id": "tagtui-test"}, "metadata": {"created": created}},
        }
    )
    layer = Layer(Blob(statement, IN_TOTO), sha256_digest(statement))
    config = image_config(architecture="unknown", os="unknown", created=None, layers=[layer])
    manifest = build_image(config, [layer])
    # BuildKit names the predicate on the layer descriptor; rebuild with that annotation.
    body = manifest.json
    body["layers"][0]["annotations"] = {
        "in-toto.io/predicate-type": "https://slsa.dev/provenance/v0.2"
    }
    manifest = Image(
        body=canonical_json(body),
        media_type=manifest.media_type,
        blobs=manifest.blobs,
        config=manifest.config,
        layers=manifest.layers,
    )
    return IndexEntry(
        manifest,
        platform("unknown", "unknown"),
        {
            "vnd.docker.reference.digest": image.digest,
            "vnd.docker.reference.type": "attestation-manifest",
        },
    )


# --- the client -------------------------------------------------------------------------------


class PushError(RuntimeError):
    """The registry refused a push step; says which and what it answered."""


T = TypeVar("T")
R = TypeVar("R")


class PushClient:
    """Pushes blobs and manifests to one registry over a keep-alive connection pool."""

    def __init__(
        self,
        url: str,
        *,
        auth: tuple[str, str] | None = None,
        verify: bool | str | ssl.SSLContext = True,
        workers: int = 8,
        timeout: float = 30.0,
    ) -> None:
        self.url = url.rstrip("/")
        self.workers = workers
        self._client = httpx.Client(
            base_url=self.url,
            auth=httpx.BasicAuth(*auth) if auth else None,
            verify=verify,
            timeout=timeout,
            limits=httpx.Limits(max_connections=workers, max_keepalive_connections=workers),
        )
        # (repository, digest) already known present: skip re-uploads within this client.
        self._present: set[tuple[str, str]] = set()
        self._lock = threading.Lock()
        #: Requests made, for reporting how much a seed cost.
        self.requests = 0

    def __enter__(self) -> PushClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._client.close()

    # -- raw steps --

    def _request(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        with self._lock:
            self.requests += 1
        return self._client.request(method, url, **kwargs)

    @staticmethod
    def _check(response: httpx.Response, expected: Iterable[int], what: str) -> httpx.Response:
        if response.status_code not in expected:
            raise PushError(
                f"{what}: HTTP {response.status_code} from {response.request.method} "
                f"{response.request.url.path}: {response.text[:500]}"
            )
        return response

    def _mark(self, repository: str, digest: str) -> None:
        with self._lock:
            self._present.add((repository, digest))

    def _known(self, repository: str, digest: str) -> bool:
        with self._lock:
            return (repository, digest) in self._present

    def _location(self, response: httpx.Response) -> httpx.URL:
        # Location may be relative (the spec allows it) or absolute (distribution's habit).
        return self._client.base_url.join(response.headers["Location"])

    def upload_blob(self, repository: str, blob: Blob, *, monolithic: bool = False) -> None:
        """Upload ``blob``: POST + PUT ``?digest=``, or one POST with ``monolithic=True``."""
        what = f"upload {blob.digest} to {repository}"
        base = f"/v2/{repository}/blobs/uploads/"
        if monolithic:
            response = self._request(
                "POST",
                base,
                params={"digest": blob.digest},
                content=blob.data,
                headers={"Content-Type": "application/octet-stream"},
            )
            self._check(response, (201, 202), what)
            if response.status_code == 201:
                self._mark(repository, blob.digest)
                return
            # A registry without monolithic POST opened a session instead: finish it below.
        else:
            response = self._check(self._request("POST", base), (202,), what)
        self._finish_upload(repository, blob, response, what)

    def _finish_upload(
        self, repository: str, blob: Blob, started: httpx.Response, what: str
    ) -> None:
        url = self._location(started).copy_merge_params({"digest": blob.digest})
        response = self._request(
            "PUT", str(url), content=blob.data, headers={"Content-Type": "application/octet-stream"}
        )
        self._check(response, (201,), what)
        self._mark(repository, blob.digest)

    def mount_blob(self, repository: str, blob: Blob, source: str) -> bool:
        """Mount ``blob`` from ``source``; uploads it instead when the registry won't mount.

        Returns True when the mount itself succeeded (201).
        """
        what = f"mount {blob.digest} from {source} into {repository}"
        response = self._request(
            "POST",
            f"/v2/{repository}/blobs/uploads/",
            params={"mount": blob.digest, "from": source},
        )
        self._check(response, (201, 202), what)
        if response.status_code == 201:
            self._mark(repository, blob.digest)
            return True
        self._finish_upload(repository, blob, response, what)
        return False

    def blob_exists(self, repository: str, digest: str) -> bool:
        response = self._request("HEAD", f"/v2/{repository}/blobs/{digest}")
        self._check(response, (200, 404), f"check {digest} in {repository}")
        return response.status_code == 200

    def put_manifest(self, repository: str, reference: str, manifest: Manifest) -> str:
        """PUT ``manifest`` as ``reference`` (tag or digest); returns the registry's digest."""
        what = f"put manifest {repository}:{reference}"
        response = self._request(
            "PUT",
            f"/v2/{repository}/manifests/{reference}",
            content=manifest.body,
            headers={"Content-Type": manifest.media_type},
        )
        self._check(response, (201,), what)
        digest = response.headers.get("Docker-Content-Digest", "")
        if digest != manifest.digest:
            raise PushError(f"{what}: registry says {digest!r}, expected {manifest.digest}")
        self._mark(repository, manifest.digest)
        return digest

    # -- whole pushes --

    def ensure_blob(self, repository: str, blob: Blob, *, mount_from: str | None = None) -> None:
        if self._known(repository, blob.digest):
            return
        if mount_from is not None and mount_from != repository:
            self.mount_blob(repository, blob, mount_from)
        else:
            self.upload_blob(repository, blob)

    def push(
        self,
        repository: str,
        manifest: Manifest,
        tags: Iterable[str] = (),
        *,
        mount_from: str | None = None,
    ) -> str:
        """Push ``manifest`` with its blobs and children; tag it with each of ``tags``.

        Without tags it is put by digest. ``mount_from`` names a repository already holding the
        blobs and children's blobs: they are mounted instead of uploaded.
        """
        for blob in manifest.blobs:
            self.ensure_blob(repository, blob, mount_from=mount_from)
        for child in manifest.children:
            if not self._known(repository, child.digest):
                self.push(repository, child, mount_from=mount_from)
        tags = list(tags)
        if not tags:
            return self.put_manifest(repository, manifest.digest, manifest)
        for tag in tags:
            self.put_manifest(repository, tag, manifest)
        return manifest.digest

    def map(self, function: Callable[[T], R], items: Iterable[T]) -> list[R]:
        """``function`` over ``items`` on ``workers`` threads sharing this client's pool."""
        with ThreadPoolExecutor(max_workers=self.workers, thread_name_prefix="push") as pool:
            return list(pool.map(function, items))
