"""Snapshot tests (pytest-textual-snapshot): every state issue 3 names, on the demo store.

Deterministic by construction: the demo store has fixed timestamps, dates are shown absolute
(UTC), the store's temporary path is shown as /tmp/tagtui-demo, cursors do not blink, and every
run waits for the workers to finish. Update after a deliberate change with
``pytest tests/ui/test_snapshots.py --snapshot-update`` and look at the SVGs.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import ProgressBar

from tagtui.demo import prepare_demo_store
from tagtui.providers.layout import LayoutProvider
from tagtui.ui.app import TagtuiApp
from tagtui.ui.screens.bulk_delete import BulkProgressModal
from tests.ui.conftest import settle, wait_until
from tests.ui.demo import HeldDemoProvider, demo_provider
from tests.ui.fakes import FakeProvider, Gate, sample_provider, signed_provider
from tests.ui.helpers import SnapCompare, finish_delete_flow, keys, main_screen, open_cleanup_dialog
from tests.ui.screen import screen_text


def demo_app(tmp_path: Path, **kwargs: str) -> TagtuiApp:
    return TagtuiApp(demo_provider(tmp_path), **kwargs)


def test_demo_main_80x24(snap_compare: SnapCompare, tmp_path: Path) -> None:
    app = demo_app(tmp_path)
    assert snap_compare(app, terminal_size=(80, 24), run_before=keys("enter"))


def test_demo_main_80x24_ascii(
    snap_compare: SnapCompare, tmp_path: Path, ascii_terminal: None
) -> None:
    """LANG=C (issue 12 §2): the same screen with + - | borders and > v * = x symbols."""
    app = demo_app(tmp_path)
    assert snap_compare(app, terminal_size=(80, 24), run_before=keys("enter"))


def test_demo_main_160x48(snap_compare: SnapCompare, tmp_path: Path) -> None:
    app = demo_app(tmp_path)
    assert snap_compare(app, terminal_size=(160, 48), run_before=keys("enter", "down"))


def test_demo_repository_list_80x24(snap_compare: SnapCompare, tmp_path: Path) -> None:
    assert snap_compare(demo_app(tmp_path), terminal_size=(80, 24), run_before=keys())


def test_tag_expanded_to_platforms(snap_compare: SnapCompare, tmp_path: Path) -> None:
    app = demo_app(tmp_path, repository="library/nginx", tag="latest")
    assert snap_compare(app, terminal_size=(160, 48), run_before=keys("right", "down"))


def test_detail_with_every_section(snap_compare: SnapCompare, tmp_path: Path) -> None:
    # Tall enough for Summary through Extras in one picture.
    app = demo_app(tmp_path, repository="acme/api", tag="latest")
    assert snap_compare(app, terminal_size=(160, 100), run_before=keys())


def test_filter_active(snap_compare: SnapCompare, tmp_path: Path) -> None:
    app = demo_app(tmp_path, repository="library/nginx")
    assert snap_compare(app, terminal_size=(120, 30), run_before=keys("slash", "1", ".", "2"))


def test_delete_modal_with_shared_tags(snap_compare: SnapCompare, tmp_path: Path) -> None:
    app = demo_app(tmp_path, repository="acme/api", tag="staging")
    assert snap_compare(app, terminal_size=(120, 34), run_before=keys("d"))


def test_error_notification(snap_compare: SnapCompare, tmp_path: Path) -> None:
    # A real error from the layout provider: the repository is not in the store.
    app = demo_app(tmp_path, repository="acme/nope")
    assert snap_compare(app, terminal_size=(100, 30), run_before=keys())


def test_empty_registry(snap_compare: SnapCompare, tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    app = TagtuiApp(LayoutProvider(empty, display_name="empty-store"))
    assert snap_compare(app, terminal_size=(80, 24), run_before=keys())


def test_no_catalog_prompt(snap_compare: SnapCompare) -> None:
    provider = FakeProvider(name="ghcr.example", catalog=False)
    assert snap_compare(TagtuiApp(provider), terminal_size=(80, 24), run_before=keys())


def test_help_screen(snap_compare: SnapCompare, tmp_path: Path) -> None:
    app = demo_app(tmp_path)
    assert snap_compare(app, terminal_size=(100, 40), run_before=keys("question_mark"))


def test_login_modal_masks_the_password(
    snap_compare: SnapCompare, no_keyring: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    # No keyring but a runtime dir, as on a server over SSH: podman's auth file is preselected
    # and named. /tmp exists everywhere, so the picture does not depend on the machine.
    monkeypatch.setenv("XDG_RUNTIME_DIR", "/tmp")
    provider = FakeProvider(name="registry.example:5000", password="pw")

    async def run(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        await pilot.press(*"alice", "enter", *"not-shown-secret")

    assert snap_compare(TagtuiApp(provider), terminal_size=(100, 30), run_before=run)


def test_narrow_tags_focused_with_detail(snap_compare: SnapCompare, tmp_path: Path) -> None:
    app = demo_app(tmp_path, repository="acme/web")

    async def run(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        assert main_screen(pilot.app).tag_tree.has_focus

    assert snap_compare(app, terminal_size=(80, 24), run_before=run)


def test_repositories_still_loading(snap_compare: SnapCompare) -> None:
    # The first page is on screen with its count and the loading marker; the rest is held back.
    provider = FakeProvider(name="registry.example:5000", page_size=100)
    for n in range(250):
        provider.add_repo(f"team/service-{n:03d}")
    provider.gates["next_page"] = Gate()

    async def run(pilot: Pilot[Any]) -> None:
        await wait_until(pilot, lambda: main_screen(pilot.app).repo_list.total >= 100)

    assert snap_compare(TagtuiApp(provider), terminal_size=(80, 24), run_before=run)


def test_delete_being_planned(snap_compare: SnapCompare) -> None:
    # `d` says at once that it is checking which tags share the digest; Esc would cancel.
    provider = sample_provider(name="registry.example:5000")
    provider.gates["plan_delete"] = Gate()

    async def run(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        await pilot.press("d")
        await wait_until(pilot, lambda: ("plan_delete", "app/web:1.0") in provider.calls)

    app = TagtuiApp(provider, repository="app/web")
    assert snap_compare(app, terminal_size=(100, 30), run_before=run)


def test_delete_modal_at_80x24(snap_compare: SnapCompare, tmp_path: Path) -> None:
    app = demo_app(tmp_path, repository="acme/api", tag="staging")
    assert snap_compare(app, terminal_size=(80, 24), run_before=keys("d"))


def test_whole_digest_delete_modal(snap_compare: SnapCompare, tmp_path: Path) -> None:
    # The explicit second choice: every tag on the digest goes, and the modal lists them all.
    app = demo_app(tmp_path, repository="acme/api", tag="staging")
    assert snap_compare(app, terminal_size=(100, 30), run_before=keys("d", "a"))


def test_filter_without_matches(snap_compare: SnapCompare, tmp_path: Path) -> None:
    app = demo_app(tmp_path)
    assert snap_compare(app, terminal_size=(80, 24), run_before=keys("slash", *"zzz", "enter"))


def test_newest_first_once_the_dates_are_known(snap_compare: SnapCompare, tmp_path: Path) -> None:
    # big/tags lists names only: `s` fetches the missing dates, showing progress, then sorts once.
    provider = demo_provider(tmp_path)
    app = TagtuiApp(provider, repository="big/tags")

    async def run(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        await pilot.press("s")
        await settle(pilot)

    assert snap_compare(app, terminal_size=(100, 30), run_before=run)


def test_three_marked_tags_80x24(snap_compare: SnapCompare, tmp_path: Path) -> None:
    # Space marks and moves down; the cursor ends on a marked row; the title counts the marks.
    app = demo_app(tmp_path, repository="acme/web")
    keys_pressed = keys("space", "down", "space", "space", "up")
    assert snap_compare(app, terminal_size=(80, 24), run_before=keys_pressed)


def _marked_acme_api(tmp_path: Path, provider: LayoutProvider | None = None) -> TagtuiApp:
    return TagtuiApp(provider or demo_provider(tmp_path), repository="acme/api")


async def _mark_three(pilot: Pilot[Any]) -> None:
    # main-3f9c2ab (shares with v1.3.0-rc.1), staging (shares with latest, prod, v1.2.0), v1.0.0.
    await settle(pilot)
    main_screen(pilot.app).tags_pane.set_marks(["main-3f9c2ab", "staging", "v1.0.0"])
    await pilot.press("d")
    await settle(pilot)


def test_bulk_delete_confirmation_80x24(snap_compare: SnapCompare, tmp_path: Path) -> None:
    # One confirmation for the marked tags, grouped by digest: what goes, what stays on it.
    app = _marked_acme_api(tmp_path)
    assert snap_compare(app, terminal_size=(80, 24), run_before=_mark_three)


def test_bulk_delete_progress_80x24(snap_compare: SnapCompare, tmp_path: Path) -> None:
    # Two of three deletes done, one under way: the bar, the count and Esc to cancel.
    provider = HeldDemoProvider(prepare_demo_store(tmp_path / "store"))
    app = _marked_acme_api(tmp_path, provider)

    async def run(pilot: Pilot[Any]) -> None:
        await _mark_three(pilot)
        await pilot.press("y")
        await wait_until(
            pilot,
            lambda: (
                isinstance(pilot.app.screen, BulkProgressModal)
                and pilot.app.screen.query_one(ProgressBar).progress == 2
            ),
        )

    assert snap_compare(app, terminal_size=(80, 24), run_before=run)


def test_bulk_delete_result_80x24(snap_compare: SnapCompare, tmp_path: Path) -> None:
    app = _marked_acme_api(tmp_path)

    async def run(pilot: Pilot[Any]) -> None:
        await _mark_three(pilot)
        await pilot.press("y")
        await finish_delete_flow(pilot.app)
        await settle(pilot)
        # The screen behind the dialog repaints when it next goes idle, which under load can
        # come after the snapshot: ask for it, as the result's state is already final.
        main_screen(pilot.app).refresh()
        await wait_until(pilot, lambda: "acme/api 5 " in screen_text(pilot.app))

    assert snap_compare(app, terminal_size=(80, 24), run_before=run)


def test_cleanup_dialog_80x24(snap_compare: SnapCompare, tmp_path: Path) -> None:
    # The rules at the bottom, the tags they would delete marked in the tree above.
    app = _marked_acme_api(tmp_path)

    async def run(pilot: Pilot[Any]) -> None:
        await open_cleanup_dialog(pilot)
        await pilot.press(*"^v1", "tab", "tab", "1")
        await pilot.pause()

    assert snap_compare(app, terminal_size=(80, 24), run_before=run)


# --- referrers (issue 10 §1): a fake provider with a signed image, SBOMs and 40 carrier tags ----


def test_hidden_referrer_tags_with_badges_80x24(snap_compare: SnapCompare) -> None:
    app = TagtuiApp(signed_provider(), repository="acme/signed")
    assert snap_compare(app, terminal_size=(80, 24), run_before=keys())


def test_referrer_children_expanded(snap_compare: SnapCompare) -> None:
    # v1 opened to its signature and SBOM, the cursor on the SBOM: its manifest facts.
    app = TagtuiApp(signed_provider(), repository="acme/signed", tag="v1")
    assert snap_compare(app, terminal_size=(160, 48), run_before=keys("right", "down", "down"))


def test_referrers_in_the_detail(snap_compare: SnapCompare) -> None:
    app = TagtuiApp(signed_provider(), repository="acme/signed", tag="v1")
    assert snap_compare(app, terminal_size=(160, 48), run_before=keys())
