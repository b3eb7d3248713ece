"""Marks and the bulk delete in the app, on the real registry: one grouped confirmation, a
progress dialog, exactly the marked tags gone, unmarked siblings kept, the list reloaded."""

from __future__ import annotations

import pytest

from tagtui.providers.oci.provider import OciProvider
from tagtui.ui.app import TagtuiApp
from tagtui.ui.screens.bulk_delete import BulkDeleteModal, BulkProgressModal
from tests.cleanup.conftest import REPO, CleanupRepo, listed
from tests.ui.conftest import settle
from tests.ui.helpers import finish_delete_flow, main_screen, notification_texts, row_names
from tests.ui.screen import screen_text

pytestmark = pytest.mark.real


async def test_marked_tags_go_in_one_confirmation(cleanup_repo: CleanupRepo) -> None:
    app = TagtuiApp(OciProvider(cleanup_repo.host), repository=REPO)
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        screen = main_screen(app)
        tags = screen.tags_pane
        tags.set_marks(["pr-1", "pr-2", "pr-7"])
        await pilot.press("d")
        await settle(pilot)
        assert isinstance(app.screen, BulkDeleteModal)
        text = screen_text(app)
        assert "Delete 3 tags" in text
        # pr-7 shares its image with v2.0 and latest: they stay on it, said in the dialog.
        assert "stays on it: latest, v2.0" in text
        assert "garbage collection" in text
        # Enter on the fresh dialog cancels (Cancel has the focus): nothing changed.
        await pilot.press("enter")
        await settle(pilot)
        assert set(listed(cleanup_repo)) >= {"pr-1", "pr-2", "pr-7"}

        await pilot.press("d")
        await settle(pilot)
        await pilot.press("y")
        await pilot.pause()
        await finish_delete_flow(app)
        await pilot.pause()
        assert isinstance(app.screen, BulkProgressModal)
        text = screen_text(app)
        assert "Deleted 3 of 3 tags." in text and "Esc Close" in text
        await pilot.press("escape")
        await settle(pilot)
        after = listed(cleanup_repo)
        assert not {"pr-1", "pr-2", "pr-7"} & set(after)
        assert after["v2.0"] == after["latest"] == cleanup_repo.digests["v2.0"]
        names = row_names(screen.tag_tree.rows)
        assert "pr-1" not in names and "pr-3" in names
        assert tags.marked_tags() == []
        assert any("Deleted 3 of 3 tags." in t for t in notification_texts(app))


async def test_cancel_during_planning_changes_nothing(cleanup_repo: CleanupRepo) -> None:
    app = TagtuiApp(OciProvider(cleanup_repo.host), repository=REPO)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        tags = main_screen(app).tags_pane
        tags.set_marks(["pr-1"])
        await pilot.press("d", "escape")
        await settle(pilot)
        assert not isinstance(app.screen, BulkDeleteModal)
        assert "pr-1" in listed(cleanup_repo)
