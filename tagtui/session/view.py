"""The view rule, written once: what the detail of a tag, a platform or a revision is.

- a tag that is one image (or a non-image artifact, a Helm chart or an SBOM): that image;
- a tag that is an index: the index, and the image of one platform — the preferred one
  (linux/amd64, else the first runnable) for the detail panel, the one asked for with
  ``--platform`` for ``tagtui inspect``, or none at all (``inspect`` without ``--platform``);
- a platform of an index, or a revision in a tag's history: that image by digest;
- a referrer (signature, SBOM, attestation) of a tag: its manifest by digest, with what it
  refers to.

The detail of a tag, platform or revision also lists what refers to it (``with_referrers``).

The detail panel and ``tagtui inspect`` both load through ``load_view``.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass, field, replace
from typing import Literal

from tagtui.errors import NotFound, TagtuiError, UsageError
from tagtui.model import Image, Platform, Referrer, TagDetail, TagRevision, preferred_platform
from tagtui.providers.base import Provider
from tagtui.text import human_size, size_with_bytes


@dataclass(frozen=True)
class TagSubject:
    """A tag (or a digest, for ``inspect REPO@sha256:…``) as listed."""

    name: str


@dataclass(frozen=True)
class PlatformSubject:
    """One platform of the index ``tag`` names."""

    tag: str
    platform: Platform


@dataclass(frozen=True)
class RevisionSubject:
    """An image ``tag`` pointed at before (OpenShift's history)."""

    tag: str
    revision: TagRevision


@dataclass(frozen=True)
class ReferrerSubject:
    """A signature, SBOM or attestation referring to the image ``tag`` names."""

    tag: str
    referrer: Referrer
    # The tags on the digest it refers to ("refers to sha256:… (latest, v1)").
    subject_tags: tuple[str, ...] = field(default=(), compare=False)


Subject = TagSubject | PlatformSubject | RevisionSubject | ReferrerSubject


def child_digest(subject: PlatformSubject | RevisionSubject | ReferrerSubject) -> str:
    """The manifest a platform, revision or referrer row stands for."""
    if isinstance(subject, PlatformSubject):
        return subject.platform.digest
    if isinstance(subject, ReferrerSubject):
        return subject.referrer.digest
    return subject.revision.digest


@dataclass(frozen=True)
class WantedPlatform:
    """``--platform os/arch[/variant]``."""

    os: str
    architecture: str
    variant: str | None = None

    @property
    def name(self) -> str:
        return "/".join(filter(None, (self.os, self.architecture, self.variant)))

    def fits(self, image_platform: str) -> bool:
        """Whether a single image's ``os/arch[/variant]`` is this platform's os and arch."""
        return image_platform.startswith(f"{self.os}/{self.architecture}")

    def matches(self, platform: Platform) -> bool:
        same_variant = self.variant is None or platform.variant == self.variant
        return (
            platform.os == self.os and platform.architecture == self.architecture and same_variant
        )


def parse_platform(text: str) -> WantedPlatform:
    """``--platform os/arch[/variant]`` as typed (``inspect``, ``diff``)."""
    parts = text.split("/")
    if len(parts) not in (2, 3) or not all(parts):
        raise UsageError(f"--platform expects os/arch[/variant], not {text!r}")
    return WantedPlatform(parts[0], parts[1], parts[2] if len(parts) == 3 else None)


# Which platform of an index to load: the preferred one, a named one, or none.
PlatformChoice = Literal["preferred", "none"] | WantedPlatform


@dataclass(frozen=True)
class DetailView:
    """What the detail shows: a tag (maybe an index), a platform of it, or a revision."""

    reference: str
    detail: TagDetail | None = None
    image: Image | None = None
    # The platform entry the image belongs to (a platform row, or an index's chosen platform).
    platform: Platform | None = None
    revision: TagRevision | None = None
    # The pane title: "repo:tag", "repo:tag linux/arm64" (the reference may be long).
    label: str = ""
    # A referrer's view: the referrer, and the tags on the digest it refers to.
    referrer: Referrer | None = None
    subject_tags: tuple[str, ...] = ()
    # Why a referrer's manifest could not be read (its listed facts are still shown).
    image_error: str | None = None
    # What refers to the tag or image shown: None when not looked up (the provider cannot),
    # else the referrers, or why the lookup failed.
    referrers: tuple[Referrer, ...] | None = None
    referrers_error: str | None = None
    # The bytes only this tag reaches in its repository (tagtui.cleanup.sizes), once known.
    unique_bytes: int | None = None


def image_size(image: Image) -> str:
    """The Summary's size: ``1.2 MiB (1,234,567 bytes)``, a vendor's figure for more than the
    image with what it covers (``117.7 MiB for every tag of team/api``), or ``-``."""
    size = image.compressed_size
    if size is None and image.reported_size is not None and image.reported_size_of:
        return f"{human_size(image.reported_size)} for {image.reported_size_of}"
    return size_with_bytes(size)


def subject_key(repository: str, subject: Subject) -> tuple[str, ...]:
    """A view's identity, for caching: the same key always loads the same view."""
    if isinstance(subject, TagSubject):
        return (repository, "tag", subject.name)
    if isinstance(subject, ReferrerSubject):
        kind = "referrer"
    else:
        kind = "platform" if isinstance(subject, PlatformSubject) else "revision"
    return (repository, kind, subject.tag, child_digest(subject))


def subject_reference(provider: Provider, repository: str, subject: Subject) -> str:
    """What ``c`` copies and the panel names while loading."""
    match subject:
        case TagSubject(tag):
            return provider.pull_reference(repository, tag)
        case PlatformSubject(_, platform):
            return provider.pull_reference(repository, digest=platform.digest)
        case RevisionSubject(_, revision):
            return revision.reference or provider.pull_reference(repository, digest=revision.digest)
        case ReferrerSubject(_, referrer):
            return provider.pull_reference(repository, digest=referrer.digest)


def choose_platform(detail: TagDetail, wanted: WantedPlatform) -> Platform:
    for platform in detail.runnable_platforms:
        if wanted.matches(platform):
            return platform
    available = ", ".join(p.name for p in detail.runnable_platforms) or "none"
    raise NotFound(f"{detail.reference} has no platform {wanted.name} (available: {available})")


async def tag_image(
    provider: Provider, repository: str, detail: TagDetail, choice: PlatformChoice
) -> tuple[Image | None, Platform | None]:
    """The image a tag's detail shows, and the platform it was chosen as (for an index)."""
    if not detail.is_index:
        image = detail.image
        single = image.platform if image is not None else None
        if isinstance(choice, WantedPlatform) and single and not choice.fits(single):
            raise NotFound(f"{detail.reference} is a single {single} image")
        return image, None
    if choice == "none":
        return None, None
    if isinstance(choice, WantedPlatform):
        platform: Platform | None = choose_platform(detail, choice)
    else:
        platform = preferred_platform(detail.runnable_platforms)
    if platform is None:
        return None, None
    return await provider.get_image(repository, platform.digest), platform


async def load_view(
    provider: Provider,
    repository: str,
    subject: Subject,
    *,
    platform: PlatformChoice = "preferred",
) -> DetailView:
    """Load what the detail of ``subject`` shows (one ``get_tag``, one ``get_image`` at most)."""
    reference = subject_reference(provider, repository, subject)
    if isinstance(subject, TagSubject):
        detail = await provider.get_tag(repository, subject.name)
        image, chosen = await tag_image(provider, repository, detail, platform)
        return DetailView(
            reference,
            detail=detail,
            image=image,
            platform=chosen,
            label=f"{repository}:{subject.name}",
        )
    if isinstance(subject, ReferrerSubject):
        return await _referrer_view(provider, repository, subject, reference)
    image = await provider.get_image(repository, child_digest(subject))
    if isinstance(subject, PlatformSubject):
        label = f"{repository}:{subject.tag} {subject.platform.name}"
        return DetailView(reference, image=image, platform=subject.platform, label=label)
    label = f"{repository}:{subject.tag} revision"
    return DetailView(reference, image=image, revision=subject.revision, label=label)


async def _referrer_view(
    provider: Provider, repository: str, subject: ReferrerSubject, reference: str
) -> DetailView:
    """A referrer's manifest; what the referrers list said about it shows even when the
    manifest cannot be read (an unknown artifact, a manifest gone since)."""
    referrer = subject.referrer
    label = f"{repository}:{subject.tag} {referrer.kind.value}"
    try:
        image: Image | None = await provider.get_image(repository, referrer.digest)
        error = None
    except TagtuiError as err:
        image, error = None, str(err)
    return DetailView(
        reference,
        image=image,
        label=label,
        referrer=referrer,
        subject_tags=subject.subject_tags,
        image_error=error,
    )


async def with_referrers(
    provider: Provider,
    repository: str,
    view: DetailView,
    subject: Subject,
    *,
    tags: Collection[str] | None = None,
    index_digest: str | None = None,
    known: Callable[[str], tuple[Referrer, ...] | None] | None = None,
) -> DetailView:
    """``view`` with what refers to it: a tag's own digest (an index's, for a multi-platform
    tag), a platform's image (with BuildKit's attestations in ``index_digest``), a revision's.

    ``tags``: the repository's tag names, when listed (spares asking for absent cosign tags);
    ``known``: what an earlier lookup found for a digest (the tag list's, for its badges), so
    it is not asked for twice. A failed lookup says why in the view; the rest stands.
    """
    if not provider.capabilities.referrers or isinstance(subject, ReferrerSubject):
        return view
    in_index = None
    if isinstance(subject, TagSubject):
        digest = view.detail.digest if view.detail is not None else None
    elif isinstance(subject, PlatformSubject):
        digest, in_index = subject.platform.digest, index_digest
    else:
        digest = subject.revision.digest
    if digest is None:
        return view
    if in_index is None and known is not None and (found := known(digest)) is not None:
        return replace(view, referrers=found)
    try:
        found = await provider.referrers(repository, digest, tags=tags, in_index=in_index)
    except TagtuiError as err:
        return replace(view, referrers_error=str(err))
    return replace(view, referrers=found)
