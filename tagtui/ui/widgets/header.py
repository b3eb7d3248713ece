"""The one-line header: which registry, whether it answers, and whose credentials are in use."""

from __future__ import annotations

from typing import ClassVar

from textual.content import Content
from textual.reactive import reactive
from textual.widget import Widget

from tagtui.model import RateLimit
from tagtui.ui import glyphs
from tagtui.ui.format import literal, rate_budget, shorten_middle


def states() -> dict[str, tuple[str, str]]:
    """state -> (symbol, text); the CSS colours the symbol by the state class."""
    return {
        "connecting": (glyphs.CONNECTING, f"connecting{glyphs.ELLIPSIS}"),
        "connected": (glyphs.CONNECTED, "connected"),
        "offline": (glyphs.OFFLINE, "unreachable"),
        "login": ("!", "login required"),
        "error": ("!", "error"),
    }


class StatusHeader(Widget):
    """``tagtui │ 127.0.0.1:5000 │ ● connected │ credentials: keyring``."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {"status-header--state", "status-header--low"}

    state: reactive[str] = reactive("connecting")
    credentials: reactive[str] = reactive("anonymous")
    # The registry's stated request budget (Docker Hub's pulls); None hides the gauge.
    rate: reactive[RateLimit | None] = reactive(None)

    def __init__(self, registry: str, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.registry = registry

    def watch_state(self, old: str, new: str) -> None:
        self.remove_class(f"-{old}")
        self.add_class(f"-{new}")

    def render(self) -> Content:
        # Narrow terminals: words give way before facts, so the credential source stays
        # readable at 80 columns ("as alice from environment (rejected)").
        width = self.size.width
        line = self._line("credentials: ", with_state_text=True, brand=True)
        for label, state_text, brand in (("as ", True, True), ("as ", False, True)):
            if not width or line.cell_length <= width:
                return line
            line = self._line(label, with_state_text=state_text, brand=brand)
        if line.cell_length > width:
            line = self._line("as ", with_state_text=False, brand=True, rate_words=False)
        if line.cell_length <= width:
            return line
        line = self._line("as ", with_state_text=False, brand=False, rate_words=False)
        room = max(5, width - (line.cell_length - len(literal(self.registry))))
        return self._line(
            "as ", with_state_text=False, brand=False, registry_room=room, rate_words=False
        )

    def _line(
        self,
        label: str,
        *,
        with_state_text: bool,
        brand: bool,
        registry_room: int | None = None,
        rate_words: bool = True,
    ) -> Content:
        symbol, text = states().get(self.state, ("?", self.state))
        separator = Content.styled(f" {glyphs.SEPARATOR} ", "dim")
        registry = literal(self.registry)
        if registry_room is not None:
            registry = shorten_middle(registry, registry_room)
        state = f"{symbol} {text}" if with_state_text else symbol
        parts = [Content.styled(" tagtui", "bold"), separator] if brand else [Content(" ")]
        return Content.assemble(
            *parts,
            Content(registry),
            separator,
            Content.styled(state, self.get_visual_style("status-header--state", partial=True)),
            separator,
            *self._rate(separator, words=rate_words),
            Content(f"{label}{literal(self.credentials)}"),
        )

    def _rate(self, separator: Content, *, words: bool) -> list[Content]:
        if self.rate is None:
            return []
        text = rate_budget(self.rate, words=words)
        if self.rate.low:
            style = self.get_visual_style("status-header--low", partial=True)
            return [Content.styled(f"{glyphs.WARNING} {text}", style), separator]
        return [Content(text), separator]
