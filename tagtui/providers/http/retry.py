"""Bounded retries: exponential backoff with jitter, and ``Retry-After`` when it is worth waiting.

Only requests that may safely repeat are retried (the client says which methods), on a gateway
or rate-limit status or a lost connection; anything else is answered at once.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Awaitable, Callable, Collection
from typing import TypeVar

from tagtui.providers.http.exchange import Reply
from tagtui.providers.http.transport import TransportProblem

RETRY_STATUSES = frozenset({429, 502, 503, 504})

ReplyT = TypeVar("ReplyT", bound=Reply)


def parse_retry_after(value: str | None) -> float | None:
    """Seconds from ``Retry-After`` (only the delta-seconds form; dates are rare for registries)."""
    if value is None:
        return None
    try:
        seconds = float(value.strip())
    except ValueError:
        return None
    return max(seconds, 0.0) if seconds == seconds else None  # NaN check


class Retrying:
    """The retry policy of one client; its attributes are public so tests can shorten them."""

    def __init__(self, methods: Collection[str]) -> None:
        self.retry_methods = frozenset(methods)
        self.max_retries = 3
        self.backoff = 0.25
        self.max_retry_after = 60.0
        self.sleep: Callable[[float], Awaitable[None]] = asyncio.sleep

    async def with_retries(self, method: str, attempt: Callable[[], Awaitable[ReplyT]]) -> ReplyT:
        """``attempt()`` until it gives a reply worth keeping, or the retries run out.

        A TransportProblem that retrying cannot cure (or the last one) raises its mapped error.
        """
        repeatable = method in self.retry_methods
        tries = 0
        while True:
            try:
                reply = await attempt()
            except TransportProblem as problem:
                if problem.retryable and repeatable and tries < self.max_retries:
                    await self.sleep(self._backoff(tries))
                    tries += 1
                    continue
                raise problem.error from None
            if reply.status in RETRY_STATUSES and repeatable and tries < self.max_retries:
                delay = self._retry_delay(reply, tries)
                if delay is not None:
                    await self.sleep(delay)
                    tries += 1
                    continue
            return reply

    def _backoff(self, attempt: int) -> float:
        base = self.backoff * (2**attempt)
        return base + random.uniform(0, self.backoff / 2) if base else 0.0

    def _retry_delay(self, reply: Reply, attempt: int) -> float | None:
        """Seconds to wait before retrying, or None when waiting is not worth it (say so now)."""
        retry_after = parse_retry_after(reply.header("retry-after"))
        if retry_after is None:
            return self._backoff(attempt)
        if retry_after > self.max_retry_after:
            return None
        return retry_after
