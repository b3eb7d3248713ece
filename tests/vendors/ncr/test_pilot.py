"""The real app on the NCR provider and the fake gateway: list -> tags -> detail -> delete."""

from __future__ import annotations

import pytest

from tagtui.ui import glyphs
from tagtui.ui.app import TagtuiApp
from tagtui.ui.screens.delete import DeleteModal
from tagtui.ui.widgets.tag_tree import TagRow
from tests.ui.conftest import settle
from tests.ui.helpers import main_screen, notification_texts, row_names
from tests.ui.screen import screen_text
from tests.vendors.ncr.conftest import make_provider
from tests.vendors.ncr.fake import NcrFake


@pytest.fixture(autouse=True)
def _steady_cursor(monkeypatch: pytest.MonkeyPatch) -> None:
    from textual.widgets import Input

    original = Input.__init__

    def init(self: Input, *args: object, **kwargs: object) -> None:
        original(self, *args, **kwargs)  # type: ignore[arg-type]
        self.cursor_blink = False

    monkeypatch.setattr(Input, "__init__", init)


async def test_list_tags_platforms_then_delete(ncr: NcrFake) -> None:
    app = TagtuiApp(make_provider(ncr))
    async with app.run_test(size=(200, 50)) as pilot:
        await settle(pilot)
        screen = main_screen(app)
        text = screen_text(app)
        assert "ncr kr" in text
        assert "acme/hello/world" in text and "other/tool" in text
        assert "\x1b" not in text  # acme/web's hostile description

        await pilot.press("enter")  # acme/hello/world
        await settle(pilot)
        rows = row_names(screen.tag_tree.rows)
        assert len(rows) == 130 and rows[:2] == ["build-1", "build-2"]

        await pilot.press("slash", *"multi", "enter")
        await settle(pilot)
        assert screen.tag_tree.highlighted_row == TagRow("multi")
        await pilot.press("right")  # the tag's images[] as platforms
        await settle(pilot)
        assert row_names(screen.tag_tree.rows) == [
            "multi",
            "multi/linux/amd64",
            "multi/linux/arm64/v8",
        ]
        text = screen_text(app)
        assert "acme.kr.ncr.ntruss.com/hello/world:multi" in text

        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("slash", *"stable", "enter")
        await settle(pilot)
        assert screen.tag_tree.highlighted_row == TagRow("stable")
        # One platform: an image with its date and size in the Summary, not a ⧉1 index.
        text = screen_text(app)
        (stable_row,) = [line for line in text.splitlines() if " stable " in line and "MiB" in line]
        assert glyphs.PLATFORMS not in stable_row
        assert "Showing" not in text and "Platforms" not in text
        assert "Platform   linux/amd64" in text
        assert "Size       1.2 KiB (1,201 bytes)" in text
        await pilot.press("d")
        await settle(pilot)
        assert isinstance(app.screen, DeleteModal)
        text = screen_text(app)
        assert "Only stable is asked to be removed; latest and v1 stay." in text
        assert "Other tags on this digest (2): latest, v1" in text
        assert "unverified" in text
        assert not app.screen.query("#whole-digest")  # NCR has no digest delete
        await pilot.press("y")
        await settle(pilot)
        assert not isinstance(app.screen, DeleteModal)
        assert "stable" not in ncr.state.tag_names("acme", "hello/world")
        assert ncr.auth_failures == []
        texts = notification_texts(app)
        assert any("Removed stable from acme/hello/world." in t for t in texts)
        assert any("latest and v1 still exist" in t for t in texts)
        await pilot.press("escape")
        await settle(pilot)
        rows = row_names(screen.tag_tree.rows)
        assert "stable" not in rows and {"latest", "v1"} <= set(rows)
