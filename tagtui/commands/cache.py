"""``tagtui cache info`` and ``tagtui cache clear``."""

from __future__ import annotations

from typing import TextIO

from tagtui.cache.store import ContentCache, cache_disabled, cache_limit, cache_root
from tagtui.text import human_size, sanitize


def run_cache(action: str, out: TextIO) -> int:
    cache = ContentCache(cache_root(), limit=cache_limit())
    if action == "clear":
        removed = cache.clear()
        out.write(f"removed {removed} entr{'y' if removed == 1 else 'ies'} from {cache.root}\n")
        return 0
    info = cache.info()
    state = "off (TAGTUI_NO_CACHE)" if cache_disabled() else "on"
    out.write(
        f"path     {sanitize(str(info.path))}\n"
        f"state    {state}\n"
        f"entries  {info.entries}\n"
        f"size     {human_size(info.size)} of {human_size(info.limit)}\n"
    )
    return 0
