"""Docker credential helpers: ``docker-credential-<name> get|store|erase``, docker's own protocol.

The server URL (or, to store, a JSON object) goes on stdin and answers come back as JSON on
stdout, so no secret is ever in a process argument list.
"""

from __future__ import annotations

import json
import logging
import os
import re
import shutil
import subprocess
from collections.abc import Mapping

from tagtui.credentials import Credential
from tagtui.errors import CredentialError
from tagtui.text import sanitize

log = logging.getLogger(__name__)

#: Seconds a helper may take (desktop helpers may wait on an unlock prompt).
TIMEOUT = 15.0

# What helpers print (exit 1) when they hold nothing for the server.
_NOT_FOUND = "credentials not found"
_VALID_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
# `Username` value meaning `Secret` is an identity (refresh) token.
IDENTITY_TOKEN_USERNAME = "<token>"


def helper_source(name: str) -> str:
    return f"docker-credential-{name}"


def find_helper(name: str, env: Mapping[str, str]) -> str | None:
    """Where ``docker-credential-<name>`` is on ``PATH``; None for a bad name or none there."""
    if not _VALID_NAME.match(name):
        return None
    return shutil.which(helper_source(name), path=env.get("PATH", os.defpath))


def helper_path(name: str, env: Mapping[str, str]) -> str | None:
    """``find_helper``, with a one-line warning saying why there is none."""
    path = find_helper(name, env)
    if path is None and not _VALID_NAME.match(name):
        log.warning("ignoring credential helper %r: not a valid helper name", sanitize(name))
    elif path is None:
        log.warning("credential helper %s is configured but not on PATH", helper_source(name))
    return path


def _run(
    path: str, action: str, payload: bytes, env: Mapping[str, str]
) -> subprocess.CompletedProcess[bytes] | str:
    """Run ``<helper> action`` with ``payload`` on stdin; a string says why it could not run."""
    try:
        return subprocess.run(
            [path, action],
            input=payload,
            capture_output=True,
            env=dict(env),
            timeout=TIMEOUT,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return f"did not answer within {TIMEOUT:g} s"
    except OSError as err:
        return f"could not run: {err.strerror or err}"


def _said(completed: subprocess.CompletedProcess[bytes], *, hide: str | None = None) -> str:
    """What a failing helper printed, short; dropped if it echoes ``hide`` (the secret)."""
    said = completed.stdout.decode(errors="replace").strip()
    said = said or completed.stderr.decode(errors="replace").strip()
    if hide and hide in said:
        return "(its message quoted the secret: not shown)"
    return sanitize(said, limit=120)


def get_from_helper(name: str, server_url: str, env: Mapping[str, str]) -> Credential | None:
    """Ask helper ``name`` for ``server_url``; None (after a one-line warning if it broke)."""
    program = helper_source(name)
    path = helper_path(name, env)
    if path is None:
        return None
    completed = _run(path, "get", server_url.encode(), env)
    if isinstance(completed, str):
        log.warning("credential helper %s %s", program, completed)
        return None
    if completed.returncode != 0:
        said = completed.stdout.decode(errors="replace").strip()
        if _NOT_FOUND not in said.lower():
            # A failing helper prints its error, never a secret it did not return; keep it short.
            log.warning(
                "credential helper %s failed (exit %d): %s",
                program,
                completed.returncode,
                _said(completed),
            )
        return None
    return _parse_answer(program, completed.stdout)


def store_in_helper(
    name: str, server_url: str, username: str, secret: str, env: Mapping[str, str]
) -> None:
    """``<helper> store``: the JSON goes on stdin, as docker sends it. Raises CredentialError."""
    payload = json.dumps({"ServerURL": server_url, "Username": username, "Secret": secret})
    _must_succeed(name, "store", payload.encode(), env, hide=secret)


def erase_from_helper(name: str, server_url: str, env: Mapping[str, str]) -> None:
    """``<helper> erase`` with the server URL on stdin. Raises CredentialError."""
    _must_succeed(name, "erase", server_url.encode(), env, hide=None)


def _must_succeed(
    name: str, action: str, payload: bytes, env: Mapping[str, str], *, hide: str | None
) -> None:
    program = helper_source(name)
    path = helper_path(name, env)
    if path is None:
        raise CredentialError(f"credential helper {program} is not on PATH")
    completed = _run(path, action, payload, env)
    if isinstance(completed, str):
        raise CredentialError(f"credential helper {program} {completed}")
    if completed.returncode != 0:
        raise CredentialError(
            f"credential helper {program} failed to {action} (exit {completed.returncode}): "
            f"{_said(completed, hide=hide)}"
        )


def _parse_answer(program: str, stdout: bytes) -> Credential | None:
    try:
        answer = json.loads(stdout)
    except (ValueError, UnicodeDecodeError):
        log.warning("credential helper %s answered something that is not JSON", program)
        return None
    if not isinstance(answer, dict):
        log.warning("credential helper %s answered JSON of the wrong shape", program)
        return None
    username = answer.get("Username")
    secret = answer.get("Secret")
    if not isinstance(secret, str) or not secret:
        return None
    if username == IDENTITY_TOKEN_USERNAME:
        return Credential(username=None, secret=secret, source=program, identity_token=True)
    return Credential(
        username=username if isinstance(username, str) and username else None,
        secret=secret,
        source=program,
    )
