"""TLS against the real registry serving a certificate from a private CA made for the test."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pytest

from tagtui import cli
from tagtui.commands.login import login
from tagtui.credentials import Credential, keyring_store
from tagtui.errors import TLSError
from tagtui.providers.base import ConnectionOptions
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
