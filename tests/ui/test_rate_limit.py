"""The rate-limit gauge in the header, and background work that asks before spending the last
tenth of the budget (issue 10 §4)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

from textual.pilot import Pilot

from tagtui.model import RateLimit
from tagtui.ui.app import TagtuiApp
from tagtui.ui.screens.budget import BudgetModal
from tagtui.ui.screens.cleanup import CleanupDialog
from tests.ui.conftest import settle, wait_until
from tests.ui.fakes import BASE_TIME, FakeProvider, make_image
from tests.ui.helpers import main_screen, notification_texts
from tests.ui.screen import screen_text

TAGS = 200


class BudgetedProvider(FakeProvider):
    """A registry that states a budget (a test sets it), with more tags than a screen shows."""

    def __init__(self, rate: RateLimit | None) -> None:
        super().__init__(name="hub.example")
        self.rate = rate
        for n in range(TAGS):
            image = make_image(f"img-{n}", created=BASE_TIME + timedelta(hours=n))
            self.add_image_tag("library/app", f"v{n}", image, listed=False)

    @property
    def rate_limit(self) -> RateLimit | None:
        return self.rate

    def described(self) -> int:
        return sum(1 for call, _ in self.calls if call == "describe_tag")


async def open_app(pilot: Pilot[Any]) -> None:
    await settle(pilot)
    main_screen(pilot.app).connected()  # the budget as the last answer stated it
    await pilot.pause()


async def test_header_shows_the_budget_and_marks_it_low() -> None:
    provider = BudgetedProvider(RateLimit(100, 76, 21600))
    app = TagtuiApp(provider, repository="library/app")
    async with app.run_test(size=(120, 30)) as pilot:
        await open_app(pilot)
        assert "rate limit 76/100 left per 6h" in screen_text(app)
        provider.rate = RateLimit(100, 4, 21600)
        main_screen(app).connected()
        await pilot.pause()
        assert "▲ rate limit 4/100 left per 6h" in screen_text(app)


async def test_header_keeps_the_figures_at_80_columns() -> None:
    provider = BudgetedProvider(RateLimit(100, 76, 21600))
    app = TagtuiApp(provider, repository="library/app")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_app(pilot)
        first_line = screen_text(app).splitlines()[0]
        assert "76/100" in first_line
        assert "as anonymous" in first_line  # whose credentials: still there


async def test_no_gauge_without_a_stated_budget() -> None:
    app = TagtuiApp(BudgetedProvider(None), repository="library/app")
    async with app.run_test(size=(120, 30)) as pilot:
        await open_app(pilot)
        assert "rate limit" not in screen_text(app)


async def test_sorting_by_date_asks_when_the_budget_is_low_and_not_now_spends_nothing() -> None:
    provider = BudgetedProvider(RateLimit(100, 5, 21600))
    app = TagtuiApp(provider, repository="library/app")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_app(pilot)
        before = provider.described()
        assert before < TAGS  # only the rows on screen
        await pilot.press("s")
        await wait_until(pilot, lambda: isinstance(app.screen, BudgetModal))
        assert "5 more of 100 requests in its 6h window" in screen_text(app)
        await pilot.press("n")
        await settle(pilot)
        assert not isinstance(app.screen, BudgetModal)
        assert provider.described() == before
        assert not main_screen(app).catalog.dating
        assert any("left undated" in text for text in notification_texts(app))


async def test_sorting_by_date_goes_on_when_told_to() -> None:
    provider = BudgetedProvider(RateLimit(100, 5, 21600))
    app = TagtuiApp(provider, repository="library/app")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_app(pilot)
        await pilot.press("s")
        await wait_until(pilot, lambda: isinstance(app.screen, BudgetModal))
        await pilot.press("y")
        await settle(pilot)
        assert provider.described() >= TAGS
        assert main_screen(app).tag_tree.highlighted_row.name == f"v{TAGS - 1}"  # type: ignore[union-attr]


async def test_no_question_while_the_budget_lasts() -> None:
    provider = BudgetedProvider(RateLimit(100, 50, 21600))
    app = TagtuiApp(provider, repository="library/app")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_app(pilot)
        await pilot.press("s")
        await settle(pilot)
        assert provider.described() >= TAGS


async def test_cleanup_planning_asks_first() -> None:
    provider = BudgetedProvider(RateLimit(100, 3, 21600))
    app = TagtuiApp(provider, repository="library/app")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_app(pilot)
        main_screen(app).focus_now(main_screen(app).tag_tree)
        # The rows on screen are described already: only the other tags cost requests.
        undated = len(main_screen(app).catalog.undated())
        assert 0 < undated < 200
        await pilot.press("p")
        await wait_until(pilot, lambda: isinstance(app.screen, BudgetModal))
        expected = f"Planning a clean-up describes {undated} tags: up to {undated} requests"
        assert expected in screen_text(app)
        await pilot.press("n")
        await settle(pilot)
        assert not isinstance(app.screen, CleanupDialog | BudgetModal)


def test_budget_question_80x24(snap_compare: Any, tmp_path: Path) -> None:
    provider = BudgetedProvider(RateLimit(100, 5, 21600))

    async def run(pilot: Pilot[Any]) -> None:
        await open_app(pilot)
        await pilot.press("s")
        app = pilot.app
        # The question holds the dating worker; everything else (the detail of the row the
        # new order put first) must be done before the picture is taken.
        await wait_until(
            pilot,
            lambda: (
                isinstance(app.screen, BudgetModal)
                and all(w.is_finished for w in app.workers if w.group != "dates")
            ),
        )
        await pilot.pause()

    app = TagtuiApp(provider, repository="library/app")
    assert snap_compare(app, terminal_size=(80, 24), run_before=run)
