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

import asyncio
from typing import TYPE_CHECKING

from textual.worker import Worker

from tagtui.model import DeletePlan, DeleteResult
from tagtui.text import join_names
from tagtui.ui.errors import as_error
from tagtui.ui.flows import DELETE_GROUP
from tagtui.ui.format import literal, short_digest
from tagtui.ui.screens.delete import CONFIRM, WHOLE_DIGEST, DeleteModal
from tagtui.ui.widgets.tag_tree import TagRow

if TYPE_CHECKING:
    from tagtui.ui.flows.bulk_delete import BulkDeleteFlow
    from tagtui.ui.screens.main import MainScreen


def deleted_note(repository: str, result: DeleteResult) -> str:
    """One notification for a delete: what went, then what the provider adds to that (its
    messages never restate the removed tags), then what was left behind."""
    removed = join_names([literal(name) for name in result.removed]) or "nothing"
    lines = [f"Removed {removed} from {literal(repository)}."]
    lines += [literal(line) for line in result.messages]
    lines += [f"Left behind: {literal(line)}" for line in result.leftovers]
    return "\n".join(lines)


def start_delete(
    screen: MainScreen, running: DeleteFlow | BulkDeleteFlow | None, *, whole_digest: bool
) -> DeleteFlow | BulkDeleteFlow | None:
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

        bulk = BulkDeleteFlow(screen, screen.repository, marked)
        bulk.worker = screen.run_worker(bulk.run(), group=DELETE_GROUP, exit_on_error=False)
        return bulk
    assert isinstance(row, TagRow) and screen.repository is not None
    # Without tag deletion the only honest offer is the whole digest.
    flow = DeleteFlow(
        screen, screen.repository, row.name, whole_digest or not capabilities.tag_delete
    )
    flow.worker = screen.run_worker(flow.run(), group=DELETE_GROUP, exit_on_error=False)
    return flow


class DeleteFlow:
    """One delete the user started; ``planning`` while Esc may still call it off."""

    def __init__(self, screen: MainScreen, repository: str, tag: str, whole_digest: bool) -> None:
        self.screen = screen
        self.repository = repository
        self.tag = tag
        self.whole_digest = whole_digest
        self.planning = False
        self.worker: Worker[None] | None = None

    @property
    def acting(self) -> bool:
        """Past planning and not finished: the plan is being confirmed or carried out."""
        return self.worker is not None and not self.worker.is_finished and not self.planning

    def cancel_planning(self) -> bool:
        """Esc while the plan is computed: stop, nothing was changed."""
        if not self.planning or self.worker is None:
            return False
        self.worker.cancel()
        return True

    async def run(self) -> None:
        screen = self.screen
        plan = await self._plan_and_confirm()
        if plan is None:
            return
        try:
            result = await screen.provider.delete(plan)
        except Exception as exc:
            screen.report(as_error(exc))
            return
        screen.notify(deleted_note(plan.repository, result), title="Deleted", markup=False)
        if plan.repository != screen.repository:
            return
        # What went leaves the list at once; then the tags are listed again to be sure.
        screen.detail.forget()
        tags = screen.tags_pane
        tags.remove_tags(result.removed)
        screen.repos_pane.set_tag_count(plan.repository, len(tags.catalog))
        tags.reload(select=tags.highlighted_tag())

    async def _plan_and_confirm(self) -> DeletePlan | None:
        """The plan the user confirmed, or None (cancelled, failed, or moved elsewhere)."""
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
                plan, reference, offer_whole_digest=provider.capabilities.digest_delete
            )
            choice = await screen.app.push_screen_wait(modal)
            if choice == CONFIRM:
                return plan
            if choice != WHOLE_DIGEST:
                return None
            whole_digest = True  # the explicit second choice: plan that, and confirm it

    async def _plan(self, whole_digest: bool) -> DeletePlan | None:
        screen = self.screen
        known = screen.catalog.tag(self.tag)
        digest = known.digest if known is not None else None
        of = (
            f"{literal(digest.partition(':')[0])}:{short_digest(digest, 12)}…"
            if digest
            else f"the digest of {literal(self.tag)}"
        )
        # Finding every tag on the digest can take seconds: say so at once.
        self.planning = True
        screen.tags_pane.show_planning(
            f"Checking which tags share {of} ({len(screen.catalog):,} tags). Esc cancels."
        )
        try:
            return await screen.provider.plan_delete(
                self.repository, self.tag, whole_digest=whole_digest
            )
        except asyncio.CancelledError:
            screen.notify("Delete cancelled: nothing was changed.", title="Delete", markup=False)
            raise
        except Exception as exc:
            screen.report(as_error(exc))
            return None
        finally:
            self.planning = False
            screen.tags_pane.show_planning(None)
