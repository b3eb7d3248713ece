"""The delete confirmation: exactly what goes, what stays, and Cancel focused first."""

from __future__ import annotations

from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Footer, Static

from tagtui.model import DeleteMethod, DeletePlan
from tagtui.natsort import natural_key
from tagtui.ui import glyphs
from tagtui.ui.format import literal

# What the modal answers: confirm this plan, ask for the whole-digest plan, or None (cancel).
CONFIRM = "confirm"
WHOLE_DIGEST = "whole-digest"

# A registry can hold thousands of tags on one digest; past this many names the list says
# "… and 1,237 more" instead of building a screen nobody scrolls through.
NAME_LIMIT = 100

# The buttons keep the focus; these scroll the body when it is taller than the screen (the
# single and the bulk delete's modals alike: ``action_scroll_body`` calls ``scroll_body``).
SCROLL_BINDINGS: list[BindingType] = [
    Binding("j,down", "scroll_body('down')", "Scroll", key_display="j/k"),
    Binding("k,up", "scroll_body('up')", "Scroll up", show=False),
    Binding("pagedown", "scroll_body('page_down')", "Page down", show=False),
    Binding("pageup", "scroll_body('page_up')", "Page up", show=False),
]


def scroll_body(screen: ModalScreen, where: str) -> None:
    """Scroll the ``#delete-body`` of ``screen``: down, up, page_down or page_up."""
    body = screen.query_one("#delete-body", VerticalScroll)
    {
        "down": body.scroll_down,
        "up": body.scroll_up,
        "page_down": body.scroll_page_down,
        "page_up": body.scroll_page_up,
    }[where](animate=False)


def tag_count(count: int) -> str:
    """1 -> "1 tag", 1249 -> "1,249 tags"."""
    return f"{count:,} tag" if count == 1 else f"{count:,} tags"


def names_text(names: tuple[str, ...] | list[str] | set[str], limit: int = NAME_LIMIT) -> str:
    """Natural-sorted names, the first ``limit`` of them, then how many more there are."""
    ordered = sorted(names, key=natural_key)
    shown = ", ".join(literal(name) for name in ordered[:limit])
    if len(ordered) > limit:
        shown += f" {glyphs.ELLIPSIS} and {len(ordered) - limit:,} more"
    return shown


