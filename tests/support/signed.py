"""A signed image as cosign and oras push it, for the delete tests: the image under its tags,
its cosign signature under ``sha256-<hex>.sig`` and an OCI 1.1 SBOM referrer listed by the
fallback tag ``sha256-<hex>`` (distribution 2.8 has no referrers API)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from tests.support.push import Image, Manifest, PushClient
from tests.support.referrer_content import (
    cosign_signature,
    fallback_tag,
    referrers_index,
    sbom_referrer,
    subject_image,
)


@dataclass(frozen=True)
class SignedImage:
    image: Image
    signature: Image
    sbom: Image
    fallback: Manifest

    @property
    def sig_tag(self) -> str:
        return fallback_tag(self.image.digest) + ".sig"

    @property
    def fallback_tag(self) -> str:
        return fallback_tag(self.image.digest)

    @property
    def carrier_tags(self) -> tuple[str, str]:
        return (self.fallback_tag, self.sig_tag)


def push_signed(
    client: PushClient,
    repository: str,
    name: str,
    tags: Iterable[str],
    *,
    artifact_type: str | None = None,
    annotations: dict[str, str] | None = None,
) -> SignedImage:
    """Push an image (its content named by ``name``), its signature and its SBOM."""
    image = subject_image(name)
    extra: dict[str, object] = {}
    if artifact_type is not None:
        extra["artifact_type"] = artifact_type
    if annotations is not None:
        extra["annotations"] = annotations
    sbom = sbom_referrer(image, **extra)  # type: ignore[arg-type]
    signed = SignedImage(image, cosign_signature(image), sbom, referrers_index(sbom))
    client.push(repository, image, list(tags))
    client.push(repository, signed.signature, [signed.sig_tag])
    client.push(repository, signed.fallback, [signed.fallback_tag])
    return signed
