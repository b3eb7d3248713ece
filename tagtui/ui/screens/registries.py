"""The registry switcher (`o`): the registries of this session, config.toml and the docker and
podman credential files, a filter, and a way to open one not listed.

Opening happens here, so a name that cannot be opened (a bad host, a broken config entry, a
vendor without its credentials) says why in the dialog and the current registry stays.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Footer, Input, OptionList, Static
from textual.widgets.option_list import Option

from tagtui.errors import TagtuiError
from tagtui.session.registries import Choices, RegistryChoice
from tagtui.ui import glyphs
from tagtui.ui.format import literal, shorten_middle

# Names are padded to one column up to this width; longer ones shorten in the middle.
NAME_WIDTH = 26
TYPED_ID = "registries-typed"

#: Opens a name and answers the key of its registry (raises TagtuiError when it cannot).
Opener = Callable[[str], Awaitable[str]]


def choice_row(choice: RegistryChoice, name_width: int, origin_width: int = 0) -> Content:
    """``● 127.0.0.1:5000        this session``: literal text, never markup."""
    marker = glyphs.CONNECTED if choice.current else " "
    name = shorten_middle(literal(choice.name), name_width).ljust(name_width)
    parts = [Content(f"{marker} "), Content(name), Content("  ")]
    origins = ", ".join(choice.origins).ljust(origin_width)
    parts.append(Content.styled(origins, "bold" if choice.current else ""))
    if choice.about:
        parts.append(Content.styled(f"  {literal(choice.about)}", "dim"))
    return Content.assemble(*parts)


def matches(choice: RegistryChoice, text: str) -> bool:
    wanted = text.strip().lower()
    where = " ".join((choice.name, choice.about, *choice.origins)).lower()
    return all(word in where for word in wanted.split())


class RegistryPicker(ModalScreen[str | None]):
    """Answers the key of the registry to show, or None (Esc)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", key_display="Esc"),
        # Priority: the filter input would take Enter (and hide it from the footer).
        Binding("enter", "open", "Open", key_display="Enter", priority=True),
        Binding("down", "move(1)", "Down", show=False),
        Binding("up", "move(-1)", "Up", show=False),
    ]

    def __init__(self, choices: Choices, opener: Opener) -> None:
        super().__init__()
        self.choices = choices
        self.opener = opener
        # The names of the options shown, in order; the typed-name option comes last.
        self.shown: list[str] = []
        self.opening = False
        longest = max((len(literal(c.name)) for c in choices.choices), default=0)
        self.name_width = min(max(longest, 12), NAME_WIDTH)
        self.origin_width = max((len(", ".join(c.origins)) for c in choices.choices), default=0)

    def compose(self) -> ComposeResult:
        with Vertical(id="registries-dialog", classes="dialog"):
            yield Static(Content("Registries"), classes="dialog-title", markup=False)
            yield Input(
                id="registries-filter",
                placeholder="filter, or type a host or host/repo:tag to open",
            )
            yield OptionList(id="registries-list")
            problem = self.choices.problem
            yield Static(
                Content(literal(problem) if problem else ""),
                id="registries-error",
                classes="-error" if problem else "",
                markup=False,
            )
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#registries-list", OptionList).can_focus = False
        self._fill("")
        self.query_one("#registries-filter", Input).focus()

    def _fill(self, text: str) -> None:
        listing = self.query_one("#registries-list", OptionList)
        shown = [c for c in self.choices.choices if matches(c, text)]
        options = [Option(choice_row(c, self.name_width, self.origin_width)) for c in shown]
        self.shown = [c.name for c in shown]
        typed = text.strip()
        if typed and typed not in self.shown:
            options.append(Option(Content("Open ") + Content(literal(typed)), id=TYPED_ID))
            self.shown.append(typed)
        listing.set_options(options)
        if options:
            # The current registry is first: a fresh list starts on the one to go back to.
            first = 1 if not typed and len(shown) > 1 and shown[0].current else 0
            listing.highlighted = first

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        self._fill(event.value)

    async def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        await self.open_name(self.shown[event.option_index])

    def action_move(self, step: int) -> None:
        listing = self.query_one("#registries-list", OptionList)
        if step > 0:
            listing.action_cursor_down()
        else:
            listing.action_cursor_up()

    async def action_open(self) -> None:
        await self.open_highlighted()

    async def open_highlighted(self) -> None:
        index = self.query_one("#registries-list", OptionList).highlighted
        if index is None or index >= len(self.shown):
            self._say("Type a registry to open, or pick one from the list.", error=True)
            return
        await self.open_name(self.shown[index])

    async def open_name(self, name: str) -> None:
        if self.opening:
            return
        self.opening = True
        self._say(f"Opening {literal(name)}{glyphs.ELLIPSIS}")
        try:
            key = await self.opener(name)
        except TagtuiError as err:
            self._say(f"Cannot open {literal(name)}: {literal(str(err))}", error=True)
            return
        except Exception as err:  # a bug, said here: the current registry must stay usable
            why = literal(f"{type(err).__name__}: {err}", limit=200)
            self._say(f"Cannot open {literal(name)}: {why}", error=True)
            return
        finally:
            self.opening = False
        self.dismiss(key)

    def _say(self, text: str, *, error: bool = False) -> None:
        line = self.query_one("#registries-error", Static)
        line.set_class(error, "-error")
        line.update(Content(text))

    def action_cancel(self) -> None:
        self.dismiss(None)
