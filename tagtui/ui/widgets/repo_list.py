"""The repository list: streamed in page by page, filtered as you type, 10,000 rows cheaply."""

from __future__ import annotations

from typing import Any, ClassVar

from textual.binding import Binding, BindingType
from textual.content import Content

from tagtui.model import Repository
from tagtui.session.repositories import RepositoryCatalog
from tagtui.ui import glyphs
from tagtui.ui.format import human_size, literal, shorten_middle
from tagtui.ui.widgets.virtual_list import VirtualList

# From this pane width a repository's size shows beside its tag count (zoomed, or wide screens).
SIZE_WIDTH = 36


class RepoList(VirtualList):
    """Rows are ``Repository`` objects; ``filter`` narrows them by substring."""

    BINDINGS: ClassVar[list[BindingType]] = [
        # First, so the footer keeps "? Help" when it runs out of room (70 columns).
        Binding("question_mark", "screen.help", "Help"),
        Binding("enter,right,l", "select", "Open"),
        Binding("slash", "screen.filter", "Filter"),
        Binding("escape", "screen.back", "Clear filter", show=False),
        Binding("c", "screen.copy", "Copy"),
        # Says where deleting happens instead of doing nothing.
        Binding("d", "screen.delete", "Delete", show=False),
        Binding("r", "screen.refresh", "Refresh"),
        Binding("z", "screen.zoom", "Zoom", show=False),
    ]

    def __init__(self, catalog: RepositoryCatalog, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.catalog = catalog
        self.filter_text = ""
        self.empty_text = f"Loading repositories{glyphs.ELLIPSIS}"

    @property
    def total(self) -> int:
        return len(self.catalog)

    def names(self) -> list[str]:
        return self.catalog.names()

    def clear(self) -> None:
        self.catalog.clear()
        self.set_rows([], cursor=0)

    def add_page(self, page: list[Repository]) -> None:
        highlighted = self.highlighted_row.name if self.highlighted_row is not None else None
        fresh, moved = self.catalog.add_page(page)
        if moved:
            # Opened by name before the catalog listed it: it goes back to the catalog's place.
            anchor = None if highlighted in moved else self.highlighted_row
            self.set_rows([repo for repo in self.rows if repo.name not in moved], anchor=anchor)
        needle = self.filter_text.lower()
        self.append_rows([r for r in fresh if needle in r.name.lower()] if needle else fresh)
        if highlighted in moved:
            self.move_to(next(repo for repo in fresh if repo.name == highlighted))

    def replace(self, listing: list[Repository]) -> None:
        """A refresh's complete listing takes the place of the rows; the cursor stays on its
        repository if it is still listed."""
        row = self.highlighted_row
        self.catalog.replace(listing)
        rows = self.catalog.matching(self.filter_text)
        name = row.name if row is not None else None
        at = next((i for i, repo in enumerate(rows) if repo.name == name), None)
        self.set_rows(rows, cursor=at if at is not None else self.cursor)

    def ensure(self, name: str) -> Repository:
        """The row for ``name``, added if the catalog did not list it (opened by name)."""
        repo, added = self.catalog.ensure(name)
        if added and (not self.filter_text or self.filter_text.lower() in name.lower()):
            self.append_rows([repo])
        return repo

    def set_tag_count(self, name: str, count: int) -> None:
        """The tag pane counted ``name``'s tags (after a delete or refresh): say the same here."""
        self._replace_row(self.catalog.set_tag_count(name, count))

    def set_size(self, name: str, size: int) -> None:
        """``name``'s deduplicated size is known (its tags were all described)."""
        self._replace_row(self.catalog.set_size(name, size))

    def _replace_row(self, change: tuple[Repository, Repository] | None) -> None:
        if change is None:
            return
        old, fresh = change
        rows = self._rows
        index = next((j for j, row in enumerate(rows) if row is old), None)
        if index is not None:
            rows[index] = fresh
            if index == self.cursor:
                self._last_highlighted = fresh
        self.refresh_rows()

    def set_filter(self, text: str) -> None:
        self.filter_text = text
        self.set_rows(self.catalog.matching(text))

    def empty_message(self) -> str:
        if self.filter_text and len(self.catalog):
            return f"No repositories match /{literal(self.filter_text)}"
        return self.empty_text

    def render_row(self, row: Any, width: int) -> Content:
        repo: Repository = row
        name = literal(repo.name)
        figures = [] if repo.tag_count is None else [f"{repo.tag_count:,}"]
        if repo.size is not None and width >= SIZE_WIDTH:
            figures.append(human_size(repo.size))
        if not figures:
            return Content(shorten_middle(name, width))
        # Grouped as the Tags pane title counts them: "2,044" in both places.
        count = Content.styled(" ".join(figures), self.component_style("virtual-list--muted"))
        room = width - count.cell_length
        if room < 5:
            return Content(shorten_middle(name, width))
        # At least one space before the count: name and digits never run together. A long
        # name gives way in the middle, so names that share a long prefix stay apart.
        return Content(shorten_middle(name, room - 1)).truncate(room, pad=True) + count
