"""Background work that would spend the last tenth of a rate limit asks first (issue 10 §4)."""

from __future__ import annotations

from textual.app import App

from tagtui.providers.base import Provider
from tagtui.ui.screens.budget import BudgetModal


async def budget_allows(app: App[object], provider: Provider, work: str, requests: int) -> bool:
    """True unless the registry's stated budget is low and the user says not now.

    Runs in a worker (it may wait for the answer)."""
    rate = provider.rate_limit
    if rate is None or not rate.low or requests <= 0:
        return True
    modal = BudgetModal(provider.display_name, rate, work, requests)
    return bool(await app.push_screen_wait(modal))
