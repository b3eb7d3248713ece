"""Keys that arrive in one burst (SSH batches them) land where slowly typed keys would."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from textual import events
from textual.app import App, ComposeResult
from textual.command import CommandPalette
from textual.message import Message
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import Static

from tagtui.demo import prepare_demo_store
from tagtui.providers.layout import LayoutProvider
from tagtui.ui.app import TagtuiApp
from tests.ui.conftest import settle
from tests.ui.helpers import burst, main_screen


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


async def yield_loop() -> None:
    """Yields the event loop a while, as awaiting a lock or a reply would (no time passes)."""
    for _ in range(10):
        await asyncio.sleep(0)


class Relay(Static, can_focus=True):
    """On ``x`` it queues two messages to itself, each handler yielding the event loop.

    While the first is in flight the second waits in the message loop's look-ahead slot, off
    the queue; while the second is in flight no queue holds anything. Only the second moves the
    focus (to After), so a key handed over during either lands on the wrong widget.
    """

    class First(Message):
        pass

    class Second(Message):
        pass

    def on_key(self, event: events.Key) -> None:
        if event.key == "boom":
            raise ZeroDivisionError("a key handler failed")
        if event.key == "x":
            self.post_message(self.First())
            self.post_message(self.Second())
        else:
            landed.append(f"relay: {event.key}")

    async def on_relay_first(self) -> None:
        await yield_loop()

    async def on_relay_second(self) -> None:
        await yield_loop()
        self.screen.query_one(After).focus()


class After(Static, can_focus=True):
    def on_key(self, event: events.Key) -> None:
        landed.append(f"after: {event.key}")


landed: list[str] = []


class RelayScreen(Screen[None]):
    def compose(self) -> ComposeResult:
        yield Relay("relay")
        yield After("after")

    def on_mount(self) -> None:
        self.query_one(Relay).focus()


class RelayApp(TagtuiApp):
    def get_default_screen(self) -> Screen:
        return RelayScreen()


def relay_app(tmp_path: Path) -> RelayApp:
    landed.clear()
    return RelayApp(LayoutProvider(prepare_demo_store(tmp_path / "store")))


async def test_a_key_waits_for_messages_in_flight_and_looked_ahead(tmp_path: Path) -> None:
    app = relay_app(tmp_path)
    async with app.run_test(size=(80, 10)) as pilot:
        await settle(pilot)
        burst(app, "x", "y")
        await settle(pilot)
        assert landed == ["after: y"]


async def test_an_error_in_a_key_handler_is_reported_like_any_handler_error(
    tmp_path: Path,
) -> None:
    app = relay_app(tmp_path)
    with pytest.raises(ZeroDivisionError, match="a key handler failed"):
        async with app.run_test(size=(80, 10)) as pilot:
            await settle(pilot)
            burst(app, "boom")
            await settle(pilot)
    assert app.return_code == 1


@pytest.mark.parametrize("how", ["burst", "one press call"])
@pytest.mark.parametrize("page", ["pagedown", "pageup"])
async def test_palette_and_a_page_key_in_one_burst(tmp_path: Path, page: str, how: str) -> None:
    """Ctrl+P and PageDown in one read: Textual's list has options but no height yet."""
    app = TagtuiApp(LayoutProvider(prepare_demo_store(tmp_path / "store")))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        if how == "burst":
            burst(app, "ctrl+p", page, page)
        else:
            await pilot.press("ctrl+p", page, page)
        await settle(pilot)
        assert app.is_running and app.return_code is None
        assert isinstance(app.screen, CommandPalette)
        await pilot.press(page)  # laid out now: the key pages as it should
        await settle(pilot)
        assert app.is_running


async def test_help_then_bottom_in_one_burst(tmp_path: Path) -> None:
    app = TagtuiApp(LayoutProvider(prepare_demo_store(tmp_path / "store")))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        burst(app, "question_mark", "G")
        await settle(pilot)
        body = app.screen.query_one("#help-body")
        assert body.scroll_y == body.max_scroll_y > 0
