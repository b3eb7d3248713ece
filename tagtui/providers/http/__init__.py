"""The HTTP layer every network provider is built on (OCI registries and vendor JSON APIs).

- ``transport``: TLS trust from ``ConnectionOptions``, failed exchanges mapped to user errors;
- ``exchange``: one request with its body read within a size limit;
- ``retry``: bounded retries with backoff and ``Retry-After``;
- ``errors``: statuses mapped to ``tagtui.errors`` (vendor APIs; shared wording);
- ``pages``: ``Link`` headers and a guard against endless pagination;
- ``json_fields``: readers for untrusted JSON fields;
- ``vendor``: ``VendorHttp``, the client for vendor JSON APIs.

What vendor providers use is importable from here. It is loaded on first use: the OCI provider
imports the submodules it needs, and ``tagtui ls`` does not load the vendor client with them.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tagtui.providers.http.errors import RequestRejected, vendor_message
    from tagtui.providers.http.json_fields import (
        boolean,
        digest,
        integer,
        mapping,
        required_text,
        sequence,
        text,
        timestamp,
    )
    from tagtui.providers.http.pages import PageGuard, item_keys
    from tagtui.providers.http.vendor import VendorHttp, VendorReply, encode_segment, http_url

# Each exported name and the submodule it lives in.
_HOME = {
    "RequestRejected": "errors",
    "vendor_message": "errors",
    "boolean": "json_fields",
    "digest": "json_fields",
    "integer": "json_fields",
    "mapping": "json_fields",
    "required_text": "json_fields",
    "sequence": "json_fields",
    "text": "json_fields",
    "timestamp": "json_fields",
    "PageGuard": "pages",
    "item_keys": "pages",
    "VendorHttp": "vendor",
    "VendorReply": "vendor",
    "encode_segment": "vendor",
    "http_url": "vendor",
}

__all__ = [
    "PageGuard",
    "RequestRejected",
    "VendorHttp",
    "VendorReply",
    "boolean",
    "digest",
    "encode_segment",
    "http_url",
    "integer",
    "item_keys",
    "mapping",
    "required_text",
    "sequence",
    "text",
    "timestamp",
    "vendor_message",
]


def __getattr__(name: str) -> Any:
    home = _HOME.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{home}"), name)
    globals()[name] = value
    return value
