"""A list that renders only the rows on screen: 10,000 rows cost what 30 do.

``ListView`` mounts a widget per row and ``OptionList`` measures every option; this keeps a plain
Python list of row objects and turns the visible ones into ``Strip``s on demand (toolong's
approach). Subclasses say how one row looks by returning ``Content`` from ``render_row``.
"""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from typing import Any, ClassVar

from rich.segment import Segment
from textual import events
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.style import Style


class ListMessage(Message):
    """Something happened in the list ``source`` (its ``control``, for ``@on`` selectors)."""

    def __init__(self, source: VirtualList) -> None:
        super().__init__()
        self.source = source

    @property
    def control(self) -> VirtualList:
        return self.source


class VirtualList(ScrollView, can_focus=True):
    """One line per row, a cursor, and messages when the cursor or the visible rows change."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up,k", "cursor_up", "Up", show=False),
        Binding("down,j", "cursor_down", "Down", show=False),
        Binding("pageup", "page_up", "Page up", show=False),
        Binding("pagedown", "page_down", "Page down", show=False),
        Binding("home,g", "first", "First", show=False),
        Binding("end,G", "last", "Last", show=False),
    ]

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "virtual-list--cursor",
        "virtual-list--muted",
        "virtual-list--accent",
        "virtual-list--badge",
        "virtual-list--warning",
    }

    cursor: reactive[int] = reactive(0, always_update=True, init=False)

    class Highlighted(ListMessage):
        """The row under the cursor changed (``row`` is None when the list is empty)."""

        def __init__(self, source: VirtualList, row: Any) -> None:
            super().__init__(source)
            self.row = row

    class Selected(ListMessage):
        """Enter (or a click on the highlighted row) on ``row``."""

        def __init__(self, source: VirtualList, row: Any) -> None:
            super().__init__(source)
            self.row = row

    class ViewportChanged(ListMessage):
        """The rows on screen changed: ``rows`` is what is visible now."""

        def __init__(self, source: VirtualList, rows: Sequence[Any]) -> None:
            super().__init__(source)
            self.rows = rows

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._rows: list[Any] = []
        self._strips: dict[int, Strip] = {}
        # The width the cached strips were drawn at (a scrollbar coming or going changes it).
        self._strips_width = 0
        self._last_highlighted: Any = None
        self._last_viewport: tuple[int, int, int] | None = None
        self.empty_text = ""

    # --- data -----------------------------------------------------------------------------------

    @property
    def rows(self) -> Sequence[Any]:
        return self._rows

    @property
    def highlighted_row(self) -> Any:
        if 0 <= self.cursor < len(self._rows):
            return self._rows[self.cursor]
        return None

    def set_rows(self, rows: list[Any], *, anchor: Any = None, cursor: int | None = None) -> None:
        """Replace the rows; the cursor stays on ``anchor`` (or the old row) if still there."""
        anchor = anchor if anchor is not None else self.highlighted_row
        self._rows = rows
        self._strips.clear()
        if cursor is None:
            cursor = self.cursor
            if anchor is not None:
                # Identity first (rows are usually the same objects): a C-speed scan instead of
                # a dataclass __eq__ call per row; equality only when that finds nothing.
                found = next((i for i, row in enumerate(rows) if row is anchor), None)
                if found is None:
                    with contextlib.suppress(ValueError):
                        found = rows.index(anchor)
                if found is not None:
                    cursor = found
        self.virtual_size = Size(self.scrollable_content_region.width, len(rows))
        self._set_cursor(cursor)
        self.refresh()
        self._check_viewport()

    def append_rows(self, rows: list[Any]) -> None:
        """Add rows at the end without disturbing the cursor or the scroll position."""
        if not rows:
            return
        was_empty = not self._rows
        self._rows.extend(rows)
        self.virtual_size = Size(self.scrollable_content_region.width, len(self._rows))
        if was_empty:
            self._set_cursor(0)
        self.refresh()
        self._check_viewport()

    def refresh_rows(self) -> None:
        """Rows changed in place (new dates, sizes, digests): draw them again."""
        self._strips.clear()
        self.refresh()

    def empty_message(self) -> str:
        """What an empty list says (a filtered list may say why it is empty)."""
        return self.empty_text

    def render_row(self, row: Any, width: int) -> Content:
        """How one row looks; subclasses override."""
        return Content(str(row))

    # --- cursor ---------------------------------------------------------------------------------

    def _set_cursor(self, index: int) -> None:
        clamped = max(0, min(index, len(self._rows) - 1)) if self._rows else 0
        self.cursor = clamped

    def validate_cursor(self, value: int) -> int:
        if not self._rows:
            return 0
        return max(0, min(value, len(self._rows) - 1))

    def watch_cursor(self, old: int, new: int) -> None:
        self._strips.pop(old, None)
        self._strips.pop(new, None)
        self.refresh()
        self._scroll_to_cursor()
        row = self.highlighted_row
        if row is not self._last_highlighted:
            self._last_highlighted = row
            self.post_message(self.Highlighted(self, row))

    def _scroll_to_cursor(self) -> None:
        """Scroll (as little as needed) so the highlighted row is on screen."""
        if self.is_mounted and self._rows:
            region = Region(0, self.cursor, 1, 1)
            self.scroll_to_region(region, animate=False, force=True, immediate=True)

    def move_to(self, row: Any) -> bool:
        try:
            self._set_cursor(self._rows.index(row))
        except ValueError:
            return False
        return True

    def action_cursor_up(self) -> None:
        self._set_cursor(self.cursor - 1)

    def action_cursor_down(self) -> None:
        self._set_cursor(self.cursor + 1)

    def action_page_up(self) -> None:
        self._set_cursor(self.cursor - max(1, self.scrollable_content_region.height - 1))

    def action_page_down(self) -> None:
        self._set_cursor(self.cursor + max(1, self.scrollable_content_region.height - 1))

    def action_first(self) -> None:
        self._set_cursor(0)

    def action_last(self) -> None:
        self._set_cursor(len(self._rows) - 1)

    def action_select(self) -> None:
        row = self.highlighted_row
        if row is not None:
            self.post_message(self.Selected(self, row))

    async def _on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        index = self.scroll_offset.y + offset.y
        if not 0 <= index < len(self._rows):
            return
        # A click highlights (which is what shows a tag's detail); a double click opens.
        self._set_cursor(index)
        if event.chain > 1:
            self.activate()

    def activate(self) -> None:
        """What Enter and a double click do on the highlighted row."""
        self.action_select()

    # --- viewport -------------------------------------------------------------------------------

    def visible_rows(self) -> Sequence[Any]:
        top = self.scroll_offset.y
        height = self.scrollable_content_region.height
        return self._rows[top : top + height]

    def _check_viewport(self) -> None:
        top = self.scroll_offset.y
        height = self.scrollable_content_region.height
        key = (top, height, id(self._rows) ^ len(self._rows))
        if key != self._last_viewport and height > 0:
            self._last_viewport = key
            self.post_message(self.ViewportChanged(self, self.visible_rows()))

    def watch_scroll_y(self, old: float, new: float) -> None:
        super().watch_scroll_y(old, new)
        self._check_viewport()

    def _on_resize(self, event: events.Resize) -> None:
        # No strip cache reset here: render_line redraws them when the width changed.
        self.virtual_size = Size(self.scrollable_content_region.width, len(self._rows))
        # A shorter pane may have left the highlighted row below its last line.
        self._scroll_to_cursor()
        self.call_after_refresh(self._check_viewport)

    def _on_focus(self, event: events.Focus) -> None:
        self._strips.clear()

    def _on_blur(self, event: events.Blur) -> None:
        self._strips.clear()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._strips.clear()

    # --- rendering ------------------------------------------------------------------------------

    def component_style(self, name: str) -> Style:
        """A component class's own style (no background), for spans inside a row."""
        return self.get_visual_style(name, partial=True)

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        index = scroll_y + y
        width = self.scrollable_content_region.width
        if width != self._strips_width:
            # Rows drawn for another width (before a scrollbar came or went) would be cropped
            # or padded, shifting right-aligned columns: draw them again at this width.
            self._strips.clear()
            self._strips_width = width
        base = self.get_visual_style()
        if index >= len(self._rows):
            message = self.empty_message() if not self._rows else ""
            if message:
                # The empty-list message wraps: at 24 columns it is still a sentence.
                lines = Content(message).wrap(max(1, width))
                if index < len(lines):
                    muted = self.get_visual_style("virtual-list--muted")
                    line = lines[index].truncate(width, ellipsis=True, pad=True)
                    return content_strip(line, muted, width)
            return Strip.blank(width, base.rich_style)
        strip = self._strips.get(index)
        if strip is None:
            cursor = index == self.cursor
            style = self.get_visual_style("virtual-list--cursor") if cursor else base
            content = self.render_row(self._rows[index], width)
            content = content.truncate(width, ellipsis=True, pad=True)
            if cursor:
                # One colour pair across the highlighted row: a badge's or a digest's own
                # colours can vanish into the cursor's (cyan on cyan in 16 colours).
                content = content.stylize(style)
            strip = content_strip(content, style, width)
            self._strips[index] = strip
        return strip.crop_extend(scroll_x, scroll_x + width, base.rich_style)


def content_strip(content: Content, style: Style, width: int) -> Strip:
    """One line of ``content`` over ``style``, padded to ``width`` cells."""
    segments = [
        Segment(text, part.rich_style if part else None)
        for text, part in content.render(style, end="")
    ]
    return Strip(segments).extend_cell_length(width, style.rich_style)
