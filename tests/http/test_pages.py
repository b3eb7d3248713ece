"""Link headers, endless-pagination guards and URL joins."""

from __future__ import annotations

import httpx
import pytest

from tagtui.errors import BadResponse
from tagtui.providers.http.exchange import join_http_url
from tagtui.providers.http.pages import PageGuard, item_keys, parse_next_link


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ('</v2/r/tags/list?n=2&last=b>; rel="next"', "/v2/r/tags/list?n=2&last=b"),
        ('<https://x/1>; rel="prev", <https://x/3>; rel="next"', "https://x/3"),
        ("<https://x/3>; REL=next", "https://x/3"),
        ('<https://x/3>; rel="prev"', None),
        ("", None),
        (None, None),
    ],
)
def test_next_link(header: str | None, expected: str | None) -> None:
    assert parse_next_link(header) == expected


def test_a_page_that_adds_no_new_name_ends_the_walk() -> None:
    guard = PageGuard("Test API", "images")
    assert guard.progress(["a", "b"]) == ["a", "b"]
    assert guard.progress(["b", "c"]) == ["c"]
    # The last page may repeat (a registry ignoring `last`): nothing follows, nothing to stop.
    assert guard.progress(["a"], more=False) == []
    with pytest.raises(
        BadResponse, match=r"page 0 of images with nothing new: .*does not progress"
    ):
        guard.progress(["c", "a"])


def test_empty_pages_that_point_further_end_after_a_short_run() -> None:
    guard = PageGuard("Test API", "images")
    guard.progress([])
    guard.progress([])
    guard.progress(["a"])  # a new name resets the run
    guard.progress([])
    guard.progress([])
    with pytest.raises(BadResponse, match="3 empty pages of images in a row"):
        guard.progress([])


def test_the_page_cap_is_stated() -> None:
    guard = PageGuard("Test API", "images", max_pages=2)
    guard.count_page()
    guard.check("cursor-2")
    with pytest.raises(BadResponse, match=r"more than 2 pages of images \(the cap on pages\)"):
        guard.check("cursor-3")


def test_item_keys_name_items_by_their_first_field() -> None:
    items = [{"id": 7, "name": "x"}, {"name": "y"}, {"id": ""}, "odd"]
    assert item_keys(items, "id", "name") == ["7", "y", '{"id": ""}', '"odd"']


def test_join_http_url_keeps_only_http_targets() -> None:
    base = httpx.URL("https://reg.test/v2/r/blobs/x")
    assert join_http_url(base, "/token") == httpx.URL("https://reg.test/token")
    assert join_http_url(base, "http://s3.test/b") == httpx.URL("http://s3.test/b")
    assert join_http_url(base, "ftp://s3.test/b") is None
    assert join_http_url(base, "http://[::1") is None
