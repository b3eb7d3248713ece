"""The registries of one session: those opened so far, and those the user could open next.

What can be opened comes from ``config.toml`` (named entries), docker's ``config.json`` and
podman's ``auth.json`` (host names only: their entries are never read here). What was opened
keeps its provider, so switching back to it is instant; each provider resolves its own
credentials. Opening goes through ``tagtui.targets.open_target`` like the command line.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from tagtui.config import NamedRegistry, config_path, load_registries
from tagtui.errors import ConfigError, UsageError
from tagtui.providers.base import Provider, ProviderOptions
from tagtui.targets import Location, open_target

# Where a choice comes from, as the switcher shows it.
THIS_SESSION = "this session"
CONFIG = "config"
DOCKER = "docker"
PODMAN = "podman"


@dataclass(frozen=True)
class RegistryChoice:
    """One registry the switcher offers: ``name`` is what opens it (a config name, a host)."""

    name: str
    origins: tuple[str, ...]
    #: What the name points at, when the name alone does not say: "oci 127.0.0.1:5000".
    about: str = ""
    current: bool = False

    @property
    def opened(self) -> bool:
        return THIS_SESSION in self.origins


@dataclass(frozen=True)
class Choices:
    choices: tuple[RegistryChoice, ...]
    #: Why config.toml was left out (it is broken), or None.
    problem: str | None = None


@dataclass(frozen=True)
class Opened:
    """The registry a name opened (or found already open) and where in it to go."""

    key: str
    provider: Provider
    location: Location = field(default_factory=Location)
    #: False: the registry was open already; its screen is there to switch back to.
    new: bool = True


def _about(entry: NamedRegistry) -> str:
    if entry.provider == "oci":
        return entry.target or ""
    if entry.provider == "layout":
        return f"layout {entry.target or ''}".strip()
    where = entry.region or entry.namespace or entry.endpoint or ""
    return f"{entry.provider} {where}".strip()


class SessionRegistries:
    """The registries opened this session, most recently used first (the first is current).

    ``options``: the command line's; their timeouts, size limit and cache apply to every registry.
    """

    def __init__(self, options: ProviderOptions | None = None) -> None:
        self.options = options or ProviderOptions()
        self._providers: dict[str, Provider] = {}
        self._recent: list[str] = []

    def add(self, key: str, provider: Provider) -> None:
        """Record an opened registry under ``key`` and make it the current one."""
        self._providers[key] = provider
        self.use(key)

    def use(self, key: str) -> None:
        if key not in self._providers:
            raise KeyError(key)
        if key in self._recent:
            self._recent.remove(key)
        self._recent.insert(0, key)

    @property
    def current(self) -> str:
        return self._recent[0]

    def provider(self, key: str) -> Provider:
        return self._providers[key]

    def keys(self) -> list[str]:
        return list(self._recent)

    def providers(self) -> list[Provider]:
        return [self._providers[key] for key in self._recent]

    def find(self, name: str) -> str | None:
        """The key of the opened registry ``name`` names (its key, or what its header shows)."""
        name = name.strip()
        if name in self._providers:
            return name
        for key, provider in self._providers.items():
            if provider.display_name == name:
                return key
        return None

    def _same_as(self, provider: Provider) -> str | None:
        for key, known in self._providers.items():
            if known.kind == provider.kind and known.display_name == provider.display_name:
                return key
        return None

    async def open(self, name: str) -> Opened:
        """Open what ``name`` names (config name, host, reference, path) or find it open.

        UsageError, ConfigError and CredentialError say what is wrong; nothing changes then.
        """
        name = name.strip()
        if not name:
            raise UsageError("name a registry to open")
        known = self.find(name)
        if known is not None:
            return Opened(known, self._providers[known], new=False)
        # Timeouts, size limit and cache apply to every registry; what weakens or pins TLS
        # (--insecure, --ca-cert) and region, namespace, endpoint were for the first one only.
        connection = replace(self.options.connection, insecure=False, ca_cert=None)
        options = ProviderOptions(connection=connection)
        target = open_target(name, options=options)
        provider = target.provider
        same = self._same_as(provider)
        if same is not None:
            # "host/repo:tag" of a registry already open: its screen, at that repository.
            await provider.aclose()
            return Opened(same, self._providers[same], target.location, new=False)
        key = name if name in _config_names() else provider.display_name
        self._providers[key] = provider
        return Opened(key, provider, target.location)

    async def aclose(self) -> None:
        """Close every provider opened; one that fails to close does not keep others open."""
        errors: list[BaseException] = []
        for provider in self.providers():
            try:
                await provider.aclose()
            except Exception as err:
                errors.append(err)
        self._providers.clear()
        self._recent.clear()
        if errors:
            raise errors[0]

    def choices(self, env: Mapping[str, str] | None = None) -> Choices:
        """Everything the switcher offers: this session's (most recent first, the current
        marked), then config.toml's entries, then the hosts of docker's and podman's files."""
        env = os.environ if env is None else env
        problem = None
        try:
            config = load_registries(config_path(dict(env)))
        except ConfigError as err:
            config, problem = {}, str(err)
        rows: list[RegistryChoice] = []
        claimed: set[str] = set()  # config names and hosts an opened registry already stands for
        for key in self._recent:
            provider = self._providers[key]
            origins = [THIS_SESSION]
            if key in config:
                origins.append(CONFIG)
                claimed.add(key)
            claimed.update({key, provider.display_name})
            about = provider.display_name if provider.display_name != key else ""
            rows.append(RegistryChoice(key, tuple(origins), about, current=key == self.current))
        hosts: dict[str, list[str]] = {}
        # Read when the switcher opens, not at startup.
        from tagtui.credentials.docker_config import docker_hosts
        from tagtui.credentials.podman import podman_hosts

        for origin, listed in ((DOCKER, docker_hosts(env)), (PODMAN, podman_hosts(env))):
            for host in listed:
                hosts.setdefault(host, []).append(origin)
        for name, entry in config.items():
            if name in claimed:
                continue
            rows.append(RegistryChoice(name, (CONFIG,), _about(entry)))
        for host, origins in hosts.items():
            if host not in claimed:
                rows.append(RegistryChoice(host, tuple(origins)))
        return Choices(tuple(rows), problem)


def _config_names() -> set[str]:
    try:
        return set(load_registries())
    except ConfigError:
        return set()
