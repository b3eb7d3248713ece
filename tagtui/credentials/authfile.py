"""Reading docker's ``config.json`` and podman's ``auth.json``: the same ``auths`` format.

Every problem is a one-line warning naming the file, never its contents, and the lookup goes on
to the next source.
"""

from __future__ import annotations

import base64
import binascii
import json
import logging
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from tagtui.credentials import Credential
from tagtui.reference import DOCKER_HUB_API_HOST, docker_config_keys
from tagtui.text import sanitize

log = logging.getLogger(__name__)

_DOCKER_HUB_HOSTS = {"index.docker.io", "docker.io", "registry-1.docker.io"}


def read_json_object(path: Path) -> dict[str, Any] | None:
    """The file's JSON object; None if it is missing or (with a warning) unusable."""
    shown = sanitize(str(path))
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except UnicodeDecodeError:
        log.warning("ignoring %s: not UTF-8 text", shown)
        return None
    except OSError as err:
        log.warning("ignoring %s: %s", shown, err.strerror or type(err).__name__)
        return None
    try:
        document = json.loads(text)
    except json.JSONDecodeError as err:
        # Only the position: the message must not quote the file (it holds secrets).
        log.warning("ignoring %s: not valid JSON (line %d column %d)", shown, err.lineno, err.colno)
        return None
    except RecursionError:
        log.warning("ignoring %s: JSON nested too deeply", shown)
        return None
    if not isinstance(document, dict):
        log.warning("ignoring %s: expected a JSON object", shown)
        return None
    return document


def _hostname(key: str) -> str:
    """docker's ConvertToHostname: drop the scheme and any path."""
    for scheme in ("https://", "http://"):
        if key.startswith(scheme):
            key = key[len(scheme) :]
    return key.split("/", 1)[0]


def matching_key(table: Mapping[str, Any], host: str) -> str | None:
    """The key of ``table`` that names ``host``: exact forms first, then any URL of the host."""
    for key in docker_config_keys(host):
        if key in table:
            return key
    wanted = _DOCKER_HUB_HOSTS if host == DOCKER_HUB_API_HOST else {host}
    for key in table:
        if isinstance(key, str) and _hostname(key) in wanted:
            return key
    return None


def listed_hosts(document: Mapping[str, Any], path: Path) -> list[str]:
    """The registries a file has entries for (``auths`` and ``credHelpers`` keys), as host
    names, in file order; never anything from the entries themselves."""
    hosts: list[str] = []
    for name in ("auths", "credHelpers"):
        for key in section(document, name, path):
            if not isinstance(key, str) or not key.strip():
                continue
            host = _hostname(key.strip())
            host = "docker.io" if host in _DOCKER_HUB_HOSTS else host
            if host and host not in hosts:
                hosts.append(host)
    return hosts


def section(document: Mapping[str, Any], name: str, path: Path) -> Mapping[str, Any]:
    """``document[name]`` if it is an object; {} (with a warning if it is something else)."""
    value = document.get(name)
    if value is None:
        return {}
    if not isinstance(value, dict):
        log.warning("ignoring %r in %s: expected a JSON object", name, sanitize(str(path)))
        return {}
    return value


def credential_from_entry(
    entry: object, *, source: str, host: str, path: Path
) -> Credential | None:
    """One ``auths[host]`` entry: ``identitytoken``, ``auth`` (base64 user:pass), or both fields.

    An empty entry (docker writes those when a credential store holds the secret) gives None.
    """
    where = f"the entry for {sanitize(host)} in {sanitize(str(path))}"
    if not isinstance(entry, dict):
        log.warning("ignoring %s: expected a JSON object", where)
        return None
    username = entry.get("username") if isinstance(entry.get("username"), str) else None
    password = entry.get("password") if isinstance(entry.get("password"), str) else None
    auth = entry.get("auth")
    if isinstance(auth, str) and auth:
        decoded = _decode_auth(auth)
        if decoded is None:
            log.warning('ignoring %s: "auth" is not base64 of user:password', where)
            return None
        username, password = decoded
    token = entry.get("identitytoken")
    if isinstance(token, str) and token:
        return Credential(
            username=username or None, secret=token, source=source, identity_token=True
        )
    if password:
        return Credential(username=username or None, secret=password, source=source)
    return None


def _decode_auth(auth: str) -> tuple[str, str] | None:
    try:
        # docker writes standard base64; tolerate missing padding.
        raw = base64.b64decode(auth + "=" * (-len(auth) % 4), validate=True)
        text = raw.decode("utf-8")
    except (binascii.Error, ValueError):
        return None
    username, sep, password = text.partition(":")
    if not sep:
        return None
    return username, password
