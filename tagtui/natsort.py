"""Natural ordering for tag names: t2 before t10, 1.9 before 1.10."""

from __future__ import annotations

import re

_CHUNKS = re.compile(r"(\d+)")


NaturalKey = tuple[tuple[int, int | str], ...]


def natural_key(name: str) -> NaturalKey:
    # Numbers compare as numbers, text as text; the leading int keeps the two kinds comparable.
    return tuple(
        (0, int(chunk)) if chunk.isdecimal() else (1, chunk.lower())
        for chunk in _CHUNKS.split(name)
        if chunk
    )


def natural_sorted(names: list[str]) -> list[str]:
    return sorted(names, key=natural_key)
