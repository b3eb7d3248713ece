"""The help screen at 80x24: taller than the screen, so it scrolls to its last section."""

from __future__ import annotations

from textual.containers import VerticalScroll

from tagtui.ui.app import TagtuiApp
from tagtui.ui.screens.help import HelpScreen, keys
from tests.ui.conftest import settle
from tests.ui.fakes import sample_provider
from tests.ui.screen import screen_text
from tests.ui.test_modals_support import footer_bindings, footer_keys


async def test_help_scrolls_to_the_delete_dialog_section_at_80x24() -> None:
    app = TagtuiApp(sample_provider())
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        body = app.screen.query_one("#help-body", VerticalScroll)
        dialog = app.screen.query_one("#help-dialog")
        # The scrolling body ends inside the dialog's border, which ends above the footer.
        assert body.region.bottom <= dialog.region.bottom - 1 <= 23
        assert "Delete dialog" not in screen_text(app)  # below the fold at first
        await pilot.press("end")
        await settle(pilot)
        text = screen_text(app)
        assert "Delete dialog" in text and "delete as shown" in text
        # The very last line, not only the section heading: nothing is clipped at the bottom.
        assert "(when offered)" in text
        await pilot.press("home")
        await settle(pilot)
        assert "Everywhere" in screen_text(app)
        # More presses than lines below the fold: j scrolls one line each, and stops at the end.
        for _ in range(60):
            await pilot.press("j")
        await settle(pilot)
        assert "delete as shown" in screen_text(app)
        await pilot.press(*["pageup"] * 6)  # more pages than the help has
        await settle(pilot)
        assert "Everywhere" in screen_text(app)
        assert {"Esc", "j/k", "G/End"} <= footer_keys(app)
        assert footer_bindings(app).get("G/End") == "Bottom"  # not "G/End End"
        assert "s" not in footer_keys(app)
        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(app.screen, HelpScreen)


async def test_help_wording_when_it_all_fits() -> None:
    app = TagtuiApp(sample_provider())
    async with app.run_test(size=(100, 60)) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await settle(pilot)
        text = screen_text(app)
        # Local layouts copy oci:PATH:TAG, so no host/repo:tag promise.
        assert "host/repo:tag" not in text
        assert "copy the pull reference" in text


def test_help_names_top_bottom_quit_and_zoom() -> None:
    top = [b for b in HelpScreen.BINDINGS if getattr(b, "key", "") == "g,home"]
    assert [b.description for b in top] == ["Top"]  # type: ignore[union-attr]
    everywhere = dict(dict(keys())["Everywhere"])
    assert everywhere.get("q") == "quit"
    assert "z" in everywhere
