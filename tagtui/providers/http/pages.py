"""Pagination: the ``Link: <…>; rel="next"`` header, and a guard against listings that never end.

A server decides where the next page is; a buggy or hostile one can point back to a page it
already sent, send the same page forever, or send pages without end. Loops stop on these with
BadResponse instead of hanging.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Sequence

from tagtui.errors import BadResponse
from tagtui.text import sanitize

_LINK = re.compile(r"<([^>]*)>\s*((?:;\s*[^;,]*)*)")
_REL_NEXT = re.compile(r"""rel\s*=\s*"?([^";]*)"?""", re.IGNORECASE)


def item_keys(items: Sequence[object], *fields: str) -> list[str]:
    """What names each item of a page, for ``PageGuard.progress``: its first ``fields`` present.

    An item without any of them is named by its whole JSON text, so it still counts once.
    """
    keys = []
    for item in items:
        found = None
        if isinstance(item, dict):
            found = next((item[f] for f in fields if item.get(f) not in (None, "")), None)
        keys.append(str(found) if found is not None else json.dumps(item, sort_keys=True))
    return keys


def parse_next_link(header: str | None) -> str | None:
    """The ``rel="next"`` target of a ``Link`` header, as given (maybe relative)."""
    if not header:
        return None
    for match in _LINK.finditer(header):
        rel = _REL_NEXT.search(match.group(2) or "")
        if rel and "next" in rel.group(1).split():
            return match.group(1).strip()
    return None


# The last resort against pagination without end, stated in the message that stops it; far
# above any real listing (5,000 pages of 100 names is half a million repositories).
MAX_PAGES = 5000
# Empty pages in a row that may still point further (a filtered listing can send one).
MAX_EMPTY_RUN = 3


class PageGuard:
    """Stops pagination that never ends: returning cursors, pages that add nothing, endless pages.

    Call ``check(cursor, body)`` once per page fetched: ``cursor`` is what asked for the page (a
    page number, a continue token, a next URL), ``body`` the raw page; a cursor seen before, or
    the same non-empty body again, raises BadResponse. Then ``progress(names, more=...)`` with
    the page's item names: a page that adds no new name while the listing points further ends
    the walk with BadResponse ("pagination does not progress"), whatever its cursor says. More
    than ``max_pages`` pages end it too.
    """

    def __init__(self, service: str, what: str, *, max_pages: int = MAX_PAGES) -> None:
        self.service = service
        self.what = what
        self.max_pages = max_pages
        self.pages = 0
        self._cursors: set[str] = set()
        self._bodies: set[bytes] = set()
        self._names: set[str] = set()
        self._empty_run = 0

    def check(self, cursor: object, body: bytes | None = None) -> None:
        self.count_page()
        key = repr(cursor)
        if key in self._cursors:
            raise BadResponse(
                f"{self.service} pointed back to a page of {self.what} it already sent "
                f"({sanitize(str(cursor), limit=60)}); stopping instead of looping"
            )
        self._cursors.add(key)
        if body is not None:
            self._once(hashlib.sha256(body).digest())

    def count_page(self) -> None:
        """Count one more page against the cap (alone: for walks that check cursors themselves)."""
        self.pages += 1
        if self.pages > self.max_pages:
            raise BadResponse(
                f"{self.service} sent more than {self.max_pages} pages of {self.what} "
                f"(the cap on pages); stopping"
            )

    def progress(self, names: Sequence[str], *, more: bool = True) -> list[str]:
        """The names of this page not seen before; BadResponse if none while ``more`` follows.

        A page of names all listed already cannot be a step forward, whatever cursor came with
        it: a server whose ``Link`` changes on every page while the names repeat would
        otherwise be followed for thousands of requests.
        """
        fresh = [name for name in dict.fromkeys(names) if name not in self._names]
        self._names.update(fresh)
        if not more:
            return fresh
        if names and not fresh:
            raise BadResponse(
                f"{self.service} sent page {self.pages} of {self.what} with nothing new: "
                "pagination does not progress; stopping"
            )
        self._empty_run = 0 if names else self._empty_run + 1
        if self._empty_run >= MAX_EMPTY_RUN:
            raise BadResponse(
                f"{self.service} sent {self._empty_run} empty pages of {self.what} in a row: "
                "pagination does not progress; stopping"
            )
        return fresh

    def _once(self, fingerprint: bytes) -> None:
        if fingerprint in self._bodies:
            raise BadResponse(
                f"{self.service} sent the same page of {self.what} again (page {self.pages}); "
                "stopping instead of looping"
            )
        self._bodies.add(fingerprint)
