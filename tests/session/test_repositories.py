"""RepositoryCatalog: pages as they arrive, names opened before they are listed, counts."""

from __future__ import annotations

from tagtui.model import Repository
from tagtui.session.repositories import RepositoryCatalog


def repos(*names: str, count: int | None = None) -> list[Repository]:
    return [Repository(name, tag_count=count) for name in names]


def test_pages_append_and_repeats_are_dropped() -> None:
    catalog = RepositoryCatalog()
    fresh, moved = catalog.add_page(repos("a", "b"))
    assert [r.name for r in fresh] == ["a", "b"] and moved == set()
    fresh, _ = catalog.add_page(repos("b", "c"))
    assert [r.name for r in fresh] == ["c"]
    assert catalog.names() == ["a", "b", "c"] and len(catalog) == 3


def test_a_name_opened_before_it_is_listed_moves_to_the_catalogs_place() -> None:
    catalog = RepositoryCatalog()
    catalog.add_page(repos("a"))
    opened, added = catalog.ensure("z/late")
    assert added and opened == Repository("z/late")
    assert catalog.ensure("a") == (catalog.all[0], False)
    fresh, moved = catalog.add_page(repos("m", "z/late", count=3))
    assert moved == {"z/late"}
    assert [r.name for r in fresh] == ["m", "z/late"]
    assert catalog.names() == ["a", "m", "z/late"]
    assert catalog.find("z/late") == Repository("z/late", tag_count=3)


def test_filter_is_case_blind_and_keeps_catalog_order() -> None:
    catalog = RepositoryCatalog()
    catalog.add_page(repos("Team/API", "team/web", "other"))
    assert [r.name for r in catalog.matching("team")] == ["Team/API", "team/web"]
    assert [r.name for r in catalog.matching("")] == ["Team/API", "team/web", "other"]
    assert catalog.matching("zzz") == []


def test_tag_counts_follow_the_tag_pane_only_where_the_registry_counted() -> None:
    catalog = RepositoryCatalog()
    catalog.add_page([Repository("counted", tag_count=8), Repository("uncounted")])
    change = catalog.set_tag_count("counted", 7)
    assert change == (Repository("counted", tag_count=8), Repository("counted", tag_count=7))
    assert catalog.find("counted") == Repository("counted", tag_count=7)
    assert catalog.set_tag_count("counted", 7) is None  # already right
    assert catalog.set_tag_count("uncounted", 3) is None  # no counts: none made up
    assert catalog.set_tag_count("missing", 1) is None


def test_clear() -> None:
    catalog = RepositoryCatalog()
    catalog.add_page(repos("a"))
    catalog.ensure("b")
    catalog.clear()
    assert len(catalog) == 0 and catalog.names() == []
    assert catalog.ensure("b") == (Repository("b"), True)


def test_a_refresh_replaces_the_listing_and_keeps_names_opened_by_hand() -> None:
    catalog = RepositoryCatalog()
    catalog.add_page([Repository("a"), Repository("b"), Repository("c")])
    catalog.ensure("typed")
    catalog.replace([Repository("c"), Repository("a"), Repository("d")])
    assert catalog.names() == ["c", "a", "d", "typed"]
    assert catalog.find("b") is None
    # Listed at last: it takes the catalog's place.
    catalog.replace([Repository("a"), Repository("typed")])
    assert catalog.names() == ["a", "typed"]
    assert catalog.matching("TY") == [Repository("typed")]
