"""The delete confirmation's referrers, on a fake provider: what is shown, what the keys do,
the snapshot at 80x24, a failed lookup, a provider that cannot delete them, hostile types."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Collection
from typing import Any

from textual.pilot import Pilot
from textual.widgets import Button

from tagtui.errors import BadResponse
from tagtui.model import Capabilities, Referrer, ReferrerKind
from tagtui.ui.app import TagtuiApp
from tagtui.ui.screens.bulk_delete import BulkDeleteModal
from tagtui.ui.screens.delete import DeleteModal
from tests.ui.conftest import settle
from tests.ui.fakes import ANSI, MARKUP, OSC_TITLE, FakeProvider, digest_of, make_image
from tests.ui.helpers import SnapCompare, main_screen, notification_texts
from tests.ui.screen import assert_terminal_safe, screen_text, terminal_output

REPO = "app/web"
SIGNATURE = Referrer(
    digest=digest_of("sig"),
    media_type="application/vnd.oci.image.manifest.v1+json",
    artifact_type="application/vnd.dev.cosign.simplesigning.v1+json",
    kind=ReferrerKind.SIGNATURE,
    size=402,
    tag="sha256-" + digest_of("signed")[7:] + ".sig",
)
SBOM = Referrer(
    digest=digest_of("sbom"),
    media_type="application/vnd.oci.image.manifest.v1+json",
    artifact_type="application/spdx+json",
    kind=ReferrerKind.SBOM,
    size=1_234,
)


class SignedFake(FakeProvider):
    """A fake whose signed image has a signature and an SBOM (or whose lookup fails)."""

    def __init__(self, referrers: tuple[Referrer, ...], **kwargs: Any) -> None:
        kwargs.setdefault("capabilities", Capabilities(digest_delete=True, referrers=True))
        super().__init__(name="registry.example:5000", **kwargs)
        self.found = referrers
        self.lookup_error: Exception | None = None
        image = make_image("signed")
        self.add_image_tag(REPO, "v1", image)
        self.add_image_tag(REPO, "v2", make_image("other"))
        self.add_image_tag(REPO, "v2-again", make_image("other"))
        assert image.digest is not None
        self.signed = image.digest

    async def referrers(
        self,
        repository: str,
        digest: str,
        *,
        artifact_type: str | None = None,
        tags: Collection[str] | None = None,
        in_index: str | None = None,
    ) -> tuple[Referrer, ...]:
        self.calls.append(("referrers", f"{repository}@{digest}"))
        if self.lookup_error is not None:
            raise self.lookup_error
        return self.found if digest == self.signed else ()


def press_d(tag: str, *then: str) -> Callable[[Pilot[Any]], Awaitable[None]]:
    async def run(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        await pilot.press("d")
        await settle(pilot)
        assert isinstance(pilot.app.screen, DeleteModal)
        for key in then:
            await pilot.press(key)
            await settle(pilot)

    return run


def test_delete_modal_with_referrers_80x24(snap_compare: SnapCompare) -> None:
    # Scrolled to the end of the body: the referrers, the note on what becomes of them, and
    # the separate button under the usual three.
    app = TagtuiApp(SignedFake((SBOM, SIGNATURE)), repository=REPO, tag="v1")
    run = press_d("v1", "pagedown", "pagedown")
    assert snap_compare(app, terminal_size=(80, 24), run_before=run)


async def test_all_four_buttons_fit_on_an_80x24_screen() -> None:
    app = TagtuiApp(SignedFake((SBOM, SIGNATURE)), repository=REPO, tag="v1")
    async with app.run_test(size=(80, 24)) as pilot:
        await press_d("v1")(pilot)
        modal = app.screen
        dialog = modal.query_one("#delete-dialog")
        for button_id in ("#cancel", "#confirm", "#whole-digest", "#with-referrers"):
            button = modal.query_one(button_id, Button)
            assert dialog.content_region.contains_region(button.region), button_id
        assert modal.focused is modal.query_one("#cancel", Button)


async def test_y_deletes_the_tag_only_and_r_is_a_separate_choice() -> None:
    provider = SignedFake((SBOM, SIGNATURE))
    app = TagtuiApp(provider, repository=REPO, tag="v1")
    async with app.run_test(size=(100, 40)) as pilot:
        await press_d("v1")(pilot)
        assert app.screen.query_one("#with-referrers", Button)
        await pilot.press("y")
        await settle(pilot)
    # The fake deletes nothing but the plan's tags: the referrers were not asked to go.
    assert [p.removes for p in provider.deleted] == [("v1",)]
    assert not any(t.startswith("Referrers") for t in notification_texts(app))


async def test_the_image_staying_means_no_lookup_and_no_section() -> None:
    provider = SignedFake((SBOM, SIGNATURE))
    app = TagtuiApp(provider, repository=REPO, tag="v2")

    def lookups() -> int:
        # The tag pane's badges and the detail look too: only the plan's count here.
        return [c[0] for c in provider.calls].count("referrers")

    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        before = lookups()
        await press_d("v2")(pilot)
        assert not app.screen.query("#delete-referrers")
        assert not app.screen.query("#with-referrers")
        assert lookups() == before
        # v1 is the only tag of its image: that plan looks, and says what it found.
        await pilot.press("n")
        await settle(pilot)
        main_screen(app).tag_tree.select_tag("v1")
        await settle(pilot)
        before = lookups()
        await press_d("v1")(pilot)
        assert app.screen.query_one("#delete-referrers")
        assert lookups() == before + 1


async def test_a_failed_lookup_is_said_and_the_delete_still_works() -> None:
    provider = SignedFake((SBOM, SIGNATURE))
    provider.lookup_error = BadResponse("referrers API answered 500")
    app = TagtuiApp(provider, repository=REPO, tag="v1")
    async with app.run_test(size=(100, 40)) as pilot:
        await press_d("v1")(pilot)
        text = str(app.screen.query_one("#delete-referrers").render())
        assert "Referrers could not be checked: referrers API answered 500" in text
        assert not app.screen.query("#with-referrers")
        await pilot.press("y")
        await settle(pilot)
    assert [p.removes for p in provider.deleted] == [("v1",)]


async def test_a_provider_that_cannot_delete_digests_says_why_and_offers_no_r() -> None:
    provider = SignedFake(
        (SBOM, SIGNATURE), capabilities=Capabilities(digest_delete=False, referrers=True)
    )
    app = TagtuiApp(provider, repository=REPO, tag="v1")
    async with app.run_test(size=(100, 40)) as pilot:
        await press_d("v1")(pilot)
        text = str(app.screen.query_one("#delete-referrers").render())
        assert "Referrers of this image (2):" in text
        assert "Not offered: deleting them with it — registry.example:5000 cannot delete " in text
        assert not app.screen.query("#with-referrers")
        await pilot.press("r")  # does nothing
        await settle(pilot)
        assert isinstance(app.screen, DeleteModal)


async def test_hostile_artifact_types_and_tags_stay_literal() -> None:
    hostile = Referrer(
        digest=digest_of("evil"),
        media_type=MARKUP,
        artifact_type=f"{MARKUP}{ANSI}{OSC_TITLE}",
        kind=ReferrerKind.OTHER,
        annotations=((MARKUP, OSC_TITLE),),
        tag="[red]evil[/]",
    )
    app = TagtuiApp(SignedFake((hostile,)), repository=REPO, tag="v1")
    async with app.run_test(size=(160, 40)) as pilot:
        await press_d("v1")(pilot)
        text = screen_text(app)
        assert "[bold]x[/]" in text and "tag [red]evil[/]" in text
        assert_terminal_safe(terminal_output(app))


async def test_bulk_confirmation_lists_referrers_and_its_buttons_fit_80x24() -> None:
    provider = SignedFake((SBOM, SIGNATURE))
    app = TagtuiApp(provider, repository=REPO)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        main_screen(app).tags_pane.set_marks(["v1", "v2"])
        await pilot.press("d")
        await settle(pilot)
        modal = app.screen
        assert isinstance(modal, BulkDeleteModal)
        groups = str(modal.query_one("#bulk-groups").render())
        # v1's image goes (with its referrers); v2's stays on v2-again (nothing to say).
        assert "referrers (2):" in groups and groups.count("referrers (") == 1
        assert f"sbom      {SBOM.digest[7:19]}  application/spdx+json" in groups
        dialog = modal.query_one("#delete-dialog")
        for button_id in ("#cancel", "#confirm", "#with-referrers"):
            button = modal.query_one(button_id, Button)
            assert dialog.content_region.contains_region(button.region), button_id
        assert "Delete with their 2 referrers (r)" in screen_text(app)
        await pilot.press("escape")
        await settle(pilot)
    assert provider.deleted == []
