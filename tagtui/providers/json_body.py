"""JSON documents from untrusted bytes (registry replies, layout and archive files).

A body that is not JSON, or nests too deep, is a ``BadResponse`` with the caller's wording.
"""

from __future__ import annotations

import json
from typing import Any

from tagtui.errors import BadResponse


def load_json(body: bytes, invalid: str) -> Any:
    """``body`` decoded; BadResponse(``invalid``) when it is not JSON."""
    try:
        return json.loads(body)
    except (ValueError, UnicodeDecodeError, RecursionError):
        raise BadResponse(invalid) from None


def load_object(body: bytes, invalid: str, not_object: str) -> dict[str, Any]:
    """``body`` as a JSON object; BadResponse(``invalid`` / ``not_object``) otherwise."""
    document = load_json(body, invalid)
    if not isinstance(document, dict):
        raise BadResponse(not_object)
    return document
