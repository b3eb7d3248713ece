"""The TUI's compare view on a real registry (docker-registry 2.8 on 127.0.0.1): the pairs of
``conftest.py`` — env, ports, volumes, entrypoint and layers; across repositories; a
multi-platform pair, then another platform chosen with ``p``."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.pilot import Pilot

from tagtui.providers.oci.provider import OciProvider
from tagtui.ui.app import TagtuiApp
from tagtui.ui.screens.compare import CompareScreen, PlatformPicker
from tests.compare.conftest import APP, MULTI, OTHER, CompareRegistry
from tests.ui.conftest import settle
from tests.ui.helpers import main_screen
from tests.ui.screen import assert_terminal_safe, screen_text, terminal_output

pytestmark = pytest.mark.real

SIZE = (160, 48)


@pytest.fixture(autouse=True)
def _home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # No credentials or config of the machine running the tests.
    (tmp_path / ".config").mkdir()
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / ".config"))
    for name in ("DOCKER_CONFIG", "REGISTRY_AUTH_FILE"):
        monkeypatch.delenv(name, raising=False)


async def press(pilot: Pilot[object], *keys: str) -> None:
    for key in keys:
        await pilot.press(key)
        await settle(pilot)


def view(app: TagtuiApp) -> CompareScreen:
    assert isinstance(app.screen, CompareScreen), app.screen
    assert app.screen.comparison is not None
    return app.screen


async def test_two_versions_side_by_side(compare_registry: CompareRegistry) -> None:
    app = TagtuiApp(OciProvider(compare_registry.host), repository=APP)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "space", "down", "equals_sign")  # v1 marked, = on v2
        comparison = view(app).comparison
        assert comparison is not None
        assert (comparison.a.reference, comparison.b.reference) == (
            compare_registry.ref(f"{APP}:v1"),
            compare_registry.ref(f"{APP}:v2"),
        )
        text = screen_text(app)
        for line in (
            f"reference  {compare_registry.ref(APP)}:v1",
            compare_registry.digests[f"{APP}:v1"],  # whole digests at 160 columns
            compare_registry.digests[f"{APP}:v2"],
            "2024-01-01 00:00:00 UTC",
            "2024-02-01 00:00:00 UTC",
            '~ entrypoint   ["/bin/app"] → ["/bin/app2", "--verbose"]',
            "- user         app",
            "~ env          MODE: dev → prod",
            "- env          OLD=1",
            "+ env          NEW=a=b",
            "~ labels       version: 1 → 2",
            "- ports        53/udp",
            "+ ports        8080/tcp",
            "- volumes      /data",
            "+ volumes      /cache",
            "Layers: 2 shared (",
            "the common base) · 1 only in A (",
            "History: 2 entries in common, then 2 only in A, 3 only in B",
            "+ 2024-02-01 00:00:00 UTC  COPY layer-1 /srv/",
        ):
            assert line in text, line
        # v1's hostile env value and label: shown, never obeyed.
        assert "HOSTILE=\\x1b[2J\\x1b]0;pwned\\x07red<U+202E>evil" in text
        assert_terminal_safe(terminal_output(app))


async def test_across_repositories_the_same_image(compare_registry: CompareRegistry) -> None:
    app = TagtuiApp(OciProvider(compare_registry.host), repository=APP)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "end", "space")  # diff/app:v2 marked
        main_screen(app).open_repository(OTHER)
        await settle(pilot)
        await press(pilot, "equals_sign")  # = on diff/other:v2
        comparison = view(app).comparison
        assert comparison is not None
        assert (comparison.a.reference, comparison.b.reference) == (
            compare_registry.ref(f"{APP}:v2"),
            compare_registry.ref(f"{OTHER}:v2"),
        )
        text = screen_text(app)
        assert f"A and B are the same image ({compare_registry.digests[f'{APP}:v2']})" in text
        assert "Config: identical" in text and "History: identical (5 entries)" in text


async def test_a_multi_platform_pair_then_another_platform(
    compare_registry: CompareRegistry,
) -> None:
    app = TagtuiApp(OciProvider(compare_registry.host), repository=MULTI)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "space", "equals_sign")  # 1 marked, = on 2
        comparison = view(app).comparison
        assert comparison is not None
        assert (comparison.a.platform, comparison.b.platform) == ("linux/amd64", "linux/amd64")
        text = screen_text(app)
        assert "linux/amd64 · index of 2" in text  # the attestation is no platform
        assert "~ env          RELEASE: 1 → 2" in text
        assert "COPY app/amd64 /app/" in text
        await press(pilot, "p")
        assert isinstance(app.screen, PlatformPicker)
        assert app.screen.names == ["linux/amd64", "linux/arm64/v8"]
        await press(pilot, "down", "enter")
        comparison = view(app).comparison
        assert comparison is not None
        assert (comparison.a.platform, comparison.b.platform) == (
            "linux/arm64/v8",
            "linux/arm64/v8",
        )
        text = screen_text(app)
        assert "COPY app/arm64 /app/" in text and "COPY app/amd64" not in text
        assert_terminal_safe(terminal_output(app))
