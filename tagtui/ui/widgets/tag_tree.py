"""The tag tree: tags (natural or newest-first order); their platforms, revisions and referrers
(signatures, SBOMs, attestations) as children. Tags that only carry referrers are hidden unless
the catalog shows them.

A virtual tree over a ``TagCatalog``: the rows are a flat list rebuilt from (the catalog's order,
the filter, the open tags), and only the rows on screen are drawn. The tree owns no tag data: the
pane feeds the catalog and tells the tree what changed (``listed``, ``facts_changed``,
``children_known``), and the tree redraws.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, ClassVar

from textual.binding import Binding, BindingType
from textual.content import Content
from textual.message import Message

from tagtui.model import Tag
from tagtui.natsort import natural_key
from tagtui.session.catalog import TagCatalog
from tagtui.session.marks import TagMarks
from tagtui.session.referrers import BADGE_WORDS
from tagtui.session.view import PlatformSubject, ReferrerSubject, RevisionSubject, TagSubject
from tagtui.ui import glyphs
from tagtui.ui.format import date_short, human_size, literal, short_digest
from tagtui.ui.widgets.virtual_list import VirtualList

# A data row is what its detail is about: the tree's rows are the session's subjects.
TagRow = TagSubject
PlatformRow = PlatformSubject
RevisionRow = RevisionSubject
ReferrerRow = ReferrerSubject


@dataclass(frozen=True)
class NoteRow:
    """A child line that is not data: "loading…", or why children could not be shown."""

    tag: str
    text: str


Row = TagRow | PlatformRow | RevisionRow | ReferrerRow | NoteRow

# The mark column of an unmarked row: as wide as the mark glyph.
MARK_BLANK = " " * len(glyphs.MARKED)


# From this width a tag row also shows the bytes only it holds ("own 1.2 MiB").
OWN_COLUMN_WIDTH = 64


class TagTree(VirtualList):
    """Rows: ``TagRow`` / ``PlatformRow`` / ``RevisionRow`` / ``ReferrerRow`` / ``NoteRow``."""

    BINDINGS: ClassVar[list[BindingType]] = [
        # First, so the footer keeps "? Help" when it runs out of room (70 columns).
        Binding("question_mark", "screen.help", "Help"),
        Binding("enter", "toggle", "Expand", show=False),
        Binding("right,l", "expand", "Open"),
        Binding("left,h", "collapse", "Back"),
        Binding("escape", "screen.back", "Back", show=False),
        Binding("slash", "screen.filter", "Filter"),
        Binding("s", "screen.cycle_sort", "Sort"),
        Binding("c", "screen.copy", "Copy"),
        Binding("d", "screen.delete", "Delete"),
        Binding("r", "screen.refresh", "Refresh"),
        Binding("space", "screen.toggle_mark", "Mark", key_display="Space"),
        Binding("asterisk", "screen.mark_shown", "Mark shown", show=False),
        Binding("u", "screen.clear_marks", "Clear marks", show=False),
        Binding("H", "screen.toggle_carriers", "Referrer tags", show=False),
        Binding("p", "screen.cleanup", "Clean up", show=False),
        Binding("equals_sign", "screen.compare", "Compare", key_display="=", show=False),
        Binding("z", "screen.zoom", "Zoom", show=False),
    ]

    @dataclass
    class ExpandRequested(Message):
        """A tag was opened whose children (platforms) are not known yet."""

        tree: TagTree
        tag: str

    class Back(Message):
        """← on a top-level row: the user wants the repository list."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {"tag-tree--marked"}

    def __init__(
        self, catalog: TagCatalog, *, marks: TagMarks | None = None, id: str | None = None
    ) -> None:
        super().__init__(id=id)
        self.catalog = catalog
        # The marked tags (the pane owns them): drawn with a mark in the leading column.
        self.marks = marks if marks is not None else TagMarks()
        self.filter_text = ""
        self._expanded: set[str] = set()
        # Row objects per name and the order's rows, kept for the order they were built from:
        # a filter keystroke then scans plain lists (identity is what set_rows looks for first).
        self._rows_by_name: dict[str, TagRow] = {}
        self._order_rows: list[TagRow] = []
        self._order_lower: list[str] = []
        self._order_version = -1
        self._last_children: set[int] = set()
        self.empty_text = "Open a repository to see its tags."

    # --- what changed in the catalog ----------------------------------------------------------

    def show_empty(self, message: str) -> None:
        """No tags to show (the catalog was cleared): say ``message`` instead."""
        self._expanded.clear()
        self.empty_text = message
        self.rebuild(cursor=0)

    def listed(self, *, select: str | None, refresh: bool) -> None:
        """A (new or refreshed) list is in the catalog; the cursor goes to ``select`` if given,
        else stays (a refresh) or starts at the top (another repository)."""
        if not refresh:
            self._expanded.clear()
        self.empty_text = "No tags in this repository."
        anchor = self._row(select) if select and select in self.catalog else None
        self.rebuild(anchor=anchor, cursor=None if (anchor or refresh) else 0)

    def facts_changed(self, reopened: Iterable[str] = ()) -> None:
        """Rows learned facts; ``reopened`` tags have new children (rebuilt if open)."""
        if self._expanded.intersection(reopened):
            self.rebuild()
        else:
            self.refresh_rows()

    def children_known(self, name: str) -> None:
        """The children of ``name`` (and of every tag on its digest) are known now."""
        if name in self._expanded:
            if self.catalog.expandable(name) is False:
                # Opened before we knew: a single image has nothing to show under it.
                self._expanded.discard(name)
            self.rebuild()
        elif self._expanded & self.catalog.on_digest(name):
            self.rebuild()  # a tag on the same digest was open, waiting for its platforms
        else:
            self.refresh_rows()

    def row_for(self, name: str) -> TagRow:
        """The row object of tag ``name`` (what ``rebuild(anchor=…)`` looks for)."""
        return self._row(name)

    def _row(self, name: str) -> TagRow:
        row = self._rows_by_name.get(name)
        if row is None:
            row = self._rows_by_name[name] = TagRow(name)
        return row

    # --- order, filter, expansion ------------------------------------------------------------

    def set_filter(self, text: str) -> None:
        self.filter_text = text
        self.rebuild()

    def rebuild(self, *, anchor: Any = None, cursor: int | None = None) -> None:
        """Rows again from the catalog's order, the filter and what is open."""
        catalog = self.catalog
        if self._order_version != catalog.order_version:
            self._order_version = catalog.order_version
            self._rows_by_name = {
                name: self._rows_by_name.get(name) or TagRow(name) for name in catalog.order
            }
            self._order_rows = list(self._rows_by_name.values())
            self._order_lower = [name.lower() for name in catalog.order]
            self._expanded.intersection_update(self._rows_by_name)
        # One pass over parallel lists: a keystroke in the filter of 10,000 tags stays ~1 ms.
        needle = self.filter_text.lower()
        if needle:
            top = [
                r
                for r, low in zip(self._order_rows, self._order_lower, strict=True)
                if needle in low
            ]
        else:
            top = list(self._order_rows)
        self._last_children.clear()
        if not self._expanded:
            rows: list[Row] = top
        else:
            rows = []
            for row in top:
                rows.append(row)
                if row.name in self._expanded:
                    rows.extend(self._child_rows(row.name))
        self.set_rows(rows, anchor=anchor, cursor=cursor)

    def _child_rows(self, name: str) -> list[Row]:
        catalog = self.catalog
        tag = catalog.tag(name)
        children = catalog.children(name)
        rows: list[Row] = []
        if children is None:
            if self._may_have_platforms(name):
                rows.append(NoteRow(name, f"loading platforms{glyphs.ELLIPSIS}"))
        elif children.error:
            rows.append(NoteRow(name, children.error))
        else:
            rows.extend(PlatformRow(name, p) for p in children.platforms)
        rows.extend(RevisionRow(name, r) for r in (tag.revisions if tag else ()))
        referrers = catalog.referrers_of(name)
        if referrers:
            on_digest = tuple(sorted(catalog.on_digest(name), key=natural_key))
            rows.extend(ReferrerRow(name, r, on_digest) for r in referrers)
        if not rows:
            rows.append(NoteRow(name, "a single image: no platforms"))
        # The last child is drawn with └─ (by identity: equal rows may stand elsewhere).
        self._last_children.add(id(rows[-1]))
        return rows

    def expand(self, name: str) -> None:
        if name in self._expanded or name not in self.catalog:
            return
        self._expanded.add(name)
        if self.catalog.children(name) is None and self._may_have_platforms(name):
            self.post_message(self.ExpandRequested(self, name))
        self.rebuild(anchor=self._row(name))

    def _may_have_platforms(self, name: str) -> bool:
        """Whether ``name`` may be an index (a single image opens to its referrers only)."""
        tag = self.catalog.tag(name)
        return tag is None or tag.media_type is None or tag.is_index

    def collapse(self, name: str) -> None:
        if name in self._expanded:
            self._expanded.discard(name)
            self.rebuild(anchor=self._row(name))

    def select_tag(self, name: str) -> bool:
        if name not in self.catalog:
            return False
        row = self._row(name)
        if not self.move_to(row):
            self.filter_text = ""
            self.rebuild(anchor=row)
        return self.move_to(row)

    # --- actions ------------------------------------------------------------------------------

    def activate(self) -> None:
        self.action_toggle()

    def action_toggle(self) -> None:
        """Enter: open a tag's children, or close them again."""
        self._open_highlighted(self.collapse)

    def action_expand(self) -> None:
        """→: open a tag's children, or step into them when they are open."""
        self._open_highlighted(lambda _name: self.action_cursor_down())

    def _open_highlighted(self, when_open: Callable[[str], None]) -> None:
        row = self.highlighted_row
        if not isinstance(row, TagRow):
            if row is not None:
                self.action_select()  # a platform or revision: its detail is the next step
        elif row.name in self._expanded:
            when_open(row.name)
        elif self.catalog.expandable(row.name) is False:
            self.action_select()
        else:
            self.expand(row.name)

    def action_collapse(self) -> None:
        row = self.highlighted_row
        if isinstance(row, TagRow):
            if row.name in self._expanded:
                self.collapse(row.name)
            else:
                self.post_message(self.Back())
        elif row is not None:
            self.move_to(self._row(row.tag))
        else:
            self.post_message(self.Back())

    def shown_tags(self) -> list[str]:
        """The tags the filter lets through, in order (open tags' children left out)."""
        return [row.name for row in self._rows if isinstance(row, TagRow)]

    # --- rendering ----------------------------------------------------------------------------

    def empty_message(self) -> str:
        catalog = self.catalog
        if self.filter_text and len(catalog):
            return f"No tags match /{literal(self.filter_text)}"
        hidden = catalog.hidden_count
        if hidden and hidden == len(catalog):
            plural = "s" if hidden != 1 else ""
            return (
                f"Only {hidden:,} referrer tag{plural} (signatures, SBOMs{glyphs.ELLIPSIS}): "
                "H shows them."
            )
        return self.empty_text

    def render_row(self, row: Any, width: int) -> Content:
        if isinstance(row, TagRow):
            return self._render_tag(row.name, width)
        muted = self.component_style("virtual-list--muted")
        branch = glyphs.LAST_BRANCH if id(row) in self._last_children else glyphs.BRANCH
        branch += " "
        # The mark column (blank: only tags are marked) keeps the branches under the ►.
        indent = MARK_BLANK + "  "
        if isinstance(row, PlatformRow):
            platform = row.platform
            left = Content.assemble((indent + branch, muted), literal(platform.name))
            # No date column: a platform's name may use that room (size and digest stay aligned).
            return self._undated_child(left, platform.size, platform.digest, width)
        if isinstance(row, RevisionRow):
            revision = row.revision
            label = literal(revision.reference) or "revision"
            left = Content.assemble(
                (indent + branch, muted), (f"{glyphs.REVISIONS} ", muted), label
            )
            right = self._columns(
                width,
                date_short(revision.created),
                None,
                self._plain_digest(revision.digest),
                muted,
            )
            return _justify(left, right, width)
        if isinstance(row, ReferrerRow):
            referrer = row.referrer
            what = referrer.artifact_type or referrer.media_type or "-"
            left = Content.assemble(
                (indent + branch, muted),
                (BADGE_WORDS[referrer.kind], self.component_style("virtual-list--badge")),
                " ",
                literal(what),
            )
            return self._undated_child(left, referrer.size, referrer.digest, width)
        note: NoteRow = row
        return Content.assemble(
            (f"{indent}{glyphs.LAST_BRANCH} ", muted), (literal(note.text), muted)
        )

    def _render_tag(self, name: str, width: int) -> Content:
        catalog = self.catalog
        tag = catalog.tag(name) or Tag(name)
        muted = self.component_style("virtual-list--muted")
        badge = self.component_style("virtual-list--badge")
        expandable = catalog.expandable(name)
        if name in self._expanded:
            marker = f"{glyphs.EXPANDED} "
        else:
            marker = f"{glyphs.COLLAPSED} " if expandable else "  "
        # A fixed leading column: a mark, or a blank as wide, so the names never shift.
        if name in self.marks:
            marked = self.component_style("tag-tree--marked")
            parts: list[Content | tuple[str, Any] | str] = [
                (glyphs.MARKED, marked),
                (marker, muted),
                Content.styled(literal(name), marked),
            ]
        else:
            parts = [MARK_BLANK, (marker, muted), literal(name)]
        children = catalog.children(name)
        if children is not None and children.platforms:
            parts.append((f" {glyphs.PLATFORMS}{len(children.platforms)}", muted))
        words = catalog.badge(name)
        if words:
            # One space before the badge: its own background marks where it starts.
            parts.append(" ")
            parts.append((words, badge))
        if tag.revisions:
            parts.append((f" {glyphs.REVISIONS}{len(tag.revisions)}", muted))
        if tag.status:
            parts.append((" " + literal(tag.status), self.component_style("virtual-list--warning")))
        left = Content.assemble(*parts)
        pending = name in catalog.pending
        filler = glyphs.ELLIPSIS if pending else ""
        date = date_short(tag.created) or filler
        size: int | str | None = tag.size if tag.size is not None else filler
        right = self._columns(width, date, size, self._digest_cell(tag, pending), muted)
        own = catalog.sizes.unique.get(name) if catalog.sizes is not None else None
        if own and width >= OWN_COLUMN_WIDTH:  # nothing for a tag sharing all it holds
            # The bytes only this tag holds (help: "own"), once the sizes are counted; only
            # where the name and its badges keep their room.
            column = Content.styled(f"{'own ' + human_size(own):>13} ", muted)
            if left.cell_length + column.cell_length + right.cell_length < width:
                right = Content.assemble(column, right)
        return _justify(left, right, width)

    def _undated_child(self, left: Content, size: int | None, digest: str, width: int) -> Content:
        """A platform or referrer row: size and digest columns, no date."""
        muted = self.component_style("virtual-list--muted")
        digest_cell = self._plain_digest(digest)
        right = self._columns(width, None, size, digest_cell, muted, show_date=False)
        return _justify(left, right, width)

    @staticmethod
    def _columns(
        width: int,
        date: str | None,
        size: int | str | None,
        digest: Content,
        muted: Any,
        *,
        show_date: bool = True,
    ) -> Content:
        """Date, size and digest columns, dropped from the left as the pane narrows."""
        size_text = human_size(size) if isinstance(size, int) else (size or "")
        parts: list[Content | tuple[str, Any]] = []
        if show_date and width >= 48:
            parts.append((f"{date or '':>10} ", muted))
        if width >= 40 or not show_date:
            parts.append((f"{size_text:>9} ", muted))
        parts.append(digest)
        return Content.assemble(*parts)

    def _plain_digest(self, digest: str | None) -> Content:
        text = f" {short_digest(digest, 8)}   " if digest else " " * 12
        return Content.styled(text, self.component_style("virtual-list--muted"))

    def _digest_cell(self, tag: Tag, pending: bool) -> Content:
        if tag.name in self.catalog.failed and not tag.digest:
            # In the column a long name cannot push out; the detail pane says what went wrong.
            return Content.styled(
                f" {'! error':<11}", self.component_style("virtual-list--warning")
            )
        if not tag.digest:
            filler = glyphs.ELLIPSIS if pending else ""
            return Content.styled(f"{filler:<12}", self.component_style("virtual-list--muted"))
        sharing, exact = self.catalog.sharing(tag.digest)
        short = short_digest(tag.digest, 8)
        if sharing > 1:
            # Marked so a delete of one of them is not a surprise: "≡" + short digest + count,
            # "+" while tags with unknown digests may share it too.
            count = f"{sharing}" if exact else f"{sharing}+"
            return Content.styled(
                f"{glyphs.SHARED}{short}{glyphs.TIMES}{count}".ljust(12),
                self.component_style("virtual-list--accent"),
            )
        return self._plain_digest(tag.digest)


def _justify(left: Content, right: Content, width: int) -> Content:
    """``left`` then ``right`` flush to the right edge; ``left`` gives way first."""
    room = width - right.cell_length - 1
    if room < 8:
        return left.truncate(width, ellipsis=True)
    return left.truncate(room, ellipsis=True, pad=True) + " " + right
