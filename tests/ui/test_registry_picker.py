"""The registry switcher's dialog: opening by config name, errors said in place, the palette
command, untrusted host names drawn as text."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Static

from tagtui.demo import prepare_demo_store
from tagtui.ui.app import TagtuiApp
from tagtui.ui.screens.main import MainScreen
from tagtui.ui.screens.registries import RegistryPicker
from tests.ui.conftest import settle
from tests.ui.fakes import sample_provider
from tests.ui.helpers import burst, main_screen, row_names
from tests.ui.screen import assert_terminal_safe, screen_text, terminal_output

START = "fake.example:5000"


def config_dir() -> Path:
    # tests/ui/conftest.py gives every test a HOME and XDG_CONFIG_HOME of its own.
    return Path(os.environ["XDG_CONFIG_HOME"])


def write_config(text: str) -> None:
    path = config_dir() / "tagtui" / "config.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def picker(app: TagtuiApp) -> RegistryPicker:
    assert isinstance(app.screen, RegistryPicker)
    return app.screen


def picker_message(app: TagtuiApp) -> str:
    return str(picker(app).query_one("#registries-error", Static).render())


async def test_what_cannot_be_opened_is_said_in_the_dialog_and_the_registry_stays(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    write_config('[registries.scw]\nprovider = "scaleway"\nregion = "nl-ams"\n')
    for name in ("SCW_SECRET_KEY", "SCW_DEFAULT_REGION", "SCW_API_URL"):
        monkeypatch.delenv(name, raising=False)
    provider = sample_provider(name=START)
    app = TagtuiApp(provider)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        start = main_screen(app)
        await pilot.press("o")
        await settle(pilot)
        assert picker(app).shown == [START, "scw"]

        await pilot.press(*"nope host!!", "enter")
        await settle(pilot)
        # Not listed: offered as "Open nope host!!", the only row.
        assert picker(app).shown == ["nope host!!"]
        assert picker_message(app).startswith("Cannot open nope host!!: invalid repository name")

        await pilot.press("ctrl+u", *"scw", "enter")
        await settle(pilot)
        assert "Cannot open scw: no Scaleway secret key found" in picker_message(app)

        await pilot.press("escape")
        await settle(pilot)
        assert main_screen(app) is start and app.provider is provider
        assert app.registries.keys() == [START]
        assert f"{START} │ ● connected" in screen_text(app)


async def test_a_config_name_opens_its_registry_and_the_palette_switches_back(
    tmp_path: Path,
) -> None:
    store = prepare_demo_store(tmp_path / "store")
    write_config(f'[registries.demo]\nprovider = "layout"\ntarget = "{store}"\n')
    provider = sample_provider(name=START)
    app = TagtuiApp(provider)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        start = main_screen(app)
        await pilot.press("o", *"demo")
        await settle(pilot)
        # Typing filters; a name that is listed is not offered a second time as "Open …".
        assert picker(app).shown == ["demo"]
        await pilot.press("enter")
        await settle(pilot)

        demo = main_screen(app)
        assert demo is not start and demo.provider.kind == "layout"
        assert "library/nginx" in row_names(demo.repo_list.rows)
        assert demo.provider.display_name in screen_text(app).splitlines()[0]

        await pilot.press("ctrl+p", *"switch registry")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert picker(app).shown == ["demo", START]
        await pilot.press("enter")
        await settle(pilot)
        assert main_screen(app) is start and isinstance(app.screen, MainScreen)
        assert f"{START} │ ● connected" in screen_text(app)


async def test_o_and_enter_in_one_burst_switch_registries(tmp_path: Path) -> None:
    # Typed fast (or batched over SSH): Enter is for the switcher `o` opened, not the list below.
    store = prepare_demo_store(tmp_path / "store")
    write_config(f'[registries.demo]\nprovider = "layout"\ntarget = "{store}"\n')
    app = TagtuiApp(sample_provider(name=START))
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        start = main_screen(app)
        burst(app, "o", "enter")
        await settle(pilot)
        assert main_screen(app) is not start and app.registries.keys() == ["demo", START]
        assert start.repository is None


async def test_host_names_from_the_auth_files_are_drawn_as_text() -> None:
    docker = Path(os.environ["HOME"]) / ".docker" / "config.json"
    docker.parent.mkdir(parents=True)
    hostile = "evil\x1b[31m.example\u202e[b]x[i]"
    docker.write_text(json.dumps({"auths": {hostile: {}}}))
    app = TagtuiApp(sample_provider(name=START))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("o")
        await settle(pilot)
        assert picker(app).shown == [START, hostile]
        assert_terminal_safe(terminal_output(app))
        assert "[b]x[i]" in screen_text(app)


def test_switcher_80x24(snap_compare: Callable[..., bool]) -> None:
    # Every source at once; names only, so the picture holds no path, port or secret.
    write_config(
        '[registries.work]\ntarget = "registry.work.example"\n'
        '[registries.scw]\nprovider = "scaleway"\nregion = "nl-ams"\n'
    )
    home = Path(os.environ["HOME"])
    docker = {
        "auths": {"https://index.docker.io/v1/": {}, "ghcr.io": {}},
        "credHelpers": {"123456789012.dkr.ecr.eu-west-1.amazonaws.com": "ecr-login"},
    }
    for path, document in (
        (home / ".docker" / "config.json", docker),
        (config_dir() / "containers" / "auth.json", {"auths": {"quay.io": {}, "ghcr.io": {}}}),
    ):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(document))
    app = TagtuiApp(sample_provider(name="registry.example:5000"))

    async def run(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        await pilot.press("o")
        await settle(pilot)

    assert snap_compare(app, terminal_size=(80, 24), run_before=run)
