"""Huge images: how long the detail takes to appear and keys take to be answered while shown.

Runs the real app headless (``App.run_test``) at 160x50 with an in-memory provider serving one
image per case: a small one (the baseline), 50,000 environment entries, one 10 MB label, and
10,000 layers. For each it prints the time from the app starting to the detail being shown, and
key press to answered-and-painted for ``j`` (scroll the detail), ``?`` (open the help), ``Esc``
(close it) and ``+`` (show more), each the median of a few presses, and the ratio to the small
image. Goal (issue 14 §3): every key answered within 100 ms while a huge image is shown.

    .venv/bin/python benchmarks/bench_huge.py [--presses 5]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")

from bench_ui import DIGEST, MemoryProvider, until  # noqa: E402

from tagtui.model import Image, ImageConfig, Layer  # noqa: E402

REPO = "huge/app"


def images() -> dict[str, Image]:
    small = Image(
        digest=DIGEST,
        media_type="application/vnd.oci.image.manifest.v1+json",
        config=ImageConfig(os="linux", env=(("PATH", "/usr/bin"),), labels=(("a", "b"),)),
        layers=tuple(Layer(digest=DIGEST, size=n, created_by=f"RUN {n}") for n in range(3)),
    )
    config = small.config
    return {
        "small": small,
        "env 50,000": replace(
            small,
            config=replace(config, env=tuple((f"VAR_{n}", f"value {n}") for n in range(50_000))),
        ),
        "label 10 MB": replace(small, config=replace(config, labels=(("big", "x" * 10**7),))),
        "layers 10,000": replace(
            small,
            layers=tuple(
                Layer(digest=DIGEST, size=n, created_by=f"RUN step {n}") for n in range(10_000)
            ),
        ),
    }


class OneImage(MemoryProvider):
    """bench_ui's in-memory registry, one repository with one tag (``1.0.0``) on ``image``."""

    def __init__(self, image: Image) -> None:
        super().__init__(repos=1, tags=1)
        self.names = [REPO]
        self.image = image

    def _image(self, seed: str) -> Image:
        return self.image


async def _press(pilot, key: str) -> float:  # type: ignore[no-untyped-def]
    """Key press to the next frame painted with its effect, in ms."""
    start = time.perf_counter()
    await pilot.press(key)
    await pilot.pause()
    return (time.perf_counter() - start) * 1e3


async def measure(image: Image, presses: int) -> dict[str, float]:
    from tagtui.ui.app import TagtuiApp

    start = time.perf_counter()
    app = TagtuiApp(OneImage(image), repository=REPO, tag="1.0.0")
    figures: dict[str, float] = {}
    async with app.run_test(size=(160, 50)) as pilot:
        detail = app.screen.detail  # type: ignore[attr-defined]
        await until(lambda: detail.view is not None, pilot, limit=120.0)
        await pilot.pause()
        figures["detail shown"] = (time.perf_counter() - start) * 1e3
        detail.focus()
        await pilot.pause()
        keys: dict[str, list[float]] = {"j": [], "?": [], "Esc": [], "+": []}
        for _ in range(presses):
            keys["j"].append(await _press(pilot, "j"))
            keys["?"].append(await _press(pilot, "question_mark"))
            keys["Esc"].append(await _press(pilot, "escape"))
        keys["+"].append(await _press(pilot, "plus"))
        for key, times in keys.items():
            figures[f"key {key}"] = statistics.median(times)
        quit_start = time.perf_counter()
        await pilot.press("q")
    figures["key q (to exit)"] = (time.perf_counter() - quit_start) * 1e3
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--presses", type=int, default=5)
    args = parser.parse_args()
    results = {name: asyncio.run(measure(image, args.presses)) for name, image in images().items()}
    base = results["small"]
    rows = list(base)
    print("tagtui huge-image benchmark (160x50, headless, ms; ratio to the small image)")
    print(f"  {'':16}" + "".join(f"{name:>22}" for name in results))
    for row in rows:
        cells = []
        for figures in results.values():
            value = figures[row]
            cells.append(f"{value:9.1f} ({value / base[row]:5.1f}x)")
        print(f"  {row:16}" + "".join(f"{cell:>22}" for cell in cells))
    worst = max(
        figures[row]
        for name, figures in results.items()
        if name != "small"
        for row in figures
        if row.startswith("key ") and row != "key +" and row != "key q (to exit)"
    )
    verdict = "PASS" if worst < 100 else "MISS"
    print(f"  slowest j/?/Esc with a huge image: {worst:.1f} ms (goal < 100 ms): {verdict}")


if __name__ == "__main__":
    main()
