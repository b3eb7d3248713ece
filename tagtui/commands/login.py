"""``tagtui login`` and ``tagtui logout``: check credentials, then keep them where docker and
podman would (``credentials.stores``): the OS keyring, docker's credential helper, or podman's
auth file. With none of them, login names the three ways out and stops before asking for a
password. Keyring, helper and file calls run in a thread, so none blocks the event loop.
"""

from __future__ import annotations

import asyncio
import getpass
import os
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import TextIO

from tagtui.credentials import Credential, stores
from tagtui.credentials.sources import ENV_PASSWORD
from tagtui.errors import CredentialError, UsageError
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
    store: str | None = None,
    auth_file: Path | None = None,
    env: Mapping[str, str] | None = None,
    stdin: TextIO | None = None,
    stderr: TextIO | None = None,
) -> int:
    """Check ``username``/password against the registry, then store them. Returns the exit code.

    ``store`` (``--store``) and ``auth_file`` (``--auth-file``) choose the place; by default it
    is the first usable of keyring, credential helper, podman's runtime auth file (``stores``).
    Raises ``UsageError`` for bad arguments, ``CredentialError`` when storing fails, and the
    provider's ``TagtuiError`` (e.g. ``AuthenticationRequired``) when the registry refuses.
    """
    from tagtui.providers.oci.provider import OciProvider

    env = os.environ if env is None else env
    stdin = sys.stdin if stdin is None else stdin
    stderr = sys.stderr if stderr is None else stderr
    host = registry_host(registry_text)

    try:
        place = await asyncio.to_thread(stores.choose, host, env, store, auth_file)
    except CredentialError as err:
        # Said before asking for a password the user would type for nothing.
        stderr.write(f"tagtui: cannot log in to {host}: {err}\n")
        return 1

    if not username:
        stored = await asyncio.to_thread(stores.load, place, host, env)
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

    await asyncio.to_thread(stores.save, place, host, username, secret, env)
    stderr.write(f"Login succeeded: {sanitize(username)} at {host}, {place.stored(host)}.\n")
    if place.warning:
        stderr.write(f"tagtui: warning: {place.warning}.\n")
    note = await asyncio.to_thread(stores.shadowed, host, secret, env)
    if note:
        stderr.write(f"tagtui: note: {note}.\n")
    return 0


def logout(
    registry_text: str,
    *,
    auth_file: Path | None = None,
    env: Mapping[str, str] | None = None,
    stderr: TextIO | None = None,
) -> int:
    """Remove ``registry_text``'s credentials from wherever tagtui finds them (only from
    ``auth_file`` when given) and say where. Returns the exit code."""
    env = os.environ if env is None else env
    stderr = sys.stderr if stderr is None else stderr
    host = registry_host(registry_text)
    done = stores.forget(host, env, auth_file)
    if done.removed:
        stderr.write(f"Removed the credentials for {host} from {_and(done.removed)}.\n")
    elif done.looked:
        stderr.write(f"No credentials for {host} in {_and(done.looked)}.\n")
    else:
        stderr.write(
            f"No credentials for {host}: no usable OS keyring, no credential helper "
            "and no auth file here.\n"
        )
    if env.get(ENV_PASSWORD):
        stderr.write(f"tagtui: note: {ENV_PASSWORD} is still set in this environment.\n")
    for failure in done.failed:
        stderr.write(f"tagtui: error: {sanitize(failure)}\n")
    return 1 if done.failed else 0


def _and(names: tuple[str, ...]) -> str:
    if len(names) == 1:
        return names[0]
    return ", ".join(names[:-1]) + " and " + names[-1]
