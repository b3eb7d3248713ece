"""The bulk delete dialogs on the demo store: Esc during the deletes, hostile names literal."""

from __future__ import annotations

import re
from pathlib import Path

from textual.widgets import ProgressBar

from tagtui.cleanup.run import FAILED, Outcome
from tagtui.demo import prepare_demo_store
from tagtui.ui.app import TagtuiApp
from tagtui.ui.screens.bulk_delete import BulkDeleteModal, BulkProgressModal, result_text
from tests.ui.conftest import settle, wait_until
from tests.ui.demo import HeldDemoProvider
from tests.ui.helpers import finish_delete_flow, main_screen
from tests.ui.screen import screen_text


async def test_esc_while_deleting_lets_the_delete_under_way_finish(tmp_path: Path) -> None:
    provider = HeldDemoProvider(prepare_demo_store(tmp_path / "store"))
    app = TagtuiApp(provider, repository="acme/api")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        screen = main_screen(app)
        screen.tags_pane.set_marks(["main-3f9c2ab", "staging", "v1.0.0"])
        await pilot.press("d")
        await settle(pilot)
        assert isinstance(app.screen, BulkDeleteModal)
        await pilot.press("y")
        await wait_until(
            pilot,
            lambda: (
                isinstance(app.screen, BulkProgressModal)
                and app.screen.query_one(ProgressBar).progress == 2
            ),
        )
        await pilot.press("escape")
        await pilot.pause()
        assert "Cancelling" in screen_text(app)
        provider.held.open()  # the delete under way (staging) finishes
        await finish_delete_flow(app)
        await pilot.pause()
        text = screen_text(app)
        assert "Cancelled: deleting 3 tags" in text
        assert "Deleted 3 of 3 tags." in text
        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(app.screen, BulkProgressModal)
        assert "staging" not in screen.catalog


def test_result_names_failures_literally() -> None:
    hostile = "[bold]x\x1b[2J"
    text = result_text([Outcome(hostile, FAILED, "[red]boom\x1b]0;t\x07")]).plain
    assert "[bold]x\\x1b[2J: failed — [red]boom\\x1b]0;t\\x07" in text
    assert "\x1b" not in text


async def test_thousands_of_marked_tags_scroll_inside_the_dialog_at_80x24(tmp_path: Path) -> None:
    from tests.ui.demo import demo_provider

    app = TagtuiApp(demo_provider(tmp_path), repository="big/tags")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("asterisk", "d")
        await settle(pilot)
        assert isinstance(app.screen, BulkDeleteModal)
        first = screen_text(app)
        assert "Delete 2,044 tags" in first and "Cancel (n)" in first
        for _ in range(20):
            await pilot.press("pagedown")
        await settle(pilot)
        later = screen_text(app)
        # Tags further down the list came into view.
        assert set(re.findall(r"\bt\d+\b", later)) - set(re.findall(r"\bt\d+\b", first))
        # Title and buttons never scroll away.
        assert "Delete 2,044 tags" in later and "Cancel (n)" in later
        await pilot.press("n")
        await settle(pilot)
        assert len(main_screen(app).catalog) == 2044  # nothing deleted
