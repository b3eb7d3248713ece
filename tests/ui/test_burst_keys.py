"""Keys that arrive in one burst (SSH batches them) land where slowly typed keys would."""

from __future__ import annotations

import unicodedata
from pathlib import Path

from textual import events
from textual.app import App
from textual.pilot import Pilot

from tagtui.demo import prepare_demo_store
from tagtui.providers.layout import LayoutProvider
from tagtui.ui.app import TagtuiApp
from tests.ui.conftest import settle
from tests.ui.helpers import main_screen


def burst(app: App[object], *keys: str) -> None:
    """Queue every key at once, as a terminal read delivers them (no idle wait in between)."""
    for key in keys:
        char: str | None = key if len(key) == 1 else None
        if key == "slash":
            char = "/"
        elif key == "enter":
            char = "\r"
        elif len(key) > 1:
            try:
                char = unicodedata.lookup(key.upper())
            except KeyError:
                char = None
        event = events.Key(key, char)
        event.set_sender(app)
        app.post_message(event)


async def run(pilot: Pilot[object], app: App[object], keys: tuple[str, ...], fast: bool) -> None:
    if fast:
        burst(app, *keys)
    else:
        for key in keys:
            await pilot.press(key)
            await settle(pilot)
    await settle(pilot)


async def test_filter_typed_in_one_burst(tmp_path: Path) -> None:
    app = TagtuiApp(LayoutProvider(prepare_demo_store(tmp_path / "store")))
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        burst(app, "slash", "a", "c", "m", "e")
        await settle(pilot)
        screen = main_screen(app)
        assert screen.repo_list.filter_text == "acme"
        assert screen.focused is not None and screen.focused.id == "repo-filter"


async def where_keys_land(tmp_path: Path, keys: tuple[str, ...], *, fast: bool) -> tuple:
    app = TagtuiApp(LayoutProvider(prepare_demo_store(tmp_path / ("fast" if fast else "slow"))))
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        await run(pilot, app, keys, fast)
        screen = main_screen(app)
        focused = screen.focused.id if screen.focused is not None else None
        return screen.repository, focused


async def test_enter_left_down_enter_in_one_burst_lands_like_slow_typing(tmp_path: Path) -> None:
    keys = ("enter", "left", "j", "enter")
    slow = await where_keys_land(tmp_path, keys, fast=False)
    fast = await where_keys_land(tmp_path, keys, fast=True)
    assert slow == ("acme/charts", "tags")
    assert fast == slow
