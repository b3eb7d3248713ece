"""``RepositoryCatalog``: the repositories listed so far, as the registry's pages arrive.

A repository opened by name before (or without) the catalog listing it is added at the end and
marked as opened; when a later page lists it, it moves to the catalog's place.
"""

from __future__ import annotations

from dataclasses import replace

from tagtui.model import Repository


class RepositoryCatalog:
    def __init__(self) -> None:
        self._all: list[Repository] = []
        # Lower-cased names beside ``_all``: a filter keystroke over 10,000 names scans a list.
        self._lower: list[str] = []
        self._names: set[str] = set()
        # Added by ``ensure``, not (yet) listed by the registry.
        self._opened: set[str] = set()
        # Sizes the tag pane counted: kept for a row listed (again) after they were known.
        self._sizes: dict[str, int] = {}

    def __len__(self) -> int:
        return len(self._all)

    @property
    def all(self) -> list[Repository]:
        return self._all

    def names(self) -> list[str]:
        return [repo.name for repo in self._all]

    def clear(self) -> None:
        self._all, self._lower, self._names, self._opened = [], [], set(), set()

    def add_page(self, page: list[Repository]) -> tuple[list[Repository], set[str]]:
        """Take a page: returns the repositories new to the list, and the names opened by name
        that this page lists (they left their old place and are among the new ones)."""
        moved = {repo.name for repo in page if repo.name in self._opened}
        if moved:
            self._forget(moved)
        sizes = self._sizes
        fresh = [
            replace(repo, size=sizes[repo.name]) if repo.name in sizes else repo
            for repo in page
            if repo.name not in self._names
        ]
        self._all.extend(fresh)
        self._lower.extend(repo.name.lower() for repo in fresh)
        self._names.update(repo.name for repo in fresh)
        return fresh, moved

    def replace(self, listing: list[Repository]) -> None:
        """A refresh listed every repository again: its list, in its order. Names opened by name
        that it does not list stay, at the end."""
        opened = [repo.name for repo in self._all if repo.name in self._opened]
        self.clear()
        self.add_page(listing)
        for name in opened:
            self.ensure(name)

    def find(self, name: str) -> Repository | None:
        if name not in self._names:
            return None  # most lookups (a name typed, a start repository) miss: no scan
        return next((repo for repo in self._all if repo.name == name), None)

    def ensure(self, name: str) -> tuple[Repository, bool]:
        """The repository ``name``, and whether it had to be added (opened by name)."""
        found = self.find(name)
        if found is not None:
            return found, False
        repo = Repository(name=name)
        self.add_page([repo])
        self._opened.add(name)
        return repo, True

    def set_size(self, name: str, size: int) -> tuple[Repository, Repository] | None:
        """``name``'s deduplicated size became known: (old, new) when it changes."""
        self._sizes[name] = size
        for index, repo in enumerate(self._all):
            if repo.name != name:
                continue
            if repo.size == size:
                return None
            fresh = replace(repo, size=size)
            self._all[index] = fresh
            return repo, fresh
        return None

    def set_tag_count(self, name: str, count: int) -> tuple[Repository, Repository] | None:
        """The tag pane counted ``name``'s tags: (old, new) when the listed count changes.

        A catalog that gives no counts keeps giving none.
        """
        for index, repo in enumerate(self._all):
            if repo.name != name:
                continue
            if repo.tag_count is None or repo.tag_count == count:
                return None
            fresh = replace(repo, tag_count=count)
            self._all[index] = fresh
            return repo, fresh
        return None

    def matching(self, needle: str) -> list[Repository]:
        """The repositories whose name contains ``needle`` (any case), in catalog order."""
        if not needle:
            return list(self._all)
        low = needle.lower()
        return [repo for repo, name in zip(self._all, self._lower, strict=True) if low in name]

    def _forget(self, names: set[str]) -> None:
        self._opened -= names
        self._names -= names
        keep = [i for i, repo in enumerate(self._all) if repo.name not in names]
        self._all = [self._all[i] for i in keep]
        self._lower = [self._lower[i] for i in keep]
