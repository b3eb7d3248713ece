"""Descriptors and manifests as Referrers: what a descriptor decides alone, what needs the
manifest, cosign's tag suffixes, and the artifact type shown for an untyped manifest."""

from __future__ import annotations

import json

from tagtui.model import ReferrerKind
from tagtui.providers.oci.manifests import Descriptor, Manifest, digest_of, parse_manifest
from tagtui.providers.referrer_model import (
    manifest_artifact_type,
    needs_manifest,
    referrer_of,
    tagged_referrer,
)

SUBJECT = "sha256:" + "a" * 64
OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"


def manifest(layers: list[dict], *, config: str, artifact_type: str | None = None) -> Manifest:
    document = {
        "schemaVersion": 2,
        "mediaType": OCI_MANIFEST,
        "config": {"mediaType": config, "digest": "sha256:" + "c" * 64, "size": 2},
        "layers": [
            {"digest": "sha256:" + str(n) * 64, "size": 10, **layer}
            for n, layer in enumerate(layers, 1)
        ],
        "subject": {"mediaType": OCI_MANIFEST, "digest": SUBJECT, "size": 5},
    }
    if artifact_type:
        document["artifactType"] = artifact_type
    body = json.dumps(document).encode()
    return parse_manifest(body, content_type=None, digest=digest_of(body), where="test")


def test_a_parsed_manifest_knows_its_size_and_subject() -> None:
    parsed = manifest([], config="application/vnd.oci.empty.v1+json")
    assert parsed.subject == SUBJECT and parsed.size is not None and parsed.size > 100


def test_a_typed_descriptor_needs_no_manifest() -> None:
    spdx = Descriptor(OCI_MANIFEST, "sha256:" + "b" * 64, 9, artifact_type="text/spdx")
    assert not needs_manifest(spdx)
    referrer = referrer_of(spdx, subject=SUBJECT)
    assert (referrer.kind, referrer.artifact_type, referrer.size) == (
        ReferrerKind.SBOM,
        "text/spdx",
        9,
    )


def test_an_in_toto_descriptor_is_decided_by_its_manifest() -> None:
    statement = Descriptor(
        OCI_MANIFEST, "sha256:" + "b" * 64, 9, artifact_type="application/vnd.in-toto+json"
    )
    assert needs_manifest(statement)
    read = manifest(
        [
            {
                "mediaType": "application/vnd.in-toto+json",
                "annotations": {"in-toto.io/predicate-type": "https://spdx.dev/Document"},
            }
        ],
        config="application/vnd.oci.empty.v1+json",
    )
    assert referrer_of(statement, read, subject=SUBJECT).kind == ReferrerKind.SBOM
    assert referrer_of(statement, None, subject=SUBJECT).kind == ReferrerKind.ATTESTATION


def test_cosign_tags_say_what_media_types_do_not() -> None:
    signature = manifest(
        [{"mediaType": "application/vnd.dev.cosign.simplesigning.v1+json"}],
        config="application/vnd.oci.image.config.v1+json",
    )
    # The image config says nothing: the simple-signing layer names the artifact.
    assert manifest_artifact_type(signature) == "application/vnd.dev.cosign.simplesigning.v1+json"
    as_sig = tagged_referrer(signature, tag="t.sig", subject=SUBJECT, suffix_kind=None)
    assert as_sig.kind == ReferrerKind.SIGNATURE and as_sig.size == signature.size
    envelope = manifest(
        [{"mediaType": "application/vnd.dsse.envelope.v1+json"}],
        config="application/vnd.oci.image.config.v1+json",
    )
    att = tagged_referrer(
        envelope, tag="t.att", subject=SUBJECT, suffix_kind=ReferrerKind.ATTESTATION
    )
    assert att.kind == ReferrerKind.ATTESTATION
    unknown = manifest([{"mediaType": "application/octet-stream"}], config="x/y")
    sbom = tagged_referrer(unknown, tag="t.sbom", subject=SUBJECT, suffix_kind=ReferrerKind.SBOM)
    assert (sbom.kind, sbom.artifact_type) == (ReferrerKind.SBOM, "x/y")
