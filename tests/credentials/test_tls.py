"""TLS against the real registry serving a certificate from a private CA made for the test."""

from __future__ import annotations

import io
import ssl
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tagtui import cli
from tagtui.commands.login import login
from tagtui.credentials import Credential, keyring_store
from tagtui.errors import ConfigError, TLSError
from tagtui.providers.base import ConnectionOptions
from tagtui.providers.http.transport import context_without_store
from tagtui.providers.oci.provider import OciProvider
from tests.support.keyring_daemon import SecretServiceSession
from tests.support.registry import RunningRegistry, start_registry
from tests.support.tls import ServerTLS, server_tls

pytestmark = pytest.mark.real

USER, PASSWORD = "alice", "tls-Alice-pw"


@pytest.fixture(scope="module")
def tls_setup(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[ServerTLS, RunningRegistry]]:
    workdir = tmp_path_factory.mktemp("tls")
    certificates = server_tls(workdir / "certs")
    with start_registry(
        workdir / "registry",
        htpasswd={USER: PASSWORD},
        tls=(certificates.cert, certificates.key),
    ) as registry:
        yield certificates, registry


async def test_verification_is_on_by_default(
    tls_setup: tuple[ServerTLS, RunningRegistry],
) -> None:
    _, registry = tls_setup
    async with OciProvider(registry.host) as provider:
        with pytest.raises(TLSError) as caught:
            await provider.check()

    message = str(caught.value)
    assert message.startswith(f"certificate of {registry.host} not trusted")
    assert "--ca-cert" in message


async def test_private_ca(tls_setup: tuple[ServerTLS, RunningRegistry]) -> None:
    certificates, registry = tls_setup
    options = ConnectionOptions(ca_cert=certificates.ca_cert)
    credential = Credential(USER, PASSWORD)
    async with OciProvider(registry.host, credential=credential, options=options) as provider:
        await provider.check()


async def test_another_ca_is_not_enough(
    tls_setup: tuple[ServerTLS, RunningRegistry], tmp_path: Path
) -> None:
    _, registry = tls_setup
    stranger = server_tls(tmp_path / "other")
    options = ConnectionOptions(ca_cert=stranger.ca_cert)
    async with OciProvider(registry.host, options=options) as provider:
        with pytest.raises(TLSError, match="not trusted"):
            await provider.check()


async def test_login_with_ca_cert(
    tls_setup: tuple[ServerTLS, RunningRegistry], secret_service: SecretServiceSession
) -> None:
    certificates, registry = tls_setup

    code = await login(
        registry.host,
        USER,
        True,
        ConnectionOptions(ca_cert=certificates.ca_cert),
        stdin=io.StringIO(PASSWORD),
        stderr=io.StringIO(),
    )

    assert code == 0
    assert keyring_store.load(registry.host) is not None


def test_cli_login_untrusted_then_ca_cert(
    tls_setup: tuple[ServerTLS, RunningRegistry],
    secret_service: SecretServiceSession,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    certificates, registry = tls_setup
    argv = ["login", registry.host, "-u", USER, "--password-stdin"]

    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD))
    assert cli.main(argv) == 1
    assert f"certificate of {registry.host} not trusted" in capsys.readouterr().err
    assert keyring_store.load(registry.host) is None

    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD))
    assert cli.main([*argv, "--ca-cert", str(certificates.ca_cert)]) == 0


# --- the CA store is loaded only when a verified handshake is due --------------------------------


def test_store_free_context_matches_the_default_one() -> None:
    ours, default = context_without_store(), ssl.create_default_context()
    for attribute in (
        "protocol",
        "verify_mode",
        "check_hostname",
        "verify_flags",
        "options",
        "minimum_version",
        "maximum_version",
        "post_handshake_auth",
        "keylog_filename",
    ):
        assert getattr(ours, attribute) == getattr(default, attribute), attribute
    # ...but trusting nothing at all until TlsTrust.load() adds the system store.
    assert ours.cert_store_stats() == {"x509": 0, "crl": 0, "x509_ca": 0}
    assert ours.get_ca_certs() == []


async def test_plain_http_loopback_never_loads_the_ca_store(registry: RunningRegistry) -> None:
    async with OciProvider(registry.host) as provider:
        await provider.check()
        assert provider.http.scheme == "http"
        assert not provider.http.trust.loaded


async def test_loopback_tls_is_verified_against_the_system_store(
    tls_setup: tuple[ServerTLS, RunningRegistry], monkeypatch: pytest.MonkeyPatch
) -> None:
    # The probe (empty store) fails verification; the store is loaded and the handshake is
    # verified for real, here against a "system" store that holds the test CA.
    certificates, registry = tls_setup
    monkeypatch.setenv("SSL_CERT_FILE", str(certificates.ca_cert))
    monkeypatch.delenv("SSL_CERT_DIR", raising=False)
    credential = Credential(USER, PASSWORD)
    async with OciProvider(registry.host, credential=credential) as provider:
        await provider.check()
        assert provider.http.scheme == "https"
        assert provider.http.trust.loaded


async def test_remote_hosts_load_the_store_before_their_first_handshake() -> None:
    # No probe for a remote host: HTTPS only, verified from the first request. (An in-memory
    # transport: the test must not reach for anything but loopback.)
    seen: list[str] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url))
        assert provider.http.trust.loaded  # before the request went out
        return httpx.Response(200, json={})

    transport = httpx.MockTransport(answer)
    async with OciProvider("registry.example.com", transport=transport) as provider:
        assert not provider.http.trust.loaded
        await provider.check()
    assert seen == ["https://registry.example.com/v2/"]


def test_an_unusable_ca_bundle_is_refused_up_front(tmp_path: Path) -> None:
    bundle = tmp_path / "not-a-bundle.pem"
    bundle.write_text("not a certificate\n")
    with pytest.raises(ConfigError, match="cannot use CA bundle"):
        OciProvider("127.0.0.1:5000", options=ConnectionOptions(ca_cert=bundle))
