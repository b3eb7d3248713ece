"""Manifests, indexes and image configs: from verified bytes to parsed documents.

Everything here is pure (no I/O) so it can be tested on literal documents; the mapping to the
domain model is ``tagtui.providers.manifest_model``. Registry data is untrusted: shapes are
checked, digests are validated before they go into a URL, and a body whose sha256 does not
match what it claims is refused.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from tagtui.errors import BadResponse, DigestMismatch, LegacyManifest
from tagtui.model import HistoryEntry, ImageConfig, Port
from tagtui.providers.json_body import load_object

OCI_INDEX = "application/vnd.oci.image.index.v1+json"
OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
DOCKER_LIST = "application/vnd.docker.distribution.manifest.list.v2+json"
DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json"
DOCKER_SCHEMA1 = "application/vnd.docker.distribution.manifest.v1+json"
DOCKER_SCHEMA1_SIGNED = "application/vnd.docker.distribution.manifest.v1+prettyjws"
OCI_CONFIG = "application/vnd.oci.image.config.v1+json"
DOCKER_CONFIG = "application/vnd.docker.container.image.v1+json"
OCI_LAYER_GZIP = "application/vnd.oci.image.layer.v1.tar+gzip"
DOCKER_LAYER_GZIP = "application/vnd.docker.image.rootfs.diff.tar.gzip"

INDEX_TYPES = frozenset({OCI_INDEX, DOCKER_LIST})
IMAGE_TYPES = frozenset({OCI_MANIFEST, DOCKER_MANIFEST})
IMAGE_CONFIG_TYPES = frozenset({OCI_CONFIG, DOCKER_CONFIG})
LEGACY_TYPES = frozenset({DOCKER_SCHEMA1, DOCKER_SCHEMA1_SIGNED})

# Without the list types in Accept, distribution answers a manifest list with its amd64 child
# (and that child's digest): always send all four.
MANIFEST_ACCEPT = ", ".join([OCI_INDEX, OCI_MANIFEST, DOCKER_LIST, DOCKER_MANIFEST])

LEGACY_MESSAGE = "legacy Docker schema 1 manifest not supported"

_DIGEST = re.compile(r"^(?P<algorithm>sha256|sha512):(?P<hex>[a-f0-9]+)$")
_HEX_LENGTH = {"sha256": 64, "sha512": 128}


def is_valid_digest(value: object) -> bool:
    if not isinstance(value, str):
        return False
    match = _DIGEST.match(value)
    return bool(match) and len(match.group("hex")) == _HEX_LENGTH[match.group("algorithm")]


def digest_of(body: bytes, algorithm: str = "sha256") -> str:
    return f"{algorithm}:{hashlib.new(algorithm, body).hexdigest()}"


def verify_digest(body: bytes, *, claimed: str | None, requested: str | None, where: str) -> str:
    """The body's digest, after checking it against the header's and the requested one."""
    computed = digest_of(body)
    for label, expected in (("the registry's Docker-Content-Digest", claimed), ("", requested)):
        if not expected:
            continue
        if not is_valid_digest(expected):
            raise BadResponse(f"{where}: unusable digest {expected[:80]!r}")
        algorithm = expected.split(":", 1)[0]
        actual = computed if algorithm == "sha256" else digest_of(body, algorithm)
        if actual != expected:
            against = label or "the digest asked for"
            raise DigestMismatch(
                f"{where}: content does not match {against} "
                f"(expected {expected}, got {actual}); refusing it"
            )
    return computed


@dataclass(frozen=True)
class Descriptor:
    media_type: str | None
    digest: str
    size: int | None
    platform: dict[str, Any] | None = None
    annotations: tuple[tuple[str, str], ...] = ()
    artifact_type: str | None = None

    def annotation(self, key: str) -> str | None:
        return next((v for k, v in self.annotations if k == key), None)


@dataclass(frozen=True)
class Manifest:
    """A parsed image manifest or index. ``raw`` is the exact body its digest covers."""

    media_type: str | None
    digest: str
    is_index: bool
    config: Descriptor | None = None
    layers: tuple[Descriptor, ...] = ()
    manifests: tuple[Descriptor, ...] = ()
    annotations: tuple[tuple[str, str], ...] = ()
    artifact_type: str | None = None
    # Bytes in the body (a descriptor's size); None when built by hand.
    size: int | None = None
    # The digest of the manifest this one refers to (OCI 1.1 ``subject``).
    subject: str | None = None

    @property
    def family(self) -> str:
        """ "oci" or "docker": which media types a replacement manifest should use."""
        docker = self.media_type in (DOCKER_MANIFEST, DOCKER_LIST)
        return "docker" if docker else "oci"

    @property
    def image_config(self) -> Descriptor | None:
        """The config when it is a container image config (an untyped one counts), else None."""
        config = self.config
        if config is None or config.media_type not in (*IMAGE_CONFIG_TYPES, None):
            return None
        return config

    @property
    def artifact_kind(self) -> str | None:
        """What an artifact (Helm chart, signature, SBOM...) is; None for a container image."""
        config = self.config
        if config is None or self.image_config is not None:
            return None
        return self.artifact_type or config.media_type


def _optional_str(document: dict[str, Any], key: str, where: str) -> str | None:
    value = document.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise BadResponse(f"{where}: {key} is not a string")
    return value


def _annotations(value: Any, where: str) -> tuple[tuple[str, str], ...]:
    if value is None:
        return ()
    if not isinstance(value, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in value.items()
    ):
        raise BadResponse(f"{where}: annotations are not a string map")
    return tuple(value.items())


def _descriptor(value: Any, where: str) -> Descriptor:
    if not isinstance(value, dict):
        raise BadResponse(f"{where}: a descriptor is not an object")
    digest = value.get("digest")
    if not is_valid_digest(digest):
        raise BadResponse(f"{where}: a descriptor has an invalid digest")
    size = value.get("size")
    if size is not None and (isinstance(size, bool) or not isinstance(size, int) or size < 0):
        raise BadResponse(f"{where}: a descriptor has an invalid size")
    platform = value.get("platform")
    if platform is not None and not isinstance(platform, dict):
        raise BadResponse(f"{where}: a descriptor's platform is not an object")
    return Descriptor(
        media_type=_optional_str(value, "mediaType", where),
        digest=digest,
        size=size,
        platform=platform,
        annotations=_annotations(value.get("annotations"), where),
        artifact_type=_optional_str(value, "artifactType", where),
    )


def _descriptors(value: Any, key: str, where: str) -> tuple[Descriptor, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        raise BadResponse(f"{where}: {key} is not a list")
    return tuple(_descriptor(item, where) for item in value)


def parse_manifest(body: bytes, *, content_type: str | None, digest: str, where: str) -> Manifest:
    """Parse a verified manifest body. Schema 1 raises ``LegacyManifest``."""
    header_type = (content_type or "").split(";", 1)[0].strip().lower() or None
    if header_type in LEGACY_TYPES:
        raise LegacyManifest(f"{where}: {LEGACY_MESSAGE}")
    document = load_object(
        body, f"{where}: not valid JSON", f"{where}: the manifest is not a JSON object"
    )
    media_type = _optional_str(document, "mediaType", where) or header_type
    if document.get("schemaVersion") == 1 or media_type in LEGACY_TYPES:
        raise LegacyManifest(f"{where}: {LEGACY_MESSAGE}")
    if document.get("schemaVersion") != 2:
        raise BadResponse(f"{where}: unknown manifest schemaVersion")
    annotations = _annotations(document.get("annotations"), where)
    artifact_type = _optional_str(document, "artifactType", where)
    subject_value = document.get("subject")
    # A broken subject only loses the link to what it refers to, not the manifest.
    subject = (
        subject_value.get("digest")
        if isinstance(subject_value, dict) and is_valid_digest(subject_value.get("digest"))
        else None
    )

    is_index = media_type in INDEX_TYPES or (
        media_type not in IMAGE_TYPES and "manifests" in document and "config" not in document
    )
    if is_index:
        return Manifest(
            media_type=media_type,
            digest=digest,
            is_index=True,
            manifests=_descriptors(document.get("manifests"), "manifests", where),
            annotations=annotations,
            artifact_type=artifact_type,
            size=len(body),
            subject=subject,
        )
    if "config" not in document:
        raise BadResponse(f"{where}: the manifest has neither config nor manifests")
    return Manifest(
        media_type=media_type,
        digest=digest,
        is_index=False,
        config=_descriptor(document["config"], where),
        layers=_descriptors(document.get("layers"), "layers", where),
        annotations=annotations,
        artifact_type=artifact_type,
        size=len(body),
        subject=subject,
    )


# --- image config ---------------------------------------------------------------------------

_FRACTION = re.compile(r"(\.\d{1,6})\d*")


def parse_time(value: object) -> datetime | None:
    """RFC 3339 as Go writes it (nanoseconds, ``Z``); None when absent or unparsable."""
    if not isinstance(value, str) or not value:
        return None
    text = _FRACTION.sub(r"\1", value.strip(), count=1)
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    # Go's zero time ("0001-01-01T00:00:00Z") means "unknown".
    return None if parsed.year <= 1 else parsed


def _string_list(value: Any, key: str, where: str) -> tuple[str, ...] | None:
    if value is None:
        return None
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise BadResponse(f"{where}: {key} is not a list of strings")
    return tuple(value)


def _key_set(value: Any, key: str, where: str) -> tuple[str, ...]:
    # ExposedPorts and Volumes are maps to empty objects; only the keys carry meaning.
    if value is None:
        return ()
    if not isinstance(value, dict):
        raise BadResponse(f"{where}: {key} is not an object")
    return tuple(str(k) for k in value)


def parse_port(text: str) -> Port | None:
    number, _, protocol = text.partition("/")
    if not number.isdigit():
        return None
    return Port(int(number), (protocol or "tcp").lower())


def parse_config(body: bytes, where: str) -> ImageConfig:
    document = load_object(
        body, f"{where}: not valid JSON", f"{where}: the image config is not a JSON object"
    )
    runtime = document.get("config")
    if runtime is None:
        runtime = {}
    if not isinstance(runtime, dict):
        raise BadResponse(f"{where}: config is not an object")

    env: list[tuple[str, str]] = []
    for item in _string_list(runtime.get("Env"), "Env", where) or ():
        name, _, value = item.partition("=")
        env.append((name, value))

    labels_value = runtime.get("Labels")
    if labels_value is not None and (
        not isinstance(labels_value, dict)
        or not all(isinstance(v, str) for v in labels_value.values())
    ):
        raise BadResponse(f"{where}: Labels is not a string map")
    labels = tuple((labels_value or {}).items())

    ports = tuple(
        port
        for port in (parse_port(p) for p in _key_set(runtime.get("ExposedPorts"), "ports", where))
        if port is not None
    )

    history_value = document.get("history")
    if history_value is not None and not isinstance(history_value, list):
        raise BadResponse(f"{where}: history is not a list")
    history: list[HistoryEntry] = []
    for item in history_value or ():
        if not isinstance(item, dict):
            raise BadResponse(f"{where}: a history entry is not an object")
        history.append(
            HistoryEntry(
                created=parse_time(item.get("created")),
                created_by=_optional_str(item, "created_by", where),
                comment=_optional_str(item, "comment", where),
                author=_optional_str(item, "author", where),
                empty_layer=item.get("empty_layer") is True,
            )
        )

    return ImageConfig(
        author=_optional_str(document, "author", where),
        created=parse_time(document.get("created")),
        entrypoint=_string_list(runtime.get("Entrypoint"), "Entrypoint", where),
        cmd=_string_list(runtime.get("Cmd"), "Cmd", where),
        env=tuple(env),
        labels=labels,
        ports=ports,
        volumes=_key_set(runtime.get("Volumes"), "Volumes", where),
        user=_optional_str(runtime, "User", where) or None,
        working_dir=_optional_str(runtime, "WorkingDir", where) or None,
        os=_optional_str(document, "os", where),
        architecture=_optional_str(document, "architecture", where),
        variant=_optional_str(document, "variant", where),
        history=tuple(history),
    )
