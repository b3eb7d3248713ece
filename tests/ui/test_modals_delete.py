"""The delete modal at 80x24: thousands of shared tags, whole-image plans, its own footer."""

from __future__ import annotations

from typing import Any

from textual.app import App
from textual.widget import Widget
from textual.widgets import Button, Footer

from tagtui.model import Capabilities, DeleteMethod, DeletePlan, Tag
from tagtui.ui.app import TagtuiApp
from tagtui.ui.screens.delete import CONFIRM, DeleteModal
from tests.ui.conftest import settle
from tests.ui.fakes import FakeProvider, digest_of, sample_provider
from tests.ui.helpers import main_screen
from tests.ui.screen import screen_text
from tests.ui.test_modals_support import ModalHost, footer_keys

SHARED = 1_500


def on_screen(app: App[Any], widget: Widget) -> bool:
    """The whole widget is inside the terminal and not clipped away by a container."""
    region = widget.region
    width, height = app.size
    visible = widget.visible and region.width > 0 and region.height > 0
    inside = region.x >= 0 and region.y >= 0 and region.right <= width
    return (
        visible
        and inside
        and region.bottom <= height
        and region == app.screen.find_widget(widget).region
    )


def crowded_provider() -> FakeProvider:
    """One repository whose 1,500 tags all point at one digest (real registries have these)."""
    provider = FakeProvider(capabilities=Capabilities(digest_delete=True))
    digest = digest_of("crowded")
    tags = []
    for n in range(SHARED):
        name = f"build-{n}"
        provider.digests[("big/app", name)] = digest
        tags.append(Tag(name=name, digest=digest))
    provider.add_repo("big/app", tags)
    return provider


async def open_delete(pilot: Any, app: TagtuiApp, repository: str, *moves: str) -> None:
    await settle(pilot)
    main_screen(app).open_repository(repository)
    await settle(pilot)
    await pilot.press(*moves, "d")
    await settle(pilot)
    assert isinstance(app.screen, DeleteModal)


async def test_thousands_of_shared_tags_keep_the_buttons_on_an_80x24_screen() -> None:
    provider = crowded_provider()
    app = TagtuiApp(provider)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_delete(pilot, app, "big/app")
        modal = app.screen
        dialog = modal.query_one("#delete-dialog")
        for button_id in ("#cancel", "#confirm", "#whole-digest"):
            button = modal.query_one(button_id, Button)
            assert on_screen(app, button), (button_id, button.region)
            # Not cut off by the dialog's border either.
            assert dialog.content_region.contains_region(button.region), button.region
        body = modal.query_one("#delete-body")
        assert body.region.bottom <= dialog.content_region.bottom
        # The buttons keep the focus; j and PageDown still scroll the long list.
        await pilot.press("j", "pagedown")
        assert body.scroll_y > 1
        assert "Delete all 1,500 tags (a)" in screen_text(app)
        text = screen_text(app)
        assert "Delete tag (y)" in text and "Cancel (n)" in text
        # The list is capped: the first names, then how many more.
        keeps = str(modal.query_one("#delete-keeps").render())
        assert keeps.startswith(f"Other tags on this digest ({SHARED - 1:,}): build-1, build-2,")
        assert f"… and {SHARED - 1 - 100:,} more" in keeps
        await pilot.press("n")
        await settle(pilot)
        assert not isinstance(app.screen, DeleteModal) and provider.deleted == []
        await pilot.press("d")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert [plan.removes for plan in provider.deleted] == [("build-0",)]


async def test_buttons_fit_at_80x24_on_the_sample_data() -> None:
    app = TagtuiApp(sample_provider())
    async with app.run_test(size=(80, 24)) as pilot:
        await open_delete(pilot, app, "app/web")
        for button in app.screen.query(Button):
            assert on_screen(app, button), (button.id, button.region)


def image_plan() -> DeletePlan:
    return DeletePlan(
        repository="acme/web",
        tag="latest",
        digest=None,
        method=DeleteMethod.API_IMAGE_DELETE,
        removes=("1.0", "latest", "stable", "v2"),
        warnings=("The Tutum API has no tag delete: the image goes with all 4 of its tags.",),
        summary="Tutum deletes whole images only: the whole image acme/web is deleted.",
        shared_tags=("1.0", "latest", "stable", "v2"),
    )


async def test_an_image_delete_says_the_whole_image_goes() -> None:
    host = ModalHost(
        DeleteModal(image_plan(), "tutum.example/acme/web:latest", offer_whole_digest=True)
    )
    async with host.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        text = screen_text(host)
        assert "Delete the whole image" in text
        assert "Tags deleted with it (3): 1.0, stable, v2" in text
        assert "Delete image (y)" in text
        assert "Tutum deletes whole images only" in text
        assert "▲ The Tutum API has no tag delete" in text
        assert "Delete a tag" not in text and "Delete tag (y)" not in text
        assert "Other tags on this digest" not in text
        # The image goes whole: no separate "whole digest" offer.
        assert not host.screen.query("#whole-digest")
        await pilot.press("y")
        await settle(pilot)
    assert host.answers == [CONFIRM]


async def test_one_tag_that_stays_is_singular() -> None:
    plan = DeletePlan(
        "acme/web",
        "latest",
        digest_of("x"),
        DeleteMethod.REGISTRY_TAG_DELETE,
        removes=("latest",),
        shared_tags=("latest", "prod"),
    )
    host = ModalHost(DeleteModal(plan, "r.example/acme/web:latest", offer_whole_digest=True))
    async with host.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        text = screen_text(host)
        # The tag has its own row; a "Removes: latest" line would only repeat it.
        assert "Tag       latest" in text and "Removes" not in text
        assert "Other tags on this digest (1): prod — it stays" in text
        assert "Delete all 2 tags (a)" in text
        await pilot.press("a")
        await settle(pilot)
    assert host.answers == ["whole-digest"]


async def test_the_footer_shows_the_modal_keys_not_the_main_screen_ones() -> None:
    app = TagtuiApp(sample_provider())
    async with app.run_test(size=(100, 30)) as pilot:
        await open_delete(pilot, app, "app/web")
        assert app.screen.query_one(Footer)
        shown = footer_keys(app)
        assert {"y", "n/Esc", "a"} <= shown, shown
        assert "s" not in shown and "/" not in shown  # main-screen keys are not on offer
