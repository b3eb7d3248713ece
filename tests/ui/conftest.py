"""UI test fixtures: a steady cursor for stable snapshots, helpers to let workers finish."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from typing import Any

import keyring
import pytest
from keyring.backend import KeyringBackend
from textual.css.query import NoMatches
from textual.pilot import Pilot
from textual.screen import ModalScreen
from textual.scrollbar import ScrollBar
from textual.widget import Widget
from textual.widgets import Input
from textual.worker import Worker

from tagtui.ui import glyphs
from tagtui.ui.flows import FLOW_GROUPS
from tests.support.keyring_daemon import no_keyring, secret_service

__all__ = ["no_keyring", "secret_service"]


@pytest.fixture(autouse=True)
def _steady_cursor(monkeypatch: pytest.MonkeyPatch) -> None:
    """Input cursors do not blink in tests: a blink mid-screenshot would flip a snapshot."""
    original = Input.__init__

    def init(self: Input, *args: object, **kwargs: object) -> None:
        original(self, *args, **kwargs)  # type: ignore[arg-type]
        self.cursor_blink = False

    monkeypatch.setattr(Input, "__init__", init)


@pytest.fixture(autouse=True)
def _isolated_keyring() -> Iterator[KeyringBackend]:
    """No UI test may reach the developer's own keyring."""
    from keyring.backends.fail import Keyring as FailKeyring

    previous = keyring.get_keyring()
    backend = FailKeyring()
    keyring.set_keyring(backend)
    try:
        yield backend
    finally:
        keyring.set_keyring(previous)


@pytest.fixture(autouse=True)
def _isolated_files(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Nor the developer's docker/podman files: the login modal offers (and writes) only what a
    test sets up. No runtime dir: with the "fail" keyring, "this session only" is preselected."""
    home = tmp_path_factory.mktemp("ui-home")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    for name in ("XDG_RUNTIME_DIR", "DOCKER_CONFIG", "REGISTRY_AUTH_FILE"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def ascii_terminal(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Apps started in this test see a terminal that cannot show Unicode (as under LANG=C).

    ASCII mode changes the glyphs, Widget.render_lines and the scrollbar renderer for the
    process (it is decided once at startup): all are put back afterwards, so the next test
    draws Unicode again.
    """
    monkeypatch.setenv("TAGTUI_ASCII", "1")
    monkeypatch.setattr(Widget, "render_lines", Widget.render_lines)
    monkeypatch.setattr(ScrollBar, "renderer", ScrollBar.renderer)
    yield
    glyphs.use_ascii(False)


async def settle(pilot: Pilot[object], rounds: int = 100) -> None:
    """Run until no worker is left and the message queues are idle (no sleeps).

    A flow (delete, login) waiting for the answer of the modal on top waits for the user, not
    for I/O: it does not count as running.
    """
    app = pilot.app

    def running() -> list[Worker[object]]:
        waiting_for_user = isinstance(app.screen, ModalScreen)
        return [
            worker
            for worker in app.workers
            if not worker.is_finished and not (waiting_for_user and worker.group in FLOW_GROUPS)
        ]

    # A flow counted as running may push its modal while we wait for it, and then wait for the
    # user: a screen change ends the wait, and the next round counts again.
    screen_changed = asyncio.Event()
    app.screen_change_signal.subscribe(app, lambda _screen: screen_changed.set(), immediate=True)
    try:
        for _ in range(rounds):
            await pilot.pause()
            if not running():
                await pilot.pause()
                if not running():
                    return
            screen_changed.clear()
            # Failed and cancelled workers count as done here; tests look at what they showed.
            workers = asyncio.ensure_future(
                asyncio.gather(*(worker.wait() for worker in running()), return_exceptions=True)
            )
            changed = asyncio.ensure_future(screen_changed.wait())
            await asyncio.wait({workers, changed}, return_when=asyncio.FIRST_COMPLETED)
            for waiter in (workers, changed):
                waiter.cancel()  # the waits, not the workers
    finally:
        app.screen_change_signal.unsubscribe(app)
    raise AssertionError("the app did not settle: workers kept running")


async def wait_until(pilot: Pilot[Any], condition: Callable[[], bool], rounds: int = 500) -> None:
    """Process messages until ``condition`` holds (for states held open by a gate: no settle)."""
    for _ in range(rounds):
        await pilot.pause()
        try:
            if condition():
                return
        except NoMatches:  # the screen is still being composed
            continue
    raise AssertionError("the awaited state never came")
