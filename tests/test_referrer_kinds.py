"""What a referrer is, from its media types and predicates; which tags only carry referrers;
and referrers' untrusted text staying literal in ``tagtui inspect``."""

from __future__ import annotations

import json

import pytest

from tagtui.commands.inspect import FoundReferrers, detail_json, detail_text
from tagtui.model import Image, Referrer, ReferrerKind, TagDetail
from tagtui.referrers import carrier_of, decided_kind, is_referrer_carrier, kind_of

HEX = "0123456789abcdef" * 4
SIGNATURE, ATTESTATION, SBOM, OTHER = (
    ReferrerKind.SIGNATURE,
    ReferrerKind.ATTESTATION,
    ReferrerKind.SBOM,
    ReferrerKind.OTHER,
)
IMAGE_CONFIG = "application/vnd.oci.image.config.v1+json"


@pytest.mark.parametrize(
    ("facts", "expected"),
    [
        # cosign: simple-signing layer over an image config; its OCI 1.1 artifact type.
        (
            {
                "config_media_type": IMAGE_CONFIG,
                "layer_media_types": ["application/vnd.dev.cosign.simplesigning.v1+json"],
            },
            SIGNATURE,
        ),
        ({"artifact_type": "application/vnd.dev.cosign.artifact.sig.v1+json"}, SIGNATURE),
        # notation: its artifact type, or its JWS / COSE envelope layers.
        ({"artifact_type": "application/vnd.cncf.notary.signature"}, SIGNATURE),
        ({"layer_media_types": ["application/jose+json"]}, SIGNATURE),
        # SBOM formats in their spellings, parameters and case ignored.
        ({"artifact_type": "application/spdx+json"}, SBOM),
        ({"layer_media_types": ["text/spdx"]}, SBOM),
        ({"artifact_type": "application/vnd.cyclonedx+json; version=1.5"}, SBOM),
        ({"layer_media_types": ["Application/VND.CycloneDX+XML"]}, SBOM),
        ({"artifact_type": "application/vnd.dev.cosign.artifact.sbom.v1+json"}, SBOM),
        # in-toto / DSSE: the predicate decides.
        (
            {
                "layer_media_types": ["application/vnd.in-toto+json"],
                "predicate_types": ["https://spdx.dev/Document"],
            },
            SBOM,
        ),
        (
            {
                "layer_media_types": ["application/vnd.dsse.envelope.v1+json"],
                "predicate_types": ["https://cyclonedx.org/bom/v1.5"],
            },
            SBOM,
        ),
        (
            {
                "layer_media_types": ["application/vnd.in-toto+json"],
                "predicate_types": ["https://slsa.dev/provenance/v0.2"],
            },
            ATTESTATION,
        ),
        (
            {
                "layer_media_types": ["application/vnd.dsse.envelope.v1+json"],
                "predicate_types": ["https://cosign.sigstore.dev/attestation/vuln/v1"],
            },
            ATTESTATION,
        ),
        # A signature in the same manifest as anything else is a signature.
        (
            {
                "layer_media_types": [
                    "application/spdx+json",
                    "application/vnd.dev.cosign.simplesigning.v1+json",
                ]
            },
            SIGNATURE,
        ),
    ],
)
def test_kinds_decided_from_media_types(facts: dict, expected: ReferrerKind) -> None:
    assert decided_kind(**facts) == expected
    assert kind_of(**facts) == expected


@pytest.mark.parametrize(
    ("facts", "expected"),
    [
        # An in-toto statement whose predicate is not known yet: read the manifest, else
        # call it an attestation.
        ({"artifact_type": "application/vnd.in-toto+json"}, ATTESTATION),
        ({"layer_media_types": ["application/vnd.dsse.envelope.v1+json"]}, ATTESTATION),
        ({"artifact_type": "application/vnd.example.thing"}, OTHER),
        ({"config_media_type": IMAGE_CONFIG, "layer_media_types": [None]}, OTHER),
        ({}, OTHER),
    ],
)
def test_undecided_kinds(facts: dict, expected: ReferrerKind) -> None:
    assert decided_kind(**facts) is None
    assert kind_of(**facts) == expected


@pytest.mark.parametrize(
    ("tag", "suffix"),
    [
        (f"sha256-{HEX}", None),
        (f"sha256-{HEX}.sig", "sig"),
        (f"sha256-{HEX}.att", "att"),
        (f"sha256-{HEX}.sbom", "sbom"),
    ],
)
def test_carrier_tags(tag: str, suffix: str | None) -> None:
    carrier = carrier_of(tag)
    assert carrier is not None and is_referrer_carrier(tag)
    assert (carrier.subject, carrier.suffix) == (f"sha256:{HEX}", suffix)


@pytest.mark.parametrize(
    "tag",
    [
        "latest",
        f"sha256-{HEX[:-1]}",
        f"sha256-{HEX}0",
        f"sha256-{HEX}.sig2",
        f"sha256-{HEX}.",
        f"sha256-{HEX.upper()}",
        f"sha512-{HEX}",
        f"v1-sha256-{HEX}",
        f"sha256-{HEX}.sig.att",
    ],
)
def test_ordinary_tags_are_no_carriers(tag: str) -> None:
    assert carrier_of(tag) is None and not is_referrer_carrier(tag)


def test_hostile_referrer_text_stays_literal() -> None:
    hostile = Referrer(
        digest=f"sha256:{HEX}",
        media_type="application/vnd.oci.image.manifest.v1+json",
        artifact_type="application/[bold]x[/]\x1b[31mred\x07",
        kind=ReferrerKind.OTHER,
        size=12,
        annotations=(("[link=https://evil.invalid]k[/link]", "\x1b]8;;https://evil\x07v"),),
    )
    image = Image(f"sha256:{'a' * 64}", None)
    detail = TagDetail("r/app:1", "app", "1", image.digest, None, image=image)
    text = detail_text(detail, image, found=FoundReferrers(own=(hostile,)))
    assert "\x1b" not in text and "\x07" not in text
    row = text.split("\nReferrers\n", 1)[1].splitlines()[0]
    assert row.split() == ["other", "application/[bold]x[/]\\x1b[31mred\\x07", HEX[:12], "12", "B"]
    # JSON keeps the data exactly (escaped by the JSON encoder, not altered).
    document = json.loads(json.dumps(detail_json(detail, image, found=FoundReferrers((hostile,)))))
    assert document["referrers"] == [
        {
            "digest": f"sha256:{HEX}",
            "mediaType": "application/vnd.oci.image.manifest.v1+json",
            "artifactType": "application/[bold]x[/]\x1b[31mred\x07",
            "kind": "other",
            "size": 12,
            "annotations": {"[link=https://evil.invalid]k[/link]": "\x1b]8;;https://evil\x07v"},
        }
    ]
