"""Marks on tags (issue 9 §1): Space, * and u on the tag tree, the palette, the pane's methods.

Marks are tag names: they survive a filter and a sort, and go with the repository or the tag.
"""

from __future__ import annotations

import re

import pytest

from tagtui.ui import glyphs
from tagtui.ui.app import TagtuiApp
from tagtui.ui.widgets.tag_tree import PlatformRow, TagRow
from tests.ui.conftest import settle
from tests.ui.fakes import REPO, TAG, hostile_provider, sample_provider
from tests.ui.helpers import main_screen, notifications, row_names
from tests.ui.screen import COLOUR, assert_terminal_safe, screen_ansi, screen_text, terminal_output

WEB = ["1.0", "1.2", "1.9", "1.10", "latest", "stable"]


def title(app: TagtuiApp) -> str:
    return str(main_screen(app).tags_pane.border_title)


def row_line(app: TagtuiApp, name: str) -> str:
    """The screen line of the tag row ``name`` (in the tag pane, after the repository pane)."""
    for line in screen_text(app).splitlines():
        cells = line.split("│")
        # The mark column, the ► column and its space, then the name.
        if len(cells) > 3 and re.match(rf"^...{re.escape(name)}\s", cells[3]):
            return cells[3]
    raise AssertionError(f"no row {name!r} on screen")


async def open_web(app: TagtuiApp, pilot) -> None:  # type: ignore[no-untyped-def]
    await settle(pilot)
    main_screen(app).open_repository("app/web")
    await settle(pilot)


async def test_space_marks_moves_down_and_the_title_counts() -> None:
    app = TagtuiApp(sample_provider())
    async with app.run_test(size=(100, 30)) as pilot:
        await open_web(app, pilot)
        pane = main_screen(app).tags_pane
        tree = pane.tag_tree
        assert tree.highlighted_row == TagRow("1.0")
        assert "marked" not in title(app)
        await pilot.press("space")
        assert pane.marked_tags() == ["1.0"]
        assert tree.highlighted_row == TagRow("1.2")  # moved down, ready for the next
        assert title(app).endswith("6 · 1 marked")
        await pilot.press("space", "space")  # held: a run of tags
        assert pane.marked_tags() == ["1.0", "1.2", "1.9"]
        assert title(app).endswith("· 3 marked")
        await pilot.press("up", "space")  # Space on a marked tag unmarks it
        assert pane.marked_tags() == ["1.0", "1.2"]
        assert tree.highlighted_row == TagRow("1.10")
        await pilot.press("G", "space")  # the last row: marked, the cursor stays
        assert pane.marked_tags() == ["1.0", "1.2", "stable"]
        assert tree.highlighted_row == TagRow("stable")
        await settle(pilot)
        # The mark sits in a leading column; unmarked rows keep it blank: names stay aligned.
        marked, unmarked = row_line(app, "1.2"), row_line(app, "1.9")
        assert marked.startswith(glyphs.MARKED) and unmarked.startswith(" ")
        assert marked.index("1.2") == unmarked.index("1.9")
        assert f"{glyphs.MARKED} " not in row_line(app, "1.10")


async def test_asterisk_marks_only_what_the_filter_shows_and_u_clears() -> None:
    app = TagtuiApp(sample_provider())
    async with app.run_test(size=(100, 30)) as pilot:
        await open_web(app, pilot)
        pane = main_screen(app).tags_pane
        await pilot.press("slash", "1", ".", "enter")  # 1.0 1.2 1.9 1.10, back in the tree
        await pilot.press("asterisk")
        assert pane.marked_tags() == ["1.0", "1.2", "1.9", "1.10"]
        assert "· 4 marked" in title(app)
        assert "1.0" in pane.marks and "latest" not in pane.marks
        await pilot.press("u")
        assert pane.marked_tags() == []
        assert "marked" not in title(app)
        # Without a filter, * marks every tag.
        await pilot.press("escape", "asterisk")
        assert pane.marked_tags() == WEB


async def test_marks_survive_filter_and_sort() -> None:
    app = TagtuiApp(sample_provider())
    async with app.run_test(size=(100, 30)) as pilot:
        await open_web(app, pilot)
        pane = main_screen(app).tags_pane
        tree = pane.tag_tree
        await pilot.press("space", "down", "down", "space")  # 1.0, 1.10
        assert pane.marked_tags() == ["1.0", "1.10"]
        await pilot.press("slash", *"lat")
        assert [row.name for row in tree.rows] == ["latest"]
        assert pane.marked_tags() == ["1.0", "1.10"]  # hidden by the filter, still marked
        assert "· 2 marked" in title(app)
        await pilot.press("enter", "space")  # latest, the only one shown
        await pilot.press("escape")  # the filter goes, the marks stay
        await settle(pilot)
        assert pane.marked_tags() == ["1.0", "1.10", "latest"]
        assert row_line(app, "1.10").startswith(glyphs.MARKED)
        await pilot.press("s")  # newest first: another order, the same marks
        await settle(pilot)
        assert pane.catalog.sort == "newest"
        assert pane.marked_tags() == ["1.10", "1.0", "latest"]  # in the order shown
        assert "· 3 marked" in title(app)


