"""Image references parsed as docker parses them."""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass

from tagtui.errors import UsageError

DOCKER_HUB_API_HOST = "registry-1.docker.io"
_DOCKER_HUB_ALIASES = {
    "docker.io",
    "index.docker.io",
    "registry-1.docker.io",
    "registry.hub.docker.com",
}

_NAME_COMPONENT = r"[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*"
_NAME = re.compile(rf"^{_NAME_COMPONENT}(?:/{_NAME_COMPONENT})*$")
_TAG = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$")
_DIGEST = re.compile(r"^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$")


@dataclass(frozen=True)
class Reference:
    """``registry`` is the API host (``registry-1.docker.io`` for Docker Hub)."""

    registry: str
    repository: str | None = None
    tag: str | None = None
    digest: str | None = None

    @property
    def is_docker_hub(self) -> bool:
        return self.registry == DOCKER_HUB_API_HOST

    def __str__(self) -> str:
        text = self.registry
        if self.repository:
            text += f"/{self.repository}"
        if self.tag:
            text += f":{self.tag}"
        if self.digest:
            text += f"@{self.digest}"
        return text


def _looks_like_host(component: str) -> bool:
    # docker's rule: the first component is a registry if it has a "." or ":" or is "localhost".
    return "." in component or ":" in component or component == "localhost"


def is_loopback_host(host: str) -> bool:
    """True for localhost, 127.0.0.0/8 and ::1 (with or without a port)."""
    name = host
    if name.startswith("["):
        name = name[1:].split("]", 1)[0]
    elif name.count(":") == 1:
        name = name.split(":", 1)[0]
    if name == "localhost":
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def parse_reference(text: str, *, allow_registry_only: bool = True) -> Reference:
    """Parse ``localhost:5000/a/b:tag``, ``ghcr.io/o/r@sha256:...``, ``nginx``, ``docker.io/x``.

    A bare host (``localhost:5000``, ``ghcr.io``) is a registry with no repository.
    """
    text = text.strip()
    for scheme in ("https://", "http://"):
        if text.startswith(scheme):
            text = text[len(scheme) :]
    text = text.rstrip("/")
    if not text:
        raise UsageError("empty image reference")

    _refuse_credentials(text)
    digest = None
    if "@" in text:
        text, digest = text.split("@", 1)
        if not _DIGEST.match(digest):
            raise UsageError(f"invalid digest {digest!r} in the reference")

    first, sep, rest = text.partition("/")
    if sep and _looks_like_host(first):
        registry, remainder = first, rest
    elif not sep and _looks_like_host(first) and allow_registry_only and digest is None:
        # "localhost:5000" or "ghcr.io" alone is a registry; "nginx:1.25" is an image.
        host, _, port = first.partition(":")
        if "." in host or host == "localhost" or port.isdigit():
            return Reference(registry=_canonical_host(first))
        registry, remainder = DOCKER_HUB_API_HOST, text
    else:
        registry, remainder = DOCKER_HUB_API_HOST, text

    tag = None
    last_slash = remainder.rfind("/")
    colon = remainder.rfind(":")
    if colon > last_slash:
        remainder, tag = remainder[:colon], remainder[colon + 1 :]
        if not _TAG.match(tag):
            raise UsageError(f"invalid tag {tag!r} in the reference")

    registry = _canonical_host(registry)
    if registry == DOCKER_HUB_API_HOST and "/" not in remainder:
        remainder = f"library/{remainder}"
    if not _NAME.match(remainder):
        raise UsageError(f"invalid repository name {remainder!r} in the reference")
    return Reference(registry=registry, repository=remainder, tag=tag, digest=digest)


def _refuse_credentials(text: str) -> None:
    """``alice:pw@registry.example/app`` is a URL's user part, not an image: say how to log in.

    The message names the user and the host, never the password. ``name@sha256:…`` and
    ``name:tag@sha256:…`` are digests; after the ``@`` of credentials comes a host.
    """
    # A digest at the end first (``alice:pw@host/app@sha256:…``): the credentials are before it.
    named, at, digest = text.rpartition("@")
    suffix = f"@{digest}" if at and "@" in named and _DIGEST.match(digest) else ""
    if suffix:
        text = named
    # The last "@": a password may hold "/" or "@"; a digest never holds "/".
    userinfo, at, rest = text.rpartition("@")
    if not at:
        return
    host = rest.split("/", 1)[0]
    name, _, port = host.partition(":")
    if "/" not in rest and not ("." in name or name == "localhost" or port.isdigit()):
        return  # a digest (valid or not: parse_reference says which)
    user = userinfo.split(":", 1)[0]
    who = f" as {user}" if user and _NAME_COMPONENT_RE.match(user.lower()) else ""
    raise UsageError(
        "credentials do not go in a reference: run `tagtui login "
        f"{host}`{who} (or set TAGTUI_USERNAME and TAGTUI_PASSWORD), then open {rest}{suffix}"
    )


_NAME_COMPONENT_RE = re.compile(r"^[a-z0-9._-]{1,64}$")


def _canonical_host(host: str) -> str:
    return DOCKER_HUB_API_HOST if host in _DOCKER_HUB_ALIASES else host


def docker_config_keys(registry: str) -> tuple[str, ...]:
    """The keys docker's config.json may use for ``registry`` (Docker Hub has its own)."""
    if registry == DOCKER_HUB_API_HOST:
        return ("https://index.docker.io/v1/", "index.docker.io", "docker.io", registry)
    return (registry, f"https://{registry}", f"http://{registry}")
