"""UI benchmark: 10,000 repositories and a 10,000-tag repository through an in-memory provider.

Runs the real app headless (``App.run_test``) at 160x48 and prints:

- time from the first repository page arriving to its rows being on screen, and to all 10,000;
- time from the 10,000 tags arriving to the first tag rows on screen;
- filter keystroke cost (median and max over typed characters) on the repository list and on
  the tag tree: the handler plus the repaint of the visible rows, and key-press to screen through
  Textual's pilot (which adds its own overhead);
- peak RSS of the process.

Targets (issue 3, section 9): first rows < 1 s after the data arrives; filter keystroke < 50 ms
median; < 200 MB RSS.

    .venv/bin/python benchmarks/bench_ui.py [--repos 10000] [--tags 10000]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import resource
import statistics
import sys
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")

from tagtui.model import (  # noqa: E402
    DeleteMethod,
    DeletePlan,
    DeleteResult,
    Image,
    ImageConfig,
    Layer,
    Repository,
    Tag,
    TagDetail,
)
from tagtui.providers.base import Provider  # noqa: E402

PAGE = 100
BIG_REPO = "big/tags"
DIGEST = "sha256:" + "ab" * 32
CREATED = datetime(2024, 1, 1, tzinfo=UTC)


class MemoryProvider(Provider):
    """Instant answers: what is measured is the UI, not I/O."""

    kind = "memory"

    def __init__(self, repos: int, tags: int) -> None:
        self.names = [f"team-{n // 100:03d}/service-{n:05d}" for n in range(repos)]
        self.names[0] = BIG_REPO
        self.tag_count = tags
        self.first_page_at: float | None = None
        self.last_page_at: float | None = None
        self.tags_at: float | None = None

    @property
    def display_name(self) -> str:
        return "memory"

    async def list_repositories(self) -> AsyncIterator[list[Repository]]:
        for start in range(0, len(self.names), PAGE):
            page = [Repository(name) for name in self.names[start : start + PAGE]]
            if start == 0:
                self.first_page_at = time.perf_counter()
            self.last_page_at = time.perf_counter()
            yield page
            await asyncio.sleep(0)  # a page boundary: let the UI run, as a network wait would

    async def list_tags(self, repository: str, *, sort: str | None = None) -> list[Tag]:
        tags = [Tag(name=f"1.{n}.{n % 7}") for n in range(self.tag_count)]
        self.tags_at = time.perf_counter()
        return tags

    def _image(self, seed: str) -> Image:
        return Image(
            digest=DIGEST,
            media_type="application/vnd.oci.image.manifest.v1+json",
            config=ImageConfig(created=CREATED + timedelta(hours=len(seed)), os="linux"),
            layers=(Layer(digest=DIGEST, size=1234),),
        )

    async def get_tag(self, repository: str, tag: str) -> TagDetail:
        image = self._image(tag)
        return TagDetail(f"memory/{repository}:{tag}", repository, tag, DIGEST, None, image=image)

    async def get_image(self, repository: str, digest: str) -> Image:
        return self._image(digest)

    async def plan_delete(
        self, repository: str, tag: str, *, whole_digest: bool = False
    ) -> DeletePlan:
        return DeletePlan(repository, tag, DIGEST, DeleteMethod.LAYOUT_REF_DELETE, (tag,))

    async def delete(self, plan: DeletePlan) -> DeleteResult:
        return DeleteResult(removed=plan.removes)


class PaintClock:
    """Records when a list widget draws a row: "visible" means painted, not merely stored."""

    def __init__(self) -> None:
        self.times: list[float] = []

    def install(self, cls: type) -> None:
        original = cls.render_line
        clock = self

        def render_line(widget, y):  # type: ignore[no-untyped-def]
            strip = original(widget, y)
            if y == 0 and widget.rows:
                clock.times.append(time.perf_counter())
            return strip

        cls.render_line = render_line  # type: ignore[method-assign]

    def first_after(self, moment: float) -> float | None:
        return next((t for t in self.times if t >= moment), None)


async def until(condition, pilot, limit: float = 60.0) -> None:  # type: ignore[no-untyped-def]
    """Let the app run until ``condition()`` holds (TimeoutError after ``limit`` seconds)."""
    deadline = time.perf_counter() + limit
    while not condition():
        if time.perf_counter() > deadline:
            raise TimeoutError("condition not reached")
        await pilot.pause()


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


async def run(repos: int, tags: int) -> dict[str, float]:
    from tagtui.ui.app import TagtuiApp
    from tagtui.ui.widgets.repo_list import RepoList
    from tagtui.ui.widgets.tag_tree import TagTree

    repo_paint, tag_paint = PaintClock(), PaintClock()
    repo_paint.install(RepoList)
    tag_paint.install(TagTree)
    provider = MemoryProvider(repos, tags)
    app = TagtuiApp(provider)
    figures: dict[str, float] = {}
    async with app.run_test(size=(160, 48)) as pilot:
        screen = app.screen
        repo_list = screen.repo_list  # type: ignore[attr-defined]
        await until(lambda: repo_list.total == repos, pilot)
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert provider.first_page_at is not None and provider.last_page_at is not None
        first = repo_paint.first_after(provider.first_page_at)
        assert first is not None
        figures["repos: first rows painted after the first page arrives (ms)"] = (
            first - provider.first_page_at
        ) * 1e3
        figures["repos: first rows painted before the last page arrived (1 = yes)"] = float(
            first < provider.last_page_at
        )

        figures.update(
            await _filter_figures(pilot, screen, "repo-pane", "service-0999", repo_paint)
        )

        screen.open_repository(BIG_REPO)  # type: ignore[attr-defined]
        await until(lambda: len(screen.catalog) == tags, pilot)  # type: ignore[attr-defined]
        await pilot.pause()
        assert provider.tags_at is not None
        first_tags = tag_paint.first_after(provider.tags_at)
        assert first_tags is not None
        figures["tags: first rows painted after the list arrives (ms)"] = (
            first_tags - provider.tags_at
        ) * 1e3
        await app.workers.wait_for_complete()
        figures.update(await _filter_figures(pilot, screen, "tag-pane", "1.999", tag_paint))
    figures["peak RSS (MB)"] = _rss_mb()
    return figures


async def _filter_figures(pilot, screen, pane: str, text: str, paint: PaintClock):  # type: ignore[no-untyped-def]
    """Per keystroke: the filter handler + repaint alone, and key press to painted rows."""
    label = "repos" if pane == "repo-pane" else "tags"
    widget = screen.repo_list if pane == "repo-pane" else screen.tag_tree
    handler: list[float] = []
    for end in range(1, len(text) + 1):
        start = time.perf_counter()
        widget.set_filter(text[:end])
        for y in range(widget.scrollable_content_region.height):
            widget.render_line(y)
        handler.append((time.perf_counter() - start) * 1e3)
    widget.set_filter("")
    screen.action_filter(pane)
    await pilot.pause()
    pressed: list[float] = []
    for char in text:
        start = time.perf_counter()
        await pilot.press(char)
        await pilot.pause()
        painted = paint.first_after(start)
        if painted is not None:
            pressed.append((painted - start) * 1e3)
    await pilot.press("escape")
    await pilot.pause()
    figures = {
        f"{label}: filter keystroke, handler + repaint, median (ms)": statistics.median(handler),
        f"{label}: filter keystroke, handler + repaint, max (ms)": max(handler),
    }
    if pressed:
        figures[f"{label}: filter keystroke, key press to painted rows, median (ms)"] = (
            statistics.median(pressed)
        )
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repos", type=int, default=10_000)
    parser.add_argument("--tags", type=int, default=10_000)
    args = parser.parse_args()
    figures = asyncio.run(run(args.repos, args.tags))
    width = max(len(name) for name in figures)
    print(f"tagtui UI benchmark: {args.repos:,} repositories, {args.tags:,} tags (160x48)")
    for name, value in figures.items():
        print(f"  {name:<{width}}  {value:9.1f}")


if __name__ == "__main__":
    main()
