"""The first screen imports only what it shows (issue 11 §1): everything a key opens later
(login, delete, clean-up, help, the switcher, comparing, the keyring...) is imported on first use.

The app runs headless in a fresh process against the real registry until the repository list
is on screen; then the process lists its modules.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.support.push import PushClient, build_image, image_config, tar_gz_layer
from tests.support.registry import RunningRegistry

ROOT = Path(__file__).resolve().parent.parent

FIRST_SCREEN = """
import asyncio, json, sys
from tagtui.targets import open_target
from tagtui.ui.app import TagtuiApp

app = TagtuiApp(open_target(sys.argv[1]).provider)

async def main():
    async with app.run_test(size=(80, 24)) as pilot:
        screen = app.screen
        while not screen.repo_list.total:
            await pilot.pause()  # no sleep: the catalog worker posts its page meanwhile
        print(json.dumps(sorted(sys.modules)))

asyncio.run(asyncio.wait_for(main(), 60))
"""

# Prefixes of modules the first screen must not import.
LATER = (
    "keyring",
    "secretstorage",
    "tagtui.cache",
    "tagtui.cleanup",
    "tagtui.commands",
    "tagtui.compare",
    "tagtui.credentials.",
    "tagtui.demo",
    "tagtui.providers.layout",
    "tagtui.providers.ncr",
    "tagtui.providers.oci.bulk",
    "tagtui.providers.oci.delete",
    "tagtui.providers.openshift",
    "tagtui.providers.scaleway",
    "tagtui.providers.tutum",
    "tagtui.ui.flows.budget",
    "tagtui.ui.flows.bulk_delete",
    "tagtui.ui.flows.cleanup",
    "tagtui.ui.flows.compare",
    "tagtui.ui.flows.delete",
    "tagtui.ui.flows.login",
    "tagtui.ui.flows.planning",
    "tagtui.ui.screens.budget",
    "tagtui.ui.screens.bulk_delete",
    "tagtui.ui.screens.cleanup",
    "tagtui.ui.screens.compare",
    "tagtui.ui.screens.delete",
    "tagtui.ui.screens.help",
    "tagtui.ui.screens.login",
    "tagtui.ui.screens.registries",
)


def test_the_first_screen_imports_nothing_it_does_not_show(
    registry: RunningRegistry, tmp_path: Path
) -> None:
    with PushClient(registry.url) as client:
        layer = tar_gz_layer({"f": b"x"})
        client.push("team/app", build_image(image_config(layers=[layer]), [layer]), ["1.0"])
    env = {
        "PATH": "/usr/bin:/bin",
        "HOME": str(tmp_path),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "XDG_CACHE_HOME": str(tmp_path / "cache"),
        "PYTHONPATH": str(ROOT),
        "TAGTUI_ASCII": "0",
    }
    done = subprocess.run(
        [sys.executable, "-c", FIRST_SCREEN, registry.host],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    modules = json.loads(done.stdout.strip().splitlines()[-1])
    assert "tagtui.ui.screens.main" in modules  # it did get to the first screen
    early = [name for name in modules if name.startswith(LATER)]
    assert early == []
