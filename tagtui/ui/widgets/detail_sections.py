"""What each section of the detail panel says, as Rich renderables, with caps on size.

Values are registry data: they go into ``rich.text.Text`` cells (literal, never markup), folded
so a long label wraps instead of breaking the layout. An image can be huge (50,000 environment
entries, a 10 MB label, 10,000 layers): a section shows its first ``rows_shown`` rows and a value
its first ``chars_shown`` characters, then says how much more there is; each ``level`` of
"show more" adds a step. Nothing past the caps is even formatted.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypeVar

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from tagtui.model import Image, Referrer, TagDetail
from tagtui.session.view import DetailView, image_size
from tagtui.text import human_size
from tagtui.ui import glyphs
from tagtui.ui.format import literal, short_digest, size_with_bytes, timestamp, word_list

SECTIONS = (
    "Summary",
    "Platforms",
    "Command",
    "Environment",
    "Labels",
    "Ports",
    "Volumes",
    "Layers",
    "Annotations",
    "Referrers",
    "Extras",
)

# Sections only some views have (an index's Platforms, a referrer's Annotations, Referrers
# where the provider looks for them); the others are always shown ("none" when empty).
_OPTIONAL = {"Platforms", "Annotations", "Referrers"}

# What a container's config says about running it: meaningless for a chart or an SBOM.
_IMAGE_ONLY = ("Command", "Environment", "Labels", "Ports", "Volumes")

# The Summary row naming what a non-image artifact (Helm chart, signature, SBOM...) is.
ARTIFACT_TYPE = "Artifact type"

T = TypeVar("T")

# A section's rows, and a value's characters, at first and per "show more".
ROWS_SHOWN, ROWS_STEP = 100, 1_000
CHARS_SHOWN, CHARS_STEP = 500, 50_000


@dataclass(frozen=True)
class Section:
    name: str
    # None: nothing to show ("none" on the title line).
    body: RenderableType | None
    # Whether rows or characters were left out (a "show more" would add some).
    capped: bool = False


@dataclass(frozen=True)
class Caps:
    """How much of a section to show: ``level`` steps of "show more" beyond the first part."""

    level: int = 0

    @property
    def rows(self) -> int:
        return ROWS_SHOWN + ROWS_STEP * self.level

    @property
    def chars(self) -> int:
        return CHARS_SHOWN + CHARS_STEP * self.level


class _Capper:
    """Cuts rows and values to the caps and remembers whether it cut anything."""

    def __init__(self, caps: Caps) -> None:
        self.caps = caps
        self.cut = False

    def value(self, text: str | None) -> str:
        if text is None:
            return ""
        if len(text) <= self.caps.chars:
            return literal(text)
        self.cut = True
        rest = len(text) - self.caps.chars
        return f"{literal(text[: self.caps.chars])}{glyphs.ELLIPSIS} ({rest:,} more characters)"

    def rows(self, rows: Sequence[T]) -> tuple[Sequence[T], int]:
        if len(rows) <= self.caps.rows:
            return rows, 0
        self.cut = True
        return rows[: self.caps.rows], len(rows) - self.caps.rows


def _more_line(count: int) -> Text:
    return Text(f"{glyphs.ELLIPSIS} {count:,} more {glyphs.DOT} + shows more", style="dim")


def _with_more(body: RenderableType, more: int) -> RenderableType:
    return Group(body, _more_line(more)) if more else body


def _pairs_table(
    rows: Sequence[tuple[str, str]],
    capper: _Capper,
    *,
    width: int = 80,
    key_width: int | None = None,
) -> RenderableType | None:
    """Keys beside their values; when a key would take more than ~40% of the width (OCI label
    names do), each key goes on its own line with the value indented below it."""
    shown, more = capper.rows(rows)
    pairs = [(capper.value(key), capper.value(value)) for key, value in shown]
    if not pairs:
        return None
    longest = max(len(key) for key, _ in pairs)
    room = max(8, int(width * 0.4))
    if key_width is None and longest > room:
        text = Text(overflow="fold")
        for index, (key, value) in enumerate(pairs):
            if index:
                text.append("\n")
            text.append(key or '""', style="bold")
            text.append("\n  ")
            text.append(value or '""', style="" if value else "dim")
        return _with_more(text, more)
    table = Table(box=None, show_header=False, pad_edge=False, expand=True, padding=(0, 1, 0, 0))
    table.add_column(style="bold", max_width=key_width or room, overflow="fold", no_wrap=False)
    table.add_column(ratio=1, overflow="fold")
    for key, value in pairs:
        # An empty value shows as "" (dim): "-" would look like a value.
        table.add_row(
            Text(key or '""', style="bold", overflow="fold"),
            Text(value or '""', style="" if value else "dim", overflow="fold"),
        )
    return _with_more(table, more)


def _lines(values: Sequence[str], capper: _Capper, separator: str) -> RenderableType | None:
    shown, more = capper.rows(values)
    if not shown:
        return None
    text = Text(separator.join(capper.value(v) for v in shown), overflow="fold")
    return _with_more(text, more)


def hidden_sections(view: DetailView, present: set[str]) -> set[str]:
    """Sections not shown: an index's Platforms for a plain image, and for an artifact the
    image-only sections (Labels stays when the config has some)."""
    hidden = {name for name in _OPTIONAL if name not in present}
    image = view.image
    if view.referrer is not None:
        # A signature or an SBOM: whatever its config says, nothing of it runs.
        hidden.update(_IMAGE_ONLY)
        if image is not None and image.config.labels:
            hidden.discard("Labels")
    elif image is not None and image.artifact_type is not None:
        hidden.update(name for name in _IMAGE_ONLY if name != "Labels")
        if not image.config.labels:
            hidden.add("Labels")
    return hidden


def build_sections(view: DetailView, width: int, caps: dict[str, Caps]) -> list[Section]:
    """The sections to show, in order, each within its caps."""
    bodies: dict[str, tuple[RenderableType | None, bool]] = {}

    def add(name: str, build: object) -> None:
        capper = _Capper(caps.get(name, Caps()))
        body = build(capper)  # type: ignore[operator]
        bodies[name] = (body, capper.cut)

    image = view.image
    config = image.config if image else None
    add("Summary", lambda c: _summary(view, c))
    if view.detail is not None and view.detail.is_index:
        detail = view.detail
        add("Platforms", lambda c: _platforms(detail, c))
    if config is not None:
        command = [
            ("Entrypoint", word_list(config.entrypoint)),
            ("Cmd", word_list(config.cmd)),
            ("User", config.user or "-"),
            ("Working dir", config.working_dir or "-"),
        ]
        add("Command", lambda c: _pairs_table(command, c, key_width=12))
        add("Environment", lambda c: _pairs_table(config.env, c, width=width))
        add("Labels", lambda c: _pairs_table(config.labels, c, width=width))
        add("Ports", lambda c: _lines([str(p) for p in config.ports], c, ", "))
        add("Volumes", lambda c: _lines(config.volumes, c, "\n"))
    if image is not None:
        shown_image = image
        # An artifact's layers are its payload: their media types say what they hold.
        typed = view.referrer is not None or image.artifact_type is not None
        add("Layers", lambda c: _layers(shown_image, c, media_types=typed))
    referrer = view.referrer
    if referrer is not None:
        add("Annotations", lambda c: _pairs_table(referrer.annotations, c, width=width))
    if view.referrers is not None or view.referrers_error is not None:
        add("Referrers", lambda c: _referrers(view, c))
    extras = [*(view.detail.extras if view.detail else ()), *(image.extras if image else ())]
    add("Extras", lambda c: _pairs_table(extras, c, width=width))
    hidden = hidden_sections(view, set(bodies))
    return [
        Section(name, *bodies.get(name, (None, False))) for name in SECTIONS if name not in hidden
    ]


# How a platform's size is counted (its row, the Platforms section, "Pull").
PULL_COUNTED = "manifest + config + layers, compressed"
# How a tag's own bytes are counted (tagtui.cleanup.sizes; "Unique" in the Summary).
UNIQUE_COUNTED = (
    "blobs no other tag of the repository uses (compressed, deduplicated by blob digest)"
)


def _summary(view: DetailView, capper: _Capper) -> RenderableType | None:
    if view.referrer is not None:
        return _pairs_table(_referrer_summary(view, view.referrer), capper, key_width=13)
    detail, image, platform = view.detail, view.image, view.platform
    rows: list[tuple[str, str]] = [("Reference", view.reference)]
    # A tag's own digest (an index's, for a multi-platform tag), else the image shown.
    if detail is not None:
        digest = detail.digest
    elif platform is not None:
        digest = platform.digest
    elif view.revision is not None:
        digest = view.revision.digest
    else:
        digest = image.digest if image is not None else None
    rows.append(("Digest", digest or "-"))
    if detail is not None and detail.is_index:
        rows.append(("Media type", detail.media_type or "-"))
        names = [p.name for p in detail.runnable_platforms]
        attest = len(detail.attestations)
        text = ", ".join(names) or "-"
        if attest:
            text += f" (+{attest} attestation{'s' if attest != 1 else ''})"
        rows.append(("Platforms", text))
        if image is not None and platform is not None:
            rows.append(("Showing", f"{platform.name} ({short_digest(platform.digest)})"))
    if image is not None:
        rows.extend(_image_rows(view, image))
    elif detail is not None:
        size = size_with_bytes(detail.size)
        if detail.size is not None:
            size += f"; every platform's {PULL_COUNTED}"
        rows.append(("Size", size))
    if view.unique_bytes == 0:
        rows.append(("Unique", "none: other tags of the repository use all it holds"))
    elif view.unique_bytes is not None:
        rows.append(("Unique", f"{size_with_bytes(view.unique_bytes)}; {UNIQUE_COUNTED}"))
    # Room for "Artifact type" on one line; the other keys are shorter, so nothing moves.
    return _pairs_table(rows, capper, key_width=len(ARTIFACT_TYPE))


def _image_rows(view: DetailView, image: Image) -> list[tuple[str, str]]:
    detail = view.detail
    kind = image.artifact_type
    rows = [
        (
            "Media type" if not (detail and detail.is_index) else "Image type",
            image.media_type or "-",
        )
    ]
    if kind is not None:
        rows.append((ARTIFACT_TYPE, kind))
    created = image.config.created
    if created is None and view.revision is not None:
        created = view.revision.created
    facts = [
        ("Platform", image.platform),
        ("Created", timestamp(created) if created else None),
        ("Author", image.config.author),
    ]
    # An artifact has no image config: its platform, date and author are not "unknown",
    # they do not exist, so the rows go rather than saying "-".
    rows += [(key, value or "-") for key, value in facts if value or kind is None]
    rows.append(("Size", image_size(image)))
    platform = view.platform
    if platform is not None and platform.size is not None:
        # The platform row's figure: what pulling this platform downloads.
        rows.append(("Pull", f"{size_with_bytes(platform.size)}; {PULL_COUNTED}"))
    return rows


def _platforms(detail: TagDetail, capper: _Capper) -> RenderableType | None:
    shown, more = capper.rows(detail.platforms)
    table = Table(box=None, pad_edge=False, expand=True, padding=(0, 1, 0, 0))
    table.add_column("platform", overflow="fold")
    table.add_column("digest", no_wrap=True)
    table.add_column("size", justify="right", no_wrap=True)
    for entry in shown:
        name = "attestation" if entry.is_attestation else capper.value(entry.name)
        table.add_row(
            Text(name, style="dim" if entry.is_attestation else "", overflow="fold"),
            Text(short_digest(entry.digest)),
            Text(human_size(entry.size)),
        )
    return _with_more(table, more)


def _layers(image: Image, capper: _Capper, *, media_types: bool = False) -> RenderableType | None:
    shown, more = capper.rows(image.layers)
    if not shown:
        return None
    table = Table(box=None, pad_edge=False, expand=True, padding=(0, 1, 0, 0))
    table.add_column("#", justify="right", no_wrap=True)
    table.add_column("digest", no_wrap=True)
    table.add_column("size", justify="right", no_wrap=True)
    table.add_column("media type" if media_types else "created by", ratio=1, overflow="fold")
    for number, layer in enumerate(shown, 1):
        last = layer.media_type if media_types else layer.created_by
        table.add_row(
            Text(str(number)),
            Text(short_digest(layer.digest)),
            Text(human_size(layer.size)),
            Text(capper.value(last) or "-", overflow="fold"),
        )
    return _with_more(table, more)


def _referrer_summary(view: DetailView, referrer: Referrer) -> list[tuple[str, str]]:
    """A signature's, SBOM's or attestation's manifest facts, and what it refers to."""
    image = view.image
    rows = [
        ("Reference", view.reference),
        ("Digest", referrer.digest),
        ("Kind", referrer.kind.value),
        ("Media type", referrer.media_type or (image.media_type if image else None) or "-"),
        (
            ARTIFACT_TYPE,
            referrer.artifact_type or (image.artifact_type if image else None) or "-",
        ),
    ]
    if referrer.subject:
        tags = f" ({', '.join(view.subject_tags)})" if view.subject_tags else ""
        rows.append(("Refers to", referrer.subject + tags))
    if referrer.tag:
        rows.append(("Found as tag", referrer.tag))
    rows.append(("Size", size_with_bytes(referrer.size)))
    if image is not None and image.compressed_size is not None:
        rows.append(("Payload", size_with_bytes(image.compressed_size)))
    if view.image_error is not None:
        rows.append(("Manifest", f"could not be read: {view.image_error}"))
    return rows


def _referrers(view: DetailView, capper: _Capper) -> RenderableType | None:
    """Kind, artifact type, short digest and size of each referrer, or why none could be had."""
    if view.referrers_error is not None:
        return Text(
            f"could not look them up: {capper.value(view.referrers_error)}",
            style="dim",
            overflow="fold",
        )
    shown, more = capper.rows(view.referrers or ())
    if not shown:
        return None
    table = Table(box=None, pad_edge=False, expand=True, padding=(0, 1, 0, 0))
    table.add_column("kind", no_wrap=True)
    table.add_column("artifact type", ratio=1, overflow="fold")
    table.add_column("digest", no_wrap=True)
    table.add_column("size", justify="right", no_wrap=True)
    for referrer in shown:
        table.add_row(
            Text(referrer.kind.value),
            Text(capper.value(referrer.artifact_type or referrer.media_type) or "-"),
            Text(short_digest(referrer.digest)),
            Text(human_size(referrer.size)),
        )
    return _with_more(table, more)
