"""From what the user typed (a reference, a path, a config name, --provider) to a provider.

This is the only place that picks a provider class; everything after works on the interface.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path

from tagtui.config import NamedRegistry, load_registries
from tagtui.credentials import Credential
from tagtui.errors import UsageError
from tagtui.providers.base import Provider, ProviderOptions
from tagtui.reference import parse_reference

# Vendor providers by --provider name: module path (each has ``create_provider(options)``).
VENDOR_PROVIDERS = {
    "scaleway": "tagtui.providers.scaleway",
    "ncr": "tagtui.providers.ncr",
    "openshift": "tagtui.providers.openshift",
    "tutum": "tagtui.providers.tutum",
}
PROVIDER_NAMES = ("oci", "layout", *VENDOR_PROVIDERS)


@dataclass(frozen=True)
class Location:
    """Where in a provider to start: a repository, maybe a tag or digest in it."""

    repository: str | None = None
    tag: str | None = None
    digest: str | None = None


@dataclass(frozen=True)
class Target:
    """An opened provider and where in it to start."""

    provider: Provider
    location: Location = Location()


def split_path(text: str | None) -> Location:
    """A vendor's own image path: ``ns/img``, ``ns/img:tag``, ``ns/img@sha256:...``."""
    if not text:
        return Location()
    digest = None
    if "@" in text:
        text, digest = text.split("@", 1)
    tag = None
    colon = text.rfind(":")
    if colon > text.rfind("/"):
        text, tag = text[:colon], text[colon + 1 :]
    return Location(repository=text.strip("/") or None, tag=tag or None, digest=digest or None)


def open_target(
    text: str | None,
    *,
    provider_name: str | None = None,
    options: ProviderOptions | None = None,
    demo: bool = False,
) -> Target:
    """Open the provider ``text`` names; UsageError / CredentialError say what is wrong."""
    options = options or ProviderOptions()
    if demo:
        from tagtui.demo import prepare_demo_store
        from tagtui.providers.layout import LayoutProvider

        location = split_path(text)
        return Target(LayoutProvider(prepare_demo_store()), replace(location, digest=None))

    if provider_name in VENDOR_PROVIDERS:
        module = importlib.import_module(VENDOR_PROVIDERS[provider_name])
        location = split_path(text)
        provider = module.create_provider(options)
        return Target(provider, location)

    if provider_name == "layout" or (provider_name is None and text and _is_local_path(text)):
        return _open_layout(text or ".")

    if provider_name not in (None, "oci"):
        names = ", ".join(PROVIDER_NAMES)
        raise UsageError(f"unknown provider {provider_name!r} (choose from {names})")

    if text is None:
        raise UsageError("name a registry, repository or tag to open (or use --demo)")

    if provider_name is None:
        named = _named_registry(text)
        if named is not None:
            return _open_named(named, options)

    return _open_oci(text, options)


def _is_local_path(text: str) -> bool:
    # "./store", "/srv/layouts", "image.tar" and existing paths are local; "host:5000/x" is not.
    if text.startswith((".", "/", "~")):
        return True
    return Path(text).exists()


def _open_layout(text: str) -> Target:
    """``PATH``, ``PATH::TAG`` or ``PATH::REPOSITORY:TAG`` (":" alone is ambiguous in paths)."""
    from tagtui.providers.layout import LayoutProvider

    raw, _, inside = text.partition("::")
    path = Path(raw).expanduser()
    if not path.exists():
        raise UsageError(f"{path}: no such file or directory")
    provider = LayoutProvider(path)
    location = split_path(inside)
    repository, tag = location.repository, location.tag
    only = provider.default_repository()
    if only is not None and inside and tag is None and location.digest is None:
        # One repository at PATH: "PATH::latest" names its tag, not a repository "latest".
        repository, tag = None, inside
    return Target(provider, Location(repository or only, tag, location.digest))


def _named_registry(text: str) -> NamedRegistry | None:
    name, _, rest = text.partition("/")
    entry = load_registries().get(name)
    if entry is None:
        return None
    if not rest:
        return entry
    # "work/team/app:1.0": the rest is a path inside the named registry.
    if entry.provider == "oci" and entry.target:
        return replace(entry, target=f"{entry.target.rstrip('/')}/{rest}")
    if entry.provider == "layout" and entry.target:
        return replace(entry, target=f"{entry.target}::{rest}")
    return replace(entry, target=rest)


def _open_named(entry: NamedRegistry, options: ProviderOptions) -> Target:
    connection = replace(
        options.connection,
        insecure=options.connection.insecure or entry.insecure,
        ca_cert=options.connection.ca_cert or entry.ca_cert,
    )
    merged = ProviderOptions(
        region=options.region or entry.region,
        namespace=options.namespace or entry.namespace,
        endpoint=options.endpoint or entry.endpoint,
        connection=connection,
    )
    if entry.provider == "oci":
        if not entry.target:
            raise UsageError(f"registry {entry.name!r} in config.toml has no target")
        return _open_oci(entry.target, merged)
    return open_target(entry.target, provider_name=entry.provider, options=merged)


def _resolve_credential(host: str) -> Credential | None:
    # Imported here: the keyring and its backends cost ~100 ms, paid only when a registry asks.
    from tagtui.credentials.sources import resolve

    return resolve(host)


def _open_oci(text: str, options: ProviderOptions) -> Target:
    from tagtui.providers.oci.provider import OciProvider

    reference = parse_reference(text)
    provider = OciProvider(
        reference.registry,
        credential_resolver=partial(_resolve_credential, reference.registry),
        options=options.connection,
    )
    return Target(provider, Location(reference.repository, reference.tag, reference.digest))
