"""Deleting a tag, from the keypress to the updated list, top to bottom.

1. ``d`` on a tag row (``MainScreen.action_delete``): ``start_delete`` checks that a tag is
   highlighted and what the provider allows, and starts ``DeleteFlow.run`` as one worker.
2. Plan: the provider works out what goes and what stays (it may ask about every tag, so the
   tag pane says so and Esc cancels, changing nothing).
3. Confirm: the modal shows the plan; the user may ask for the whole-digest plan instead, which
   is planned and confirmed the same way.
4. Delete exactly that plan (the provider re-checks that the tag did not move).
5. Update: say what went, take it off the list, re-list the tags.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from tagtui.cleanup.referrers import (
    delete_referrers,
    deleted_carrier_tags,
    not_started,
    plan_with_referrers,
    why_referrers_stay,
)
from tagtui.cleanup.run import DELETED, Outcome
from tagtui.model import DeletePlan, DeleteResult
from tagtui.text import join_names
from tagtui.ui import glyphs
from tagtui.ui.errors import as_error
from tagtui.ui.flows.planning import PlanningFlow
from tagtui.ui.format import literal, short_digest
from tagtui.ui.screens.delete import CONFIRM, WHOLE_DIGEST, WITH_REFERRERS, DeleteModal
from tagtui.ui.widgets.tag_tree import TagRow

if TYPE_CHECKING:
    from tagtui.ui.screens.main import MainScreen


def deleted_note(repository: str, result: DeleteResult) -> str:
    """One notification for a delete: what went, then what the provider adds to that (its
    messages never restate the removed tags), then what was left behind."""
    removed = join_names([literal(name) for name in result.removed]) or "nothing"
    lines = [f"Removed {removed} from {literal(repository)}."]
    lines += [literal(line) for line in result.messages]
    lines += [f"Left behind: {literal(line)}" for line in result.leftovers]
    return "\n".join(lines)


def referrers_note(outcomes: Sequence[Outcome]) -> str:
    """What became of each referrer (and carrier tag) deleted with the image."""
    done = sum(1 for o in outcomes if o.status == DELETED)
    lines = [f"Referrers: {done:,} of {len(outcomes):,} deleted."]
    for outcome in outcomes:
        why = f" {glyphs.DASH} {literal(outcome.message)}" if outcome.message else ""
        lines.append(f"{literal(outcome.tag)}: {outcome.status}{why}")
    return "\n".join(lines)


def start_delete(
    screen: MainScreen, running: PlanningFlow | None, *, whole_digest: bool
) -> PlanningFlow | None:
    """``d`` (or ``D``): start a delete of the marked tags, else of the highlighted tag, or
    say why not."""
    if screen.focused_pane() == "repo-pane":
        screen.notify(
            "Open a repository (Enter) and highlight a tag to delete it.",
            title="Delete",
            severity="warning",
            markup=False,
        )
        return None
    marked = screen.tags_pane.marked_tags() if screen.repository is not None else []
    row = screen.tag_tree.highlighted_row
    if not marked and (screen.repository is None or not isinstance(row, TagRow)):
        screen.notify("Highlight a tag to delete it.", severity="warning", markup=False)
        return None
    provider = screen.provider
    capabilities = provider.capabilities
    if not capabilities.delete:
        reason = capabilities.note or f"{provider.display_name} does not allow deleting."
        screen.notify(literal(reason), title="Deletion disabled", severity="warning", markup=False)
        return None
    if whole_digest and not capabilities.digest_delete:
        screen.notify(
            "This registry cannot delete a digest with all its tags.",
            title="Not supported",
            severity="warning",
            markup=False,
        )
        return None
    if running is not None and running.acting:
        screen.notify(
            "A delete is under way: wait for it to finish.",
            title="Delete",
            severity="warning",
            markup=False,
        )
        return None
    if running is not None:
        running.cancel_planning()  # d on another tag replaces a plan still computed
    if marked and screen.repository is not None:
        # With marks, d deletes the marked tags (all of them, in one confirmation).
        from tagtui.ui.flows.bulk_delete import BulkDeleteFlow

        return BulkDeleteFlow(screen, screen.repository, marked).start()
    assert isinstance(row, TagRow) and screen.repository is not None
    # Without tag deletion the only honest offer is the whole digest.
    return DeleteFlow(
        screen, screen.repository, row.name, whole_digest or not capabilities.tag_delete
    ).start()


class DeleteFlow(PlanningFlow):
    """One delete of one tag (or of its digest with every tag on it)."""

    def __init__(self, screen: MainScreen, repository: str, tag: str, whole_digest: bool) -> None:
        super().__init__(screen, repository)
        self.tag = tag
        self.whole_digest = whole_digest

    async def run(self) -> None:
        screen = self.screen
        confirmed = await self._plan_and_confirm()
        if confirmed is None:
            return
        plan, with_referrers = confirmed
        try:
            result = await screen.provider.delete(plan)
        except Exception as exc:
            screen.report(as_error(exc))
            return
        screen.notify(deleted_note(plan.repository, result), title="Deleted", markup=False)
        removed = list(result.removed)
        if with_referrers and plan.referrers is not None:
            # Only after the image went: a delete that left a tag leaves the referrers alone.
            if all(name in result.removed for name in plan.removes):
                outcomes = await delete_referrers(screen.provider, plan.repository, plan.referrers)
            else:
                outcomes = not_started(plan.referrers, "the image was not removed")
            failed = any(o.status != DELETED for o in outcomes)
            screen.notify(
                referrers_note(outcomes),
                title="Referrers",
                severity="warning" if failed else "information",
                markup=False,
            )
            removed += deleted_carrier_tags(plan.referrers, outcomes)
        self.take_off_the_list(plan.repository, removed)

    async def _plan_and_confirm(self) -> tuple[DeletePlan, bool] | None:
        """The plan the user confirmed and whether its referrers go too, or None (cancelled,
        failed, or moved elsewhere)."""
        screen = self.screen
        provider = screen.provider
        whole_digest = self.whole_digest
        while True:
            plan = await self._plan(whole_digest)
            if plan is None or plan.repository != screen.repository:
                return None
            if plan.digest:
                screen.tags_pane.learn_sharing(plan.digest, {*plan.shared_tags, plan.tag})
            reference = provider.pull_reference(plan.repository, plan.tag)
            modal = DeleteModal(
                plan,
                reference,
                offer_whole_digest=provider.capabilities.digest_delete,
                referrers_stay=why_referrers_stay(provider),
            )
            choice = await screen.app.push_screen_wait(modal)
            if choice in (CONFIRM, WITH_REFERRERS):
                return plan, choice == WITH_REFERRERS
            if choice != WHOLE_DIGEST:
                return None
            whole_digest = True  # the explicit second choice: plan that, and confirm it

    async def _plan(self, whole_digest: bool) -> DeletePlan | None:
        screen = self.screen
        known = screen.catalog.tag(self.tag)
        digest = known.digest if known is not None else None
        of = (
            f"{literal(digest.partition(':')[0])}:{short_digest(digest, 12)}{glyphs.ELLIPSIS}"
            if digest
            else f"the digest of {literal(self.tag)}"
        )
        provider = screen.provider
        # Every listed name (the hidden carrier tags too) spares lookups of cosign's tags; a
        # list still arriving is not all of them.
        names = None if screen.tags_pane.listing else screen.catalog.names()

        async def compute() -> DeletePlan:
            plan = await provider.plan_delete(self.repository, self.tag, whole_digest=whole_digest)
            return await plan_with_referrers(provider, plan, tags=names)

        # Finding every tag on the digest can take seconds: say so at once.
        return await self.planned(
            f"Checking which tags share {of} ({len(screen.catalog):,} tags). Esc cancels.",
            compute,
        )
