"""The layer-detail panel: Summary, Command, Environment, Labels, Ports, Volumes, Layers, Extras.

Drawn line by line (a ``ScrollView``): the sections are turned into lines once per view and
width, and only the lines on screen are painted, so a layout pass costs the same for a huge image
as for a small one. What a section says, and how much of it, is ``detail_sections``' job.
"""

from __future__ import annotations

from typing import ClassVar

from rich.console import RenderableType
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.style import Style

from tagtui.session.view import DetailView
from tagtui.ui import glyphs
from tagtui.ui.format import literal
from tagtui.ui.widgets.detail_sections import Caps, Section, build_sections
from tagtui.ui.widgets.virtual_list import content_strip


class DetailPanel(ScrollView, can_focus=True):
    """A scrolling stack of titled sections, refilled for each highlighted tag or platform."""

    ALLOW_MAXIMIZE = True

    BINDINGS: ClassVar[list[BindingType]] = [
        # First, so the footer keeps "? Help" when it runs out of room (70 columns).
        Binding("question_mark", "screen.help", "Help"),
        Binding("left,h,escape", "screen.back", "Back"),
        Binding("z", "screen.zoom", "Zoom"),
        Binding("c", "screen.copy", "Copy"),
        Binding("d", "screen.delete", "Delete"),
        Binding("r", "screen.refresh", "Refresh"),
        Binding("plus", "more", "More", key_display="+"),
        Binding("j", "scroll_down", "Down", show=False),
        Binding("k", "scroll_up", "Up", show=False),
        Binding("g", "scroll_home", "Top", show=False),
        Binding("G", "scroll_end", "Bottom", show=False),
    ]

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "detail--title",
        "detail--message",
        "detail--loading",
    }

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._view: DetailView | None = None
        self._message = ("Open a repository and highlight a tag to see its detail.", False)
        # "Show more" steps per section, for the view shown (a new view starts again).
        self._caps: dict[str, Caps] = {}
        self._sections: list[Section] = []
        # Where each section's lines start and end in ``_lines``.
        self._spans: dict[str, tuple[int, int]] = {}
        self._lines: list[Strip] = []
        self._width = 0

    # --- states -------------------------------------------------------------------------------

    @property
    def view(self) -> DetailView | None:
        """The view shown (None while a message is)."""
        return self._view

    def show_message(self, text: str, *, loading: bool = False) -> None:
        self._view = None
        self._message = (text, loading)
        self.border_title = Content("Detail")
        self._rebuild()
        self.scroll_home(animate=False)

    def show(self, view: DetailView, *, note: str = "") -> None:
        """Show ``view``; ``note`` (e.g. that it is stale) goes in the title."""
        if view is not self._view:
            self._caps = {}
        self._view = view
        title = f"Detail {glyphs.DOT} " + literal(view.label or view.reference)
        self.border_title = Content(f"{title} {glyphs.DOT} {note}" if note else title)
        self._rebuild()
        self.scroll_home(animate=False)

    def replace_view(self, view: DetailView) -> None:
        """The same view with more facts: rebuilt where it is scrolled to."""
        self._view = view
        self._rebuild()

    def shown_sections(self) -> list[str]:
        return [section.name for section in self._sections] if self._view else []

    def section_text(self, name: str) -> str:
        """A section's lines as plain text, as drawn (for tests and copy)."""
        start, end = self._spans[name]
        return "\n".join(strip.text.rstrip() for strip in self._lines[start:end])

    # --- show more ----------------------------------------------------------------------------

    def action_more(self) -> None:
        """Show more of the capped sections on screen (else of the first capped one)."""
        capped = [s.name for s in self._sections if s.capped]
        if not capped:
            self.notify("Everything is shown.", timeout=3)
            return
        top, height = self.scroll_offset.y, self.scrollable_content_region.height
        on_screen = [
            name
            for name in capped
            if self._spans[name][0] < top + height and self._spans[name][1] > top
        ]
        for name in on_screen or capped[:1]:
            self._caps[name] = Caps(self._caps.get(name, Caps()).level + 1)
        self._rebuild()

    # --- lines --------------------------------------------------------------------------------

    def on_resize(self) -> None:
        # Long keys switch between side by side and stacked with the width: lay out again.
        if self.scrollable_content_region.width != self._width:
            self._rebuild()

    def _rebuild(self) -> None:
        if not self.is_mounted:
            return  # the first resize builds the lines
        width = max(1, self.scrollable_content_region.width)
        self._width = width
        lines: list[Strip] = []
        self._spans = {}
        if self._view is None:
            self._sections = []
            text, loading = self._message
            style = self.get_visual_style("detail--loading" if loading else "detail--message")
            for line in Content(text).wrap(width):
                lines.append(content_strip(line, style, width))
        else:
            self._sections = build_sections(self._view, width, self._caps)
            title_style = self.get_visual_style("detail--title")
            muted = self.get_visual_style("detail--message")
            for index, section in enumerate(self._sections):
                if index:
                    lines.append(Strip.blank(width))
                start = len(lines)
                title = Content.styled(section.name, title_style)
                if section.body is None:
                    # An empty section takes one line: its title and "none".
                    title = Content.assemble(title, " ", Content.styled("none", muted))
                lines.append(content_strip(title, Style(), width))
                if section.body is not None:
                    lines.extend(self._strips_of(section.body, width))
                self._spans[section.name] = (start, len(lines))
        self._lines = lines
        self.virtual_size = Size(width, len(lines))
        self.refresh()

    def _strips_of(self, body: RenderableType, width: int) -> list[Strip]:
        console = self.app.console
        options = console.options.update(width=width, highlight=False)
        rendered = console.render_lines(body, options, pad=True)
        return [Strip(line, width) for line in rendered]

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        index = scroll_y + y
        base = self.get_visual_style().rich_style
        width = self.scrollable_content_region.width
        if width != self._width:
            # A scrollbar came or went: the lines were folded for another width.
            self._width = width
            self.call_later(self._rebuild)
        if index >= len(self._lines):
            return Strip.blank(width, base)
        return self._lines[index].crop_extend(scroll_x, scroll_x + width, base).apply_style(base)
