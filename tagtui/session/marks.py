"""``TagMarks``: the tags the user marked in one repository, for acting on several at once.

Marks are names, not rows: they survive a filter or another sort, and go when the tag does (a
refresh that no longer lists it, a delete) or when another repository is opened.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator


class TagMarks:
    """A set of marked tag names."""

    def __init__(self) -> None:
        self._names: set[str] = set()

    def __contains__(self, name: object) -> bool:
        return name in self._names

    def __len__(self) -> int:
        return len(self._names)

    def __iter__(self) -> Iterator[str]:
        return iter(self._names)

    def toggle(self, name: str) -> bool:
        """Mark ``name``, or unmark it if it was marked; returns whether it is marked now."""
        if name in self._names:
            self._names.discard(name)
            return False
        self._names.add(name)
        return True

    def mark(self, names: Iterable[str]) -> None:
        self._names.update(names)

    def unmark(self, names: Iterable[str]) -> None:
        self._names.difference_update(names)

    def clear(self) -> None:
        self._names.clear()

    def keep_only(self, existing: Iterable[str]) -> set[str]:
        """Drop the marks of names not in ``existing``; returns the names dropped."""
        if not self._names:
            return set()
        dropped = self._names.difference(existing)
        self._names -= dropped
        return dropped

    def ordered(self, order: Iterable[str]) -> list[str]:
        """The marked names in ``order`` (a display order); names not in it are left out."""
        if not self._names:
            return []
        return [name for name in order if name in self._names]
