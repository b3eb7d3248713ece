"""The network fails, the data stays (issue 12 §3): a refresh that cannot reach the registry
keeps what was on screen, marks it stale and since when, says why once, and tries again."""

from __future__ import annotations

import pytest

from tagtui.errors import ConnectionFailed, NotFound
from tagtui.ui.app import TagtuiApp
from tests.ui.conftest import settle
from tests.ui.fakes import sample_provider
from tests.ui.helpers import main_screen, notification_texts, row_names

DOWN = ConnectionFailed("cannot connect to fake.example:5000: connection refused")


async def test_a_refresh_while_the_registry_is_down_keeps_the_list_and_the_detail() -> None:
    provider = sample_provider()
    app = TagtuiApp(provider, repository="app/web", tag="latest")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        screen = main_screen(app)
        before = row_names(screen.tag_tree.rows)
        assert screen.detail.view is not None
        provider.errors["list_tags"] = DOWN
        provider.errors["get_tag"] = DOWN
        screen.focus_now(screen.tag_tree)
        await pilot.press("r")
        await settle(pilot)
        assert row_names(screen.tag_tree.rows) == before
        assert "stale since" in str(screen.tags_pane.border_subtitle)
        assert screen.detail.view is not None
        assert "stale since" in str(screen.detail.border_title)
        said = [t for t in notification_texts(app) if "connection refused" in t]
        assert len(said) == 1, notification_texts(app)
        # Back: the next refresh makes it fresh again.
        del provider.errors["list_tags"], provider.errors["get_tag"]
        await pilot.press("r")
        await settle(pilot)
        assert "stale" not in str(screen.tags_pane.border_subtitle)
        assert "stale" not in str(screen.detail.border_title)
        assert row_names(screen.tag_tree.rows) == before


@pytest.mark.parametrize("error", [NotFound("app/web: no such repository")])
async def test_an_answer_that_the_tags_are_gone_does_not_keep_them(error: NotFound) -> None:
    provider = sample_provider()
    app = TagtuiApp(provider, repository="app/web")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        screen = main_screen(app)
        provider.errors["list_tags"] = error
        screen.focus_now(screen.tag_tree)
        await pilot.press("r")
        await settle(pilot)
        assert row_names(screen.tag_tree.rows) == []
        assert "stale" not in str(screen.tags_pane.border_subtitle)
