"""The repository list: streamed in page by page, filtered as you type, 10,000 rows cheaply."""

from __future__ import annotations

from dataclasses import replace
from typing import Any, ClassVar

from textual.binding import Binding, BindingType
from textual.content import Content

from tagtui.model import Repository
from tagtui.ui.format import literal
from tagtui.ui.widgets.virtual_list import VirtualList


class RepoList(VirtualList):
    """Rows are ``Repository`` objects; ``filter`` narrows them by substring."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter,right,l", "select", "Open"),
        Binding("slash", "screen.filter", "Filter"),
        Binding("escape", "screen.back", "Clear filter", show=False),
        Binding("c", "screen.copy", "Copy"),
        # Says where deleting happens instead of doing nothing.
        Binding("d", "screen.delete", "Delete", show=False),
        Binding("r", "screen.refresh", "Refresh"),
        Binding("z", "screen.zoom", "Zoom", show=False),
    ]

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._all: list[Repository] = []
        self._lower: list[str] = []
        self._names: set[str] = set()
        self._opened: set[str] = set()
        self.filter_text = ""
        self.empty_text = "Loading repositories…"

    @property
    def total(self) -> int:
        return len(self._all)

    def names(self) -> list[str]:
        return [repo.name for repo in self._all]

    def clear(self) -> None:
        self._all, self._lower, self._names, self._opened = [], [], set(), set()
        self.set_rows([], cursor=0)

    def add_page(self, page: list[Repository]) -> None:
        opened = [repo.name for repo in page if repo.name in self._opened]
        highlighted = self.highlighted_row.name if self.highlighted_row is not None else None
        if opened:
            # Opened by name before the catalog listed it: take it back to the catalog's place.
            self._forget(opened)
        fresh = [repo for repo in page if repo.name not in self._names]
        self._all.extend(fresh)
        lowered = [repo.name.lower() for repo in fresh]
        self._lower.extend(lowered)
        self._names.update(repo.name for repo in fresh)
        needle = self.filter_text.lower()
        if needle:
            self.append_rows([r for r, low in zip(fresh, lowered, strict=True) if needle in low])
        else:
            self.append_rows(fresh)
        if highlighted in opened:
            self.move_to(next(repo for repo in fresh if repo.name == highlighted))

    def ensure(self, name: str) -> Repository:
        """The row for ``name``, added if the catalog did not list it (opened by name)."""
        for repo in self._all:
            if repo.name == name:
                return repo
        repo = Repository(name=name)
        self.add_page([repo])
        self._opened.add(name)
        return repo

    def set_tag_count(self, name: str, count: int) -> None:
        """The tag pane counted ``name``'s tags (after a delete or refresh): say the same here."""
        for i, repo in enumerate(self._all):
            if repo.name != name:
                continue
            if repo.tag_count is None or repo.tag_count == count:
                return  # the catalog gave no counts, or it is right
            fresh = replace(repo, tag_count=count)
            self._all[i] = fresh
            rows = self._rows
            index = next((j for j, row in enumerate(rows) if row is repo), None)
            if index is not None:
                rows[index] = fresh
                if index == self.cursor:
                    self._last_highlighted = fresh
            self.refresh_rows()
            return

    def _forget(self, names: list[str]) -> None:
        gone = set(names)
        self._opened -= gone
        self._names -= gone
        keep = [i for i, repo in enumerate(self._all) if repo.name not in gone]
        self._all = [self._all[i] for i in keep]
        self._lower = [self._lower[i] for i in keep]
        anchor = self.highlighted_row
        rows = [repo for repo in self.rows if repo.name not in gone]
        self.set_rows(
            rows, anchor=anchor if anchor is not None and anchor.name not in gone else None
        )

    def set_filter(self, text: str) -> None:
        self.filter_text = text
        needle = text.lower()
        if not needle:
            self.set_rows(list(self._all))
            return
        rows = [repo for repo, low in zip(self._all, self._lower, strict=True) if needle in low]
        self.set_rows(rows)

    def empty_message(self) -> str:
        if self.filter_text and self._all:
            return f"No repositories match /{literal(self.filter_text)}"
        return self.empty_text

    def render_row(self, row: Any, width: int) -> Content:
        repo: Repository = row
        name = Content(literal(repo.name))
        if repo.tag_count is None:
            return name
        # Grouped as the Tags pane title counts them: "2,044" in both places.
        count = Content.styled(f"{repo.tag_count:,}", self.component_style("virtual-list--muted"))
        room = width - count.cell_length
        if room < 5:
            return name
        if name.cell_length < room:
            return name.truncate(room, pad=True) + count  # at least one space before the count
        # A cut name's "…" separates it from the count (name and digits never run together), so
        # no cell goes to a gap and the comma costs a long name nothing: "team/long-na…5,000".
        return name.truncate(room - 1, pad=True) + "…" + count
