"""The compare view: two tags side by side, then what differs (``=`` on the tag tree).

It fills the screen (at 80x24 there is no room to spare): a header with the two sides in two
columns (whole digests from 120 columns, shortened below), then the Config, Layers and History
sections, an equal one folded to its title line. The flow (``ui/flows/compare.py``) loads the
comparison and hands it over with ``show``; ``p`` asks the flow for another platform through
``choose``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.events import Resize
from textual.screen import ModalScreen
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option

from tagtui.compare import Comparison, Ref
from tagtui.errors import UsageError
from tagtui.session.view import WantedPlatform, parse_platform
from tagtui.ui import glyphs
from tagtui.ui.format import literal
from tagtui.ui.screens.scrolling import scroll_container
from tagtui.ui.widgets.compare_text import sections, sides_table

# Below this width the header shortens digests (as the main screen stacks its panes).
NARROW_WIDTH = 120


def ref_label(ref: Ref) -> str:
    """``repo:tag`` or ``repo@sha256:…`` (and the platform pointed at), printable."""
    joiner = "@" if ref.name.startswith("sha256:") else ":"
    platform = f" ({ref.platform.name})" if ref.platform is not None else ""
    return literal(f"{ref.repository}{joiner}{ref.name}{platform}")


def platform_names(comparison: Comparison) -> list[str]:
    """The platforms both sides can compare: those both indexes list, or those of the one
    index that fit the other side's single image. Empty when neither side is an index."""
    a, b = comparison.a, comparison.b
    if not (a.is_index or b.is_index):
        return []
    index, other = (a, b) if a.is_index else (b, a)
    names = []
    for name in index.platforms:
        try:
            wanted = parse_platform(name)  # a name the registry made up may not parse
        except UsageError:
            continue
        if other.is_index:
            fits = name in other.platforms
        else:
            fits = other.platform is None or wanted.fits(other.platform)
        if fits:
            names.append(name)
    return names


