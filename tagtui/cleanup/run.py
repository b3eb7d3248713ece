"""Carrying out a confirmed cleanup: bounded concurrency, progress, cancellation, one outcome
per tag.

Each plan is one step (a tag, or a digest with its tags); the provider's batch checks it again
just before acting, so a tag that moved since the plan is skipped, not deleted. One failure
does not stop the rest. Cancelling lets the steps in flight finish and starts no other; the
steps never started are reported as such.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from tagtui.errors import DeleteAborted, TagtuiError
from tagtui.model import DeletePlan, DeleteResult, PlannedDeletes
from tagtui.providers.base import Provider

# Deletes in flight at once (each may be several requests: re-resolve, push, delete).
DELETE_CONCURRENCY = 8

DELETED = "deleted"
SKIPPED = "skipped"  # moved or gone since the plan: nothing was done to it
FAILED = "failed"
NOT_STARTED = "not started"  # cancelled before its turn


@dataclass(frozen=True)
class Outcome:
    """What became of one tag."""

    tag: str
    status: str
    message: str = ""


@dataclass(frozen=True)
class Progress:
    done: int
    total: int
    failed: int


def outcomes_of(plan: DeletePlan, result: DeleteResult) -> list[Outcome]:
    """One outcome per tag the plan named: deleted if the result says it went."""
    notes = "; ".join([*result.messages, *(f"left behind: {x}" for x in result.leftovers)])
    outcomes = []
    for name in plan.removes:
        if name in result.removed:
            outcomes.append(Outcome(name, DELETED, notes))
        else:
            outcomes.append(Outcome(name, SKIPPED, notes or "the registry did not remove it"))
    return outcomes


async def carry_out(
    provider: Provider,
    planned: PlannedDeletes,
    *,
    concurrency: int = DELETE_CONCURRENCY,
    on_progress: Callable[[Progress, Sequence[Outcome]], None] | None = None,
    stop: asyncio.Event | None = None,
) -> list[Outcome]:
    """Every plan of ``planned``, ``concurrency`` at a time, until done or ``stop`` is set.

    Returns one outcome per tag in the plans' order (the tags the plan left alone are not
    here: they were never going to be deleted)."""
    plans = list(planned.plans)
    batch = provider.delete_batch(planned.repository, plans)
    total = sum(len(plan.removes) for plan in plans)
    results: dict[int, list[Outcome]] = {}
    done = failed = 0
    queue: asyncio.Queue[int] = asyncio.Queue()
    for index in range(len(plans)):
        queue.put_nowait(index)

    def report(step: list[Outcome]) -> None:
        nonlocal done, failed
        done += len(step)
        failed += sum(1 for o in step if o.status != DELETED)
        if on_progress is not None:
            on_progress(Progress(done, total, failed), step)

    async def one(plan: DeletePlan) -> list[Outcome]:
        try:
            result = await batch.delete(plan)
        except DeleteAborted as err:
            return [Outcome(name, SKIPPED, str(err)) for name in plan.removes]
        except TagtuiError as err:
            return [Outcome(name, FAILED, str(err)) for name in plan.removes]
        return outcomes_of(plan, result)

    async def worker() -> None:
        while not queue.empty():
            if stop is not None and stop.is_set():
                return
            index = queue.get_nowait()
            # Shielded: a cancelled caller still lets the step in flight finish and be told.
            step = await asyncio.shield(one(plans[index]))
            results[index] = step
            report(step)

    workers = max(1, min(concurrency, len(plans)))
    await asyncio.gather(*(worker() for _ in range(workers)))
    outcomes: list[Outcome] = []
    for index, plan in enumerate(plans):
        outcomes += results.get(index) or [
            Outcome(name, NOT_STARTED, "cancelled before its turn") for name in plan.removes
        ]
    return outcomes
