"""The detail pane: loads what the highlighted row stands for (``session.view.load_view``) and
shows it; the last views are kept, so moving back over rows costs no request."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Collection
from dataclasses import dataclass, replace
from datetime import datetime

from textual import work
from textual.message import Message
from textual.worker import Worker

from tagtui.errors import TagtuiError
from tagtui.model import Referrer, TagDetail
from tagtui.session.catalog import TagCatalog
from tagtui.session.freshness import Freshness, keeps_data
from tagtui.session.staleness import Epoch, Token
from tagtui.session.view import (
    DetailView,
    PlatformSubject,
    Subject,
    TagSubject,
    load_view,
    subject_key,
    subject_reference,
    with_referrers,
)
from tagtui.ui import glyphs
from tagtui.ui import messages as msg
from tagtui.ui.errors import as_error
from tagtui.ui.format import literal
from tagtui.ui.panes.host import PaneHost, worker_failed
from tagtui.ui.widgets.detail import DetailPanel

# Views kept (a view is a parsed manifest and config: small).
DETAIL_CACHE = 256


class DetailPane(DetailPanel):
    """The detail panel that owns its loading: one worker, one cache, one staleness token."""

    @dataclass
    class TagLoaded(Message):
        """A tag's detail arrived: what it says about the tag's row (platforms, size) holds."""

        repository: str
        detail: TagDetail

    @dataclass
    class ReferrersLoaded(Message):
        """What refers to a tag's digest came with its detail: its row's badge holds it too."""

        repository: str
        digest: str
        referrers: tuple[Referrer, ...]

    def __init__(
        self, host: PaneHost, *, catalog: TagCatalog | None = None, id: str, classes: str
    ) -> None:
        super().__init__(id=id, classes=classes)
        self.host = host
        # The tag pane's catalog: its tag names spare referrer lookups of absent cosign tags,
        # and a platform row's index digest finds BuildKit's attestations of it.
        self.catalog = catalog
        # Subject: the key of the view asked for last.
        self._epoch = Epoch()
        self._cache: OrderedDict[tuple[str, ...], DetailView] = OrderedDict()
        # What was shown before a refresh: shown again, marked stale, if the refresh cannot
        # reach the registry.
        self._previous: dict[tuple[str, ...], DetailView] = {}
        self.freshness = Freshness()
        # The key whose load was started last and whose result has not been handled yet: its
        # worker may have finished with the result still queued (not cached yet, not loading).
        self._in_flight: tuple[str, ...] | None = None

    @property
    def shown_key(self) -> tuple[str, ...] | None:
        """The key of the view shown or on its way (None: a message is shown)."""
        return self._epoch.current.subject  # type: ignore[return-value]

    def cached(self, key: tuple[str, ...]) -> DetailView | None:
        return self._cache.get(key)

    def cached_tag(self, repository: str, tag: str) -> TagDetail | None:
        view = self._cache.get(subject_key(repository, TagSubject(tag)))
        return view.detail if view is not None else None

    def forget(self) -> None:
        """Tags were deleted or refreshed: what was loaded may be out of date."""
        self._previous = dict(self._cache)
        self._cache.clear()

    def show(self, view: DetailView, *, note: str = "") -> None:
        super().show(self._with_sizes(view), note=note)

    def refresh_sizes(self) -> None:
        """The tag pane counted the sizes: the tag shown gains its own bytes, in place."""
        view = self.view
        if view is not None:
            sized = self._with_sizes(view)
            if sized is not view:
                self.replace_view(sized)

    def _with_sizes(self, view: DetailView) -> DetailView:
        """A tag's view with the bytes only it holds, when the catalog counted them."""
        key, catalog = self.shown_key, self.catalog
        if key is None or key[1] != "tag" or catalog is None or catalog.sizes is None:
            return view
        if catalog.repository != key[0] or view.unique_bytes is not None:
            return view
        unique = catalog.sizes.unique.get(key[2])
        return view if unique is None else replace(view, unique_bytes=unique)

    def show_nothing(self, text: str | None) -> None:
        """No row to show: say ``text`` (or keep what is said)."""
        self._epoch.advance()
        self.workers.cancel_group(self, "detail")
        self._in_flight = None
        if text is not None:
            self.show_message(text)

    def show_subject(self, repository: str, subject: Subject) -> None:
        key = subject_key(repository, subject)
        cached = self._cache.get(key)
        if cached is not None and cached is self.view and key == self._epoch.current.subject:
            return  # shown already (a rebuilt list highlights the same row again)
        if cached is not None:
            self._epoch.advance(key)
            self.workers.cancel_group(self, "detail")
            self.show(cached)
            return
        loading = any(
            worker.group == "detail" and not worker.is_finished for worker in self.workers
        )
        if key == self._epoch.current.subject and (loading or key == self._in_flight):
            return  # already on its way (a rebuilt list highlights the same tag again)
        token = self._epoch.advance(key)
        self._in_flight = key
        reference = subject_reference(self.host.provider, repository, subject)
        self.show_message(f"Loading {literal(reference)}{glyphs.ELLIPSIS}", loading=True)
        self._load(token, repository, subject)

    def _listing(
        self, repository: str, subject: Subject
    ) -> tuple[Collection[str] | None, str | None]:
        """The listed tag names (None when another list is shown) and a platform's index."""
        catalog = self.catalog
        if catalog is None or catalog.repository != repository:
            return None, None
        index = None
        if isinstance(subject, PlatformSubject):
            tag = catalog.tag(subject.tag)
            index = tag.digest if tag is not None else None
        return catalog.names(), index

    @work(exclusive=True, group="detail", exit_on_error=False)
    async def _load(self, token: Token, repository: str, subject: Subject) -> None:
        tags, index = self._listing(repository, subject)
        provider = self.host.provider
        try:
            view = await load_view(provider, repository, subject)
            catalog = self.catalog
            known = catalog.referrers_found if tags is not None and catalog else None
            view = await with_referrers(
                provider, repository, view, subject, tags=tags, index_digest=index, known=known
            )
        except Exception as exc:
            err = as_error(exc)
            retry = self._retry_for(token, repository, subject)
            self.post_message(msg.ProviderFailed(err, retry=retry, token=token))
            self.post_message(msg.DetailLoaded(token, err))
            return
        self.post_message(msg.DetailLoaded(token, view))

    def _retry_for(self, token: Token, repository: str, subject: Subject) -> msg.Retry:
        def retry() -> None:
            if token.current:  # still the row highlighted
                self.show_subject(repository, subject)

        return retry

    def on_detail_loaded(self, message: msg.DetailLoaded) -> None:
        view = message.view
        key: tuple[str, ...] = message.token.subject  # type: ignore[assignment]
        if key == self._in_flight:
            self._in_flight = None
        if isinstance(view, TagtuiError):
            previous = self._previous.get(key)
            if not message.token.current:
                return
            if previous is not None and keeps_data(view):
                self.freshness.failed(datetime.now())
                self.show(previous, note=f"{self.freshness.label()}: {view.title.lower()}")
            else:
                self.show_message(self.host.error_sentence(view))
            return
        self.host.connected()
        self.freshness.succeeded()
        self._previous.pop(key, None)
        self._cache[key] = view
        self._cache.move_to_end(key)
        while len(self._cache) > DETAIL_CACHE:
            self._cache.popitem(last=False)
        repository, kind = key[0], key[1]
        if kind == "tag" and view.detail is not None:
            self.post_message(self.TagLoaded(repository, view.detail))
            if view.referrers is not None and view.detail.digest:
                self.post_message(
                    self.ReferrersLoaded(repository, view.detail.digest, view.referrers)
                )
        if message.token.current:
            self.show(view)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        error = worker_failed(event)
        if error is not None:
            if event.worker.group == "detail":
                self._in_flight = None
                self.show_message("Could not load the detail (see the notification).")
            self.host.unexpected(error)
