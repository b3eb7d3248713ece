"""Parsed manifests (``oci.manifests``) as the domain model, for registries and layouts alike.

The OCI provider reads manifests and configs over HTTP, the layout provider from files; once
read, both map them to ``Platform``, ``Layer``, ``Image``, ``TagDetail`` and ``Tag`` here.
Everything is pure (no I/O).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from tagtui.model import (
    Extras,
    Footprint,
    Image,
    ImageConfig,
    Layer,
    Platform,
    Tag,
    TagDetail,
    preferred_platform,
)
from tagtui.providers.oci.manifests import Descriptor, Manifest, is_valid_digest

_ATTESTATION_TYPE = "attestation-manifest"


def platform_of(descriptor: Descriptor) -> Platform:
    """One index entry as a Platform; BuildKit attestations are flagged, not counted."""
    platform = descriptor.platform or {}

    def text(key: str) -> str | None:
        value = platform.get(key)
        return value if isinstance(value, str) and value else None

    os_name = text("os") or "unknown"
    architecture = text("architecture") or "unknown"
    reference_type = descriptor.annotation("vnd.docker.reference.type")
    # A referrers index (the fallback tag sha256-<hex>) lists artifacts with an artifactType
    # and no platform (so unknown/unknown, not runnable): the artifact type says what they are.
    artifact_type = descriptor.artifact_type if descriptor.platform is None else None
    is_attestation = reference_type == _ATTESTATION_TYPE or (
        os_name == "unknown" and architecture == "unknown"
    )
    attests = descriptor.annotation("vnd.docker.reference.digest") if is_attestation else None
    return Platform(
        os=os_name,
        architecture=architecture,
        digest=descriptor.digest,
        variant=text("variant"),
        size=descriptor.size,
        media_type=descriptor.media_type,
        is_attestation=is_attestation,
        attests=attests if is_valid_digest(attests) else None,
        artifact_type=artifact_type,
    )


def platforms_of(index: Manifest) -> list[Platform]:
    return [platform_of(descriptor) for descriptor in index.manifests]


def pair_layers(layers: tuple[Descriptor, ...], config: ImageConfig) -> tuple[Layer, ...]:
    """Layers with ``created_by`` from the history entries that made a layer, in order."""
    steps = [entry for entry in config.history if not entry.empty_layer]
    return tuple(
        Layer(
            digest=layer.digest,
            media_type=layer.media_type,
            size=layer.size,
            created_by=steps[index].created_by if index < len(steps) else None,
        )
        for index, layer in enumerate(layers)
    )


def layers_size(manifest: Manifest) -> int | None:
    """An image's compressed size (its layers); None for an index or when a size is unknown."""
    sizes = [layer.size for layer in manifest.layers]
    if manifest.is_index or not sizes or any(size is None for size in sizes):
        return None
    return sum(size or 0 for size in sizes)


def pull_size(manifest: Manifest, *, listed_size: int | None = None) -> int | None:
    """What pulling one image downloads, compressed: its manifest (its own length, else the
    size the index lists for it), config and layers; None when a size is unknown."""
    layers = layers_size(manifest)
    config = manifest.config.size if manifest.config is not None else 0
    own = manifest.size if manifest.size is not None else listed_size
    if layers is None or own is None or config is None:
        return None
    return own + config + layers


def sized_platform(platform: Platform, child: Manifest | None) -> Platform:
    """``platform`` with what pulling it downloads (``pull_size``: a platform row's size, as
    issue 10 asks); None when its manifest could not be read. Tag rows count layers only."""
    if child is None:
        return replace(platform, size=None)
    return replace(platform, size=pull_size(child, listed_size=platform.size))


def tag_or_digest(reference: str) -> tuple[str | None, str | None]:
    """``(tag, None)`` or ``(None, digest)``, as ``Provider.pull_reference`` takes them."""
    return (None, reference) if is_valid_digest(reference) else (reference, None)


def annotation_extras(manifest: Manifest) -> Extras:
    return tuple((f"Annotation {key}", value) for key, value in manifest.annotations)


def manifest_image(manifest: Manifest, config: ImageConfig) -> Image:
    """An image manifest with its config (an empty one for an artifact) as an Image."""
    descriptor = manifest.config
    config_digest = (("Config digest", descriptor.digest),) if descriptor is not None else ()
    return Image(
        digest=manifest.digest,
        media_type=manifest.media_type,
        config=config,
        layers=pair_layers(manifest.layers, config),
        config_size=descriptor.size if descriptor is not None else None,
        extras=config_digest + annotation_extras(manifest),
        artifact_type=manifest.artifact_kind,
    )


def manifest_detail(
    reference: str,
    repository: str,
    tag: str,
    manifest: Manifest,
    *,
    platforms: tuple[Platform, ...] = (),
    image: Image | None = None,
) -> TagDetail:
    """An index with its platforms (and annotations), or an image manifest with its image."""
    return TagDetail(
        reference=reference,
        repository=repository,
        tag=tag,
        digest=manifest.digest,
        media_type=manifest.media_type,
        platforms=platforms,
        image=image,
        extras=annotation_extras(manifest) if manifest.is_index else (),
    )


def preferred_child(manifest: Manifest) -> Platform | None:
    """The platform a row of an index describes (see ``preferred_platform``); None otherwise."""
    return preferred_platform(platforms_of(manifest)) if manifest.is_index else None


def described_tag(
    tag: Tag, manifest: Manifest, image: Manifest | None, config: ImageConfig | None
) -> Tag:
    """``tag`` with the digest of ``manifest`` and the date and size of the image it stands for
    (``image``: the manifest itself, or an index's preferred child; None when there is none)."""
    created, size = tag.created, tag.size
    if image is not None and not image.is_index:
        if config is not None:
            created = config.created or created
        layers = layers_size(image)
        size = layers if layers is not None else size
    runnable = [p for p in platforms_of(manifest) if not p.is_attestation]
    return replace(
        tag,
        digest=manifest.digest,
        created=created,
        size=size,
        media_type=manifest.media_type or tag.media_type,
        platform_count=len(runnable) if manifest.is_index else None,
    )


def footprint_of(manifest: Manifest, children: Sequence[Manifest | None]) -> Footprint:
    """The blobs of an image (config and layers) or of an index (its platforms' configs and
    layers); a platform that could not be read adds nothing."""
    blobs: dict[str, int] = {}

    def add_image(image: Manifest) -> None:
        for descriptor in (image.config, *image.layers):
            if descriptor is not None and descriptor.size is not None:
                blobs[descriptor.digest] = descriptor.size

    if not manifest.is_index:
        add_image(manifest)
        return Footprint(blobs=tuple(blobs.items()))
    for child in children:
        if child is not None:
            add_image(child)
    return Footprint(
        blobs=tuple(blobs.items()), manifests=tuple(d.digest for d in manifest.manifests)
    )
