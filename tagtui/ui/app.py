"""The Textual app: owns the session's providers (closing them on exit) and shows the main
screen of the current one; `o` switches registries (ui/flows/switch.py)."""

from __future__ import annotations

import asyncio
import os
from collections import deque
from collections.abc import Iterable
from functools import partial
from typing import ClassVar

from textual import events
from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.keys import format_key
from textual.message import Message
from textual.message_pump import MessagePump
from textual.screen import Screen
from textual.worker import Worker

from tagtui.providers.base import Provider, ProviderOptions
from tagtui.session.registries import SessionRegistries
from tagtui.ui import ascii_mode
from tagtui.ui.flows.switch import FIRST_MODE, RegistrySwitch
from tagtui.ui.palette import TagtuiCommands, TagtuiPalette
from tagtui.ui.resources import stylesheet_paths
from tagtui.ui.screens.main import MainScreen

# How long one key may keep the next one waiting (a busy app still gets its keys, just unordered).
KEY_SETTLE_SECONDS = 0.5


class _Round:
    """One round trip: a callback posted to every pump, counted back as each pump runs it."""

    def __init__(self) -> None:
        self.waiting = 0
        self.finished = asyncio.Event()


def _arrive(round_trip: _Round) -> None:
    round_trip.waiting -= 1
    if round_trip.waiting == 0:
        round_trip.finished.set()


def _is_round_trip(message: Message) -> bool:
    return (
        isinstance(message, events.Callback)
        and isinstance(message.callback, partial)
        and message.callback.func is _arrive
    )


class KeySettler:
    """Waits until what one key set off on the app and its screen has been handled.

    A round trip posts a callback to the app, the screen and every widget on it and waits for
    all of them to run it: a pump runs it only after everything queued before it, including the
    message its loop already took off the queue to look ahead and the one in flight. Every
    message a pump handles is published on its ``message_signal``; a round during which no pump
    handled anything but the round trip itself proves all of them were idle when it started, and
    since no handler ran, none can have queued more. Rounds repeat until one is quiet. Workers
    and timers are not waited for: their results may arrive between keys, as typed slowly.
    """

    def __init__(self, app: App[object]) -> None:
        self.app = app
        self.busy = False

    def hear(self, message: Message) -> None:
        # A key reaching the app only joins the queue of keys: no work for the previous key.
        if _is_round_trip(message) or (
            isinstance(message, events.Key) and not message.is_forwarded
        ):
            return
        self.busy = True

    async def settle(self, timeout: float) -> None:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        heard: set[MessagePump] = set()
        try:
            while True:
                pumps: list[MessagePump] = [
                    self.app,
                    *self.app.screen.walk_children(with_self=True),
                ]
                for pump in pumps:
                    if pump not in heard:
                        pump.message_signal.subscribe(self.app, self.hear, immediate=True)
                        heard.add(pump)
                self.busy = False
                round_trip = _Round()
                for pump in pumps:
                    if pump.call_later(_arrive, round_trip):  # False: the pump is closing
                        round_trip.waiting += 1
                if round_trip.waiting:
                    try:
                        await asyncio.wait_for(
                            round_trip.finished.wait(), max(0.0, deadline - loop.time())
                        )
                    except TimeoutError:
                        return
                if not self.busy or loop.time() >= deadline:
                    return
        finally:
            for pump in heard:
                pump.message_signal.unsubscribe(self.app)


