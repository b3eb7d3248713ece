"""A ``docker save`` archive, read in place (members are read one by one, never all extracted).

Docker 25 and later write an OCI layout inside the tar (``index.json`` naming each image with
``io.containerd.image.name``) beside the legacy ``manifest.json``; older versions write only
``manifest.json`` (``Config``, ``RepoTags``, ``Layers``) with ``<hex>.json`` configs. The OCI
part is preferred when it names images; otherwise the legacy entries are used.
"""

from __future__ import annotations

import posixpath
import re
import tarfile
import threading
from pathlib import Path
from typing import Any

from tagtui.errors import BadResponse, NotFound
from tagtui.providers.json_body import load_json
from tagtui.providers.layout.store import (
    CONTAINERD_NAME,
    METADATA_LIMIT,
    REF_NAME,
    BlobReader,
    LegacyImage,
    Ref,
    RepositoryStore,
    ref_from_descriptor,
    tag_from_ref_name,
)
from tagtui.providers.oci.manifests import digest_of, is_valid_digest, parse_manifest

_BLOB_MEMBER = re.compile(r"^blobs/(sha256|sha512)/([a-f0-9]+)$")
_LEGACY_CONFIG = re.compile(r"^([a-f0-9]{64})\.json$")


def is_tar_archive(path: Path) -> bool:
    try:
        return path.is_file() and tarfile.is_tarfile(path)
    except OSError:
        return False


def split_name(reference: str) -> tuple[str, str | None]:
    """``docker.io/library/nginx:1.25`` -> (``nginx``, ``1.25``), as ``docker images`` shows it."""
    name = reference.split("@", 1)[0]
    tag = None
    head, colon, after = name.rpartition(":")
    if colon and "/" not in after:
        name, tag = head, after
    for prefix in ("docker.io/", "index.docker.io/"):
        if name.startswith(prefix):
            name = name[len(prefix) :]
            if name.startswith("library/") and name.count("/") == 1:
                name = name[len("library/") :]
    return name, tag


