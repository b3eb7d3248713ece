"""TagCatalog and referrers: carrier tags kept out of the order unless shown, badges from the
carrier tags and from looked-up referrers, each digest looked up once."""

from __future__ import annotations

import time
from datetime import UTC, datetime

from tagtui.model import Referrer, ReferrerKind, Tag
from tagtui.session.catalog import TagCatalog

IMAGE = "sha256:" + "a" * 64
OTHER = "sha256:" + "b" * 64
SIG = "sha256-" + "a" * 64 + ".sig"
FALLBACK = "sha256-" + "a" * 64
ATT_OF_GONE = "sha256-" + "c" * 64 + ".att"


def loaded(*tags: Tag, show: bool = False) -> TagCatalog:
    catalog = TagCatalog()
    catalog.show_carriers = show
    catalog.load("acme/signed", list(tags))
    return catalog


def sbom(digest: str = "sha256:" + "d" * 64) -> Referrer:
    return Referrer(digest, None, "application/spdx+json", ReferrerKind.SBOM, subject=IMAGE)


def test_carriers_are_left_out_of_the_order_and_counted() -> None:
    catalog = loaded(
        Tag("latest", digest=IMAGE), Tag(SIG), Tag(FALLBACK), Tag(ATT_OF_GONE), Tag("v2")
    )
    assert catalog.order == ["latest", "v2"]
    assert (catalog.shown_count, catalog.hidden_count, len(catalog)) == (2, 3, 5)
    catalog.set_show_carriers(True)
    assert catalog.order == ["latest", SIG, FALLBACK, ATT_OF_GONE, "v2"]
    assert catalog.hidden_count == 0
    catalog.set_show_carriers(False)
    assert catalog.order == ["latest", "v2"]


def test_newest_first_and_dating_leave_hidden_carriers_alone() -> None:
    catalog = loaded(Tag("old", created=datetime(2020, 1, 1, tzinfo=UTC)), Tag(SIG), Tag("new"))
    assert [tag.name for tag in catalog.undated()] == ["new"]
    catalog.dating = True
    assert catalog.dates_progress == (1, 2)
    catalog.cycle_sort()
    assert catalog.order == ["old", "new"]


def test_names_that_only_look_like_carriers_stay() -> None:
    names = ["sha256-abc.sig", "sha256-" + "A" * 64, "sha256-" + "a" * 64 + ".sig.bak", "sig"]
    catalog = loaded(*(Tag(name) for name in names))
    assert catalog.order == names and catalog.hidden_count == 0


def test_badge_from_carrier_tags_then_from_the_lookup() -> None:
    catalog = loaded(Tag("latest", digest=IMAGE), Tag("v2", digest=OTHER), Tag(SIG), Tag(FALLBACK))
    # cosign's suffix says "sig" at once; the fallback tag's kinds need its index read.
    assert (catalog.badge("latest"), catalog.badge("v2")) == ("sig", "")
    assert catalog.needs_referrers("latest") == IMAGE
    assert catalog.needs_referrers(SIG) is None  # a carrier has no referrers to look up
    catalog.referrers_pending.add(IMAGE)
    assert catalog.needs_referrers("latest") is None
    assert catalog.learn_referrers(IMAGE, [sbom()]) == {"latest"}
    assert catalog.badge("latest") == "sig sbom"
    assert catalog.needs_referrers("latest") is None
    assert catalog.expandable("latest") is True
    catalog.forget_referrers()
    assert catalog.needs_referrers("latest") == IMAGE


def test_a_deleted_signature_tag_takes_its_badge_along() -> None:
    catalog = loaded(Tag("latest", digest=IMAGE), Tag(SIG))
    assert catalog.badge("latest") == "sig"
    catalog.remove([SIG])
    assert catalog.badge("latest") == "" and catalog.carrier_count == 0


def test_a_failed_lookup_is_not_repeated_and_keeps_the_carrier_badge() -> None:
    catalog = loaded(Tag("latest", digest=IMAGE), Tag(SIG))
    catalog.referrers_failed(IMAGE)
    assert catalog.needs_referrers("latest") is None and catalog.badge("latest") == "sig"


def test_hidden_carriers_do_not_make_sharing_counts_uncertain() -> None:
    catalog = loaded(Tag("a", digest=IMAGE), Tag("b", digest=IMAGE), Tag(SIG))
    assert catalog.sharing(IMAGE) == (2, True)


def test_ten_thousand_tags_partition_once_per_list() -> None:
    images = [Tag(f"v{n}") for n in range(3_000)]
    carriers = [Tag(f"sha256-{n:064x}.sig") for n in range(7_500)]
    catalog = TagCatalog()
    started = time.perf_counter()
    catalog.load("big", images + carriers)
    version = catalog.order_version
    # Generous: the point is O(n) once (about 10 ms here), not a regex per keystroke.
    assert time.perf_counter() - started < 1.0
    assert (catalog.shown_count, catalog.hidden_count) == (3_000, 7_500)
    assert catalog.badge("v1") == "" and catalog.order_version == version
