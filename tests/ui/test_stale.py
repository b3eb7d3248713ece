"""The network fails, the data stays (issue 12 §3): a refresh that cannot reach the registry
keeps what was on screen, marks it stale and since when, says why once, and tries again."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tagtui.errors import ConnectionFailed, NotFound
from tagtui.model import Repository
from tagtui.providers.oci.provider import OciProvider
from tagtui.session import freshness
from tagtui.ui.app import TagtuiApp
from tests.support.registry import stoppable_registry
from tests.ui.conftest import settle, wait_until
from tests.ui.fakes import FakeProvider, Gate, sample_provider
from tests.ui.helpers import main_screen, notification_texts, notifications, row_names
from tests.ui.screen import screen_text

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


async def test_a_repository_refresh_shows_the_old_list_until_the_new_one_is_complete() -> None:
    provider = FakeProvider(page_size=2)
    for name in ("a", "b", "c", "d", "e"):
        provider.add_repo(name)
    app = TagtuiApp(provider)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        screen = main_screen(app)
        repos = screen.repo_list
        await pilot.press("down", "down", "down")  # on "d"
        del provider.repos["b"]
        provider.add_repo("bb")
        gate = provider.gates["next_page"] = Gate()
        await pilot.press("r")
        # The first page of the new listing is in; the list on screen is still the old one.
        await wait_until(pilot, lambda: screen.repos_pane._incoming not in (None, []))
        assert row_names(repos.rows) == ["a", "b", "c", "d", "e"]
        assert repos.highlighted_row.name == "d"
        gate.open()
        await settle(pilot)
        assert row_names(repos.rows) == ["a", "bb", "c", "d", "e"]
        assert repos.highlighted_row.name == "d"  # the cursor stays on its repository


class WatchedProvider(OciProvider):
    """The real provider, saying when a listing of the repositories begins."""

    listing: asyncio.Event

    def list_repositories(self) -> AsyncIterator[list[Repository]]:
        self.listing.set()
        return super().list_repositories()


@pytest.mark.real
async def test_a_repository_refresh_while_the_registry_is_down_keeps_the_list(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Retries come quickly here; the pause still doubles after each failure.
    monkeypatch.setattr(freshness, "FIRST_RETRY", 0.05)
    with stoppable_registry(tmp_path / "registry") as registry:
        provider = WatchedProvider(registry.host)
        provider.listing = asyncio.Event()
        app = TagtuiApp(provider)
        async with app.run_test(size=(100, 30)) as pilot:
            await settle(pilot)
            screen = main_screen(app)
            pane, repos = screen.repos_pane, screen.repo_list
            before = row_names(repos.rows)
            assert len(before) > 3
            await pilot.press("down", "down")
            highlighted = repos.highlighted_row.name

            registry.stop()
            await pilot.press("r")
            await settle(pilot)
            assert row_names(repos.rows) == before
            assert repos.highlighted_row.name == highlighted
            assert "stale since" in str(pane.border_subtitle)
            assert "stale since" in screen_text(app)  # on screen, not cut off
            assert "Press r to retry" not in screen_text(app)
            errors = [n for n in notifications(app) if n.severity == "error"]
            assert len(errors) == 1, notification_texts(app)

            # Back: an automatic retry (no key pressed) lists again and the mark goes.
            registry.start()
            for _ in range(20):
                provider.listing.clear()
                await asyncio.wait_for(provider.listing.wait(), timeout=30)
                await settle(pilot)
                if not pane.stale_retry.stale:
                    break
            assert "stale" not in str(pane.border_subtitle or "")
            assert row_names(repos.rows) == before
            assert repos.highlighted_row.name == highlighted
            errors = [n for n in notifications(app) if n.severity == "error"]
            assert len(errors) == 1, notification_texts(app)
