"""Whether a pane still shows the registry's latest answer, and when to ask it again.

When a refresh fails because the network or the registry is down, what was on screen stays: it
is marked stale (and since when), and the refresh is retried with a growing pause while the
user keeps browsing. Errors that say the data is gone or forbidden do not keep it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from tagtui.errors import ConnectionFailed, RateLimited, RegistryTimeout, ServerError, TagtuiError

# Seconds before the first automatic retry, doubling up to the last.
FIRST_RETRY = 2.0
LAST_RETRY = 60.0


def keeps_data(error: TagtuiError) -> bool:
    """A failure that says nothing about the data (network, timeout, 5xx, 429)."""
    return isinstance(error, ConnectionFailed | RegistryTimeout | ServerError | RateLimited)


@dataclass
class Freshness:
    stale_since: datetime | None = None
    failures: int = 0

    @property
    def stale(self) -> bool:
        return self.stale_since is not None

    def failed(self, now: datetime, retry_after: float | None = None) -> float:
        """Mark stale (from the first failure on); the seconds to wait before retrying."""
        if self.stale_since is None:
            self.stale_since = now
        self.failures += 1
        delay = min(LAST_RETRY, FIRST_RETRY * 2 ** (self.failures - 1))
        return max(delay, retry_after or 0.0)

    def succeeded(self) -> None:
        self.stale_since = None
        self.failures = 0

    def label(self) -> str:
        """``stale since 14:02:07`` (empty while fresh)."""
        if self.stale_since is None:
            return ""
        return f"stale since {self.stale_since.strftime('%H:%M:%S')}"
