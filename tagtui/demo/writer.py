"""Writing OCI image layouts from code: blobs, image manifests, indexes and index.json.

Everything is deterministic: fixed timestamps, seeded bytes, gzip without a time stamp and
compact JSON in a fixed key order, so the same call writes the same digests every time.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import random
import tarfile
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

OCI_INDEX = "application/vnd.oci.image.index.v1+json"
OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
OCI_CONFIG = "application/vnd.oci.image.config.v1+json"
OCI_LAYER = "application/vnd.oci.image.layer.v1.tar+gzip"
DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json"
DOCKER_CONFIG = "application/vnd.docker.container.image.v1+json"
DOCKER_LAYER = "application/vnd.docker.image.rootfs.diff.tar.gzip"
REF_NAME = "org.opencontainers.image.ref.name"

Descriptor = dict[str, Any]


def rfc3339(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def encode(document: Any) -> bytes:
    return json.dumps(document, separators=(",", ":"), ensure_ascii=False).encode()


@dataclass(frozen=True)
class LayerSpec:
    """A layer holding one file of ``size`` seeded bytes at ``path`` (``key`` seeds them)."""

    key: str
    size: int
    path: str


@dataclass(frozen=True)
class Step:
    """One Dockerfile instruction; ``layer`` None means an empty_layer history entry."""

    created_by: str
    layer: LayerSpec | None = None


@dataclass(frozen=True)
class ImageSpec:
    created: datetime
    steps: tuple[Step, ...]
    author: str | None = None
    env: tuple[str, ...] = ()
    labels: tuple[tuple[str, str], ...] = ()
    ports: tuple[str, ...] = ()
    volumes: tuple[str, ...] = ()
    entrypoint: tuple[str, ...] | None = None
    cmd: tuple[str, ...] | None = None
    user: str | None = None
    working_dir: str | None = None
    stop_signal: str | None = None
    os: str = "linux"
    architecture: str = "amd64"
    variant: str | None = None
    docker_types: bool = False
    annotations: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class _Layer:
    data: bytes
    diff_id: str


_LAYERS: dict[LayerSpec, _Layer] = {}
# A fixed modification time for every file inside the layers.
_EPOCH = 1_700_000_000


def build_layer(spec: LayerSpec) -> _Layer:
    cached = _LAYERS.get(spec)
    if cached is not None:
        return cached
    seed = int.from_bytes(hashlib.sha256(spec.key.encode()).digest()[:8], "big")
    payload = random.Random(seed).randbytes(spec.size)
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", format=tarfile.PAX_FORMAT) as tar:
        parts = spec.path.strip("/").split("/")
        for depth in range(1, len(parts)):
            directory = tarfile.TarInfo("/".join(parts[:depth]) + "/")
            directory.type, directory.mode, directory.mtime = tarfile.DIRTYPE, 0o755, _EPOCH
            tar.addfile(directory)
        info = tarfile.TarInfo("/".join(parts))
        info.size, info.mode, info.mtime = len(payload), 0o644, _EPOCH
        tar.addfile(info, io.BytesIO(payload))
    raw = buffer.getvalue()
    layer = _Layer(
        data=gzip.compress(raw, compresslevel=1, mtime=0),
        diff_id="sha256:" + hashlib.sha256(raw).hexdigest(),
    )
    _LAYERS[spec] = layer
    return layer


@dataclass
class LayoutWriter:
    """One OCI layout directory being written; ``close()`` writes index.json."""

    root: Path
    entries: list[Descriptor] = field(default_factory=list)
    _written: set[str] = field(default_factory=set)

    def __post_init__(self) -> None:
        (self.root / "blobs" / "sha256").mkdir(parents=True, exist_ok=True)
        (self.root / "oci-layout").write_bytes(encode({"imageLayoutVersion": "1.0.0"}))

    def blob(self, data: bytes, media_type: str) -> Descriptor:
        hexdigest = hashlib.sha256(data).hexdigest()
        if hexdigest not in self._written:
            (self.root / "blobs" / "sha256" / hexdigest).write_bytes(data)
            self._written.add(hexdigest)
        return {"mediaType": media_type, "digest": f"sha256:{hexdigest}", "size": len(data)}

    def image(self, spec: ImageSpec) -> Descriptor:
        """Write an image's layers, config and manifest; return the manifest's descriptor."""
        layer_type = DOCKER_LAYER if spec.docker_types else OCI_LAYER
        layers = [build_layer(s.layer) for s in spec.steps if s.layer is not None]
        layer_descriptors = [self.blob(layer.data, layer_type) for layer in layers]
        config = self.blob(encode(_config(spec, [x.diff_id for x in layers])), _config_type(spec))
        manifest: dict[str, Any] = {"schemaVersion": 2}
        manifest["mediaType"] = DOCKER_MANIFEST if spec.docker_types else OCI_MANIFEST
        manifest["config"] = config
        manifest["layers"] = layer_descriptors
        if spec.annotations:
            manifest["annotations"] = dict(spec.annotations)
        descriptor = self.blob(encode(manifest), manifest["mediaType"])
        platform: dict[str, str] = {"architecture": spec.architecture, "os": spec.os}
        if spec.variant:
            platform["variant"] = spec.variant
        descriptor["platform"] = platform
        return descriptor

    def artifact(
        self, config_type: str, config: bytes, layers: list[tuple[str, bytes]], **extra: Any
    ) -> Descriptor:
        manifest: dict[str, Any] = {"schemaVersion": 2, "mediaType": OCI_MANIFEST}
        manifest.update(extra)
        manifest["config"] = self.blob(config, config_type)
        manifest["layers"] = [self.blob(data, media_type) for media_type, data in layers]
        return self.blob(encode(manifest), OCI_MANIFEST)

    def index(self, manifests: list[Descriptor]) -> Descriptor:
        document = {"schemaVersion": 2, "mediaType": OCI_INDEX, "manifests": manifests}
        return self.blob(encode(document), OCI_INDEX)

    def tag(self, descriptor: Descriptor, *names: str) -> None:
        base = {k: v for k, v in descriptor.items() if k in ("mediaType", "digest", "size")}
        for name in names:
            self.entries.append({**base, "annotations": {REF_NAME: name}})

    def close(self) -> None:
        document = {"schemaVersion": 2, "mediaType": OCI_INDEX, "manifests": self.entries}
        (self.root / "index.json").write_bytes(encode(document))


def _config_type(spec: ImageSpec) -> str:
    return DOCKER_CONFIG if spec.docker_types else OCI_CONFIG


def _config(spec: ImageSpec, diff_ids: list[str]) -> dict[str, Any]:
    runtime: dict[str, Any] = {}
    if spec.user:
        runtime["User"] = spec.user
    if spec.ports:
        runtime["ExposedPorts"] = {port: {} for port in spec.ports}
    if spec.env:
        runtime["Env"] = list(spec.env)
    if spec.entrypoint is not None:
        runtime["Entrypoint"] = list(spec.entrypoint)
    if spec.cmd is not None:
        runtime["Cmd"] = list(spec.cmd)
    if spec.volumes:
        runtime["Volumes"] = {volume: {} for volume in spec.volumes}
    if spec.working_dir:
        runtime["WorkingDir"] = spec.working_dir
    if spec.labels:
        runtime["Labels"] = dict(spec.labels)
    if spec.stop_signal:
        runtime["StopSignal"] = spec.stop_signal
    history = []
    count = len(spec.steps)
    for number, step in enumerate(spec.steps):
        # Steps a few minutes apart, the last one at the image's creation time.
        when = spec.created - timedelta(minutes=3 * (count - 1 - number))
        entry: dict[str, Any] = {"created": rfc3339(when), "created_by": step.created_by}
        if number > 0:
            entry["comment"] = "buildkit.dockerfile.v0"
        if step.layer is None:
            entry["empty_layer"] = True
        history.append(entry)
    document: dict[str, Any] = {"created": rfc3339(spec.created)}
    if spec.author:
        document["author"] = spec.author
    document["architecture"] = spec.architecture
    if spec.variant:
        document["variant"] = spec.variant
    document["os"] = spec.os
    document["config"] = runtime
    document["rootfs"] = {"type": "layers", "diff_ids": diff_ids}
    document["history"] = history
    return document
