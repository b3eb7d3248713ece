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

from tagtui.cleanup.referrers import ORPHANED_NOTE
from tagtui.model import DeleteMethod, DeletePlan, ReferrersOf
from tagtui.natsort import natural_key
from tagtui.referrers import carrier_of
from tagtui.text import short_digest
from tagtui.ui import glyphs
from tagtui.ui.format import literal
from tagtui.ui.screens.scrolling import scroll_container

# What the modal answers: confirm this plan, ask for the whole-digest plan, or None (cancel).
CONFIRM = "confirm"
WHOLE_DIGEST = "whole-digest"
# The separate, explicit choice: this plan, then the referrers of the image it removes.
WITH_REFERRERS = "with-referrers"

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
    scroll_container(screen, "#delete-body", where)


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


def with_referrers_label(referrers: ReferrersOf | None) -> str:
    """The button of the explicit choice: "Delete with its 2 referrers (r)"."""
    count = referrers.count if referrers is not None else 0
    if count == 0:
        return "Delete with its referrer tags (r)"
    return f"Delete with its {count:,} referrer{'' if count == 1 else 's'} (r)"


def referrer_lines(referrers: ReferrersOf, indent: str = "  ") -> list[Content]:
    """One line per referrer: kind, artifact type, short digest, the tag carrying it."""
    lines = []
    for referrer in referrers.referrers[:NAME_LIMIT]:
        artifact = literal(referrer.artifact_type or referrer.media_type or "-")
        kind = referrer.kind.value.ljust(9)
        lines.append(Content(f"{indent}{kind} {short_digest(referrer.digest)}  {artifact}"))
        if referrer.tag:
            lines.append(Content(f"{indent}{'':9} tag {carrier_text(referrer.tag)}"))
    if referrers.count > NAME_LIMIT:
        lines.append(
            Content(f"{indent}{glyphs.ELLIPSIS} and {referrers.count - NAME_LIMIT:,} more")
        )
    listed = {r.tag for r in referrers.referrers if r.tag}
    extra = [c.name for c in referrers.carrier_tags if c.name not in listed]
    if extra:
        shown = ", ".join(carrier_text(name) for name in sorted(extra)[:NAME_LIMIT])
        lines.append(Content(f"{indent}carrier tags: {shown}"))
    return lines


def carrier_text(tag: str) -> str:
    """A carrier tag as the dialog shows it: ``sha256-4a3cdfae6f29….sig`` (the rest of the
    name is the image's digest, shown above); any other name whole, literal."""
    carrier = carrier_of(tag)
    if carrier is None:
        return literal(tag)
    suffix = f".{carrier.suffix}" if carrier.suffix else ""
    return f"sha256-{short_digest(carrier.subject)}{glyphs.CUT}{suffix}"


def referrer_widgets(referrers: ReferrersOf | None, why_they_stay: str | None) -> ComposeResult:
    """The referrers of the image a delete removes, what happens to them by default, and why
    they cannot be deleted with it when the provider cannot."""
    if referrers is None:
        return
    if referrers.unchecked is not None:
        text = f"{glyphs.WARNING} Referrers could not be checked: {literal(referrers.unchecked)}"
        yield Static(Content(text), id="delete-referrers", classes="delete-warning", markup=False)
        return
    if not referrers.anything:
        return
    count = referrers.count
    heading = f"Referrers of this image ({count:,}):" if count else "Referrer tags of this image:"
    lines = [Content.assemble((heading, "bold")), *referrer_lines(referrers)]
    lines.append(Content(ORPHANED_NOTE))
    if why_they_stay is not None:
        lines.append(
            Content(f"Not offered: deleting them with it {glyphs.DASH} {literal(why_they_stay)}.")
        )
    yield Static(Content("\n").join(lines), id="delete-referrers", markup=False)


class DeleteModal(ModalScreen[str | None]):
    """Shows a ``DeletePlan``; ``y`` confirms it, ``n``/Esc cancels."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "confirm", "Delete"),
        Binding("n,escape", "cancel", "Cancel", key_display="n/Esc"),
        Binding("a", "whole_digest", "Whole digest…"),
        Binding("r", "with_referrers", "With referrers"),
        *SCROLL_BINDINGS,
    ]

    def __init__(
        self,
        plan: DeletePlan,
        reference: str,
        *,
        offer_whole_digest: bool,
        referrers_stay: str | None = None,
    ) -> None:
        super().__init__()
        self.plan = plan
        self.reference = reference
        # Why the referrers of the image cannot be deleted with it here (None: they can).
        self.referrers_stay = referrers_stay
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
        rows = " two-button-rows" if self.offer_referrers else ""
        with Vertical(id="delete-dialog", classes="dialog" + rows):
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
                yield from referrer_widgets(plan.referrers, self.referrers_stay)
            with Horizontal(classes="dialog-buttons"):
                yield Button(Content("Cancel (n)"), id="cancel", variant="primary")
                if not plan.refused:
                    yield Button(Content(self._confirm_label()), id="confirm", variant="error")
                if self.offer_whole_digest:
                    label = self._whole_digest_label()
                    yield Button(Content(label), id="whole-digest", variant="warning")
            if self.offer_referrers:
                # Its own row: four buttons do not fit the dialog on an 80-column screen.
                with Horizontal(classes="dialog-buttons second-row"):
                    label = with_referrers_label(self.plan.referrers)
                    yield Button(Content(label), id="with-referrers", variant="error")
        yield Footer()

    @property
    def offer_referrers(self) -> bool:
        """The explicit choice to delete the referrers too: only when there are some and the
        provider can delete them."""
        referrers = self.plan.referrers
        return (
            not self.plan.refused
            and self.referrers_stay is None
            and referrers is not None
            and referrers.anything
        )

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
        elif event.button.id == "with-referrers":
            self.dismiss(WITH_REFERRERS)
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

    def action_with_referrers(self) -> None:
        if self.offer_referrers:
            self.dismiss(WITH_REFERRERS)

    def action_scroll_body(self, where: str) -> None:
        scroll_body(self, where)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # The footer offers the whole-digest key only when the button is there.
        if action == "whole_digest":
            return self.offer_whole_digest
        if action == "with_referrers":
            return self.offer_referrers
        if action == "confirm":
            return not self.plan.refused
        return True
