"""Every flow on the embedded demo store, through the real local layout provider."""

from __future__ import annotations

from pathlib import Path

from tagtui.demo import prepare_demo_store
from tagtui.providers.layout import LayoutProvider
from tagtui.ui.app import TagtuiApp
from tagtui.ui.screens.delete import DeleteModal
from tagtui.ui.widgets.tag_tree import PlatformRow, TagRow
from tests.ui.conftest import settle
from tests.ui.helpers import main_screen, notification_texts, row_names, shown_reference
from tests.ui.screen import screen_text

API_TAGS = [
    "latest",
    "main-3f9c2ab",
    "prod",
    "staging",
    "v1.0.0",
    "v1.1.0",
    "v1.2.0",
    "v1.3.0-rc.1",
]


def demo(tmp_path: Path) -> tuple[LayoutProvider, Path]:
    store = prepare_demo_store(tmp_path / "store")
    return LayoutProvider(store), store


async def test_navigate_filter_expand_copy(tmp_path: Path) -> None:
    provider, _ = demo(tmp_path)
    app = TagtuiApp(provider)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        screen = main_screen(app)
        assert screen.repo_list.names()[:2] == ["acme/api", "acme/charts"]
        assert "tagtui │ demo │ ● connected" in screen_text(app)

        await pilot.press("enter")
        await settle(pilot)
        assert row_names(screen.tag_tree.rows) == API_TAGS
        assert shown_reference(app) == provider.pull_reference("acme/api", "latest")
        assert "Acme Platform Team" in screen_text(app)
        await pilot.press("c")
        assert app.clipboard == provider.pull_reference("acme/api", "latest")

        await pilot.press("left", "slash", *"nginx", "enter", "enter")
        await settle(pilot)
        assert screen.repository == "library/nginx"
        await pilot.press("slash", *"latest", "enter")
        assert row_names(screen.tag_tree.rows) == ["latest"]
        await pilot.press("right")
        await settle(pilot)
        assert row_names(screen.tag_tree.rows) == [
            "latest",
            "latest/linux/amd64",
            "latest/linux/arm64/v8",
        ]
        assert "att" in screen_text(app)
        await pilot.press("down", "down")
        await settle(pilot)
        row = screen.tag_tree.highlighted_row
        assert isinstance(row, PlatformRow) and row.platform.variant == "v8"
        assert "linux/arm64/v8" in screen_text(app)
        await pilot.press("escape")  # clears the filter, children stay open
        assert len(screen.tag_tree.rows) == 11


async def test_big_repository_of_the_demo(tmp_path: Path) -> None:
    provider, _ = demo(tmp_path)
    app = TagtuiApp(provider, repository="big/tags")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        tree = main_screen(app).tag_tree
        assert len(main_screen(app).catalog) >= 2000
        await pilot.press("end")
        await settle(pilot)
        last = row_names(tree.rows)[-1]
        assert tree.highlighted_row == TagRow(last)
        assert shown_reference(app) == provider.pull_reference("big/tags", last)


async def test_delete_cancel_then_confirm(tmp_path: Path) -> None:
    provider, store = demo(tmp_path)
    app = TagtuiApp(provider, repository="acme/api", tag="staging")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("d")
        await settle(pilot)
        assert isinstance(app.screen, DeleteModal)
        text = screen_text(app)
        assert "Other tags on this digest (3): latest, prod, v1.2.0 — they stay" in text
        await pilot.press("escape")
        await settle(pilot)
        assert "staging" in [t.name for t in await LayoutProvider(store).list_tags("acme/api")]

        await pilot.press("d")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        remaining = [t.name for t in await LayoutProvider(store).list_tags("acme/api")]
        assert "staging" not in remaining and {"latest", "prod", "v1.2.0"} <= set(remaining)
        assert row_names(main_screen(app).tag_tree.rows) == [t for t in API_TAGS if t != "staging"]
        deleted = [t for t in notification_texts(app) if t.startswith("Deleted")]
        assert deleted == ["Deleted: Removed staging from acme/api."]  # one, said once


async def test_refresh_after_the_store_changed(tmp_path: Path) -> None:
    provider, store = demo(tmp_path)
    app = TagtuiApp(provider, repository="acme/api")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        # Someone else removes a tag from the store meanwhile.
        other = LayoutProvider(store)
        await other.delete(await other.plan_delete("acme/api", "v1.0.0"))
        await pilot.press("r")
        await settle(pilot)
        assert "v1.0.0" not in row_names(main_screen(app).tag_tree.rows)
