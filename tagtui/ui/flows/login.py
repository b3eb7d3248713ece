"""Logging in from the UI, top to bottom: a 401/403 (or "Log in…") opens the modal once, the
answer is used at once, what failed meanwhile is retried, and the credential is remembered in
the OS keyring when the user asked for it."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from tagtui.credentials import Credential
from tagtui.errors import CredentialError, TagtuiError
from tagtui.ui.errors import as_error
from tagtui.ui.format import literal
from tagtui.ui.messages import Retry
from tagtui.ui.screens.login import LoginModal, LoginRequest

if TYPE_CHECKING:
    from tagtui.ui.screens.main import MainScreen


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
        request = await screen.app.push_screen_wait(LoginModal(host, self.error, username=username))
        screen.login_closed(declined=request is None)
        if request is None:
            screen.notify(
                "Not logged in: some content needs credentials (Ctrl+P, Log in… to retry).",
                title="Login cancelled",
                severity="warning",
                markup=False,
            )
            return
        try:
            provider.set_credential(Credential(request.username, request.password))
        except Exception as exc:
            screen.report(as_error(exc))
            return
        # The header names the new credentials once the registry accepted them.
        screen.header.state = "connecting"
        for retry in self.retries:
            retry()
        if request.remember:
            await self._remember(host, request)

    async def _remember(self, host: str, request: LoginRequest) -> None:
        screen = self.screen
        try:
            # Imported here: the keyring module may be absent or broken without costing the UI.
            from tagtui.credentials import keyring_store

            await asyncio.to_thread(keyring_store.save, host, request.username, request.password)
        except ImportError:
            screen.report(CredentialError("the OS keyring is not available"))
        except CredentialError as err:
            screen.report(err)
        else:
            screen.notify(
                f"Saved the credentials for {literal(host)} in the OS keyring.",
                title="Keyring",
                markup=False,
            )
