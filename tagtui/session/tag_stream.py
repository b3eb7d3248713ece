"""``TagStream``: a tag list arriving page by page, and when it is worth showing what came.

A first listing shows rows as pages arrive; re-sorting the whole list for every page of a
100,000-tag repository would cost more than the pages themselves, so the list is shown after
the first page and then each time it has doubled (1, 2, 4, 8… pages: a few sorts in all, each
name's sort key computed once), and once more, complete, at the end.
"""

from __future__ import annotations

from collections.abc import Iterable

from tagtui.model import Tag
from tagtui.natsort import NaturalKey, natural_key


class TagStream:
    """Pages in; the list so far in natural order (``in_order``: the pages come sorted)."""

    def __init__(self, *, in_order: bool) -> None:
        self.in_order = in_order
        self._tags: list[Tag] = []
        self._keys: dict[str, NaturalKey] = {}
        self._shown = 0

    def __len__(self) -> int:
        return len(self._tags)

    def add(self, page: Iterable[Tag]) -> bool:
        """Take a page; True when the list has grown enough to be shown again."""
        page = list(page)
        self._tags += page
        if not self.in_order:
            keys = self._keys
            for tag in page:
                keys[tag.name] = natural_key(tag.name)
        if self._tags and len(self._tags) >= 2 * self._shown:
            self._shown = len(self._tags)
            return True
        return False

    def tags(self) -> list[Tag]:
        """Everything so far, naturally sorted (the order the Provider contract gives)."""
        if self.in_order:
            return list(self._tags)
        keys = self._keys
        # Sorted in place: the part shown last is one sorted run, which timsort merges cheaply.
        self._tags.sort(key=lambda tag: keys[tag.name])
        return list(self._tags)
