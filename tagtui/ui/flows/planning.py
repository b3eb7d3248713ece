"""What the single and the bulk delete share: a plan computed while Esc may still call it off
(nothing changed yet), one worker, and the list updated once tags are gone."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterable
from typing import TYPE_CHECKING, TypeVar

from textual.worker import Worker

from tagtui.ui.errors import as_error
from tagtui.ui.flows import DELETE_GROUP

if TYPE_CHECKING:
    from tagtui.ui.screens.main import MainScreen

_T = TypeVar("_T")


class PlanningFlow:
    """A delete the user started: ``planning`` while Esc may still call it off."""

    def __init__(self, screen: MainScreen, repository: str) -> None:
        self.screen = screen
        self.repository = repository
        self.planning = False
        self.worker: Worker[None] | None = None

    def start(self) -> PlanningFlow:
        self.worker = self.screen.run_worker(self.run(), group=DELETE_GROUP, exit_on_error=False)
        return self

    async def run(self) -> None:
        raise NotImplementedError

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

    async def planned(self, note: str, compute: Callable[[], Awaitable[_T]]) -> _T | None:
        """``compute`` with ``note`` shown in the tag pane (Esc cancels); None if it failed
        (the error is reported)."""
        screen = self.screen
        self.planning = True
        screen.tags_pane.show_planning(note)
        try:
            return await compute()
        except asyncio.CancelledError:
            screen.notify("Delete cancelled: nothing was changed.", title="Delete", markup=False)
            raise
        except Exception as exc:
            screen.report(as_error(exc))
            return None
        finally:
            self.planning = False
            screen.tags_pane.show_planning(None)

    def take_off_the_list(self, repository: str, removed: Iterable[str]) -> None:
        """What went leaves the list at once; then the tags are listed again to be sure."""
        screen = self.screen
        if repository != screen.repository:
            return
        screen.detail.forget()
        tags = screen.tags_pane
        tags.remove_tags(tuple(removed))
        screen.repos_pane.set_tag_count(repository, len(tags.catalog))
        tags.reload(select=tags.highlighted_tag())
