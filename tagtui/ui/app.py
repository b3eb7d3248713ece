"""The Textual app: owns the provider (closing it on exit) and shows the main screen."""

from __future__ import annotations

import asyncio
import time
from collections import deque
from typing import ClassVar

from textual import events
from textual.app import App
from textual.binding import Binding, BindingType
from textual.screen import Screen

from tagtui.providers.base import Provider
from tagtui.ui.commands import TagtuiCommands
from tagtui.ui.resources import stylesheet_paths
from tagtui.ui.screens.main import MainScreen

# How long one key may keep the next one waiting (a busy app still gets its keys, just unordered).
KEY_SETTLE_SECONDS = 0.5


class TagtuiApp(App[None]):
    """``TagtuiApp(provider, repository=..., tag=...).run()``: the provider is closed on exit."""

    TITLE = "tagtui"
    CSS_PATH: ClassVar = stylesheet_paths()
    COMMANDS: ClassVar = App.COMMANDS | {TagtuiCommands}
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+p", "command_palette", "Commands", show=False, priority=True),
    ]

    def __init__(
        self, provider: Provider, *, repository: str | None = None, tag: str | None = None
    ) -> None:
        super().__init__()
        self.provider = provider
        self.start_repository = repository
        self.start_tag = tag
        self._keys: deque[events.Key] = deque()
        self._key_pump: asyncio.Task[None] | None = None

    def get_default_screen(self) -> Screen:
        return MainScreen(self.provider, repository=self.start_repository, tag=self.start_tag)

    async def on_event(self, event: events.Event) -> None:
        # Keys of one terminal read (SSH batches them, so does tmux send-keys) would all be
        # forwarded to the widget focused *now*, before the first one moved the focus or the
        # cursor. Hand them over one at a time, each after the previous one's effects settled.
        if isinstance(event, events.Key) and not event.is_forwarded:
            self._keys.append(event)
            if self._key_pump is None or self._key_pump.done():
                self._key_pump = asyncio.create_task(self._pump_keys())
            return
        await super().on_event(event)

    async def _pump_keys(self) -> None:
        try:
            while self._keys:
                await super().on_event(self._keys.popleft())
                await self._settle()
        except Exception as error:  # reported like an error in any handler
            self._handle_exception(error)

    async def _settle(self) -> None:
        """Wait until no message queue of the app or its screen holds anything.

        Handlers here do not await I/O (workers do), so a queue seen empty twice, a loop turn
        apart, means its messages were handled; the deadline keeps a busy app taking keys.
        """
        deadline = time.monotonic() + KEY_SETTLE_SECONDS
        quiet = 0
        while quiet < 2 and time.monotonic() < deadline:
            await asyncio.sleep(0)
            quiet = quiet + 1 if self._quiet() else 0

    def _quiet(self) -> bool:
        pumps = [self, *self.screen.walk_children(with_self=True)]
        return not any(
            pump._message_queue.qsize() or pump._pending_message is not None for pump in pumps
        )

    async def on_unmount(self) -> None:
        if self._key_pump is not None:
            self._key_pump.cancel()
        try:
            await self.provider.aclose()
        except Exception as err:  # leaving must not fail because a connection would not close
            self.log.warning(f"closing the provider failed: {type(err).__name__}")
