"""A first tag list shows its rows as pages arrive; a refresh keeps its rows until the new list
is complete (issue 11 §4: 100,000 tags)."""

from __future__ import annotations

from collections.abc import AsyncIterator

from tagtui.model import Tag
from tagtui.session.tag_stream import TagStream
from tagtui.ui.app import TagtuiApp
from tests.ui.conftest import settle, wait_until
from tests.ui.fakes import FakeProvider, Gate, make_image
from tests.ui.helpers import main_screen, row_names
from tests.ui.screen import screen_text

PAGES = 4
PER_PAGE = 50


class PagedProvider(FakeProvider):
    """Tags served in pages, last names first (unsorted, as distribution 2.8 sends them); the
    pages after the first wait for ``more``."""

    tag_pages_in_order = False

    def __init__(self) -> None:
        super().__init__()
        self.more = Gate()
        for n in range(PAGES * PER_PAGE):
            self.add_image_tag("big/repo", f"v{n}", make_image(f"img-{n}"))

    async def tag_pages(
        self, repository: str, *, sort: str | None = None
    ) -> AsyncIterator[list[Tag]]:
        tags = list(reversed(self.repos[repository]))
        for page in range(PAGES):
            if page:
                await self.more.wait()
            yield tags[page * PER_PAGE : (page + 1) * PER_PAGE]


def test_stream_shows_the_first_page_then_each_doubling() -> None:
    stream = TagStream(in_order=False)
    shown = [stream.add([Tag(f"v{n}") for n in range(p * 10, p * 10 + 10)]) for p in range(8)]
    assert shown == [True, True, False, True, False, False, False, True]
    assert [t.name for t in stream.tags()][:3] == ["v0", "v1", "v2"]
    assert [t.name for t in stream.tags()][-2:] == ["v78", "v79"]


async def test_rows_show_before_the_last_page_and_in_natural_order() -> None:
    provider = PagedProvider()
    app = TagtuiApp(provider, repository="big/repo")
    async with app.run_test(size=(100, 30)) as pilot:
        screen = main_screen(app)
        await wait_until(pilot, lambda: len(screen.catalog) == PER_PAGE)
        # The first page (the last 50 names) is on screen, sorted, while the rest is on its way.
        assert screen.tags_loading
        assert row_names(screen.tag_tree.rows)[:2] == ["v150", "v151"]
        assert "50 so far, loading…" in screen_text(app)
        provider.more.open()
        await settle(pilot)
        assert not screen.tags_loading
        names = row_names(screen.tag_tree.rows)
        assert len(names) == PAGES * PER_PAGE
        assert names[:3] == ["v0", "v1", "v2"] and names[-1] == "v199"
        assert f"{PAGES * PER_PAGE:,}" in screen_text(app)


async def test_the_cursor_goes_to_the_start_tag_once_and_then_stays_with_the_user() -> None:
    provider = PagedProvider()
    app = TagtuiApp(provider, repository="big/repo", tag="v170")
    async with app.run_test(size=(100, 30)) as pilot:
        screen = main_screen(app)
        await wait_until(pilot, lambda: len(screen.catalog) == PER_PAGE)
        tree = screen.tag_tree
        await wait_until(pilot, lambda: getattr(tree.highlighted_row, "name", None) == "v170")
        screen.focus_now(tree)
        await pilot.press("down")
        provider.more.open()
        await settle(pilot)
        assert tree.highlighted_row.name == "v171"  # type: ignore[union-attr]


async def test_a_refresh_keeps_the_rows_until_the_new_list_is_complete() -> None:
    provider = PagedProvider()
    provider.more.open()
    app = TagtuiApp(provider, repository="big/repo")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        screen = main_screen(app)
        provider.more = Gate()
        screen.focus_now(screen.tag_tree)
        await pilot.press("r")
        await wait_until(pilot, lambda: screen.tags_loading)
        await pilot.pause()
        assert len(screen.catalog) == PAGES * PER_PAGE  # not the first page alone
        provider.more.open()
        await settle(pilot)
        assert len(screen.catalog) == PAGES * PER_PAGE
