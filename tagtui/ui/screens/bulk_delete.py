"""Deleting many tags: one confirmation grouped by digest, then progress that Esc can stop.

The confirmation shows, per digest, the tags that go and the tags that stay on it, the method,
and totals (tags, images removed, reclaimable bytes and how they were counted); the tags that
will not be deleted are listed with the reason. Cancel has the focus: Enter never deletes.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Footer, ProgressBar, Static

from tagtui.cleanup.plan import CleanupPlan, DigestGroup
from tagtui.cleanup.referrers import ORPHANED_NOTE
from tagtui.cleanup.run import DELETED, FAILED, NOT_STARTED, SKIPPED, Outcome, Progress
from tagtui.text import human_size, short_digest
from tagtui.ui import glyphs
from tagtui.ui.format import literal
from tagtui.ui.screens.delete import (
    SCROLL_BINDINGS,
    WITH_REFERRERS,
    names_text,
    referrer_lines,
    scroll_body,
    tag_count,
)

# Past this many digests the list says how many more there are.
GROUP_LIMIT = 1000


def group_lines(groups: Sequence[DigestGroup]) -> Content:
    """Per digest: what goes, what stays, how."""
    parts: list[Content] = []
    for group in groups[:GROUP_LIMIT]:
        head = f"{short_digest(group.digest)} {glyphs.DOT} " if group.digest else ""
        fate = "image removed" if group.image_removed else "image stays"
        parts.append(Content.assemble((f"{head}{group.method.value} {glyphs.DOT} {fate}", "bold")))
        parts.append(Content("  goes: " + names_text(group.going)))
        if group.staying:
            parts.append(Content("  stays on it: " + names_text(group.staying)))
        referrers = group.referrers
        if referrers is not None and referrers.unchecked is not None:
            reason = literal(referrers.unchecked)
            parts.append(Content(f"  {glyphs.WARNING} referrers could not be checked: {reason}"))
        elif referrers is not None and referrers.anything:
            parts.append(Content(f"  referrers ({referrers.count:,}):"))
            parts += referrer_lines(referrers, indent="    ")
    if len(groups) > GROUP_LIMIT:
        parts.append(Content(f"{glyphs.ELLIPSIS} and {len(groups) - GROUP_LIMIT:,} more digests"))
    return Content("\n").join(parts)


class BulkDeleteModal(ModalScreen[bool | str]):
    """Shows a ``CleanupPlan``; ``y`` confirms it (True), ``n``/Esc cancels (False), ``r``
    confirms it with the referrers of the images removed (``WITH_REFERRERS``)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "confirm", "Delete"),
        Binding("n,escape", "cancel", "Cancel", key_display="n/Esc"),
        Binding("r", "with_referrers", "With referrers"),
        *SCROLL_BINDINGS,
    ]

    def __init__(
        self, plan: CleanupPlan, repository: str, *, referrers_stay: str | None = None
    ) -> None:
        super().__init__()
        self.plan = plan
        self.repository = repository
        # Why the referrers cannot be deleted with the images here (None: they can).
        self.referrers_stay = referrers_stay

    @property
    def _referrer_count(self) -> int:
        return sum(r.count for r in self.plan.referrers)

    @property
    def offer_referrers(self) -> bool:
        return (
            bool(self._count)
            and self.referrers_stay is None
            and any(r.anything for r in self.plan.referrers)
        )

    @property
    def _count(self) -> int:
        return len(self.plan.going)

    def compose(self) -> ComposeResult:
        plan = self.plan
        title = f"Delete {tag_count(self._count)}" if self._count else "Nothing can be deleted"
        rows = " two-button-rows" if self.offer_referrers else ""
        with Vertical(id="delete-dialog", classes="dialog" + rows):
            yield Static(Content(title), classes="dialog-title", markup=False)
            with VerticalScroll(id="delete-body", can_focus=False):
                yield Static(self._facts(), id="delete-facts", markup=False)
                if plan.groups:
                    yield Static(group_lines(plan.groups), id="bulk-groups", markup=False)
                if plan.unplanned:
                    lines = [
                        Content.assemble(
                            (f"Not deleted ({tag_count(len(plan.unplanned))}):", "bold")
                        )
                    ]
                    lines += [
                        Content(f"  {literal(u.tag)} {glyphs.DASH} {literal(u.reason)}")
                        for u in plan.unplanned[:GROUP_LIMIT]
                    ]
                    yield Static(
                        Content("\n").join(lines), id="bulk-unplanned", classes="delete-warning"
                    )
                if any(r.anything for r in plan.referrers):
                    notes = [ORPHANED_NOTE]
                    if self.referrers_stay is not None:
                        why = literal(self.referrers_stay)
                        notes.append(
                            f"Not offered: deleting them with the images {glyphs.DASH} {why}."
                        )
                    yield Static(Content(" ".join(notes)), id="bulk-referrers", markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button(Content("Cancel (n)"), id="cancel", variant="primary")
                if self._count:
                    label = f"Delete {tag_count(self._count)} (y)"
                    yield Button(Content(label), id="confirm", variant="error")
            if self.offer_referrers:
                with Horizontal(classes="dialog-buttons second-row"):
                    count = self._referrer_count
                    label = f"Delete with their {count:,} referrer{'' if count == 1 else 's'} (r)"
                    yield Button(Content(label), id="with-referrers", variant="error")
        yield Footer()

    def _facts(self) -> Table:
        plan = self.plan
        table = Table(box=None, show_header=False, pad_edge=False, padding=(0, 1, 0, 0))
        table.add_column(no_wrap=True, style="bold")
        table.add_column(overflow="fold")
        if plan.reclaimable is None:
            space = plan.reclaimable_note
        else:
            space = f"{human_size(plan.reclaimable)} ({plan.reclaimable_note})"
        images = plan.images_removed
        for key, value in (
            ("Repository", literal(self.repository)),
            ("Tags", f"{tag_count(self._count)} deleted"),
            ("Images", f"{images:,} removed (no tag left on them)"),
            *self._referrer_facts(),
            ("Reclaimable", space),
            ("Method", ", ".join(m.value for m in plan.methods) or "-"),
        ):
            table.add_row(Text(key), Text(value))
        return table

    def _referrer_facts(self) -> list[tuple[str, str]]:
        found = self.plan.referrers
        if not found:
            return []
        unchecked = sum(1 for r in found if r.unchecked is not None)
        text = f"{self._referrer_count:,} of the images removed {glyphs.DASH} they stay unless r"
        if unchecked:
            text += f"; {unchecked:,} image{'' if unchecked == 1 else 's'} could not be checked"
        return [("Referrers", text)]

    def on_mount(self) -> None:
        self.query_one("#cancel", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "with-referrers":
            self.dismiss(WITH_REFERRERS)
        else:
            self.dismiss(event.button.id == "confirm")

    def action_with_referrers(self) -> None:
        if self.offer_referrers:
            self.dismiss(WITH_REFERRERS)

    def action_confirm(self) -> None:
        if self._count:
            self.dismiss(True)

    def action_cancel(self) -> None:
        self.dismiss(False)

    def action_scroll_body(self, where: str) -> None:
        scroll_body(self, where)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "with_referrers":
            return self.offer_referrers
        return bool(self._count) if action == "confirm" else True


def result_text(outcomes: Sequence[Outcome], referrers: Sequence[Outcome] = ()) -> Content:
    """What was and was not done: counts, then every tag that was not deleted and why; then
    the same for the referrers deleted with the images."""
    counts = {s: sum(1 for o in outcomes if o.status == s) for s in (DELETED, SKIPPED, FAILED)}
    not_started = sum(1 for o in outcomes if o.status == NOT_STARTED)
    head = f"Deleted {counts[DELETED]:,} of {tag_count(len(outcomes))}."
    rest = [f"{counts[SKIPPED]:,} skipped", f"{counts[FAILED]:,} failed"]
    if not_started:
        rest.append(f"{not_started:,} not started (cancelled)")
    lines = [Content.assemble((head, "bold"), " " + ", ".join(rest) + ".")]
    for outcome in outcomes:
        if outcome.status in (SKIPPED, FAILED):
            lines.append(
                Content(
                    f"{glyphs.WARNING} {literal(outcome.tag)}: {outcome.status} {glyphs.DASH} "
                    f"{literal(outcome.message)}"
                )
            )
    if referrers:
        done = sum(1 for o in referrers if o.status == DELETED)
        head = f"Referrers: deleted {done:,} of {len(referrers):,}."
        lines.append(Content.assemble((head, "bold")))
        for outcome in referrers:
            why = f" {glyphs.DASH} {literal(outcome.message)}" if outcome.message else ""
            mark = "" if outcome.status == DELETED else f"{glyphs.WARNING} "
            lines.append(Content(f"{mark}{literal(outcome.tag)}: {outcome.status}{why}"))
    return Content("\n").join(lines)


class BulkProgressModal(ModalScreen[None]):
    """Progress of a bulk delete; Esc stops it (the deletes in flight finish), then the
    result, which Esc or Enter closes."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "stop", "Cancel", key_display="Esc"),
        Binding("escape,enter", "close", "Close", key_display="Esc"),
        *SCROLL_BINDINGS,
    ]

    def __init__(self, total: int) -> None:
        super().__init__()
        self.total = total
        self.stop = asyncio.Event()
        self.finished = False

    def compose(self) -> ComposeResult:
        with Vertical(id="delete-dialog", classes="dialog"):
            yield Static(
                Content(f"Deleting {tag_count(self.total)}"),
                id="bulk-title",
                classes="dialog-title",
                markup=False,
            )
            yield ProgressBar(total=self.total, show_eta=False, id="bulk-progress")
            yield Static(Content(f"0 / {self.total:,} {glyphs.DOT} no failures"), id="bulk-count")
            with VerticalScroll(id="delete-body", can_focus=False):
                yield Static(Content(""), id="bulk-result", markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button(Content("Cancel (Esc)"), id="bulk-stop", variant="warning")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#bulk-stop", Button).focus()

    def advance(self, progress: Progress) -> None:
        self.query_one(ProgressBar).update(progress=progress.done)
        failed = "no failures" if not progress.failed else f"{progress.failed:,} not deleted"
        cancelling = (
            f" {glyphs.DOT} cancelling: the deletes under way finish" if self.stop.is_set() else ""
        )
        self.query_one("#bulk-count", Static).update(
            Content(f"{progress.done:,} / {progress.total:,} {glyphs.DOT} {failed}{cancelling}")
        )

    def deleting_referrers(self) -> None:
        """The tags are done; the referrers of the images removed are deleted next."""
        if not self.stop.is_set():
            self.query_one("#bulk-count", Static).update(
                Content(f"Deleting the referrers of the images removed{glyphs.ELLIPSIS} Esc stops")
            )

    def show_result(self, outcomes: Sequence[Outcome], referrers: Sequence[Outcome] = ()) -> None:
        self.finished = True
        ended = "Cancelled" if self.stop.is_set() else "Finished"
        title = f"{ended}: deleting {tag_count(self.total)}"
        self.query_one("#bulk-title", Static).update(Content(title))
        self.query_one("#bulk-result", Static).update(result_text(outcomes, referrers))
        button = self.query_one("#bulk-stop", Button)
        button.label = Content("Close (Esc)")
        button.variant = "primary"
        self.refresh_bindings()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if self.finished:
            self.action_close()
        else:
            self.action_stop()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "stop":
            return not self.finished
        if action == "close":
            return self.finished
        return True

    def action_close(self) -> None:
        self.dismiss(None)

    def action_stop(self) -> None:
        if self.stop.is_set():
            return
        self.stop.set()
        self.query_one("#bulk-count", Static).update(
            Content(
                f"Cancelling: the deletes under way finish, nothing else starts{glyphs.ELLIPSIS}"
            )
        )

    def action_scroll_body(self, where: str) -> None:
        scroll_body(self, where)
