"""Small helpers shared by the UI tests."""

from __future__ import annotations

import unicodedata
from collections.abc import Awaitable, Callable
from typing import Any

from textual import events
from textual.app import App
from textual.notifications import Notification
from textual.pilot import Pilot

from tagtui.ui.screens.cleanup import CleanupDialog
from tagtui.ui.screens.main import MainScreen
from tests.ui.conftest import settle, wait_until

# pytest-textual-snapshot's ``snap_compare`` fixture.
SnapCompare = Callable[..., bool]


def keys(*presses: str) -> Callable[[Pilot[Any]], Awaitable[None]]:
    """Settle, then press each key and settle again: no screenshot of a half-loaded pane."""

    async def run(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        for key in presses:
            await pilot.press(key)
            await settle(pilot)

    return run


def main_screen(app: App[Any]) -> MainScreen:
    for screen in app.screen_stack:
        if isinstance(screen, MainScreen):
            return screen
    raise AssertionError("no main screen")


def notifications(app: App[Any]) -> list[Notification]:
    return list(app._notifications)


def notification_texts(app: App[Any]) -> list[str]:
    return [f"{n.title}: {n.message}" for n in notifications(app)]


def row_names(rows: Any) -> list[str]:
    names = []
    for row in rows:
        name = getattr(row, "name", None)
        if name is None and hasattr(row, "platform"):
            name = f"{row.tag}/{row.platform.name}"
        names.append(name if name is not None else repr(row))
    return names


def shown_reference(app: App[Any]) -> str | None:
    """The reference the detail panel shows (wrapping makes the screen text unreliable)."""
    view = main_screen(app).detail.view
    return view.reference if view is not None else None


async def finish_delete_flow(app: App[Any]) -> None:
    """Wait for the delete flow's worker itself (settle does not wait while its dialog is up)."""
    flow = main_screen(app)._delete_flow
    assert flow is not None and flow.worker is not None
    await flow.worker.wait()


async def open_cleanup_dialog(pilot: Pilot[Any]) -> CleanupDialog:
    """Settle, press p, and wait until the dialog has looked up the tags' dates."""
    await settle(pilot)
    await pilot.press("p")
    app = pilot.app
    await wait_until(pilot, lambda: isinstance(app.screen, CleanupDialog) and not app.screen.lookup)
    assert isinstance(app.screen, CleanupDialog)
    return app.screen


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
