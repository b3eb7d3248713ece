"""API Gateway signature v2, which signs every NCR request.

base64(HMAC-SHA256(secret key, "METHOD path?query\\ntimestamp\\naccess key")) over the path
exactly as sent on the wire, with an epoch-millisecond timestamp.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
from collections.abc import Callable

from tagtui.credentials import Credential


def string_to_sign(method: str, target: str, timestamp_ms: str, access_key: str) -> str:
    """``METHOD path?query\\ntimestamp\\naccesskey``, no trailing newline (as documented)."""
    return f"{method.upper()} {target}\n{timestamp_ms}\n{access_key}"


def signature_v2(
    secret_key: str, method: str, target: str, timestamp_ms: str, access_key: str
) -> str:
    message = string_to_sign(method, target, timestamp_ms, access_key)
    digest = hmac.new(secret_key.encode(), message.encode(), hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


def signed_headers(
    credential: Credential, method: str, target: str, *, now: Callable[[], float] = time.time
) -> dict[str, str]:
    """The three gateway headers for one request; a fresh timestamp each call (each retry)."""
    access_key = credential.username or ""
    stamp = str(int(now() * 1000))
    return {
        "x-ncp-apigw-timestamp": stamp,
        "x-ncp-iam-access-key": access_key,
        "x-ncp-apigw-signature-v2": signature_v2(
            credential.secret, method, target, stamp, access_key
        ),
    }
