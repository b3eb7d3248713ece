"""The main screen: composes the three panes and routes keys and focus between them.

Each pane owns its workers and its state (``ui/panes/``); flows that take several steps (delete,
login) are one worker each (``ui/flows/``). What is left here is what spans panes: which pane a
key is for, what the highlighted tag row shows in the detail pane, errors and the header.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Container, Horizontal
from textual.content import Content
from textual.events import Resize
from textual.notifications import SeverityLevel
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Footer

from tagtui.credentials import describe_in_use
from tagtui.errors import AuthenticationRequired, PermissionDenied, TagtuiError
from tagtui.providers.base import Provider
from tagtui.session.catalog import TagCatalog
from tagtui.session.view import (
    PlatformSubject,
    ReferrerSubject,
    RevisionSubject,
    Subject,
    TagSubject,
)
from tagtui.ui import glyphs
from tagtui.ui import messages as msg
from tagtui.ui.flows import LOGIN_GROUP
from tagtui.ui.format import literal
from tagtui.ui.panes.detail import DetailPane
from tagtui.ui.panes.repositories import RepositoriesPane
from tagtui.ui.panes.tags import TagsPane
from tagtui.ui.screens.reporter import Reporter
from tagtui.ui.widgets.header import StatusHeader
from tagtui.ui.widgets.repo_list import RepoList
from tagtui.ui.widgets.tag_tree import (
    NoteRow,
    PlatformRow,
    ReferrerRow,
    RevisionRow,
    TagRow,
    TagTree,
)
from tagtui.ui.widgets.virtual_list import VirtualList

if TYPE_CHECKING:
    from tagtui.ui.flows.login import LoginFlow
    from tagtui.ui.flows.planning import PlanningFlow

# Below this width the tag tree and the detail stack on the right of a narrow repository pane.
NARROW_WIDTH = 120


def row_subject(row: object) -> Subject | None:
    """What the detail of a tag-tree row is about (a note row is about nothing)."""
    subjects = TagSubject | PlatformSubject | RevisionSubject | ReferrerSubject
    return row if isinstance(row, subjects) else None


class MainScreen(Screen[None]):
    # A zoomed pane keeps the header (registry, connection) and the footer (keys).
    ALLOW_IN_MAXIMIZED_VIEW = "StatusHeader, Footer"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("question_mark", "help", "Help"),
        # Listed in the help screen and the palette ("Switch registry…"); ui/flows/switch.py.
        Binding("o", "app.switch_registry", "Registries", show=False),
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
        self.repos_pane = RepositoriesPane(self, id="repo-pane", classes="pane")
        self.tags_pane = TagsPane(self, id="tag-pane", classes="pane")
        self.detail = DetailPane(self, catalog=self.tags_pane.catalog, id="detail", classes="pane")
        self.reporter = Reporter(self)
        # The widgets and data the flows and tests reach through the screen.
        self.repo_list: RepoList = self.repos_pane.repo_list
        self.tag_tree: TagTree = self.tags_pane.tag_tree
        self.catalog: TagCatalog = self.tags_pane.catalog
        # The login modal being answered (ui/flows/login.py), and whether the last was declined.
        self._login: LoginFlow | None = None
        self._login_declined = False
        # The delete the user started last (ui/flows/delete.py): Esc cancels its planning.
        self._delete_flow: PlanningFlow | None = None

    # --- layout -------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        # The layout is picked before the children are styled: a class set on the screen
        # later restyles every widget on it (~10 ms before the first paint).
        narrow = self.app.size.width < NARROW_WIDTH
        self.set_class(narrow, "-narrow")
        # Ask the registry first, so that its answer travels while the panes are built.
        self.load_repositories()
        self.detail.border_title = Content("Detail")
        yield StatusHeader(self.provider.display_name, id="status")
        with Horizontal(id="panes"):
            yield self.repos_pane
            with Container(id="right"):
                yield self.tags_pane
                yield self.detail
        # A compact footer fits the tag tree's keys in 80 columns.
        yield Footer(compact=narrow)

    @property
    def header(self) -> StatusHeader:
        return self.query_one("#status", StatusHeader)

    @property
    def repository(self) -> str | None:
        """The repository chosen (its tags may still be on their way)."""
        return self.tags_pane.repository

    @property
    def tags_loading(self) -> bool:
        return self.tags_pane.listing

    def on_mount(self) -> None:
        self.header.credentials = describe_in_use(
            self.provider.credential_source, self.provider.credential_user
        )
        if self.start_repository:
            self.open_repository(self.start_repository, tag=self.start_tag)
        elif self.repos_pane.catalog_available is not False:
            # Unless the listing, asked for in compose, was already refused: the pane focused
            # the field to type a repository name in.
            self.focus_now(self.repo_list)

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = True,
    ) -> None:
        """A notification, naming this screen's registry when another one is shown: toasts are
        the app's, and a failure of a registry left in the background (`o`) must say whose."""
        if self not in self.app.screen_stack:
            name = self.provider.display_name
            title = f"{name} {glyphs.DOT} {title}" if title else name
        super().notify(message, title=title, severity=severity, timeout=timeout, markup=markup)

    def focus_now(self, widget: Widget) -> None:
        # Now, not after the queued messages (Widget.focus defers): a key that follows in
        # the same burst goes to the widget the user moved to.
        self.set_focus(widget)

    def on_resize(self, event: Resize) -> None:
        self.set_class(event.size.width < NARROW_WIDTH, "-narrow")
        # A compact footer fits the tag tree's keys in 80 columns.
        self.query_one(Footer).compact = event.size.width < NARROW_WIDTH

    def focused_pane(self) -> str:
        node: Widget | None = self.focused
        while node is not None:
            if node.id in ("repo-pane", "tag-pane", "detail"):
                return node.id
            node = node.parent  # type: ignore[assignment]
        return "repo-pane"

    # --- between the panes --------------------------------------------------------------------

    def load_repositories(self) -> None:
        self.repos_pane.load()

    def open_repository(self, name: str, *, tag: str | None = None, focus: bool = True) -> None:
        self.repos_pane.show_chosen(name)
        self.tags_pane.open(name, select=tag)
        self.detail.show_message("Highlight a tag to see its detail.")
        if focus:
            self.focus_now(self.tag_tree)

    @on(TagsPane.Listed)
    def _tags_listed(self, event: TagsPane.Listed) -> None:
        if event.failed:
            self.detail.show_message("No tag to show.")
            return
        self.repos_pane.set_tag_count(event.repository, event.count)
        self._show_detail_for(self.tag_tree.highlighted_row)

    @on(TagsPane.Measured)
    def _sizes_measured(self, event: TagsPane.Measured) -> None:
        if event.total is not None:
            self.repos_pane.set_size(event.repository, event.total)
        self.detail.refresh_sizes()

    @on(VirtualList.Highlighted, "#tags")
    def _tag_highlighted(self, event: VirtualList.Highlighted) -> None:
        self._show_detail_for(event.row)

    def _show_detail_for(self, row: object) -> None:
        subject = row_subject(row)
        repository = self.repository
        if subject is None or repository is None:
            if isinstance(row, NoteRow):
                self.detail.show_nothing(row.text)
            elif repository is not None and not self.tags_loading:
                self.detail.show_nothing("Highlight a tag to see its detail.")
            else:
                self.detail.show_nothing(None)
            return
        self.detail.show_subject(repository, subject)

    @on(DetailPane.TagLoaded)
    def _tag_detail_loaded(self, event: DetailPane.TagLoaded) -> None:
        if event.repository == self.catalog.repository:
            self.tags_pane.learn_detail(event.detail)

    @on(DetailPane.ReferrersLoaded)
    def _referrers_loaded(self, event: DetailPane.ReferrersLoaded) -> None:
        if event.repository == self.catalog.repository:
            self.tags_pane.learn_referrers(event.digest, event.referrers)

    @on(TagTree.ExpandRequested)
    def _expand_requested(self, event: TagTree.ExpandRequested) -> None:
        repository = self.repository
        if repository is None:
            return
        # The detail pane may have loaded it already: its platforms are the children.
        known = self.detail.cached_tag(repository, event.tag)
        if known is not None:
            self.tags_pane.learn_detail(known)
        else:
            self.tags_pane.load_children(event.tag)

    @on(TagTree.Back)
    def _tree_back(self) -> None:
        self.focus_now(self.repo_list)

    @on(VirtualList.Selected, "#tags")
    def _tag_chosen(self, event: VirtualList.Selected) -> None:
        # Enter on something without children: the detail is the next place to look.
        self.focus_now(self.detail)

    def go_to_tag(self, name: str) -> None:
        tree = self.tag_tree
        if tree.filter_text and name in self.catalog:
            self.tags_pane.clear_filter()  # the filter may hide it; the input must say so too
        if tree.select_tag(name):
            self.focus_now(tree)

    # --- keys ---------------------------------------------------------------------------------

    def action_open_by_name(self) -> None:
        self.repos_pane.open_by_name()

    def action_filter(self, pane: str | None = None) -> None:
        pane = pane or self.focused_pane()
        if pane == "repo-pane":
            self.repos_pane.open_filter()
        else:
            self.tags_pane.open_filter()

    def action_clear_filter(self) -> None:
        focused = self.focused
        if focused is not None and focused.id == "tag-filter":
            self.tags_pane.clear_filter()
            self.focus_now(self.tag_tree)
        else:
            self.repos_pane.clear_filter()
            self.focus_now(self.repo_list)

    def action_back(self) -> None:
        if self._delete_flow is not None and self._delete_flow.cancel_planning():
            return
        pane = self.focused_pane()
        if pane == "repo-pane":
            if self.repo_list.filter_text:
                self.repos_pane.clear_filter()
        elif pane == "tag-pane":
            if self.tag_tree.filter_text:
                self.tags_pane.clear_filter()
            else:
                self.focus_now(self.repo_list)
        else:
            self.focus_now(self.tag_tree)

    def action_cycle_sort(self) -> None:
        self.tags_pane.cycle_sort()

    def action_toggle_mark(self) -> None:
        self.tags_pane.toggle_mark()

    def action_toggle_carriers(self) -> None:
        self.tags_pane.toggle_carriers()

    def action_mark_shown(self) -> None:
        self.tags_pane.mark_shown()

    def action_clear_marks(self) -> None:
        self.tags_pane.clear_marks()

    def action_cleanup(self) -> None:
        from tagtui.ui.flows.cleanup import start_cleanup

        start_cleanup(self)

    def action_compare(self) -> None:
        from tagtui.ui.flows.compare import start_compare

        start_compare(self)

    def action_refresh(self) -> None:
        if self.focused_pane() == "repo-pane" or self.repository is None:
            self.load_repositories()
            self.notify(f"Reloading repositories{glyphs.ELLIPSIS}", markup=False)
            return
        self.detail.forget()
        self.tags_pane.refresh_facts()
        self._show_detail_for(self.tag_tree.highlighted_row)
        self.notify(f"Reloading tags of {literal(self.repository)}{glyphs.ELLIPSIS}", markup=False)

    def action_copy(self) -> None:
        self.copy_reference()

    def action_copy_digest(self) -> None:
        self.copy_reference(digest=True)

    def copy_reference(self, *, digest: bool = False) -> None:
        reference = self._current_reference(digest=digest)
        if reference is None:
            what = "a tag with a known digest" if digest else "a repository or a tag"
            self.notify(f"Highlight {what} first.", severity="warning", markup=False)
            return
        self.app.copy_to_clipboard(reference)
        self.notify(f"Copied {literal(reference)}", title="Clipboard", markup=False)

    def _current_reference(self, *, digest: bool = False) -> str | None:
        provider = self.provider
        if self.focused_pane() == "repo-pane":
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
        if isinstance(row, ReferrerRow):
            return provider.pull_reference(repository, digest=row.referrer.digest)
        return None

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
        from tagtui.ui.screens.help import HelpScreen

        self.app.push_screen(HelpScreen())

    def action_focus_pane(self, pane: str) -> None:
        target = {"repos": self.repo_list, "tags": self.tag_tree, "detail": self.detail}[pane]
        self.focus_now(target)

    # --- delete (the flow itself is ui/flows/delete.py) -----------------------------------------

    def action_delete(self, whole_digest: bool = False) -> None:
        from tagtui.ui.flows.delete import start_delete

        flow = start_delete(self, self._delete_flow, whole_digest=whole_digest)
        if flow is not None:
            self._delete_flow = flow

    # --- errors and login ---------------------------------------------------------------------

    def connected(self) -> None:
        """The registry answered: the header says so, whose credentials, and the budget the
        answer stated (a reactive: nothing is redrawn when it did not change)."""
        if self.header.state != "connected":
            self.header.state = "connected"
        self.header.rate = self.provider.rate_limit
        self.header.credentials = describe_in_use(
            self.provider.credential_source, self.provider.credential_user
        )

    def on_provider_failed(self, message: msg.ProviderFailed) -> None:
        self.header.rate = self.provider.rate_limit  # a 429 states the budget too
        if message.stale:
            return
        if self.wants_login(message.error) and message.retry is not None:
            self.reporter.credentials_refused(message.error)
            self.ask_login(message.error, message.retry)
            return
        self.report(message.error)

    def report(self, error: TagtuiError) -> None:
        self.reporter.report(error)

    def unexpected(self, error: BaseException) -> None:
        self.reporter.unexpected(error)

    def error_sentence(self, error: TagtuiError) -> str:
        if isinstance(error, AuthenticationRequired):
            from tagtui.ui.screens.login import login_reason

            return login_reason(error, self.provider.credential_key or self.provider.display_name)
        return f"{error.title}: {error}"

    def wants_login(self, error: TagtuiError) -> bool:
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
        self.ask_login(
            AuthenticationRequired("log in to see what needs credentials"), self._reload_everything
        )

    def _reload_everything(self) -> None:
        self.load_repositories()
        if self.repository is not None:
            self.detail.forget()
            self.tags_pane.refresh_facts()

    def ask_login(self, error: TagtuiError, retry: msg.Retry) -> None:
        """Open the login modal (once: later failures wait for the same answer)."""
        self.header.state = "login"
        if self._login is None:
            from tagtui.ui.flows.login import LoginFlow

            self._login = LoginFlow(self, error)
            self.run_worker(self._login.run(), group=LOGIN_GROUP, exit_on_error=False)
        self._login.retry_after(retry)

    def login_closed(self, *, declined: bool) -> None:
        """The login modal was answered: a new failure may ask again, unless it was declined."""
        self._login = None
        self._login_declined = declined
