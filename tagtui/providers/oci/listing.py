"""What the OCI provider keeps while listing: where a paginated listing is, GCR's extra tag facts,
and a small LRU for the immutable things it fetched."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Hashable
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from tagtui.model import Tag
from tagtui.providers.oci.manifests import is_valid_digest

# Tags or repositories asked for per page (registries may send fewer).
PAGE_SIZE = 1000


class Lru:
    """A small LRU for immutable things addressed by digest (manifests, configs)."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._items: OrderedDict[Hashable, Any] = OrderedDict()

    def get(self, key: Hashable) -> Any:
        value = self._items.get(key)
        if value is not None:
            self._items.move_to_end(key)
        return value

    def put(self, key: Hashable, value: Any) -> None:
        self._items[key] = value
        self._items.move_to_end(key)
        while len(self._items) > self._size:
            self._items.popitem(last=False)


class Pages:
    """Where a ``/v2/`` listing is (path, ``n``/``last``), and which pages it already asked for."""

    def __init__(self, target: str) -> None:
        self.target = target
        self.params: dict[str, str] | None = {"n": str(PAGE_SIZE)}
        self._seen: set[tuple[str, str]] = set()

    def visit(self) -> bool:
        """Note the page about to be asked for; False if it was asked for before (a loop)."""
        key = (self.target, repr(sorted((self.params or {}).items())))
        if key in self._seen:
            return False
        self._seen.add(key)
        return True

    def advance(self, link: str | None, page: list[str], fresh: bool) -> bool:
        """Move to the next page (``link``: its path, if one was sent); False at the end."""
        if link:
            self.target, self.params = link, None
            return True
        # Registries from before Link: a full page with new names means there may be more.
        # (distribution 2.8 ignores n and sends everything unsorted: a short page ends it.)
        if self.params and page and fresh and len(page) == int(self.params.get("n", 0)):
            self.params = {"n": self.params["n"], "last": page[-1]}
            return True
        return False


def _gcr_number(value: object) -> int | None:
    """GCR sends numbers as strings; a negative or unreadable one is absent."""
    try:
        number = int(str(value))
    except ValueError:
        return None
    return number if number >= 0 else None


def _gcr_time(value: object) -> datetime | None:
    millis = _gcr_number(value)
    if not millis:
        return None
    try:
        return datetime.fromtimestamp(millis / 1000, tz=UTC)
    except (OverflowError, OSError, ValueError):
        return None


def apply_gcr_manifests(value: object, tags: dict[str, Tag]) -> None:
    """GCR-style ``manifest`` map: digest -> {tag, timeCreatedMs, imageSizeBytes, ...}."""
    if not isinstance(value, dict):
        return
    for digest, info in value.items():
        if not is_valid_digest(digest) or not isinstance(info, dict):
            continue
        names = info.get("tag")
        if not isinstance(names, list):
            continue
        media_type = info.get("mediaType")
        for name in names:
            if isinstance(name, str) and name in tags:
                tags[name] = replace(
                    tags[name],
                    digest=digest,
                    created=_gcr_time(info.get("timeCreatedMs"))
                    or _gcr_time(info.get("timeUploadedMs")),
                    size=_gcr_number(info.get("imageSizeBytes")),
                    media_type=media_type if isinstance(media_type, str) else None,
                )