class DeleteModal(ModalScreen[str | None]):
    """Shows a ``DeletePlan``; ``y`` confirms it, ``n``/Esc cancels."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "confirm", "Delete"),
        Binding("n,escape", "cancel", "Cancel", key_display="n/Esc"),
        Binding("a", "whole_digest", "Whole digest…"),
        *SCROLL_BINDINGS,
    ]

    def __init__(self, plan: DeletePlan, reference: str, *, offer_whole_digest: bool) -> None:
        super().__init__()
        self.plan = plan
        self.reference = reference
        # An image delete already takes everything; offering "the whole digest" would be noise.
        self.offer_whole_digest = (
            offer_whole_digest
            and not plan.whole_digest
            and plan.method is not DeleteMethod.API_IMAGE_DELETE
        )

    @property
    def _image_delete(self) -> bool:
        return self.plan.method is DeleteMethod.API_IMAGE_DELETE

    def _title(self) -> str:
        if self.plan.refused:
            return "This tag cannot be deleted alone"
        if self._image_delete:
            return "Delete the whole image"
        if self.plan.whole_digest:
            return "Delete a digest and all its tags"
        return "Delete a tag"

    def _confirm_label(self) -> str:
        if self._image_delete:
            return "Delete image (y)"
        return "Delete digest (y)" if self.plan.whole_digest else "Delete tag (y)"

    def compose(self) -> ComposeResult:
        plan = self.plan
        with Vertical(id="delete-dialog", classes="dialog"):
            yield Static(Content(self._title()), classes="dialog-title", markup=False)
            # Facts, lists and warnings scroll together; the title and buttons never move.
            with VerticalScroll(id="delete-body", can_focus=False):
                yield Static(self._facts(), id="delete-facts", markup=False)
                if plan.summary:
                    yield Static(Content(literal(plan.summary)), id="delete-summary", markup=False)
                if plan.refused:
                    # Documented to fail: nothing to confirm, only the other choices.
                    yield Static(
                        Content.assemble(("Not offered: ", "bold"), literal(plan.refused) + "."),
                        id="delete-refused",
                        markup=False,
                    )
                for warning in plan.warnings:
                    yield Static(
                        Content(f"{glyphs.WARNING} " + literal(warning)),
                        classes="delete-warning",
                        markup=False,
                    )
                yield from self._lists()
            with Horizontal(classes="dialog-buttons"):
                yield Button(Content("Cancel (n)"), id="cancel", variant="primary")
                if not plan.refused:
                    yield Button(Content(self._confirm_label()), id="confirm", variant="error")
                if self.offer_whole_digest:
                    label = self._whole_digest_label()
                    yield Button(Content(label), id="whole-digest", variant="warning")
        yield Footer()

    def _lists(self) -> ComposeResult:
        """What goes (``plan.removes``) and what stays (``plan.keeps``), in the plan's own words."""
        plan = self.plan
        removes = set(plan.removes)
        if self._image_delete:
            others = removes - {plan.tag}
            if others:
                yield self._list(
                    "delete-removes", f"Tags deleted with it ({len(others):,}): ", others
                )
            return
        # Only the chosen tag: the Tag row and the summary already say so, and "Removes: 1" for
        # a tag named 1 would read like a count.
        if removes != {plan.tag}:
            yield self._list("delete-removes", f"Removes ({tag_count(len(removes))}): ", removes)
        keeps = set(plan.keeps)
        if keeps:
            stay = f" {glyphs.DASH} they stay" if len(keeps) > 1 else f" {glyphs.DASH} it stays"
            yield self._list(
                "delete-keeps",
                f"Other tags on this digest ({len(keeps):,}): ",
                keeps,
                "" if plan.refused else stay,
            )

    @staticmethod
    def _list(widget_id: str, heading: str, names: set[str], tail: str = "") -> Static:
        body = names_text(names) or "nothing"
        content = Content.assemble((heading, "bold"), body, tail)
        return Static(content, id=widget_id, markup=False)

    def _whole_digest_label(self) -> str:
        count = len(set(self.plan.shared_tags) | {self.plan.tag})
        # Short: three buttons share one line of an 80-column screen.
        if count <= 1:
            return "Whole digest (a)"
        return f"Delete all {count:,} tags (a)"

    def _facts(self) -> Table:
        # A table, not a line of text: a long reference or digest folds under its value column
        # instead of pushing the value onto a line of its own.
        plan = self.plan
        table = Table(box=None, show_header=False, pad_edge=False, padding=(0, 1, 0, 0))
        table.add_column(no_wrap=True, style="bold")
        table.add_column(overflow="fold")
        for key, value in (
            # The tag alone first: a folded reference can break inside the tag name
            # (".../nginx:1" then ".25"), which reads like another tag.
            ("Tag", plan.tag),
            ("Reference", self.reference),
            ("Digest", plan.digest or "-"),
            ("Method", plan.method.value),
        ):
            table.add_row(Text(key), Text(literal(value)))
        return table

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
        if not self.plan.refused:
            self.dismiss(CONFIRM)

    def action_cancel(self) -> None:
        self.dismiss(None)

    def action_whole_digest(self) -> None:
        if self.offer_whole_digest:
            self.dismiss(WHOLE_DIGEST)

    def action_scroll_body(self, where: str) -> None:
        scroll_body(self, where)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # The footer offers the whole-digest key only when the button is there.
        if action == "whole_digest":
            return self.offer_whole_digest
        if action == "confirm":
            return not self.plan.refused
        return True
