"""``tagtui login`` and ``tagtui logout``: check credentials, then keep them in the OS keyring.

Secrets only ever go to the keyring: with no usable keyring, login explains how to get one and
stops (session-only credentials make sense only inside the TUI, where the login modal offers
them). Keyring calls run in a thread, so a slow keyring never blocks the event loop.
"""

from __future__ import annotations

import asyncio
import getpass
import sys
from typing import TextIO

from tagtui.credentials import Credential, keyring_store
from tagtui.errors import UsageError
from tagtui.providers.base import ConnectionOptions
from tagtui.reference import parse_reference
from tagtui.text import sanitize


def registry_host(registry_text: str) -> str:
    """The API host of ``registry_text`` (``docker.io`` -> ``registry-1.docker.io``)."""
    reference = parse_reference(registry_text)
    if reference.repository is not None:
        raise UsageError(
            f"{registry_text!r} is an image, not a registry: give a host such as "
            "127.0.0.1:5000, ghcr.io or docker.io"
        )
    return reference.registry


def _read_password(password_stdin: bool, stdin: TextIO, stderr: TextIO) -> str:
    if password_stdin:
        # As docker does: the whole input, without the trailing newline `echo` adds.
        return stdin.read().rstrip("\r\n")
    return getpass.getpass("Password: ", stream=stderr)


def _read_username(stdin: TextIO, stderr: TextIO) -> str:
    stderr.write("Username: ")
    stderr.flush()
    return stdin.readline().strip()


async def login(
    registry_text: str,
    username: str | None,
    password_stdin: bool,
    options: ConnectionOptions,
    *,
    stdin: TextIO | None = None,
    stderr: TextIO | None = None,
) -> int:
    """Check ``username``/password against the registry, then store them. Returns the exit code.

    Raises ``UsageError`` for bad arguments and the provider's ``TagtuiError`` (e.g.
    ``AuthenticationRequired``) when the registry refuses; the CLI prints those.
    """
    from tagtui.providers.oci.provider import OciProvider

    stdin = sys.stdin if stdin is None else stdin
    stderr = sys.stderr if stderr is None else stderr
    host = registry_host(registry_text)

    usable, howto = await asyncio.to_thread(keyring_store.keyring_usable)
    if not usable:
        # Say it before asking for a password the user would type for nothing.
        stderr.write(f"tagtui: cannot log in to {host}: {howto}\n")
        return 1

    if not username:
        stored = await asyncio.to_thread(keyring_store.load, host)
        username = stored.username if stored is not None else None
    if not username:
        if password_stdin:
            raise UsageError("--password-stdin needs the username: add -u USER")
        username = _read_username(stdin, stderr)
        if not username:
            raise UsageError("a username is needed to log in")

    secret = _read_password(password_stdin, stdin, stderr)
    if not secret:
        raise UsageError("empty password")

    credential = Credential(username=username, secret=secret, source="session")
    provider = OciProvider(host, credential=credential, options=options)
    try:
        await provider.check()
    finally:
        await provider.aclose()

    await asyncio.to_thread(keyring_store.save, host, username, secret)
    backend = await asyncio.to_thread(keyring_store.backend_description)
    stderr.write(
        f"Login succeeded: {sanitize(username)} at {host}, stored in the OS keyring ({backend}).\n"
    )
    return 0


def logout(registry_text: str, *, stderr: TextIO | None = None) -> int:
    """Remove ``registry_text``'s credentials from the keyring. Returns the exit code."""
    stderr = sys.stderr if stderr is None else stderr
    host = registry_host(registry_text)
    usable, howto = keyring_store.keyring_usable()
    if not usable:
        stderr.write(f"tagtui: nothing to remove for {host}: {howto}\n")
        return 1
    if keyring_store.delete(host):
        stderr.write(f"Removed the credentials for {host} from the OS keyring.\n")
    else:
        stderr.write(f"No credentials for {host} in the OS keyring.\n")
    return 0
