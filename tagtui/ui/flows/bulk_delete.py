"""Deleting the marked tags, from ``d`` to the reloaded list, top to bottom.

1. ``d`` with marks (``start_delete`` hands over here): one worker for the whole flow.
2. Resolve every tag of the repository (digest, date) that the session does not know yet, with
   progress in the tag pane; Esc cancels, nothing changed.
3. Plan (``tagtui.cleanup.plan``): grouped by digest; unmarked tags sharing a digest stay.
4. Confirm (``BulkDeleteModal``); Cancel has the focus.
5. Carry out (``tagtui.cleanup.run``) under ``BulkProgressModal``: bounded concurrency, each tag
   re-resolved just before its delete, Esc stops what has not started.
6. The result stays on screen; what went leaves the list and the marks, the list is reloaded.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tagtui.cleanup.plan import CleanupPlan, describe_all, plan_cleanup
from tagtui.cleanup.referrers import (
    delete_referrers_of_groups,
    deleted_carrier_tags,
    why_referrers_stay,
)
from tagtui.cleanup.run import DELETED, Outcome, Progress, carry_out
from tagtui.ui import glyphs
from tagtui.ui.flows.planning import PlanningFlow
from tagtui.ui.screens.bulk_delete import BulkDeleteModal, BulkProgressModal
from tagtui.ui.screens.delete import WITH_REFERRERS

if TYPE_CHECKING:
    from tagtui.ui.screens.main import MainScreen


class BulkDeleteFlow(PlanningFlow):
    """One bulk delete of the marked tags."""

    def __init__(self, screen: MainScreen, repository: str, names: list[str]) -> None:
        super().__init__(screen, repository)
        self.names = names

    async def run(self) -> None:
        screen = self.screen
        plan = await self._plan()
        if plan is None or plan.repository != screen.repository:
            return
        provider = screen.provider
        reference = provider.pull_name(plan.repository)
        modal = BulkDeleteModal(plan, reference, referrers_stay=why_referrers_stay(provider))
        choice = await screen.app.push_screen_wait(modal)
        if not choice:
            return
        outcomes, referrers = await self._carry_out(plan, with_referrers=choice == WITH_REFERRERS)
        done = [o.tag for o in outcomes if o.status == DELETED]
        not_done = len(outcomes) - len(done)
        note = f"Deleted {len(done):,} of {len(outcomes):,} tags"
        note += f"; {not_done:,} not deleted (see the result)." if not_done else "."
        if referrers:
            gone = sum(1 for o in referrers if o.status == DELETED)
            note += f" Referrers: {gone:,} of {len(referrers):,} deleted."
        screen.notify(note, title="Bulk delete", markup=False)
        for group in plan.groups:
            if group.referrers is not None:
                done += deleted_carrier_tags(group.referrers, referrers)
        self.take_off_the_list(plan.repository, done)

    async def _plan(self) -> CleanupPlan | None:
        screen = self.screen
        provider = screen.provider
        catalog = screen.catalog
        tags = [tag for name in catalog.order if (tag := catalog.tag(name)) is not None]
        count = len(self.names)

        def progress(done: int, total: int) -> None:
            screen.tags_pane.show_planning(
                f"Planning the delete of {count:,} marked tags: resolving {done:,}/{total:,}. "
                "Esc cancels."
            )

        async def compute() -> CleanupPlan:
            described = await describe_all(provider, self.repository, tags, progress=progress)
            screen.tags_pane.show_planning(
                f"Planning the delete of {count:,} marked tags: checking what shares their "
                "images. Esc cancels."
            )
            listed = None if screen.tags_pane.listing else catalog.names()
            return await plan_cleanup(
                provider, self.repository, self.names, described, listed=listed
            )

        return await self.planned(
            f"Planning the delete of {count:,} marked tags{glyphs.ELLIPSIS}", compute
        )

    async def _carry_out(
        self, plan: CleanupPlan, *, with_referrers: bool
    ) -> tuple[list[Outcome], list[Outcome]]:
        """The tags' outcomes, then the referrers' (none unless asked for)."""
        screen = self.screen
        modal = BulkProgressModal(len(plan.going))
        await screen.app.push_screen(modal)

        def advance(progress: Progress, _step: object) -> None:
            modal.advance(progress)

        outcomes = await carry_out(
            screen.provider, plan.planned, on_progress=advance, stop=modal.stop
        )
        referrers: list[Outcome] = []
        if with_referrers:
            # Only the referrers of images whose tags all went; each checked again; Esc
            # leaves the rest.
            modal.deleting_referrers()
            referrers = await delete_referrers_of_groups(
                screen.provider, plan.repository, plan.groups, outcomes, stop=modal.stop
            )
        modal.show_result(outcomes, referrers)
        return outcomes, referrers
