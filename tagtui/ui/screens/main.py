"""The three-pane screen and the controller behind it.

I/O runs in workers (``exit_on_error=False``) that only call the provider and post messages; the
``on_*`` handlers below change widgets, after checking the result still matters (the staleness
token it was started with is still current). Provider errors become notifications, or the login
modal when credentials would help.
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Container, Horizontal, Vertical
from textual.content import Content
from textual.events import Resize
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Footer, Input, Static
from textual.worker import Worker, WorkerState

from tagtui.errors import (
    AuthenticationRequired,
    CatalogUnavailable,
    ConnectionFailed,
    PermissionDenied,
    RegistryTimeout,
    TagtuiError,
    TLSError,
)
from tagtui.model import Tag, TagDetail
from tagtui.providers.base import Provider
from tagtui.session.catalog import TagCatalog
from tagtui.session.staleness import Epoch, Token
from tagtui.session.view import (
    DetailView,
    PlatformSubject,
    RevisionSubject,
    Subject,
    TagSubject,
    load_view,
    subject_key,
    subject_reference,
)
from tagtui.ui import messages as msg
from tagtui.ui.errors import as_error
from tagtui.ui.flows.delete import DeleteFlow
from tagtui.ui.flows.login import LoginFlow
from tagtui.ui.format import literal
from tagtui.ui.screens.help import HelpScreen
from tagtui.ui.screens.login import login_reason
from tagtui.ui.widgets.detail import DetailPanel
from tagtui.ui.widgets.header import StatusHeader
from tagtui.ui.widgets.repo_list import RepoList
from tagtui.ui.widgets.tag_tree import NoteRow, PlatformRow, RevisionRow, TagRow, TagTree
from tagtui.ui.widgets.virtual_list import VirtualList

# Below this width the tag tree and the detail stack on the right of a narrow repository pane.
NARROW_WIDTH = 120
# describe_tag calls in flight at once (the provider limits its own connections too).
DESCRIBE_CONCURRENCY = 6
DETAIL_CACHE = 256
# Tags described for sorting per message (and per redraw).
DATE_BATCH = 100


class FilterInput(Input):
    """The `/` filter of a pane: Enter keeps it, Esc clears it; both return to the list."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "submit", "Keep filter"),
        Binding("escape", "screen.clear_filter", "Clear filter"),
    ]


