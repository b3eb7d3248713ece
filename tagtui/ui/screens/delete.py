"""The delete confirmation: exactly what goes, what stays, and Cancel focused first."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from tagtui.model import DeletePlan
from tagtui.natsort import natural_key
from tagtui.ui.format import literal

# What the modal answers: confirm this plan, ask for the whole-digest plan, or None (cancel).
CONFIRM = "confirm"
WHOLE_DIGEST = "whole-digest"


def _names(names: tuple[str, ...] | list[str]) -> str:
    return ", ".join(literal(name) for name in sorted(names, key=natural_key))


class DeleteModal(ModalScreen[str | None]):
    """Shows a ``DeletePlan``; ``y`` confirms it, ``n``/Esc cancels."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "confirm", "Yes, delete"),
        Binding("n,escape", "cancel", "No, cancel"),
    ]

    def __init__(self, plan: DeletePlan, reference: str, *, offer_whole_digest: bool) -> None:
        super().__init__()
        self.plan = plan
        self.reference = reference
        self.offer_whole_digest = offer_whole_digest and not plan.whole_digest

    def compose(self) -> ComposeResult:
        plan = self.plan
        title = "Delete a digest and all its tags" if plan.whole_digest else "Delete a tag"
        sharing = sorted(set(plan.keeps) | (set(plan.removes) - {plan.tag}), key=natural_key)
        with Vertical(id="delete-dialog", classes="dialog"):
            yield Static(Content(title), classes="dialog-title", markup=False)
            yield Static(self._facts(), id="delete-facts", markup=False)
            with VerticalScroll(id="delete-lists"):
                yield Static(
                    Content(literal(plan.summary or "")), id="delete-summary", markup=False
                )
                yield Static(
                    Content.assemble(("Removes: ", "bold"), _names(plan.removes) or "nothing"),
                    id="delete-removes",
                    markup=False,
                )
                if sharing:
                    fate = " — removed too" if plan.whole_digest else " — they stay"
                    yield Static(
                        Content.assemble(
                            (f"Other tags on this digest ({len(sharing)}): ", "bold"),
                            _names(sharing),
                            fate,
                        ),
                        id="delete-shared",
                        markup=False,
                    )
                for warning in plan.warnings:
                    yield Static(
                        Content("⚠ " + literal(warning)), classes="delete-warning", markup=False
                    )
            with Horizontal(classes="dialog-buttons"):
                yield Button(Content("Cancel (n)"), id="cancel", variant="primary")
                confirm = "Delete digest (y)" if plan.whole_digest else "Delete tag (y)"
                yield Button(Content(confirm), id="confirm", variant="error")
                if self.offer_whole_digest:
                    count = len(set(plan.shared_tags) | {plan.tag}) if plan.shared_tags else None
                    label = "Delete digest + all its tags…"
                    if count:
                        label = f"Delete digest + all {count} tags…"
                    yield Button(Content(label), id="whole-digest", variant="warning")

    def _facts(self) -> Content:
        plan = self.plan
        rows = [
            ("Reference", self.reference),
            ("Digest", plan.digest or "-"),
            ("Method", plan.method.value),
        ]
        parts: list[Content | tuple[str, str] | str] = []
        for index, (key, value) in enumerate(rows):
            if index:
                parts.append("\n")
            parts.append((f"{key:<10} ", "bold"))
            parts.append(literal(value))
        return Content.assemble(*parts)

    def on_mount(self) -> None:
        # Cancel first: Enter on a freshly opened modal must never delete anything.
        self.query_one("#cancel", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "confirm":
            self.dismiss(CONFIRM)
        elif event.button.id == "whole-digest":
            self.dismiss(WHOLE_DIGEST)
        else:
            self.dismiss(None)

    def action_confirm(self) -> None:
        self.dismiss(CONFIRM)

    def action_cancel(self) -> None:
        self.dismiss(None)
