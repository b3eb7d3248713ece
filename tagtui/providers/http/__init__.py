"""The HTTP layer every network provider is built on (OCI registries and vendor JSON APIs).

- ``transport``: TLS trust from ``ConnectionOptions``, failed exchanges mapped to user errors;
- ``exchange``: one request with its body read within a size limit;
- ``retry``: bounded retries with backoff and ``Retry-After``;
- ``errors``: statuses mapped to ``tagtui.errors`` (vendor APIs; shared wording);
- ``pages``: ``Link`` headers and a guard against endless pagination;
- ``json_fields``: readers for untrusted JSON fields;
- ``vendor``: ``VendorHttp``, the client for vendor JSON APIs.

What vendor providers use is importable from here.
"""

from tagtui.providers.http.errors import RequestRejected, vendor_message
from tagtui.providers.http.json_fields import (
    boolean,
    integer,
    mapping,
    required_text,
    sequence,
    text,
    timestamp,
)
from tagtui.providers.http.pages import PageGuard, parse_next_link
from tagtui.providers.http.vendor import (
    JSON_LIMIT,
    VendorHttp,
    VendorReply,
    encode_segment,
    http_url,
)

__all__ = [
    "JSON_LIMIT",
    "PageGuard",
    "RequestRejected",
    "VendorHttp",
    "VendorReply",
    "boolean",
    "encode_segment",
    "http_url",
    "integer",
    "mapping",
    "parse_next_link",
    "required_text",
    "sequence",
    "text",
    "timestamp",
    "vendor_message",
]
