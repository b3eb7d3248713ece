"""Typed errors with one-line human messages. Providers raise these; the CLI and UI show them.

Every message may contain registry-supplied text: it is passed through ``sanitize`` so no
control character or escape sequence survives, and long bodies are cut.
"""

from __future__ import annotations

from tagtui.text import sanitize


class TagtuiError(Exception):
    """Base class: ``title`` names the kind of problem, ``str()`` is one human sentence."""

    title = "Error"

    def __init__(self, message: str, *, limit: int = 500) -> None:
        # The limit cuts bodies a server sent; a message tagtui wrote itself may pass a larger one.
        self.message = sanitize(message, limit=limit)
        super().__init__(self.message)

    def __str__(self) -> str:
        return self.message


class UsageError(TagtuiError):
    title = "Usage error"


class ConfigError(TagtuiError):
    title = "Configuration error"


class ConnectionFailed(TagtuiError):
    title = "Connection failed"


class RegistryTimeout(TagtuiError):
    title = "Timed out"


class TLSError(TagtuiError):
    title = "TLS error"


class AuthenticationRequired(TagtuiError):
    """401: no credentials, or the registry rejected the ones sent."""

    title = "Authentication failed"

    def __init__(self, message: str, *, username: str | None = None):
        super().__init__(message)
        # Whose credentials were rejected (None: none were sent).
        self.username = username


class PermissionDenied(TagtuiError):
    """403 or DENIED: authenticated, but not allowed."""

    title = "Permission denied"


class NotFound(TagtuiError):
    title = "Not found"


class Conflict(TagtuiError):
    title = "Conflict"


class Unsupported(TagtuiError):
    """405 / UNSUPPORTED, or an operation the provider cannot do."""

    title = "Not supported"


class DeletionDisabled(Unsupported):
    title = "Deletion disabled"


class CatalogUnavailable(Unsupported):
    title = "Catalog unavailable"


class RateLimited(TagtuiError):
    title = "Rate limited"

    def __init__(self, message: str, *, retry_after: float | None = None):
        super().__init__(message)
        self.retry_after = retry_after


class ServerError(TagtuiError):
    title = "Server error"


class BadResponse(TagtuiError):
    """The registry answered something we cannot trust: bad JSON, wrong shape, too large."""

    title = "Bad response"


class DigestMismatch(BadResponse):
    title = "Digest mismatch"


class LegacyManifest(Unsupported):
    title = "Legacy manifest"


class DeleteAborted(TagtuiError):
    """The tag changed between the plan the user confirmed and the delete: nothing was removed."""

    title = "Delete aborted"


class CredentialError(TagtuiError):
    title = "Credentials"
