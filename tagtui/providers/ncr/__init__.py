"""Naver Cloud Platform Container Registry (NCR) through its API Gateway (v2).

Registries -> images (``registry/image``; image names may contain ``/`` and go URI-encoded in
paths, ``hello/world`` -> ``hello%2Fworld``) -> tags (``count``/``next`` paging) -> tag detail,
whose ``images[]`` become platforms. The API knows each platform's os/architecture/size/dates
but no config or layers; the detail says so.

Every request is signed with API Gateway signature v2: base64(HMAC-SHA256(secret key,
"METHOD path?query\\ntimestamp\\naccess key")) over the path exactly as sent on the wire, with
an epoch-millisecond timestamp. ``VendorHttp`` builds the URL once and hands the signer the raw
path it sends, so ``%2F`` is signed as ``%2F``.
"""

from tagtui.providers.ncr.provider import KEYRING_HOST, NcrProvider, create_provider
from tagtui.providers.ncr.signing import signature_v2, string_to_sign

__all__ = ["KEYRING_HOST", "NcrProvider", "create_provider", "signature_v2", "string_to_sign"]
