"""A registry left in the background (`o`) still reports what fails, and its notifications say
which registry they are about; the registry shown says nothing more than before."""

from __future__ import annotations

from tagtui.errors import ConnectionFailed
from tagtui.targets import Location
from tagtui.ui import glyphs
from tagtui.ui.app import TagtuiApp
from tagtui.ui.screens.main import MainScreen
from tests.ui.conftest import settle
from tests.ui.fakes import sample_provider
from tests.ui.helpers import main_screen, notifications


async def test_a_background_registry_names_itself_in_its_notifications() -> None:
    first = sample_provider()
    second = sample_provider()
    second.name = "other.example:5000"
    app = TagtuiApp(first)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        shown_first = main_screen(app)
        shown_first.reporter.report(ConnectionFailed("cannot connect: first, shown"))
        app.registries.add("other", second)
        app.switcher._add("other", second, Location())  # what opening it from `o` does
        await app.switcher.show("other")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen) and app.screen.provider is second
        # The first registry, now in the background, fails; then the one shown does.
        shown_first.reporter.report(ConnectionFailed("cannot connect: first, hidden"))
        app.screen.reporter.report(ConnectionFailed("cannot connect: second, shown"))
        await settle(pilot)
        titles = {n.message: n.title for n in notifications(app)}
    assert titles == {
        "cannot connect: first, shown": "Connection failed",
        "cannot connect: first, hidden": f"{first.display_name} {glyphs.DOT} Connection failed",
        "cannot connect: second, shown": "Connection failed",
    }
