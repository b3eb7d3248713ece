"""Plain-text formatting of model values for the panes. Pure functions, no widgets.

Everything registry-supplied passes through ``literal`` so no control character reaches the
terminal; the widgets then wrap these strings in ``Content``/``Text`` (never markup).
"""

from __future__ import annotations

from datetime import UTC, datetime

from tagtui.model import RateLimit
from tagtui.text import human_size, sanitize, short_digest, size_with_bytes
from tagtui.ui import glyphs

__all__ = [
    "date_short",
    "duration",
    "human_size",
    "literal",
    "rate_budget",
    "short_digest",
    "shorten_middle",
    "size_with_bytes",
    "timestamp",
    "word_list",
]


def literal(text: str | None, *, limit: int | None = None) -> str:
    """Untrusted text made printable on one line (controls, ESC included, as \\xNN)."""
    if text is None:
        return ""
    return sanitize(text, limit=limit)


def shorten_middle(text: str, width: int) -> str:
    """``text`` in ``width`` characters, the middle giving way: the last path part is what tells
    repositories apart (``demo-r…/batch-job-worker-7``), so it is kept whole when it fits."""
    if len(text) <= width:
        return text
    if width <= 1:
        return glyphs.CUT[:width]
    slash = text.rfind("/")
    tail = text[slash:] if slash > 0 else ""
    if tail and len(tail) + 2 <= width:  # at least one character of what comes before
        return text[: width - len(tail) - 1] + glyphs.CUT + tail
    head = (width - 1) // 2
    return text[:head] + glyphs.CUT + text[len(text) - (width - 1 - head) :]


def _utc(moment: datetime) -> datetime:
    # Naive datetimes from configs are UTC by the image spec; absolute dates keep screens
    # identical whatever the clock says (snapshots, screenshots, two users comparing notes).
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def date_short(moment: datetime | None) -> str:
    return _utc(moment).strftime("%Y-%m-%d") if moment else ""


def timestamp(moment: datetime | None) -> str:
    return _utc(moment).strftime("%Y-%m-%d %H:%M:%S UTC") if moment else "-"


# JSON's own short escapes: quotes and backslashes keep the list readable as a list, and a
# newline in a `sh -c` script shows where it is instead of becoming a space.
_JSON_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\t": "\\t", "\r": "\\r"})


def word_list(words: tuple[str, ...] | None) -> str:
    """An entrypoint or cmd as the config has it, a JSON-like array as docker shows it.

    Not ``json.dumps``: it would write ESC as ``\\u001b`` where every other value shows
    ``\\x1b``, so each word is quoted here and passed through ``literal`` like any other value.
    """
    if words is None:
        return "-"
    quoted = (literal(word.translate(_JSON_ESCAPES)) for word in words)
    return "[" + ", ".join(f'"{word}"' for word in quoted) + "]"


def duration(seconds: int) -> str:
    """A rate-limit window: ``6h``, ``1d``, ``90s`` (whole units only, else the smaller one)."""
    for unit, size in (("d", 86400), ("h", 3600), ("min", 60)):
        if seconds >= size and seconds % size == 0:
            return f"{seconds // size}{unit}"
    return f"{seconds}s"


def rate_budget(rate: RateLimit, *, words: bool) -> str:
    """``76/100 left per 6h`` (or ``76/100`` where room is short)."""
    figures = f"{rate.remaining:,}/{rate.limit:,}"
    if not words:
        return figures
    window = f" per {duration(rate.window_seconds)}" if rate.window_seconds else ""
    return f"rate limit {figures} left{window}"
