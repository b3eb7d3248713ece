"""The layer-detail panel: Summary, Command, Environment, Labels, Ports, Volumes, Layers, Extras.

Values are registry data: they go into ``rich.text.Text`` cells and ``Content`` (both literal,
never markup), folded so a 5,000-character label wraps instead of breaking the layout.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

from rich.console import RenderableType
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Static

from tagtui.model import Image, TagDetail
from tagtui.session.view import DetailView
from tagtui.text import human_size
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
    "Extras",
)

# Sections only an index has; the others are always shown (with "none" when empty).
_OPTIONAL = {"Platforms"}

# What a container's config says about running it: meaningless for a chart or an SBOM.
_IMAGE_ONLY = ("Command", "Environment", "Labels", "Ports", "Volumes")

# The Summary row naming what a non-image artifact (Helm chart, signature, SBOM...) is.
ARTIFACT_TYPE = "Artifact type"


def _cell(value: str | None, style: str = "") -> Text:
    return Text(literal(value) if value else "-", style=style, overflow="fold")


def _pairs_table(
    rows: Iterable[tuple[str, str]], *, width: int = 80, key_width: int | None = None
) -> RenderableType:
    """Keys beside their values; when a key would take more than ~40% of the width (OCI label
    names do), each key goes on its own line with the value indented below it."""
    pairs = [(literal(key), literal(value)) for key, value in rows]
    if not pairs:
        return _none()
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
        return text
    table = Table(box=None, show_header=False, pad_edge=False, expand=True, padding=(0, 1, 0, 0))
    table.add_column(style="bold", max_width=key_width or room, overflow="fold", no_wrap=False)
    table.add_column(ratio=1, overflow="fold")
    for key, value in pairs:
        # An empty value shows as "" (dim): "-" would look like a value.
        table.add_row(
            Text(key or '""', style="bold", overflow="fold"),
            Text(value or '""', style="" if value else "dim", overflow="fold"),
        )
    return table


def _none() -> Text:
    return Text("none", style="dim")


def _hidden_sections(view: DetailView, bodies: dict[str, RenderableType]) -> set[str]:
    """Sections not shown: an index's Platforms for a plain image, and for an artifact the
    image-only sections (Labels stays when the config has some)."""
    hidden = {name for name in _OPTIONAL if name not in bodies}
    image = view.image
    if image is not None and image.artifact_type is not None:
        hidden.update(name for name in _IMAGE_ONLY if name != "Labels")
        if not image.config.labels:
            hidden.add("Labels")
    return hidden


class DetailPanel(VerticalScroll, can_focus=True):
    """A scrolling stack of titled sections, refilled for each highlighted tag or platform."""

    ALLOW_MAXIMIZE = True

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("left,h,escape", "screen.back", "Back"),
        Binding("z", "screen.zoom", "Zoom"),
        Binding("c", "screen.copy", "Copy"),
        Binding("d", "screen.delete", "Delete"),
        Binding("r", "screen.refresh", "Refresh"),
    ]

    _view: DetailView | None = None

    def compose(self) -> ComposeResult:
        yield Static("", id="detail-message", markup=False)
        for name in SECTIONS:
            key = name.lower()
            yield Static(Content(name), id=f"title-{key}", classes="section-title", markup=False)
            yield Static("", id=f"body-{key}", classes="section-body", markup=False)

    def on_mount(self) -> None:
        self.show_message("Open a repository and highlight a tag to see its detail.")

    # --- states -------------------------------------------------------------------------------

    def _sections_visible(self, visible: bool) -> None:
        for name in SECTIONS:
            key = name.lower()
            self.query_one(f"#title-{key}").display = visible
            self.query_one(f"#body-{key}").display = visible

    def show_message(self, text: str, *, loading: bool = False) -> None:
        self._view = None
        self.border_title = Content("Detail")
        message = self.query_one("#detail-message", Static)
        message.set_class(loading, "-loading")
        message.update(Content(text))
        message.display = True
        self._sections_visible(False)
        self.scroll_home(animate=False)

    def on_resize(self) -> None:
        # Long keys switch between side by side and stacked with the width: lay out again.
        if self._view is not None:
            self.show(self._view, keep_scroll=True)

    def show(self, view: DetailView, *, keep_scroll: bool = False) -> None:
        self._view = view
        self.border_title = Content("Detail · " + literal(view.label or view.reference))
        self.query_one("#detail-message").display = False
        bodies = self._bodies(view)
        hidden = _hidden_sections(view, bodies)
        for name in SECTIONS:
            key = name.lower()
            body = bodies.get(name)
            visible = name not in hidden
            self.query_one(f"#title-{key}").display = visible
            widget = self.query_one(f"#body-{key}", Static)
            widget.display = visible
            widget.update(body if body is not None else _none())
        if not keep_scroll:
            self.scroll_home(animate=False)

    # --- sections -----------------------------------------------------------------------------

    def _bodies(self, view: DetailView) -> dict[str, RenderableType]:
        width = self.scrollable_content_region.width or 80
        image = view.image
        config = image.config if image else None
        bodies: dict[str, RenderableType] = {"Summary": self._summary(view)}
        if view.detail is not None and view.detail.is_index:
            bodies["Platforms"] = self._platforms(view.detail)
        if config is not None:
            bodies["Command"] = _pairs_table(
                [
                    ("Entrypoint", word_list(config.entrypoint)),
                    ("Cmd", word_list(config.cmd)),
                    ("User", config.user or "-"),
                    ("Working dir", config.working_dir or "-"),
                ],
                key_width=12,
            )
            bodies["Environment"] = _pairs_table(config.env, width=width)
            bodies["Labels"] = _pairs_table(config.labels, width=width)
            bodies["Ports"] = (
                Text(", ".join(literal(str(port)) for port in config.ports), overflow="fold")
                if config.ports
                else _none()
            )
            bodies["Volumes"] = (
                Text("\n".join(literal(v) for v in config.volumes), overflow="fold")
                if config.volumes
                else _none()
            )
        if image is not None:
            bodies["Layers"] = self._layers(image)
        extras = list(view.detail.extras if view.detail else ())
        extras += list(image.extras if image else ())
        bodies["Extras"] = _pairs_table(extras, width=width)
        return bodies

    def _summary(self, view: DetailView) -> RenderableType:
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
            rows.extend(self._image_rows(view, image))
        elif detail is not None:
            rows.append(("Size", size_with_bytes(detail.size)))
        # Room for "Artifact type" on one line; the other keys are shorter, so nothing moves.
        return _pairs_table(rows, key_width=len(ARTIFACT_TYPE))

    @staticmethod
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
        rows.append(("Size", size_with_bytes(image.compressed_size)))
        return rows

    def _platforms(self, detail: TagDetail) -> RenderableType:
        table = Table(box=None, pad_edge=False, expand=True, padding=(0, 1, 0, 0))
        table.add_column("platform", overflow="fold")
        table.add_column("digest", no_wrap=True)
        table.add_column("size", justify="right", no_wrap=True)
        for entry in detail.platforms:
            name = "attestation" if entry.is_attestation else literal(entry.name)
            table.add_row(
                Text(name, style="dim" if entry.is_attestation else "", overflow="fold"),
                Text(short_digest(entry.digest)),
                Text(human_size(entry.size)),
            )
        return table

    def _layers(self, image: Image) -> RenderableType:
        if not image.layers:
            return _none()
        table = Table(box=None, pad_edge=False, expand=True, padding=(0, 1, 0, 0))
        table.add_column("#", justify="right", no_wrap=True)
        table.add_column("digest", no_wrap=True)
        table.add_column("size", justify="right", no_wrap=True)
        table.add_column("created by", ratio=1, overflow="fold")
        for number, layer in enumerate(image.layers, 1):
            table.add_row(
                Text(str(number)),
                Text(short_digest(layer.digest)),
                Text(human_size(layer.size)),
                Text(literal(layer.created_by) or "-", overflow="fold"),
            )
        return table
