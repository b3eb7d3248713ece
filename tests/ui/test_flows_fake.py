"""Pilot tests of every flow on the in-memory provider, including faults only a fake can make."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest
from textual.command import CommandList
from textual.widgets import Static

from tagtui.errors import DeleteAborted, PermissionDenied, ServerError
from tagtui.model import Capabilities, Tag
from tagtui.ui.app import TagtuiApp
from tagtui.ui.screens.delete import DeleteModal
from tagtui.ui.screens.help import HelpScreen
from tagtui.ui.widgets.tag_tree import PlatformRow, RevisionRow, TagRow
from tests.ui.conftest import settle
from tests.ui.fakes import BASE_TIME, FakeProvider, Gate, make_image, sample_provider
from tests.ui.helpers import main_screen, notification_texts, row_names, shown_reference
from tests.ui.screen import screen_text


async def open_web(pilot, app) -> None:  # type: ignore[no-untyped-def]
    await settle(pilot)
    main_screen(app).open_repository("app/web")
    await settle(pilot)


async def test_repositories_stream_in_with_count_and_loading_marker() -> None:
    provider = FakeProvider(page_size=100)
    for n in range(250):
        provider.add_repo(f"repo-{n:03d}")
    gate = provider.gates["next_page"] = Gate()
    app = TagtuiApp(provider)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = main_screen(app)
        while screen.repo_list.total < 100:
            await pilot.pause()
        text = screen_text(app)
        assert "repo-000" in text
        assert "Repositories 100" in text.splitlines()[1]
        assert "loading…" in text
        gate.open()
        await settle(pilot)
        assert screen.repo_list.total == 250
        text = screen_text(app)
        assert "Repositories 250" in text and "loading" not in text


async def test_open_repository_lists_tags_naturally_and_shows_detail() -> None:
    app = TagtuiApp(sample_provider())
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = main_screen(app)
        assert app.focused is screen.repo_list
        await pilot.press("enter")  # app/web is first
        await settle(pilot)
        assert app.focused is screen.tag_tree
        assert row_names(screen.tag_tree.rows) == ["1.0", "1.2", "1.9", "1.10", "latest", "stable"]
        text = screen_text(app)
        assert shown_reference(app) == "fake.example:5000/app/web:1.0"
        assert "Environment" in text and "NGINX_VERSION" in text
        # Three tags share 1.0's digest: short digest and the count are on each row.
        assert text.count("×3") == 3
        await pilot.press("j", "j")
        await settle(pilot)
        assert screen.tag_tree.highlighted_row == TagRow("1.9")
        assert shown_reference(app) == "fake.example:5000/app/web:1.9"
        await pilot.press("k")
        assert screen.tag_tree.highlighted_row == TagRow("1.2")
        await pilot.press("left")
        assert app.focused is screen.repo_list
        await pilot.press("tab")
        assert app.focused is screen.tag_tree


async def test_filter_repositories_enter_keeps_escape_clears() -> None:
    app = TagtuiApp(sample_provider())
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        screen = main_screen(app)
        await pilot.press("slash", "s", "e", "r", "v", "i", "c", "e", "-", "3")
        assert row_names(screen.repo_list.rows) == ["team/service-3"]
        assert "Repositories 1/8" in screen_text(app)
        await pilot.press("enter")
        assert app.focused is screen.repo_list
        assert screen.repo_list.highlighted_row.name == "team/service-3"
        await pilot.press("enter")
        await settle(pilot)
        assert screen.repository == "team/service-3"
        await pilot.press("left", "escape")
        assert len(screen.repo_list.rows) == 8
        assert not screen.query_one("#repo-filter").display


async def test_filter_tags_and_escape_in_the_input() -> None:
    app = TagtuiApp(sample_provider())
    async with app.run_test(size=(100, 30)) as pilot:
        await open_web(pilot, app)
        screen = main_screen(app)
        await pilot.press("slash", "1", ".")
        assert row_names(screen.tag_tree.rows) == ["1.0", "1.2", "1.9", "1.10"]
        await pilot.press("1", "0")
        assert row_names(screen.tag_tree.rows) == ["1.10"]
        await pilot.press("escape")
        assert app.focused is screen.tag_tree
        assert len(screen.tag_tree.rows) == 6


async def test_expand_index_to_platforms_with_attestation_badge() -> None:
    app = TagtuiApp(sample_provider())
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        screen = main_screen(app)
        screen.open_repository("library/alpine")
        await settle(pilot)
        await pilot.press("right")
        await settle(pilot)
        rows = screen.tag_tree.rows
        assert row_names(rows) == ["3.19", "3.19/linux/amd64", "3.19/linux/arm64/v8"]
        text = screen_text(app)
        assert "att" in text and "▪2" in text
        assert "unknown/unknown" not in text
        await pilot.press("down")
        await settle(pilot)
        assert isinstance(screen.tag_tree.highlighted_row, PlatformRow)
        assert "linux/amd64" in screen_text(app)
        await pilot.press("left")  # to the parent
        assert screen.tag_tree.highlighted_row == TagRow("3.19")
        await pilot.press("left")  # collapse
        assert row_names(screen.tag_tree.rows) == ["3.19"]


async def test_copy_pull_and_digest_reference() -> None:
    provider = sample_provider()
    app = TagtuiApp(provider)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("c")
        assert app.clipboard == "fake.example:5000/app/web"
        main_screen(app).open_repository("app/web")
        await settle(pilot)
        await pilot.press("j", "c")
        assert app.clipboard == "fake.example:5000/app/web:1.2"
        assert any("Copied fake.example:5000/app/web:1.2" in t for t in notification_texts(app))
        main_screen(app).action_copy_digest()
        digest = provider.repos["app/web"][3].digest  # 1.2
        assert app.clipboard == f"fake.example:5000/app/web@{digest}"


async def test_delete_cancel_with_n_and_escape_changes_nothing() -> None:
    provider = sample_provider()
    app = TagtuiApp(provider)
    async with app.run_test(size=(100, 30)) as pilot:
        await open_web(pilot, app)
        await pilot.press("G", "k")  # latest
        for cancel in ("n", "escape", "enter"):  # Enter hits Cancel, which has the focus
            await pilot.press("d")
            await settle(pilot)
            assert isinstance(app.screen, DeleteModal)
            assert app.focused is not None and app.focused.id == "cancel"
            await pilot.press(cancel)
            await settle(pilot)
            assert not isinstance(app.screen, DeleteModal)
        assert provider.deleted == []
        assert "latest" in row_names(main_screen(app).tag_tree.rows)


async def test_delete_confirm_shows_shared_tags_then_updates_tree() -> None:
    provider = sample_provider()
    app = TagtuiApp(provider)
    async with app.run_test(size=(100, 30)) as pilot:
        await open_web(pilot, app)
        await pilot.press("G", "k", "d")
        await settle(pilot)
        text = screen_text(app)
        assert "fake.example:5000/app/web:latest" in text
        assert "Only latest is removed; 1.0, stable stay." in text
        assert "Other tags on this digest (2): 1.0, stable — they stay" in text
        await pilot.press("y")
        await settle(pilot)
        assert [plan.tag for plan in provider.deleted] == ["latest"]
        assert row_names(main_screen(app).tag_tree.rows) == ["1.0", "1.2", "1.9", "1.10", "stable"]
        assert any("Removed latest from app/web." in t for t in notification_texts(app))


async def test_delete_whole_digest_is_a_separate_confirmed_choice() -> None:
    provider = sample_provider()
    app = TagtuiApp(provider)
    async with app.run_test(size=(110, 30)) as pilot:
        await open_web(pilot, app)
        await pilot.press("d")
        await settle(pilot)
        await pilot.click("#whole-digest")
        await settle(pilot)
        assert isinstance(app.screen, DeleteModal) and app.screen.plan.whole_digest
        assert "Delete a digest and all its tags" in screen_text(app)
        assert provider.deleted == []
        await pilot.press("y")
        await settle(pilot)
        assert provider.deleted[0].removes == ("1.0", "latest", "stable")
        assert row_names(main_screen(app).tag_tree.rows) == ["1.2", "1.9", "1.10"]


async def test_delete_disabled_says_why_instead_of_opening() -> None:
    caps = Capabilities(delete=False, note="deletion is disabled on this registry")
    provider = sample_provider(capabilities=caps)
    app = TagtuiApp(provider)
    async with app.run_test(size=(100, 30)) as pilot:
        await open_web(pilot, app)
        await pilot.press("d")
        await settle(pilot)
        assert not isinstance(app.screen, DeleteModal)
        assert "Deletion disabled: deletion is disabled on this registry" in notification_texts(app)
        assert ("plan_delete", "app/web:1.0") not in provider.calls


async def test_delete_refused_by_registry_changes_nothing() -> None:
    provider = sample_provider()
    provider.errors["delete"] = PermissionDenied("fake.example:5000: DENIED: not allowed")
    app = TagtuiApp(provider)
    async with app.run_test(size=(100, 30)) as pilot:
        await open_web(pilot, app)
        await pilot.press("d")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert "Permission denied: fake.example:5000: DENIED: not allowed" in notification_texts(
            app
        )
        assert len(main_screen(app).tag_tree.rows) == 6


async def test_delete_aborted_when_the_tag_moved_changes_nothing() -> None:
    provider = sample_provider()
    provider.errors["delete"] = DeleteAborted(
        "latest now points at sha256:0ff1ce…, not the digest you confirmed: nothing was removed"
    )
    app = TagtuiApp(provider, repository="app/web", tag="latest")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("d")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert any(
            t.startswith("Delete aborted: latest now points") for t in notification_texts(app)
        )
        assert "latest" in row_names(main_screen(app).tag_tree.rows)


async def test_mouse_click_highlights_and_double_click_opens() -> None:
    app = TagtuiApp(sample_provider())
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        screen = main_screen(app)
        await pilot.click("#repos", offset=(3, 2))  # third row: library/alpine
        assert screen.repo_list.highlighted_row.name == "library/alpine"
        assert screen.repository is None
        await pilot.double_click("#repos", offset=(3, 2))
        await settle(pilot)
        assert screen.repository == "library/alpine"
        await pilot.double_click("#tags", offset=(3, 0))  # opens the index: its platforms
        await settle(pilot)
        assert row_names(screen.tag_tree.rows)[1:] == ["3.19/linux/amd64", "3.19/linux/arm64/v8"]
        await pilot.click("#tags", offset=(3, 2))
        await settle(pilot)
        assert isinstance(screen.tag_tree.highlighted_row, PlatformRow)
        assert shown_reference(app) == (
            f"fake.example:5000/library/alpine@{screen.tag_tree.highlighted_row.platform.digest}"
        )


async def test_refresh_reloads_tags_keeping_the_cursor() -> None:
    provider = sample_provider()
    app = TagtuiApp(provider)
    async with app.run_test(size=(100, 30)) as pilot:
        await open_web(pilot, app)
        await pilot.press("j", "j")  # 1.9
        provider.add_image_tag("app/web", "1.3", make_image("web-3"))
        await pilot.press("r")
        await settle(pilot)
        tree = main_screen(app).tag_tree
        assert "1.3" in row_names(tree.rows)
        assert tree.highlighted_row == TagRow("1.9")
        # Repositories refresh from the repository pane.
        provider.add_repo("zzz/new")
        await pilot.press("left", "r")
        await settle(pilot)
        assert "zzz/new" in main_screen(app).repo_list.names()


async def test_dates_and_sizes_are_fetched_only_for_rows_on_screen() -> None:
    provider = FakeProvider()
    image = make_image("many")
    for n in range(2000):
        provider.add_image_tag("big/many", f"t{n}", image, listed=False)
    app = TagtuiApp(provider)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        main_screen(app).open_repository("big/many")
        await settle(pilot)
        tree = main_screen(app).tag_tree
        height = tree.scrollable_content_region.height
        described = [s for c, s in provider.calls if c == "describe_tag"]
        assert 0 < len(described) <= height
        assert set(described) == {f"big/many:t{n}" for n in range(len(described))}
        assert tree.catalog.tag("t0").digest == image.digest  # type: ignore[union-attr]
        await pilot.press("G")
        await settle(pilot)
        described = [s for c, s in provider.calls if c == "describe_tag"]
        assert "big/many:t1999" in described
        assert len(described) <= 2 * height


async def test_describes_scrolled_away_are_cancelled() -> None:
    provider = FakeProvider()
    for n in range(500):
        provider.add_image_tag("big/many", f"t{n}", make_image("x"), listed=False)
    gate = provider.gates["describe_tag"] = Gate()
    app = TagtuiApp(provider)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = main_screen(app)
        await settle(pilot)
        screen.open_repository("big/many")
        while not screen.tags_pane._describing:
            await pilot.pause()
        first = set(screen.tags_pane._describing)
        assert "t0" in first
        await pilot.press("G")
        await pilot.pause()
        assert not first & set(screen.tags_pane._describing)
        assert "t499" in screen.tags_pane._describing
        gate.open()
        await settle(pilot)
        # t1 was never highlighted (t0 was, so its detail filled its row) nor described.
        assert screen.catalog.tag("t1").digest is None  # type: ignore[union-attr]
        assert screen.catalog.tag("t499").digest is not None  # type: ignore[union-attr]


async def test_stale_tag_list_from_a_repository_left_is_dropped() -> None:
    provider = sample_provider()
    gate = provider.gates["list_tags"] = Gate()
    app = TagtuiApp(provider)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = main_screen(app)
        await settle(pilot)
        screen.open_repository("app/web")
        await pilot.pause()
        screen.open_repository("library/alpine")
        await pilot.pause()
        gate.open()
        await settle(pilot)
        assert row_names(screen.tag_tree.rows) == ["3.19"]
        assert "Tags · library/alpine 1" in screen_text(app)


async def test_provider_error_becomes_a_notification_and_the_app_lives() -> None:
    provider = sample_provider()
    provider.errors["list_tags"] = ServerError("fake.example:5000 answered 500: upstream down")
    app = TagtuiApp(provider)
    async with app.run_test(size=(100, 30)) as pilot:
        await open_web(pilot, app)
        assert "Server error: fake.example:5000 answered 500: upstream down" in (
            notification_texts(app)
        )
        del provider.errors["list_tags"]
        await pilot.press("r")
        await settle(pilot)
        assert len(main_screen(app).tag_tree.rows) == 6


@pytest.mark.parametrize("debug", [False, True])
async def test_unexpected_exception_is_shown_not_fatal(
    monkeypatch: pytest.MonkeyPatch, debug: bool
) -> None:
    if debug:
        monkeypatch.setenv("TAGTUI_DEBUG", "1")
    else:
        monkeypatch.delenv("TAGTUI_DEBUG", raising=False)
    provider = sample_provider()
    provider.errors["get_tag"] = RuntimeError("a bug")  # type: ignore[assignment]
    app = TagtuiApp(provider)
    async with app.run_test(size=(100, 30)) as pilot:
        await open_web(pilot, app)
        texts = notification_texts(app)
        assert any(t.startswith("Unexpected error: RuntimeError: a bug") for t in texts)
        assert not any("Traceback" in t for t in texts)
        assert app.is_running
    # The traceback only when asked for, for the terminal once the app is gone.
    if debug:
        assert app.debug_tracebacks and "Traceback" in app.debug_tracebacks[0]
        assert "RuntimeError: a bug" in app.debug_tracebacks[0]
    else:
        assert app.debug_tracebacks == []


async def test_no_catalog_offers_open_repository_input() -> None:
    provider = sample_provider(catalog=False)
    app = TagtuiApp(provider)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = main_screen(app)
        assert app.focused is not None and app.focused.id == "open-repo"
        text = screen_text(app)
        note = screen.query_one("#repo-note", Static)
        assert "does not list its repositories" in str(note.content)
        assert note.region.height >= 2 and "fake.example:5000 does" in text
        assert not [n for n in notification_texts(app) if "Catalog" in n]
        await pilot.press(*"app/web:stable", "enter")
        await settle(pilot)
        assert screen.repository == "app/web"
        assert screen.tag_tree.highlighted_row == TagRow("stable")


async def test_start_on_repository_and_tag() -> None:
    app = TagtuiApp(sample_provider(), repository="app/web", tag="latest")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        screen = main_screen(app)
        assert app.focused is screen.tag_tree
        assert screen.tag_tree.highlighted_row == TagRow("latest")
        assert shown_reference(app) == "fake.example:5000/app/web:latest"


async def test_repository_opened_by_name_takes_its_catalog_place() -> None:
    provider = sample_provider()
    gate = provider.gates["list_repositories"] = Gate()
    app = TagtuiApp(provider, repository="library/alpine")
    async with app.run_test(size=(100, 30)) as pilot:
        screen = main_screen(app)
        await pilot.pause()
        assert screen.repo_list.names() == ["library/alpine"]
        gate.open()
        await settle(pilot)
        names = screen.repo_list.names()
        assert names == sorted(provider.repos) and names.count("library/alpine") == 1
        assert screen.repo_list.highlighted_row.name == "library/alpine"


async def test_missing_start_tag_is_reported() -> None:
    app = TagtuiApp(sample_provider(), repository="app/web", tag="nope")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert "Not found: app/web has no tag nope" in notification_texts(app)


async def test_sort_cycles_newest_first_when_dates_known() -> None:
    provider = sample_provider()
    app = TagtuiApp(provider)
    async with app.run_test(size=(100, 30)) as pilot:
        await open_web(pilot, app)
        await pilot.press("s")
        await settle(pilot)
        tree = main_screen(app).tag_tree
        assert row_names(tree.rows)[:3] == ["1.10", "1.9", "1.2"]
        assert "sort: newest" in screen_text(app)
        await pilot.press("s")
        assert row_names(tree.rows) == ["1.0", "1.2", "1.9", "1.10", "latest", "stable"]


async def test_sort_newest_asks_a_provider_that_can_sort() -> None:
    provider = FakeProvider(capabilities=Capabilities(sorts=("name", "newest")))
    for n in (1, 3, 2):
        image = make_image(f"s{n}", created=BASE_TIME + timedelta(days=n))
        provider.add_image_tag("app/sorted", f"v{n}", image, listed=False)
    app = TagtuiApp(provider, repository="app/sorted")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        tree = main_screen(app).tag_tree
        await pilot.press("j", "s")
        await settle(pilot)
        assert provider.sorts_asked == [None, "newest"]
        assert row_names(tree.rows) == ["v3", "v2", "v1"]
        assert tree.highlighted_row == TagRow("v2")  # the cursor stayed on its tag
        await pilot.press("g", "s")  # from the first row: the top of the new order
        await settle(pilot)
        assert row_names(tree.rows) == ["v1", "v2", "v3"]
        assert tree.highlighted_row == TagRow("v1")


async def test_revisions_show_as_children() -> None:
    provider = sample_provider()
    old = make_image("web-old", created=BASE_TIME)
    assert old.digest
    provider.images[("app/web", old.digest)] = old
    from tagtui.model import TagRevision

    tags = provider.repos["app/web"]
    tags[0] = replace(tags[0], revisions=(TagRevision(old.digest, BASE_TIME, "app/web@old"),))
    app = TagtuiApp(provider)
    async with app.run_test(size=(110, 30)) as pilot:
        await open_web(pilot, app)
        await pilot.press("right")
        await settle(pilot)
        assert "app/web@old" in screen_text(app)
        await pilot.press("down")
        await settle(pilot)
        screen = main_screen(app)
        assert isinstance(screen.tag_tree.highlighted_row, RevisionRow)
        assert "Reference  app/web@old" in screen_text(app)
        view = screen.detail.cached(screen.detail.shown_key)  # type: ignore[index]
        assert view.image is old


async def test_zoom_gives_the_focused_pane_the_screen() -> None:
    app = TagtuiApp(sample_provider(), repository="app/web")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = main_screen(app)
        await pilot.press("tab", "z")
        assert screen.maximized is screen.detail
        text = screen_text(app)
        assert "fake.example:5000 │ ● connected" in text  # the header stays
        assert "Repositories" not in text
        await pilot.press("z")
        assert screen.maximized is None
        await pilot.press("z", "escape")
        assert screen.maximized is None


async def test_help_screen_opens_and_closes() -> None:
    app = TagtuiApp(sample_provider())
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        assert "command palette" in screen_text(app)
        await pilot.press("escape")
        assert not isinstance(app.screen, HelpScreen)


@pytest.mark.parametrize(
    ("query", "expected"),
    [("go to repository service-3", "team/service-3"), ("go to tag stable", "app/web")],
)
async def test_command_palette_goes_to_repository_or_tag(query: str, expected: str) -> None:
    app = TagtuiApp(sample_provider())
    async with app.run_test(size=(100, 30)) as pilot:
        await open_web(pilot, app)
        await pilot.press("ctrl+p", *query)
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        screen = main_screen(app)
        assert screen.repository == expected
        if "tag" in query:
            assert screen.tag_tree.highlighted_row == TagRow("stable")


async def test_command_palette_matches_names_not_the_go_to_words() -> None:
    provider = FakeProvider()
    for name in ("big/tags", "library/postgres", "acme/web"):
        provider.add_repo(name)
    app = TagtuiApp(provider)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await settle(pilot)
        # Nothing typed: tagtui's own commands first, Textual's theme and screenshot after.
        prompts = palette_prompts(app)
        assert prompts[0] == "Open repository by name…", prompts
        assert prompts.index("Theme") > prompts.index("Quit")
        assert not {"Keys", "Maximize"} & set(prompts)
        await pilot.press(*"postg")
        await settle(pilot)
        prompts = palette_prompts(app)
        assert "Go to repository library/postgres" in prompts
        # "re-pos-i-t-ory bi-g" used to match: the words of the command are not the name.
        assert "Go to repository big/tags" not in prompts, prompts


def palette_prompts(app: TagtuiApp) -> list[str]:
    commands = app.screen.query_one(CommandList)
    prompts = (commands.get_option_at_index(i).prompt for i in range(commands.option_count))
    return [str(getattr(p, "plain", p)).split("\n")[0] for p in prompts]


async def test_command_palette_copies_digest_reference() -> None:
    provider = sample_provider()
    app = TagtuiApp(provider)
    async with app.run_test(size=(100, 30)) as pilot:
        await open_web(pilot, app)
        await pilot.press("ctrl+p", *"copy digest reference")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert app.clipboard == f"fake.example:5000/app/web@{provider.repos['app/web'][0].digest}"


async def test_typing_q_into_a_filter_does_not_quit() -> None:
    provider = FakeProvider()
    provider.add_repo("quux")
    provider.add_repo("other")
    app = TagtuiApp(provider)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("slash", "q")
        assert app.is_running
        assert row_names(main_screen(app).repo_list.rows) == ["quux"]


async def test_provider_is_closed_on_exit() -> None:
    provider = sample_provider()
    app = TagtuiApp(provider)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("q")
    assert provider.closed


async def test_empty_repository_says_so() -> None:
    app = TagtuiApp(sample_provider())
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        main_screen(app).open_repository("empty/repo")
        await settle(pilot)
        assert "No tags in this repository." in screen_text(app)


def test_tag_model_merge_keeps_described_facts() -> None:
    from tagtui.session.catalog import merge_tag

    old = Tag("a", digest="sha256:1", created=BASE_TIME, size=5)
    assert merge_tag(old, Tag("a")) == old
    moved = Tag("a", digest="sha256:2")
    assert merge_tag(old, moved) == moved
