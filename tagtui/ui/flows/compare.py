"""Comparing two tags, from ``=`` to the compare view, top to bottom.

1. ``=`` on the tag tree (or the palette's "Compare two tags…"): ``choose_pair`` finds the two
   tags — two marked ones (in list order); one marked (A) and the highlighted one (B); or the
   "compare from" tag remembered from another repository (A) and the highlighted one (B). With
   nothing to compare it says what to do; ``=`` on a tag with nothing marked remembers it as
   the one to compare from, in this repository or another.
2. The compare view opens at once, saying it is loading; both sides load in one worker (Esc
   closes the view and cancels it). An error closes the view and is reported as any provider
   error is (a notification, or the login modal, after which the comparison starts again).
3. ``p`` in the view: another platform is loaded the same way; the comparison shown stays until
   it arrives, and stays if it fails.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.worker import Worker

from tagtui.compare import Ref, load_comparison
from tagtui.compare.load import CompareChoice
from tagtui.session.view import WantedPlatform
from tagtui.ui import messages as msg
from tagtui.ui.errors import as_error
from tagtui.ui.flows import COMPARE_GROUP
from tagtui.ui.screens.compare import CompareScreen, ref_label
from tagtui.ui.widgets.tag_tree import PlatformRow, TagRow

if TYPE_CHECKING:
    from tagtui.ui.screens.main import MainScreen

# The loading worker's group: real I/O, unlike the flow waiting for the user.
COMPARE_LOAD_GROUP = "compare-load"

HOW = "Mark a tag with Space, then press = on another (or mark two and press =)."


def _say(screen: MainScreen, text: str, *, warn: bool = True) -> None:
    severity = "warning" if warn else "information"
    screen.notify(text, title="Compare", severity=severity, markup=False)


def choose_pair(screen: MainScreen) -> tuple[Ref, Ref] | None:
    """The two tags ``=`` compares, or None after saying why there are none (or that the
    highlighted tag is remembered as the one to compare from)."""
    pane = screen.tags_pane
    repository = screen.repository
    row = screen.tag_tree.highlighted_row
    here: Ref | None = None
    if repository and isinstance(row, TagRow):
        here = Ref(repository, row.name)
    elif repository and isinstance(row, PlatformRow):
        # A platform of an index: the tag, compared on that platform first.
        p = row.platform
        here = Ref(repository, row.tag, WantedPlatform(p.os, p.architecture, p.variant))
    marked = pane.marked_tags() if repository else []
    if repository is not None and len(marked) == 2:
        return Ref(repository, marked[0]), Ref(repository, marked[1])
    if len(marked) > 2:
        _say(screen, f"{len(marked):,} tags are marked: = compares two (u clears the marks).")
        return None
    if repository is not None and len(marked) == 1:
        if here is None or here.name == marked[0]:
            first = ref_label(Ref(repository, marked[0]))
            _say(screen, f"{first} is marked: press = on another tag to compare the two.")
            return None
        return Ref(repository, marked[0]), here
    base = pane.compare_from
    if here is None:
        _say(screen, HOW if base is None else f"Highlight a tag to compare with {ref_label(base)}.")
        return None
    if base is None:
        pane.set_compare_from(here)
        _say(
            screen,
            f"Compare from {ref_label(here)}: press = on another tag, in this repository or "
            "another (= on it again forgets it).",
            warn=False,
        )
        return None
    pane.set_compare_from(None)
    if base == here:
        _say(screen, f"No longer comparing from {ref_label(here)}.", warn=False)
        return None
    return base, here


def start_compare(screen: MainScreen) -> None:
    """``=``: open the compare view on the two tags chosen, or say what to do."""
    pair = choose_pair(screen)
    if pair is None:
        return
    flow = CompareFlow(screen, *pair)
    screen.run_worker(flow.run(), group=COMPARE_GROUP, exit_on_error=False)


class CompareFlow:
    def __init__(self, screen: MainScreen, a: Ref, b: Ref) -> None:
        self.screen = screen
        self.a = a
        self.b = b
        self.view = CompareScreen(a, b, choose=self.load)
        self._loading: Worker[None] | None = None

    async def run(self) -> None:
        self.load("preferred")
        try:
            await self.screen.app.push_screen_wait(self.view)
        finally:
            self._cancel()

    def load(self, platform: CompareChoice) -> None:
        """Compare ``platform`` (the preferred one first); a load still running is dropped."""
        self._cancel()
        self._loading = self.screen.run_worker(
            self._load(platform), group=COMPARE_LOAD_GROUP, exit_on_error=False
        )

    def _cancel(self) -> None:
        if self._loading is not None:
            self._loading.cancel()
            self._loading = None

    def _again(self) -> None:
        """After a login: the same two tags again."""
        again = CompareFlow(self.screen, self.a, self.b)
        self.screen.run_worker(again.run(), group=COMPARE_GROUP, exit_on_error=False)

    async def _load(self, platform: CompareChoice) -> None:
        view = self.view
        try:
            comparison = await load_comparison(
                self.screen.provider, self.a, self.b, platform=platform
            )
        except Exception as exc:
            error = as_error(exc)
            if view.comparison is not None:
                view.load_failed()  # the platform shown stays
                self.screen.report(error)
                return
            view.dismiss(None)  # nothing to show: back to the tags, with the error (or a login)
            self.screen.post_message(msg.ProviderFailed(error, retry=self._again))
            return
        self.screen.connected()
        view.show(comparison)
