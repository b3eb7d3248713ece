"""The compare view (issue 10 §2): ``=`` with marks, across repositories, platforms, folding."""

from __future__ import annotations

import re

import pytest
from textual.pilot import Pilot
from textual.widgets import OptionList

from tagtui.errors import ConnectionFailed
from tagtui.ui.app import TagtuiApp
from tagtui.ui.palette import actions
from tagtui.ui.screens.compare import CompareScreen, PlatformPicker
from tagtui.ui.screens.help import HelpScreen
from tagtui.ui.screens.login import LoginModal
from tagtui.ui.screens.main import MainScreen
from tests.ui.compare_fakes import API, HOSTILE, MIRROR, MULTI, compare_provider
from tests.ui.conftest import settle, wait_until
from tests.ui.fakes import ANSI, MARKUP, OPEN_CLOSE, Gate
from tests.ui.helpers import main_screen, notification_texts, row_names
from tests.ui.screen import COLOUR, assert_terminal_safe, screen_ansi, screen_text, terminal_output

WIDE = (160, 48)


async def press(pilot: Pilot[object], *keys: str) -> None:
    for key in keys:
        await pilot.press(key)
        await settle(pilot)


def compare_screen(app: TagtuiApp) -> CompareScreen:
    screen = app.screen
    assert isinstance(screen, CompareScreen), screen
    return screen


def compared(app: TagtuiApp) -> tuple[str, str]:
    comparison = compare_screen(app).comparison
    assert comparison is not None
    return comparison.a.reference, comparison.b.reference


def ref(repository: str, tag: str) -> str:
    return f"fake.example:5000/{repository}:{tag}"


async def test_mark_one_then_equals_on_another_shows_every_difference() -> None:
    app = TagtuiApp(compare_provider(), repository=API)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        # Rows: v1, v1-again, v2. Space marks v1 (and moves down), = on v2.
        await press(pilot, "space", "down", "equals_sign")
        assert compared(app) == (ref(API, "v1"), ref(API, "v2"))
        text = screen_text(app)
        for line in (
            "Compare  A shop/api:v1  ↔  B shop/api:v2",
            "2024-03-01 12:00:00 UTC",
            "2024-03-15 12:00:00 UTC",
            "4.9 MiB in 3 layers",
            "5.1 MiB in 4 layers",
            "Config: 10 differences",
            '~ entrypoint   ["/srv/api"] → ["/srv/api", "--verbose"]',
            "- user         api",
            "~ env          MODE: dev → prod",
            "- env          LEGACY=1",
            "+ env          FEATURES=a=b,c",
            "~ labels       org.opencontainers.image.version: 1.0 → 2.0",
            "- ports        53/udp",
            "+ ports        9090/tcp",
            "- volumes      /data",
            "+ volumes      /cache",
            "Layers: 2 shared (4.1 MiB, the common base) · 1 only in A (800.8 KiB) · 2 only in B",
            "800.8 KiB  COPY api-v1 /srv/api",
            "62.5 KiB  COPY static /srv/static",
            "History: 2 entries in common, then 1 only in A, 2 only in B",
            "+ 2024-03-15 12:00:00 UTC  COPY static /srv/static",
        ):
            assert line in text, line
        # The common base is summed up, not listed, until Enter asks for it.
        assert "ADD rootfs.tar.gz" not in text
        await press(pilot, "enter")
        text = screen_text(app)
        assert "= " in text and "ADD rootfs.tar.gz /" in text
        assert "2024-01-31 12:00:00 UTC  ADD rootfs.tar.gz /" in text  # the common history
        await press(pilot, "escape")
        assert isinstance(app.screen, MainScreen)


async def test_two_marked_compare_in_list_order_wherever_the_cursor_is() -> None:
    app = TagtuiApp(compare_provider(), repository=API)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        # Mark v2 first, then v1; the cursor ends on v1-again: A is v1, the first in the list.
        await press(pilot, "end", "space", "home", "space", "equals_sign")
        assert compared(app) == (ref(API, "v1"), ref(API, "v2"))


async def test_equals_says_what_to_do_when_there_is_nothing_to_compare() -> None:
    app = TagtuiApp(compare_provider(), repository=API)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        await press(pilot, "space", "up", "equals_sign")  # v1 marked, the cursor back on it
        assert isinstance(app.screen, MainScreen)
        assert "Compare: shop/api:v1 is marked: press = on another tag to compare the two." in (
            notification_texts(app)
        )
        await press(pilot, "asterisk", "equals_sign")
        assert isinstance(app.screen, MainScreen)
        assert "Compare: 3 tags are marked: = compares two (u clears the marks)." in (
            notification_texts(app)
        )


