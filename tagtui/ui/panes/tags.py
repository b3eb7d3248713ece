"""The tag pane: one repository's tags as a tree, with the workers that fill it in.

It owns the ``TagCatalog`` the tree renders, the ``TagMarks`` on its tags, and every worker that
feeds the catalog: the tag list, the ``describe_tag`` and referrer lookups for the rows on
screen, the platforms of an opened index, and the dates fetched for newest-first. Every result
carries the staleness token of the list it was asked for.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.content import Content
from textual.message import Message
from textual.widgets import Static
from textual.worker import Worker

from tagtui.model import Tag, TagDetail
from tagtui.session.catalog import TagCatalog
from tagtui.session.freshness import keeps_data
from tagtui.session.marks import TagMarks
from tagtui.session.staleness import Epoch, Token
from tagtui.session.tag_stream import TagStream
from tagtui.ui import glyphs
from tagtui.ui import messages as msg
from tagtui.ui.errors import as_error
from tagtui.ui.format import human_size, literal
from tagtui.ui.panes.filtering import FilteredPane
from tagtui.ui.panes.host import PaneHost
from tagtui.ui.panes.retry import StaleRetry
from tagtui.ui.panes.tag_referrers import TagReferrers
from tagtui.ui.panes.tag_sizes import TagSizes
from tagtui.ui.widgets.inputs import FilterInput
from tagtui.ui.widgets.tag_tree import TagRow, TagTree
from tagtui.ui.widgets.virtual_list import VirtualList

if TYPE_CHECKING:
    from tagtui.compare import Ref  # imported on the first compare

# describe_tag calls in flight at once (the provider limits its own connections too).
DESCRIBE_CONCURRENCY = 6
# Tags described for sorting per message (and per redraw).
DATE_BATCH = 100
# Below this pane width the title says "7,521 hidden" rather than "7,521 referrer tags hidden".
LONG_TITLE_WIDTH = 64


class TagsPane(TagSizes, TagReferrers, FilteredPane):
    """Owns the catalog, the tag tree's filter, sort and every worker that fills the tree."""

    class Listed(Message):
        """The tags of ``repository`` are listed (``failed``: the list could not be had)."""

        def __init__(self, repository: str, count: int, *, failed: bool = False) -> None:
            super().__init__()
            self.repository = repository
            self.count = count
            self.failed = failed

    def __init__(self, host: PaneHost, *, id: str, classes: str) -> None:
        super().__init__(id=id, classes=classes)
        self.host = host
        # The repository chosen; the catalog holds its tags once they are listed.
        self.repository: str | None = None
        self.catalog = TagCatalog()
        # Tags marked for acting on several at once (kept through filter and sort).
        self.marks = TagMarks()
        # The tag ``=`` compares the next highlighted one with, in any repository: set by ``=``
        # with nothing marked, or by leaving a repository with one tag marked.
        self.compare_from: Ref | None = None
        self.tag_tree = self.filtered = TagTree(self.catalog, marks=self.marks, id="tags")
        self.listing = False
        # Subject: the repository whose tags are listed (describe, children and dates too).
        self._epoch = Epoch()
        self._describing: dict[str, Worker[None]] = {}
        self._describe_errors = 0
        self._describe_limit = asyncio.Semaphore(DESCRIBE_CONCURRENCY)
        self.init_referrers()
        # Tags whose platforms are being fetched (opened before their detail was known).
        self._children_loading: set[str] = set()
        # Dates fetched for newest-first sorting (the catalog counts the progress).
        self._dating: Worker[None] | None = None
        # The row the cursor was on when dating began, if the sort should then start at the top
        # (a freshly opened repository, or s on the first row) unless the user moved since.
        self._top_unless_moved_from: str | None = None
        # A refresh that failed on the network keeps the list, marked stale, and tries again.
        self.stale_retry = StaleRetry(self)

    def compose(self) -> ComposeResult:
        yield FilterInput(id="tag-filter", placeholder="filter tags")
        yield Static("", id="tag-note", markup=False)
        yield self.tag_tree

    def on_mount(self) -> None:
        self.query_one("#tag-filter").display = False
        self.query_one("#tag-note").display = False
        self.update_title()

    def update_title(self) -> None:
        tree = self.tag_tree
        if self.repository is None:
            self.show_titles("Tags")
            return
        parts = [f"Tags {glyphs.DOT} {literal(self.repository)}"]
        if self.listing:
            # A first list shows its rows as they arrive: say how many so far.
            arrived = len(self.catalog) if self.catalog.repository == self.repository else 0
            loading = f"loading{glyphs.ELLIPSIS}"
            parts.append(f"{arrived:,} so far, {loading}" if arrived else loading)
        else:
            count = f"{self.catalog.shown_count:,}"
            if tree.filter_text:
                shown = sum(1 for row in tree.rows if isinstance(row, TagRow))
                count = f"{shown:,}/{count}"
            parts.append(count)
        hidden = self.catalog.hidden_count if self.catalog.repository == self.repository else 0
        if hidden:
            long = self.size.width >= LONG_TITLE_WIDTH
            parts.append(f"{glyphs.DOT} {hidden:,} {'referrer tags hidden' if long else 'hidden'}")
        if self.marks:
            parts.append(f"{glyphs.DOT} {len(self.marks):,} marked")
        if self.compare_from is not None:
            base = self.compare_from
            parts.append(f"{glyphs.DOT} = {literal(base.repository)}:{literal(base.name)}")
        subtitle = f"sort: {self.catalog.sort}"
        sizes = self.catalog.sizes
        if sizes is not None and sizes.total is not None:
            subtitle += f" {glyphs.DOT} {human_size(sizes.total)} in all, each blob once"
        progress = self.catalog.dates_progress
        if progress is not None:
            done, total = progress
            subtitle += f" {glyphs.DASH} dates {done:,}/{total:,}"
        if tree.filter_text:
            subtitle = f"/{literal(tree.filter_text)} {glyphs.DOT} {subtitle}"
        if self.stale_retry.stale:
            subtitle = f"{self.stale_retry.label()} {glyphs.DOT} {subtitle}"
        if self.query_one("#tag-note").display:  # a delete is being planned
            subtitle = f"checking shared tags{glyphs.ELLIPSIS} Esc cancels {glyphs.DOT} {subtitle}"
        self.show_titles(" ".join(parts), subtitle)

    # --- the list -----------------------------------------------------------------------------

    def open(self, name: str, *, select: str | None = None) -> None:
        """List the tags of ``name``; the cursor goes to ``select`` when it is listed."""
        if name != self.repository:
            self.clear_filter()
            if len(self.marks) == 1 and self.repository is not None:
                # Mark one, open another repository, press = there: that mark is side A.
                from tagtui.compare import Ref  # not imported before a compare

                self.compare_from = Ref(self.repository, next(iter(self.marks)))
            self.marks.clear()  # marks belong to one repository
            self.catalog.show_carriers = False  # hidden again in every repository
        self.repository = name
        self.reload(select=select, fresh=True)

    def reload(
        self, *, select: str | None = None, fresh: bool = False, quiet: bool = False
    ) -> None:
        """List the tags again (``fresh``: forget what is shown first; ``quiet``: an automatic
        retry, whose failure is not announced again)."""
        if self.repository is None:
            return
        if fresh:
            self.stale_retry.succeeded()
        else:
            self.stale_retry.stop()
        token = self._epoch.advance(self.repository)
        self._cancel_describes()
        self._cancel_lookups()
        self.cancel_dating()
        self.cancel_sizes()
        self._describe_errors = 0
        self._children_loading.clear()
        self.listing = True
        if fresh:
            self.catalog.clear()
            self.tag_tree.show_empty(f"Loading tags{glyphs.ELLIPSIS}")
        self.update_title()
        self._list(token, select, self._server_sort(), quiet=quiet)

    def refresh_facts(self) -> None:
        """``r``: forget what was described, then list again where the cursor is."""
        self.catalog.described.clear()
        self.catalog.forget_referrers()
        self.reload(select=self.highlighted_tag())

    def highlighted_tag(self) -> str | None:
        row = self.tag_tree.highlighted_row
        return row.name if isinstance(row, TagRow) else None

    def _server_sort(self) -> str | None:
        """The sort to ask the provider for: only an order it supports, never plain names."""
        order = self.catalog.sort
        sorts = self.host.provider.capabilities.sorts
        return order if order != "name" and order in sorts else None

    @work(exclusive=True, group="tags", exit_on_error=False)
    async def _list(
        self, token: Token, select: str | None, sort: str | None, *, quiet: bool = False
    ) -> None:
        repository = str(token.subject)
        provider = self.host.provider
        # A first list shows its rows as pages arrive; a refresh keeps the rows on screen
        # until the whole new list is in (a half list must not pass for the repository).
        streaming = len(self.catalog) == 0
        stream = TagStream(in_order=sort is not None or provider.tag_pages_in_order)
        try:
            async for page in provider.tag_pages(repository, sort=sort):
                if stream.add(page) and streaming:
                    so_far = stream.tags()
                    self.post_message(msg.TagsArriving(token, so_far, select))
                    if select is not None and any(tag.name == select for tag in so_far):
                        select = None  # the cursor went there; from now on it is the user's
            tags = stream.tags()
        except Exception as exc:
            err = as_error(exc)
            if not quiet:
                self.post_message(
                    msg.ProviderFailed(
                        err, retry=lambda: self.reload(select=select, fresh=True), token=token
                    )
                )
            self.post_message(msg.TagsLoaded(token, [], select, err))
            return
        self.post_message(msg.TagsLoaded(token, tags, select, sort=sort))

    def on_tags_arriving(self, message: msg.TagsArriving) -> None:
        if not message.token.current:
            return
        tree, catalog = self.tag_tree, self.catalog
        first = catalog.repository != message.repository
        self._show_carriers_for(message.select)
        catalog.load(message.repository, message.tags)
        anchor = message.select if message.select in catalog else None
        if first or anchor is not None:
            tree.listed(select=anchor, refresh=not first)
        else:
            tree.rebuild()
        self.host.connected()
        self.update_title()
        self._schedule_describes()

    def on_tags_loaded(self, message: msg.TagsLoaded) -> None:
        if not message.token.current:
            return
        self.listing = False
        tree, catalog = self.tag_tree, self.catalog
        error = message.error
        if error is not None and keeps_data(error) and catalog.repository == message.repository:
            # The registry is unreachable, not the tags gone: keep them, say since when, and
            # ask again later while the user keeps browsing.
            select = message.select
            self.stale_retry.failed(
                error, lambda: self.reload(select=self.highlighted_tag() or select, quiet=True)
            )
            self.update_title()
            return
        if message.error is not None:
            title = message.error.title.lower()
            self.stale_retry.succeeded()  # nothing kept: nothing stale either
            catalog.clear()
            self.marks.clear()
            tree.show_empty(f"Could not list the tags ({title}). Press r to retry.")
            self.update_title()
            self.post_message(self.Listed(message.repository, 0, failed=True))
            return
        self.host.connected()
        self.stale_retry.succeeded()
        self._show_carriers_for(message.select)
        refresh = catalog.load(message.repository, message.tags, server_order=message.sort)
        self.marks.keep_only(catalog.order)  # a tag the refresh no longer lists loses its mark
        tree.listed(select=message.select, refresh=refresh)
        if message.select and not tree.select_tag(message.select) and message.tags:
            self.screen.notify(
                f"{literal(message.repository)} has no tag {literal(message.select)}",
                title="Not found",
                severity="warning",
                markup=False,
            )
        if catalog.sort == "newest" and message.sort is None:
            # New tags of a refresh get their dates too; a fresh list starts at its newest.
            self._start_dating(to_top=message.select is None)
        self.update_title()
        self._schedule_describes()
        self.post_message(self.Listed(message.repository, len(catalog)))
        self.measure_sizes()  # a list that gives every digest (GCR, vendor APIs)

    def remove_tags(self, names: tuple[str, ...]) -> None:
        """Deleted tags leave the list at once (a re-list follows)."""
        tree = self.tag_tree
        self.catalog.remove(names)
        self.marks.unmark(names)
        tree.rebuild(cursor=tree.cursor)
        self.update_title()

    # --- marks ----------------------------------------------------------------------------------

    def marked_tags(self) -> list[str]:
        """The marked tags, in the catalog's current order."""
        return self.marks.ordered(self.catalog.order)

    def set_marks(self, names: Iterable[str]) -> None:
        """Mark exactly ``names`` (those listed), replacing every mark."""
        catalog = self.catalog
        self.marks.clear()
        self.marks.mark(name for name in names if name in catalog)
        self._marks_changed()

    def clear_marks(self) -> None:
        """``u``: no tag is marked any more."""
        if self.marks:
            self.marks.clear()
            self._marks_changed()

    def mark_shown(self) -> None:
        """``*``: mark every tag the filter shows (all of them without a filter)."""
        self.marks.mark(self.tag_tree.shown_tags())
        self._marks_changed()

    def toggle_mark(self) -> None:
        """Space: mark or unmark the highlighted tag, then move down (holding Space marks a
        run of tags, as in ranger or mc)."""
        tree = self.tag_tree
        row = tree.highlighted_row
        if not isinstance(row, TagRow):
            if row is not None:
                self.app.notify("Only tags can be marked", severity="warning", markup=False)
            return
        self.marks.toggle(row.name)
        tree.action_cursor_down()
        self._marks_changed()

    def set_compare_from(self, ref: Ref | None) -> None:
        """Remember (or forget) the tag ``=`` compares with; the title shows it."""
        self.compare_from = ref
        self.update_title()

    def _marks_changed(self) -> None:
        self.tag_tree.refresh_rows()
        self.update_title()

    # --- facts for the rows on screen ----------------------------------------------------------

    @on(VirtualList.ViewportChanged, "#tags")
    def _scrolled(self, event: VirtualList.ViewportChanged) -> None:
        self._schedule_describes()

    def _cancel_describes(self) -> None:
        for worker in self._describing.values():
            worker.cancel()
        self._describing.clear()
        self.catalog.pending.clear()

    def _schedule_describes(self) -> None:
        """describe_tag for the tag rows on screen only; rows scrolled away are cancelled."""
        catalog = self.catalog
        if catalog.repository is None or self.listing:
            return
        token = self._epoch.current
        visible = {row.name for row in self.tag_tree.visible_rows() if isinstance(row, TagRow)}
        for name in list(self._describing):
            if name not in visible:
                self._describing.pop(name).cancel()
                catalog.pending.discard(name)
        started = False
        for name in visible:
            tag = catalog.tag(name)
            if tag is None or name in self._describing or not catalog.needs_describe(name):
                continue
            catalog.pending.add(name)
            self._describing[name] = self.run_worker(
                self._describe(token, tag), group="describe", exit_on_error=False
            )
            started = True
        if started:
            self.tag_tree.refresh_rows()
        self._schedule_referrers(visible)

    async def _describe(self, token: Token, tag: Tag) -> None:
        async with self._describe_limit:
            try:
                described = await self.host.provider.describe_tag(str(token.subject), tag)
            except Exception as exc:
                err = as_error(exc)
                self.post_message(msg.DescribeFailed(token, tag.name, err))
                return
        self.post_message(msg.TagDescribed(token, described))

    def on_tag_described(self, message: msg.TagDescribed) -> None:
        if not message.token.current:
            return
        self.host.connected()
        self._describing.pop(message.tag.name, None)
        self.tag_tree.facts_changed(self.catalog.update([message.tag]))
        self._schedule_referrers()
        self.measure_sizes()  # once the last row learned its digest

    def on_describe_failed(self, message: msg.DescribeFailed) -> None:
        if not message.token.current:
            return
        self._describing.pop(message.name, None)
        if self.host.wants_login(message.error):
            # Try again after a login rather than marking the row as done.
            self.catalog.pending.discard(message.name)
            self.host.ask_login(message.error, self._schedule_describes)
            self.tag_tree.refresh_rows()
            return
        self.catalog.describe_failed(message.name)
        self.tag_tree.refresh_rows()
        self._describe_errors += 1
        if self._describe_errors == 1:
            # One notification per repository, not one per row on screen.
            self.host.report(message.error)

    # --- children (platforms) ----------------------------------------------------------------

    def load_children(self, tag: str) -> None:
        """Fetch the platforms of ``tag`` (opened before its detail was known)."""
        if self.repository is None or tag in self._children_loading:
            return
        self._children_loading.add(tag)
        self.run_worker(
            self._load_children(self._epoch.current, tag), group="children", exit_on_error=False
        )

    async def _load_children(self, token: Token, tag: str) -> None:
        try:
            detail = await self.host.provider.get_tag(str(token.subject), tag)
        except Exception as exc:
            err = as_error(exc)
            self.post_message(msg.ChildrenFailed(token, tag, err))
            return
        self.post_message(msg.ChildrenLoaded(token, detail))

    def on_children_loaded(self, message: msg.ChildrenLoaded) -> None:
        self._children_loading.discard(message.detail.tag)
        if not message.token.current:
            return
        self.host.connected()
        self.learn_detail(message.detail)

    def learn_detail(self, detail: TagDetail) -> None:
        """A tag's detail is known (from here or the detail pane): its row and children too."""
        self.catalog.learn_detail(detail)
        self.tag_tree.children_known(detail.tag)

    def on_children_failed(self, message: msg.ChildrenFailed) -> None:
        self._children_loading.discard(message.tag)
        if not message.token.current:
            return
        self.catalog.children_failed(message.tag, str(message.error))
        self.tag_tree.children_known(message.tag)
        self.host.report(message.error)

    # --- sort and dates ----------------------------------------------------------------------

    def cycle_sort(self) -> None:
        tree, catalog = self.tag_tree, self.catalog
        if catalog.repository is None:
            return
        # On the first row, the user wants the top of the new order; elsewhere, their tag.
        was_top = tree.cursor == 0
        order = catalog.cycle_sort()
        tree.rebuild()
        if was_top:
            tree.action_first()
        if self._server_sort() is not None:
            # The provider sorts every tag (dates it knows, not just the rows seen): ask it.
            self.reload(select=self.highlighted_tag())
        elif order == "newest":
            self._start_dating(to_top=was_top)
        else:
            self.cancel_dating()
        self.update_title()
        self._schedule_describes()

    def _start_dating(self, *, to_top: bool) -> None:
        """Describe every undated tag in the background, then sort once with all dates."""
        catalog = self.catalog
        undated = catalog.undated()
        if catalog.repository is None or not undated:
            return
        self.cancel_dating()
        row = self.tag_tree.highlighted_row
        self._top_unless_moved_from = row.name if to_top and row is not None else None
        catalog.dating = True
        self._dating = self.run_worker(
            self._fetch_dates(self._epoch.current, undated), group="dates", exit_on_error=False
        )

    def cancel_dating(self) -> None:
        if self._dating is not None:
            self._dating.cancel()
            self._dating = None
        if self.catalog.dating:
            self.catalog.dating = False
            self.update_title()

    async def _fetch_dates(self, token: Token, tags: list[Tag]) -> None:
        repository = str(token.subject)
        total = len(tags)
        from tagtui.ui.flows.budget import budget_allows  # not before the first sort

        work = f"Sorting by date describes {total:,} tags"
        if not await budget_allows(self.app, self.host.provider, work, total):
            self.post_message(msg.DatesFetched(token, [], total, total))
            self.screen.notify(
                f"Sorted by the dates already known: {total:,} tags left undated "
                "to spare the rate limit.",
                title="Sort",
                markup=False,
            )
            return
        limit = asyncio.Semaphore(DESCRIBE_CONCURRENCY)
        batch: list[Tag] = []
        done = 0

        async def one(tag: Tag) -> None:
            nonlocal done
            async with limit:
                try:
                    described = await self.host.provider.describe_tag(repository, tag)
                except Exception:
                    described = None  # sorted last, like any tag without a date
            done += 1
            if described is not None:
                batch.append(described)
            if len(batch) >= DATE_BATCH or done == total:
                self.post_message(msg.DatesFetched(token, batch.copy(), done, total))
                batch.clear()

        await asyncio.gather(*(one(tag) for tag in tags))

    def on_dates_fetched(self, message: msg.DatesFetched) -> None:
        catalog = self.catalog
        if not message.token.current or not catalog.dating:
            return  # cancelled, or another list
        tree = self.tag_tree
        self.host.connected()  # answers arrived (the header's rate limit moves with them)
        tree.facts_changed(catalog.update(message.tags))
        if message.done >= message.total:
            catalog.dating = False
            self._dating = None
            if catalog.sort == "newest":
                catalog.resort()  # once, now that every date is known
                tree.rebuild()
                row = tree.highlighted_row
                if row is not None and row.name == self._top_unless_moved_from:
                    tree.action_first()
            self._top_unless_moved_from = None
            self.measure_sizes()
        self.update_title()

    def learn_tags(self, tags: list[Tag]) -> None:
        """Tags described elsewhere (the cleanup dialog): their rows show the facts too."""
        if tags:
            self.tag_tree.facts_changed(self.catalog.update(tags))
            self.update_title()

    # --- delete planning --------------------------------------------------------------------------

    def show_planning(self, text: str | None) -> None:
        """Say a delete is being planned (Esc cancels), or stop saying it."""
        note = self.query_one("#tag-note", Static)
        note.update(Content(text or ""))
        note.display = text is not None
        self.update_title()

    def learn_sharing(self, digest: str, names: set[str]) -> None:
        """A delete plan listed every tag on ``digest``: the ≡ count becomes exact."""
        self.catalog.learn_sharing(digest, names)
        self.tag_tree.refresh_rows()
