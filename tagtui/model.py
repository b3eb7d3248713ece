"""The domain model: plain frozen dataclasses shared by providers, the CLI and the UI.

Nothing here knows a wire format or a widget. Providers build these from JSON; the UI and the
CLI only ever read them.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime

# Ordered (label, value) facts a provider wants shown that the model has no field for.
Extras = tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Repository:
    """An image repository ("image" in some vendor APIs), named as the provider addresses it."""

    name: str
    tag_count: int | None = None
    extras: Extras = ()
    # Compressed bytes of every blob its tags reach, each counted once; known once every tag
    # was described (tagtui.cleanup.sizes).
    size: int | None = None


@dataclass(frozen=True)
class TagRevision:
    """An older image a tag pointed at (OpenShift's status history); shown as a tag's child."""

    digest: str
    created: datetime | None = None
    reference: str | None = None


@dataclass(frozen=True)
class Tag:
    """One tag in a list. Optional facts are filled in when the provider knows them cheaply."""

    name: str
    digest: str | None = None
    created: datetime | None = None
    size: int | None = None
    status: str | None = None
    media_type: str | None = None
    revisions: tuple[TagRevision, ...] = ()
    # For an index: its runnable platforms (attestations not counted); None when unknown.
    platform_count: int | None = None

    @property
    def is_index(self) -> bool | None:
        """Whether the tag names a multi-platform index; None while its media type is unknown."""
        return is_index_media_type(self.media_type) if self.media_type else None


def is_index_media_type(media_type: str) -> bool:
    """OCI image indexes and Docker manifest lists (and vendors' spellings of them)."""
    return "index" in media_type or "manifest.list" in media_type


@dataclass(frozen=True)
class Port:
    number: int
    protocol: str = "tcp"

    def __str__(self) -> str:
        return f"{self.number}/{self.protocol}"


@dataclass(frozen=True)
class HistoryEntry:
    created: datetime | None = None
    created_by: str | None = None
    comment: str | None = None
    author: str | None = None
    empty_layer: bool = False


@dataclass(frozen=True)
class ImageConfig:
    """What an image's config says about how it runs. Env and labels keep their order."""

    author: str | None = None
    created: datetime | None = None
    entrypoint: tuple[str, ...] | None = None
    cmd: tuple[str, ...] | None = None
    # Env values may contain "=" or be empty: split on the first "=" only.
    env: tuple[tuple[str, str], ...] = ()
    labels: tuple[tuple[str, str], ...] = ()
    ports: tuple[Port, ...] = ()
    volumes: tuple[str, ...] = ()
    user: str | None = None
    working_dir: str | None = None
    os: str | None = None
    architecture: str | None = None
    variant: str | None = None
    history: tuple[HistoryEntry, ...] = ()


@dataclass(frozen=True)
class Layer:
    digest: str
    media_type: str | None = None
    size: int | None = None
    created_by: str | None = None


@dataclass(frozen=True)
class Platform:
    """One entry of an image index. Attestations and signatures are flagged, not counted."""

    os: str
    architecture: str
    digest: str
    variant: str | None = None
    size: int | None = None
    media_type: str | None = None
    is_attestation: bool = False
    # For an attestation: the digest of the image it describes.
    attests: str | None = None
    # Set when the entry is an artifact, not a runnable image (a referrers index's SBOM or
    # signature): its artifact type, which says what it is.
    artifact_type: str | None = None

    @property
    def name(self) -> str:
        parts = [self.os, self.architecture] + ([self.variant] if self.variant else [])
        return "/".join(parts)


@dataclass(frozen=True)
class Image:
    """A single (non-index) image: its manifest facts, config and layers."""

    digest: str | None
    media_type: str | None
    config: ImageConfig = field(default_factory=ImageConfig)
    layers: tuple[Layer, ...] = ()
    config_size: int | None = None
    extras: Extras = ()
    # Set when the manifest is an artifact (Helm chart, signature, SBOM...), not a container
    # image: its config is no image config, so the config facts do not apply.
    artifact_type: str | None = None
    # The size a vendor API reports when it lists no layers (NCR), in bytes. When the figure
    # covers more than this image, ``reported_size_of`` says what ("every tag of team/api",
    # Scaleway's image size) and it never passes for this image's own size.
    reported_size: int | None = None
    reported_size_of: str | None = None

    @property
    def platform(self) -> str | None:
        if not (self.config.os or self.config.architecture):
            return None
        # Some APIs know only the architecture (OpenShift's image metadata): show what is known.
        parts = (self.config.os, self.config.architecture, self.config.variant)
        return "/".join(part for part in parts if part)

    @property
    def compressed_size(self) -> int | None:
        """Total of the layer sizes (what a pull downloads), None when any size is unknown;
        without layers, the size the vendor reports for this image alone."""
        if not self.layers:
            return self.reported_size if self.reported_size_of is None else None
        if any(layer.size is None for layer in self.layers):
            return None
        return sum(layer.size or 0 for layer in self.layers)


@dataclass(frozen=True)
class TagDetail:
    """Everything the detail panel shows for a tag: an index with platforms, or one image."""

    reference: str
    repository: str
    tag: str
    digest: str | None
    media_type: str | None
    platforms: tuple[Platform, ...] = ()
    image: Image | None = None
    extras: Extras = ()

    @property
    def is_index(self) -> bool:
        return self.image is None and bool(self.platforms)

    @property
    def runnable_platforms(self) -> tuple[Platform, ...]:
        return tuple(p for p in self.platforms if not p.is_attestation)

    @property
    def attestations(self) -> tuple[Platform, ...]:
        return tuple(p for p in self.platforms if p.is_attestation)

    @property
    def created(self) -> datetime | None:
        return self.image.config.created if self.image else None

    @property
    def size(self) -> int | None:
        if self.image is not None:
            return self.image.compressed_size
        sizes = [p.size for p in self.runnable_platforms]
        if not sizes or any(s is None for s in sizes):
            return None
        return sum(s or 0 for s in sizes)


class ReferrerKind(enum.StrEnum):
    """What a referrer is, for badges and filters; decided by ``tagtui.referrers.kind_of``."""

    SIGNATURE = "signature"
    ATTESTATION = "attestation"
    SBOM = "sbom"
    OTHER = "other"


@dataclass(frozen=True)
class Referrer:
    """A manifest that refers to an image: a signature, SBOM or attestation about it.

    Found through the referrers API, the fallback tag ``sha256-<hex>``, cosign's legacy
    ``sha256-<hex>.sig`` / ``.att`` / ``.sbom`` tags or a BuildKit attestation in an index.
    Annotations keep the registry's order.
    """

    digest: str
    media_type: str | None
    artifact_type: str | None
    kind: ReferrerKind
    size: int | None = None
    annotations: tuple[tuple[str, str], ...] = ()
    # The digest of the manifest it refers to.
    subject: str | None = None
    # The tag it was found under (cosign's ``sha256-<hex>.sig``), when it came from a tag.
    tag: str | None = None


@dataclass(frozen=True)
class CarrierTag:
    """A tag that only carries referrers of an image (cosign's ``sha256-<hex>.sig``, the OCI
    fallback tag ``sha256-<hex>``) and the digest it pointed at when the plan was made."""

    name: str
    digest: str


@dataclass(frozen=True)
class ReferrersOf:
    """What refers to an image a delete removes, as found while planning.

    ``unchecked`` says why the lookup failed (then the lists are empty and say nothing).
    Deleting them is a separate choice: ``carrier_tags`` and the referrer manifests by digest,
    each checked again just before.
    """

    subject: str
    referrers: tuple[Referrer, ...] = ()
    carrier_tags: tuple[CarrierTag, ...] = ()
    unchecked: str | None = None

    @property
    def count(self) -> int:
        return len(self.referrers)

    @property
    def anything(self) -> bool:
        """Something to show or delete: referrers, or a carrier tag with none readable."""
        return bool(self.referrers or self.carrier_tags)


class DeleteMethod(enum.Enum):
    """How a provider removes what the user chose; each says in words what it does."""

    # OCI 1.1 tag deletion: DELETE /v2/<name>/manifests/<tag>.
    REGISTRY_TAG_DELETE = "registry tag delete"
    # regctl's method: push a throw-away manifest onto the tag, then delete that digest.
    THROWAWAY_MANIFEST = "throw-away manifest"
    # DELETE /v2/<name>/manifests/<digest>: the digest and every tag pointing at it.
    DIGEST_DELETE = "digest delete"
    # A vendor API's own tag deletion.
    API_TAG_DELETE = "API tag delete"
    # A vendor API that deletes whole images (repositories) only.
    API_IMAGE_DELETE = "API image delete"
    # Removing a ref from a local OCI layout's index.json.
    LAYOUT_REF_DELETE = "layout ref delete"


@dataclass(frozen=True)
class DeletePlan:
    """What a delete will do, computed before the user confirms and checked again before acting.

    ``removes`` is exactly what disappears; ``keeps`` (derived) the tags sharing the digest that
    stay. A provider must never remove anything outside ``removes``.
    """

    repository: str
    tag: str
    digest: str | None
    method: DeleteMethod
    removes: tuple[str, ...]
    warnings: tuple[str, ...] = ()
    # One sentence for the confirmation modal, e.g. "Only latest is removed; staging and prod stay."
    summary: str = ""
    whole_digest: bool = False
    # Every tag pointing at ``digest`` when the plan was made (all pages), ``tag`` itself
    # included (the UI adds it anyway); not the repository's other tags. The UI makes the tag
    # list's "shares a digest" count exact with it and counts "Delete all N tags" from it.
    # Tutum, which plans with no digest, gives every tag of the image it deletes whole.
    shared_tags: tuple[str, ...] = ()
    # Set when the registry is documented to refuse this plan (Scaleway's tag delete while
    # another tag shares the digest): why, in one sentence. The UI offers no confirmation for
    # it, only the other plans; a provider asked anyway sends it and reports the answer.
    refused: str | None = None
    # What refers to the image when the plan removes it (``removes_image``): its signatures,
    # SBOMs and attestations, which stay unless the user explicitly deletes them too.
    referrers: ReferrersOf | None = None

    @property
    def keeps(self) -> tuple[str, ...]:
        """The tags sharing the digest that stay: ``shared_tags`` less ``removes``."""
        return tuple(name for name in self.shared_tags if name not in self.removes)

    @property
    def removes_image(self) -> bool:
        """The digest loses its last tag (or goes itself): what refers to it is orphaned."""
        return (
            self.whole_digest
            or self.method is DeleteMethod.API_IMAGE_DELETE
            or (self.refused is None and not self.keeps)
        )


@dataclass(frozen=True)
class DeleteResult:
    """What a delete did. ``removed`` is the word on which tags are gone: the UI says that.

    ``messages`` carry only what the provider adds beyond it (the method used, what else
    changed or stayed, a check that could not be made), never a restatement of which tags were
    removed; a removed tag is named only to add something, e.g. that it went unexpectedly.
    """

    removed: tuple[str, ...]
    # Things left behind that the user should know about (e.g. a throw-away manifest).
    leftovers: tuple[str, ...] = ()
    messages: tuple[str, ...] = ()


@dataclass(frozen=True)
class Unplanned:
    """A tag a bulk delete leaves alone, and why (gone, refused by the registry, shares an
    image with a tag that is not being deleted...)."""

    tag: str
    reason: str


@dataclass(frozen=True)
class PlannedDeletes:
    """What deleting many tags of one repository at once will do: one plan per thing removed
    (a tag, or a digest with every tag on it), and the tags that cannot be planned."""

    repository: str
    plans: tuple[DeletePlan, ...]
    unplanned: tuple[Unplanned, ...] = ()


@dataclass(frozen=True)
class Footprint:
    """What one manifest holds on to in a repository: the blobs it references (config and
    layers, with their sizes; for an index those of its platforms and the platform manifests
    themselves) and, for an index, the manifests it references."""

    blobs: tuple[tuple[str, int], ...]
    manifests: tuple[str, ...] = ()


@dataclass(frozen=True)
class RateLimit:
    """A registry's request budget as its last answer stated it (Docker Hub's pull limit).

    ``window_seconds`` is the period the limit covers, ``resets_at`` when it refills; either is
    None when the registry did not say.
    """

    limit: int
    remaining: int
    window_seconds: int | None = None
    resets_at: datetime | None = None

    @property
    def low(self) -> bool:
        """Under a tenth of the budget left: background work should ask before spending it."""
        return self.remaining * 10 < self.limit


@dataclass(frozen=True)
class Capabilities:
    """What a provider can do, so the UI can say so before the user tries."""

    catalog: bool = True
    delete: bool = True
    # Removing one tag while the other tags sharing its digest stay.
    tag_delete: bool = True
    # Removing a digest with all its tags.
    digest_delete: bool = False
    # Server-side tag sort orders the provider accepts (e.g. "name", "newest").
    sorts: tuple[str, ...] = ()
    note: str | None = None
    # Finding signatures, SBOMs and attestations (``Provider.referrers``).
    referrers: bool = False


def preferred_platform(platforms: tuple[Platform, ...] | list[Platform]) -> Platform | None:
    """The platform an index stands for in a one-line summary: linux/amd64, else the first.

    Attestations never count. (docker picks the host's platform; a registry browser has none.)
    """
    runnable = [p for p in platforms if not p.is_attestation]
    preferred = [p for p in runnable if (p.os, p.architecture) == ("linux", "amd64")]
    return (preferred or runnable or [None])[0]
