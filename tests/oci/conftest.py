"""Fixtures for the OCI provider's auth, TLS and redirect tests (real servers on 127.0.0.1).

The general registry fixtures (``registry``, ``registry_no_delete``, ``seeded_registry``...)
come from ``tests/support/registry.py``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.oci.realservers import (
    Certificate,
    RunningRegistry,
    StorageServer,
    TokenServer,
    push_image,
    run_registry,
    self_signed,
    serve,
    storage_handler,
)
from tests.support.real import need_binary

CONFIG = {
    "created": "2024-05-01T12:00:00Z",
    "os": "linux",
    "architecture": "amd64",
    "config": {"Env": ["A=1"], "Labels": {"who": "token-test"}},
    "history": [{"created_by": "ADD layer /"}],
}


@pytest.fixture(scope="session")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> Certificate:
    return self_signed(tmp_path_factory.mktemp("certs"))


@dataclass
class TokenRegistry:
    """A registry with docker-style token auth whose blob downloads redirect to another host."""

    registry: RunningRegistry
    tokens: TokenServer
    storage: StorageServer
    digests: dict[str, str]

    @property
    def host(self) -> str:
        return self.registry.host


@pytest.fixture(scope="module")
def token_registry(
    tmp_path_factory: pytest.TempPathFactory, certificate: Certificate
) -> Iterator[TokenRegistry]:
    binary = need_binary("docker-registry")
    directory = tmp_path_factory.mktemp("token-registry")
    tokens = TokenServer(certificate)
    storage = StorageServer(directory / "storage")
    with serve(tokens.handle) as token_port, serve(storage_handler(storage)) as storage_port:
        tokens.port = token_port
        extra = {
            **tokens.registry_config(),
            "middleware": {
                "storage": [
                    {
                        "name": "redirect",
                        "options": {"baseurl": f"http://127.0.0.1:{storage_port}/"},
                    }
                ]
            },
        }
        with run_registry(binary, directory, extra) as registry:
            base = f"http://{registry.host}"
            digests = {}
            for repository in ("public/app", "private/app"):
                scope = f"repository:{repository}:pull,push"
                token = tokens.mint("alice", [scope])
                digests[repository] = push_image(
                    base, repository, ["latest"], CONFIG, authorization=f"Bearer {token}"
                )
            tokens.requests.clear()
            yield TokenRegistry(registry, tokens, storage, digests)


@pytest.fixture
def token_setup(token_registry: TokenRegistry) -> Iterator[TokenRegistry]:
    """The module's token registry with fresh request logs and default token answers."""
    token_registry.tokens.requests.clear()
    token_registry.storage.requests.clear()
    token_registry.tokens.field_name = "token"
    token_registry.tokens.expires_in = 300
    yield token_registry


@pytest.fixture(scope="module")
def tls_registry(
    tmp_path_factory: pytest.TempPathFactory, certificate: Certificate
) -> Iterator[RunningRegistry]:
    binary = need_binary("docker-registry")
    directory: Path = tmp_path_factory.mktemp("tls-registry")
    with run_registry(binary, directory, tls=certificate) as registry:
        push_image(f"https://{registry.host}", "tls/app", ["latest"], CONFIG)
        yield registry
