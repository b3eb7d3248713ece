"""Named registries from ``$XDG_CONFIG_HOME/tagtui/config.toml``. Never holds secrets.

[registries.work]
target = "registry.example.com:5000"
ca_cert = "/etc/ssl/private-ca.pem"

[registries.scw]
provider = "scaleway"
region = "nl-ams"
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from pathlib import Path

from tagtui.errors import ConfigError

_ALLOWED_KEYS = {"provider", "target", "region", "namespace", "endpoint", "insecure", "ca_cert"}
# Anything that smells like a secret is refused outright: secrets go to the keyring.
_SECRET_HINTS = ("password", "secret", "token", "apikey", "api_key", "auth")


@dataclass(frozen=True)
class NamedRegistry:
    name: str
    provider: str = "oci"
    target: str | None = None
    region: str | None = None
    namespace: str | None = None
    endpoint: str | None = None
    insecure: bool = False
    ca_cert: Path | None = None


def config_path(env: dict[str, str] | None = None) -> Path:
    env = dict(os.environ) if env is None else env
    base = env.get("XDG_CONFIG_HOME") or str(Path(env.get("HOME", "~")).expanduser() / ".config")
    return Path(base) / "tagtui" / "config.toml"


def load_registries(path: Path | None = None) -> dict[str, NamedRegistry]:
    """Read the named registries; a missing file means none, a broken one is a ConfigError."""
    path = path or config_path()
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return {}
    except OSError as err:
        raise ConfigError(f"cannot read {path}: {err.strerror}") from None
    try:
        document = tomllib.loads(raw.decode("utf-8", errors="replace"))
    except tomllib.TOMLDecodeError as err:
        raise ConfigError(f"{path} is not valid TOML: {err}") from None
    section = document.get("registries", {})
    if not isinstance(section, dict):
        raise ConfigError(f"{path}: [registries] must be a table")
    return {name: _entry(path, name, value) for name, value in section.items()}


def _entry(path: Path, name: str, value: object) -> NamedRegistry:
    if not isinstance(value, dict):
        raise ConfigError(f"{path}: registries.{name} must be a table")
    for key in value:
        if any(hint in key.lower() for hint in _SECRET_HINTS):
            raise ConfigError(
                f"{path}: registries.{name}.{key} looks like a secret; secrets are not read from "
                "config files — use `tagtui login` (OS keyring) or environment variables"
            )
        if key not in _ALLOWED_KEYS:
            raise ConfigError(f"{path}: registries.{name}: unknown key {key!r}")
    for key in ("provider", "target", "region", "namespace", "endpoint", "ca_cert"):
        if key in value and not isinstance(value[key], str):
            raise ConfigError(f"{path}: registries.{name}.{key} must be a string")
    if "insecure" in value and not isinstance(value["insecure"], bool):
        raise ConfigError(f"{path}: registries.{name}.insecure must be true or false")
    ca_cert = value.get("ca_cert")
    return NamedRegistry(
        name=name,
        provider=value.get("provider", "oci"),
        target=value.get("target"),
        region=value.get("region"),
        namespace=value.get("namespace"),
        endpoint=value.get("endpoint"),
        insecure=value.get("insecure", False),
        ca_cert=Path(ca_cert).expanduser() if ca_cert else None,
    )
