"""Switching registries (`o`, "Switch registry…"): list what can be opened, ask (the switcher
opens the registry chosen, or says in place why it cannot), then show its screen.

Every registry opened has its own main screen in a Textual mode of its own (a screen stack that
lives on while another mode is shown): going back shows it as it was left (repository, tag,
filters, marks) without asking the registry again. Each screen has its own provider, hence its
own credentials, and its own header naming both.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING

from tagtui.providers.base import Provider
from tagtui.session.registries import SessionRegistries
from tagtui.targets import Location
from tagtui.ui.screens.main import MainScreen

if TYPE_CHECKING:
    from textual.app import App
    from textual.screen import Screen


# The mode of the registry the app starts with (TagtuiApp.DEFAULT_MODE).
FIRST_MODE = "registry-1"


class RegistrySwitch:
    """The session's registries and the mode (screen stack) of each."""

    def __init__(self, app: App[None], registries: SessionRegistries) -> None:
        self.app = app
        self.registries = registries
        self.modes: dict[str, str] = {}
        # The first registry's screen, made into a declared mode only once there is another
        # registry to switch from (see add_first).
        self._first_screen: Callable[[], Screen] | None = None
        # Where to go once a registry already open is shown again ("host/repo:tag" typed).
        self._go_to: dict[str, Location] = {}

    def add_first(self, key: str, make_screen: Callable[[], Screen]) -> None:
        """The registry the app starts with (already in the session), shown first.

        Its screen comes from the app's ``get_default_screen`` (DEFAULT_MODE is FIRST_MODE):
        Textual re-parses the whole stylesheet when it starts a *declared* mode (~20 ms before
        the first paint), not when it starts the default one.
        """
        self.modes[key] = FIRST_MODE
        self._first_screen = make_screen

    def _add(self, key: str, provider: Provider, location: Location) -> None:
        if self._first_screen is not None:
            # Switching back to the first registry needs its mode declared; its screen stack
            # already exists, so this builds nothing.
            self.app.add_mode(FIRST_MODE, self._first_screen)
            self._first_screen = None
        mode = f"registry-{len(self.modes) + 1}"
        self.modes[key] = mode
        self.app.add_mode(
            mode,
            partial(MainScreen, provider, repository=location.repository, tag=location.tag),
        )

    def start(self) -> None:
        """`o`: the switcher, pushed at once, so that a key typed right after it goes to it."""
        # Small files (config.toml, two auth files): read here, as the command line reads them.
        from tagtui.ui.screens.registries import RegistryPicker  # not before the first o

        picker = RegistryPicker(self.registries.choices(), self.open)
        self.app.push_screen(picker, self._chosen)

    async def _chosen(self, key: str | None) -> None:
        if key is not None:
            await self.show(key)

    async def open(self, name: str) -> str:
        """Open ``name`` (or find it open) and give it a screen; raises what open_target does."""
        opened = await self.registries.open(name)
        if opened.new:
            self._add(opened.key, opened.provider, opened.location)
        elif opened.location.repository:
            self._go_to[opened.key] = opened.location
        return opened.key

    async def show(self, key: str) -> None:
        self.registries.use(key)
        await self.app.switch_mode(self.modes[key])
        location = self._go_to.pop(key, None)
        screen = self.app.screen
        if location is not None and location.repository and isinstance(screen, MainScreen):
            screen.open_repository(location.repository, tag=location.tag)
