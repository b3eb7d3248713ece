"""Messages workers post to the main screen. Workers never touch widgets; handlers do.

Each carries the staleness ``Token`` its worker was started with, so a handler can drop a result
the user has already moved away from (``message.token.current``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.message import Message

from tagtui.errors import TagtuiError
from tagtui.model import Repository, Tag, TagDetail
from tagtui.session.staleness import Token
from tagtui.session.view import DetailView

Retry = Callable[[], Any]


class RepositoriesPage(Message):
    def __init__(self, token: Token, repositories: list[Repository]) -> None:
        super().__init__()
        self.token = token
        self.repositories = repositories


class RepositoriesDone(Message):
    """The listing ended: complete, or stopped by ``error``."""

    def __init__(self, token: Token, error: TagtuiError | None = None) -> None:
        super().__init__()
        self.token = token
        self.error = error


class CatalogRefused(Message):
    def __init__(self, token: Token, error: TagtuiError) -> None:
        super().__init__()
        self.token = token
        self.error = error


class TagsLoaded(Message):
    """The tag list of the repository ``token`` is about, or the ``error`` that stopped it."""

    def __init__(
        self,
        token: Token,
        tags: list[Tag],
        select: str | None,
        error: TagtuiError | None = None,
        *,
        sort: str | None = None,
    ) -> None:
        super().__init__()
        self.token = token
        self.tags = tags
        # The tag to put the cursor on once listed.
        self.select = select
        self.error = error
        # The order the provider was asked for (None: its natural order).
        self.sort = sort

    @property
    def repository(self) -> str:
        return str(self.token.subject)


class TagDescribed(Message):
    def __init__(self, token: Token, tag: Tag) -> None:
        super().__init__()
        self.token = token
        self.tag = tag


class DatesFetched(Message):
    """A batch of tags described for newest-first sorting; ``done`` of ``total`` so far."""

    def __init__(self, token: Token, tags: list[Tag], done: int, total: int) -> None:
        super().__init__()
        self.token = token
        self.tags = tags
        self.done = done
        self.total = total


class DescribeFailed(Message):
    def __init__(self, token: Token, name: str, error: TagtuiError) -> None:
        super().__init__()
        self.token = token
        self.name = name
        self.error = error


class DetailLoaded(Message):
    """The view (or the error) for the row ``token`` is about."""

    def __init__(self, token: Token, view: DetailView | TagtuiError) -> None:
        super().__init__()
        self.token = token
        self.view = view


class ChildrenLoaded(Message):
    def __init__(self, token: Token, detail: TagDetail) -> None:
        super().__init__()
        self.token = token
        self.detail = detail


class ChildrenFailed(Message):
    def __init__(self, token: Token, tag: str, error: TagtuiError) -> None:
        super().__init__()
        self.token = token
        self.tag = tag
        self.error = error


class ProviderFailed(Message):
    """A provider call failed; ``retry`` repeats it (after a login); dropped once ``token`` is
    stale."""

    def __init__(
        self,
        error: TagtuiError,
        *,
        retry: Retry | None = None,
        token: Token | None = None,
        login: bool = True,
    ) -> None:
        super().__init__()
        self.error = error
        self.retry = retry
        self.token = token
        self.login = login

    @property
    def stale(self) -> bool:
        return self.token is not None and not self.token.current
