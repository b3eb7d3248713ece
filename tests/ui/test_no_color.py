"""NO_COLOR (issue 12 §2): no colour at all on screen, the cursor in reverse video."""

from __future__ import annotations

import re

import pytest

from tagtui.ui.app import TagtuiApp
from tests.ui.conftest import settle
from tests.ui.fakes import sample_provider
from tests.ui.screen import COLOUR, screen_ansi


async def test_no_color_means_no_colour_and_a_reverse_video_cursor(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    app = TagtuiApp(sample_provider(), repository="app/web")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        drawn = screen_ansi(app)
        assert not COLOUR.findall(drawn), sorted(set(COLOUR.findall(drawn)))[:5]
        assert re.search(r"\x1b\[[0-9;]*\b7\b[0-9;]*m", drawn)  # reverse video somewhere


async def test_colours_are_there_without_no_color(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    app = TagtuiApp(sample_provider(), repository="app/web")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert COLOUR.findall(screen_ansi(app))
