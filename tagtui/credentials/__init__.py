"""Credentials: where they come from (environment, keyring, docker, podman) and how they are held.

A ``Credential`` never shows its secret in ``repr``/``str``, so it is safe in logs and tracebacks.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Credential:
    """A username and secret for one registry, and where they were found."""

    username: str | None
    secret: str = field(repr=False)
    # "environment", "keyring", "docker config", "docker-credential-<name>", "podman", "session"...
    source: str = "session"
    # True when ``secret`` is an identity (refresh) token rather than a password.
    identity_token: bool = False

    def __str__(self) -> str:
        who = self.username or "?"
        return f"{who} (from {self.source})"


def describe_in_use(source: str, username: str | None) -> str:
    """The header's whose and from where: ``alice from docker config``, or the source alone
    (``anonymous``, or a credential without a user name)."""
    if source == "anonymous" or not username:
        return source
    return f"{username} from {source}"


def describe_rejected(source: str, username: str | None) -> str:
    """The header after a registry refused credentials: whose, where they came from, refused.

    ``alice from environment (rejected)``; with no credential sent, ``anonymous`` as before.
    """
    if source == "anonymous":
        return source
    return f"{describe_in_use(source, username)} (rejected)"
