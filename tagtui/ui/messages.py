"""Messages workers post to their pane (and on to the screen). Workers never touch widgets;
handlers do.

Each carries the staleness ``Token`` its worker was started with, so a handler can drop a result
the user has already moved away from (``message.token.current``). They are dataclasses, which
Textual's ``Message`` supports (its ``__post_init__`` sets it up).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import KW_ONLY, dataclass
from typing import TYPE_CHECKING, Any

from textual.message import Message

from tagtui.errors import TagtuiError
from tagtui.model import Referrer, Repository, Tag, TagDetail
from tagtui.session.staleness import Token

if TYPE_CHECKING:
    from tagtui.cleanup.plan import Footprints
from tagtui.session.view import DetailView

Retry = Callable[[], Any]


@dataclass
class RepositoriesPage(Message):
    token: Token
    repositories: list[Repository]


@dataclass
class RepositoriesDone(Message):
    """The listing ended: complete, or stopped by ``error``."""

    token: Token
    error: TagtuiError | None = None


@dataclass
class CatalogRefused(Message):
    token: Token
    error: TagtuiError


@dataclass
class TagsArriving(Message):
    """Part of a first tag list (naturally sorted so far); ``TagsLoaded`` follows with all."""

    token: Token
    tags: list[Tag]
    select: str | None

    @property
    def repository(self) -> str:
        return str(self.token.subject)


@dataclass
class TagsLoaded(Message):
    """The tag list of the repository ``token`` is about, or the ``error`` that stopped it."""

    token: Token
    tags: list[Tag]
    # The tag to put the cursor on once listed.
    select: str | None
    error: TagtuiError | None = None
    _: KW_ONLY
    # The order the provider was asked for (None: its natural order).
    sort: str | None = None

    @property
    def repository(self) -> str:
        return str(self.token.subject)


@dataclass
class TagDescribed(Message):
    token: Token
    tag: Tag


@dataclass
class ReferrersFound(Message):
    """What refers to ``digest`` (a row on screen), or the ``error`` that stopped the lookup."""

    token: Token
    digest: str
    referrers: tuple[Referrer, ...] = ()
    error: TagtuiError | None = None


@dataclass
class FootprintsRead(Message):
    """What every image of the repository ``token`` is about holds on to (its blobs)."""

    token: Token
    footprints: Footprints


@dataclass
class DatesFetched(Message):
    """A batch of tags described for newest-first sorting; ``done`` of ``total`` so far."""

    token: Token
    tags: list[Tag]
    done: int
    total: int


@dataclass
class DescribeFailed(Message):
    token: Token
    name: str
    error: TagtuiError


@dataclass
class DetailLoaded(Message):
    """The view (or the error) for the row ``token`` is about."""

    token: Token
    view: DetailView | TagtuiError


@dataclass
class ChildrenLoaded(Message):
    token: Token
    detail: TagDetail


@dataclass
class ChildrenFailed(Message):
    token: Token
    tag: str
    error: TagtuiError


@dataclass
class ProviderFailed(Message):
    """A provider call failed; ``retry`` repeats it (after a login); dropped once ``token`` is
    stale."""

    error: TagtuiError
    _: KW_ONLY
    retry: Retry | None = None
    token: Token | None = None

    @property
    def stale(self) -> bool:
        return self.token is not None and not self.token.current
