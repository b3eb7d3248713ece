"""What the layout provider reads from: repositories of refs backed by content-addressed blobs.

Two kinds of storage implement this: an OCI image layout directory (``oci.py``, writable) and a
``docker save`` archive (``dockersave.py``, read-only). Every blob read is checked against its
digest; a file that does not match is refused, never shown.
"""

from __future__ import annotations

import abc
import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

from tagtui.errors import BadResponse, DigestMismatch
from tagtui.providers.oci.manifests import Descriptor, digest_of, is_valid_digest

REF_NAME = "org.opencontainers.image.ref.name"
CONTAINERD_NAME = "io.containerd.image.name"

# Manifests and configs are small; a descriptor pointing such a read at a layer is refused.
METADATA_LIMIT = 16 * 1024 * 1024


def tag_from_ref_name(value: str) -> str:
    """``latest`` stays; ``docker.io/library/nginx:latest`` -> ``latest``; ``host:5000/x`` stays."""
    _, colon, after = value.rpartition(":")
    if colon and after and "/" not in after:
        return after
    return value


@dataclass(frozen=True)
class LegacyImage:
    """An image from an old ``docker save`` archive: a config and layer files, no manifest."""

    config_digest: str
    config_member: str
    # (archive member, size) per layer; digests come from the config's rootfs.diff_ids.
    layers: tuple[tuple[str, int], ...]


@dataclass(frozen=True)
class Ref:
    """One tag: a name and the descriptor it points at (or a legacy image)."""

    tag: str
    digest: str
    media_type: str | None
    size: int | None
    descriptor: Descriptor | None = None
    legacy: LegacyImage | None = None


class BlobReader(abc.ABC):
    """Verified reads of small blobs (manifests, configs), with a cache keyed by digest."""

    def __init__(self, where: str) -> None:
        self.where = where
        self._cache: OrderedDict[str, bytes] = OrderedDict()
        self._lock = threading.Lock()

    @abc.abstractmethod
    def _raw(self, digest: str, what: str) -> bytes:
        """The stored bytes for ``digest`` (at most METADATA_LIMIT + 1), or NotFound."""

    @abc.abstractmethod
    def blob_size(self, digest: str) -> int | None:
        """The stored size of ``digest`` without reading it, None when absent."""

    def read(self, digest: str, *, size: int | None = None, what: str = "blob") -> bytes:
        if not is_valid_digest(digest):
            raise BadResponse(f"{self.where}: {what} has an invalid digest {digest[:80]!r}")
        with self._lock:
            cached = self._cache.get(digest)
            if cached is not None:
                self._cache.move_to_end(digest)
                return cached
        body = self._raw(digest, what)
        if len(body) > METADATA_LIMIT:
            raise BadResponse(f"{self.where}: {what} {digest} is too large to be metadata")
        algorithm = digest.split(":", 1)[0]
        actual = digest_of(body, algorithm)
        if actual != digest:
            raise DigestMismatch(
                f"{self.where}: {what} {digest} does not match its content "
                f"(got {actual}); refusing it"
            )
        if size is not None and len(body) != size:
            raise BadResponse(
                f"{self.where}: {what} {digest} is {len(body)} bytes, its descriptor says {size}"
            )
        with self._lock:
            self._cache[digest] = body
            while len(self._cache) > 512:
                self._cache.popitem(last=False)
        return body


class RepositoryStore(abc.ABC):
    """One repository: its refs in stored order and the blobs they point at."""

    writable: bool = False

    def __init__(self, name: str, blobs: BlobReader) -> None:
        self.name = name
        self.blobs = blobs

    @abc.abstractmethod
    def refs(self) -> tuple[Ref, ...]:
        """Every tag, in the order the store lists them (the first wins on duplicates)."""

    @abc.abstractmethod
    def transport_reference(self, tag: str) -> str:
        """How skopeo or podman name ``tag`` in this store (``oci:DIR:TAG``...)."""


def ref_from_descriptor(tag: str, descriptor: Descriptor) -> Ref:
    return Ref(
        tag=tag,
        digest=descriptor.digest,
        media_type=descriptor.media_type,
        size=descriptor.size,
        descriptor=descriptor,
    )


def as_object(value: Any, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise BadResponse(f"{where}: not a JSON object")
    return value
