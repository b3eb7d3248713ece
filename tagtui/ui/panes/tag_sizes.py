"""The tag pane's size work: once every tag is described, how many bytes the repository holds
(each blob once) and how many each tag alone holds (issue 10 §3).

A mixin of ``TagsPane``, like ``TagReferrers``: one worker reads what each image holds on to
(the provider keeps most of it from describing) and the catalog keeps the result until the
list changes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual.message import Message

from tagtui.session.staleness import Token
from tagtui.ui import messages as msg

if TYPE_CHECKING:
    from tagtui.cleanup.plan import Footprints
    from tagtui.cleanup.sizes import RepositorySizes
    from tagtui.ui.panes.tags import TagsPane

    _Base = TagsPane
else:
    _Base = object


class TagSizes(_Base):
    """Counts the repository's sizes when its tags are all described."""

    @dataclass
    class Measured(Message):
        """``repository`` holds ``total`` bytes (None: not all known), each blob once."""

        repository: str
        total: int | None

    # The list being measured (one count at a time per list; a new list starts its own).
    _measuring: Token | None = None

    def measure_sizes(self) -> None:
        """Every tag has its facts (dating for newest-first is done): count the sizes."""
        catalog = self.catalog
        if catalog.repository is None or catalog.sizes is not None or catalog.dating:
            return
        token = self._epoch.current
        if not catalog.all_digests_known or self._measuring == token:
            return  # a tag whose digest is unknown could hold any blob
        self._measuring = token
        self.run_worker(self._measure(token), group="sizes", exclusive=True, exit_on_error=False)

    def cancel_sizes(self) -> None:
        """The list is read again or another repository opens: stop counting this one."""
        self.workers.cancel_group(self, "sizes")
        self._measuring = None

    async def _measure(self, token: Token) -> None:
        from tagtui.cleanup.plan import load_footprints

        catalog = self.catalog
        # Carrier tags aside: they hold signatures and SBOMs, never an image's blobs.
        names = list(catalog.names())
        tags = [
            tag
            for name in names
            if not catalog.is_carrier(name)
            and (tag := catalog.tag(name)) is not None
            and tag.digest
        ]
        try:
            footprints = await load_footprints(self.host.provider, str(token.subject), tags)
        except Exception:  # sizes are extra facts: the list and the detail go on without them
            return
        finally:
            if self._measuring == token:
                self._measuring = None
        self.post_message(msg.FootprintsRead(token, footprints))

    def learn_footprints(self, footprints: Footprints) -> None:
        """What each image holds on to, read here or by the clean-up dialog: count the sizes."""
        from tagtui.cleanup.sizes import repository_sizes

        self._sizes_known(repository_sizes(footprints))

    def on_footprints_read(self, message: msg.FootprintsRead) -> None:
        if message.token.current:
            self.learn_footprints(message.footprints)

    def _sizes_known(self, sizes: RepositorySizes) -> None:
        catalog = self.catalog
        if catalog.repository is None:
            return
        catalog.sizes = sizes
        self.tag_tree.refresh_rows()
        self.update_title()
        self.post_message(self.Measured(catalog.repository, sizes.total))
