"""Link headers, endless-pagination guards and URL joins."""

from __future__ import annotations

import httpx
import pytest

from tagtui.errors import BadResponse
from tagtui.providers.http.exchange import join_http_url
from tagtui.providers.http.pages import PageGuard, parse_next_link


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


def test_a_page_of_items_already_seen_is_a_repeat() -> None:
    guard = PageGuard("Test API", "images")
    guard.check_items(["a", "b"])
    guard.check_items([])
    guard.check_items([])  # empty pages are not repeats
    with pytest.raises(BadResponse, match=r"same page of images again \(page 0\)"):
        guard.check_items(["a", "b"])


def test_join_http_url_keeps_only_http_targets() -> None:
    base = httpx.URL("https://reg.test/v2/r/blobs/x")
    assert join_http_url(base, "/token") == httpx.URL("https://reg.test/token")
    assert join_http_url(base, "http://s3.test/b") == httpx.URL("http://s3.test/b")
    assert join_http_url(base, "ftp://s3.test/b") is None
    assert join_http_url(base, "http://[::1") is None
