"""What a pane that keeps its data through a failed refresh shares: since when it is stale, and
the timer that asks the registry again (with ``Freshness``'s growing pause)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from textual.dom import DOMNode
from textual.timer import Timer

from tagtui.errors import RateLimited, TagtuiError
from tagtui.session.freshness import Freshness


class StaleRetry:
    """Marks its pane stale on a failure that keeps the data, and retries until one succeeds."""

    def __init__(self, owner: DOMNode) -> None:
        self.owner = owner
        self.freshness = Freshness()
        self._timer: Timer | None = None

    @property
    def stale(self) -> bool:
        return self.freshness.stale

    def label(self) -> str:
        """``stale since 14:02:07, retrying`` (empty while fresh)."""
        return f"{self.freshness.label()}, retrying" if self.stale else ""

    def failed(self, error: TagtuiError, retry: Callable[[], object]) -> None:
        """Mark stale (since the first failure) and call ``retry`` after the next pause."""
        retry_after = error.retry_after if isinstance(error, RateLimited) else None
        delay = self.freshness.failed(datetime.now(), retry_after)
        self.stop()
        self._timer = self.owner.set_timer(delay, retry)

    def succeeded(self) -> None:
        self.stop()
        self.freshness.succeeded()

    def stop(self) -> None:
        """No retry pending (a new request is on its way; the mark stays until it answers)."""
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