async def test_another_repository_drops_the_marks() -> None:
    app = TagtuiApp(sample_provider())
    async with app.run_test(size=(100, 30)) as pilot:
        await open_web(app, pilot)
        screen = main_screen(app)
        await pilot.press("asterisk")
        assert len(screen.tags_pane.marks) == 6
        screen.open_repository("team/service-1")
        await settle(pilot)
        assert screen.tags_pane.marked_tags() == []
        assert not screen.tags_pane.marks
        assert "marked" not in title(app)
        # Going back does not bring them back either: they belonged to that visit.
        screen.open_repository("app/web")
        await settle(pilot)
        assert not screen.tags_pane.marks


async def test_a_refresh_drops_the_marks_of_vanished_tags_only() -> None:
    provider = sample_provider()
    app = TagtuiApp(provider)
    async with app.run_test(size=(100, 30)) as pilot:
        await open_web(app, pilot)
        pane = main_screen(app).tags_pane
        await pilot.press("space", "space", "G", "space")  # 1.0, 1.2, stable
        provider.repos["app/web"] = [t for t in provider.repos["app/web"] if t.name != "1.2"]
        await pilot.press("r")
        await settle(pilot)
        assert row_names(pane.tag_tree.rows) == ["1.0", "1.9", "1.10", "latest", "stable"]
        assert pane.marked_tags() == ["1.0", "stable"]
        assert "1.2" not in pane.marks and len(pane.marks) == 2
        assert "· 2 marked" in title(app)


async def test_deleted_tags_lose_their_marks() -> None:
    app = TagtuiApp(sample_provider())
    async with app.run_test(size=(100, 30)) as pilot:
        await open_web(app, pilot)
        pane = main_screen(app).tags_pane
        pane.set_marks(["1.2", "latest", "not-a-tag"])  # only listed tags can be marked
        assert pane.marked_tags() == ["1.2", "latest"]
        pane.remove_tags(("latest",))
        assert pane.marked_tags() == ["1.2"]
        assert "· 1 marked" in title(app)
        pane.set_marks(["1.9", "1.0"])  # replaces every mark
        assert pane.marked_tags() == ["1.0", "1.9"]
        pane.clear_marks()
        assert pane.marked_tags() == [] and "marked" not in title(app)


async def test_a_platform_row_cannot_be_marked() -> None:
    app = TagtuiApp(sample_provider())
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        screen = main_screen(app)
        screen.open_repository("library/alpine")
        await settle(pilot)
        await pilot.press("right")
        await settle(pilot)
        await pilot.press("down")
        tree = screen.tag_tree
        platform = tree.highlighted_row
        assert isinstance(platform, PlatformRow)
        await pilot.press("space")
        await settle(pilot)
        assert not screen.tags_pane.marks
        assert tree.highlighted_row is platform  # not moved either
        warnings = [n for n in notifications(app) if n.severity == "warning"]
        assert [n.message for n in warnings] == ["Only tags can be marked"]
        # The tag itself can; its open platforms stay aligned under the blank mark column.
        await pilot.press("up", "space")
        await settle(pilot)
        assert screen.tags_pane.marked_tags() == ["3.19"]
        tree_lines = [line.split("│")[3] for line in screen_text(app).splitlines()[2:5]]
        assert tree_lines[0].startswith(f"{glyphs.MARKED}{glyphs.EXPANDED} 3.19 ")
        assert tree_lines[1].startswith("   ├─ linux/amd64")
        assert tree_lines[2].startswith("   └─ linux/arm64/v8")


async def test_palette_marks_every_shown_tag_and_clears() -> None:
    app = TagtuiApp(sample_provider())
    async with app.run_test(size=(100, 30)) as pilot:
        await open_web(app, pilot)
        pane = main_screen(app).tags_pane
        await pilot.press("slash", *"st", "enter")  # latest, stable
        await pilot.press("ctrl+p", *"Mark every shown tag")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert pane.marked_tags() == ["latest", "stable"]
        await pilot.press("ctrl+p", *"Clear all marks")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert pane.marked_tags() == []


async def test_a_hostile_marked_tag_stays_literal() -> None:
    app = TagtuiApp(hostile_provider())
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        screen = main_screen(app)
        screen.open_repository(REPO)
        await settle(pilot)
        await pilot.press("asterisk")
        await settle(pilot)
        assert TAG in screen.tags_pane.marks
        text = screen_text(app)
        assert f"{glyphs.MARKED}  [bold]x[/]\\x1b[31mred" in text  # cut to the column
        assert f"{glyphs.MARKED}  [[/[00]" in text
        assert_terminal_safe(terminal_output(app))


async def test_no_color_marked_rows_are_bold_without_colour(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    app = TagtuiApp(sample_provider(), repository="app/web")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("space", "space")
        await settle(pilot)
        drawn = screen_ansi(app)
        assert not COLOUR.findall(drawn)
        # The mark and the name of an unhighlighted marked row are bold (SGR 1).
        assert re.search(rf"\x1b\[1(;[0-9]+)*m{glyphs.MARKED}\x1b", drawn)
        assert re.search(r"\x1b\[1(;[0-9]+)*m1\.2\x1b", drawn)
        assert not re.search(r"\x1b\[1(;[0-9]+)*m1\.10\x1b", drawn)  # not marked: plain
