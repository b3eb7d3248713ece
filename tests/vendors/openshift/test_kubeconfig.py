"""Server, token, CA and namespace from kubeconfig files, as ``oc`` reads them."""

from __future__ import annotations

import base64
import os
import ssl
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from tagtui.credentials import keyring_store
from tagtui.errors import ConfigError, CredentialError, TLSError
from tagtui.providers.base import ConnectionOptions, ProviderOptions
from tagtui.providers.openshift import OpenShiftProvider, create_provider
from tagtui.providers.openshift.kubeconfig import kubeconfig_paths, load_kubeconfig, resolve_access
from tests.support.tls import ServerTLS, server_tls
from tests.vendors.openshift.fake import NAMESPACE, TOKEN, OpenShiftFake


def kubeconfig(
    path: Path,
    *,
    current: str | None = "dev",
    clusters: dict[str, dict[str, Any]] | None = None,
    users: dict[str, dict[str, Any]] | None = None,
    contexts: dict[str, dict[str, Any]] | None = None,
) -> Path:
    document: dict[str, Any] = {"apiVersion": "v1", "kind": "Config"}
    if current:
        document["current-context"] = current
    document["clusters"] = [{"name": k, "cluster": v} for k, v in (clusters or {}).items()]
    document["users"] = [{"name": k, "user": v} for k, v in (users or {}).items()]
    document["contexts"] = [{"name": k, "context": v} for k, v in (contexts or {}).items()]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(document), encoding="utf-8")
    return path


def simple(path: Path, server: str, **cluster: Any) -> Path:
    return kubeconfig(
        path,
        clusters={"ocp": {"server": server, **cluster}},
        users={"alice/ocp": {"token": TOKEN}},
        contexts={"dev": {"cluster": "ocp", "user": "alice/ocp", "namespace": NAMESPACE}},
    )


async def stream_names(provider: OpenShiftProvider) -> list[str]:
    try:
        async for page in provider.list_repositories():
            return [repo.name for repo in page]
        return []
    finally:
        await provider.aclose()


async def test_default_file_is_home_kube_config(ocp: OpenShiftFake) -> None:
    simple(Path(os.environ["HOME"]) / ".kube" / "config", ocp.url)
    provider = create_provider(ProviderOptions())
    assert provider.namespace == NAMESPACE
    assert provider.credential_source.startswith("kubeconfig (")
    assert "context dev" in provider.credential_source
    assert TOKEN not in repr(provider.__dict__)
    assert (await stream_names(provider))[0] == "app"
    sent = ocp.server.requests[0]
    assert sent.header("authorization") == f"Bearer {TOKEN}"


async def test_kubeconfig_list_merges_first_wins(
    env: pytest.MonkeyPatch, ocp: OpenShiftFake, tmp_path: Path
) -> None:
    first = kubeconfig(
        tmp_path / "a.yaml",
        current="dev",
        users={"alice/ocp": {"token": TOKEN}},
    )
    second = kubeconfig(
        tmp_path / "b.yaml",
        current="prod",
        clusters={"ocp": {"server": ocp.url}, "prod": {"server": "https://127.0.0.1:1"}},
        # Defined again here, but a.yaml came first: its token wins.
        users={"alice/ocp": {"token": "sha256~stale"}},
        contexts={
            "dev": {"cluster": "ocp", "user": "alice/ocp", "namespace": NAMESPACE},
            "prod": {"cluster": "prod", "user": "alice/ocp"},
        },
    )
    missing = tmp_path / "missing.yaml"
    env.setenv("KUBECONFIG", os.pathsep.join([str(missing), str(first), "", str(second)]))
    assert kubeconfig_paths() == [missing, first, second]
    access = resolve_access(load_kubeconfig())
    assert (access.context, access.server, access.namespace) == ("dev", ocp.url, NAMESPACE)
    assert access.token == TOKEN
    assert access.files == (first, second)
    assert "sha256~" not in repr(access)
    assert (await stream_names(create_provider(ProviderOptions())))[0] == "app"


async def test_namespace_and_endpoint_options_override(
    env: pytest.MonkeyPatch, ocp: OpenShiftFake, tmp_path: Path
) -> None:
    path = kubeconfig(
        tmp_path / "config",
        clusters={"ocp": {"server": "https://127.0.0.1:1"}},
        users={"u": {"token": TOKEN}},
        contexts={"dev": {"cluster": "ocp", "user": "u", "namespace": "other"}},
    )
    env.setenv("KUBECONFIG", str(path))
    provider = create_provider(ProviderOptions(namespace=NAMESPACE, endpoint=ocp.url))
    assert provider.namespace == NAMESPACE
    assert provider.display_name == f"openshift team @ 127.0.0.1:{ocp.server.port}"
    assert (await stream_names(provider))[0] == "app"


