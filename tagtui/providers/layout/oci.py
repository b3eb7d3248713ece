"""An OCI image layout directory (``oci-layout``, ``index.json``, ``blobs/<alg>/<hex>``).

This is what ``skopeo copy ... oci:DIR:TAG`` writes. Tags are the index's
``org.opencontainers.image.ref.name`` annotations. Removing a tag rewrites ``index.json``
atomically and then deletes the blobs only that tag reached.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tagtui.errors import BadResponse, DeleteAborted, NotFound, TagtuiError
from tagtui.providers.json_body import load_object
from tagtui.providers.layout.store import (
    METADATA_LIMIT,
    REF_NAME,
    BlobReader,
    Ref,
    RepositoryStore,
    ref_from_descriptor,
    tag_from_ref_name,
)
from tagtui.providers.oci.manifests import Descriptor, digest_of, is_valid_digest, parse_manifest

LAYOUT_MARKER = "oci-layout"
INDEX_FILE = "index.json"


def is_oci_layout(path: Path) -> bool:
    return (path / LAYOUT_MARKER).is_file() and (path / INDEX_FILE).is_file()


class DirectoryBlobs(BlobReader):
    def __init__(self, root: Path, where: str) -> None:
        super().__init__(where)
        self.root = root

    def path(self, digest: str) -> Path:
        # Only called with validated digests: "<alg>:<hex>" cannot escape blobs/.
        algorithm, _, hexpart = digest.partition(":")
        return self.root / "blobs" / algorithm / hexpart

    def _raw(self, digest: str, what: str) -> bytes:
        try:
            with self.path(digest).open("rb") as handle:
                return handle.read(METADATA_LIMIT + 1)
        except FileNotFoundError:
            raise NotFound(f"{self.where}: {what} {digest} is missing from blobs/") from None
        except OSError as error:
            raise BadResponse(f"{self.where}: cannot read {what} {digest}: {error}") from None

    def blob_size(self, digest: str) -> int | None:
        if not is_valid_digest(digest):
            return None
        try:
            return self.path(digest).stat().st_size
        except OSError:
            return None


@dataclass(frozen=True)
class _Index:
    stamp: tuple[int, int, int]
    body: bytes
    document: dict[str, Any]
    refs: tuple[Ref, ...]
    # Every descriptor of index.json, tagged or not (they all keep blobs alive).
    descriptors: tuple[Descriptor, ...]


@dataclass(frozen=True)
class Collected:
    removed: int
    freed: int
    note: str | None = None


class OciLayoutStore(RepositoryStore):
    """One OCI layout directory as a repository."""

    def __init__(self, name: str, root: Path, *, writable: bool = True) -> None:
        self.root = root
        self.writable = writable
        self.files = DirectoryBlobs(root, f"layout {name}")
        super().__init__(name, self.files)
        self._index: _Index | None = None
        self._write_lock = threading.Lock()

    @property
    def where(self) -> str:
        return self.blobs.where

    def _load_index(self) -> _Index:
        path = self.root / INDEX_FILE
        try:
            stat = path.stat()
            stamp = (stat.st_mtime_ns, stat.st_size, stat.st_ino)
            cached = self._index
            if cached is not None and cached.stamp == stamp:
                return cached
            body = path.read_bytes()
        except FileNotFoundError:
            raise NotFound(f"{self.where}: index.json is missing") from None
        except OSError as error:
            raise BadResponse(f"{self.where}: cannot read index.json: {error}") from None
        index = self._parse_index(stamp, body)
        self._index = index
        return index

    def _parse_index(self, stamp: tuple[int, int, int], body: bytes) -> _Index:
        where = f"{self.where}: index.json"
        document = load_object(body, f"{where} is not valid JSON", f"{where} is not a JSON object")
        descriptors: tuple[Descriptor, ...] = ()
        if document.get("manifests"):
            manifest = parse_manifest(body, content_type=None, digest=digest_of(body), where=where)
            descriptors = manifest.manifests
        refs: list[Ref] = []
        seen: set[str] = set()
        for descriptor in descriptors:
            ref_name = descriptor.annotation(REF_NAME)
            if not ref_name:
                continue
            tag = tag_from_ref_name(ref_name)
            if tag in seen:
                continue
            seen.add(tag)
            refs.append(ref_from_descriptor(tag, descriptor))
        return _Index(stamp, body, document, tuple(refs), descriptors)

    def refs(self) -> tuple[Ref, ...]:
        return self._load_index().refs

    def transport_reference(self, tag: str) -> str:
        return f"oci:{self.root.resolve()}:{tag}"

    # --- delete -------------------------------------------------------------------------------

    def remove_refs(self, tags: tuple[str, ...], digest: str) -> Collected:
        """Remove exactly ``tags`` (which must still point at ``digest``), then collect blobs."""
        with self._write_lock:
            self._index = None
            index = self._load_index()
            current = {ref.tag: ref.digest for ref in index.refs}
            for tag in tags:
                if tag not in current:
                    raise DeleteAborted(f"{self.name}:{tag} no longer exists; nothing was removed")
                if current[tag] != digest:
                    raise DeleteAborted(
                        f"{self.name}:{tag} now points at {current[tag]}, not {digest} as "
                        "planned; nothing was removed"
                    )
            kept_raw: list[Any] = []
            removed_descriptors: list[Descriptor] = []
            kept_descriptors: list[Descriptor] = []
            raw_entries = index.document.get("manifests") or []
            for raw, descriptor in zip(raw_entries, index.descriptors, strict=True):
                ref_name = descriptor.annotation(REF_NAME)
                goes = (
                    ref_name is not None
                    and tag_from_ref_name(ref_name) in tags
                    and descriptor.digest == digest
                )
                if goes:
                    removed_descriptors.append(descriptor)
                else:
                    kept_raw.append(raw)
                    kept_descriptors.append(descriptor)

            # Work out what to collect before changing anything; a store we cannot fully walk
            # keeps all its blobs.
            note = None
            garbage: set[str] = set()
            try:
                keep = self._reachable(kept_descriptors, strict=True)
                garbage = self._reachable(removed_descriptors, strict=False) - keep
            except TagtuiError as error:
                note = f"unused blobs were kept: {error}"

            document = dict(index.document)
            document["manifests"] = kept_raw
            self._write_index(document)
            self._index = None
            removed = freed = 0
            for blob in sorted(garbage):
                path = self.files.path(blob)
                try:
                    size = path.stat().st_size
                    path.unlink()
                except FileNotFoundError:
                    continue
                except OSError as error:
                    note = f"some unused blobs could not be removed: {error}"
                    continue
                removed += 1
                freed += size
            return Collected(removed, freed, note)

    def _write_index(self, document: dict[str, Any]) -> None:
        path = self.root / INDEX_FILE
        body = json.dumps(document, separators=(",", ":"), ensure_ascii=False).encode()
        handle, temp_name = tempfile.mkstemp(prefix=".index.json.", dir=self.root)
        try:
            with os.fdopen(handle, "wb") as temp:
                temp.write(body)
                temp.flush()
                os.fsync(temp.fileno())
            with contextlib.suppress(OSError):  # keep index.json's permissions
                os.chmod(temp_name, path.stat().st_mode & 0o7777)
            os.replace(temp_name, path)
        except OSError as error:
            Path(temp_name).unlink(missing_ok=True)
            raise BadResponse(f"{self.where}: cannot write index.json: {error}") from None

    def _reachable(self, roots: Iterable[Descriptor], *, strict: bool) -> set[str]:
        """Digests reachable from ``roots`` through indexes and manifests.

        A missing blob is marked but not followed (nothing below it is usable anyway); with
        ``strict`` a blob that cannot be read or parsed raises, since what it references is
        unknown and must not be collected.
        """
        seen: set[str] = set()
        stack = [d.digest for d in roots]
        while stack:
            digest = stack.pop()
            if digest in seen or not is_valid_digest(digest):
                continue
            seen.add(digest)
            try:
                body = self.blobs.read(digest, what="manifest")
                manifest = parse_manifest(
                    body, content_type=None, digest=digest, where=f"{self.where}: {digest}"
                )
            except NotFound:
                continue
            except TagtuiError:
                if strict:
                    raise
                continue
            if manifest.is_index:
                stack.extend(d.digest for d in manifest.manifests)
            else:
                if manifest.config is not None:
                    seen.add(manifest.config.digest)
                seen.update(layer.digest for layer in manifest.layers)
        return seen
