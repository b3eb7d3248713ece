"""The real app on the Scaleway provider and the fake API: list -> tags -> detail -> delete."""

from __future__ import annotations

import pytest

from tagtui.ui.app import TagtuiApp
from tagtui.ui.screens.delete import DeleteModal
from tagtui.ui.widgets.tag_tree import TagRow
from tests.ui.conftest import settle
from tests.ui.helpers import main_screen, notification_texts, row_names
from tests.ui.screen import screen_text
from tests.vendors.scaleway.conftest import make_provider
from tests.vendors.scaleway.fake import ScalewayFake


@pytest.fixture(autouse=True)
def _steady_cursor(monkeypatch: pytest.MonkeyPatch) -> None:
    from textual.widgets import Input

    original = Input.__init__

    def init(self: Input, *args: object, **kwargs: object) -> None:
        original(self, *args, **kwargs)  # type: ignore[arg-type]
        self.cursor_blink = False

    monkeypatch.setattr(Input, "__init__", init)


async def test_list_tags_detail_then_delete_with_the_force_choice(scw: ScalewayFake) -> None:
    app = TagtuiApp(make_provider(scw))
    async with app.run_test(size=(200, 50)) as pilot:
        await settle(pilot)
        screen = main_screen(app)
        text = screen_text(app)
        assert "scaleway fr-par" in text
        assert "team/api" in text and "team/web" in text
        assert screen.repo_list.total == 123  # bulk's second page came too

        await pilot.press("enter")  # team/api, the first image
        await settle(pilot)
        rows = row_names(screen.tag_tree.rows)
        assert len(rows) == 150 and rows[:2] == ["build-1", "build-2"]
        text = screen_text(app)
        assert "rg.fr-par.scw.cloud/team/api:build-1" in text
        assert "\x1b" not in text  # the hostile status message is shown, not obeyed

        await pilot.press("slash", *"stable", "enter")
        await settle(pilot)
        assert screen.tag_tree.highlighted_row == TagRow("stable")
        assert "rg.fr-par.scw.cloud/team/api:stable" in screen_text(app)

        # The Summary carries what the API knows: the tag's date, the image's size for what
        # it is (every tag of the Scaleway image), not "-" above an "Image size" extra.
        text = screen_text(app)
        assert "117.7 MiB for every tag of team/api" in text
        assert "2024-01-01 05:01:00 UTC" in text  # the tag's date, as the row shows it

        # A plain delete would get a 412: the modal says why and offers no "Delete tag".
        await pilot.press("d")
        await settle(pilot)
        assert isinstance(app.screen, DeleteModal)
        text = screen_text(app)
        assert "This tag cannot be deleted alone" in text
        assert "latest and v1.0.0 share its digest" in text
        assert "Delete tag (y)" not in text and not app.screen.query("#confirm")
        await pilot.press("y")  # nothing to confirm
        await settle(pilot)
        assert isinstance(app.screen, DeleteModal)
        assert scw.server.requests_to("DELETE") == []

        # The user's explicit choice: the whole-digest plan sends force=true.
        await pilot.click("#whole-digest")
        await settle(pilot)
        assert isinstance(app.screen, DeleteModal) and app.screen.plan.whole_digest
        text = screen_text(app)
        assert "Removes (3 tags): latest, stable, v1.0.0" in text
        assert "stable is deleted with force=true" in text
        await pilot.press("y")
        await settle(pilot)
        assert scw.server.requests_to("DELETE")[-1].query["force"] == "true"
        assert "stable" not in scw.state.tag_names("team/api")
        texts = notification_texts(app)
        assert any("Removed stable from team/api." in t for t in texts)
        assert any("latest and v1.0.0 survived the forced delete" in t for t in texts)
        await pilot.press("escape")  # clear the tag filter
        await settle(pilot)
        rows = row_names(screen.tag_tree.rows)
        assert "stable" not in rows and {"latest", "v1.0.0"} <= set(rows)