class PlatformPicker(ModalScreen[str | None]):
    """``p`` in the compare view: the platforms both sides have, the one compared first."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "cancel", "Cancel", key_display="Esc"),
    ]

    def __init__(self, names: list[str], current: str | None) -> None:
        super().__init__()
        self.names = names
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical(id="platform-dialog", classes="dialog"):
            yield Static(Content("Compare which platform?"), classes="dialog-title", markup=False)
            now = "  (compared now)"
            options = [
                Option(Content(literal(name) + (now if name == self.current else "")))
                for name in self.names
            ]
            yield OptionList(*options, id="platform-options", compact=True)
        yield Footer()

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        options.highlighted = self.names.index(self.current) if self.current in self.names else 0
        options.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(self.names[event.option_index])

    def action_cancel(self) -> None:
        self.dismiss(None)


class CompareScreen(ModalScreen[None]):
    """Side A (marked first) against side B; Esc or q closes it, cancelling a load."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "close", "Close", key_display="Esc"),
        Binding("enter,space", "toggle_shared", "Shared", key_display="Enter"),
        Binding("p", "platform", "Platform"),
        Binding("question_mark", "help", "Help", key_display="?"),
        Binding("j", "scroll('down')", "Scroll", key_display="j/k", show=False),
        Binding("k", "scroll('up')", "Scroll up", show=False),
        # Priority: the scroll container's own Home/End animate (see the help screen).
        Binding("g,home", "scroll('home')", "Top", show=False, priority=True),
        Binding("G,end", "scroll('end')", "Bottom", show=False, priority=True),
    ]

    def __init__(
        self, a: Ref, b: Ref, choose: Callable[[WantedPlatform], None] | None = None
    ) -> None:
        super().__init__()
        self.a = a
        self.b = b
        self.choose = choose
        self.comparison: Comparison | None = None
        # Whether the shared base layers, common history and equal sections are listed too.
        self.open_shared = False
        # Below NARROW_WIDTH columns digests are shortened to fit.
        self.narrow = False
        # The platform being loaded instead of the one shown (``p``), if any.
        self.loading_platform: str | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="compare-view"):
            yield Static(self._title(), id="compare-title", markup=False)
            with VerticalScroll(id="compare-body"):
                yield Static(Content(""), id="compare-sides", markup=False)
                yield Static(self._status(), id="compare-sections", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.narrow = self.app.size.width < NARROW_WIDTH
        self.query_one("#compare-sides").display = False
        self.query_one("#compare-body", VerticalScroll).focus()
        if self.comparison is not None:
            self._draw()

    def on_resize(self, event: Resize) -> None:
        narrow = event.size.width < NARROW_WIDTH
        if narrow != self.narrow:
            self.narrow = narrow
            self._draw()

    # --- from the flow -------------------------------------------------------------------------

    def show(self, comparison: Comparison) -> None:
        """The comparison loaded (the first, or another platform's)."""
        self.comparison = comparison
        self.loading_platform = None
        if self.is_mounted:
            self._draw()

    def load_failed(self) -> None:
        """Another platform could not be compared: the one shown stays (the error is notified)."""
        self.loading_platform = None
        if self.is_mounted:
            self.query_one("#compare-title", Static).update(self._title())

    # --- drawing --------------------------------------------------------------------------------

    def _title(self) -> Content:
        title = Content.assemble(
            ("Compare  ", "bold"),
            ("A ", "bold $text-error"),
            ref_label(self.a),
            (f"  {glyphs.VERSUS}  ", "bold"),
            ("B ", "bold $text-success"),
            ref_label(self.b),
        )
        if self.loading_platform is not None:
            title += Content(
                f"  {glyphs.DOT} loading {literal(self.loading_platform)}{glyphs.ELLIPSIS}"
            )
        return title

    def _status(self) -> Content:
        return Content(f"Loading both sides{glyphs.ELLIPSIS} (Esc cancels)")

    def _draw(self) -> None:
        comparison = self.comparison
        if comparison is None:
            return
        self.query_one("#compare-title", Static).update(self._title())
        sides = self.query_one("#compare-sides", Static)
        sides.display = True
        # Whole digests where two columns of 60 have room for them.
        sides.update(sides_table(comparison, digest_chars=16 if self.narrow else 64))
        body = sections(comparison, open_shared=self.open_shared)
        hint = "Enter hides what both have" if self.open_shared else "Enter lists what both have"
        if platform_names(comparison):
            hint += f" {glyphs.DOT} p compares another platform"
        body += Content.styled(f"\n\n{hint}", "dim")
        self.query_one("#compare-sections", Static).update(body)

    # --- keys ------------------------------------------------------------------------------------

    def action_toggle_shared(self) -> None:
        if self.comparison is None:
            return
        self.open_shared = not self.open_shared
        self._draw()

    def action_platform(self) -> None:
        comparison = self.comparison
        if comparison is None or self.choose is None:
            return
        names = platform_names(comparison)
        if not names:
            self.notify(
                "Neither side is a multi-platform image: there is no other platform.",
                title="Platform",
                markup=False,
            )
            return
        current = comparison.a.platform if comparison.a.is_index else comparison.b.platform
        if names == [current]:
            self.notify(
                f"{literal(current)} is the only platform both sides have.",
                title="Platform",
                markup=False,
            )
            return
        self.app.push_screen(PlatformPicker(names, current), self._platform_chosen)

    def _platform_chosen(self, name: str | None) -> None:
        comparison = self.comparison
        if name is None or self.choose is None or comparison is None:
            return
        current = comparison.a.platform if comparison.a.is_index else comparison.b.platform
        if name == current:
            return
        self.loading_platform = name
        self.query_one("#compare-title", Static).update(self._title())
        self.choose(parse_platform(name))

    def action_scroll(self, where: str) -> None:
        scroll_container(self, "#compare-body", where)

    def action_help(self) -> None:
        from tagtui.ui.screens.help import HelpScreen

        self.app.push_screen(HelpScreen())

    def action_close(self) -> None:
        self.dismiss(None)
