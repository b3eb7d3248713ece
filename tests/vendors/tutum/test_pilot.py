"""The real app on the Tutum provider and the fake API: list -> tags -> detail -> delete."""

from __future__ import annotations

import pytest

from tagtui.ui.app import TagtuiApp
from tagtui.ui.screens.delete import DeleteModal
from tests.ui.conftest import settle
from tests.ui.helpers import main_screen, notification_texts, row_names
from tests.ui.screen import screen_text
from tests.vendors.tutum.conftest import make_provider
from tests.vendors.tutum.fake import TutumFake


@pytest.fixture(autouse=True)
def _steady_cursor(monkeypatch: pytest.MonkeyPatch) -> None:
    from textual.widgets import Input

    original = Input.__init__

    def init(self: Input, *args: object, **kwargs: object) -> None:
        original(self, *args, **kwargs)  # type: ignore[arg-type]
        self.cursor_blink = False

    monkeypatch.setattr(Input, "__init__", init)


async def test_images_tags_detail_then_whole_image_delete(tutum: TutumFake) -> None:
    app = TagtuiApp(make_provider(tutum))
    async with app.run_test(size=(200, 50)) as pilot:
        await settle(pilot)
        screen = main_screen(app)
        assert f"tutum 127.0.0.1:{tutum.server.port}" in screen_text(app)
        assert screen.repo_list.total == 63  # three Tastypie pages

        await pilot.press("slash", *"hello", "enter")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert screen.repository == "tutum/hello-world"
        assert row_names(screen.tag_tree.rows) == ["latest", "v1", "v2", "v10"]
        text = screen_text(app)
        assert "tutum/hello-world:latest" in text
        assert "Pure awesomeness" in text and "80/tcp" in text and "/run.sh" in text
        assert "Fernando Mayo" in text

        await pilot.press("j")
        await settle(pilot)
        assert "tutum/hello-world:v1" in screen_text(app)

        # Delete: the modal says the whole image goes, with every tag.
        await pilot.press("d")
        await settle(pilot)
        assert isinstance(app.screen, DeleteModal)
        text = screen_text(app)
        assert "Tutum deletes whole images only" in text
        assert "the whole image tutum/hello-world is deleted" in text
        assert "Tags deleted with it (3): latest, v2, v10" in text
        assert "API image delete" in text
        assert not tutum.server.requests_to("DELETE")
        await pilot.press("y")
        await settle(pilot)
        assert not isinstance(app.screen, DeleteModal)
        (request,) = tutum.server.requests_to("DELETE")
        assert request.raw_target == "/api/v1/image/tutum/hello-world/"
        assert "tutum/hello-world" not in tutum.state.images
        texts = notification_texts(app)
        assert any("Removed latest, v1, v2 and v10 from tutum/hello-world." in t for t in texts)
        assert not any(t.startswith(("Not found", "Error")) for t in texts)
        assert row_names(screen.tag_tree.rows) == []


async def test_cancel_deletes_nothing(tutum: TutumFake) -> None:
    app = TagtuiApp(make_provider(tutum), repository="registry.local/user1/image1")
    async with app.run_test(size=(200, 50)) as pilot:
        await settle(pilot)
        screen = main_screen(app)
        assert row_names(screen.tag_tree.rows) == ["latest", "staging"]
        await pilot.press("d")
        await settle(pilot)
        assert isinstance(app.screen, DeleteModal)
        assert "2 tags: latest and staging" in screen_text(app)
        await pilot.press("n")
        await settle(pilot)
        assert not tutum.server.requests_to("DELETE")
        assert "registry.local/user1/image1" in tutum.state.images
