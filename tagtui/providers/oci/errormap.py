"""From a registry's non-success answer to a ``tagtui.errors`` exception with a one-line message.

Registries explain failures in ``{"errors": [{"code", "message", "detail"}]}``; the code says
more than the status (a 404 may be NAME_UNKNOWN or MANIFEST_UNKNOWN), so both are used.
"""

from __future__ import annotations

from dataclasses import dataclass

from tagtui.errors import (
    AuthenticationRequired,
    BadResponse,
    Conflict,
    NotFound,
    PermissionDenied,
    ServerError,
    TagtuiError,
    Unsupported,
)
from tagtui.providers.http.errors import RequestRejected, about, rate_limited
from tagtui.providers.json_body import load_json
from tagtui.text import sanitize


@dataclass(frozen=True)
class RegistryErrors:
    """The ``errors`` list of a registry's answer, as (code, message) pairs."""

    entries: tuple[tuple[str, str], ...] = ()

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(code for code, _ in self.entries)

    def has(self, *codes: str) -> bool:
        return any(code in codes for code in self.codes)

    def describe(self) -> str:
        """``CODE: message`` of the first entry, short, or "" when there is none."""
        if not self.entries:
            return ""
        code, message = self.entries[0]
        text = f"{code}: {message}" if message else code
        return sanitize(text, limit=160)


def parse_registry_errors(body: bytes) -> RegistryErrors:
    try:
        document = load_json(body, "")
    except BadResponse:
        return RegistryErrors()
    if not isinstance(document, dict) or not isinstance(document.get("errors"), list):
        return RegistryErrors()
    entries = []
    for item in document["errors"]:
        if isinstance(item, dict) and isinstance(item.get("code"), str):
            message = item.get("message")
            entries.append((item["code"].upper(), message if isinstance(message, str) else ""))
    return RegistryErrors(tuple(entries))


@dataclass(frozen=True)
class Subject:
    """What a request was about, for messages: "repository team/api", "team/api:latest"."""

    repository: str | None = None
    # e.g. "team/api:latest" or "team/api@sha256:…"; None for registry-level requests.
    reference: str | None = None
    action: str | None = None


def error_for_status(
    status: int,
    body: bytes,
    *,
    host: str,
    username: str | None,
    subject: Subject = Subject(),
    retry_after: str | None = None,
    challenge: str | None = None,
) -> TagtuiError:
    errors = parse_registry_errors(body)
    detail = errors.describe()
    suffix = f" ({detail})" if detail else ""
    what = subject.reference or (f"repository {subject.repository}" if subject.repository else "")
    for_what = about(what)

    if status == 401 and challenge and "insufficient_scope" in challenge and what:
        # Docker Hub and others answer this for private *and* missing repositories alike.
        if username:
            return PermissionDenied(
                f"{username} may not access {what} at {host} (or it does not exist)"
            )
        return AuthenticationRequired(
            f"authentication required at {host} for {what} (or it does not exist)",
            username=None,
        )
    if status == 401 or (errors.has("UNAUTHORIZED") and status != 403):
        if username:
            message = f"authentication failed for {username} at {host}"
        else:
            message = f"authentication required at {host}"
        return AuthenticationRequired(message, username=username)
    if status == 403 or errors.has("DENIED"):
        who = f" to {username}" if username else ""
        return PermissionDenied(f"{host} denied access{for_what}{who}{suffix}")
    if status == 429 or errors.has("TOOMANYREQUESTS"):
        return rate_limited(f"rate limited by {host}", retry_after)
    if status == 404:
        if errors.has("NAME_UNKNOWN") and subject.repository:
            return NotFound(f"repository {subject.repository} not found at {host}")
        if errors.has("MANIFEST_UNKNOWN") and subject.reference:
            return NotFound(f"{subject.reference} not found at {host}")
        if errors.has("BLOB_UNKNOWN"):
            return NotFound(f"a blob{for_what} is missing at {host}{suffix}")
        if what:
            return NotFound(f"{what} not found at {host}")
        return NotFound(f"not found at {host}{suffix}")
    if status == 405 or errors.has("UNSUPPORTED"):
        action = subject.action or "this operation"
        return Unsupported(f"{host} does not support {action}{suffix}")
    if status == 409:
        return Conflict(f"{host} reported a conflict{for_what}{suffix}")
    if status >= 500:
        return ServerError(f"{host} answered HTTP {status}{for_what}{suffix}")
    return RequestRejected(f"{host} refused the request{for_what}: HTTP {status}{suffix}")
