"""Readers for untrusted JSON fields: a wrong type is absent (or a clear BadResponse), no crash.

Vendor APIs are documented loosely: numbers come as strings, timestamps as RFC 3339 text or
epoch seconds or milliseconds, and fields go missing. These readers take what is usable.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from tagtui.errors import BadResponse

# The OCI image spec's digest grammar.
_DIGEST = re.compile(r"[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]+")


def mapping(value: Any, service: str, what: str) -> dict[str, Any]:
    """``value`` if it is a JSON object, else BadResponse("<service> sent ... <what>")."""
    if not isinstance(value, dict):
        raise BadResponse(f"{service} sent {_kind(value)} where {what} should be an object")
    return value


def sequence(value: Any, service: str, what: str, *, missing_ok: bool = False) -> list[Any]:
    """``value`` if it is a JSON array (None -> [] when ``missing_ok``), else BadResponse."""
    if value is None and missing_ok:
        return []
    if not isinstance(value, list):
        raise BadResponse(f"{service} sent {_kind(value)} where {what} should be a list")
    return value


def required_text(item: dict[str, Any], key: str, service: str, what: str) -> str:
    """``item[key]`` as text, else BadResponse("<service> sent <what> without a <key>")."""
    value = text(item.get(key))
    if value is None:
        article = "an" if key[:1] in "aeiou" else "a"
        raise BadResponse(f"{service} sent {what} without {article} {key}")
    return value


def _kind(value: Any) -> str:
    if value is None:
        return "nothing"
    return {dict: "an object", list: "a list", str: "a string", bool: "a boolean"}.get(
        type(value), "a number"
    )


def text(value: Any) -> str | None:
    """A non-empty string, or None (null, empty, or another type: shown as absent)."""
    if isinstance(value, str) and value != "":
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return None


def digest(value: Any) -> str | None:
    """A digest in the OCI grammar (``algorithm:encoded``), or None: an API's digest field is
    shown, copied into references and compared, so anything else is treated as absent. Not the
    hex length: vendors document shortened ones (NCR's ``sha256:a180b9dc``)."""
    return value if isinstance(value, str) and _DIGEST.fullmatch(value) else None


def integer(value: Any) -> int | None:
    """An integer from a number or a digit string; None for anything else."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value.strip())
    return None


def boolean(value: Any) -> bool | None:
    return value if isinstance(value, bool) else None


# Epoch values above this are milliseconds (1e12 s would be the year 33658).
_MILLISECONDS = 1e12


def timestamp(value: Any) -> datetime | None:
    """A UTC datetime from RFC 3339 text or an epoch number (ms when > 1e12, else s).

    0, null, and anything unparseable are absent (None), never "1970-01-01".
    """
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, str):
        stripped = value.strip()
        if not stripped:
            return None
        if stripped.lstrip("-").replace(".", "", 1).isdigit():
            return timestamp(float(stripped))
        try:
            parsed = datetime.fromisoformat(stripped.replace("Z", "+00:00").replace("z", "+00:00"))
        except ValueError:
            return _rfc3339_nanos(stripped)
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    if isinstance(value, int | float):
        if value <= 0 or value != value:
            return None
        seconds = value / 1000 if value > _MILLISECONDS else value
        try:
            return datetime.fromtimestamp(seconds, tz=UTC)
        except (OverflowError, OSError, ValueError):
            return None
    return None


def _rfc3339_nanos(value: str) -> datetime | None:
    """RFC 3339 with more than 6 fractional digits (Go writes nanoseconds)."""
    head, dot, rest = value.partition(".")
    if not dot:
        return None
    digits = len(rest) - len(rest.lstrip("0123456789"))
    trimmed = f"{head}.{rest[: min(digits, 6)]}{rest[digits:]}"
    try:
        parsed = datetime.fromisoformat(trimmed.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
