"""Images with signatures, SBOMs and attestations, built as cosign, oras and BuildKit push them.

Deterministic (same digests every run), built with the test push client's builders, never
with tagtui's code: an image, its cosign ``sha256-<hex>.sig`` signature manifest, an OCI 1.1
SBOM manifest with a ``subject`` and the fallback index ``sha256-<hex>`` listing it, and a
BuildKit-style index whose attestation manifests describe its platform.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from tests.support.push import (
    IN_TOTO,
    OCI_CONFIG,
    OCI_INDEX,
    OCI_MANIFEST,
    Blob,
    Image,
    IndexEntry,
    Manifest,
    PushClient,
    build_image,
    build_index,
    canonical_json,
    image_config,
    platform,
    tar_gz_layer,
)

SIMPLESIGNING = "application/vnd.dev.cosign.simplesigning.v1+json"
SPDX_JSON = "application/spdx+json"
EMPTY = "application/vnd.oci.empty.v1+json"
SPDX_PREDICATE = "https://spdx.dev/Document"
SLSA_PREDICATE = "https://slsa.dev/provenance/v0.2"
SBOM_ANNOTATIONS = {"org.opencontainers.image.created": "2024-05-01T00:00:00Z"}


def fallback_tag(digest: str) -> str:
    return digest.replace(":", "-", 1)


def subject_image(name: str = "app") -> Image:
    layer = tar_gz_layer({"hello.txt": f"hello from {name}\n".encode()})
    config = image_config(layers=[layer], history=[{"created_by": "ADD hello.txt /"}])
    return build_image(config, [layer])


def _manifest(body: dict[str, Any], blobs: tuple[Blob, ...]) -> Image:
    return Image(body=canonical_json(body), media_type=OCI_MANIFEST, blobs=blobs)


def cosign_signature(image: Manifest) -> Image:
    """What ``cosign sign`` pushes under ``sha256-<hex>.sig``: a simple-signing payload layer
    with the signature in an annotation, over a plain image config."""
    payload = Blob(
        canonical_json(
            {
                "critical": {
                    "identity": {"docker-reference": "127.0.0.1/signed/app"},
                    "image": {"docker-manifest-digest": image.digest},
                    "type": "cosign container image signature",
                },
                "optional": None,
            }
        ),
        SIMPLESIGNING,
    )
    config = Blob(canonical_json({"architecture": "", "os": "", "config": {}}), OCI_CONFIG)
    body = {
        "schemaVersion": 2,
        "mediaType": OCI_MANIFEST,
        "config": config.descriptor(),
        "layers": [payload.descriptor({"dev.cosignproject.cosign/signature": "MEUCIQC0test"})],
    }
    return _manifest(body, (config, payload))


def sbom_referrer(
    image: Manifest,
    *,
    artifact_type: str = SPDX_JSON,
    annotations: Mapping[str, str] = SBOM_ANNOTATIONS,
    document: str = "SPDXRef-DOCUMENT",
) -> Image:
    """An OCI 1.1 artifact as ``oras attach --artifact-type application/spdx+json`` pushes it:
    empty config, one SPDX layer, ``subject`` naming the image."""
    config = Blob(b"{}", EMPTY)
    layer = Blob(canonical_json({"spdxVersion": "SPDX-2.3", "SPDXID": document}), SPDX_JSON)
    body = {
        "schemaVersion": 2,
        "mediaType": OCI_MANIFEST,
        "artifactType": artifact_type,
        "config": config.descriptor(),
        "layers": [layer.descriptor()],
        "subject": image.descriptor(),
        "annotations": dict(annotations),
    }
    return _manifest(body, (config, layer))


def referrer_descriptor(referrer: Image) -> dict[str, Any]:
    """The referrers list's entry for ``referrer``: artifactType and annotations copied up."""
    body = referrer.json
    out = referrer.descriptor()
    out["artifactType"] = body.get("artifactType") or body["config"]["mediaType"]
    if body.get("annotations"):
        out["annotations"] = body["annotations"]
    return out


def referrers_index(*referrers: Image) -> Manifest:
    """The image index the fallback tag (or the referrers API) holds for ``referrers``."""
    body = {
        "schemaVersion": 2,
        "mediaType": OCI_INDEX,
        "manifests": [referrer_descriptor(r) for r in referrers],
    }
    return Manifest(body=canonical_json(body), media_type=OCI_INDEX, children=referrers)


def buildkit_attestation(image: Manifest, predicate_type: str) -> IndexEntry:
    """A BuildKit attestation manifest for ``image``: an in-toto layer naming its predicate."""
    statement = canonical_json(
        {
            "_type": "https://in-toto.io/Statement/v0.1",
            "predicateType": predicate_type,
            "subject": [{"name": "image", "digest": {"sha256": image.digest.split(":", 1)[1]}}],
            "predicate": {},
        }
    )
    layer = Blob(statement, IN_TOTO)
    config = Blob(
        canonical_json({"architecture": "unknown", "os": "unknown", "config": {}}), OCI_CONFIG
    )
    body = {
        "schemaVersion": 2,
        "mediaType": OCI_MANIFEST,
        "config": config.descriptor(),
        "layers": [layer.descriptor({"in-toto.io/predicate-type": predicate_type})],
    }
    return IndexEntry(
        _manifest(body, (config, layer)),
        platform("unknown", "unknown"),
        {
            "vnd.docker.reference.digest": image.digest,
            "vnd.docker.reference.type": "attestation-manifest",
        },
    )


def buildkit_index(image: Manifest) -> Manifest:
    """``docker buildx build --sbom=true --provenance=true``: the image, an SPDX attestation
    and a provenance attestation for it."""
    return build_index(
        [
            IndexEntry(image, platform("linux", "amd64")),
            buildkit_attestation(image, SPDX_PREDICATE),
            buildkit_attestation(image, SLSA_PREDICATE),
        ]
    )


@dataclass(frozen=True)
class SignedSet:
    """Everything pushed for one signed repository."""

    image: Image
    signature: Image
    sbom: Image
    fallback: Manifest
    platform_image: Image
    index: Manifest

    @property
    def attestations(self) -> tuple[Manifest, ...]:
        return self.index.children[1:]


def signed_set() -> SignedSet:
    image = subject_image()
    sbom = sbom_referrer(image)
    platform_image = subject_image("buildkit")
    return SignedSet(
        image=image,
        signature=cosign_signature(image),
        sbom=sbom,
        fallback=referrers_index(sbom),
        platform_image=platform_image,
        index=buildkit_index(platform_image),
    )


def push_signed(client: PushClient, repository: str, content: SignedSet) -> None:
    """Push ``content`` as cosign and oras do on a registry without the referrers API: the
    image as ``latest``, its signature under ``sha256-<hex>.sig``, the SBOM by digest with
    the fallback index ``sha256-<hex>`` listing it, and the BuildKit index as ``multi``."""
    client.push(repository, content.image, ["latest"])
    client.push(repository, content.signature, [fallback_tag(content.image.digest) + ".sig"])
    client.push(repository, content.fallback, [fallback_tag(content.image.digest)])
    client.push(repository, content.index, ["multi"])
