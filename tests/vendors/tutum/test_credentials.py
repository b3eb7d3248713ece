"""Tutum credentials: TUTUM_AUTH, TUTUM_USER/TUTUM_APIKEY, ~/.tutum, keyring; ApiKey, Basic."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest

from tagtui.credentials import keyring_store
from tagtui.errors import AuthenticationRequired, ConfigError, CredentialError
from tagtui.providers.base import ProviderOptions
from tagtui.providers.tutum import TutumProvider, base_url, create_provider
from tests.vendors.tutum.conftest import make_provider
from tests.vendors.tutum.fake import APIKEY, USER, TutumFake

BASIC = "Basic " + base64.b64encode(f"{USER}:{APIKEY}".encode()).decode()


async def first_names(provider: TutumProvider) -> list[str]:
    try:
        async for page in provider.list_repositories():
            return [repo.name for repo in page]
        return []
    finally:
        await provider.aclose()


def authorizations(fake: TutumFake) -> list[str | None]:
    return [r.header("authorization") for r in fake.server.requests]


async def test_user_and_apikey_from_the_environment(
    tutum: TutumFake, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TUTUM_USER", USER)
    monkeypatch.setenv("TUTUM_APIKEY", APIKEY)
    provider = create_provider(ProviderOptions(endpoint=tutum.url))
    assert provider.credential_source == "environment (TUTUM_USER/TUTUM_APIKEY)"
    assert APIKEY not in repr(provider.__dict__)
    assert await first_names(provider)
    assert authorizations(tutum) == [f"ApiKey {USER}:{APIKEY}"]


async def test_tutum_auth_is_a_whole_header_and_comes_first(
    tutum: TutumFake, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TUTUM_AUTH", BASIC)
    monkeypatch.setenv("TUTUM_USER", USER)
    monkeypatch.setenv("TUTUM_APIKEY", "wrong")
    provider = create_provider(ProviderOptions(endpoint=tutum.url))
    assert provider.credential_source == "environment (TUTUM_AUTH)"
    assert await first_names(provider)
    assert authorizations(tutum) == [BASIC]


async def test_a_wrong_tutum_auth_is_not_retried_as_anything_else(tutum: TutumFake) -> None:
    provider = make_provider(tutum, raw_header="ApiKey user1:nope")
    with pytest.raises(AuthenticationRequired, match="Incorrect authentication credentials"):
        await first_names(provider)
    assert authorizations(tutum) == ["ApiKey user1:nope"]


async def test_dot_tutum_file(tutum: TutumFake, monkeypatch: pytest.MonkeyPatch) -> None:
    path = Path.home() / ".tutum"
    path.write_text(f"[auth]\nuser = {USER}\napikey = {APIKEY}\n")
    provider = create_provider(ProviderOptions(endpoint=tutum.url))
    assert provider.credential_source == str(path)
    assert await first_names(provider)
    # The environment wins over the file.
    monkeypatch.setenv("TUTUM_USER", "envuser")
    monkeypatch.setenv("TUTUM_APIKEY", "envkey")
    other = create_provider(ProviderOptions(endpoint=tutum.url))
    await other.aclose()
    assert other.credential_source.startswith("environment")


def test_broken_dot_tutum_never_quotes_the_key() -> None:
    (Path.home() / ".tutum").write_text(f"user = {USER}\napikey = {APIKEY}\n")
    with pytest.raises(ConfigError, match="not a valid Tutum config file") as info:
        create_provider(ProviderOptions(endpoint="http://127.0.0.1:1"))
    assert APIKEY not in str(info.value)


def test_nothing_found_says_where_to_put_credentials() -> None:
    (Path.home() / ".tutum").write_text("[auth]\nuser = someone\n")  # no apikey: not usable
    with pytest.raises(CredentialError) as info:
        create_provider(ProviderOptions())
    message = str(info.value)
    for hint in ("TUTUM_USER", "TUTUM_APIKEY", "TUTUM_AUTH", ".tutum", "dashboard.tutum.co"):
        assert hint in message


async def test_keyring(tutum: TutumFake, secret_service: object) -> None:
    host = f"127.0.0.1:{tutum.server.port}"
    keyring_store.save(host, USER, APIKEY)
    provider = create_provider(ProviderOptions(endpoint=tutum.url))
    assert provider.credential_source == "keyring"
    assert provider.credential_key == host
    assert await first_names(provider)


async def test_basic_only_server_gets_basic_after_one_refusal(tutum: TutumFake) -> None:
    tutum.accept_apikey = False
    provider = make_provider(tutum)
    try:
        assert await provider.list_tags("tutum/hello-world")
        await provider.get_tag("tutum/hello-world", "v1")
    finally:
        await provider.aclose()
    # The image (refused as ApiKey, then Basic), then the tag: Basic straight away.
    assert authorizations(tutum) == [f"ApiKey {USER}:{APIKEY}", BASIC, BASIC]


async def test_wrong_key_is_refused_in_both_schemes_then_reported(tutum: TutumFake) -> None:
    provider = make_provider(tutum, apikey="wrong")
    with pytest.raises(AuthenticationRequired, match=f"rejected the credentials for {USER}"):
        await first_names(provider)
    assert len(tutum.server.requests) == 2
    assert "wrong" not in str(authorizations(tutum)[1])  # base64, not the plain key


async def test_new_credentials_from_the_login_modal(tutum: TutumFake) -> None:
    from tagtui.credentials import Credential

    provider = make_provider(tutum, apikey="wrong")
    with pytest.raises(AuthenticationRequired):
        await provider.list_tags("tutum/hello-world")
    provider.set_credential(Credential(USER, APIKEY, source="session"))
    try:
        assert await provider.list_tags("tutum/hello-world")
    finally:
        await provider.aclose()
    assert provider.credential_source == "session"


def test_base_url_sources(monkeypatch: pytest.MonkeyPatch) -> None:
    assert base_url() == "https://dashboard.tutum.co"
    monkeypatch.setenv("TUTUM_REST_HOST", "https://rest.example.test/")
    assert base_url() == "https://rest.example.test"
    monkeypatch.setenv("TUTUM_BASE_URL", "https://cloud.example.test:8443/api/v1/")
    assert base_url() == "https://cloud.example.test:8443"
    assert base_url("http://127.0.0.1:9") == "http://127.0.0.1:9"
    with pytest.raises(ConfigError):
        base_url("ftp://x")