async def test_no_namespace_in_context_means_default(
    env: pytest.MonkeyPatch, ocp: OpenShiftFake, tmp_path: Path
) -> None:
    path = kubeconfig(
        tmp_path / "config",
        clusters={"ocp": {"server": ocp.url}},
        users={"u": {"token": TOKEN}},
        contexts={"dev": {"cluster": "ocp", "user": "u"}},
    )
    env.setenv("KUBECONFIG", str(path))
    provider = create_provider(ProviderOptions())
    await provider.aclose()
    assert provider.namespace == "default"


async def test_token_file_is_relative_to_the_kubeconfig(
    env: pytest.MonkeyPatch, ocp: OpenShiftFake, tmp_path: Path
) -> None:
    (tmp_path / "conf" / "secrets").mkdir(parents=True)
    (tmp_path / "conf" / "secrets" / "token").write_text(TOKEN + "\n")
    path = kubeconfig(
        tmp_path / "conf" / "config",
        clusters={"ocp": {"server": ocp.url}},
        users={"u": {"tokenFile": "secrets/token"}},
        contexts={"dev": {"cluster": "ocp", "user": "u", "namespace": NAMESPACE}},
    )
    env.setenv("KUBECONFIG", str(path))
    assert (await stream_names(create_provider(ProviderOptions())))[0] == "app"


def test_unusable_login_kinds_say_what_to_do(env: pytest.MonkeyPatch, tmp_path: Path) -> None:
    path = kubeconfig(
        tmp_path / "config",
        clusters={"ocp": {"server": "https://api.example.test:6443"}},
        users={"sso": {"exec": {"command": "oc-sso", "apiVersion": "x"}}},
        contexts={"dev": {"cluster": "ocp", "user": "sso"}},
    )
    env.setenv("KUBECONFIG", str(path))
    with pytest.raises(CredentialError) as info:
        create_provider(ProviderOptions())
    message = str(info.value)
    assert "user sso logs in with an exec credential plugin" in message
    assert "oc login" in message and "keyring under api.example.test:6443" in message


def test_no_kubeconfig_and_no_endpoint(tmp_path: Path) -> None:
    with pytest.raises(CredentialError, match=r"no OpenShift server.*oc login.*--endpoint"):
        create_provider(ProviderOptions())


def test_broken_files_never_quote_the_token(env: pytest.MonkeyPatch, tmp_path: Path) -> None:
    path = tmp_path / "config"
    path.write_text(f"users:\n- name: u\n  user: {{token: {TOKEN}\n")
    env.setenv("KUBECONFIG", str(path))
    with pytest.raises(ConfigError, match="not valid YAML at line") as info:
        create_provider(ProviderOptions())
    assert TOKEN not in str(info.value)
    path.write_text("- just\n- a list\n")
    with pytest.raises(ConfigError, match="not a YAML mapping"):
        create_provider(ProviderOptions())


