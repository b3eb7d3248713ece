"""The strict JSON check for every ``--json`` output: what jq and other strict parsers accept.

Python's parser takes ``"\\ud800"`` (a lone surrogate escape); strict ones reject it. So: the
text parses, and every string in it (keys too) encodes as UTF-8.
"""

from __future__ import annotations

import json
from typing import Any


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [s for item in value for s in _strings(item)]
    if isinstance(value, dict):
        return [s for key, item in value.items() for s in (key, *_strings(item))]
    return []


def strict_json(text: str) -> Any:
    """``text`` parsed; AssertionError naming the string if one is not encodable as UTF-8."""
    document = json.loads(text)
    text.encode("utf-8")  # the raw text as well (a surrogate written unescaped)
    for string in _strings(document):
        try:
            string.encode("utf-8")
        except UnicodeEncodeError:
            raise AssertionError(f"--json output holds an unpaired surrogate: {string!r}") from None
    return document
