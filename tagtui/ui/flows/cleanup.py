"""Retention rules in the app, from ``p`` to the bulk delete's confirmation, top to bottom.

1. ``p`` (or the palette's "Clean up…") with a repository open: the dialog opens at once.
2. Meanwhile every tag is described (digest, date; the rows show them too) and what each
   image holds on to is read, with progress in the dialog; the rules apply as they are typed.
3. Every change marks, in the tag tree, the tags the rules would delete.
4. Cancel: the marks go back to what they were. Apply: the marks stay, and ``d``'s bulk delete
   takes over (plan, one confirmation grouped by digest, progress).
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from tagtui.cleanup.plan import describe_all, load_footprints
from tagtui.ui.errors import as_error
from tagtui.ui.flows import CLEANUP_GROUP
from tagtui.ui.flows.budget import budget_allows
from tagtui.ui.screens.cleanup import CleanupDialog

if TYPE_CHECKING:
    from tagtui.ui.screens.main import MainScreen


def start_cleanup(screen: MainScreen) -> None:
    """``p``: open the rules dialog on the repository shown, or say why not."""
    if screen.repository is None:
        screen.notify("Open a repository (Enter) to clean it up.", title="Clean up", markup=False)
        return
    if not screen.provider.capabilities.delete:
        reason = screen.provider.capabilities.note or "this registry does not allow deleting"
        screen.notify(reason, title="Deletion disabled", severity="warning", markup=False)
        return
    screen.run_worker(
        CleanupFlow(screen, screen.repository).run(), group=CLEANUP_GROUP, exit_on_error=False
    )


class CleanupFlow:
    def __init__(self, screen: MainScreen, repository: str) -> None:
        self.screen = screen
        self.repository = repository

    async def run(self) -> None:
        screen = self.screen
        pane = screen.tags_pane
        # What describing will fetch: the tags without a date yet (sorting by date read the rest).
        undated = len(screen.catalog.undated())
        work = f"Planning a clean-up describes {undated:,} tags"
        if not await budget_allows(screen.app, screen.provider, work, undated):
            return
        before = pane.marked_tags()
        dialog = CleanupDialog(self.repository, datetime.now(UTC), pane.set_marks)
        loader = asyncio.ensure_future(self._load(dialog))
        try:
            applied = await screen.app.push_screen_wait(dialog)
        finally:
            loader.cancel()
        if screen.repository != self.repository:
            return
        if not applied:
            pane.set_marks(before)
            return
        screen.focus_now(screen.tag_tree)  # d on the tag tree: the marked tags
        screen.action_delete()

    async def _load(self, dialog: CleanupDialog) -> None:
        screen = self.screen
        provider = screen.provider
        catalog = screen.catalog
        tags = [tag for name in catalog.order if (tag := catalog.tag(name)) is not None]
        try:
            described = await describe_all(
                provider, self.repository, tags, progress=dialog.progress
            )
            if screen.repository == self.repository:
                screen.tags_pane.learn_tags(described)
            footprints = await load_footprints(provider, self.repository, described)
            if screen.repository == self.repository:
                screen.tags_pane.learn_footprints(footprints)
        except Exception as exc:
            screen.report(as_error(exc))
            dialog.dismiss(False)
            return
        dialog.loaded(described, footprints)
