"""What the vendor API providers (NCR, Scaleway, Tutum, OpenShift) share, written once.

Display values (dates, sizes, extras without the missing facts), the OS keyring as the last
place a credential is looked for, and the provider base that holds the API client and the
credential it sends. Deleting a tag is ``tagtui.providers.tag_delete``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tagtui.credentials import Credential
from tagtui.errors import ConfigError, CredentialError
from tagtui.model import Extras, RateLimit
from tagtui.providers.base import Provider
from tagtui.text import sanitize, size_with_bytes

if TYPE_CHECKING:
    from tagtui.providers.http import VendorHttp


class VendorApiProvider(Provider):
    """A provider over one vendor JSON API: one client and the credential it sends (or none)."""

    def __init__(self, http: VendorHttp, credential: Credential | None) -> None:
        self.http = http
        self._credential = credential
        # Only to say who was refused; the secret never goes into a message.
        http.username = credential.username if credential else None

    @property
    def credential_source(self) -> str:
        return self._credential.source if self._credential else "anonymous"

    @property
    def credential_key(self) -> str:
        """The API host; a vendor whose tools store keys under a fixed name says so."""
        return self.http.host

    @property
    def rate_limit(self) -> RateLimit | None:
        return self.http.rate_limit

    def set_credential(self, credential: Credential) -> None:
        self._credential = credential
        self.http.username = credential.username

    async def aclose(self) -> None:
        await self.http.aclose()


# --- endpoints ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ApiEndpoint:
    """An ``--endpoint`` (or a tool's URL variable) split into the API's root and what follows.

    ``root`` is scheme, host and any path before the documented API path; ``match`` holds the
    documented path's groups when the value named it (``…/ncr/api/v2``), else None (a host).
    """

    root: str
    match: tuple[str | None, ...] | None


def split_endpoint(value: str, documented: str, *, what: str) -> ApiEndpoint:
    """``value`` as the API's root and, if its path ends with the ``documented`` pattern (a
    regex for the base URL's path), that part's groups. A bare ``host[:port]`` means https.

    Both the host and the base URL the vendor documents are accepted, so neither doubles the
    API path (``…/ncr/api/v2/ncr/api/v2/repositories``).
    """
    # Imported here: httpx is loaded by the client anyway; this module stays light.
    import httpx

    text = value.strip()
    if text and "://" not in text:
        text = f"https://{text}"
    try:
        url = httpx.URL(text)
    except (httpx.InvalidURL, TypeError, ValueError):
        raise ConfigError(f"invalid {what} URL {sanitize(value)!r}") from None
    if url.scheme not in ("http", "https") or not url.host or url.query or url.fragment:
        raise ConfigError(f"{what} must be an http(s) URL with a host, not {sanitize(value)!r}")
    path = url.raw_path.decode("ascii").rstrip("/")
    origin = f"{url.scheme}://{url.netloc.decode('ascii')}"
    found = re.search(f"({documented})$", path)
    if found is None:
        return ApiEndpoint(root=origin + path, match=None)
    return ApiEndpoint(root=origin + path[: found.start()], match=found.groups()[1:])


# --- display values -------------------------------------------------------------------------------


def display_date(value: datetime | None) -> str | None:
    return value.isoformat(sep=" ", timespec="seconds") if value else None


def display_size(value: int | None) -> str | None:
    """``1.2 MiB (1,234,567 bytes)``, or None (absent from the extras) when unknown."""
    return size_with_bytes(value) if value is not None else None


def known_extras(*pairs: tuple[str, str | None]) -> Extras:
    """Only the facts that are there: null fields are absent, not "None"."""
    return tuple((label, value) for label, value in pairs if value)


# --- credentials ----------------------------------------------------------------------------------


def read_yaml_mapping(path: Path, label: str) -> dict[str, Any] | None:
    """The YAML mapping in a CLI's config file (``label``: "kubeconfig", "the scw config");
    None when the file does not exist, ``{}`` when it is empty.

    Such files hold secrets: a message names the file and the line, never what it says.
    """
    # Imported here: NCR and Tutum import this module and never read YAML.
    import yaml

    try:
        raw = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as err:
        raise ConfigError(f"cannot read {label} {path}: {type(err).__name__}") from None
    try:
        document = yaml.safe_load(raw)
    except yaml.YAMLError as err:
        # The parser's own message quotes the file: give the line only.
        mark = getattr(err, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        raise ConfigError(f"{label} {path} is not valid YAML{where}") from None
    if document is None:
        return {}
    if not isinstance(document, dict):
        raise ConfigError(f"{label} {path} is not a YAML mapping")
    return document


def keyring_credential(host: str, *, needs_username: bool = False) -> Credential | None:
    """What the OS keyring holds for ``host``; None when nothing usable is stored."""
    # Imported here: the keyring backend is only loaded when the environment had nothing.
    from tagtui.credentials import keyring_store

    try:
        stored = keyring_store.load(host)
    except CredentialError:
        return None
    if stored is None or not stored.secret or (needs_username and not stored.username):
        return None
    return stored
