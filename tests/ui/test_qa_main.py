"""Main-screen fixes from driving the real app: newest-first on open and from the first row,
r keeps the cursor, zoom keeps the pane's title (date progress: test_qa_fixes.py)."""

from __future__ import annotations

from pathlib import Path

from tagtui.ui.app import TagtuiApp
from tagtui.ui.widgets.tag_tree import TagRow
from tests.ui.conftest import settle
from tests.ui.demo import demo_provider
from tests.ui.helpers import main_screen
from tests.ui.screen import screen_text


async def test_newest_first_opens_a_repository_at_its_newest_tag(tmp_path: Path) -> None:
    app = TagtuiApp(demo_provider(tmp_path), repository="acme/api")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        screen = main_screen(app)
        await pilot.press("s", "escape")  # newest-first, back to the repositories
        await settle(pilot)
        assert screen.catalog.sort == "newest"
        # big/tags lists names only: the dates are fetched, then the list is sorted once.
        screen.open_repository("big/tags")
        await settle(pilot)
        tree = screen.tag_tree
        assert tree.cursor == 0
        dates = [tree.catalog.tag(row.name).created for row in tree.rows if isinstance(row, TagRow)]  # type: ignore[union-attr]
        assert None not in dates
        assert dates[0] == max(dates)  # type: ignore[type-var]
        highlighted = tree.highlighted_row
        assert highlighted is not None and highlighted is tree.rows[0]
        assert f"big/tags:{highlighted.name}" in screen_text(app)  # its detail, not 0.0.0's


async def test_s_keeps_the_users_tag_highlighted(tmp_path: Path) -> None:
    app = TagtuiApp(demo_provider(tmp_path), repository="big/tags", tag="t7")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("s")
        await settle(pilot)
        row = main_screen(app).tag_tree.highlighted_row
        assert row is not None and row.name == "t7"


async def test_s_on_the_first_row_shows_the_newest_tag_first(tmp_path: Path) -> None:
    app = TagtuiApp(demo_provider(tmp_path), repository="big/tags")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        tree = main_screen(app).tag_tree
        assert tree.cursor == 0
        await pilot.press("s")
        await settle(pilot)
        dates = [tree.catalog.tag(row.name).created for row in tree.rows if isinstance(row, TagRow)]  # type: ignore[union-attr]
        assert tree.cursor == 0 and dates[0] == max(dates)  # type: ignore[type-var]
        row = tree.highlighted_row
        assert row is not None and f"big/tags:{row.name}" in screen_text(app)


async def test_r_on_the_repository_list_keeps_the_cursor(tmp_path: Path) -> None:
    app = TagtuiApp(demo_provider(tmp_path))
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        screen = main_screen(app)
        await pilot.press("j", "j", "j", "j")
        await settle(pilot)
        before = screen.repo_list.highlighted_row
        assert before is not None and before.name == "library/nginx"
        await pilot.press("r")
        await settle(pilot)
        after = screen.repo_list.highlighted_row
        assert after is not None and after.name == "library/nginx"
        assert screen.repo_list.cursor == 4


async def test_zoom_keeps_the_panes_title_count_and_sort(tmp_path: Path) -> None:
    app = TagtuiApp(demo_provider(tmp_path), repository="acme/api")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = main_screen(app)
        await pilot.press("z")
        assert screen.maximized is app.query_one("#tag-pane")
        text = screen_text(app)
        assert "Tags · acme/api 8" in text and "sort: name" in text
        assert "Repositories" not in text
        await pilot.press("z", "shift+tab", "z")
        assert screen.maximized is app.query_one("#repo-pane")
        assert "Repositories 8" in screen_text(app)
        await pilot.press("escape")
        assert screen.maximized is None
