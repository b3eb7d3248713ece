"""Regenerate screenshots/*.svg from the embedded demo store (what the README shows).

    .venv/bin/python scripts/screenshots.py [--out screenshots]

Pictures: the main screen, the detail panel, the delete modal, the "Clean up…" rules with their
marks, and the bulk delete's confirmation. The demo store is written to a
temporary directory and shown as /tmp/tagtui-demo, so regenerating gives identical files.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")

from textual.pilot import Pilot  # noqa: E402

from tagtui.ui.app import TagtuiApp  # noqa: E402
from tagtui.ui.screens.cleanup import CleanupDialog  # noqa: E402
from tests.ui.conftest import settle  # noqa: E402
from tests.ui.demo import demo_provider  # noqa: E402


@dataclass(frozen=True)
class Shot:
    name: str
    size: tuple[int, int]
    repository: str | None
    tag: str | None
    keys: Sequence[str] = ()
    # Typed after the keys, once the cleanup dialog has looked up every tag.
    rules: Sequence[str] = ()


SHOTS = (
    Shot("main", (140, 34), "library/nginx", "latest", ("right",)),
    Shot("detail", (120, 60), "acme/api", "latest", ("tab", "z")),
    Shot("delete", (120, 32), "acme/api", "staging", ("d",)),
    Shot("cleanup", (120, 32), "acme/api", None, ("p",), (*"^v1", "tab", "tab", "1")),
    Shot("bulk-delete", (120, 40), "acme/api", None, ("p",), (*"^v1|^staging", "ctrl+d")),
)


async def _type_rules(pilot: Pilot[TagtuiApp], rules: Sequence[str]) -> None:
    app = pilot.app
    for _ in range(1000):
        if isinstance(app.screen, CleanupDialog) and app.screen.lookup is None:
            break
        await pilot.pause()
    for key in rules:
        await pilot.press(key)
    await settle(pilot)


async def take(shot: Shot, out: Path) -> Path:
    with tempfile.TemporaryDirectory(prefix="tagtui-shots-") as directory:
        app = TagtuiApp(demo_provider(Path(directory)), repository=shot.repository, tag=shot.tag)
        async with app.run_test(size=shot.size, notifications=True) as pilot:
            await settle(pilot)
            for key in shot.keys:
                await pilot.press(key)
                await settle(pilot)
            if shot.rules:
                await _type_rules(pilot, shot.rules)
            svg = app.export_screenshot(title=f"tagtui — {shot.name}")
    path = out / f"{shot.name}.svg"
    path.write_text(svg, encoding="utf-8")
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "screenshots")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    for shot in SHOTS:
        print(asyncio.run(take(shot, args.out)))


if __name__ == "__main__":
    main()
