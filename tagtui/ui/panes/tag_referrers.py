"""The tag pane's referrer work: hiding the tags that only carry referrers, and looking up what
refers to the digests of the rows on screen (their badges and children).

A mixin of ``TagsPane`` (which owns these workers like its others); apart so the pane stays
readable. It uses the pane's catalog, tree, marks, host and staleness epoch.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from textual.worker import Worker

from tagtui.model import Referrer
from tagtui.referrers import is_referrer_carrier
from tagtui.session.staleness import Token
from tagtui.ui import messages as msg
from tagtui.ui.errors import as_error
from tagtui.ui.widgets.tag_tree import TagRow

if TYPE_CHECKING:
    from tagtui.ui.panes.tags import TagsPane

    _Base = TagsPane
else:
    _Base = object

# Referrer lookups in flight at once (rows on screen only).
REFERRER_CONCURRENCY = 4


class TagReferrers(_Base):
    """Carrier tags shown or hidden (``H``), referrer lookups for the rows on screen."""

    def init_referrers(self) -> None:
        # Referrer lookups of the digests on screen (cancelled when scrolled away).
        self._looking_up: dict[str, Worker[None]] = {}
        self._referrer_limit = asyncio.Semaphore(REFERRER_CONCURRENCY)

    def _show_carriers_for(self, select: str | None) -> None:
        """A referrer tag asked for by name (``repo:sha256-….sig``) is shown, not hidden."""
        if select is not None and is_referrer_carrier(select):
            self.catalog.show_carriers = True

    def toggle_carriers(self) -> None:
        """``H``: show the tags that only carry referrers, or hide them again."""
        tree, catalog = self.tag_tree, self.catalog
        if catalog.repository is None:
            return
        count = catalog.carrier_count
        row = tree.highlighted_row
        name = row.name if isinstance(row, TagRow) else getattr(row, "tag", None)
        catalog.set_show_carriers(not catalog.show_carriers)
        if not catalog.show_carriers:
            # A hidden tag cannot stay marked: what a delete would act on is what is shown.
            self.marks.keep_only(catalog.order)
        anchor = tree.row_for(name) if name is not None and name in catalog.order else None
        tree.rebuild(anchor=anchor, cursor=None if anchor is not None else 0)
        self.update_title()
        self._schedule_describes()
        shown = "shown" if catalog.show_carriers else "hidden"
        self.screen.notify(
            f"{count:,} referrer tag{'s' if count != 1 else ''} {shown}",
            title="Referrer tags",
            markup=False,
            timeout=3,
        )

    def _cancel_lookups(self) -> None:
        for worker in self._looking_up.values():
            worker.cancel()
        self._looking_up.clear()
        self.catalog.referrers_pending.clear()

    def _schedule_referrers(self, visible: set[str] | None = None) -> None:
        """What refers to the digests of the tag rows on screen, once per digest."""
        catalog = self.catalog
        if (
            catalog.repository is None
            or self.listing
            or not self.host.provider.capabilities.referrers
        ):
            return
        if visible is None:
            visible = {row.name for row in self.tag_tree.visible_rows() if isinstance(row, TagRow)}
        wanted = {
            digest
            for name in visible
            if (digest := catalog.needs_referrers(name)) and digest not in self._looking_up
        }
        on_screen = {catalog.tag(name).digest for name in visible if catalog.tag(name)}
        for digest in list(self._looking_up):
            if digest not in on_screen:
                self._looking_up.pop(digest).cancel()
                catalog.referrers_pending.discard(digest)
        token = self._epoch.current
        for digest in wanted:
            catalog.referrers_pending.add(digest)
            self._looking_up[digest] = self.run_worker(
                self._lookup_referrers(token, digest), group="referrers", exit_on_error=False
            )

    async def _lookup_referrers(self, token: Token, digest: str) -> None:
        async with self._referrer_limit:
            try:
                found = await self.host.provider.referrers(
                    str(token.subject), digest, tags=self.catalog.names()
                )
            except Exception as exc:
                self.post_message(msg.ReferrersFound(token, digest, error=as_error(exc)))
                return
        self.post_message(msg.ReferrersFound(token, digest, found))

    def on_referrers_found(self, message: msg.ReferrersFound) -> None:
        if not message.token.current:
            return
        self._looking_up.pop(message.digest, None)
        catalog = self.catalog
        if message.error is not None:
            # The row keeps what the carrier tags say; the detail says why, if asked.
            catalog.referrers_failed(message.digest)
            return
        self.host.connected()
        self.tag_tree.facts_changed(catalog.learn_referrers(message.digest, message.referrers))

    def learn_referrers(self, digest: str, referrers: tuple[Referrer, ...]) -> None:
        """The detail pane looked them up: the rows on ``digest`` show them too."""
        self.tag_tree.facts_changed(self.catalog.learn_referrers(digest, referrers))
