from __future__ import annotations

from datetime import datetime

from tagtui.errors import BadResponse, ConnectionFailed, NotFound, RateLimited, ServerError
from tagtui.session.freshness import LAST_RETRY, Freshness, keeps_data

NOW = datetime(2026, 12, 7, 14, 2, 7)


def test_failures_back_off_and_a_success_makes_it_fresh() -> None:
    freshness = Freshness()
    assert not freshness.stale and freshness.label() == ""
    delays = [freshness.failed(NOW) for _ in range(8)]
    assert delays[:4] == [2.0, 4.0, 8.0, 16.0]
    assert max(delays) == LAST_RETRY == delays[-1]
    assert freshness.label() == "stale since 14:02:07"
    later = datetime(2026, 12, 7, 15, 0, 0)
    freshness.failed(later)
    assert freshness.label() == "stale since 14:02:07"  # since the first failure
    freshness.succeeded()
    assert not freshness.stale and freshness.failed(later) == 2.0


def test_a_registry_asking_for_a_pause_gets_it() -> None:
    assert Freshness().failed(NOW, retry_after=30.0) == 30.0


def test_only_failures_that_say_nothing_about_the_data_keep_it() -> None:
    assert keeps_data(ConnectionFailed("down")) and keeps_data(ServerError("502"))
    assert keeps_data(RateLimited("slow down"))
    assert not keeps_data(NotFound("gone")) and not keeps_data(BadResponse("nonsense"))
