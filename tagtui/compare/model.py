"""What comparing two images finds, as frozen dataclasses (no Textual, no wire format).

``tagtui diff`` prints a ``Comparison`` as text or JSON; the TUI's compare view renders the same
object. Side A is the first reference given (the "old" one), side B the second.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from tagtui.model import HistoryEntry, Image, Layer, Platform, TagDetail
from tagtui.text import human_size

# A config value: a string, an argv list (entrypoint, cmd), or absent.
ConfigValue = str | tuple[str, ...] | None


@dataclass(frozen=True)
class Side:
    """One of the two things compared: what a reference resolved to, and the image compared.

    For an index, ``digest`` is the index's own digest and ``image`` the chosen platform's image
    (``platform`` names it, ``platforms`` lists the runnable ones to choose from). For a single
    image, ``digest`` is the image's digest and ``platforms`` is empty.
    """

    reference: str
    digest: str | None
    image: Image
    platform: str | None = None
    platforms: tuple[str, ...] = ()
    media_type: str | None = None

    @classmethod
    def of(cls, detail: TagDetail, image: Image, chosen: Platform | None = None) -> Side:
        """A tag's side: its detail, the image compared, and the index entry it was chosen as."""
        return cls(
            reference=detail.reference,
            digest=detail.digest,
            image=image,
            platform=chosen.name if chosen is not None else image.platform,
            platforms=tuple(p.name for p in detail.runnable_platforms) if detail.is_index else (),
            media_type=detail.media_type,
        )

    @classmethod
    def of_image(cls, reference: str, image: Image, platform: Platform | None = None) -> Side:
        """An image reached by digest (a platform row, a revision): no index around it."""
        return cls(
            reference=reference,
            digest=image.digest,
            image=image,
            platform=platform.name if platform is not None else image.platform,
            media_type=image.media_type,
        )

    @property
    def is_index(self) -> bool:
        return bool(self.platforms)

    @property
    def image_digest(self) -> str | None:
        """The digest of the image compared (a platform manifest's, for an index)."""
        return self.image.digest

    @property
    def created(self) -> datetime | None:
        return self.image.config.created

    @property
    def size(self) -> int | None:
        """Compressed: the sum of the image's layers (what a pull downloads)."""
        return self.image.compressed_size


@dataclass(frozen=True)
class ConfigChange:
    """One difference in the image configs.

    ``field`` is the config field in the JSON spelling of ``tagtui inspect --json``: ``os``,
    ``architecture``, ``variant``, ``author``, ``entrypoint``, ``cmd``, ``user``, ``workingDir``
    (scalars: ``name`` is None), or ``env``, ``labels`` (``name`` is the variable or label key),
    ``ports``, ``volumes`` (``name`` is the port ``80/tcp`` or the path; ``a`` and ``b`` are
    that same text where it is present). ``a`` / ``b`` are the values on each side, None where
    the side has none: ``a`` None means added in B, ``b`` None means removed in B.
    """

    field: str
    name: str | None
    a: ConfigValue
    b: ConfigValue

    @property
    def kind(self) -> str:
        """``added``, ``removed`` or ``changed`` (from A to B)."""
        if self.a is None:
            return "added"
        if self.b is None:
            return "removed"
        return "changed"


@dataclass(frozen=True)
class LayerComparison:
    """Layers matched by digest.

    ``shared`` holds every layer both images have, in A's order; its first ``base`` layers are
    the common base (both images start with them, in the same order). ``only_in_a`` /
    ``only_in_b`` are the layers the other image does not have at all, in their own order.
    A layer's ``created_by`` is the history step that made it, when the config says.
    """

    shared: tuple[Layer, ...]
    base: int
    only_in_a: tuple[Layer, ...]
    only_in_b: tuple[Layer, ...]
    # True when both have the same layers in the same order (the section can fold away).
    equal: bool

    @property
    def shared_size(self) -> int | None:
        return total_size(self.shared)

    @property
    def only_in_a_size(self) -> int | None:
        return total_size(self.only_in_a)

    @property
    def only_in_b_size(self) -> int | None:
        return total_size(self.only_in_b)

    def shared_words(self) -> str:
        """``3 shared (1.2 MiB, the common base)``: what both have, as ``diff`` and the compare
        view both say it."""
        if not self.shared:
            return "none shared"
        if self.base == len(self.shared):
            base = "the common base"
        else:
            base = f"the first {self.base} a common base" if self.base else "no common base"
        return f"{len(self.shared):,} shared ({human_size(self.shared_size)}, {base})"


@dataclass(frozen=True)
class HistoryComparison:
    """The two histories: the first ``shared`` entries are the same on both sides; the rest
    differ (``only_in_a`` / ``only_in_b``, each in its own order). Empty layers count."""

    shared: int
    only_in_a: tuple[HistoryEntry, ...]
    only_in_b: tuple[HistoryEntry, ...]

    @property
    def equal(self) -> bool:
        return not self.only_in_a and not self.only_in_b


@dataclass(frozen=True)
class Comparison:
    """Everything ``compare`` found. Each section says whether it is equal, so a view can fold
    equal sections away; ``identical`` says the two images are one (same image digest)."""

    a: Side
    b: Side
    config: tuple[ConfigChange, ...]
    layers: LayerComparison
    history: HistoryComparison

    @property
    def identical(self) -> bool:
        digest = self.a.image_digest
        return digest is not None and digest == self.b.image_digest

    @property
    def config_equal(self) -> bool:
        return not self.config

    @property
    def equal(self) -> bool:
        """No difference in any section (the images may still differ in bytes, e.g. dates)."""
        return self.config_equal and self.layers.equal and self.history.equal

    def changes(self, field: str) -> tuple[ConfigChange, ...]:
        """The config changes of one field (``env``, ``labels``...), in order."""
        return tuple(change for change in self.config if change.field == field)


def total_size(layers: tuple[Layer, ...]) -> int | None:
    """The sum of the layers' sizes; None when any size is unknown."""
    if any(layer.size is None for layer in layers):
        return None
    return sum(layer.size or 0 for layer in layers)
