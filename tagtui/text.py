"""Making untrusted text safe to print: no control characters, no escape sequences."""

from __future__ import annotations

import re

# Characters that change how the text around them reads without showing themselves: bidi
# embeddings, overrides and isolates (``invoice<U+202E>gnp.exe`` reads as ``invoiceexe.png``),
# zero-width characters and the byte-order mark, and the line and paragraph separators.
_INVISIBLE = "\u061c\u200b-\u200f\u2028\u2029\u202a-\u202e\u2060\u2066-\u2069\ufeff"
# Unpaired surrogates cannot be written as UTF-8 (registry data has none: see json_body).
_SURROGATES = "\ud800-\udfff"
# C0 controls except tab/newline, DEL, and C1 controls (which include the 8-bit CSI and OSC).
_CONTROL = re.compile(f"[\\x00-\\x08\\x0b-\\x1f\\x7f-\\x9f{_INVISIBLE}{_SURROGATES}]")
_CONTROL_ONE_LINE = re.compile(f"[\\x00-\\x1f\\x7f-\\x9f{_INVISIBLE}{_SURROGATES}]")
_INVISIBLE_CHAR = re.compile(f"[{_INVISIBLE}]")


def _replace(match: re.Match[str]) -> str:
    char = match.group(0)
    if char in "\r\n\t":
        return " "
    if "\ud800" <= char <= "\udfff":
        return "\ufffd"
    if _INVISIBLE_CHAR.match(char):
        return f"<U+{ord(char):04X}>"
    return f"\\x{ord(char):02x}"


def sanitize(text: str, *, limit: int | None = None, one_line: bool = True) -> str:
    """Return ``text`` with every control character made visible and harmless.

    Controls become ``\\xNN``, ESC too (``\\x1b[31m`` shows as text rather than colouring
    anything); with ``one_line`` newlines and tabs become spaces. Bidi controls,
    zero-width characters and line separators show as ``<U+202E>`` (never obeyed, never
    hidden); an unpaired surrogate as U+FFFD.
    """
    pattern = _CONTROL_ONE_LINE if one_line else _CONTROL
    cleaned = pattern.sub(_replace, text)
    if limit is not None and len(cleaned) > limit:
        cleaned = cleaned[: limit - 1] + "…"
    return cleaned


def human_size(size: int | None) -> str:
    """1536 -> '1.5 KiB'. Binary units, as docker and dive show layer sizes."""
    if size is None:
        return "-"
    value = float(size)
    for unit in ("B", "KiB", "MiB", "GiB", "TiB"):
        if value < 1024 or unit == "TiB":
            return f"{int(value)} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    raise AssertionError("unreachable")


def size_with_bytes(size: int | None) -> str:
    """``1.2 MiB (1,234,567 bytes)``: the rounded size and the exact one."""
    if size is None:
        return "-"
    return f"{human_size(size)} ({size:,} bytes)"


def short_digest(digest: str | None, length: int = 12) -> str:
    if not digest:
        return "-"
    _, _, hexpart = digest.partition(":")
    return (hexpart or digest)[:length]


def join_names(names: list[str] | tuple[str, ...], limit: int = 6) -> str:
    """ "a", "a and b", "a, b and c", "a, b, c, d, e, f and 12 more"."""
    names = list(names)
    if len(names) > limit:
        return f"{', '.join(names[:limit])} and {len(names) - limit} more"
    if len(names) <= 1:
        return "".join(names)
    return f"{', '.join(names[:-1])} and {names[-1]}"


def agree(names: list[str] | tuple[str, ...], singular: str, plural: str) -> str:
    """ "latest shares" / "latest and v1 share": names with a verb that agrees."""
    return f"{join_names(names)} {singular if len(names) == 1 else plural}"
