"""The app on a real registry (docker-registry 2.8 on 127.0.0.1) through the OCI provider.

Read-only flows use the session's full data set (1,506 repositories, 5,000 tags in big/tags);
flows that change content (delete, refresh) get a freshly seeded small registry each.
"""

from __future__ import annotations

import httpx
import pytest

from tagtui.model import Tag
from tagtui.providers.base import ConnectionOptions
from tagtui.providers.oci.provider import OciProvider
from tagtui.targets import open_target
from tagtui.ui.app import TagtuiApp
from tagtui.ui.screens.delete import DeleteModal
from tagtui.ui.screens.login import LoginModal
from tagtui.ui.widgets.tag_tree import PlatformRow, TagRow
from tests.support.hostile import HostileRegistry
from tests.support.push import PushClient
from tests.support.registry import (
    BasicAuthCredentials,
    RunningRegistry,
    SeededRegistry,
    start_seeded_registry,
)
from tests.support.seed import BIG, BIG_TAG_COUNT, HOSTILE, MULTI, RICH, rich_images
from tests.ui.conftest import settle
from tests.ui.helpers import main_screen, notification_texts, row_names, shown_reference
from tests.ui.screen import assert_terminal_safe, screen_text, terminal_output

pytestmark = pytest.mark.real


class CountingProvider(OciProvider):
    """The real provider, counting describe_tag calls (what the tag tree asks for lazily)."""

    described: list[str]

    async def describe_tag(self, repository: str, tag: Tag) -> Tag:
        self.described = [*getattr(self, "described", []), tag.name]
        return await super().describe_tag(repository, tag)


def registry_tags(url: str, repository: str) -> list[str]:
    reply = httpx.get(f"{url}/v2/{repository}/tags/list", timeout=10)
    reply.raise_for_status()
    return sorted(reply.json().get("tags") or [])


async def test_navigate_filter_expand_copy(seeded_registry: SeededRegistry) -> None:
    host = seeded_registry.host
    app = TagtuiApp(OciProvider(host))
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        screen = main_screen(app)
        assert screen.repo_list.total == len(seeded_registry.seed.repositories)
        assert f"{host} │ ● connected │ credentials: anonymous" in screen_text(app)

        await pilot.press("slash", *"rich", "enter")
        assert row_names(screen.repo_list.rows) == [RICH]
        await pilot.press("enter")
        await settle(pilot)
        assert app.focused is screen.tag_tree
        assert row_names(screen.tag_tree.rows) == ["latest", "prod", "staging", "v1", "v2", "v10"]
        text = screen_text(app)
        assert shown_reference(app) == f"{host}/{RICH}:latest"
        assert "Tag Tui <tagtui@example.invalid>" in text
        assert "JAVA_OPTS" in text and "-Dfoo=bar -Dx=y" in text
        # latest, prod and staging share a digest; the tree learned it from the registry.
        assert text.count("×3") == 3

        await pilot.press("c")
        assert app.clipboard == f"{host}/{RICH}:latest"
        screen.action_copy_digest()
        assert app.clipboard == f"{host}/{RICH}@{seeded_registry.seed.digest(RICH, 'latest')}"

        await pilot.press("left", "escape", "slash", *"multi/app", "enter", "enter")
        await settle(pilot)
        assert screen.repository == MULTI
        await pilot.press("right")
        await settle(pilot)
        names = row_names(screen.tag_tree.rows)
        assert names[:3] == ["1.0", "1.0/linux/amd64", "1.0/linux/arm64/v8"]
        assert "att" in screen_text(app)
        await pilot.press("down")
        await settle(pilot)
        assert isinstance(screen.tag_tree.highlighted_row, PlatformRow)
        assert "linux/amd64" in screen_text(app)


async def test_big_repository_describes_only_rows_on_screen(
    seeded_registry: SeededRegistry,
) -> None:
    provider = CountingProvider(seeded_registry.host)
    app = TagtuiApp(provider, repository=BIG)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        tree = main_screen(app).tag_tree
        assert len(main_screen(app).catalog) == BIG_TAG_COUNT
        height = tree.scrollable_content_region.height
        assert 0 < len(provider.described) <= height
        await pilot.press("end")
        await settle(pilot)
        assert len(provider.described) <= 2 * height
        last = row_names(tree.rows)[-1]
        assert last in provider.described
        assert tree.catalog.tag(last).created is not None  # type: ignore[union-attr]


async def test_hostile_labels_from_a_real_registry(seeded_registry: SeededRegistry) -> None:
    app = TagtuiApp(OciProvider(seeded_registry.host), repository=HOSTILE)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        text = screen_text(app)
        assert "[bold red]Mallory[/] \\x1b[5m" in text
        assert_terminal_safe(terminal_output(app))


@pytest.fixture
def small_registry(small_seeded_registry: SeededRegistry) -> SeededRegistry:
    return small_seeded_registry


