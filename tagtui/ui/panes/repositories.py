"""The repository pane: the catalog as it streams in, its filter, and the way to type a name when
the registry will not list its repositories.

A refresh keeps the list on screen until the new listing is complete; when the network fails it
stays, marked stale, and the listing is tried again (``StaleRetry``, as in the tag pane)."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.content import Content
from textual.events import Resize
from textual.widgets import Input, Static

from tagtui.errors import CatalogUnavailable
from tagtui.model import Repository
from tagtui.session.freshness import keeps_data
from tagtui.session.repositories import RepositoryCatalog
from tagtui.session.staleness import Epoch, Token
from tagtui.ui import glyphs
from tagtui.ui import messages as msg
from tagtui.ui.errors import as_error
from tagtui.ui.format import literal
from tagtui.ui.panes.filtering import FilteredPane
from tagtui.ui.panes.host import PaneHost
from tagtui.ui.panes.retry import StaleRetry
from tagtui.ui.widgets.inputs import FilterInput, OpenInput
from tagtui.ui.widgets.repo_list import RepoList
from tagtui.ui.widgets.virtual_list import VirtualList


class RepositoriesPane(FilteredPane):
    """Owns the repository listing worker, the list's filter and whether a catalog exists."""

    def __init__(self, host: PaneHost, *, id: str, classes: str) -> None:
        super().__init__(id=id, classes=classes)
        self.host = host
        # None until the registry answered; False when it refused to list (Docker Hub).
        self.catalog_available: bool | None = None
        self.listing = False
        # The repository opened last (it stays listed even where the catalog is refused).
        self.chosen: str | None = None
        self.repositories = RepositoryCatalog()
        self.repo_list = self.filtered = RepoList(self.repositories, id="repos")
        self._epoch = Epoch()
        # A reload puts the cursor back on this repository once it is listed again.
        self._anchor: str | None = None
        # A refresh's pages, gathered until the listing is complete (None: pages show at once).
        self._incoming: list[Repository] | None = None
        # A refresh that failed on the network keeps the list, marked stale, and tries again.
        self.stale_retry = StaleRetry(self)

    def compose(self) -> ComposeResult:
        yield FilterInput(id="repo-filter", placeholder="filter repositories")
        yield Static("", id="repo-note", markup=False)
        yield OpenInput(id="open-repo", placeholder=f"open repository{glyphs.ELLIPSIS}")
        yield self.repo_list

    def on_mount(self) -> None:
        for hidden in ("#repo-filter", "#repo-note", "#open-repo"):
            self.query_one(hidden).display = False
        self.update_title()

    def on_resize(self, event: Resize) -> None:
        self.call_after_refresh(self.update_title)

    def update_title(self) -> None:
        repos = self.repo_list
        if self.catalog_available is False:
            self.show_titles("Repositories")
            return
        count = f"{repos.total:,}"
        if repos.filter_text:
            count = f"{len(repos.rows):,}/{repos.total:,}"
        title = f"Repositories {count}"
        if self.size.width > 0 and len(title) > self.size.width - 6:
            title = f"Repos {count}"  # the narrow pane: the count matters more than the word
        subtitle = []
        if self.stale_retry.stale:
            subtitle.append(self.stale_retry.label())
        if repos.filter_text:
            subtitle.append("/" + literal(repos.filter_text))
        if self.listing:
            subtitle.append(f"loading{glyphs.ELLIPSIS}")
        text = f" {glyphs.DOT} ".join(subtitle)
        if self.stale_retry.stale and self.size.width > 0 and len(text) > self.size.width - 4:
            # The narrow pane: since when matters more than saying it retries.
            subtitle[0] = self.stale_retry.freshness.label()
            text = f" {glyphs.DOT} ".join(subtitle)
        self.show_titles(title, text)

    # --- listing ------------------------------------------------------------------------------

    def load(self, *, quiet: bool = False) -> None:
        """List the repositories: into an empty list page by page as they arrive; over a listed
        catalog (a refresh), in the background, replacing the rows once the listing is complete.
        ``quiet``: an automatic retry, whose failure is not announced again."""
        repos = self.repo_list
        token = self._epoch.advance()
        self.listing = True
        self.stale_retry.stop()
        if self.catalog_available and repos.total:
            self._incoming = []
        else:
            self._incoming = None
            row = repos.highlighted_row
            self._anchor = row.name if row is not None and repos.cursor > 0 else None
            repos.clear()
            repos.empty_text = f"Loading repositories{glyphs.ELLIPSIS}"
        self.update_title()
        self._list(token, quiet=quiet)

    @work(exclusive=True, group="repositories", exit_on_error=False)
    async def _list(self, token: Token, *, quiet: bool = False) -> None:
        try:
            async for page in self.host.provider.list_repositories():
                self.post_message(msg.RepositoriesPage(token, page))
        except CatalogUnavailable as err:
            self.post_message(msg.CatalogRefused(token, err))
        except Exception as exc:
            err = as_error(exc)
            if not quiet:
                self.post_message(msg.ProviderFailed(err, retry=self.load, token=token))
            self.post_message(msg.RepositoriesDone(token, err))
        else:
            self.post_message(msg.RepositoriesDone(token))

    def on_repositories_page(self, message: msg.RepositoriesPage) -> None:
        if not message.token.current:
            return
        self.host.connected()
        self.catalog_available = True
        if self._incoming is not None:
            self._incoming.extend(message.repositories)
            return
        repos = self.repo_list
        repos.add_page(message.repositories)
        anchor = self._anchor
        if anchor is not None and repos.cursor == 0:  # unless the user moved meanwhile
            found = next((repo for repo in message.repositories if repo.name == anchor), None)
            if found is not None:
                self._anchor = None
                repos.move_to(found)
        self.update_title()

    def on_repositories_done(self, message: msg.RepositoriesDone) -> None:
        if not message.token.current:
            return
        self.listing = False
        incoming, self._incoming = self._incoming, None
        repos, error = self.repo_list, message.error
        if error is None:
            self.host.connected()
            self.stale_retry.succeeded()
            if incoming is not None:
                repos.replace(incoming)
        elif keeps_data(error) and repos.total:
            # The registry is unreachable, not the repositories gone: keep what is listed (a
            # first listing cut short too), say since when, and ask again later.
            self.stale_retry.failed(error, lambda: self.load(quiet=True))
            self.update_title()
            return
        else:
            self.stale_retry.succeeded()  # nothing kept: nothing stale either
            if incoming is not None:
                repos.clear()
                if self.chosen is not None:
                    repos.ensure(self.chosen)
        if self.catalog_available is not False:
            repos.empty_text = (
                "No repositories."
                if error is None
                else f"{self.host.error_sentence(error)} Press r to retry."
            )
            repos.refresh_rows()
        self.update_title()

    def on_catalog_refused(self, message: msg.CatalogRefused) -> None:
        if not message.token.current:
            return
        self.host.connected()
        self.listing = False
        self._incoming = None
        self.stale_retry.succeeded()
        self.catalog_available = False
        note = self.query_one("#repo-note", Static)
        note.update(Content(str(message.error)))
        note.display = True
        field = self.query_one("#open-repo", Input)
        field.display = True
        self.repo_list.empty_text = ""
        self.repo_list.refresh_rows()
        self.update_title()
        if self.chosen is None:
            self.host.focus_now(field)
        else:
            self.repo_list.ensure(self.chosen)

    # --- choosing -----------------------------------------------------------------------------

    def show_chosen(self, name: str) -> None:
        """``name`` is open: listed (even when the catalog is refused) and highlighted."""
        self.chosen = name
        repos = self.repo_list
        repos.move_to(repos.ensure(name))

    def set_tag_count(self, name: str, count: int) -> None:
        self.repo_list.set_tag_count(name, count)

    def set_size(self, name: str, size: int) -> None:
        self.repo_list.set_size(name, size)

    def open_by_name(self) -> None:
        field = self.query_one("#open-repo", Input)
        field.display = True
        self.host.focus_now(field)

    @on(Input.Submitted, "#open-repo")
    def _typed(self, event: Input.Submitted) -> None:
        name = event.value.strip().strip("/")
        if not name:
            return
        tag = None
        colon = name.rfind(":")
        if colon > name.rfind("/"):
            name, tag = name[:colon], name[colon + 1 :] or None
        event.input.value = ""
        self.host.open_repository(name, tag=tag)

    @on(VirtualList.Selected, "#repos")
    def _selected(self, event: VirtualList.Selected) -> None:
        self.host.open_repository(event.row.name)
