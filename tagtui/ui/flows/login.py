"""Logging in from the UI, top to bottom: a 401/403 (or "Log in…") opens the modal once, with
the places ``tagtui login`` would use (the first usable preselected); the credential is stored
where the user chose, then used at once, and what failed meanwhile is retried."""

from __future__ import annotations

import asyncio
import os
from typing import TYPE_CHECKING

from tagtui.credentials import Credential
from tagtui.errors import TagtuiError
from tagtui.ui import glyphs
from tagtui.ui.errors import as_error
from tagtui.ui.format import literal
from tagtui.ui.messages import Retry
from tagtui.ui.screens.login import LoginModal, LoginRequest

if TYPE_CHECKING:
    from tagtui.credentials.stores import Choices
    from tagtui.ui.screens.main import MainScreen

SESSION = "session"


class LoginFlow:
    """One login modal; every request that fails while it is open waits for its answer."""

    def __init__(self, screen: MainScreen, error: TagtuiError) -> None:
        self.screen = screen
        self.error = error
        self.retries: list[Retry] = []

    def retry_after(self, retry: Retry) -> None:
        if retry not in self.retries:
            self.retries.append(retry)

    async def run(self) -> None:
        screen = self.screen
        provider = screen.provider
        host = provider.credential_key or provider.display_name
        username = getattr(self.error, "username", None)
        # Asking the keyring may mean D-Bus round trips, a helper a file read: never on the loop.
        choices = await asyncio.to_thread(_choices, host)
        request = await screen.app.push_screen_wait(
            LoginModal(host, self.error, username=username, choices=choices)
        )
        screen.login_closed(declined=request is None)
        if request is None:
            screen.notify(
                "Not logged in: some content needs credentials "
                f"(Ctrl+P, Log in{glyphs.ELLIPSIS} to retry).",
                title="Login cancelled",
                severity="warning",
                markup=False,
            )
            return
        # Stored first, so the header names where the credential in use now lives.
        source = await self._store(host, request)
        try:
            provider.set_credential(Credential(request.username, request.password, source=source))
        except Exception as exc:
            screen.report(as_error(exc))
            return
        # The header names the new credentials once the registry accepted them.
        screen.header.state = "connecting"
        for retry in self.retries:
            retry()

    async def _store(self, host: str, request: LoginRequest) -> str:
        """Keep the credential where the user chose; its source name, or "session"."""
        place = request.place
        if place is None:
            return SESSION
        from tagtui.credentials import stores

        try:
            await asyncio.to_thread(
                stores.save, place, host, request.username, request.password, os.environ
            )
        except Exception as exc:  # CredentialError, or anything a broken keyring install raises
            self.screen.report(as_error(exc))
            return SESSION
        self.screen.notify(
            literal(f"Credentials for {host} {place.stored(host)}."),
            title="Saved",
            markup=False,
        )
        if place.warning:
            self.screen.notify(literal(place.warning), severity="warning", markup=False)
        return place.source


def _choices(host: str) -> Choices | None:
    from tagtui.credentials import stores

    try:
        return stores.choices(host, os.environ)
    except Exception:  # a broken keyring install must not break logging in: session only
        return None
