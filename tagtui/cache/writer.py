"""Cache writes off the event loop.

Creating a file can take a millisecond on a busy disk: `tagtui ls -l` on a cold cache spent
1.9 s of 8 s in ``os.open`` for its 2,000 entries (profiled), holding every request behind it.
The writes run on one thread of their own, in order, while the loop goes on with the network.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor

log = logging.getLogger(__name__)


class BackgroundWrites:
    """``submit(write)`` returns at once; ``flush()`` waits until every write submitted is done.

    A write that fails is logged (the cache only ever saves requests: it is never an error).
    """

    def __init__(self) -> None:
        self._executor: ThreadPoolExecutor | None = None

    def submit(self, write: Callable[[], None]) -> None:
        if self._executor is None:
            self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="tagtui-cache")
        self._executor.submit(write).add_done_callback(_report)

    def flush(self) -> None:
        executor, self._executor = self._executor, None
        if executor is not None:
            executor.shutdown(wait=True)


def _report(done: Future[None]) -> None:
    error = done.exception()
    if error is not None:
        log.warning("a cache write failed (%s)", type(error).__name__)
