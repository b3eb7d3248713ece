"""The real app on the OpenShift provider and the fake API: list -> tags -> detail -> delete."""

from __future__ import annotations

import pytest

from tagtui.ui.app import TagtuiApp
from tagtui.ui.screens.delete import DeleteModal
from tagtui.ui.widgets.tag_tree import PlatformRow, RevisionRow, TagRow
from tests.ui.conftest import settle
from tests.ui.helpers import main_screen, notification_texts, row_names, shown_reference
from tests.ui.screen import screen_text
from tests.vendors.openshift.conftest import make_provider
from tests.vendors.openshift.fake import OpenShiftFake, digest


@pytest.fixture(autouse=True)
def _steady_cursor(monkeypatch: pytest.MonkeyPatch) -> None:
    from textual.widgets import Input

    original = Input.__init__

    def init(self: Input, *args: object, **kwargs: object) -> None:
        original(self, *args, **kwargs)  # type: ignore[arg-type]
        self.cursor_blink = False

    monkeypatch.setattr(Input, "__init__", init)


async def test_streams_tags_history_detail_then_delete(ocp: OpenShiftFake) -> None:
    ocp.expire_continue(1)  # the listing restarts once on the way
    app = TagtuiApp(make_provider(ocp))
    async with app.run_test(size=(200, 50)) as pilot:
        await settle(pilot)
        screen = main_screen(app)
        text = screen_text(app)
        assert "openshift team @ 127.0.0.1" in text
        assert screen.repo_list.total == 233

        await pilot.press("enter")  # "app", the first stream
        await settle(pilot)
        assert row_names(screen.tag_tree.rows) == ["latest", "stable", "v1.2", "v1.9", "v1.10"]
        text = screen_text(app)
        reference = shown_reference(app) or ""
        assert reference.endswith("apps.example.test/team/app:latest")  # the public pull reference
        assert "/entrypoint.sh" in text and "8080/tcp, 53/udp" in text
        assert "Tag from          DockerImage quay.io/team/latest" in text
        assert "latest «2" in text  # two older images in its history
        assert "\x1b" not in text  # the hostile label is shown, not obeyed

        # The status history as the tag's children; a revision's detail is its image.
        await pilot.press("right")
        await settle(pilot)
        rows = screen.tag_tree.rows
        revisions = [row for row in rows if isinstance(row, RevisionRow)]
        assert [r.revision.digest for r in revisions] == [digest(2), digest(3)]
        await pilot.press("j")
        await settle(pilot)
        assert isinstance(screen.tag_tree.highlighted_row, RevisionRow)
        assert ocp.server.requests_to("GET", f"/imagestreamimages/app@{digest(2)}")
        await pilot.press("left")
        await settle(pilot)

        # Delete latest: the modal says the image stays and stable still points at it.
        assert screen.tag_tree.highlighted_row == TagRow("latest")
        await pilot.press("d")
        await settle(pilot)
        assert isinstance(app.screen, DeleteModal)
        text = screen_text(app)
        assert "Only the tag latest is removed from image stream app" in text
        assert "the image itself stays" in text
        assert "API tag delete" in text
        await pilot.press("y")
        await settle(pilot)
        assert not isinstance(app.screen, DeleteModal)
        assert ocp.server.requests_to("DELETE", "/imagetags/app:latest")
        assert any("Removed latest from app." in t for t in notification_texts(app))
        assert row_names(screen.tag_tree.rows) == ["stable", "v1.2", "v1.9", "v1.10"]
        assert digest(1) in ocp.state.images


async def test_a_manifest_list_shows_its_platforms(ocp: OpenShiftFake) -> None:
    app = TagtuiApp(make_provider(ocp), repository="multi")
    async with app.run_test(size=(200, 50)) as pilot:
        await settle(pilot)
        screen = main_screen(app)
        assert row_names(screen.tag_tree.rows) == ["latest"]
        text = screen_text(app)
        assert "linux/amd64" in text and "linux/arm64/v8" in text
        await pilot.press("right")
        await settle(pilot)
        assert any(isinstance(row, PlatformRow) for row in screen.tag_tree.rows)
        await pilot.press("j")
        await settle(pilot)
        # The platform image is not served to this user: the panel says why, no error toast.
        text = screen_text(app)
        assert "only the images API" in text
        assert not [t for t in notification_texts(app) if "Error" in t or "Not found" in t]
