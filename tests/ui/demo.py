"""The demo store for snapshots and screenshots, shown at a fixed path so pictures are stable.

``tagtui --demo`` writes the store into a fresh temporary directory, and the layout provider's
pull references contain that path; here it is shown as ``/tmp/tagtui-demo`` whatever the real
directory is. Everything else is the real ``LayoutProvider`` on the real generated store.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from tagtui.demo import prepare_demo_store
from tagtui.model import DeletePlan, DeleteResult
from tagtui.providers.layout import LayoutProvider
from tests.ui.fakes import Gate

SHOWN_PATH = "/tmp/tagtui-demo"


class StableDemoProvider(LayoutProvider):
    def __init__(self, path: Path) -> None:
        super().__init__(path)
        self._real = (str(Path(path).resolve()), str(path))

    def pull_reference(
        self, repository: str, tag: str | None = None, digest: str | None = None
    ) -> str:
        reference = super().pull_reference(repository, tag, digest)
        for real in self._real:
            reference = reference.replace(real, SHOWN_PATH)
        return reference


def demo_provider(directory: Path | None = None) -> StableDemoProvider:
    root = Path(directory) if directory is not None else Path(tempfile.mkdtemp(prefix="tagtui-"))
    return StableDemoProvider(prepare_demo_store(root / "store"))


class HeldDemoProvider(StableDemoProvider):
    """The demo store, with the delete of ``staging`` held until the test ends."""

    def __init__(self, path: Path) -> None:
        super().__init__(path)
        self.held = Gate()

    async def delete(self, plan: DeletePlan) -> DeleteResult:
        if plan.tag == "staging":
            await self.held.wait()
        return await super().delete(plan)
