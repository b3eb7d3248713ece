"""Pagination: the ``Link: <…>; rel="next"`` header, and a guard against listings that never end.

A server decides where the next page is; a buggy or hostile one can point back to a page it
already sent, send the same page forever, or send pages without end. Loops stop on these with
BadResponse instead of hanging.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence

from tagtui.errors import BadResponse
from tagtui.text import sanitize

_LINK = re.compile(r"<([^>]*)>\s*((?:;\s*[^;,]*)*)")
_REL_NEXT = re.compile(r"""rel\s*=\s*"?([^";]*)"?""", re.IGNORECASE)


def parse_next_link(header: str | None) -> str | None:
    """The ``rel="next"`` target of a ``Link`` header, as given (maybe relative)."""
    if not header:
        return None
    for match in _LINK.finditer(header):
        rel = _REL_NEXT.search(match.group(2) or "")
        if rel and "next" in rel.group(1).split():
            return match.group(1).strip()
    return None


class PageGuard:
    """Stops pagination loops that never end: repeated pages, returning cursors, endless pages.

    Call ``check(cursor, body)`` once per page fetched. ``cursor`` is what asked for the page (a
    page number, a continue token, a next URL); ``body`` the raw page. A cursor seen before, or a
    non-empty page whose items already came (same body), raises BadResponse.
    """

    def __init__(self, service: str, what: str, *, max_pages: int = 10_000) -> None:
        self.service = service
        self.what = what
        self.max_pages = max_pages
        self.pages = 0
        self._cursors: set[str] = set()
        self._bodies: set[bytes] = set()

    def check(self, cursor: object, body: bytes | None = None) -> None:
        self.pages += 1
        key = repr(cursor)
        if key in self._cursors:
            raise BadResponse(
                f"{self.service} pointed back to a page of {self.what} it already sent "
                f"({sanitize(str(cursor), limit=60)}); stopping instead of looping"
            )
        self._cursors.add(key)
        if body is not None:
            self._once(hashlib.sha256(body).digest())
        if self.pages > self.max_pages:
            raise BadResponse(
                f"{self.service} sent more than {self.max_pages} pages of {self.what}; stopping"
            )

    def check_items(self, keys: Sequence[str]) -> None:
        """A page whose every item was already seen (by id) repeats an earlier page."""
        fingerprint = hashlib.sha256("\0".join(keys).encode()).digest()
        if keys:
            self._once(fingerprint)
        else:
            self._bodies.add(fingerprint)

    def _once(self, fingerprint: bytes) -> None:
        if fingerprint in self._bodies:
            raise BadResponse(
                f"{self.service} sent the same page of {self.what} again (page {self.pages}); "
                "stopping instead of looping"
            )
        self._bodies.add(fingerprint)
