"""Reopening a repository sorted newest-first in the TUI: the dates come from the cache (one HEAD
per tag), not from configs fetched again."""

from __future__ import annotations

from tagtui.model import Tag
from tagtui.providers.base import ConnectionOptions
from tagtui.providers.oci.provider import OciProvider
from tagtui.ui.app import TagtuiApp
from tagtui.ui.widgets.tag_tree import TagRow
from tests.cache.conftest import REPO, Seeded
from tests.ui.conftest import settle
from tests.ui.helpers import main_screen


async def _open_newest_first(seeded: Seeded) -> list[str]:
    """Open the repository in a new app (a new process would do the same), sort by date."""
    provider = OciProvider(seeded.registry.host, options=ConnectionOptions(cache=True))
    app = TagtuiApp(provider, repository=REPO)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        await pilot.press("s")
        await settle(pilot)
        tree = main_screen(app).tag_tree
        assert tree.catalog.sort == "newest"
        tags: list[Tag] = [
            tree.catalog.tag(row.name) for row in tree.rows if isinstance(row, TagRow)
        ]  # type: ignore[misc]
    assert [tag.created is not None for tag in tags] == [True] * 4 + [False]
    return [tag.name for tag in tags]


async def test_reopening_newest_first_reads_dates_from_the_cache(seeded: Seeded) -> None:
    first = await _open_newest_first(seeded)
    assert first == ["2.0", "multi", "1.0", "stable", "nodate"]
    before = len(seeded.requests())
    assert await _open_newest_first(seeded) == first
    again = seeded.requests()[before:]
    # No config (blob) and no manifest by digest fetched again; each tag re-resolved.
    assert [path for _, path in again if "/blobs/" in path] == []
    assert [p for m, p in again if m == "GET" and "/manifests/sha256:" in p] == []
    heads = {path.rsplit("/", 1)[1] for method, path in again if method == "HEAD"}
    assert heads >= set(seeded.digests)
