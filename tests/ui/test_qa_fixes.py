"""Problems a QA tester met driving the real app: planning feedback, counts, markers, messages."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

from textual.pilot import Pilot
from textual.widgets import Static

from tagtui.demo import prepare_demo_store
from tagtui.model import Platform
from tagtui.providers.layout import LayoutProvider
from tagtui.providers.oci.provider import OciProvider
from tagtui.ui.app import TagtuiApp
from tagtui.ui.screens.delete import DeleteModal
from tagtui.ui.screens.login import LoginModal
from tagtui.ui.widgets.tag_tree import TagRow
from tests.support.real import free_port
from tests.ui.conftest import settle
from tests.ui.fakes import BASE_TIME, FakeProvider, Gate, make_image, sample_provider
from tests.ui.helpers import main_screen, notification_texts, row_names
from tests.ui.screen import screen_text


async def open_web(pilot: Pilot[None], app: TagtuiApp) -> None:
    await settle(pilot)
    main_screen(app).open_repository("app/web")
    await settle(pilot)


async def test_slow_delete_planning_is_shown_and_escape_cancels_it() -> None:
    provider = sample_provider()
    gate = provider.gates["plan_delete"] = Gate()
    app = TagtuiApp(provider)
    async with app.run_test(size=(100, 30)) as pilot:
        await open_web(pilot, app)
        screen = main_screen(app)
        await pilot.press("G", "k", "d")  # latest, which shares its digest
        await pilot.pause()
        note = str(app.query_one("#tag-note", Static).render())
        assert "Checking which tags share sha256:" in note and "(6 tags)" in note
        subtitle = str(app.query_one("#tag-pane").border_subtitle)
        assert "checking shared tags" in subtitle
        await pilot.press("j")  # still responsive while planning
        assert screen.tag_tree.highlighted_row.name == "stable"
        await pilot.press("escape")
        await pilot.pause()
        assert any("Delete cancelled" in t for t in notification_texts(app))
        assert "checking" not in str(app.query_one("#tag-pane").border_subtitle)
        gate.open()
        await settle(pilot)
        assert not isinstance(app.screen, DeleteModal)
        assert provider.deleted == []
        # Planning again after a cancel works, and the modal opens.
        await pilot.press("d")
        await settle(pilot)
        assert isinstance(app.screen, DeleteModal)
        # The answer is on screen: the "checking" note is gone.
        assert not app.query_one("#tag-note").display


async def test_shared_digest_count_is_a_lower_bound_until_every_digest_is_known() -> None:
    provider = FakeProvider()
    image = make_image("shared")
    provider.add_image_tag("app/one", "a", image)
    provider.add_image_tag("app/one", "b", image)
    provider.add_image_tag("app/one", "c", image, listed=False)
    provider.add_image_tag("app/one", "d", make_image("other"), listed=False)
    gate = provider.gates["describe_tag"] = Gate()
    app = TagtuiApp(provider, repository="app/one")
    async with app.run_test(size=(100, 30)) as pilot:
        screen = main_screen(app)
        while screen.tags_loading or not screen.tags_pane._describing:
            await pilot.pause()
        short = image.digest.partition(":")[2][:8]  # type: ignore[union-attr]
        assert f"≡{short}×2+" in screen_text(app)
        # A delete plan asked the registry about every tag: its sharing list is complete.
        await pilot.press("d")
        while not isinstance(app.screen, DeleteModal):
            await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert f"≡{short}×3 " in screen_text(app)
        gate.open()
        await settle(pilot)
        assert f"≡{short}×3 " in screen_text(app)
        assert "+" not in screen_text(app).split("Detail")[0]


async def test_newest_first_fetches_missing_dates_then_sorts_once() -> None:
    provider = FakeProvider()
    days = [5, 40, 12, 33, 1, 27, 18, 9, 50, 3, 22, 44]
    for n, day in enumerate(days):
        image = make_image(f"d{n}", created=BASE_TIME + timedelta(days=day))
        provider.add_image_tag("app/dated", f"v{n}", image, listed=False)
    app = TagtuiApp(provider, repository="app/dated")
    async with app.run_test(size=(100, 12)) as pilot:  # only a few rows on screen
        await settle(pilot)
        screen = main_screen(app)
        tree = screen.tag_tree
        known = tree.catalog.dates_known()
        assert 0 < known < len(days)  # the rows on screen were described, with their dates
        await pilot.press("j", "j")
        gate = provider.gates["describe_tag"] = Gate()
        await pilot.press("s")
        await pilot.pause()
        subtitle = str(app.query_one("#tag-pane").border_subtitle)
        # Counted over every tag: the ones on screen were dated already.
        assert f"sort: newest — dates {known}/{len(days)}" in subtitle
        gate.open()
        await settle(pilot)
        assert tree.catalog.dates_known() == len(days)
        by_date = sorted(range(len(days)), key=lambda n: -days[n])
        assert row_names(tree.rows) == [f"v{n}" for n in by_date]
        assert tree.highlighted_row == TagRow("v2")  # the cursor stayed on its tag
        assert str(app.query_one("#tag-pane").border_subtitle) == "sort: newest"


async def test_name_order_again_cancels_the_date_fetch() -> None:
    provider = FakeProvider()
    for n in range(30):
        provider.add_image_tag("app/many", f"t{n}", make_image(f"m{n}"), listed=False)
    app = TagtuiApp(provider, repository="app/many")
    async with app.run_test(size=(100, 12)) as pilot:
        await settle(pilot)
        screen = main_screen(app)
        provider.gates["describe_tag"] = Gate()
        await pilot.press("s")
        await pilot.pause()
        assert screen.tags_pane._dating is not None
        await pilot.press("s")
        await pilot.pause()
        assert screen.tags_pane._dating is None
        assert str(app.query_one("#tag-pane").border_subtitle) == "sort: name"
        await app.workers.wait_for_complete()


async def test_repository_count_follows_a_delete(tmp_path: Path) -> None:
    app = TagtuiApp(
        LayoutProvider(prepare_demo_store(tmp_path / "store")), repository="acme/api", tag="staging"
    )
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = main_screen(app)

        def listed_count() -> int | None:
            return next(r.tag_count for r in screen.repo_list.rows if r.name == "acme/api")

        assert listed_count() == 8
        await pilot.press("d")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert len(screen.catalog) == 7
        assert listed_count() == 7
        assert re.search(r"acme/api +7│", screen_text(app))


async def test_index_rows_show_the_open_marker_before_being_highlighted() -> None:
    provider = FakeProvider()
    provider.add_image_tag("app/mixed", "a-single", make_image("single"))
    amd = make_image("mixed-amd64")
    platforms = [(Platform("linux", "amd64", amd.digest or "", size=3_400_000), amd)]
    provider.add_index_tag("app/mixed", "b-multi", platforms)
    # Listed as a vendor API lists them: digest, date and size, but no media type.
    provider.repos["app/mixed"] = [
        replace(tag, media_type=None, created=BASE_TIME, size=1234)
        for tag in provider.repos["app/mixed"]
    ]
    app = TagtuiApp(provider, repository="app/mixed")
    async with app.run_test(size=(100, 20)) as pilot:
        await settle(pilot)
        tree = main_screen(app).tag_tree
        assert tree.highlighted_row == TagRow("a-single")
        assert "► b-multi" in screen_text(app)


async def test_d_on_the_repository_list_says_where_deleting_happens() -> None:
    app = TagtuiApp(sample_provider())
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("d")
        await settle(pilot)
        assert any("highlight a tag to delete it" in t for t in notification_texts(app))
        assert not isinstance(app.screen, DeleteModal)


async def test_filter_without_a_match_says_so() -> None:
    app = TagtuiApp(sample_provider())
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"xyz")
        await settle(pilot)
        screen = main_screen(app)
        assert screen.repo_list.empty_message() == "No repositories match /xyz"
        assert "No repositories match" in screen_text(app)  # wrapped in the narrow pane
        await pilot.press("escape")
        screen.open_repository("app/web")
        await settle(pilot)
        await pilot.press("slash", *"nope")
        await settle(pilot)
        assert screen.tag_tree.empty_message() == "No tags match /nope"
        assert "No tags match /nope" in screen_text(app)


async def test_refused_connection_shows_the_whole_reason_in_the_pane() -> None:
    port = free_port()  # nothing listens there
    app = TagtuiApp(OciProvider(f"127.0.0.1:{port}"))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        message = main_screen(app).repo_list.empty_message()
        assert message.endswith("Press r to retry.")
        assert f"127.0.0.1:{port}" in message
        # Wrapped over lines of the pane, not cut: every word of it is on screen.
        pane = screen_text(app)
        assert "retry." in pane and "…" not in pane.split("╰")[0]


async def test_header_names_session_credentials_only_once_accepted() -> None:
    provider = sample_provider(password="right-one")
    app = TagtuiApp(provider)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, LoginModal)
        await pilot.press(*"alice", "enter", *"wrong")
        await pilot.click("#login-submit")
        await settle(pilot)
        # Never shown as in use; named as refused (issue 14 §5: whose, and from where).
        assert main_screen(app).header.credentials == "session (rejected)"
        await pilot.press("escape")
        await settle(pilot)
        assert "credentials: session (rejected)" in screen_text(app)
        assert "credentials: session " not in screen_text(app).replace("session (rejected)", "")
