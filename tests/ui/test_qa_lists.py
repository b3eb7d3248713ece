"""QA findings in the two lists: resizes, grouped counts, shared badges, scrollbar columns."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace

import pytest
from textual.pilot import Pilot

from tagtui.model import Platform, Repository, Tag
from tagtui.ui.app import TagtuiApp
from tagtui.ui.format import short_digest, shorten_middle
from tagtui.ui.widgets.tag_tree import PlatformRow, TagRow, TagTree
from tagtui.ui.widgets.virtual_list import VirtualList
from tests.ui.conftest import settle
from tests.ui.fakes import (
    INDEX,
    MANIFEST,
    FakeProvider,
    Gate,
    digest_of,
    make_image,
    sample_provider,
)
from tests.ui.helpers import main_screen, row_names
from tests.ui.screen import screen_text


class CountingProvider(FakeProvider):
    """A catalog that also says how many tags each repository has (as vendor APIs do)."""

    def __init__(self, counts: dict[str, int], **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.counts = counts

    async def list_repositories(self) -> AsyncIterator[list[Repository]]:
        async for page in super().list_repositories():
            yield [replace(repo, tag_count=self.counts.get(repo.name)) for repo in page]


def many_tags(repo: str = "app/many", count: int = 60) -> FakeProvider:
    """Tags listed with every fact a row shows, so no describe_tag redraws them later."""
    provider = FakeProvider()
    for n in range(count):
        image = make_image(f"{repo}-{n}")
        provider.add_image_tag(repo, f"t{n:02d}", image)
        provider.repos[repo][-1] = Tag(
            name=f"t{n:02d}",
            digest=image.digest,
            created=image.config.created,
            size=image.compressed_size,
            media_type=MANIFEST,
        )
    return provider


def content_lines(app: TagtuiApp, widget: VirtualList) -> list[str]:
    """The list's rows as the terminal shows them, scrollbar excluded."""
    region = widget.scrollable_content_region
    lines = screen_text(app).splitlines()
    return [line[region.x : region.right] for line in lines[region.y : region.bottom]]


def assert_cursor_on_screen(app: TagtuiApp, widget: VirtualList, text: str) -> None:
    top = widget.scroll_offset.y
    assert top <= widget.cursor < top + widget.scrollable_content_region.height
    assert any(text in line for line in content_lines(app, widget))


# --- 1: a resize keeps the highlighted row on screen ---------------------------------------


async def test_resize_keeps_the_highlighted_repository_on_screen() -> None:
    provider = FakeProvider(page_size=1000)
    for n in range(100):
        provider.add_repo(f"repo-{n:03d}")
    app = TagtuiApp(provider)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        repos = main_screen(app).repo_list
        for _ in range(40):
            await pilot.press("j")
        await settle(pilot)
        assert repos.scroll_offset.y == 0  # 44 rows fit: no scrolling yet
        await pilot.resize_terminal(80, 24)
        await settle(pilot)
        assert repos.highlighted_row.name == "repo-040"
        assert_cursor_on_screen(app, repos, "repo-040")


async def test_resize_keeps_the_highlighted_tag_on_screen() -> None:
    app = TagtuiApp(many_tags(), repository="app/many")
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        tree = main_screen(app).tag_tree
        tree.select_tag("t40")
        await settle(pilot)
        assert tree.scroll_offset.y == 0
        await pilot.resize_terminal(80, 24)
        await settle(pilot)
        assert tree.highlighted_row == TagRow("t40")
        assert_cursor_on_screen(app, tree, "t40")
        # And back: a taller pane shows it too (nothing scrolled past the end).
        await pilot.resize_terminal(160, 48)
        await settle(pilot)
        assert_cursor_on_screen(app, tree, "t40")


# --- 2: counts grouped as the Tags pane title groups them ----------------------------------


async def test_repository_counts_have_thousands_separators_at_80x24() -> None:
    long_name = "team/a-rather-long-repository-name"
    counts = {"big/tags": 2044, long_name: 5000, "small/one": 7}
    provider = CountingProvider(counts)
    for name in counts:
        provider.add_repo(name)
    app = TagtuiApp(provider)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        repos = main_screen(app).repo_list
        width = repos.scrollable_content_region.width
        lines = content_lines(app, repos)
        assert lines[0] == "big/tags".ljust(width - 5) + "2,044"
        assert lines[1] == "small/one".ljust(width - 1) + "7"
        # A cut name gives way in the middle and keeps a space before its count.
        assert lines[2] == shorten_middle(long_name, width - 6) + " 5,000"
        assert lines[2].startswith("team/") and lines[2].endswith("name 5,000")
        assert "2044" not in screen_text(app)


