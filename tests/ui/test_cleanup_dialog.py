"""The "Clean up…" dialog on the demo store: rules typed in mark the tags they would delete,
live; Esc puts the marks back; applying hands over to the bulk delete's confirmation."""

from __future__ import annotations

from pathlib import Path

from tagtui.ui.app import TagtuiApp
from tagtui.ui.screens.bulk_delete import BulkDeleteModal
from tests.ui.conftest import settle
from tests.ui.demo import demo_provider
from tests.ui.helpers import main_screen, open_cleanup_dialog
from tests.ui.screen import screen_text


async def test_rules_mark_the_tags_they_would_delete(tmp_path: Path) -> None:
    app = TagtuiApp(demo_provider(tmp_path), repository="acme/api")
    async with app.run_test(size=(80, 24)) as pilot:
        pane = main_screen(app).tags_pane
        await settle(pilot)
        pane.set_marks(["latest"])
        await open_cleanup_dialog(pilot)
        # No rule yet: every tag would go, and the tree shows it.
        assert len(pane.marked_tags()) == 8
        await pilot.press(*"^v1")
        await pilot.pause()
        assert pane.marked_tags() == ["v1.0.0", "v1.1.0", "v1.2.0", "v1.3.0-rc.1"]
        await pilot.press("tab", *"rc")  # keep the release candidates
        await pilot.press("tab", "2")  # and the two newest of the matching tags
        await pilot.pause()
        # v1.3.0-rc.1 (06-02, kept by pattern) and v1.2.0 (05-14) are the newest two matching.
        assert pane.marked_tags() == ["v1.0.0", "v1.1.0"]
        text = screen_text(app)
        assert "2 tags to delete, 6 kept" in text
        assert "reclaimable" in text
        assert "2 marked" in text  # the pane title, above the dialog
        await pilot.press("escape")
        await settle(pilot)
        assert pane.marked_tags() == ["latest"]  # as before the dialog


async def test_a_bad_rule_says_why_and_offers_nothing(tmp_path: Path) -> None:
    app = TagtuiApp(demo_provider(tmp_path), repository="acme/api")
    async with app.run_test(size=(80, 24)) as pilot:
        dialog = await open_cleanup_dialog(pilot)
        await pilot.press("tab", "tab", "tab", *"soon")
        await pilot.pause()
        assert "give an age like 90d" in screen_text(app)
        assert dialog.query_one("#apply").disabled
        assert main_screen(app).tags_pane.marked_tags() == []


async def test_applying_opens_the_grouped_confirmation(tmp_path: Path) -> None:
    app = TagtuiApp(demo_provider(tmp_path), repository="acme/api")
    async with app.run_test(size=(100, 40)) as pilot:
        await open_cleanup_dialog(pilot)
        await pilot.press(*"^staging$|^v1.0")
        await pilot.press("ctrl+d")
        await settle(pilot)
        assert isinstance(app.screen, BulkDeleteModal)
        text = screen_text(app)
        assert "Delete 2 tags" in text
        assert "stays on it: latest, prod, v1.2.0" in text
        await pilot.press("n")
        await settle(pilot)
        assert main_screen(app).tags_pane.marked_tags() == ["staging", "v1.0.0"]
