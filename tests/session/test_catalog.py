"""TagCatalog: one repository's tags and what was learned about them, with no app."""

from __future__ import annotations

from datetime import UTC, datetime

from tagtui.model import Image, Platform, Tag, TagDetail, TagRevision
from tagtui.session.catalog import TagCatalog, merge_tag

INDEX = "application/vnd.oci.image.index.v1+json"
MANIFEST = "application/vnd.oci.image.manifest.v1+json"


def day(n: int) -> datetime:
    return datetime(2024, 1, n, tzinfo=UTC)


def loaded(*tags: Tag, repository: str = "acme/api") -> TagCatalog:
    catalog = TagCatalog()
    catalog.load(repository, list(tags))
    return catalog


def index_detail(tag: str, digest: str, *platforms: Platform) -> TagDetail:
    return TagDetail(f"r/{tag}", "acme/api", tag, digest, INDEX, platforms=platforms)


AMD64 = Platform("linux", "amd64", "sha256:a", size=10)
ARM64 = Platform("linux", "arm64", "sha256:b", size=20)
ATTESTATION = Platform("unknown", "unknown", "sha256:c", is_attestation=True)


def test_keeps_the_providers_natural_order_and_sorts_newest_first_on_request() -> None:
    catalog = loaded(Tag("1.2", created=day(2)), Tag("1.10", created=day(3)), Tag("x"))
    assert catalog.order == ["1.2", "1.10", "x"]
    version = catalog.order_version
    assert catalog.cycle_sort() == "newest"
    assert catalog.order == ["1.10", "1.2", "x"]  # undated last
    assert catalog.order_version > version
    assert catalog.cycle_sort() == "name"
    assert catalog.order == ["1.2", "1.10", "x"]


def test_a_server_sorted_list_is_put_back_in_natural_order_for_name() -> None:
    catalog = TagCatalog()
    catalog.load("acme/api", [Tag("b"), Tag("a10"), Tag("a9")], server_order="newest")
    assert catalog.order == ["a9", "a10", "b"]
    catalog.cycle_sort()
    assert catalog.order == ["b", "a10", "a9"]  # the provider's order: it knew every date


def test_sharing_is_a_lower_bound_while_digests_are_unknown() -> None:
    catalog = loaded(Tag("a", digest="sha256:1"), Tag("b", digest="sha256:1"), Tag("c"))
    assert catalog.sharing("sha256:1") == (2, False)
    catalog.update([Tag("c", digest="sha256:2")])
    assert catalog.sharing("sha256:1") == (2, True)
    assert catalog.on_digest("a") == {"a", "b"}


def test_a_tag_that_moves_leaves_its_old_digest() -> None:
    catalog = loaded(Tag("a", digest="sha256:1"), Tag("b", digest="sha256:1"))
    catalog.update([Tag("b", digest="sha256:2")])
    assert catalog.sharing("sha256:1") == (1, True)
    assert catalog.on_digest("b") == {"b"}


def test_a_delete_plan_makes_sharing_exact_until_a_tag_of_it_moves() -> None:
    catalog = loaded(Tag("a", digest="sha256:1"), Tag("b"), Tag("c"))
    catalog.learn_sharing("sha256:1", ["a", "b", "gone"])
    assert catalog.sharing("sha256:1") == (2, True)  # "gone" is not listed
    catalog.load("acme/api", [Tag("a", digest="sha256:1"), Tag("b"), Tag("c")])
    assert catalog.sharing("sha256:1") == (2, True)  # a refresh keeps it
    catalog.load("acme/api", [Tag("a", digest="sha256:1"), Tag("b", digest="sha256:9")])
    assert catalog.sharing("sha256:1") == (1, True)  # b moved: back to what is known


def test_a_refresh_keeps_what_was_described_and_another_repository_forgets_it() -> None:
    catalog = loaded(Tag("a"), Tag("b"))
    catalog.update([Tag("a", digest="sha256:1", created=day(1), size=5)])
    assert catalog.described == {"a"}
    assert catalog.load("acme/api", [Tag("a"), Tag("b")]) is True
    assert catalog.tag("a") == Tag("a", digest="sha256:1", created=day(1), size=5)
    assert catalog.described == {"a"}
    assert catalog.load("acme/web", [Tag("a")]) is False
    assert catalog.tag("a") == Tag("a")
    assert catalog.described == set()


def test_merge_keeps_described_facts_unless_the_digest_changed() -> None:
    old = Tag("a", digest="sha256:1", created=day(1), size=5, media_type=MANIFEST)
    assert merge_tag(old, Tag("a")) == old
    assert merge_tag(old, Tag("a", digest="sha256:2")) == Tag("a", digest="sha256:2")
    assert merge_tag(None, Tag("a")) == Tag("a")


