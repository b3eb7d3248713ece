"""The size count of a repository belongs to its list: opening another repository while it
runs stops it, and the new repository is counted (it was left uncounted while the old count
held the pane's one flag)."""

from __future__ import annotations

import asyncio

from tagtui.model import Footprint
from tagtui.ui.app import TagtuiApp
from tests.ui.conftest import settle, wait_until
from tests.ui.fakes import FakeProvider, make_image
from tests.ui.helpers import main_screen


class HeldFootprints(FakeProvider):
    """Every tag listed with its digest (so sizes are counted at once); ``slow``'s footprints
    wait for ``release``."""

    def __init__(self) -> None:
        super().__init__()
        self.release = asyncio.Event()
        self.asked: list[str] = []

    async def footprint(self, repository: str, digest: str) -> Footprint | None:
        self.asked.append(repository)
        if repository == "slow":
            await self.release.wait()
        image = self.images[(repository, digest)]
        return Footprint(blobs=tuple((layer.digest, layer.size or 0) for layer in image.layers))


async def test_opening_another_repository_counts_it_and_stops_the_first() -> None:
    provider = HeldFootprints()
    for repository in ("slow", "quick"):
        provider.add_image_tag(repository, "v1", make_image(f"{repository}-1"))
        provider.add_image_tag(repository, "v2", make_image(f"{repository}-2"))
    app = TagtuiApp(provider, repository="slow")
    async with app.run_test(size=(120, 30)) as pilot:
        screen = main_screen(app)
        await wait_until(pilot, lambda: "slow" in provider.asked)
        assert screen.catalog.sizes is None  # held
        screen.open_repository("quick")
        await settle(pilot)
        await wait_until(pilot, lambda: screen.catalog.sizes is not None)
        assert screen.catalog.repository == "quick"
        assert not [w for w in app.workers if w.group == "sizes" and not w.is_finished]
        provider.release.set()
