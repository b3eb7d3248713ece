"""JSON documents from untrusted bytes (registry replies, layout and archive files).

A body that is not JSON, or nests too deep, is a ``BadResponse`` with the caller's wording.

This is where registry data enters the model, so it is made printable by construction here:
JSON may escape a lone surrogate (``"\\ud800"``), which Python accepts but no UTF-8 output
can carry (``print`` raises, strict JSON parsers reject it). Each one becomes U+FFFD.
"""

from __future__ import annotations

import json
import re
from typing import Any

from tagtui.errors import BadResponse

# Where a surrogate can come from: a \uD800-\uDFFF escape (either case), or the UTF-8 form of
# one (json.loads decodes with "surrogatepass"). A UTF-8 body with neither, most of them, skips
# the walk; UTF-16 and UTF-32 bodies (a NUL in the first bytes) are always walked.
_MAY_HOLD_SURROGATE = re.compile(rb"\\u[dD][89a-fA-F]|\xed[\xa0-\xbf]|^[^\x00]{0,3}\x00")
_SURROGATE = re.compile("[\ud800-\udfff]")


def whole_text(text: str) -> str:
    """``text`` with every unpaired surrogate replaced by U+FFFD (paired ones were joined)."""
    return _SURROGATE.sub("\ufffd", text)


def _repaired(value: Any) -> Any:
    if isinstance(value, str):
        return whole_text(value)
    if isinstance(value, list):
        return [_repaired(item) for item in value]
    if isinstance(value, dict):
        return {whole_text(key): _repaired(item) for key, item in value.items()}
    return value


def load_json(body: bytes, invalid: str) -> Any:
    """``body`` decoded, lone surrogates replaced; BadResponse(``invalid``) when it is not JSON."""
    try:
        document = json.loads(body)
        return _repaired(document) if _MAY_HOLD_SURROGATE.search(body) else document
    except (ValueError, UnicodeDecodeError, RecursionError):
        raise BadResponse(invalid) from None


def load_object(body: bytes, invalid: str, not_object: str) -> dict[str, Any]:
    """``body`` as a JSON object; BadResponse(``invalid`` / ``not_object``) otherwise."""
    document = load_json(body, invalid)
    if not isinstance(document, dict):
        raise BadResponse(not_object)
    return document
