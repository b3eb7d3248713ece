"""Credentials from ``podman login`` / ``skopeo login``: containers-auth.json(5)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from tagtui.credentials import Credential
from tagtui.credentials.authfile import listed_hosts, read_json_object
from tagtui.credentials.docker_config import from_auth_file, home

SOURCE = "podman"


def auth_paths(env: Mapping[str, str]) -> list[Path]:
    """``$REGISTRY_AUTH_FILE``, ``$XDG_RUNTIME_DIR/containers/auth.json``, then the config dir."""
    paths: list[Path] = []
    if env.get("REGISTRY_AUTH_FILE"):
        paths.append(Path(env["REGISTRY_AUTH_FILE"]))
    if env.get("XDG_RUNTIME_DIR"):
        paths.append(Path(env["XDG_RUNTIME_DIR"]) / "containers" / "auth.json")
    config_home = Path(env.get("XDG_CONFIG_HOME") or home(env) / ".config")
    paths.append(config_home / "containers" / "auth.json")
    return paths


def write_path(env: Mapping[str, str]) -> tuple[Path, bool] | None:
    """Where ``podman login`` writes: ``$REGISTRY_AUTH_FILE``, else the runtime auth file.

    The flag says the file is in ``$XDG_RUNTIME_DIR`` (removed when the user's last session
    ends). None without either, or when ``$XDG_RUNTIME_DIR`` does not exist (podman refuses it).
    """
    if env.get("REGISTRY_AUTH_FILE"):
        return Path(env["REGISTRY_AUTH_FILE"]), False
    runtime = env.get("XDG_RUNTIME_DIR")
    if runtime and Path(runtime).is_dir():
        return Path(runtime) / "containers" / "auth.json", True
    return None


def from_podman(host: str, env: Mapping[str, str]) -> Credential | None:
    for path in auth_paths(env):
        found = from_auth_file(path, host, env, source=SOURCE)
        if found is not None:
            return found
    return None


def podman_hosts(env: Mapping[str, str]) -> list[str]:
    """The registries podman's auth files have entries for, in lookup order: names only."""
    hosts: list[str] = []
    for path in auth_paths(env):
        document = read_json_object(path)
        if document is None:
            continue
        hosts.extend(host for host in listed_hosts(document, path) if host not in hosts)
    return hosts