class OpenInput(Input):
    """Where a repository is typed when the registry does not list them."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("enter", "submit", "Open")]


class MainScreen(Screen[None]):
    # A zoomed pane keeps the header (registry, connection) and the footer (keys).
    ALLOW_IN_MAXIMIZED_VIEW = "StatusHeader, Footer"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("question_mark", "help", "Help"),
        # Listed in the help screen; the footer keeps its room for the pane's own keys.
        Binding("q", "app.quit", "Quit", show=False),
    ]

    def __init__(
        self, provider: Provider, *, repository: str | None = None, tag: str | None = None
    ) -> None:
        super().__init__()
        self.provider = provider
        self.start_repository = repository
        self.start_tag = tag
        # The repository chosen; the catalog holds its tags once they are listed.
        self.repository: str | None = None
        self.catalog = TagCatalog()
        self.catalog_available: bool | None = None
        self.repositories_loading = False
        self._repo_epoch = Epoch()
        # Subject: the repository whose tags are listed (describe, children and dates too).
        self._tags_epoch = Epoch()
        # Subject: the detail key of the highlighted row.
        self._detail_epoch = Epoch()
        self.tags_loading = False
        self._describing: dict[str, Worker[None]] = {}
        self._describe_errors = 0
        self._describe_limit: asyncio.Semaphore | None = None
        self._detail_cache: OrderedDict[tuple[str, ...], DetailView] = OrderedDict()
        # Tags whose platforms are being fetched (opened before their detail was known).
        self._children_loading: set[str] = set()
        # The login modal being answered (ui/flows/login.py), and whether the last was declined.
        self._login: LoginFlow | None = None
        self._login_declined = False
        # The delete the user started last (ui/flows/delete.py): Esc cancels its planning.
        self._delete_flow: DeleteFlow | None = None
        self._repo_anchor: str | None = None
        # The row the cursor was on when dating began, if the sort should then start at the top
        # (a freshly opened repository, or s on the first row) unless the user moved since.
        self._top_unless_moved_from: str | None = None
        # Dates fetched for newest-first sorting (the catalog counts the progress).
        self._dating: Worker[None] | None = None

    # --- layout -------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield StatusHeader(self.provider.display_name, id="status")
        with Horizontal(id="panes"):
            with Vertical(id="repo-pane", classes="pane"):
                yield FilterInput(id="repo-filter", placeholder="filter repositories")
                yield Static("", id="repo-note", markup=False)
                yield OpenInput(id="open-repo", placeholder="open repository… ⏎")
                yield RepoList(id="repos")
            with Container(id="right"):
                with Vertical(id="tag-pane", classes="pane"):
                    yield FilterInput(id="tag-filter", placeholder="filter tags")
                    yield Static("", id="tag-note", markup=False)
                    yield TagTree(self.catalog, id="tags")
                yield DetailPanel(id="detail", classes="pane")
        yield Footer()

    @property
    def repo_list(self) -> RepoList:
        return self.query_one("#repos", RepoList)

    @property
    def tag_tree(self) -> TagTree:
        return self.query_one("#tags", TagTree)

    @property
    def detail(self) -> DetailPanel:
        return self.query_one("#detail", DetailPanel)

    @property
    def header(self) -> StatusHeader:
        return self.query_one("#status", StatusHeader)

    def on_mount(self) -> None:
        # Pick the layout before the first paint, so no pane starts at a size it will not keep.
        self.set_class(self.app.size.width < NARROW_WIDTH, "-narrow")
        self.query_one(Footer).compact = self.app.size.width < NARROW_WIDTH
        self._describe_limit = asyncio.Semaphore(DESCRIBE_CONCURRENCY)
        self.query_one("#repo-filter").display = False
        self.query_one("#tag-filter").display = False
        self.query_one("#repo-note").display = False
        self.query_one("#tag-note").display = False
        self.query_one("#open-repo").display = False
        self.header.credentials = self.provider.credential_source
        self.detail.border_title = Content("Detail")
        self._update_repo_title()
        self._update_tag_title()
        self.load_repositories()
        if self.start_repository:
            self.open_repository(self.start_repository, tag=self.start_tag)
        else:
            self._focus(self.repo_list)

    def _focus(self, widget: Widget) -> None:
        # Now, not after the queued messages (Widget.focus defers): a key that follows in
        # the same burst goes to the widget the user moved to.
        self.set_focus(widget)

    def on_resize(self, event: Resize) -> None:
        self.set_class(event.size.width < NARROW_WIDTH, "-narrow")
        # A compact footer fits the tag tree's keys in 80 columns.
        self.query_one(Footer).compact = event.size.width < NARROW_WIDTH
        self.call_after_refresh(self._update_repo_title)

    def _update_repo_title(self) -> None:
        pane = self.query_one("#repo-pane")
        repos = self.repo_list
        if self.catalog_available is False:
            pane.border_title = Content("Repositories")
            pane.border_subtitle = None
            return
        count = f"{repos.total:,}"
        if repos.filter_text:
            count = f"{len(repos.rows):,}/{repos.total:,}"
        title = f"Repositories {count}"
        if pane.size.width > 0 and len(title) > pane.size.width - 6:
            title = f"Repos {count}"  # the narrow pane: the count matters more than the word
        pane.border_title = Content(title)
        subtitle = []
        if repos.filter_text:
            subtitle.append("/" + literal(repos.filter_text))
        if self.repositories_loading:
            subtitle.append("loading…")
        pane.border_subtitle = Content(" · ".join(subtitle)) if subtitle else None

    def _update_tag_title(self) -> None:
        pane = self.query_one("#tag-pane")
        tree = self.tag_tree
        if self.repository is None:
            pane.border_title = Content("Tags")
            pane.border_subtitle = None
            return
        parts = [f"Tags · {literal(self.repository)}"]
        if self.tags_loading:
            parts.append("loading…")
        else:
            count = f"{len(self.catalog):,}"
            if tree.filter_text:
                shown = sum(1 for row in tree.rows if isinstance(row, TagRow))
                count = f"{shown:,}/{count}"
            parts.append(count)
        pane.border_title = Content(" ".join(parts))
        subtitle = f"sort: {self.catalog.sort}"
        progress = self.catalog.dates_progress
        if progress is not None:
            done, total = progress
            subtitle += f" — dates {done:,}/{total:,}"
        if tree.filter_text:
            subtitle = f"/{literal(tree.filter_text)} · {subtitle}"
        if self._delete_flow is not None and self._delete_flow.planning:
            subtitle = f"checking shared tags… Esc cancels · {subtitle}"
        pane.border_subtitle = Content(subtitle)

    # --- repositories -------------------------------------------------------------------------

    def load_repositories(self) -> None:
        row = self.repo_list.highlighted_row
        # A reload puts the cursor back where it was once that repository is listed again.
        self._repo_anchor = row.name if row is not None and self.repo_list.cursor > 0 else None
        token = self._repo_epoch.advance()
        self.repositories_loading = True
        self.repo_list.clear()
        self.repo_list.empty_text = "Loading repositories…"
        self._update_repo_title()
        self._list_repositories(token)

    @work(exclusive=True, group="repositories", exit_on_error=False)
    async def _list_repositories(self, token: Token) -> None:
        try:
            async for page in self.provider.list_repositories():
                self.post_message(msg.RepositoriesPage(token, page))
        except CatalogUnavailable as err:
            self.post_message(msg.CatalogRefused(token, err))
        except Exception as exc:
            err = as_error(exc)
            self.post_message(msg.ProviderFailed(err, retry=self.load_repositories, token=token))
            self.post_message(msg.RepositoriesDone(token, err))
        else:
            self.post_message(msg.RepositoriesDone(token))

    def on_repositories_page(self, message: msg.RepositoriesPage) -> None:
        if not message.token.current:
            return
        self._connected()
        self.catalog_available = True
        self.repo_list.add_page(message.repositories)
        anchor = self._repo_anchor
        if anchor is not None and self.repo_list.cursor == 0:  # unless the user moved meanwhile
            found = next((repo for repo in message.repositories if repo.name == anchor), None)
            if found is not None:
                self._repo_anchor = None
                self.repo_list.move_to(found)
        self._update_repo_title()

    def on_repositories_done(self, message: msg.RepositoriesDone) -> None:
        if not message.token.current:
            return
        self.repositories_loading = False
        if message.error is None:
            self._connected()
        if self.catalog_available is not False:
            self.repo_list.empty_text = (
                "No repositories."
                if message.error is None
                else f"{self._error_sentence(message.error)} Press r to retry."
            )
            self.repo_list.refresh_rows()
        self._update_repo_title()

    def on_catalog_refused(self, message: msg.CatalogRefused) -> None:
        if not message.token.current:
            return
        self._connected()
        self.repositories_loading = False
        self.catalog_available = False
        note = self.query_one("#repo-note", Static)
        note.update(Content(str(message.error)))
        note.display = True
        field = self.query_one("#open-repo", Input)
        field.display = True
        self.repo_list.empty_text = ""
        self.repo_list.refresh_rows()
        self._update_repo_title()
        if self.repository is None:
            self._focus(field)
        else:
            self.repo_list.ensure(self.repository)

    @on(Input.Submitted, "#open-repo")
    def _open_typed_repository(self, event: Input.Submitted) -> None:
        name = event.value.strip().strip("/")
        if not name:
            return
        tag = None
        colon = name.rfind(":")
        if colon > name.rfind("/"):
            name, tag = name[:colon], name[colon + 1 :] or None
        event.input.value = ""
        self.open_repository(name, tag=tag)

    def action_open_by_name(self) -> None:
        field = self.query_one("#open-repo", Input)
        field.display = True
        self._focus(field)

    @on(VirtualList.Selected, "#repos")
    def _repository_chosen(self, event: VirtualList.Selected) -> None:
        self.open_repository(event.row.name)

    # --- tags ---------------------------------------------------------------------------------

    def open_repository(self, name: str, *, tag: str | None = None, focus: bool = True) -> None:
        repo = self.repo_list.ensure(name)
        self.repo_list.move_to(repo)
        if name != self.repository:
            self.query_one("#tag-filter", Input).value = ""
            self.query_one("#tag-filter").display = False
            self.tag_tree.filter_text = ""
        self.repository = name
        self._reload_tags(select=tag, fresh=True)
        if focus:
            self._focus(self.tag_tree)

    def _reload_tags(self, *, select: str | None = None, fresh: bool = False) -> None:
        if self.repository is None:
            return
        token = self._tags_epoch.advance(self.repository)
        self._cancel_describes()
        self._cancel_dating()
        self._describe_errors = 0
        self._children_loading.clear()
        self.tags_loading = True
        if fresh:
            self.catalog.clear()
            self.tag_tree.show_empty("Loading tags…")
            self.detail.show_message("Highlight a tag to see its detail.")
        self._update_tag_title()
        self._list_tags(token, select, self._server_sort())

    def _server_sort(self) -> str | None:
        """The sort to ask the provider for: only an order it supports, never plain names."""
        order = self.catalog.sort
        return order if order != "name" and order in self.provider.capabilities.sorts else None

    @work(exclusive=True, group="tags", exit_on_error=False)
    async def _list_tags(self, token: Token, select: str | None, sort: str | None) -> None:
        repository = str(token.subject)
        try:
            tags = await self.provider.list_tags(repository, sort=sort)
        except Exception as exc:
            err = as_error(exc)
            self.post_message(
                msg.ProviderFailed(
                    err, retry=lambda: self._reload_tags(select=select, fresh=True), token=token
                )
            )
            self.post_message(msg.TagsLoaded(token, [], None, err))
            return
        self.post_message(msg.TagsLoaded(token, tags, select, sort=sort))

    def on_tags_loaded(self, message: msg.TagsLoaded) -> None:
        if not message.token.current:
            return
        self.tags_loading = False
        tree = self.tag_tree
        if message.error is not None:
            title = message.error.title.lower()
            self.catalog.clear()
            tree.show_empty(f"Could not list the tags ({title}). Press r to retry.")
            self._update_tag_title()
            self.detail.show_message("No tag to show.")
            return
        self._connected()
        refresh = self.catalog.load(message.repository, message.tags, server_order=message.sort)
        tree.listed(select=message.select, refresh=refresh)
        self.repo_list.set_tag_count(message.repository, len(self.catalog))
        if message.select and not tree.select_tag(message.select) and message.tags:
            self.notify(
                f"{literal(message.repository)} has no tag {literal(message.select)}",
                title="Not found",
                severity="warning",
                markup=False,
            )
        if self.catalog.sort == "newest" and message.sort is None:
            # New tags of a refresh get their dates too; a fresh list starts at its newest.
            self._start_dating(to_top=message.select is None)
        self._update_tag_title()
        self._schedule_describes()
        self._show_detail_for(tree.highlighted_row)

    @on(VirtualList.ViewportChanged, "#tags")
    def _tags_scrolled(self, event: VirtualList.ViewportChanged) -> None:
        self._schedule_describes()

    def _cancel_describes(self) -> None:
        for worker in self._describing.values():
            worker.cancel()
        self._describing.clear()
        self.catalog.pending.clear()

    def _schedule_describes(self) -> None:
        """describe_tag for the tag rows on screen only; rows scrolled away are cancelled."""
        catalog = self.catalog
        if catalog.repository is None or self.tags_loading:
            return
        token = self._tags_epoch.current
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

    async def _describe(self, token: Token, tag: Tag) -> None:
        assert self._describe_limit is not None
        async with self._describe_limit:
            try:
                described = await self.provider.describe_tag(str(token.subject), tag)
            except Exception as exc:
                err = as_error(exc)
                self.post_message(msg.DescribeFailed(token, tag.name, err))
                return
        self.post_message(msg.TagDescribed(token, described))

    def on_tag_described(self, message: msg.TagDescribed) -> None:
        if not message.token.current:
            return
        self._connected()
        self._describing.pop(message.tag.name, None)
        self.tag_tree.facts_changed(self.catalog.update([message.tag]))

    def on_describe_failed(self, message: msg.DescribeFailed) -> None:
        if not message.token.current:
            return
        self._describing.pop(message.name, None)
        if self._wants_login(message.error):
            # Try again after a login rather than marking the row as done.
            self.catalog.pending.discard(message.name)
            self._ask_login(message.error, self._schedule_describes)
            self.tag_tree.refresh_rows()
            return
        self.catalog.describe_failed(message.name)
        self.tag_tree.refresh_rows()
        self._describe_errors += 1
        if self._describe_errors == 1:
            # One notification per repository, not one per row on screen.
            self.report(message.error)

    @on(TagTree.ExpandRequested)
    def _expand_requested(self, event: TagTree.ExpandRequested) -> None:
        repository = self.repository
        if repository is None:
            return
        cached = self._detail_cache.get(subject_key(repository, TagSubject(event.tag)))
        if cached is not None and cached.detail is not None:
            self._learn_detail(cached.detail)
            return
        if event.tag in self._children_loading:
            return
        self._children_loading.add(event.tag)
        self.run_worker(
            self._load_children(self._tags_epoch.current, event.tag),
            group="children",
            exit_on_error=False,
        )

    async def _load_children(self, token: Token, tag: str) -> None:
        try:
            detail = await self.provider.get_tag(str(token.subject), tag)
        except Exception as exc:
            err = as_error(exc)
            self.post_message(msg.ChildrenFailed(token, tag, err))
            return
        self.post_message(msg.ChildrenLoaded(token, detail))

    def on_children_loaded(self, message: msg.ChildrenLoaded) -> None:
        self._children_loading.discard(message.detail.tag)
        if not message.token.current:
            return
        self._connected()
        self._learn_detail(message.detail)

    def _learn_detail(self, detail: TagDetail) -> None:
        self.catalog.learn_detail(detail)
        self.tag_tree.children_known(detail.tag)

    def on_children_failed(self, message: msg.ChildrenFailed) -> None:
        self._children_loading.discard(message.tag)
        if not message.token.current:
            return
        self.catalog.children_failed(message.tag, str(message.error))
        self.tag_tree.children_known(message.tag)
        self.report(message.error)

    @on(TagTree.Back)
    def _tree_back(self) -> None:
        self._focus(self.repo_list)

    @on(VirtualList.Selected, "#tags")
    def _tag_chosen(self, event: VirtualList.Selected) -> None:
        # Enter on something without children: the detail is the next place to look.
        self._focus(self.detail)

    # --- detail -------------------------------------------------------------------------------

    @on(VirtualList.Highlighted, "#tags")
    def _tag_highlighted(self, event: VirtualList.Highlighted) -> None:
        self._show_detail_for(event.row)

    @staticmethod
    def _subject(row: object) -> Subject | None:
        """What the detail of a tag-tree row is about (a note row is about nothing)."""
        if isinstance(row, TagRow):
            return TagSubject(row.name)
        if isinstance(row, PlatformRow):
            return PlatformSubject(row.tag, row.platform)
        if isinstance(row, RevisionRow):
            return RevisionSubject(row.tag, row.revision)
        return None

    def _show_detail_for(self, row: object) -> None:
        subject = self._subject(row)
        repository = self.repository
        if subject is None or repository is None:
            self._detail_epoch.advance()
            self.workers.cancel_group(self, "detail")
            if isinstance(row, NoteRow):
                self.detail.show_message(row.text)
            elif self.repository is not None and not self.tags_loading:
                self.detail.show_message("Highlight a tag to see its detail.")
            return
        key = subject_key(repository, subject)
        cached = self._detail_cache.get(key)
        if cached is not None:
            self._detail_epoch.advance(key)
            self.workers.cancel_group(self, "detail")
            self.detail.show(cached)
            return
        loading = any(
            worker.group == "detail" and not worker.is_finished for worker in self.workers
        )
        if key == self._detail_epoch.current.subject and loading:
            return  # already on its way (a rebuilt list highlights the same tag again)
        token = self._detail_epoch.advance(key)
        reference = subject_reference(self.provider, repository, subject)
        self.detail.show_message(f"Loading {literal(reference)}…", loading=True)
        self._load_detail(token, repository, subject)

    @work(exclusive=True, group="detail", exit_on_error=False)
    async def _load_detail(self, token: Token, repository: str, subject: Subject) -> None:
        try:
            view = await load_view(self.provider, repository, subject)
        except Exception as exc:
            err = as_error(exc)
            self.post_message(
                msg.ProviderFailed(err, retry=lambda: self._retry_detail(token), token=token)
            )
            self.post_message(msg.DetailLoaded(token, err))
            return
        self.post_message(msg.DetailLoaded(token, view))

    def _retry_detail(self, token: Token) -> None:
        if token.current:
            self._show_detail_for(self.tag_tree.highlighted_row)

    def on_detail_loaded(self, message: msg.DetailLoaded) -> None:
        view = message.view
        if isinstance(view, TagtuiError):
            if message.token.current:
                self.detail.show_message(f"{view.title}: {view}")
            return
        self._connected()
        key: tuple[str, ...] = message.token.subject  # type: ignore[assignment]
        self._detail_cache[key] = view
        self._detail_cache.move_to_end(key)
        while len(self._detail_cache) > DETAIL_CACHE:
            self._detail_cache.popitem(last=False)
        repository, kind = key[0], key[1]
        if kind == "tag" and repository == self.catalog.repository and view.detail is not None:
            self._learn_detail(view.detail)
        if message.token.current:
            self.detail.show(view)

    # --- filter -------------------------------------------------------------------------------

    def _pane_of_focus(self) -> str:
        focused = self.focused
        node: Widget | None = focused
        while node is not None:
            if node.id in ("repo-pane", "tag-pane", "detail"):
                return node.id
            node = node.parent  # type: ignore[assignment]
        return "repo-pane"

    def action_filter(self, pane: str | None = None) -> None:
        pane = pane or self._pane_of_focus()
        if pane == "detail":
            pane = "tag-pane"
        field = self.query_one("#repo-filter" if pane == "repo-pane" else "#tag-filter", Input)
        field.display = True
        self._focus(field)

    @on(Input.Changed, "#repo-filter")
    def _repo_filter_changed(self, event: Input.Changed) -> None:
        self.repo_list.set_filter(event.value)
        self._update_repo_title()

    @on(Input.Changed, "#tag-filter")
    def _tag_filter_changed(self, event: Input.Changed) -> None:
        self.tag_tree.set_filter(event.value)
        self._update_tag_title()

    @on(Input.Submitted, "#repo-filter")
    def _repo_filter_kept(self, event: Input.Submitted) -> None:
        self._keep_filter(event.input, self.repo_list)

    @on(Input.Submitted, "#tag-filter")
    def _tag_filter_kept(self, event: Input.Submitted) -> None:
        self._keep_filter(event.input, self.tag_tree)

    def _keep_filter(self, field: Input, target: VirtualList) -> None:
        if not field.value:
            field.display = False
        self._focus(target)
        target.action_first()

    def action_clear_filter(self) -> None:
        focused = self.focused
        if focused is not None and focused.id == "tag-filter":
            self._clear_filter("tag-pane")
            self._focus(self.tag_tree)
        else:
            self._clear_filter("repo-pane")
            self._focus(self.repo_list)

    def _clear_filter(self, pane: str) -> None:
        field_id = "#repo-filter" if pane == "repo-pane" else "#tag-filter"
        field = self.query_one(field_id, Input)
        field.value = ""
        field.display = False
        if pane == "repo-pane":
            self.repo_list.set_filter("")
            self._update_repo_title()
        else:
            self.tag_tree.set_filter("")
            self._update_tag_title()

    def action_back(self) -> None:
        if self._delete_flow is not None and self._delete_flow.cancel_planning():
            return
        pane = self._pane_of_focus()
        if pane == "repo-pane":
            if self.repo_list.filter_text:
                self._clear_filter("repo-pane")
        elif pane == "tag-pane":
            if self.tag_tree.filter_text:
                self._clear_filter("tag-pane")
            else:
                self._focus(self.repo_list)
        else:
            self._focus(self.tag_tree)

    # --- sort, refresh, copy ------------------------------------------------------------------

    def action_cycle_sort(self) -> None:
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
            row = tree.highlighted_row
            self._reload_tags(select=row.name if isinstance(row, TagRow) else None)
        elif order == "newest":
            self._start_dating(to_top=was_top)
        else:
            self._cancel_dating()
        self._update_tag_title()
        self._schedule_describes()

    # --- dates for newest-first ----------------------------------------------------------------

    def _start_dating(self, *, to_top: bool) -> None:
        """Describe every undated tag in the background, then sort once with all dates."""
        catalog = self.catalog
        undated = catalog.undated()
        if catalog.repository is None or not undated:
            return
        self._cancel_dating()
        row = self.tag_tree.highlighted_row
        self._top_unless_moved_from = row.name if to_top and row is not None else None
        catalog.dating = True
        self._dating = self.run_worker(
            self._fetch_dates(self._tags_epoch.current, undated),
            group="dates",
            exit_on_error=False,
        )

    def _cancel_dating(self) -> None:
        if self._dating is not None:
            self._dating.cancel()
            self._dating = None
        if self.catalog.dating:
            self.catalog.dating = False
            self._update_tag_title()

    async def _fetch_dates(self, token: Token, tags: list[Tag]) -> None:
        repository = str(token.subject)
        total = len(tags)
        limit = asyncio.Semaphore(DESCRIBE_CONCURRENCY)
        batch: list[Tag] = []
        done = 0

        async def one(tag: Tag) -> None:
            nonlocal done
            async with limit:
                try:
                    described = await self.provider.describe_tag(repository, tag)
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
        self._update_tag_title()

    def action_refresh(self) -> None:
        pane = self._pane_of_focus()
        if pane == "repo-pane" or self.repository is None:
            self.load_repositories()
            self.notify("Reloading repositories…", markup=False)
            return
        self._detail_cache.clear()
        self.catalog.described.clear()
        row = self.tag_tree.highlighted_row
        self._reload_tags(select=row.name if isinstance(row, TagRow) else None)
        self._show_detail_for(row)
        self.notify(f"Reloading tags of {literal(self.repository)}…", markup=False)

    def copy_reference(self, *, digest: bool = False) -> None:
        reference = self._current_reference(digest=digest)
        if reference is None:
            what = "a tag with a known digest" if digest else "a repository or a tag"
            self.notify(f"Highlight {what} first.", severity="warning", markup=False)
            return
        self.app.copy_to_clipboard(reference)
        self.notify(f"Copied {literal(reference)}", title="Clipboard", markup=False)

    def action_copy(self) -> None:
        self.copy_reference()

    def action_copy_digest(self) -> None:
        self.copy_reference(digest=True)

    def _current_reference(self, *, digest: bool = False) -> str | None:
        provider = self.provider
        pane = self._pane_of_focus()
        if pane == "repo-pane":
            repo = self.repo_list.highlighted_row
            if repo is None or digest:
                return None
            return provider.pull_reference(repo.name)
        repository = self.repository
        row = self.tag_tree.highlighted_row
        if repository is None or row is None:
            return None
        if isinstance(row, TagRow):
            if not digest:
                return provider.pull_reference(repository, row.name)
            tag = self.catalog.tag(row.name)
            known = tag.digest if tag else None
            return provider.pull_reference(repository, digest=known) if known else None
        if isinstance(row, PlatformRow):
            return provider.pull_reference(repository, digest=row.platform.digest)
        if isinstance(row, RevisionRow):
            return provider.pull_reference(repository, digest=row.revision.digest)
        return None

    # --- delete (the flow itself is ui/flows/delete.py) -----------------------------------------

    def action_delete(self, whole_digest: bool = False) -> None:
        if self._pane_of_focus() == "repo-pane":
            self.notify(
                "Open a repository (Enter) and highlight a tag to delete it.",
                title="Delete",
                severity="warning",
                markup=False,
            )
            return
        row = self.tag_tree.highlighted_row
        if self.repository is None or not isinstance(row, TagRow):
            self.notify("Highlight a tag to delete it.", severity="warning", markup=False)
            return
        capabilities = self.provider.capabilities
        if not capabilities.delete:
            reason = capabilities.note or f"{self.provider.display_name} does not allow deleting."
            self.notify(
                literal(reason), title="Deletion disabled", severity="warning", markup=False
            )
            return
        if whole_digest and not capabilities.digest_delete:
            self.notify(
                "This registry cannot delete a digest with all its tags.",
                title="Not supported",
                severity="warning",
                markup=False,
            )
            return
        running = self._delete_flow
        if running is not None and running.acting:
            self.notify(
                "A delete is under way: wait for it to finish.",
                title="Delete",
                severity="warning",
                markup=False,
            )
            return
        if running is not None:
            running.cancel_planning()  # d on another tag replaces a plan still computed
        # Without tag deletion the only honest offer is the whole digest.
        flow = DeleteFlow(
            self, self.repository, row.name, whole_digest or not capabilities.tag_delete
        )
        self._delete_flow = flow
        flow.worker = self.run_worker(flow.run(), group="delete", exit_on_error=False)

    def show_planning(self, text: str | None) -> None:
        """The tag pane says a delete is being planned (Esc cancels), or stops saying it."""
        note = self.query_one("#tag-note", Static)
        note.update(Content(text or ""))
        note.display = text is not None
        self._update_tag_title()

    def learn_sharing(self, digest: str, names: set[str]) -> None:
        """A delete plan listed every tag on ``digest``: the ≡ count becomes exact."""
        self.catalog.learn_sharing(digest, names)
        self.tag_tree.refresh_rows()

    def tags_deleted(self, repository: str, removed: tuple[str, ...]) -> None:
        """Take what went off the list at once, then list the tags again to be sure."""
        self._detail_cache.clear()
        tree = self.tag_tree
        self.catalog.remove(removed)
        tree.rebuild(cursor=tree.cursor)
        self.repo_list.set_tag_count(repository, len(self.catalog))
        row = tree.highlighted_row
        self._reload_tags(select=row.name if isinstance(row, TagRow) else None)

    # --- errors and login ---------------------------------------------------------------------

    def _connected(self) -> None:
        if self.header.state != "connected":
            self.header.state = "connected"
        self.header.credentials = self.provider.credential_source

    def on_provider_failed(self, message: msg.ProviderFailed) -> None:
        if message.stale:
            return
        if message.login and self._wants_login(message.error) and message.retry is not None:
            self._ask_login(message.error, message.retry)
            return
        self.report(message.error)

    def report(self, error: TagtuiError) -> None:
        if isinstance(error, ConnectionFailed | RegistryTimeout | TLSError):
            self.header.state = "offline"
        elif isinstance(error, AuthenticationRequired):
            self.header.state = "login"
        self.notify(str(error), title=error.title, severity="error", markup=False, timeout=8)

    def _wants_login(self, error: TagtuiError) -> bool:
        # After a cancelled login, errors are reported instead of asking again on every
        # scroll; "Log in…" in the palette asks on demand.
        return (
            isinstance(error, AuthenticationRequired | PermissionDenied)
            and self.provider.credential_key is not None
            and not self._login_declined
        )

    def action_login(self) -> None:
        if self.provider.credential_key is None:
            self.notify(
                f"{literal(self.provider.display_name)} does not take credentials.",
                title="Log in",
                markup=False,
            )
            return
        self._login_declined = False
        self._ask_login(
            AuthenticationRequired("log in to see what needs credentials"), self._reload_everything
        )

    def _reload_everything(self) -> None:
        self.load_repositories()
        if self.repository is not None:
            self._detail_cache.clear()
            self.catalog.described.clear()
            row = self.tag_tree.highlighted_row
            self._reload_tags(select=row.name if isinstance(row, TagRow) else None)

    def _error_sentence(self, error: TagtuiError) -> str:
        if isinstance(error, AuthenticationRequired):
            return login_reason(error, self.provider.credential_key or self.provider.display_name)
        return f"{error.title}: {error}"

    def _ask_login(self, error: TagtuiError, retry: msg.Retry) -> None:
        """Open the login modal (once: later failures wait for the same answer)."""
        self.header.state = "login"
        if self._login is None:
            self._login = LoginFlow(self, error)
            self._login.worker = self.run_worker(
                self._login.run(), group="login", exit_on_error=False
            )
        self._login.retry_after(retry)

    def login_closed(self, *, declined: bool) -> None:
        """The login modal was answered: a new failure may ask again, unless it was declined."""
        self._login = None
        self._login_declined = declined

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        # Provider errors are caught in the workers; anything else is a bug, shown not fatal.
        if event.state is WorkerState.ERROR and event.worker.error is not None:
            error = event.worker.error
            if event.worker.group == "detail":
                self.detail.show_message("Could not load the detail (see the notification).")
            self.notify(
                literal(f"{type(error).__name__}: {error}", limit=300),
                title="Unexpected error",
                severity="error",
                markup=False,
            )

    # --- misc actions ---------------------------------------------------------------------------

    def action_zoom(self) -> None:
        """Give the focused pane the whole screen (z again or Esc restores the panes)."""
        if self.maximized is not None:
            self.minimize()
        elif self.focused is not None:
            # The pane, not the list inside it: its border carries the title, count and sort.
            pane = next(
                (node for node in self.focused.ancestors_with_self if node.has_class("pane")),
                self.focused,
            )
            self.maximized = pane

    def action_help(self) -> None:
        self.app.push_screen(HelpScreen())

    def action_focus_pane(self, pane: str) -> None:
        target = {"repos": self.repo_list, "tags": self.tag_tree, "detail": self.detail}[pane]
        self._focus(target)

    def go_to_tag(self, name: str) -> None:
        tree = self.tag_tree
        if tree.filter_text and name in self.catalog:
            self._clear_filter("tag-pane")  # the filter may hide it; the input must say so too
        if tree.select_tag(name):
            self._focus(tree)