async def test_equals_with_nothing_marked_compares_from_that_tag_in_another_repository() -> None:
    app = TagtuiApp(compare_provider(), repository=API)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        screen = main_screen(app)
        await press(pilot, "equals_sign")  # on v1, nothing marked: remembered
        assert isinstance(app.screen, MainScreen)
        assert any(
            "Compare from shop/api:v1: press = on another tag" in t for t in notification_texts(app)
        )
        assert "= shop/api:v1" in str(screen.tags_pane.border_title)
        screen.open_repository(MIRROR)
        await settle(pilot)
        await press(pilot, "equals_sign")
        assert compared(app) == (ref(API, "v1"), ref(MIRROR, "v2"))
        await press(pilot, "escape")
        assert screen.tags_pane.compare_from is None  # used once
        # = twice on one tag forgets it.
        await press(pilot, "equals_sign", "equals_sign")
        assert isinstance(app.screen, MainScreen)
        assert screen.tags_pane.compare_from is None
        assert "Compare: No longer comparing from shop/mirror:v2." in notification_texts(app)


async def test_a_tag_marked_alone_is_compared_from_another_repository() -> None:
    app = TagtuiApp(compare_provider(), repository=API)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        await press(pilot, "end", "space")  # v2 of shop/api marked
        screen = main_screen(app)
        screen.open_repository(MIRROR)
        await settle(pilot)
        assert not screen.tags_pane.marks  # marks stay per repository...
        await press(pilot, "equals_sign")  # ...but = still compares with the one left behind
        assert compared(app) == (ref(API, "v2"), ref(MIRROR, "v2"))
        text = screen_text(app)
        assert "A and B are the same image (sha256:" in text  # one image in two repositories


async def test_identical_images_fold_every_section() -> None:
    app = TagtuiApp(compare_provider(), repository=API)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        await press(pilot, "space", "equals_sign")  # v1 and v1-again
        comparison = compare_screen(app).comparison
        assert comparison is not None and comparison.identical
        text = screen_text(app)
        assert f"A and B are the same image ({comparison.a.image_digest})" in text
        assert "Config: identical" in text
        assert "Layers: identical (3 layers, 4.9 MiB)" in text
        assert "History: identical (3 entries)" in text
        assert "COPY api-v1" not in text
        await press(pilot, "space")  # Space, as Enter, lists what both have
        text = screen_text(app)
        assert "COPY api-v1 /srv/api" in text and "ADD rootfs.tar.gz /" in text


async def test_multi_platform_compares_the_preferred_then_another_platform() -> None:
    app = TagtuiApp(compare_provider(), repository=MULTI)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        await press(pilot, "space", "equals_sign")
        comparison = compare_screen(app).comparison
        assert comparison is not None
        assert (comparison.a.platform, comparison.b.platform) == ("linux/amd64", "linux/amd64")
        assert "linux/amd64 · index of 2" in screen_text(app)
        await press(pilot, "p")
        picker = app.screen
        assert isinstance(picker, PlatformPicker)
        assert picker.names == ["linux/amd64", "linux/arm64/v8"]
        assert "linux/amd64  (compared now)" in screen_text(app)
        assert picker.query_one(OptionList).highlighted == 0
        await press(pilot, "down", "enter")
        comparison = compare_screen(app).comparison
        assert comparison is not None
        platforms = (comparison.a.platform, comparison.b.platform)
        assert platforms == ("linux/arm64/v8", "linux/arm64/v8")
        text = screen_text(app)
        assert "linux/arm64/v8 · index of 2" in text
        assert "COPY app/arm64 /app/" in text and "COPY app/amd64" not in text


async def test_equals_on_a_platform_row_compares_that_platform() -> None:
    app = TagtuiApp(compare_provider(), repository=MULTI)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        # Rows: 1, 2. Space marks 1 (and moves to 2); 2 opens to its platforms; = on arm64.
        await press(pilot, "space", "right", "down", "down")
        row = main_screen(app).tag_tree.highlighted_row
        assert row_names([row]) == ["2/linux/arm64/v8"]
        await press(pilot, "equals_sign")
        comparison = compare_screen(app).comparison
        assert comparison is not None
        assert (comparison.a.platform, comparison.b.platform) == ("linux/arm64/v8",) * 2
        assert "COPY app/arm64 /app/" in screen_text(app)


async def test_one_tag_on_two_platforms_compares_each_side_on_its_own() -> None:
    app = TagtuiApp(compare_provider(), repository=MULTI)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        # = on 1's amd64 row remembers it; = on 1's arm64 row compares the two platforms.
        await press(pilot, "right", "down", "equals_sign")
        assert "Compare: Compare from shop/multi:1 (linux/amd64): press = on another tag" in (
            " ".join(notification_texts(app))
        )
        await press(pilot, "down", "equals_sign")
        comparison = compare_screen(app).comparison
        assert comparison is not None
        assert (comparison.a.platform, comparison.b.platform) == ("linux/amd64", "linux/arm64/v8")
        text = screen_text(app)
        assert "COPY app/amd64 /app/" in text and "COPY app/arm64 /app/" in text


async def test_p_between_single_images_says_there_is_no_other_platform() -> None:
    app = TagtuiApp(compare_provider(), repository=API)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        await press(pilot, "space", "down", "equals_sign", "p")
        assert isinstance(app.screen, CompareScreen)
        assert (
            "Platform: Neither side is a multi-platform image: there is no other platform."
            in notification_texts(app)
        )


