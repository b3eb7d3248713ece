"""From a non-success answer to a ``tagtui.errors`` exception with a one-line message.

The pieces both kinds of API share (the "refused" type, the rate-limit wording), and the mapping
for vendor JSON APIs, whose own message is quoted from the usual error shapes. Registries (the
OCI ``errors`` list) are mapped in ``tagtui.providers.oci.errormap``.
"""

from __future__ import annotations

from typing import Any

from tagtui.errors import (
    AuthenticationRequired,
    BadResponse,
    Conflict,
    NotFound,
    PermissionDenied,
    RateLimited,
    ServerError,
    TagtuiError,
)
from tagtui.providers.http.retry import parse_retry_after
from tagtui.providers.json_body import load_json
from tagtui.text import sanitize


class RequestRejected(TagtuiError):
    """A 4xx the other types do not cover (NAME_INVALID, DIGEST_INVALID, MANIFEST_INVALID...)."""

    title = "Request refused"


def about(what: str | None) -> str:
    """`` for <what>`` to end a message with, or nothing."""
    return f" for {what}" if what else ""


def rate_limited(message: str, retry_after: str | None) -> RateLimited:
    """``message`` and when to try again, from the ``Retry-After`` header."""
    seconds = parse_retry_after(retry_after)
    later = f"; retry after {seconds:g} s" if seconds is not None else "; try again later"
    return RateLimited(f"{message}{later}", retry_after=seconds)


def vendor_error(
    status: int,
    body: bytes,
    *,
    service: str,
    host: str,
    username: str | None,
    subject: str | None = None,
    retry_after: str | None = None,
) -> TagtuiError:
    """The exception for a vendor API's non-success ``status``, quoting the vendor's words."""
    said = vendor_message(body, service)
    quoted = f": {said}" if said else ""
    for_subject = about(subject)
    where = f"{service} ({host})"
    if status == 401:
        who = f" for {username}" if username else ""
        return AuthenticationRequired(
            f"{where} rejected the credentials{who}{quoted}", username=username
        )
    if status == 403:
        return PermissionDenied(f"{where} denied access{for_subject}{quoted}")
    if status == 404:
        what = subject or "the resource"
        return NotFound(f"{what} not found at {where}{quoted}")
    if status == 409:
        return Conflict(f"{where} refused{for_subject} (conflict){quoted}")
    if status == 429:
        return rate_limited(
            f"rate limited by {where}{for_subject}{f' ({said})' if said else ''}", retry_after
        )
    if status >= 500:
        return ServerError(f"{where} answered HTTP {status}{for_subject}{quoted}")
    if 300 <= status < 400:
        return BadResponse(f"{where} redirected{for_subject} (HTTP {status}); not following")
    return RequestRejected(f"{where} refused the request{for_subject}: HTTP {status}{quoted}")


def vendor_message(body: bytes, service: str | None = None) -> str | None:
    """The human part of a vendor's error body, short and sanitised; None when there is none.

    Shapes understood: ``{"message"}`` (Scaleway, Kubernetes Status), ``{"error": {"message",
    "errorCode", "details"}}`` (NCP gateway), ``{"error": "..."}``, ``{"error_message"}``,
    ``{"detail"}`` / ``{"details"}`` (Tastypie). A short plain-text body is quoted as is; HTML is
    not (it is a proxy's error page, not the API speaking). A vendor's own error code is named
    as such ("Authentication Failed (NCR API error code 200)"): a bare "200:" reads like HTTP.
    """
    try:
        document = load_json(body, "")
    except BadResponse:
        return _plain_text(body)
    found = _message_in(document, service or "vendor")
    return sanitize(found, limit=200) if found else None


def _message_in(document: Any, service: str) -> str | None:
    if isinstance(document, str):
        return document.strip() or None
    if not isinstance(document, dict):
        return None
    error = document.get("error")
    if isinstance(error, dict):
        message = error.get("message") or error.get("details")
        code = error.get("errorCode") or error.get("code")
        named = f"{service} error code {code}" if isinstance(code, str | int) else None
        if isinstance(message, str) and message.strip():
            return f"{message.strip()} ({named})" if named else message.strip()
        if named:
            return named
    for key in ("message", "error_message", "error", "detail", "details", "reason"):
        value = document.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()
    return None


def _plain_text(body: bytes) -> str | None:
    try:
        text_body = body.decode("utf-8").strip()
    except UnicodeDecodeError:
        return None
    if not text_body or text_body.startswith("<") or len(text_body) > 300:
        return None
    return sanitize(text_body, limit=200)
