"""Sizes in the TUI (issue 10 §3), on the real registry: once every tag is described (the rows
on screen, or sorting by date), each tag's own bytes show in its row and in the detail, and the
repository's total, each blob once, in the tag pane's subtitle and the repository list."""

from __future__ import annotations

from tagtui.providers.oci.provider import OciProvider
from tagtui.text import human_size
from tagtui.ui.app import TagtuiApp
from tests.cleanup.conftest import REPO, CleanupRepo
from tests.ui.conftest import settle, wait_until
from tests.ui.helpers import main_screen
from tests.ui.screen import screen_text


async def test_own_bytes_and_the_repository_total(cleanup_repo: CleanupRepo) -> None:
    # 160x48: every tag of the repository is on screen, so every one gets described.
    app = TagtuiApp(OciProvider(cleanup_repo.host), repository=REPO, tag="pr-1")
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        screen = main_screen(app)
        sizes = screen.catalog.sizes
        assert sizes is not None and sizes.total is not None
        assert sizes.unique["pr-1"] == cleanup_repo.own_bytes["pr-1"]
        assert sizes.unique["latest"] == 0  # v2.0 and pr-7 hold the same image
        await wait_until(pilot, lambda: "Unique" in screen_text(app))
        text = screen_text(app)
        own = human_size(cleanup_repo.own_bytes["pr-1"])
        assert f"own {own}" in text  # the row
        assert "Unique" in text and "blobs no other tag" in text  # the detail says how
        assert f"{human_size(sizes.total)} in all, each blob once" in text  # the subtitle
        repo_row = next(line for line in text.splitlines() if line.startswith(f"│{REPO}"))
        assert human_size(sizes.total) in repo_row  # the repository list


async def test_counted_once_sorting_by_date_described_the_tags_off_screen(
    cleanup_repo: CleanupRepo,
) -> None:
    app = TagtuiApp(OciProvider(cleanup_repo.host), repository=REPO)
    async with app.run_test(size=(160, 14)) as pilot:
        await settle(pilot)
        screen = main_screen(app)
        assert screen.catalog.sizes is None  # rows off screen are not described yet
        assert "own " not in screen_text(app)
        await pilot.press("s")
        await settle(pilot)
        sizes = screen.catalog.sizes
        assert sizes is not None
        assert sizes.unique["pr-6"] == cleanup_repo.own_bytes["pr-6"]


async def test_a_refresh_forgets_the_sizes_until_counted_again(cleanup_repo: CleanupRepo) -> None:
    app = TagtuiApp(OciProvider(cleanup_repo.host), repository=REPO)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        screen = main_screen(app)
        await pilot.press("s")
        await settle(pilot)
        assert screen.catalog.sizes is not None
        screen.focus_now(screen.tag_tree)
        await pilot.press("r")
        await wait_until(pilot, lambda: screen.catalog.sizes is None or not screen.tags_loading)
        await settle(pilot)
        # Listed again, every tag dated again for newest-first: counted again.
        assert screen.catalog.sizes is not None
