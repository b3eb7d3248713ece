"""The built wheel carries the styles and the installed app finds them."""

from __future__ import annotations

import os
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

HEADLESS_START = """
import asyncio, pathlib, tempfile
from tagtui.demo import prepare_demo_store
from tagtui.providers.layout import LayoutProvider
from tagtui.ui.app import TagtuiApp
import tagtui

async def main():
    store = prepare_demo_store(pathlib.Path(tempfile.mkdtemp()) / "store")
    app = TagtuiApp(LayoutProvider(store))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        sources = [str(path) for path, _ in app.stylesheet.source]
    installed = pathlib.Path(tagtui.__file__).parent
    ours = [s for s in sources if s.endswith(".tcss")]
    assert ours, sources
    assert all(pathlib.Path(s).is_relative_to(installed) for s in ours), (ours, installed)
    print("CSS", len(ours))

asyncio.run(main())
"""


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--outdir", str(out), str(ROOT)],
        check=True,
        capture_output=True,
    )
    (path,) = out.glob("tagtui-*.whl")
    return path


def test_wheel_contains_styles(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    styles = [n for n in names if n.startswith("tagtui/styles/") and n.endswith(".tcss")]
    assert styles, names


def test_installed_wheel_runs(wheel: Path, tmp_path: Path) -> None:
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    python = env_dir / "bin" / "python"
    subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", str(wheel)],
        check=True,
        capture_output=True,
    )
    clean_env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    help_text = subprocess.run(
        [str(env_dir / "bin" / "tagtui"), "--help"],
        check=True,
        capture_output=True,
        text=True,
        env=clean_env,
        cwd=tmp_path,
    ).stdout
    assert "usage: tagtui" in help_text
    started = subprocess.run(
        [str(python), "-c", HEADLESS_START],
        capture_output=True,
        text=True,
        env=clean_env,
        cwd=tmp_path,
        timeout=120,
    )
    assert started.returncode == 0, started.stderr[-2000:]
    assert started.stdout.startswith("CSS")