async def test_names_with_a_long_common_prefix_stay_apart_at_80x24() -> None:
    # NCR's and Tutum's names as QA saw them: eight rows that all read "demo-registry/batch-job…".
    names = [f"demo-registry/batch-job-worker-{n}" for n in range(1, 9)]
    provider = FakeProvider()
    for name in names:
        provider.add_repo(name)
    app = TagtuiApp(provider)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        lines = [line.strip() for line in content_lines(app, main_screen(app).repo_list)[:8]]
        assert len(set(lines)) == 8, lines
        assert all(line.endswith(f"worker-{n}") for n, line in enumerate(lines, 1)), lines


def test_shorten_middle_keeps_the_last_path_part() -> None:
    assert shorten_middle("short", 10) == "short"
    assert shorten_middle("demo-registry/batch-job-7", 20) == "demo-re…/batch-job-7"
    assert shorten_middle("demo-registry/batch-job-7", 14) == "d…/batch-job-7"
    # The last part alone does not fit: the middle of the whole name goes.
    assert shorten_middle("demo-registry/batch-job-7", 12) == "demo-…-job-7"
    assert len(shorten_middle("a-very-long-name-without-slashes", 11)) == 11
    assert shorten_middle("a-very-long-name-without-slashes", 11) == "a-ver…ashes"


# --- 3: a digest's platform badges on every row of that digest ----------------------------


def shared_index_provider() -> tuple[FakeProvider, str]:
    provider = FakeProvider()
    amd = make_image("x-amd64")
    arm = make_image("x-arm64", architecture="arm64")
    att = Platform("unknown", "unknown", digest_of("x-att"), is_attestation=True, size=840)
    provider.add_index_tag(
        "lib/x",
        "3.19",
        [
            (Platform("linux", "amd64", amd.digest or "", size=3_400_000), amd),
            (Platform("linux", "arm64", arm.digest or "", size=3_300_000), arm),
            (att, make_image("x-att")),
        ],
    )
    digest = provider.digests[("lib/x", "3.19")]
    for name in ("3", "latest"):
        provider.repos["lib/x"].append(Tag(name=name, digest=digest, media_type=INDEX))
        provider.digests[("lib/x", name)] = digest
    provider.add_image_tag("lib/x", "single", make_image("x-single"))
    return provider, digest


async def test_platform_badges_reach_every_tag_on_the_same_digest() -> None:
    provider, _ = shared_index_provider()
    app = TagtuiApp(provider, repository="lib/x", tag="3.19")
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        tree = main_screen(app).tag_tree
        assert row_names(tree.rows) == ["3", "3.19", "latest", "single"]
        lines = dict(zip(row_names(tree.rows), content_lines(app, tree), strict=False))
        # Only 3.19 was opened (its detail is shown), yet all three rows on its digest know.
        for name in ("3", "3.19", "latest"):
            assert f"{name} ▪2 att " in lines[name], lines[name]
        assert "▪" not in lines["single"] and "att" not in lines["single"]
        assert "  att" not in lines["3.19"]  # one space before the badge, not two


async def test_a_tag_on_a_known_digest_opens_to_its_platforms_at_once() -> None:
    provider, _ = shared_index_provider()
    gate = provider.gates["get_tag"] = Gate()
    app = TagtuiApp(provider, repository="lib/x", tag="3.19")
    async with app.run_test(size=(120, 30)) as pilot:
        screen = main_screen(app)
        tree = screen.tag_tree
        while tree.catalog.repository is None or screen.tags_loading:
            await pilot.pause()
        gate.open()
        await settle(pilot)
        provider.gates["get_tag"] = Gate()  # no more details from here: the tree must know
        tree.expand("latest")
        await pilot.pause()
        children = [row for row in tree.rows if isinstance(row, PlatformRow)]
        assert [row.platform.name for row in children] == ["linux/amd64", "linux/arm64"]
        assert all(row.tag == "latest" for row in children)
        provider.gates["get_tag"].open()
        await settle(pilot)


# --- 4: columns follow the width the rows are drawn at ------------------------------------


def digest_columns(app: TagtuiApp, tree: TagTree) -> set[int]:
    """Where each visible tag row's short digest starts, within the list's content."""
    starts = set()
    for row, line in zip(tree.visible_rows(), content_lines(app, tree), strict=False):
        tag = tree.catalog.tag(row.name) if isinstance(row, TagRow) else None
        if tag is not None and tag.digest:
            starts.add(line.find(short_digest(tag.digest, 8)))
    return starts


def paint(widget: VirtualList) -> None:
    for y in range(widget.scrollable_content_region.height):
        widget.render_line(y)


