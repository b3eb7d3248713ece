"""UI test fixtures: a steady cursor for stable snapshots, helpers to let workers finish."""

from __future__ import annotations

from collections.abc import Iterator

import keyring
import pytest
from keyring.backend import KeyringBackend
from textual.pilot import Pilot
from textual.widgets import Input

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


async def settle(pilot: Pilot[object], rounds: int = 100) -> None:
    """Run until no worker is left and the message queues are idle (no sleeps)."""
    app = pilot.app
    for _ in range(rounds):
        await pilot.pause()
        if not any(not worker.is_finished for worker in app.workers):
            await pilot.pause()
            if not any(not worker.is_finished for worker in app.workers):
                return
        await app.workers.wait_for_complete()
    raise AssertionError("the app did not settle: workers kept running")
