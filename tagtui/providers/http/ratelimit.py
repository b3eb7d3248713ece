"""Rate-limit headers: how much of its request budget a registry says is left.

Three spellings are in use:

- Docker Hub: ``ratelimit-limit: 100;w=21600`` and ``ratelimit-remaining: 76;w=21600``
  (the window in seconds after ``w=``);
- GitHub-style ``x-ratelimit-limit`` / ``x-ratelimit-remaining`` / ``x-ratelimit-reset``
  (the reset as a Unix time, or seconds from now when small);
- the IETF draft's ``ratelimit-reset`` (seconds) and ``ratelimit-policy: 100;w=3600``, or its
  single ``ratelimit: limit=100, remaining=50, reset=30`` field.

Values come from the server and are untrusted: anything that is not a plain number in a sane
range is ignored rather than shown.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta

from tagtui.model import RateLimit

_NUMBER = re.compile(r"\s*(\d{1,12})\s*")
_WINDOW = re.compile(r";\s*w\s*=\s*(\d{1,9})\b")
# A reset above this is a Unix time; below, seconds from now (a year is the longest window).
_EPOCH_FROM = 10**9


def _number(text: str | None) -> int | None:
    if text is None:
        return None
    # "100;w=21600" and "100, 5000;w=3600" (several policies): the first figure is the one in force.
    head = text.split(";", 1)[0].split(",", 1)[0]
    match = _NUMBER.fullmatch(head)
    return int(match.group(1)) if match else None


def _window(*texts: str | None) -> int | None:
    for text in texts:
        if text:
            match = _WINDOW.search(text)
            if match and int(match.group(1)) > 0:
                return int(match.group(1))
    return None


def _reset(text: str | None, now: datetime) -> datetime | None:
    seconds = _number(text)
    if seconds is None:
        return None
    if seconds >= _EPOCH_FROM:
        try:
            return datetime.fromtimestamp(seconds, UTC)
        except (OverflowError, OSError, ValueError):
            return None
    return now + timedelta(seconds=seconds) if seconds <= 366 * 86400 else None


def _structured(text: str | None) -> dict[str, str]:
    """``limit=100, remaining=50, reset=30`` as a dict (the draft's single field)."""
    fields: dict[str, str] = {}
    for part in (text or "").split(","):
        key, sep, value = part.partition("=")
        if sep:
            fields[key.strip().lower()] = value.strip()
    return fields


def parse_rate_limit(
    headers: Mapping[str, str], *, now: datetime | None = None
) -> RateLimit | None:
    """The budget the headers state, or None when they state none (or nonsense)."""
    now = now or datetime.now(UTC)
    for prefix in ("ratelimit-", "x-ratelimit-"):
        limit = _number(headers.get(f"{prefix}limit"))
        remaining = _number(headers.get(f"{prefix}remaining"))
        if limit is None or remaining is None:
            continue
        return _checked(
            limit,
            remaining,
            _window(
                headers.get(f"{prefix}limit"),
                headers.get(f"{prefix}remaining"),
                headers.get(f"{prefix}policy"),
            ),
            _reset(headers.get(f"{prefix}reset"), now),
        )
    fields = _structured(headers.get("ratelimit"))
    limit, remaining = _number(fields.get("limit")), _number(fields.get("remaining"))
    if limit is None or remaining is None:
        return None
    return _checked(
        limit, remaining, _window(headers.get("ratelimit-policy")), _reset(fields.get("reset"), now)
    )


def _checked(
    limit: int, remaining: int, window: int | None, resets_at: datetime | None
) -> RateLimit | None:
    if limit <= 0:
        return None
    return RateLimit(limit, min(remaining, limit), window, resets_at)
