"""Where ``oc`` and ``kubectl`` find a cluster: kubeconfig files, merged as client-go merges them.

``$KUBECONFIG`` is a list of files (``:`` on POSIX); missing ones are skipped and for every named
cluster, user and context the first file that defines it wins, as does the first
``current-context``. Without ``$KUBECONFIG`` the file is ``~/.kube/config``. The current context
names a cluster (server, CA, ``insecure-skip-tls-verify``), a user (bearer ``token`` or
``tokenFile``) and a namespace.

Nothing here talks to the network; secrets never reach a message.
"""

from __future__ import annotations

import base64
import binascii
import os
import ssl
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tagtui.errors import ConfigError
from tagtui.providers.vendor_common import read_yaml_mapping
from tagtui.text import sanitize


@dataclass(frozen=True)
class _Entry:
    """A named cluster/user/context body and the file that defined it (for relative paths)."""

    # Never in a repr: a user's body holds its token (or password).
    body: Mapping[str, Any] = field(repr=False)
    path: Path


@dataclass(frozen=True)
class KubeConfig:
    """The merged view of every kubeconfig file read."""

    clusters: Mapping[str, _Entry] = field(default_factory=dict)
    users: Mapping[str, _Entry] = field(default_factory=dict)
    contexts: Mapping[str, _Entry] = field(default_factory=dict)
    current_context: str | None = None
    files: tuple[Path, ...] = ()


@dataclass(frozen=True)
class KubeAccess:
    """What the current context says about reaching the cluster. ``token`` never shows in repr."""

    server: str | None = None
    token: str | None = field(default=None, repr=False)
    namespace: str | None = None
    # certificate-authority-data, decoded (PEM or DER).
    ca_data: bytes | None = field(default=None, repr=False)
    ca_file: Path | None = None
    insecure: bool = False
    context: str | None = None
    cluster: str | None = None
    user: str | None = None
    # "exec plugin", "client certificate"...: a login kind tagtui cannot use (said in messages).
    other_auth: str | None = None
    files: tuple[Path, ...] = ()

    @property
    def source(self) -> str:
        where = ", ".join(str(p) for p in self.files) or "kubeconfig"
        return f"kubeconfig ({where}, context {self.context})" if self.context else where


def kubeconfig_paths(environ: Mapping[str, str] | None = None) -> list[Path]:
    """``$KUBECONFIG``'s files in order (empty entries dropped), else ``~/.kube/config``."""
    environ = os.environ if environ is None else environ
    listed = environ.get("KUBECONFIG", "")
    paths = [Path(part).expanduser() for part in listed.split(os.pathsep) if part.strip()]
    if paths:
        return paths
    return [Path(environ.get("HOME") or Path.home()).expanduser() / ".kube" / "config"]


def _named(document: Mapping[str, Any], key: str, inner: str, path: Path) -> dict[str, _Entry]:
    """``clusters: [{name, cluster: {...}}]`` as {name: entry}; the first of a name wins."""
    items = document.get(key)
    if items is None:
        return {}
    if not isinstance(items, list):
        raise ConfigError(f"kubeconfig {path}: {key} is not a list")
    found: dict[str, _Entry] = {}
    for item in items:
        if not isinstance(item, dict):
            continue
        name = item.get("name")
        body = item.get(inner)
        if isinstance(name, str) and name and name not in found:
            found[name] = _Entry(body if isinstance(body, dict) else {}, path)
    return found


def load_kubeconfig(paths: list[Path] | None = None) -> KubeConfig:
    """Read and merge ``paths`` (default: ``kubeconfig_paths()``): first definition wins."""
    paths = kubeconfig_paths() if paths is None else paths
    clusters: dict[str, _Entry] = {}
    users: dict[str, _Entry] = {}
    contexts: dict[str, _Entry] = {}
    current: str | None = None
    read: list[Path] = []
    for path in paths:
        # A file that does not exist is skipped, as client-go skips it.
        document = read_yaml_mapping(path, "kubeconfig")
        if document is None:
            continue
        read.append(path)
        for target, key, inner in (
            (clusters, "clusters", "cluster"),
            (users, "users", "user"),
            (contexts, "contexts", "context"),
        ):
            for name, entry in _named(document, key, inner, path).items():
                target.setdefault(name, entry)
        value = document.get("current-context")
        if current is None and isinstance(value, str) and value:
            current = value
    return KubeConfig(clusters, users, contexts, current, tuple(read))


def _text(body: Mapping[str, Any], key: str) -> str | None:
    value = body.get(key)
    return value.strip() or None if isinstance(value, str) else None


