"""What the main screen tells the user about failures: one notification per failure, the header's
connection state and credentials, and bugs shown but never fatal."""

from __future__ import annotations

import os
import time
import traceback
from typing import TYPE_CHECKING

from tagtui.credentials import describe_rejected
from tagtui.errors import (
    AuthenticationRequired,
    ConnectionFailed,
    RegistryTimeout,
    TagtuiError,
    TLSError,
)
from tagtui.ui.errors import UnexpectedError
from tagtui.ui.format import literal

if TYPE_CHECKING:
    from tagtui.ui.screens.main import MainScreen

# Seconds in which the same error is not announced twice.
REPEAT_QUIET = 10.0


class Reporter:
    def __init__(self, screen: MainScreen) -> None:
        self.screen = screen
        self._last: tuple[str, str] | None = None
        self._last_at = 0.0

    def report(self, error: TagtuiError) -> None:
        # One refresh fails in the tag pane and the detail alike: say it once.
        said = (error.title, str(error))
        if said == self._last and time.monotonic() - self._last_at < REPEAT_QUIET:
            return
        self._last, self._last_at = said, time.monotonic()
        if isinstance(error, UnexpectedError) and error.__cause__ is not None:
            self.unexpected(error.__cause__)
            return
        header = self.screen.header
        if isinstance(error, ConnectionFailed | RegistryTimeout | TLSError):
            header.state = "offline"
        elif isinstance(error, AuthenticationRequired):
            header.state = "login"
            self.credentials_refused(error)
        self.screen.notify(str(error), title=error.title, severity="error", markup=False, timeout=8)

    def credentials_refused(self, error: TagtuiError) -> None:
        # The resolver ran on the registry's challenge: the header says whose credentials the
        # registry refused and where they came from, not the "anonymous" it showed before.
        # Only for a provider's answer: the palette's "Log in…" refuses nothing.
        if isinstance(error, AuthenticationRequired):
            source = self.screen.provider.credential_source
            self.screen.header.credentials = describe_rejected(source, error.username)

    def unexpected(self, error: BaseException) -> None:
        # Provider errors are caught in the workers; anything else is a bug, shown not fatal.
        # Its traceback is kept for the terminal after exit, and only when asked for.
        if os.environ.get("TAGTUI_DEBUG"):
            self.screen.app.debug_tracebacks.append("".join(traceback.format_exception(error)))
            hint = " (traceback printed when tagtui exits)"
        else:
            hint = " (TAGTUI_DEBUG=1 prints a traceback)"
        self.screen.notify(
            literal(f"{type(error).__name__}: {error}", limit=300) + hint,
            title="Unexpected error",
            severity="error",
            markup=False,
        )
