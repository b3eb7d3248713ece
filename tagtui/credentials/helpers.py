"""Docker credential helpers: ``docker-credential-<name> get``, the protocol docker itself uses.

The server URL goes on stdin and the answer comes back as JSON on stdout, so no secret is ever
in a process argument list.
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


def get_from_helper(name: str, server_url: str, env: Mapping[str, str]) -> Credential | None:
    """Ask helper ``name`` for ``server_url``; None (after a one-line warning if it broke)."""
    program = helper_source(name)
    if not _VALID_NAME.match(name):
        log.warning("ignoring credential helper %r: not a valid helper name", sanitize(name))
        return None
    path = shutil.which(program, path=env.get("PATH", os.defpath))
    if path is None:
        log.warning("credential helper %s is configured but not on PATH", program)
        return None
    try:
        completed = subprocess.run(
            [path, "get"],
            input=server_url.encode(),
            capture_output=True,
            env=dict(env),
            timeout=TIMEOUT,
            check=False,
        )
    except subprocess.TimeoutExpired:
        log.warning("credential helper %s did not answer within %g s", program, TIMEOUT)
        return None
    except OSError as err:
        log.warning("credential helper %s could not run: %s", program, err.strerror or err)
        return None
    if completed.returncode != 0:
        said = completed.stdout.decode(errors="replace").strip()
        if _NOT_FOUND not in said.lower():
            # A failing helper prints its error, never a secret it did not return; keep it short.
            said = said or completed.stderr.decode(errors="replace").strip()
            log.warning(
                "credential helper %s failed (exit %d): %s",
                program,
                completed.returncode,
                sanitize(said, limit=120),
            )
        return None
    return _parse_answer(program, completed.stdout)


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