def _relative(path_text: str, origin: Path) -> Path:
    """client-go resolves file references relative to the kubeconfig that names them."""
    path = Path(path_text).expanduser()
    return path if path.is_absolute() else origin.parent / path


def _decode_ca(value: str, origin: Path) -> bytes:
    try:
        return base64.b64decode(value.strip(), validate=False)
    except (binascii.Error, ValueError):
        raise ConfigError(
            f"kubeconfig {origin}: certificate-authority-data is not valid base64"
        ) from None


def _token(user: _Entry) -> tuple[str | None, str | None]:
    """(bearer token, description of an unusable login kind)."""
    token = _text(user.body, "token")
    if token:
        return token, None
    token_file = _text(user.body, "tokenFile")
    if token_file:
        path = _relative(token_file, user.path)
        try:
            token = path.read_text(encoding="utf-8").strip()
        except (OSError, UnicodeDecodeError) as err:
            raise ConfigError(f"cannot read tokenFile {path}: {type(err).__name__}") from None
        if token:
            return token, None
    if user.body.get("exec"):
        return None, "an exec credential plugin"
    if user.body.get("auth-provider"):
        return None, "an auth-provider plugin"
    if user.body.get("client-certificate-data") or user.body.get("client-certificate"):
        return None, "a client certificate"
    if user.body.get("username") or user.body.get("password"):
        return None, "a username and password"
    return None, None


def resolve_access(config: KubeConfig, context: str | None = None) -> KubeAccess:
    """The server, token, CA and namespace of ``context`` (default: the current context)."""
    name = context or config.current_context
    if not name:
        return KubeAccess(files=config.files)
    entry = config.contexts.get(name)
    if entry is None:
        where = ", ".join(str(p) for p in config.files) or "kubeconfig"
        raise ConfigError(f"context {sanitize(name)!r} is not defined in {where}")
    cluster_name = _text(entry.body, "cluster")
    user_name = _text(entry.body, "user")
    namespace = _text(entry.body, "namespace")
    server = None
    ca_data = None
    ca_file = None
    insecure = False
    if cluster_name:
        cluster = _referenced(config.clusters, "cluster", cluster_name, name)
        server = _text(cluster.body, "server")
        insecure = cluster.body.get("insecure-skip-tls-verify") is True
        data = _text(cluster.body, "certificate-authority-data")
        if data:
            ca_data = _decode_ca(data, cluster.path)
        file_text = _text(cluster.body, "certificate-authority")
        if file_text:
            ca_file = _relative(file_text, cluster.path)
    token = None
    other = None
    if user_name:
        token, other = _token(_referenced(config.users, "user", user_name, name))
    return KubeAccess(
        server=server,
        token=token,
        namespace=namespace,
        ca_data=ca_data,
        ca_file=ca_file,
        insecure=insecure,
        context=name,
        cluster=cluster_name,
        user=user_name,
        other_auth=other,
        files=config.files,
    )


def _referenced(entries: Mapping[str, _Entry], kind: str, entry_name: str, context: str) -> _Entry:
    """The cluster or user a context names; ConfigError when no kubeconfig file defines it."""
    entry = entries.get(entry_name)
    if entry is None:
        raise ConfigError(
            f"context {sanitize(context)!r} names {kind} {sanitize(entry_name)!r}, "
            "which no kubeconfig file defines"
        )
    return entry


def ssl_context(
    ca_data: bytes | None, ca_file: Path | None, extra_ca: Path | None = None
) -> ssl.SSLContext | None:
    """A context trusting only the kubeconfig's CA (as client-go does), or None for the defaults.

    ``extra_ca`` (``--ca-cert``) is trusted as well.
    """
    if ca_data is None and ca_file is None:
        return None
    # PROTOCOL_TLS_CLIENT checks host names and loads no system roots: only the cluster's CA.
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    if ca_data is not None:
        stripped = ca_data.strip()
        try:
            if stripped.startswith(b"-----BEGIN"):
                context.load_verify_locations(cadata=stripped.decode("ascii"))
            else:
                # DER is binary: a last byte of 0x0a or 0x20 belongs to the certificate.
                context.load_verify_locations(cadata=ca_data)
        except (ssl.SSLError, ValueError, UnicodeDecodeError):
            raise ConfigError(
                "certificate-authority-data in kubeconfig is not a PEM or DER certificate"
            ) from None
    for path in (ca_file, extra_ca):
        if path is None:
            continue
        try:
            context.load_verify_locations(cafile=str(path))
        except (OSError, ssl.SSLError) as err:
            raise ConfigError(f"cannot use CA file {path}: {type(err).__name__}") from None
    return context