def test_the_kubeconfig_read_never_shows_the_token_in_its_repr(
    env: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    path = simple(tmp_path / "config", "https://api.ocp.example:6443")
    env.setenv("KUBECONFIG", str(path))
    config = load_kubeconfig()
    assert TOKEN not in repr(config) and "alice/ocp" in repr(config)
    assert TOKEN not in repr(resolve_access(config))


def test_undefined_names_in_the_context(env: pytest.MonkeyPatch, tmp_path: Path) -> None:
    path = kubeconfig(tmp_path / "config", current="gone")
    env.setenv("KUBECONFIG", str(path))
    with pytest.raises(ConfigError, match="context 'gone' is not defined"):
        create_provider(ProviderOptions())
    kubeconfig(path, contexts={"dev": {"cluster": "nowhere", "user": "u"}})
    with pytest.raises(ConfigError, match="names cluster 'nowhere'"):
        create_provider(ProviderOptions())


# --- TLS from the kubeconfig ---------------------------------------------------------------------


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    return monkeypatch


@pytest.fixture(scope="module")
def tls(tmp_path_factory: pytest.TempPathFactory) -> ServerTLS:
    return server_tls(tmp_path_factory.mktemp("ocp-tls"))


@pytest.fixture
def https_ocp(tls: ServerTLS) -> Iterator[tuple[OpenShiftFake, str]]:
    fake = OpenShiftFake()
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(tls.cert, tls.key)
    # FakeServer speaks plain HTTP; wrapping its listening socket makes it an HTTPS API server.
    httpd = fake.server._httpd
    httpd.socket = context.wrap_socket(httpd.socket, server_side=True)
    with fake.server:
        yield fake, f"https://127.0.0.1:{fake.server.port}"


async def test_certificate_authority_data_is_trusted(
    env: pytest.MonkeyPatch, https_ocp: tuple[OpenShiftFake, str], tls: ServerTLS, tmp_path: Path
) -> None:
    _, url = https_ocp
    data = base64.b64encode(tls.ca_cert.read_bytes()).decode()
    env.setenv(
        "KUBECONFIG", str(simple(tmp_path / "config", url, **{"certificate-authority-data": data}))
    )
    assert (await stream_names(create_provider(ProviderOptions())))[0] == "app"
    # DER works too, as client-go accepts it.
    der = base64.b64encode(tls.ca.der).decode()
    simple(tmp_path / "config", url, **{"certificate-authority-data": der})
    assert (await stream_names(create_provider(ProviderOptions())))[0] == "app"


async def test_certificate_authority_file_is_trusted(
    env: pytest.MonkeyPatch, https_ocp: tuple[OpenShiftFake, str], tls: ServerTLS, tmp_path: Path
) -> None:
    _, url = https_ocp
    (tmp_path / "ca.crt").write_bytes(tls.ca_cert.read_bytes())
    env.setenv(
        "KUBECONFIG", str(simple(tmp_path / "config", url, **{"certificate-authority": "ca.crt"}))
    )
    assert (await stream_names(create_provider(ProviderOptions())))[0] == "app"


async def test_without_the_ca_the_server_is_not_trusted(
    env: pytest.MonkeyPatch, https_ocp: tuple[OpenShiftFake, str], tmp_path: Path
) -> None:
    _, url = https_ocp
    env.setenv("KUBECONFIG", str(simple(tmp_path / "config", url)))
    with pytest.raises(TLSError, match="not trusted"):
        await stream_names(create_provider(ProviderOptions()))
    # A CA that is not the server's is not enough either: only the kubeconfig's CA is trusted.
    other = server_tls(tmp_path / "other")
    data = base64.b64encode(other.ca_cert.read_bytes()).decode()
    simple(tmp_path / "config", url, **{"certificate-authority-data": data})
    with pytest.raises(TLSError, match="not trusted"):
        await stream_names(create_provider(ProviderOptions()))


async def test_insecure_skip_tls_verify(
    env: pytest.MonkeyPatch, https_ocp: tuple[OpenShiftFake, str], tmp_path: Path
) -> None:
    _, url = https_ocp
    env.setenv(
        "KUBECONFIG", str(simple(tmp_path / "config", url, **{"insecure-skip-tls-verify": True}))
    )
    assert (await stream_names(create_provider(ProviderOptions())))[0] == "app"
    # --insecure on the command line does the same.
    simple(tmp_path / "config", url)
    options = ProviderOptions(connection=ConnectionOptions(insecure=True))
    assert (await stream_names(create_provider(options)))[0] == "app"


def test_bad_certificate_authority_data(env: pytest.MonkeyPatch, tmp_path: Path) -> None:
    data = base64.b64encode(b"not a certificate").decode()
    env.setenv(
        "KUBECONFIG",
        str(
            simple(
                tmp_path / "config", "https://127.0.0.1:1", **{"certificate-authority-data": data}
            )
        ),
    )
    with pytest.raises(ConfigError, match="not a PEM or DER certificate"):
        create_provider(ProviderOptions())


# --- keyring -------------------------------------------------------------------------------------


async def test_token_from_the_os_keyring(
    env: pytest.MonkeyPatch, ocp: OpenShiftFake, tmp_path: Path, secret_service: object
) -> None:
    host = f"127.0.0.1:{ocp.server.port}"
    path = kubeconfig(
        tmp_path / "config",
        clusters={"ocp": {"server": ocp.url}},
        users={"alice": {}},
        contexts={"dev": {"cluster": "ocp", "user": "alice", "namespace": NAMESPACE}},
    )
    env.setenv("KUBECONFIG", str(path))
    with pytest.raises(CredentialError, match=f"keyring under {host}"):
        create_provider(ProviderOptions())
    keyring_store.save(host, "alice", TOKEN)
    provider = create_provider(ProviderOptions())
    assert provider.credential_source == "keyring"
    assert provider.credential_key == host
    assert (await stream_names(provider))[0] == "app"


def test_der_ending_in_a_whitespace_byte_is_not_cut() -> None:
    # DER is binary: a certificate whose last byte is 0x0a was once stripped into garbage.
    import datetime

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    from tagtui.providers.openshift.kubeconfig import ssl_context

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(x509.NameOID.COMMON_NAME, "whitespace-ca")])
    for serial in range(1, 5000):
        builder = (
            x509.CertificateBuilder()
            .subject_name(name)
            .issuer_name(name)
            .public_key(key.public_key())
            .serial_number(serial)
            .not_valid_before(datetime.datetime(2024, 1, 1))
            .not_valid_after(datetime.datetime(2034, 1, 1))
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        )
        der = builder.sign(key, hashes.SHA256()).public_bytes(serialization.Encoding.DER)
        if der[-1:] in (b"\n", b" "):
            break
    else:
        raise AssertionError("no certificate ending in a whitespace byte was made")
    assert ssl_context(der, None) is not None
