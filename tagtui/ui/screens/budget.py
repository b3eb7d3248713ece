"""Asked before background work spends the last tenth of a registry's request budget."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Footer, Static

from tagtui.model import RateLimit
from tagtui.ui.format import duration, literal, timestamp


def budget_text(registry: str, rate: RateLimit, work: str, requests: int) -> str:
    window = f" in its {duration(rate.window_seconds)} window" if rate.window_seconds else ""
    refill = f" It refills at {timestamp(rate.resets_at)}." if rate.resets_at else ""
    return (
        f"{literal(registry)} allows {rate.remaining:,} more of {rate.limit:,} requests"
        f"{window}.{refill}\n\n{work}: up to {requests:,} requests. Past the limit the "
        "registry refuses requests (on Docker Hub, pulls too) until the window refills."
    )


class BudgetModal(ModalScreen[bool]):
    """``y`` goes on, ``n``/Esc does not; "Not now" has the focus."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "go_on", "Go on"),
        Binding("n,escape", "not_now", "Not now", key_display="n/Esc"),
    ]

    def __init__(self, registry: str, rate: RateLimit, work: str, requests: int) -> None:
        super().__init__()
        self.text = budget_text(registry, rate, work, requests)

    def compose(self) -> ComposeResult:
        with Vertical(id="budget-dialog", classes="dialog"):
            yield Static(Content("Rate limit nearly spent"), classes="dialog-title", markup=False)
            yield Static(Content(self.text), id="budget-text", markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button(Content("Not now (n)"), id="not-now", variant="primary")
                yield Button(Content("Go on (y)"), id="go-on", variant="warning")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#not-now", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id == "go-on")

    def action_go_on(self) -> None:
        self.dismiss(True)

    def action_not_now(self) -> None:
        self.dismiss(False)
