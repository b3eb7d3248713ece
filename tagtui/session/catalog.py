"""``TagCatalog``: what is known about the tags of one repository, and in which order they go.

The tag list arrives names-first for most registries; facts come later, row by row (digest, date,
size, media type from ``describe_tag``; platforms from a tag's detail). The catalog keeps them all
in one place: the tags, which tags share a digest, each tag's children, which tags are described
or being described, and the progress of dating every tag for newest-first. The tag tree renders
a catalog; the pane that owns it feeds it.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from tagtui.model import Platform, Referrer, ReferrerKind, Tag, TagDetail, preferred_platform
from tagtui.natsort import natural_key
from tagtui.referrers import carrier_of
from tagtui.session.referrers import badge_of_kinds

if TYPE_CHECKING:  # counted only once every tag is described (not at startup)
    from tagtui.cleanup.sizes import RepositorySizes

SORTS = ("name", "newest")


@dataclass(frozen=True)
class Children:
    """What opening a tag shows: its platforms (and how many attestations it carries), or why
    they could not be loaded."""

    platforms: tuple[Platform, ...] = ()
    attestations: int = 0
    error: str | None = None


def _timestamp(moment: datetime | None) -> float:
    if moment is None:
        return 0.0
    return (moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment).timestamp()


def merge_tag(old: Tag | None, new: Tag) -> Tag:
    """``new`` as listed again, keeping what was learned about ``old`` while the digest holds."""
    if old is None or old is new or (old.digest != new.digest and new.digest is not None):
        return new  # (``old is new``: a list streaming in hands over the same tags again)
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


class TagCatalog:
    """The tags of ``repository`` (None until a list arrived) and everything learned about them."""

    def __init__(self) -> None:
        self.repository: str | None = None
        self.sort = "name"
        # The order the provider sorted the list in (None: natural, the Provider contract).
        self._server_order: str | None = None
        self._tags: dict[str, Tag] = {}
        self._order: list[str] = []
        # Bumped whenever ``order`` changes, so a renderer can keep per-order caches.
        self.order_version = 0
        self._children: dict[str, Children] = {}
        # What one tag's detail said about its digest holds for every tag on that digest (a
        # digest names immutable content): their rows get the same platform count / att badges.
        self._digest_children: dict[str, Children] = {}
        self._digest_tags: dict[str, set[str]] = {}
        # Tags whose digest is not known yet: while any are, a sharing count is a lower bound.
        self._unknown_digests = 0
        # Complete sharing lists (from a delete plan, which asked the registry about every tag).
        self._complete_sharing: dict[str, set[str]] = {}
        # Tags whose describe_tag is in flight ("…" in their columns), and those done.
        self.pending: set[str] = set()
        self.described: set[str] = set()
        # Tags whose describe_tag failed (a name that cannot go into a URL, a broken manifest):
        # their rows carry an error mark; a refresh tries them again.
        self.failed: set[str] = set()
        # Dating every tag for newest-first is under way.
        self.dating = False
        # The repository's deduplicated size and each tag's own bytes, once every tag was
        # described and what each image holds was read (None until then, and after a change).
        self.sizes: RepositorySizes | None = None
        # Tags that only carry referrers (sha256-<hex>[.sig|.att|.sbom]): left out of ``order``
        # unless shown. Each names its subject digest; cosign's suffix says a kind cheaply.
        self.show_carriers = False
        self._carriers: set[str] = set()
        self._carrier_kinds: dict[str, set[ReferrerKind]] = {}
        # What refers to each digest (looked up for the rows on screen), and lookups under way.
        self._referrers: dict[str, tuple[Referrer, ...]] = {}
        # Digests whose lookup failed (kept as "nothing" above, for the badge).
        self._referrers_failed: set[str] = set()
        self.referrers_pending: set[str] = set()

    # --- reading ------------------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self._tags)

    @property
    def shown_count(self) -> int:
        """How many tags the list shows (without the hidden referrer carriers)."""
        return len(self._order)

    @property
    def hidden_count(self) -> int:
        """Referrer-carrier tags left out of the list (0 while they are shown)."""
        return 0 if self.show_carriers else len(self._carriers)

    @property
    def carrier_count(self) -> int:
        """How many listed tags only carry referrers (shown or not)."""
        return len(self._carriers)

    def is_carrier(self, name: str) -> bool:
        return name in self._carriers

    def names(self) -> Collection[str]:
        """Every listed tag name, carriers too (what a referrers lookup checks tags against)."""
        return self._tags.keys()

    def __contains__(self, name: object) -> bool:
        return name in self._tags

    def tag(self, name: str) -> Tag | None:
        return self._tags.get(name)

    @property
    def order(self) -> list[str]:
        """Tag names in the current sort."""
        return self._order

    def on_digest(self, name: str) -> set[str]:
        """The tags known to point at the digest of ``name`` (``name`` included)."""
        tag = self._tags.get(name)
        if tag is None or not tag.digest:
            return {name} if tag is not None else set()
        return set(self._digest_tags.get(tag.digest, ()))

    @property
    def all_digests_known(self) -> bool:
        """Every tag (carriers aside) has its digest: what each holds can be counted."""
        return self._unknown_digests == 0

    def sharing(self, digest: str) -> tuple[int, bool]:
        """How many tags point at ``digest``, and whether that count is exact."""
        known = len(self._digest_tags.get(digest, ()))
        complete = self._complete_sharing.get(digest)
        if complete is not None:
            return max(known, len(complete)), True
        return known, self._unknown_digests == 0

    def children(self, name: str) -> Children | None:
        """What is known of ``name``'s children: its own detail, or one of its digest's."""
        tag = self._tags.get(name)
        # The digest's first: it cannot be stale, while a tag may have moved to another digest.
        shared = self._digest_children.get(tag.digest) if tag is not None and tag.digest else None
        return shared or self._children.get(name)

    def expandable(self, name: str) -> bool | None:
        """True / False when known, None when only opening the tag will tell."""
        tag = self._tags.get(name)
        if tag is None:
            return False
        if tag.revisions or self.referrers_of(name):
            return True
        children = self.children(name)
        if children is not None:
            return bool(children.platforms) or children.error is not None
        return tag.is_index

    def needs_describe(self, name: str) -> bool:
        """Whether the row of ``name`` still misses facts ``describe_tag`` would bring."""
        if name in self.described or name in self.pending:
            return False
        tag = self._tags.get(name)
        if tag is None:
            return False
        # The media type too: it says whether the row can open to platforms (►).
        if tag.digest and tag.created and tag.size is not None and tag.media_type:
            self.described.add(name)
            return False
        return True

    def undated(self) -> list[Tag]:
        """The tags shown without a date (hidden carriers are not sorted, so not dated)."""
        tags = self._tags
        return [tags[name] for name in self._order if tags[name].created is None]

    def dates_known(self) -> int:
        tags = self._tags
        return sum(1 for name in self._order if tags[name].created is not None)

    @property
    def dates_progress(self) -> tuple[int, int] | None:
        """(tags dated, tags shown) while dating for newest-first is under way."""
        if not self.dating:
            return None
        return self.dates_known(), len(self._order)

    # --- referrers ----------------------------------------------------------------------------

    def referrers_of(self, name: str) -> tuple[Referrer, ...] | None:
        """What refers to the digest of ``name``, once looked up (None before)."""
        tag = self._tags.get(name)
        if tag is None or not tag.digest:
            return None
        return self._referrers.get(tag.digest)

    def needs_referrers(self, name: str) -> str | None:
        """The digest of ``name`` when its referrers are still to be looked up."""
        tag = self._tags.get(name)
        if tag is None or not tag.digest or name in self._carriers:
            return None
        digest = tag.digest
        if digest in self._referrers or digest in self.referrers_pending:
            return None
        return digest

    def learn_referrers(self, digest: str, referrers: Iterable[Referrer]) -> set[str]:
        """What refers to ``digest``; returns the tags on it (their rows change)."""
        self.referrers_pending.discard(digest)
        self._referrers[digest] = tuple(referrers)
        self._referrers_failed.discard(digest)
        return set(self._digest_tags.get(digest, ()))

    def referrers_failed(self, digest: str) -> None:
        """The lookup failed: the row keeps the carrier tags' badge, and is not asked again."""
        self.referrers_pending.discard(digest)
        self._referrers.setdefault(digest, ())
        self._referrers_failed.add(digest)

    def referrers_found(self, digest: str) -> tuple[Referrer, ...] | None:
        """What a lookup found refers to ``digest``; None if not looked up, or if it failed
        (the detail asks again, and says why when it fails)."""
        if digest in self._referrers_failed:
            return None
        return self._referrers.get(digest)

    def forget_referrers(self) -> None:
        """``r``: look them up again."""
        self._referrers.clear()
        self._referrers_failed.clear()
        self.referrers_pending.clear()

    def badge(self, name: str) -> str:
        """``sig sbom``: what refers to the tag's digest — the looked-up referrers, else what
        cosign's carrier tags say — and BuildKit attestations in its index."""
        tag = self._tags.get(name)
        kinds: set[ReferrerKind] = set()
        if tag is not None and tag.digest:
            kinds.update(self._carrier_kinds.get(tag.digest, ()))
            kinds.update(referrer.kind for referrer in self._referrers.get(tag.digest, ()))
        children = self.children(name)
        if children is not None and children.attestations:
            kinds.add(ReferrerKind.ATTESTATION)
        return badge_of_kinds(kinds)

    def set_show_carriers(self, show: bool) -> None:
        """Show the referrer-carrier tags in the list, or hide them again."""
        if show != self.show_carriers:
            self.show_carriers = show
            self._sort()

    def _index_carriers(self) -> None:
        # O(n) once per list: one regex per name.
        self._carriers = set()
        self._carrier_kinds = {}
        for name in self._tags:
            carrier = carrier_of(name)
            if carrier is None:
                continue
            self._carriers.add(name)
            if carrier.kind is not None:
                self._carrier_kinds.setdefault(carrier.subject, set()).add(carrier.kind)

    # --- learning -----------------------------------------------------------------------------

    def clear(self) -> None:
        self.sizes = None
        self.repository = None
        self._tags.clear()
        self._order = []
        self.order_version += 1
        self._children.clear()
        self._digest_children.clear()
        self._digest_tags.clear()
        self._unknown_digests = 0
        self._complete_sharing.clear()
        self.pending.clear()
        self.described.clear()
        self.failed.clear()
        self.dating = False
        self._index_carriers()  # none, with no tags
        self._referrers.clear()
        self.referrers_pending.clear()

    def load(self, repository: str, tags: list[Tag], *, server_order: str | None = None) -> bool:
        """The tag list of ``repository``; True when it is a refresh of the one shown.

        A refresh keeps what was learned about tags that did not move. ``server_order`` is the
        sort the provider applied (None: natural, the default).
        """
        same = repository == self.repository
        self.repository = repository
        self.sizes = None  # the list may have changed: counted again when all are described
        self._server_order = server_order
        previous = self._tags if same else {}
        self._tags = {tag.name: merge_tag(previous.get(tag.name), tag) for tag in tags}
        if same:
            self.described &= set(self._tags) - self.failed
        else:
            self._children.clear()
            self._digest_children.clear()
            self.described.clear()
            self._referrers.clear()
        self.pending.clear()
        self.failed.clear()
        self._index_carriers()
        self._digest_tags = {}
        for tag in self._tags.values():
            self._index_digest(tag)
        # Carrier tags hold signatures, never an image another tag shares: they do not count.
        self._unknown_digests = sum(
            1 for tag in self._tags.values() if not tag.digest and tag.name not in self._carriers
        )
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
        self._sort()
        return same

    def _index_digest(self, tag: Tag) -> None:
        if tag.digest:
            self._digest_tags.setdefault(tag.digest, set()).add(tag.name)

    def update(self, tags: Iterable[Tag]) -> set[str]:
        """New facts about listed tags (describe_tag); returns the names whose revisions became
        known (their open rows need rebuilding)."""
        gained: set[str] = set()
        for tag in tags:
            old = self._tags.get(tag.name)
            if old is None:
                continue
            if old.digest and old.digest != tag.digest:
                self._digest_tags.get(old.digest, set()).discard(tag.name)
                self._complete_sharing.get(old.digest, set()).discard(tag.name)
            if tag.name not in self._carriers:
                self._unknown_digests += (not tag.digest) - (not old.digest)
            self._tags[tag.name] = tag
            self._index_digest(tag)
            self.pending.discard(tag.name)
            self.failed.discard(tag.name)
            self.described.add(tag.name)
            if tag.revisions and not old.revisions:
                gained.add(tag.name)
        return gained

    def describe_failed(self, name: str) -> None:
        """No facts will come for ``name``: its row stops waiting and is marked."""
        self.pending.discard(name)
        self.described.add(name)
        if name in self._tags:
            self.failed.add(name)

    def learn_detail(self, detail: TagDetail) -> None:
        """A tag's full detail arrived: remember its platforms and fill its row's facts."""
        old = self._tags.get(detail.tag)
        if old is None:
            return
        children = Children(
            platforms=detail.runnable_platforms, attestations=len(detail.attestations)
        )
        self._children[detail.tag] = children
        if detail.digest:
            self._digest_children[detail.digest] = children
        # Keep what describe_tag said (for an index: one platform's size and date, as every
        # other row shows); the detail only fills what is still unknown.
        size = old.size
        if size is None:
            size = detail.image.compressed_size if detail.image else _platform_size(detail)
        self.update(
            [
                replace(
                    old,
                    digest=detail.digest or old.digest,
                    created=old.created or detail.created,
                    size=size,
                    media_type=detail.media_type or old.media_type,
                )
            ]
        )

    def children_failed(self, name: str, message: str) -> None:
        self._children[name] = Children(error=message)

    def learn_sharing(self, digest: str, names: Iterable[str]) -> None:
        """Every tag on ``digest`` (a delete plan asked the registry): the count becomes exact."""
        self._complete_sharing[digest] = set(names) & set(self._tags)

    def remove(self, names: Iterable[str]) -> set[str]:
        """Tags that are gone (deleted); returns those that were listed."""
        gone = set(names) & set(self._tags)
        for name in gone:
            tag = self._tags.pop(name)
            if tag.digest:
                self._digest_tags.get(tag.digest, set()).discard(name)
                self._complete_sharing.get(tag.digest, set()).discard(name)
            elif name not in self._carriers:
                self._unknown_digests -= 1
            self.pending.discard(name)
            self.described.discard(name)
        if gone:
            self._order = [name for name in self._order if name not in gone]
            self.order_version += 1
            if any(carrier_of(name) for name in gone):
                self._index_carriers()  # a deleted .sig tag takes its badge along
        return gone

    # --- order --------------------------------------------------------------------------------

    def cycle_sort(self) -> str:
        self.sort = SORTS[(SORTS.index(self.sort) + 1) % len(SORTS)]
        self._sort()
        return self.sort

    def resort(self) -> None:
        """Sort again with the dates known now."""
        self._sort()

    def _sort(self) -> None:
        if self.sort == "newest" and self._server_order == "newest":
            names = self._listed()  # the provider sorted all of them, dates unknown here
        else:
            names = self._natural()
            if self.sort == "newest":
                # Known dates first, newest first; the rest keep natural order after them.
                names.sort(key=lambda n: -_timestamp(self._tags[n].created))
        self._order = names
        self.order_version += 1

    def _listed(self) -> list[str]:
        """The names shown, in the provider's order (hidden carriers left out)."""
        carriers = self._carriers
        if carriers and not self.show_carriers:
            return [name for name in self._tags if name not in carriers]
        return list(self._tags)

    def _natural(self) -> list[str]:
        # Providers list tags in natural order already (the Provider contract), so keep their
        # order: re-sorting 10,000 names would cost most of the time to first rows.
        names = self._listed()
        if self._server_order is not None:
            names.sort(key=natural_key)
        return names


def _platform_size(detail: TagDetail) -> int | None:
    chosen = preferred_platform(detail.runnable_platforms)
    return chosen.size if chosen is not None else None
