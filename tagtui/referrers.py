"""What a referrer is (signature, attestation, SBOM), and which tags only carry referrers.

Pure functions on media-type strings and tag names: providers call them with what a descriptor
or manifest says, the UI and the CLI with tag names. No wire format, no I/O.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from tagtui.model import ReferrerKind

COSIGN_SIMPLESIGNING = "application/vnd.dev.cosign.simplesigning.v1+json"
IN_TOTO = "application/vnd.in-toto+json"
DSSE_ENVELOPE = "application/vnd.dsse.envelope.v1+json"
# Annotations naming an in-toto predicate: BuildKit's and the in-toto spec's, then cosign's.
PREDICATE_KEYS = ("in-toto.io/predicate-type", "predicateType")

_SIGNATURE_TYPES = frozenset(
    {
        COSIGN_SIMPLESIGNING,
        # cosign's OCI 1.1 artifact types (``--registry-referrers-mode=oci-1-1``).
        "application/vnd.dev.cosign.artifact.sig.v1+json",
        # notation (Notary Project): the artifact type, and its JWS / COSE envelope layers.
        "application/vnd.cncf.notary.signature",
        "application/jose+json",
        "application/cose",
    }
)
_SBOM_TYPES = frozenset(
    {
        "application/vnd.dev.cosign.artifact.sbom.v1+json",
        "application/vnd.syft+json",
    }
)
# SPDX and CycloneDX in all their spellings (``application/spdx+json``, ``text/spdx``,
# ``application/vnd.cyclonedx+xml``, ``application/vnd.cyclonedx+json; version=1.5``...).
_SBOM_WORDS = ("spdx", "cyclonedx")
_ATTESTATION_TYPES = frozenset(
    {
        IN_TOTO,
        DSSE_ENVELOPE,
        "application/vnd.dev.cosign.artifact.att.v1+json",
    }
)
_SBOM_PREDICATES = ("https://spdx.dev/document", "https://cyclonedx.org/")
# cosign's short predicate names, as some tools write them into the annotation.
_SBOM_PREDICATE_NAMES = frozenset({"spdx", "spdxjson", "cyclonedx"})


def _essence(media_type: str | None) -> str:
    """The media type without parameters, lower case (``; version=1.5`` says nothing here)."""
    return (media_type or "").split(";", 1)[0].strip().lower()


def is_sbom_predicate(predicate_type: str) -> bool:
    text = predicate_type.strip().lower()
    return text in _SBOM_PREDICATE_NAMES or text.startswith(_SBOM_PREDICATES)


def _is_sbom_type(essence: str) -> bool:
    return essence in _SBOM_TYPES or any(word in essence for word in _SBOM_WORDS)


def decided_kind(
    *,
    artifact_type: str | None = None,
    config_media_type: str | None = None,
    layer_media_types: Iterable[str | None] = (),
    predicate_types: Iterable[str] = (),
) -> ReferrerKind | None:
    """The kind these media types establish, or None when they do not say enough.

    A signature wins over anything else in the same manifest, then an SBOM, then an
    attestation: an in-toto statement is an SBOM when its predicate is SPDX or CycloneDX. An
    in-toto type without a known predicate, or only unknown types, is undecided (None): the
    caller may read the manifest (its layers and their annotations) and ask again.
    """
    essences = [_essence(t) for t in (artifact_type, config_media_type, *layer_media_types)]
    essences = [e for e in essences if e]
    predicates = list(predicate_types)
    if any(e in _SIGNATURE_TYPES for e in essences):
        return ReferrerKind.SIGNATURE
    if any(_is_sbom_type(e) for e in essences) or any(map(is_sbom_predicate, predicates)):
        return ReferrerKind.SBOM
    if predicates:
        return ReferrerKind.ATTESTATION
    # An in-toto statement without its predicate type, or only unknown types: not yet known.
    return None


def kind_of(
    *,
    artifact_type: str | None = None,
    config_media_type: str | None = None,
    layer_media_types: Iterable[str | None] = (),
    predicate_types: Iterable[str] = (),
) -> ReferrerKind:
    """The kind, with everything known: an in-toto statement of unknown predicate is an
    attestation; unknown types are "other"."""
    layer_media_types = tuple(layer_media_types)
    decided = decided_kind(
        artifact_type=artifact_type,
        config_media_type=config_media_type,
        layer_media_types=layer_media_types,
        predicate_types=predicate_types,
    )
    if decided is not None:
        return decided
    essences = {_essence(t) for t in (artifact_type, config_media_type, *layer_media_types)}
    if essences & _ATTESTATION_TYPES:
        return ReferrerKind.ATTESTATION
    return ReferrerKind.OTHER


def predicate_types(annotations: Iterable[tuple[str, str]]) -> tuple[str, ...]:
    """The in-toto predicate types named in ``annotations`` (a layer's or a manifest's)."""
    return tuple(value for key, value in annotations if key in PREDICATE_KEYS and value)


# --- tags that carry referrers --------------------------------------------------------------

_CARRIER = re.compile(r"^sha256-(?P<hex>[a-f0-9]{64})(?:\.(?P<suffix>sig|att|sbom))?$")
LEGACY_SUFFIXES = ("sig", "att", "sbom")
_SUFFIX_KIND = {
    "sig": ReferrerKind.SIGNATURE,
    "att": ReferrerKind.ATTESTATION,
    "sbom": ReferrerKind.SBOM,
}


@dataclass(frozen=True)
class Carrier:
    """A tag that only carries referrers: the digest it names, and cosign's suffix if any
    (None for the OCI fallback tag ``sha256-<hex>``, which holds an index of referrers)."""

    subject: str
    suffix: str | None = None

    @property
    def kind(self) -> ReferrerKind | None:
        """What cosign's suffix says the tag holds; None for the fallback tag."""
        return _SUFFIX_KIND[self.suffix] if self.suffix else None


def carrier_of(tag_name: str) -> Carrier | None:
    """The referrer carrier ``tag_name`` is (``sha256-<64 hex>``, maybe ``.sig`` / ``.att`` /
    ``.sbom``), or None for an ordinary tag."""
    match = _CARRIER.match(tag_name)
    if match is None:
        return None
    return Carrier(f"sha256:{match.group('hex')}", match.group("suffix"))


def is_referrer_carrier(tag_name: str) -> bool:
    """Whether the tag only carries signatures, SBOMs or attestations of another manifest."""
    return carrier_of(tag_name) is not None


def fallback_tag(digest: str) -> str:
    """The OCI referrers tag schema: ``sha256:abc…`` -> ``sha256-abc…``."""
    algorithm, _, hexpart = digest.partition(":")
    return f"{algorithm}-{hexpart}"


def legacy_tags(digest: str) -> tuple[str, ...]:
    """cosign's tags for ``digest``: ``sha256-<hex>.sig``, ``.att``, ``.sbom``."""
    base = fallback_tag(digest)
    return tuple(f"{base}.{suffix}" for suffix in LEGACY_SUFFIXES)
