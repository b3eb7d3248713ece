"""Several registries in one session (issue 12 §4), on two real registries (docker-registry 2.8
on 127.0.0.1): switch with `o`, and back to the same place without asking the registry again."""

from __future__ import annotations

import base64
import json
import os
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tagtui.model import Repository, Tag
from tagtui.providers.oci.provider import OciProvider
from tagtui.ui.app import TagtuiApp
from tagtui.ui.screens.registries import RegistryPicker
from tagtui.ui.widgets.tag_tree import TagRow
from tests.support.push import PushClient, build_image, image_config, tar_gz_layer
from tests.support.registry import BasicAuthCredentials, RunningRegistry, SeededRegistry
from tests.support.seed import RICH
from tests.ui.conftest import settle
from tests.ui.helpers import main_screen, row_names
from tests.ui.screen import screen_text

pytestmark = pytest.mark.real

B_REPOSITORY = "vendor/tool"


class CountingProvider(OciProvider):
    """The real provider, counting what it asks the registry for."""

    catalog_listings = 0
    tag_listings = 0

    async def list_repositories(self) -> AsyncIterator[list[Repository]]:
        self.catalog_listings += 1
        async for page in super().list_repositories():
            yield page

    async def list_tags(self, repository: str, *, sort: str | None = None) -> list[Tag]:
        self.tag_listings += 1
        return await super().list_tags(repository, sort=sort)


def header(app: TagtuiApp) -> str:
    return screen_text(app).splitlines()[0]


def picker_rows(app: TagtuiApp) -> list[str]:
    assert isinstance(app.screen, RegistryPicker)
    return app.screen.shown


async def test_switch_to_another_registry_and_back_to_the_same_place(
    small_seeded_registry: SeededRegistry,
    registry_basic_auth: RunningRegistry,
    basic_auth_credentials: BasicAuthCredentials,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    closed: list[str] = []
    close = OciProvider.aclose

    async def recorded_close(provider: OciProvider) -> None:
        closed.append(provider.display_name)
        await close(provider)

    monkeypatch.setattr(OciProvider, "aclose", recorded_close)
    # Registry B needs a login; docker's config.json has one for it (and only for it).
    layer = tar_gz_layer({"tool.txt": b"tool\n"})
    with PushClient(registry_basic_auth.url, auth=basic_auth_credentials.pair) as client:
        client.push(B_REPOSITORY, build_image(image_config(layers=[layer]), [layer]), ["2.0"])
    user, password = basic_auth_credentials.pair
    docker_config = Path(os.environ["HOME"]) / ".docker" / "config.json"
    docker_config.parent.mkdir(parents=True)
    auth = base64.b64encode(f"{user}:{password}".encode()).decode()
    docker_config.write_text(json.dumps({"auths": {registry_basic_auth.host: {"auth": auth}}}))

    host_a, host_b = small_seeded_registry.host, registry_basic_auth.host
    first = CountingProvider(host_a)
    app = TagtuiApp(first)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen_a = main_screen(app)
        # Registry A: a repository, a tag highlighted further down, a tag filter.
        await pilot.press("slash", *"rich", "enter", "enter")
        await settle(pilot)
        await pilot.press("slash", "v", "enter", "down")
        await settle(pilot)
        assert row_names(screen_a.tag_tree.rows) == ["v1", "v2", "v10"]
        assert isinstance(screen_a.tag_tree.highlighted_row, TagRow)
        assert screen_a.tag_tree.highlighted_row.name == "v2"
        assert f"{host_a} │ ● connected │ credentials: anonymous" in header(app)
        listed = (first.catalog_listings, first.tag_listings)

        # `o`: this session's registry (current, first), then docker's; B is preselected.
        await pilot.press("o")
        await settle(pilot)
        assert picker_rows(app) == [host_a, host_b]
        picker = screen_text(app)
        assert "this session" in picker and "docker" in picker
        await pilot.press("enter")
        await settle(pilot)

        screen_b = main_screen(app)
        assert screen_b is not screen_a and screen_b.provider is not first
        assert row_names(screen_b.repo_list.rows) == [B_REPOSITORY]
        # B's own credentials, from docker's file; A's stay anonymous.
        assert f"{host_b} │ ● connected │ credentials: alice from docker config" in header(app)
        assert first.credential_source == "anonymous"
        assert password not in screen_text(app)

        # And back: the list B's switcher shows puts B first (current), A next, preselected.
        await pilot.press("o")
        await settle(pilot)
        assert picker_rows(app) == [host_b, host_a]
        await pilot.press("enter")
        await settle(pilot)

        assert main_screen(app) is screen_a
        assert f"{host_a} │ ● connected │ credentials: anonymous" in header(app)
        assert screen_a.repository == RICH
        assert screen_a.tag_tree.filter_text == "v"
        assert row_names(screen_a.tag_tree.rows) == ["v1", "v2", "v10"]
        assert screen_a.tag_tree.highlighted_row.name == "v2"
        assert app.focused is screen_a.tag_tree
        # Instant: nothing was asked of registry A again.
        assert (first.catalog_listings, first.tag_listings) == listed
        assert app.registries.keys() == [host_a, host_b]

        # A reference into B, typed: B's screen, at that tag (not a second screen for B).
        await pilot.press("o", *f"{host_b}/{B_REPOSITORY}:2.0", "enter")
        await settle(pilot)
        assert main_screen(app) is screen_b and screen_b.repository == B_REPOSITORY
        assert isinstance(screen_b.tag_tree.highlighted_row, TagRow)
        assert screen_b.tag_tree.highlighted_row.name == "2.0"
        assert app.registries.keys() == [host_b, host_a]
        assert closed == [host_b]  # the provider opened for the typed name, found open already
    # Leaving closes every registry of the session.
    assert sorted(closed) == sorted([host_a, host_b, host_b])