class TagtuiApp(App[None]):
    """``TagtuiApp(provider, repository=..., tag=...).run()``: every provider is closed on exit.

    ``options``: the connection options for registries opened later (the switcher); ``name``:
    what the first registry is called in the switcher (a config.toml name; else its host).
    """

    TITLE = "tagtui"
    # Each registry opened has a mode (a screen stack) of its own: ui/flows/switch.py.
    DEFAULT_MODE: ClassVar[str] = FIRST_MODE
    CSS_PATH: ClassVar = stylesheet_paths()
    # Only tagtui's provider: it lists Textual's entries too, after its own.
    COMMANDS: ClassVar = {TagtuiCommands}
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+p", "command_palette", "Commands", show=False, priority=True),
    ]

    def __init__(
        self,
        provider: Provider,
        *,
        repository: str | None = None,
        tag: str | None = None,
        options: ProviderOptions | None = None,
        name: str | None = None,
    ) -> None:
        # NO_COLOR: the terminal's own colours, which Textual then strips entirely (its default
        # would still paint shades of grey); the cursor shows in reverse video (app.tcss).
        super().__init__(ansi_color=True if "NO_COLOR" in os.environ else None)
        # LANG=C and other locales that cannot show Unicode: ASCII symbols, borders, bars.
        ascii_mode.setup(self)
        self.registries = SessionRegistries(options)
        self.registries.add(name or provider.display_name, provider)
        self.switcher = RegistrySwitch(self, self.registries)
        # The screen is built when Textual asks for it, inside the running app.
        self.main_screen = partial(MainScreen, provider, repository=repository, tag=tag)
        self.switcher.add_first(self.registries.current, self.get_default_screen)
        # Tracebacks of unexpected errors, kept under TAGTUI_DEBUG=1 to print after exit.
        self.debug_tracebacks: list[str] = []
        self._keys: deque[events.Key] = deque()
        self._key_pump: Worker[None] | None = None

    @property
    def provider(self) -> Provider:
        """The provider of the registry shown now."""
        return self.registries.provider(self.registries.current)

    def get_default_screen(self) -> Screen:
        return self.main_screen()

    def action_switch_registry(self) -> None:
        """`o` and "Switch registry…": pick another registry, or go back to one opened before."""
        if not isinstance(self.screen, MainScreen):
            return
        self.switcher.start()

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        # Quit, Keys and Maximize are tagtui's own Quit, Help and zoom (z) already.
        for command in super().get_system_commands(screen):
            if command.title in ("Theme", "Screenshot"):
                yield command

    def get_key_display(self, binding: Binding) -> str:
        # Textual shows Enter as U+23CE, a glyph Consolas and others lack.
        return super().get_key_display(binding).replace(format_key("enter"), "Enter")

    def action_command_palette(self) -> None:
        if self.use_command_palette and not TagtuiPalette.is_open(self):
            self.push_screen(TagtuiPalette(id="--command-palette"))

    async def on_event(self, event: events.Event) -> None:
        # Keys of one terminal read (SSH batches them, so does tmux send-keys) would all be
        # forwarded to the widget focused *now*, before the first one moved the focus or the
        # cursor. Hand them over one at a time, each after the previous one's effects settled.
        if isinstance(event, events.Key) and not event.is_forwarded:
            self._keys.append(event)
            if self._key_pump is None or self._key_pump.is_finished:
                # A worker: whoever waits for the app's workers waits for the queued keys too.
                self._key_pump = self.run_worker(self._pump_keys(), name="keys", group="keys")
            return
        await super().on_event(event)

    async def _pump_keys(self) -> None:
        settler = KeySettler(self)
        try:
            while self._keys:
                handled = asyncio.Event()
                # The key is handled in the app's own message loop, as without the pump: not in
                # this worker (push_screen_wait must still refuse to run there), and an error is
                # reported like an error in any handler.
                if not self.call_later(self._handle_key, self._keys.popleft(), handled):
                    return  # the app is closing
                await handled.wait()
                await settler.settle(KEY_SETTLE_SECONDS)
        finally:
            self._key_pump = None

    async def _handle_key(self, key: events.Key, handled: asyncio.Event) -> None:
        try:
            await super().on_event(key)
        finally:
            handled.set()

    async def on_unmount(self) -> None:
        try:
            await self.registries.aclose()
        except Exception as err:  # leaving must not fail because a connection would not close
            self.log.warning(f"closing a provider failed: {type(err).__name__}")
