"""The tag tree: tags (natural or newest-first order), their platforms and revisions as children.

A virtual tree: the rows are a flat list rebuilt from (sorted tags, filter, expanded set), and only
the rows on screen are drawn. Facts that arrive later (dates, sizes, digests from
``describe_tag``; platforms from ``get_tag``) update the per-tag state and redraw.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, ClassVar

from textual.binding import Binding, BindingType
from textual.content import Content
from textual.message import Message

from tagtui.model import Platform, Tag, TagDetail, TagRevision, preferred_platform
from tagtui.natsort import natural_key
from tagtui.ui.format import date_short, human_size, literal, short_digest
from tagtui.ui.widgets.virtual_list import VirtualList

SORTS = ("name", "newest")


def is_index_type(media_type: str | None) -> bool:
    return bool(media_type) and ("index" in media_type or "manifest.list" in media_type)


@dataclass(frozen=True)
class TagRow:
    name: str


@dataclass(frozen=True)
class PlatformRow:
    tag: str
    platform: Platform
    last: bool = False


@dataclass(frozen=True)
class RevisionRow:
    tag: str
    revision: TagRevision
    last: bool = False


@dataclass(frozen=True)
class NoteRow:
    """A child line that is not data: "loading…", or why children could not be shown."""

    tag: str
    text: str


Row = TagRow | PlatformRow | RevisionRow | NoteRow


@dataclass
class _Children:
    platforms: tuple[Platform, ...] = ()
    attestations: int = 0
    loaded: bool = False
    error: str | None = None


def _timestamp(moment: datetime | None) -> float:
    if moment is None:
        return 0.0
    return (moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment).timestamp()


class TagTree(VirtualList):
    """Rows: ``TagRow`` / ``PlatformRow`` / ``RevisionRow`` / ``NoteRow``."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "toggle", "Expand", show=False),
        Binding("right,l", "expand", "Open"),
        Binding("left,h", "collapse", "Back"),
        Binding("escape", "screen.back", "Back", show=False),
        Binding("slash", "screen.filter", "Filter"),
        Binding("s", "screen.cycle_sort", "Sort"),
        Binding("c", "screen.copy", "Copy"),
        Binding("d", "screen.delete", "Delete"),
        Binding("r", "screen.refresh", "Refresh"),
        Binding("z", "screen.zoom", "Zoom", show=False),
    ]

    class ExpandRequested(Message):
        """A tag was opened whose children (platforms) are not known yet."""

        def __init__(self, tree: TagTree, tag: str) -> None:
            super().__init__()
            self.tree = tree
            self.tag = tag

    class Back(Message):
        """← on a top-level row: the user wants the repository list."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.repository: str | None = None
        self.sort = "name"
        self.filter_text = ""
        self._tags: dict[str, Tag] = {}
        self._rows_by_name: dict[str, TagRow] = {}
        self._order: list[str] = []
        self._order_rows: list[TagRow] = []
        self._order_lower: list[str] = []
        self._server_order: str | None = None
        self._lower: dict[str, str] = {}
        self._expanded: set[str] = set()
        self._children: dict[str, _Children] = {}
        # What one tag's detail said about its digest holds for every tag on that digest (a
        # digest names immutable content): their rows get the same ⧉N / att badges.
        self._digest_children: dict[str, _Children] = {}
        self._digest_tags: dict[str, set[str]] = {}
        # Tags whose digest is not known yet: while any are, a sharing count is a lower bound.
        self._unknown_digests = 0
        # Complete sharing lists (from a delete plan, which asked the registry about every tag).
        self._complete_sharing: dict[str, set[str]] = {}
        # Tags whose describe_tag is in flight, for a "…" in their date/size columns.
        self.pending: set[str] = set()
        self.described: set[str] = set()
        self.empty_text = "Open a repository to see its tags."

    # --- data ---------------------------------------------------------------------------------

    @property
    def tag_count(self) -> int:
        return len(self._tags)

    def tag(self, name: str) -> Tag | None:
        return self._tags.get(name)

    def tag_names(self) -> list[str]:
        return list(self._order)

    def shared_with(self, name: str) -> list[str]:
        """Other tags known to point at the same digest as ``name``."""
        tag = self._tags.get(name)
        if tag is None or not tag.digest:
            return []
        return sorted(self._digest_tags.get(tag.digest, set()) - {name}, key=natural_key)

    def learn_sharing(self, digest: str, names: Iterable[str]) -> None:
        """Every tag on ``digest`` (a delete plan asked the registry): the count becomes exact."""
        self._complete_sharing[digest] = set(names) & set(self._tags)
        self.refresh_rows()

    def sharing(self, digest: str) -> tuple[int, bool]:
        """How many tags point at ``digest``, and whether that count is exact."""
        known = len(self._digest_tags.get(digest, ()))
        complete = self._complete_sharing.get(digest)
        if complete is not None:
            return max(known, len(complete)), True
        return known, self._unknown_digests == 0

    def clear(self, message: str = "Open a repository to see its tags.") -> None:
        self.repository = None
        self._tags.clear()
        self._rows_by_name.clear()
        self._order.clear()
        self._expanded.clear()
        self._children.clear()
        self._digest_children.clear()
        self._digest_tags.clear()
        self._unknown_digests = 0
        self._complete_sharing.clear()
        self.pending.clear()
        self.described.clear()
        self.empty_text = message
        self.set_rows([], cursor=0)

    def load(
        self,
        repository: str,
        tags: list[Tag],
        *,
        keep: str | None = None,
        server_order: str | None = None,
    ) -> None:
        """Show ``tags`` of ``repository``; ``keep`` names the tag to leave the cursor on.

        ``server_order`` is the sort the provider applied (None: natural, the default).
        """
        self._server_order = server_order
        same = repository == self.repository
        self.repository = repository
        previous = {name: tag for name, tag in self._tags.items()} if same else {}
        self._tags = {tag.name: self._merge(previous.get(tag.name), tag) for tag in tags}
        self._rows_by_name = {name: TagRow(name) for name in self._tags}
        self._lower = {name: name.lower() for name in self._tags}
        if not same:
            self._expanded.clear()
            self._children.clear()
            self._digest_children.clear()
            self.described.clear()
        else:
            self._expanded &= set(self._tags)
            self.described &= set(self._tags)
        self.pending.clear()
        self._digest_tags = {}
        for tag in self._tags.values():
            self._index_digest(tag)
        self._unknown_digests = sum(1 for tag in self._tags.values() if not tag.digest)
        if same:
            # A sharing list stays true while none of its tags moved elsewhere or went away.
            self._complete_sharing = {
                digest: names
                for digest, names in self._complete_sharing.items()
                if all(
                    name in self._tags and self._tags[name].digest in (None, digest)
                    for name in names
                )
            }
        else:
            self._complete_sharing = {}
        self.empty_text = "No tags in this repository."
        self._sort()
        anchor = self._rows_by_name.get(keep) if keep else None
        self._rebuild(keep=anchor, cursor=None if (anchor or same) else 0)

    @staticmethod
    def _merge(old: Tag | None, new: Tag) -> Tag:
        if old is None or (old.digest != new.digest and new.digest is not None):
            return new
        # A refreshed list (names only, for most registries) keeps what describe_tag found.
        return Tag(
            name=new.name,
            digest=new.digest or old.digest,
            created=new.created or old.created,
            size=new.size if new.size is not None else old.size,
            status=new.status or old.status,
            media_type=new.media_type or old.media_type,
            revisions=new.revisions or old.revisions,
        )

    def _index_digest(self, tag: Tag) -> None:
        if tag.digest:
            self._digest_tags.setdefault(tag.digest, set()).add(tag.name)

    def update_tag(self, tag: Tag) -> None:
        """New facts about one tag (from describe_tag): redraw its row."""
        old = self._tags.get(tag.name)
        if old is None:
            return
        if old.digest and old.digest != tag.digest:
            self._digest_tags.get(old.digest, set()).discard(tag.name)
            self._complete_sharing.get(old.digest, set()).discard(tag.name)
        self._unknown_digests += (not tag.digest) - (not old.digest)
        self._tags[tag.name] = tag
        self._index_digest(tag)
        self.pending.discard(tag.name)
        self.described.add(tag.name)
        if tag.revisions and not old.revisions and tag.name in self._expanded:
            self._rebuild()
        else:
            self.refresh_rows()

    def update_tags(self, tags: Iterable[Tag]) -> None:
        """Many tags described at once (dates for sorting): one redraw, not one per tag."""
        for tag in tags:
            old = self._tags.get(tag.name)
            if old is None:
                continue
            if old.digest and old.digest != tag.digest:
                self._digest_tags.get(old.digest, set()).discard(tag.name)
                self._complete_sharing.get(old.digest, set()).discard(tag.name)
            self._unknown_digests += (not tag.digest) - (not old.digest)
            self._tags[tag.name] = tag
            self._index_digest(tag)
            self.pending.discard(tag.name)
            self.described.add(tag.name)
        self.refresh_rows()

    def undated(self) -> list[Tag]:
        return [tag for tag in self._tags.values() if tag.created is None]

    def resort(self) -> None:
        """Sort again with what is known now; the highlighted row stays highlighted."""
        self._sort()
        self._rebuild()

    def update_detail(self, detail: TagDetail) -> None:
        """A tag's full detail arrived: remember its platforms and fill its row's facts."""
        if detail.tag not in self._tags:
            return
        children = _Children(
            platforms=detail.runnable_platforms,
            attestations=len(detail.attestations),
            loaded=True,
        )
        self._children[detail.tag] = children
        if detail.digest:
            self._digest_children[detail.digest] = children
        old = self._tags[detail.tag]
        # Keep what describe_tag said (for an index: one platform's size and date, as every
        # other row shows); the detail only fills what is still unknown.
        size = old.size
        if size is None:
            size = detail.image.compressed_size if detail.image else _first_platform_size(detail)
        self.update_tag(
            Tag(
                name=old.name,
                digest=detail.digest or old.digest,
                created=old.created or detail.created,
                size=size,
                status=old.status,
                media_type=detail.media_type or old.media_type,
                revisions=old.revisions,
            )
        )
        if detail.tag in self._expanded:
            if not detail.runnable_platforms and not old.revisions:
                # Opened before we knew: a single image has nothing to show under it.
                self._expanded.discard(detail.tag)
            self._rebuild()
        elif self._expanded & self._digest_tags.get(detail.digest or "", set()):
            self._rebuild()  # a tag on the same digest was open, waiting for its platforms

    def _children_of(self, name: str) -> _Children | None:
        """What is known of ``name``'s children: its own detail, or one of its digest's."""
        tag = self._tags.get(name)
        # The digest's first: it cannot be stale, while a tag may have moved to another digest.
        shared = self._digest_children.get(tag.digest) if tag is not None and tag.digest else None
        return shared or self._children.get(name)

    def children_failed(self, tag: str, message: str) -> None:
        self._children[tag] = _Children(loaded=True, error=message)
        if tag in self._expanded:
            self._rebuild()

    def remove_tags(self, names: Iterable[str]) -> None:
        gone = set(names) & set(self._tags)
        if not gone:
            return
        for name in gone:
            tag = self._tags.pop(name)
            if tag.digest:
                self._digest_tags.get(tag.digest, set()).discard(name)
                self._complete_sharing.get(tag.digest, set()).discard(name)
            else:
                self._unknown_digests -= 1
            self._rows_by_name.pop(name, None)
            self._expanded.discard(name)
        self._order = [name for name in self._order if name not in gone]
        cursor = self.cursor
        self._rebuild(cursor=cursor)

    # --- order, filter, expansion ------------------------------------------------------------

    def _sort(self) -> None:
        names = self._natural()
        if self.sort == "newest":
            if self._server_order == "newest":
                names = list(self._tags)  # the provider sorted all of them, dates unknown here
            else:
                # Known dates first, newest first; the rest keep natural order after them.
                names.sort(key=lambda n: -_timestamp(self._tags[n].created))
        self._order = names
        self._order_rows = [self._rows_by_name[n] for n in names]
        self._order_lower = [self._lower[n] for n in names]

    def _natural(self) -> list[str]:
        # Providers list tags in natural order already (the Provider contract), so keep their
        # order: re-sorting 10,000 names would cost most of the time to first rows.
        names = list(self._tags)
        if self._server_order is not None:
            names.sort(key=natural_key)
        return names

    def dates_known(self) -> int:
        return sum(1 for tag in self._tags.values() if tag.created is not None)

    def cycle_sort(self) -> str:
        self.sort = SORTS[(SORTS.index(self.sort) + 1) % len(SORTS)]
        self._sort()
        self._rebuild()
        return self.sort

    def set_filter(self, text: str) -> None:
        self.filter_text = text
        self._rebuild()

    def first_match(self) -> None:
        self._set_cursor(0)

    def _rebuild(self, *, keep: Any = None, cursor: int | None = None) -> None:
        # One pass over parallel lists: a keystroke in the filter of 10,000 tags stays ~1 ms.
        needle = self.filter_text.lower()
        by_name = self._rows_by_name
        if len(self._order_rows) != len(self._order):
            self._order_rows = [by_name[n] for n in self._order]
            self._order_lower = [self._lower[n] for n in self._order]
        if needle:
            top = [
                r
                for r, low in zip(self._order_rows, self._order_lower, strict=True)
                if needle in low
            ]
        else:
            top = list(self._order_rows)
        if not self._expanded:
            rows: list[Row] = top
        else:
            rows = []
            for row in top:
                rows.append(row)
                if row.name in self._expanded:
                    rows.extend(self._child_rows(row.name))
        self.set_rows(rows, keep=keep, cursor=cursor)

    def _child_rows(self, name: str) -> list[Row]:
        tag = self._tags[name]
        children = self._children_of(name)
        rows: list[Row] = []
        if children is None or not children.loaded:
            rows.append(NoteRow(name, "loading platforms…"))
        elif children.error:
            rows.append(NoteRow(name, children.error))
        else:
            rows.extend(PlatformRow(name, p) for p in children.platforms)
        rows.extend(RevisionRow(name, r) for r in tag.revisions)
        if rows and isinstance(rows[-1], PlatformRow):
            rows[-1] = PlatformRow(name, rows[-1].platform, last=True)
        elif rows and isinstance(rows[-1], RevisionRow):
            rows[-1] = RevisionRow(name, rows[-1].revision, last=True)
        if not rows:
            rows.append(NoteRow(name, "a single image: no platforms"))
        return rows

    def expandable(self, name: str) -> bool | None:
        """True / False when known, None when only opening the tag will tell."""
        tag = self._tags.get(name)
        if tag is None:
            return False
        if tag.revisions:
            return True
        children = self._children_of(name)
        if children is not None and children.loaded:
            return bool(children.platforms) or children.error is not None
        if tag.media_type:
            return is_index_type(tag.media_type)
        return None

    def is_expanded(self, name: str) -> bool:
        return name in self._expanded

    def expand(self, name: str) -> None:
        if name in self._expanded or name not in self._tags:
            return
        self._expanded.add(name)
        children = self._children_of(name)
        if children is None or not children.loaded:
            self.post_message(self.ExpandRequested(self, name))
        self._rebuild(keep=self._rows_by_name[name])

    def collapse(self, name: str) -> None:
        if name in self._expanded:
            self._expanded.discard(name)
            self._rebuild(keep=self._rows_by_name[name])

    def select_tag(self, name: str) -> bool:
        if name not in self._tags:
            return False
        row = self._rows_by_name[name]
        if not self.move_to(row):
            self.filter_text = ""
            self._rebuild(keep=row)
        return self.move_to(row)

    # --- actions ------------------------------------------------------------------------------

    def activate(self) -> None:
        self.action_toggle()

    def action_toggle(self) -> None:
        row = self.highlighted_row
        if isinstance(row, TagRow):
            if row.name in self._expanded:
                self.collapse(row.name)
                return
            if self.expandable(row.name) is False:
                self.action_select()
                return
            self.expand(row.name)
        elif row is not None:
            self.action_select()

    def action_expand(self) -> None:
        row = self.highlighted_row
        if isinstance(row, TagRow):
            if row.name in self._expanded:
                self.action_cursor_down()
            elif self.expandable(row.name) is False:
                self.action_select()
            else:
                self.expand(row.name)
        elif row is not None:
            self.action_select()

    def action_collapse(self) -> None:
        row = self.highlighted_row
        if isinstance(row, TagRow):
            if row.name in self._expanded:
                self.collapse(row.name)
            else:
                self.post_message(self.Back())
        elif row is not None:
            self.move_to(self._rows_by_name[row.tag])
        else:
            self.post_message(self.Back())

    # --- rendering ----------------------------------------------------------------------------

    def empty_message(self) -> str:
        if self.filter_text and self._tags:
            return f"No tags match /{literal(self.filter_text)}"
        return self.empty_text

    def render_row(self, row: Any, width: int) -> Content:
        if isinstance(row, TagRow):
            return self._render_tag(row.name, width)
        muted = self.component_style("virtual-list--muted")
        branch = "└─ " if getattr(row, "last", False) else "├─ "
        if isinstance(row, PlatformRow):
            platform = row.platform
            left = Content.assemble(("  " + branch, muted), literal(platform.name))
            # No date column: a platform's name may use that room (size and digest stay aligned).
            right = self._columns(
                width,
                None,
                platform.size,
                self._plain_digest(platform.digest),
                muted,
                show_date=False,
            )
            return _justify(left, right, width)
        if isinstance(row, RevisionRow):
            revision = row.revision
            label = literal(revision.reference) or "revision"
            left = Content.assemble(("  " + branch, muted), ("↺ ", muted), label)
            right = self._columns(
                width,
                date_short(revision.created),
                None,
                self._plain_digest(revision.digest),
                muted,
            )
            return _justify(left, right, width)
        note: NoteRow = row
        return Content.assemble(("  └─ ", muted), (literal(note.text), muted))

    def _render_tag(self, name: str, width: int) -> Content:
        tag = self._tags[name]
        muted = self.component_style("virtual-list--muted")
        badge = self.component_style("virtual-list--badge")
        expandable = self.expandable(name)
        marker = "▾ " if name in self._expanded else "▸ " if expandable else "  "
        parts: list[Content | tuple[str, Any] | str] = [(marker, muted), literal(name)]
        children = self._children_of(name)
        if children is not None and children.loaded and children.platforms:
            parts.append((f" ⧉{len(children.platforms)}", muted))
        if children is not None and children.attestations:
            # One space before the badge: its own background marks where it starts.
            parts.append(" ")
            parts.append(("att", badge))
        if tag.revisions:
            parts.append((f" ↺{len(tag.revisions)}", muted))
        if tag.status:
            parts.append((" " + literal(tag.status), self.component_style("virtual-list--warning")))
        left = Content.assemble(*parts)
        pending = name in self.pending
        filler = "…" if pending else ""
        date = date_short(tag.created) or filler
        size: int | str | None = tag.size if tag.size is not None else filler
        right = self._columns(width, date, size, self._digest_cell(tag, pending), muted)
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
        if not tag.digest:
            return Content.styled(
                f"{'…' if pending else '':<12}", self.component_style("virtual-list--muted")
            )
        sharing, exact = self.sharing(tag.digest)
        short = short_digest(tag.digest, 8)
        if sharing > 1:
            # Marked so a delete of one of them is not a surprise: "≡" + short digest + count,
            # "+" while tags with unknown digests may share it too.
            count = f"{sharing}" if exact else f"{sharing}+"
            return Content.styled(
                f"≡{short}×{count}".ljust(12), self.component_style("virtual-list--accent")
            )
        return self._plain_digest(tag.digest)


def _first_platform_size(detail: TagDetail) -> int | None:
    chosen = preferred_platform(detail.runnable_platforms)
    return chosen.size if chosen is not None else None


def _justify(left: Content, right: Content, width: int) -> Content:
    """``left`` then ``right`` flush to the right edge; ``left`` gives way first."""
    room = width - right.cell_length - 1
    if room < 8:
        return left.truncate(width, ellipsis=True)
    return left.truncate(room, ellipsis=True, pad=True) + " " + right
