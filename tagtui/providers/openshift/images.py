"""An OpenShift Image object (``image.openshift.io/v1``) as the model's Image."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from tagtui.model import Image, ImageConfig, Layer, Platform, Port
from tagtui.providers.http import integer, mapping, text, timestamp
from tagtui.providers.openshift.records import SERVICE
from tagtui.providers.vendor_common import display_date, display_size, known_extras


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
        parts.append(f"created {display_date(created)}")
    conditions = [
        f"{c.get('type')}={c.get('status')}"
        for c in item.get("conditions") or []
        if isinstance(c, dict) and text(c.get("type"))
    ]
    if conditions:
        parts.append(", ".join(conditions))
    return "; ".join(parts)


@dataclass(frozen=True)
class ParsedImage:
    """The Image (its digest and media type are the object's) and a manifest list's platforms."""

    image: Image
    platforms: tuple[Platform, ...]

    @property
    def is_list(self) -> bool:
        return bool(self.platforms)


def parse_image(document: Any) -> ParsedImage:
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
        known_extras(
            ("Image reference", text(document.get("dockerImageReference"))),
            ("Image ID", text(docker.get("Id"))),
            ("Image size", display_size(size)),
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
    return ParsedImage(image, platforms)
