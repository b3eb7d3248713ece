"""The Textual app: owns the provider (closing it on exit) and shows the main screen."""

from __future__ import annotations

from typing import ClassVar

from textual.app import App
from textual.binding import Binding, BindingType
from textual.screen import Screen

from tagtui.providers.base import Provider
from tagtui.ui.commands import TagtuiCommands
from tagtui.ui.resources import stylesheet_paths
from tagtui.ui.screens.main import MainScreen


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

    def get_default_screen(self) -> Screen:
        return MainScreen(self.provider, repository=self.start_repository, tag=self.start_tag)

    async def on_unmount(self) -> None:
        try:
            await self.provider.aclose()
        except Exception as err:  # leaving must not fail because a connection would not close
            self.log.warning(f"closing the provider failed: {type(err).__name__}")