def test_children_are_shared_by_every_tag_on_the_digest() -> None:
    catalog = loaded(Tag("latest", digest="sha256:i"), Tag("stable", digest="sha256:i"), Tag("x"))
    assert catalog.children("stable") is None
    assert catalog.expandable("stable") is None  # only opening it will tell
    catalog.learn_detail(index_detail("latest", "sha256:i", AMD64, ARM64, ATTESTATION))
    children = catalog.children("stable")
    assert children is not None
    assert children.platforms == (AMD64, ARM64)
    assert children.attestations == 1
    assert catalog.expandable("stable") is True
    # The row's facts are filled in: the preferred platform's size, the index media type.
    latest = catalog.tag("latest")
    assert latest is not None and latest.size == 10 and latest.media_type == INDEX


def test_expandable_from_the_media_type_revisions_and_errors() -> None:
    catalog = loaded(
        Tag("i", media_type=INDEX),
        Tag("m", media_type=MANIFEST),
        Tag("r", revisions=(TagRevision("sha256:old"),)),
        Tag("e"),
    )
    assert catalog.expandable("i") is True
    assert catalog.expandable("m") is False
    assert catalog.expandable("r") is True
    assert catalog.expandable("missing") is False
    catalog.children_failed("e", "denied")
    assert catalog.expandable("e") is True  # it opens to say why
    children = catalog.children("e")
    assert children is not None and children.error == "denied"


def test_a_single_image_detail_has_no_children() -> None:
    catalog = loaded(Tag("one"))
    image = Image("sha256:1", MANIFEST)
    catalog.learn_detail(TagDetail("r/one", "acme/api", "one", "sha256:1", MANIFEST, image=image))
    assert catalog.expandable("one") is False


def test_describe_bookkeeping() -> None:
    full = Tag("full", digest="sha256:1", created=day(1), size=3, media_type=MANIFEST)
    catalog = loaded(full, Tag("bare"))
    assert catalog.needs_describe("full") is False  # everything is known already
    assert "full" in catalog.described
    assert catalog.needs_describe("bare") is True
    catalog.pending.add("bare")
    assert catalog.needs_describe("bare") is False  # on its way
    catalog.describe_failed("bare")
    assert catalog.pending == set()
    assert catalog.needs_describe("bare") is False  # failed once: not asked again


def test_update_reports_tags_whose_revisions_became_known() -> None:
    catalog = loaded(Tag("a"), Tag("b"))
    revision = TagRevision("sha256:old")
    assert catalog.update([Tag("a", revisions=(revision,)), Tag("b", digest="sha256:2")]) == {"a"}
    assert catalog.update([Tag("ghost")]) == set()  # not listed: ignored


def test_dating_progress_counts_every_tag() -> None:
    catalog = loaded(Tag("a", created=day(1)), Tag("b"), Tag("c"))
    assert catalog.dates_progress is None
    catalog.dating = True
    assert catalog.dates_progress == (1, 3)
    assert [tag.name for tag in catalog.undated()] == ["b", "c"]
    catalog.update([Tag("b", created=day(2))])
    assert catalog.dates_progress == (2, 3)


def test_remove_forgets_tags_and_their_sharing() -> None:
    catalog = loaded(Tag("a", digest="sha256:1"), Tag("b", digest="sha256:1"), Tag("c"))
    version = catalog.order_version
    assert catalog.remove(["a", "nope"]) == {"a"}
    assert catalog.order == ["b", "c"]
    assert catalog.order_version > version
    assert catalog.sharing("sha256:1") == (1, False)
    catalog.remove(["c"])
    assert catalog.sharing("sha256:1") == (1, True)  # no unknown digest left
    assert len(catalog) == 1 and "b" in catalog and "a" not in catalog


def test_clear_forgets_everything() -> None:
    catalog = loaded(Tag("a", digest="sha256:1"))
    catalog.dating = True
    catalog.clear()
    assert catalog.repository is None
    assert len(catalog) == 0 and catalog.order == []
    assert catalog.dates_progress is None


def test_a_tag_that_cannot_be_described_is_marked_until_a_refresh_tries_again() -> None:
    catalog = TagCatalog()
    catalog.load("app", [Tag("ok"), Tag("bad")])
    catalog.pending.add("bad")
    catalog.describe_failed("bad")
    assert catalog.failed == {"bad"} and not catalog.needs_describe("bad")
    catalog.load("app", [Tag("ok"), Tag("bad")])  # `r`: the same list again
    assert catalog.failed == set() and catalog.needs_describe("bad")
    catalog.describe_failed("bad")
    catalog.update([Tag("bad", digest="sha256:" + "a" * 64)])
    assert catalog.failed == set()
