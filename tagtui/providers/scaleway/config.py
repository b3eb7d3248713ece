"""Where Scaleway credentials and the region come from, as the ``scw`` CLI finds them."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tagtui.credentials import Credential
from tagtui.errors import CredentialError, UsageError
from tagtui.providers.http import text
from tagtui.providers.vendor_common import keyring_credential, read_yaml_mapping, split_endpoint

REGIONS = ("fr-par", "nl-ams", "pl-waw")
DEFAULT_REGION = "fr-par"
KEYRING_HOST = "api.scaleway.com"


@dataclass(frozen=True)
class ScwConfig:
    """What the ``scw`` CLI config file says (active profile over the top level)."""

    # Never in a repr: the config's secret is the API key itself.
    secret_key: str | None = field(default=None, repr=False)
    access_key: str | None = None
    default_region: str | None = None
    api_url: str | None = None
    path: Path | None = None


def scw_config_path() -> Path:
    """``$SCW_CONFIG_PATH``, else ``$XDG_CONFIG_HOME/scw/config.yaml``, else ``~/.config/...``."""
    explicit = os.environ.get("SCW_CONFIG_PATH")
    if explicit:
        return Path(explicit).expanduser()
    xdg = os.environ.get("XDG_CONFIG_HOME")
    base = Path(xdg) if xdg else Path.home() / ".config"
    return base / "scw" / "config.yaml"


def load_scw_config(path: Path | None = None) -> ScwConfig:
    """Read the scw config; an absent file is an empty config, a broken one a ConfigError."""
    path = path or scw_config_path()
    document = read_yaml_mapping(path, "the scw config")
    if document is None:
        return ScwConfig()
    values = {k: v for k, v in document.items() if k != "profiles"}
    profile_name = os.environ.get("SCW_PROFILE") or text(document.get("active_profile"))
    profiles = document.get("profiles")
    if profile_name and isinstance(profiles, dict):
        profile = profiles.get(profile_name)
        if isinstance(profile, dict):
            values.update({k: v for k, v in profile.items() if v is not None})
    return ScwConfig(
        secret_key=_clean(values.get("secret_key")),
        access_key=_clean(values.get("access_key")),
        default_region=_clean(values.get("default_region")),
        api_url=_clean(values.get("api_url")),
        path=path,
    )


def _clean(value: Any) -> str | None:
    return value.strip() or None if isinstance(value, str) else None


def resolve_credential(config: ScwConfig) -> Credential:
    """SCW_SECRET_KEY, then the scw config file, then the OS keyring (``api.scaleway.com``)."""
    secret = (os.environ.get("SCW_SECRET_KEY") or "").strip()
    if secret:
        access = (os.environ.get("SCW_ACCESS_KEY") or "").strip() or None
        return Credential(username=access, secret=secret, source="environment (SCW_SECRET_KEY)")
    if config.secret_key:
        return Credential(username=config.access_key, secret=config.secret_key, source="scw config")
    stored = keyring_credential(KEYRING_HOST)
    if stored is not None:
        return stored
    raise CredentialError(
        "no Scaleway secret key found: set SCW_SECRET_KEY (and SCW_DEFAULT_REGION), put "
        f"secret_key in {scw_config_path()} (`scw init` writes it), or store it in the OS "
        f"keyring under {KEYRING_HOST}"
    )


def split_api_url(value: str) -> tuple[str, str | None]:
    """``--endpoint`` / ``SCW_API_URL`` / ``api_url`` as (API root, region the URL names).

    The host (``https://api.scaleway.com``, what ``scw`` takes) and the documented base URL
    (``…/registry/v1/regions/fr-par``, or ``…/registry/v1``) both work.
    """
    endpoint = split_endpoint(value, "/registry/v1(?:/regions/([^/]+))?", what="the Scaleway API")
    region = endpoint.match[0] if endpoint.match else None
    return endpoint.root, region.lower() if region else None


def resolve_api_url(option: str | None, config: ScwConfig) -> str | None:
    """--endpoint, then SCW_API_URL, then the config's api_url (None: api.scaleway.com)."""
    return option or os.environ.get("SCW_API_URL") or config.api_url or None


def resolve_region(option: str | None, config: ScwConfig, named: str | None = None) -> str:
    """--region, then the region the API URL names, then SCW_DEFAULT_REGION, then the
    config's default_region, then fr-par. --region and the URL must agree."""
    if option and named and option.strip().lower() != named:
        raise UsageError(
            f"--region {option} contradicts the endpoint, whose base URL is region {named}: "
            "give one of them"
        )
    region = option or named or os.environ.get("SCW_DEFAULT_REGION") or config.default_region
    region = (region or DEFAULT_REGION).strip().lower()
    if region not in REGIONS:
        raise UsageError(f"unknown Scaleway region {region!r}: choose from {', '.join(REGIONS)}")
    return region
