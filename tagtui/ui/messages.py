"""Messages workers post to the main screen. Workers never touch widgets; handlers do.

Each carries what it is about (repository, generation, key) so a handler can drop a result the
user has already moved away from.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.message import Message

from tagtui.errors import TagtuiError
from tagtui.model import DeletePlan, DeleteResult, Repository, Tag, TagDetail

Retry = Callable[[], Any]


class RepositoriesPage(Message):
    def __init__(self, generation: int, repositories: list[Repository]) -> None:
        super().__init__()
        self.generation = generation
        self.repositories = repositories


class RepositoriesDone(Message):
    """The listing ended: complete, or stopped by ``error``."""

    def __init__(self, generation: int, error: TagtuiError | None = None) -> None:
        super().__init__()
        self.generation = generation
        self.error = error


class CatalogRefused(Message):
    def __init__(self, generation: int, error: TagtuiError) -> None:
        super().__init__()
        self.generation = generation
        self.error = error


class TagsLoaded(Message):
    """The tag list of ``repository``, or the ``error`` that stopped it."""

    def __init__(
        self,
        repository: str,
        generation: int,
        tags: list[Tag],
        keep: str | None,
        error: TagtuiError | None = None,
        *,
        sort: str | None = None,
    ) -> None:
        super().__init__()
        self.repository = repository
        self.generation = generation
        self.tags = tags
        self.keep = keep
        self.error = error
        # The order the provider was asked for (None: its natural order).
        self.sort = sort


class TagDescribed(Message):
    def __init__(self, repository: str, generation: int, tag: Tag) -> None:
        super().__init__()
        self.repository = repository
        self.generation = generation
        self.tag = tag


class DatesFetched(Message):
    """A batch of tags described for newest-first sorting; ``done`` of ``total`` so far."""

    def __init__(
        self, repository: str, generation: int, tags: list[Tag], done: int, total: int
    ) -> None:
        super().__init__()
        self.repository = repository
        self.generation = generation
        self.tags = tags
        self.done = done
        self.total = total


class DescribeFailed(Message):
    def __init__(self, repository: str, generation: int, name: str, error: TagtuiError) -> None:
        super().__init__()
        self.repository = repository
        self.generation = generation
        self.name = name
        self.error = error


class DetailLoaded(Message):
    def __init__(self, key: tuple[str, ...], view: Any) -> None:
        super().__init__()
        self.key = key
        self.view = view


class ChildrenLoaded(Message):
    def __init__(self, repository: str, generation: int, detail: TagDetail) -> None:
        super().__init__()
        self.repository = repository
        self.generation = generation
        self.detail = detail


class ChildrenFailed(Message):
    def __init__(self, repository: str, generation: int, tag: str, error: TagtuiError) -> None:
        super().__init__()
        self.repository = repository
        self.generation = generation
        self.tag = tag
        self.error = error


class DeletePlanned(Message):
    """A delete plan (or why there is none) from the planning ``worker``."""

    def __init__(
        self, plan: DeletePlan | None, worker: object, error: TagtuiError | None = None
    ) -> None:
        super().__init__()
        self.plan = plan
        self.worker = worker
        self.error = error


class Deleted(Message):
    def __init__(self, plan: DeletePlan, result: DeleteResult) -> None:
        super().__init__()
        self.plan = plan
        self.result = result


class ProviderFailed(Message):
    """A provider call failed; ``retry`` repeats it (after a login), ``stale`` drops it."""

    def __init__(
        self,
        error: TagtuiError,
        *,
        retry: Retry | None = None,
        stale: Callable[[], bool] | None = None,
        login: bool = True,
    ) -> None:
        super().__init__()
        self.error = error
        self.retry = retry
        self.stale = stale
        self.login = login
