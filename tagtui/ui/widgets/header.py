"""The one-line header: which registry, whether it answers, and whose credentials are in use."""

from __future__ import annotations

from typing import ClassVar

from textual.content import Content
from textual.reactive import reactive
from textual.widget import Widget

from tagtui.ui import glyphs
from tagtui.ui.format import literal

# state -> (symbol, text); the CSS colours the symbol by the state class.
STATES = {
    "connecting": (glyphs.CONNECTING, "connecting…"),
    "connected": (glyphs.CONNECTED, "connected"),
    "offline": (glyphs.OFFLINE, "unreachable"),
    "login": ("!", "login required"),
    "error": ("!", "error"),
}


class StatusHeader(Widget):
    """``tagtui │ 127.0.0.1:5000 │ ● connected │ credentials: keyring``."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {"status-header--state"}

    state: reactive[str] = reactive("connecting")
    credentials: reactive[str] = reactive("anonymous")

    def __init__(self, registry: str, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.registry = registry

    def watch_state(self, old: str, new: str) -> None:
        self.remove_class(f"-{old}")
        self.add_class(f"-{new}")

    def render(self) -> Content:
        symbol, text = STATES.get(self.state, ("?", self.state))
        separator = Content.styled(" │ ", "dim")
        return Content.assemble(
            Content.styled(" tagtui", "bold"),
            separator,
            Content(literal(self.registry)),
            separator,
            Content.styled(
                f"{symbol} {text}", self.get_visual_style("status-header--state", partial=True)
            ),
            separator,
            Content(f"credentials: {literal(self.credentials)}"),
        )