class DockerArchive:
    """The archive's member table and locked reads (a TarFile is not thread-safe)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.where = f"archive {path.name}"
        self._lock = threading.Lock()
        try:
            self._tar = tarfile.open(path, "r:*")  # noqa: SIM115 - kept open, closed by close()
            members = self._tar.getmembers()
        except (OSError, tarfile.TarError) as error:
            raise BadResponse(f"{self.where}: not a readable tar archive ({error})") from None
        self.members = {_clean(m.name): m for m in members}

    def close(self) -> None:
        self._tar.close()

    def _resolve(self, name: str) -> tarfile.TarInfo | None:
        member = self.members.get(_clean(name))
        for _ in range(16):
            if member is None or not (member.issym() or member.islnk()):
                return member
            target = member.linkname
            if member.issym():
                target = posixpath.normpath(posixpath.join(posixpath.dirname(member.name), target))
            member = self.members.get(_clean(target))
        return None

    def member_size(self, name: str) -> int | None:
        member = self._resolve(name)
        return member.size if member is not None and member.isfile() else None

    def has(self, name: str) -> bool:
        return self.member_size(name) is not None

    def read(self, name: str, what: str) -> bytes:
        member = self._resolve(name)
        if member is None or not member.isfile():
            raise NotFound(f"{self.where}: {what} ({name}) is missing from the archive")
        with self._lock:
            try:
                handle = self._tar.extractfile(member)
                if handle is None:
                    raise NotFound(f"{self.where}: {what} ({name}) is not a file")
                return handle.read(METADATA_LIMIT + 1)
            except (OSError, tarfile.TarError) as error:
                raise BadResponse(f"{self.where}: cannot read {what}: {error}") from None

    def json(self, name: str, what: str) -> Any:
        return load_json(self.read(name, what), f"{self.where}: {what} is not valid JSON")


def _clean(name: str) -> str:
    while name.startswith("./"):
        name = name[2:]
    return name.lstrip("/")


class ArchiveBlobs(BlobReader):
    def __init__(self, archive: DockerArchive) -> None:
        super().__init__(archive.where)
        self.archive = archive
        self.extra: dict[str, str] = {}  # digest -> member, for legacy "<hex>.json" configs

    def _member(self, digest: str) -> str:
        algorithm, _, hexpart = digest.partition(":")
        return self.extra.get(digest, f"blobs/{algorithm}/{hexpart}")

    def _raw(self, digest: str, what: str) -> bytes:
        return self.archive.read(self._member(digest), f"{what} {digest}")

    def blob_size(self, digest: str) -> int | None:
        if not is_valid_digest(digest):
            return None
        return self.archive.member_size(self._member(digest))


class ArchiveRepository(RepositoryStore):
    writable = False

    def __init__(self, name: str, blobs: ArchiveBlobs, refs: list[Ref]) -> None:
        super().__init__(name, blobs)
        self._refs = tuple(refs)
        self.archive = blobs.archive

    def refs(self) -> tuple[Ref, ...]:
        return self._refs

    def transport_reference(self, tag: str) -> str:
        # skopeo's docker-archive transport: docker-archive:PATH:NAME:TAG.
        return f"docker-archive:{self.archive.path.resolve()}:{self.name}:{tag}"


def load_archive(path: Path) -> tuple[DockerArchive, dict[str, ArchiveRepository]]:
    """Open ``path`` and group its tagged images by repository."""
    archive = DockerArchive(path)
    blobs = ArchiveBlobs(archive)
    grouped: dict[str, list[Ref]] = {}
    if archive.has("index.json"):
        _from_index(archive, grouped)
    if not grouped and archive.has("manifest.json"):
        _from_manifest_json(archive, blobs, grouped)
    if not grouped and not archive.has("index.json") and not archive.has("manifest.json"):
        archive.close()
        raise BadResponse(
            f"{archive.where}: neither manifest.json nor index.json (not docker save)"
        )
    repositories = {
        name: ArchiveRepository(name, blobs, refs) for name, refs in sorted(grouped.items())
    }
    return archive, repositories


def _add(grouped: dict[str, list[Ref]], repository: str, ref: Ref) -> None:
    refs = grouped.setdefault(repository, [])
    if all(existing.tag != ref.tag for existing in refs):
        refs.append(ref)


def _from_index(archive: DockerArchive, grouped: dict[str, list[Ref]]) -> None:
    body = archive.read("index.json", "index.json")
    where = f"{archive.where}: index.json"
    manifest = parse_manifest(body, content_type=None, digest=digest_of(body), where=where)
    if not manifest.is_index:
        raise BadResponse(f"{where} is not an image index")
    fallback = archive.path.name.split(".", 1)[0] or "image"
    for descriptor in manifest.manifests:
        full = descriptor.annotation(CONTAINERD_NAME)
        ref_name = descriptor.annotation(REF_NAME)
        if full:
            repository, tag = split_name(full)
            tag = tag or (tag_from_ref_name(ref_name) if ref_name else None)
        elif ref_name:
            repository, tag = fallback, tag_from_ref_name(ref_name)
        else:
            continue
        if tag:
            _add(grouped, repository, ref_from_descriptor(tag, descriptor))


def _from_manifest_json(
    archive: DockerArchive, blobs: ArchiveBlobs, grouped: dict[str, list[Ref]]
) -> None:
    entries = archive.json("manifest.json", "manifest.json")
    if not isinstance(entries, list):
        raise BadResponse(f"{archive.where}: manifest.json is not a list")
    for entry in entries:
        if not isinstance(entry, dict):
            raise BadResponse(f"{archive.where}: a manifest.json entry is not an object")
        config = entry.get("Config")
        layers = entry.get("Layers") or []
        repo_tags = entry.get("RepoTags") or []
        if (
            not isinstance(config, str)
            or not isinstance(layers, list)
            or not all(isinstance(layer, str) for layer in layers)
            or not isinstance(repo_tags, list)
        ):
            raise BadResponse(f"{archive.where}: a manifest.json entry has the wrong shape")
        config_digest = _config_digest(archive, config)
        blobs.extra.setdefault(config_digest, _clean(config))
        legacy = LegacyImage(
            config_digest=config_digest,
            config_member=_clean(config),
            layers=tuple((layer, archive.member_size(layer) or 0) for layer in layers),
        )
        for repo_tag in repo_tags:
            if not isinstance(repo_tag, str):
                continue
            repository, tag = split_name(repo_tag)
            if not tag:
                continue
            _add(
                grouped,
                repository,
                Ref(tag=tag, digest=config_digest, media_type=None, size=None, legacy=legacy),
            )


def _config_digest(archive: DockerArchive, member: str) -> str:
    # The config's digest is the image ID; the file name says it, the content proves it later.
    name = _clean(member)
    for pattern in (_LEGACY_CONFIG, _BLOB_MEMBER):
        match = pattern.match(name)
        if match:
            groups = match.groups()
            return f"sha256:{groups[0]}" if len(groups) == 1 else f"{groups[0]}:{groups[1]}"
    return digest_of(archive.read(name, "image config"))
