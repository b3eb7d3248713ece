"""Parsed descriptors and manifests (``oci.manifests``) as ``Referrer``s. Pure (no I/O).

A referrers list (the API's answer or the fallback tag's index) names each referrer with a
descriptor; when the descriptor does not say what it is, the referrer's own manifest does
(``referrer_of(descriptor, manifest)``).
"""

from __future__ import annotations

from tagtui.model import Referrer, ReferrerKind, is_index_media_type
from tagtui.providers.oci.manifests import IMAGE_CONFIG_TYPES, Descriptor, Manifest
from tagtui.referrers import decided_kind, kind_of, predicate_types

EMPTY_CONFIG = "application/vnd.oci.empty.v1+json"
# Configs that say nothing about the artifact (cosign's signature and attestation manifests,
# BuildKit's attestation manifests use an image config; OCI 1.1 artifacts the empty one).
_GENERIC_CONFIGS = IMAGE_CONFIG_TYPES | {EMPTY_CONFIG}


def descriptor_kind(descriptor: Descriptor) -> ReferrerKind | None:
    """What a referrers list's descriptor says its manifest is; None when it cannot tell."""
    return decided_kind(
        artifact_type=descriptor.artifact_type,
        predicate_types=predicate_types(descriptor.annotations),
    )


def needs_manifest(descriptor: Descriptor) -> bool:
    """Whether the referrer's manifest must be read to classify it (an index is not read:
    it has no layers to say more)."""
    if descriptor.media_type and is_index_media_type(descriptor.media_type):
        return False
    return descriptor_kind(descriptor) is None


def manifest_artifact_type(manifest: Manifest) -> str | None:
    """The artifact type a manifest declares: its ``artifactType``, else a config media type
    that says something, else its first layer's media type (cosign's simple-signing layer)."""
    if manifest.artifact_type:
        return manifest.artifact_type
    config = manifest.config.media_type if manifest.config is not None else None
    if config and config not in _GENERIC_CONFIGS:
        return config
    first = next((layer.media_type for layer in manifest.layers if layer.media_type), None)
    return first or config


def manifest_kind(manifest: Manifest, artifact_type: str | None = None) -> ReferrerKind | None:
    """What a referrer manifest's artifact type, config and layers establish (None: nothing)."""
    predicates = predicate_types(manifest.annotations) + tuple(
        value for layer in manifest.layers for value in predicate_types(layer.annotations)
    )
    return decided_kind(
        artifact_type=artifact_type or manifest.artifact_type,
        config_media_type=manifest.config.media_type if manifest.config else None,
        layer_media_types=[layer.media_type for layer in manifest.layers],
        predicate_types=predicates,
    )


def _final_kind(manifest: Manifest | None, artifact_type: str | None) -> ReferrerKind:
    if manifest is None:
        return kind_of(artifact_type=artifact_type)
    return kind_of(
        artifact_type=artifact_type or manifest.artifact_type,
        config_media_type=manifest.config.media_type if manifest.config else None,
        layer_media_types=[layer.media_type for layer in manifest.layers],
    )


def referrer_of(
    descriptor: Descriptor, manifest: Manifest | None = None, *, subject: str | None = None
) -> Referrer:
    """A referrers list's entry; ``manifest`` (when read) decides what the descriptor cannot."""
    artifact_type = descriptor.artifact_type or (
        manifest_artifact_type(manifest) if manifest is not None else None
    )
    kind = descriptor_kind(descriptor)
    if kind is None and manifest is not None:
        kind = manifest_kind(manifest, artifact_type)
    return Referrer(
        digest=descriptor.digest,
        media_type=descriptor.media_type or (manifest.media_type if manifest else None),
        artifact_type=artifact_type,
        kind=kind or _final_kind(manifest, artifact_type),
        size=descriptor.size
        if descriptor.size is not None
        else (manifest.size if manifest is not None else None),
        annotations=descriptor.annotations or (manifest.annotations if manifest else ()),
        subject=subject or (manifest.subject if manifest else None),
    )


def tagged_referrer(
    manifest: Manifest, *, tag: str, subject: str, suffix_kind: ReferrerKind | None
) -> Referrer:
    """A manifest under one of cosign's ``sha256-<hex>.sig`` / ``.att`` / ``.sbom`` tags: its
    media types decide, else what the suffix says it holds."""
    artifact_type = manifest_artifact_type(manifest)
    kind = manifest_kind(manifest, artifact_type) or suffix_kind
    return Referrer(
        digest=manifest.digest,
        media_type=manifest.media_type,
        artifact_type=artifact_type,
        kind=kind or _final_kind(manifest, artifact_type),
        size=manifest.size,
        annotations=manifest.annotations,
        subject=subject,
        tag=tag,
    )


def attestation_referrer(
    descriptor: Descriptor, manifest: Manifest | None, *, subject: str
) -> Referrer:
    """A BuildKit attestation manifest of an index, as a referrer of the image it attests:
    an SBOM when its in-toto layers carry an SPDX or CycloneDX predicate, else an
    attestation (also when its manifest could not be read)."""
    artifact_type = manifest_artifact_type(manifest) if manifest is not None else None
    kind = manifest_kind(manifest, artifact_type) if manifest is not None else None
    return Referrer(
        digest=descriptor.digest,
        media_type=descriptor.media_type,
        artifact_type=artifact_type,
        kind=kind or ReferrerKind.ATTESTATION,
        size=descriptor.size,
        annotations=descriptor.annotations,
        subject=subject,
    )
