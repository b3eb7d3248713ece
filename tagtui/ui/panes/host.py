"""What a pane needs from the screen it sits on: the provider, errors, login and focus."""

from __future__ import annotations

from typing import Protocol

from textual.widget import Widget
from textual.worker import Worker, WorkerState

from tagtui.errors import TagtuiError
from tagtui.providers.base import Provider
from tagtui.ui.messages import Retry


class PaneHost(Protocol):
    provider: Provider

    def connected(self) -> None:
        """A registry answer arrived: the header says connected."""

    def report(self, error: TagtuiError) -> None:
        """Show ``error`` (a notification; the header for connection and login states)."""

    def wants_login(self, error: TagtuiError) -> bool:
        """Whether ``error`` should open the login modal rather than be reported."""

    def ask_login(self, error: TagtuiError, retry: Retry) -> None:
        """Open the login modal; ``retry`` runs once a credential was given."""

    def error_sentence(self, error: TagtuiError) -> str:
        """``error`` as a sentence for an empty list."""

    def open_repository(self, name: str, *, tag: str | None = None) -> None:
        """Show the tags of ``name`` (and put the cursor on ``tag``)."""

    def focus_now(self, widget: Widget) -> None:
        """Move the focus now, not after the queued messages."""

    def unexpected(self, error: BaseException) -> None:
        """A bug in a worker: shown, never fatal."""


def worker_failed(event: Worker.StateChanged) -> BaseException | None:
    """The error of a worker that raised something its code did not catch (a bug)."""
    if event.state is WorkerState.ERROR and event.worker.error is not None:
        return event.worker.error
    return None