async def test_delete_cancel_then_confirm_keeps_siblings(small_registry: SeededRegistry) -> None:
    host, url = small_registry.host, small_registry.url
    app = TagtuiApp(OciProvider(host), repository=RICH, tag="staging")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("d")
        await settle(pilot)
        assert isinstance(app.screen, DeleteModal)
        text = screen_text(app)
        assert f"{host}/{RICH}:staging" in text
        assert "Other tags on this digest (2): latest, prod — they stay" in text
        await pilot.press("n")
        await settle(pilot)
        assert "staging" in registry_tags(url, RICH)

        await pilot.press("d")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert registry_tags(url, RICH) == ["latest", "prod", "v1", "v10", "v2"]
        tree = main_screen(app).tag_tree
        assert row_names(tree.rows) == ["latest", "prod", "v1", "v2", "v10"]
        assert any(f"Removed staging from {RICH}." in t for t in notification_texts(app))


async def test_refresh_shows_a_tag_pushed_meanwhile(small_registry: SeededRegistry) -> None:
    app = TagtuiApp(OciProvider(small_registry.host), repository=RICH)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        tree = main_screen(app).tag_tree
        assert "v3" not in row_names(tree.rows)
        with PushClient(small_registry.url) as client:
            client.push(RICH, rich_images()["v2"], ["v3"])
        await pilot.press("r")
        await settle(pilot)
        assert row_names(tree.rows) == ["latest", "prod", "staging", "v1", "v2", "v3", "v10"]


async def test_delete_on_a_registry_with_deletion_disabled(tmp_path) -> None:  # type: ignore[no-untyped-def]
    with start_seeded_registry(tmp_path / "reg", full=False, delete_enabled=False) as seeded:
        app = TagtuiApp(OciProvider(seeded.host), repository=RICH, tag="v1")
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            await pilot.press("d")
            await settle(pilot)
            if isinstance(app.screen, DeleteModal):
                await pilot.press("y")
                await settle(pilot)
            texts = notification_texts(app)
            assert any(t.startswith("Deletion disabled:") for t in texts), texts
            assert "v1" in registry_tags(seeded.url, RICH)
            assert main_screen(app).tag_tree.highlighted_row == TagRow("v1")


async def test_login_modal_on_a_basic_auth_registry(
    registry_basic_auth: RunningRegistry, basic_auth_credentials: BasicAuthCredentials
) -> None:
    app = TagtuiApp(OciProvider(registry_basic_auth.host))
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, LoginModal)
        await pilot.press(*basic_auth_credentials.username, "enter")
        await pilot.press(*basic_auth_credentials.password)
        assert basic_auth_credentials.password not in screen_text(app)
        await pilot.press("enter")
        await settle(pilot)
        assert not isinstance(app.screen, LoginModal)
        text = screen_text(app)
        # Whose credentials and where they came from (this session's login).
        assert "credentials: alice from session" in text and "● connected" in text
        assert "No repositories." in text


async def test_rejected_environment_credentials_are_named_in_the_header(
    registry_basic_auth: RunningRegistry,
    basic_auth_credentials: BasicAuthCredentials,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("TAGTUI_USERNAME", basic_auth_credentials.username)
    monkeypatch.setenv("TAGTUI_PASSWORD", "not-" + basic_auth_credentials.password)
    target = open_target(registry_basic_auth.host)
    app = TagtuiApp(target.provider)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, LoginModal)
        header = main_screen(app).header
        assert header.credentials == "alice from environment (rejected)"
        await pilot.press("escape")
        await settle(pilot)
        text = screen_text(app)
        assert "login required │ credentials: alice from environment (rejected)" in text
        assert basic_auth_credentials.password not in text


async def test_a_dripping_registry_ends_in_the_pane_with_r_to_retry(
    hostile_registry: HostileRegistry,
) -> None:
    provider = OciProvider(hostile_registry.address, options=ConnectionOptions(timeout=1))
    app = TagtuiApp(provider, repository="drip")
    async with app.run_test(size=(140, 30)) as pilot:
        await settle(pilot)
        text = screen_text(app)
        assert "Could not list the tags (timed out). Press r to retry." in text
        said = notification_texts(app)
        assert any(
            f"{hostile_registry.address} did not send its whole answer within 1 s" in t
            for t in said
        ), said


async def test_tags_that_cannot_be_read_are_marked_and_the_rest_still_list(
    hostile_registry: HostileRegistry,
) -> None:
    app = TagtuiApp(OciProvider(hostile_registry.address), repository="hostile")
    async with app.run_test(size=(140, 30)) as pilot:
        await settle(pilot)
        rows = {line.split("│")[3].strip() for line in screen_text(app).splitlines()[2:8]}
        assert "latest                                    84601ed7" in rows
        marked = {row.rsplit("! error", 1)[0].strip() for row in rows if row.endswith("! error")}
        assert marked == {
            "esc\\x1b[2Jx",
            "invoice<U+202E>gnp…",
            "two lines",
            "v\ufffd1",
            "zero<U+200B>width",
        }
        assert_terminal_safe(terminal_output(app))
        assert not any(char in terminal_output(app) for char in "\u202e\u200b")