async def test_a_platform_that_fails_keeps_the_comparison_shown() -> None:
    provider = compare_provider()
    app = TagtuiApp(provider, repository=MULTI)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        await press(pilot, "space", "equals_sign", "p")
        provider.errors["get_image"] = ConnectionFailed("fake.example:5000: connection refused")
        await press(pilot, "down", "enter")
        comparison = compare_screen(app).comparison
        assert comparison is not None and comparison.a.platform == "linux/amd64"
        assert compare_screen(app).loading_platform is None
        assert any("connection refused" in text for text in notification_texts(app))


async def test_esc_while_loading_cancels_and_changes_nothing() -> None:
    provider = compare_provider()
    app = TagtuiApp(provider, repository=API)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        gate = provider.gates["get_tag"] = Gate()
        await pilot.press("space", "down", "equals_sign")
        await wait_until(pilot, lambda: isinstance(app.screen, CompareScreen))
        assert "Loading both sides… (Esc cancels)" in screen_text(app)
        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(app.screen, MainScreen))
        gate.open()
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
        assert not [w for w in app.workers if w.group.startswith("compare") and not w.is_finished]


async def test_a_side_that_cannot_be_loaded_is_a_notification() -> None:
    provider = compare_provider()
    app = TagtuiApp(provider, repository=API)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        await press(pilot, "space", "down")  # the detail pane has loaded v2: no get_tag left
        provider.errors["get_tag"] = ConnectionFailed("fake.example:5000: connection refused")
        await press(pilot, "equals_sign")
        assert ("get_tag", f"{API}:v1") in provider.calls[-2:]
        assert isinstance(app.screen, MainScreen)
        assert any("connection refused" in text for text in notification_texts(app))


@pytest.mark.parametrize("size", [(80, 24), WIDE])
async def test_hostile_values_stay_literal(size: tuple[int, int]) -> None:
    app = TagtuiApp(compare_provider(), repository=HOSTILE)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await press(pilot, "space", "equals_sign", "enter")
        assert isinstance(app.screen, CompareScreen)
        assert_terminal_safe(terminal_output(app))
        text = screen_text(app)
        assert f"MARKUP: {MARKUP} → {MARKUP}\\x1b[31mred\\x1b[0m" in text
        assert f"NEW{OPEN_CLOSE}" in text
        assert ANSI not in text


async def test_no_color_keeps_the_signs_and_drops_the_colours(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    app = TagtuiApp(compare_provider(), repository=API)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        await press(pilot, "space", "down", "equals_sign")
        drawn = screen_ansi(app)
        assert not COLOUR.findall(drawn)
        text = screen_text(app)
        assert "+ env" in text and "- env" in text and "~ env" in text


async def test_colours_say_what_the_signs_say(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    app = TagtuiApp(compare_provider(), repository=API)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        await press(pilot, "space", "down", "equals_sign")
        compare_screen(app)
        drawn = screen_ansi(app)
        colours = {}
        for sign in "+-~":  # each sign drawn in a colour of its own
            found = re.search(r"\x1b\[[0-9;]*?38;2;(\d+;\d+;\d+)[0-9;]*m" + re.escape(sign), drawn)
            assert found, sign
            colours[sign] = found.group(1)
        assert len(set(colours.values())) == 3, colours


async def test_scroll_keys_and_help_in_the_compare_view() -> None:
    app = TagtuiApp(compare_provider(), repository=API)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press(pilot, "space", "down", "equals_sign")
        body = compare_screen(app).query_one("#compare-body")
        await press(pilot, "G")
        assert body.scroll_y == body.max_scroll_y > 0
        await press(pilot, "g")
        assert body.scroll_y == 0
        await press(pilot, "j")
        assert body.scroll_y == 1
        await press(pilot, "question_mark")
        assert isinstance(app.screen, HelpScreen)
        await press(pilot, "escape", "q")
        assert isinstance(app.screen, MainScreen)


async def test_palette_and_help_name_the_compare() -> None:
    app = TagtuiApp(compare_provider(), repository=API)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        screen = main_screen(app)
        titles = {title: callback for title, _, callback in actions(screen)}
        await press(pilot, "space")  # v1 marked, the cursor on v1-again
        titles["Compare two tags…"]()
        await settle(pilot)
        assert compared(app) == (ref(API, "v1"), ref(API, "v1-again"))
        await press(pilot, "escape", "question_mark", "G")
        text = screen_text(app)
        assert "the marked tag with this one" in text


async def test_a_registry_asking_for_credentials_opens_the_login_then_compares() -> None:
    provider = compare_provider()
    app = TagtuiApp(provider, repository=API)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        await press(pilot, "space", "down")
        provider.password = "hunter2-Secret"  # the registry starts asking
        await press(pilot, "equals_sign")
        assert isinstance(app.screen, LoginModal)
        await pilot.press(*"alice", "enter", *"hunter2-Secret")
        await pilot.click("#login-submit")
        await settle(pilot)
        assert compared(app) == (ref(API, "v1"), ref(API, "v2"))
