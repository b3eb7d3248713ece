"""One fetch for many concurrent callers asking for the same thing."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Hashable, MutableMapping
from typing import Any, TypeVar

_T = TypeVar("_T")


async def single_flight(
    flights: MutableMapping[Hashable, asyncio.Future[Any]],
    key: Hashable,
    fetch: Callable[[], Awaitable[_T]],
    *,
    keep: bool = False,
) -> _T:
    """``fetch()`` once for every caller asking with ``key`` while it runs (``keep``: and after,
    for as long as ``flights`` lives)."""
    pending = flights.get(key)
    if pending is None:
        pending = flights[key] = asyncio.ensure_future(fetch())
        # Retrieve a failure even if every waiter was cancelled (no "never retrieved").
        pending.add_done_callback(lambda task: task.cancelled() or task.exception())
        if not keep:
            pending.add_done_callback(lambda _task: flights.pop(key, None))
    # shield: one cancelled waiter must not cancel the fetch the others wait for.
    return await asyncio.shield(pending)