async def assert_columns_flush(pilot: Pilot[None], app: TagtuiApp, tree: TagTree) -> None:
    await settle(pilot)
    # The digest cell is " 1234abcd   ": the digest starts 11 cells from the content's edge.
    assert digest_columns(app, tree) == {tree.scrollable_content_region.width - 11}


async def test_tag_columns_follow_the_scrollbar_both_ways() -> None:
    app = TagtuiApp(many_tags(count=30), repository="app/many")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        tree = main_screen(app).tag_tree
        assert tree.show_vertical_scrollbar
        await assert_columns_flush(pilot, app, tree)
        # A paint can come between the rows changing and the layout that hides the
        # scrollbar (a real terminal's refresh timer): draw the rows at that moment. The
        # highlighted t00 stays highlighted, so nothing else redraws the rows.
        tree.set_filter("t00")
        paint(tree)
        await settle(pilot)
        assert not tree.show_vertical_scrollbar
        await assert_columns_flush(pilot, app, tree)
        tree.set_filter("")
        paint(tree)
        await settle(pilot)
        assert tree.show_vertical_scrollbar
        await assert_columns_flush(pilot, app, tree)


async def test_repository_counts_stay_whole_when_a_later_page_brings_the_scrollbar() -> None:
    names = [f"repo-{n:02d}" for n in range(10)]
    provider = CountingProvider({name: 1234 for name in names}, page_size=10)
    for name in [*names, "zz-last"]:
        provider.add_repo(name)
    gate = provider.gates["next_page"] = Gate()  # the catalog stays "loading" meanwhile
    app = TagtuiApp(provider)
    async with app.run_test(size=(80, 24)) as pilot:
        repos = main_screen(app).repo_list
        while repos.total < 10:
            await pilot.pause()
        paint(repos)
        assert not repos.show_vertical_scrollbar
        assert all(line.endswith("1,234") for line in content_lines(app, repos)[:10])
        # The next page makes the list taller than the pane: a scrollbar takes a column.
        repos.add_page([Repository(f"repo-{n:02d}", tag_count=1234) for n in range(10, 30)])
        await pilot.pause()
        await pilot.pause()
        assert repos.show_vertical_scrollbar
        assert all(line.endswith("1,234") for line in content_lines(app, repos))
        gate.open()
        await settle(pilot)


@pytest.mark.parametrize("size", [(80, 24), (160, 48)])
async def test_zoom_gives_the_repository_pane_the_whole_width(size: tuple[int, int]) -> None:
    provider = FakeProvider()
    provider.add_repo("demo-registry/batch-job-worker-with-a-long-name")
    app = TagtuiApp(provider)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        pane = app.screen.query_one("#repo-pane")
        assert pane.size.width < size[0] // 2
        await pilot.press("z")
        await settle(pilot)
        assert app.screen.maximized is pane
        assert pane.size.width >= size[0] - 2  # the screen keeps a margin round it
        assert "demo-registry/batch-job-worker-with-a-long-name" in screen_text(app)
        await pilot.press("z")
        await settle(pilot)
        assert pane.size.width < size[0] // 2


@pytest.mark.parametrize("pane", ["repos", "tags", "detail"])
async def test_the_footer_keeps_help_at_70_columns(pane: str) -> None:
    app = TagtuiApp(sample_provider(), repository="app/web")
    async with app.run_test(size=(70, 20)) as pilot:
        await settle(pilot)
        main_screen(app).action_focus_pane(pane)
        await settle(pilot)
        assert "? Help" in screen_text(app).splitlines()[-1]


@pytest.mark.parametrize("width", [80, 60])
async def test_the_header_keeps_the_credential_source_in_narrow_terminals(width: int) -> None:
    provider = FakeProvider(name="registry.staging.example.com:5000")
    app = TagtuiApp(provider)
    async with app.run_test(size=(width, 20)) as pilot:
        await settle(pilot)
        main_screen(app).header.credentials = "alice from environment (rejected)"
        await settle(pilot)
        first = screen_text(app).splitlines()[0].rstrip()
        # Words and then the middle of the registry give way; whose credentials never does.
        assert first.endswith("alice from environment (rejected)"), first
        assert "registr" in first and "com:5000" in first, first


async def test_the_highlighted_row_has_one_colour_pair() -> None:
    # In 16 colours the "att" badge's cyan vanished into the cursor's cyan: on the cursor row
    # every cell now takes the cursor's colours.
    app = TagtuiApp(sample_provider(), repository="library/alpine")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        tree = main_screen(app).tag_tree
        tree.focus()
        await settle(pilot)
        strip = tree.render_line(tree.cursor - tree.scroll_offset.y)
        assert "att" in strip.text
        pairs = {(seg.style.color, seg.style.bgcolor) for seg in strip if seg.text.strip()}
        assert len(pairs) == 1, pairs
