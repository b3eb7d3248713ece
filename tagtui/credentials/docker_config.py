"""Credentials docker already has: credHelpers, credsStore, then auths in config.json."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from tagtui.credentials import Credential
from tagtui.credentials.authfile import (
    credential_from_entry,
    listed_hosts,
    matching_key,
    read_json_object,
    section,
)
from tagtui.credentials.helpers import get_from_helper
from tagtui.reference import docker_config_keys

SOURCE = "docker config"


def home(env: Mapping[str, str]) -> Path:
    return Path(env.get("HOME") or os.path.expanduser("~"))


def config_path(env: Mapping[str, str]) -> Path:
    """``$DOCKER_CONFIG/config.json``, else ``~/.docker/config.json``."""
    directory = env.get("DOCKER_CONFIG")
    if directory:
        return Path(directory) / "config.json"
    return home(env) / ".docker" / "config.json"


def server_url(host: str) -> str:
    """What docker hands a helper: ``https://index.docker.io/v1/`` for Docker Hub, else the host."""
    return docker_config_keys(host)[0]


def helper_names(document: Mapping[str, Any], host: str, path: Path) -> list[tuple[str, str]]:
    """The helpers a file names for ``host`` and the setting naming each, in docker's order:
    ``credHelpers``, then ``credsStore``."""
    names: list[tuple[str, str]] = []
    helpers = section(document, "credHelpers", path)
    key = matching_key(helpers, host)
    if key is not None and isinstance(helpers[key], str) and helpers[key]:
        names.append((helpers[key], "credHelpers"))
    store = document.get("credsStore")
    if isinstance(store, str) and store:
        names.append((store, "credsStore"))
    return names


def configured_helper(host: str, env: Mapping[str, str]) -> tuple[str, str] | None:
    """The helper ``docker login`` would store ``host``'s credential with, and why:
    ``("pass", "credsStore in ~/.docker/config.json")``; None when docker's config names none."""
    path = config_path(env)
    document = read_json_object(path)
    if document is None:
        return None
    names = helper_names(document, host, path)
    if not names:
        return None
    name, setting = names[0]
    return name, f"{setting} in {path}"


def from_auth_file(
    path: Path, host: str, env: Mapping[str, str], *, source: str
) -> Credential | None:
    """``credHelpers[host]``, then ``credsStore``, then ``auths[host]`` of one file."""
    document = read_json_object(path)
    if document is None:
        return None
    for name, _ in helper_names(document, host, path):
        found = get_from_helper(name, server_url(host), env)
        if found is not None:
            return found
    auths = section(document, "auths", path)
    key = matching_key(auths, host)
    if key is None:
        return None
    return credential_from_entry(auths[key], source=source, host=host, path=path)


def from_docker_config(host: str, env: Mapping[str, str]) -> Credential | None:
    return from_auth_file(config_path(env), host, env, source=SOURCE)


def docker_hosts(env: Mapping[str, str]) -> list[str]:
    """The registries docker's config.json has credentials (or a helper) for: names only."""
    path = config_path(env)
    document = read_json_object(path)
    return [] if document is None else listed_hosts(document, path)
