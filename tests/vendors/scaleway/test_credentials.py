"""Where the Scaleway secret key comes from: SCW_SECRET_KEY, the scw config file, the keyring."""

from __future__ import annotations

from pathlib import Path

import pytest

from tagtui.errors import ConfigError, CredentialError, UsageError
from tagtui.providers.base import ConnectionOptions, ProviderOptions
from tagtui.providers.scaleway import KEYRING_HOST, ScalewayProvider, create_provider
from tagtui.providers.scaleway.config import load_scw_config
from tests.vendors.scaleway.fake import SECRET, ScalewayFake


def options(fake: ScalewayFake | None = None, region: str | None = None) -> ProviderOptions:
    return ProviderOptions(
        region=region,
        endpoint=fake.url if fake else None,
        connection=ConnectionOptions(timeout=5),
    )


def write_config(text: str) -> Path:
    path = Path.home() / ".config" / "scw" / "config.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


async def test_environment_key_and_region_work_end_to_end(
    scw: ScalewayFake, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SCW_SECRET_KEY", SECRET)
    monkeypatch.setenv("SCW_DEFAULT_REGION", "fr-par")
    write_config("secret_key: wrong\ndefault_region: nl-ams\n")
    provider = create_provider(options(scw))
    try:
        assert isinstance(provider, ScalewayProvider)
        assert provider.region == "fr-par"  # the environment beats the file
        assert provider.credential_source == "environment (SCW_SECRET_KEY)"
        assert [t.name for t in await provider.list_tags("team/web")] == ["v1", "v2", "v10"]
    finally:
        await provider.aclose()
    assert scw.server.requests[0].raw_path.startswith("/registry/v1/regions/fr-par/")


async def test_config_file_in_home(scw: ScalewayFake) -> None:
    write_config(
        f"access_key: SCWXXXXXXXXXXXXXXXXX\nsecret_key: {SECRET}\ndefault_region: fr-par\n"
    )
    provider = create_provider(options(scw))
    try:
        assert provider.credential_source == "scw config"
        await provider.check()
    finally:
        await provider.aclose()


def test_config_file_profile_and_region(monkeypatch: pytest.MonkeyPatch) -> None:
    write_config(
        "secret_key: top-level\n"
        "default_region: fr-par\n"
        "active_profile: work\n"
        "profiles:\n"
        "  work:\n"
        "    secret_key: from-profile\n"
        "    default_region: pl-waw\n"
    )
    provider = create_provider(options())
    assert provider.region == "pl-waw"
    assert provider._credential is not None and provider._credential.secret == "from-profile"
    assert provider.display_name == "scaleway pl-waw"
    assert provider.pull_reference("a/b", "1") == "rg.pl-waw.scw.cloud/a/b:1"
    monkeypatch.setenv("SCW_PROFILE", "missing")
    assert create_provider(options())._credential.secret == "top-level"  # type: ignore[union-attr]


def test_region_option_wins_and_is_checked(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SCW_SECRET_KEY", SECRET)
    monkeypatch.setenv("SCW_DEFAULT_REGION", "nl-ams")
    assert create_provider(options(region="pl-waw")).region == "pl-waw"
    assert create_provider(options()).region == "nl-ams"
    with pytest.raises(UsageError, match="fr-par, nl-ams, pl-waw"):
        create_provider(options(region="us-east-1"))


def test_default_region_is_fr_par(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SCW_SECRET_KEY", SECRET)
    provider = create_provider(options())
    assert provider.region == "fr-par"
    assert provider.http.base_url == "https://api.scaleway.com/registry/v1/regions/fr-par"


def test_the_config_read_never_shows_the_secret_in_its_repr() -> None:
    write_config(f"secret_key: {SECRET}\naccess_key: SCWACCESS\n")
    config = load_scw_config()
    assert config.secret_key == SECRET
    assert SECRET not in repr(config) and "SCWACCESS" in repr(config)


def test_broken_config_file_never_quotes_the_secret() -> None:
    path = write_config(f"secret_key: {SECRET}\n  bad: [indent\n")
    with pytest.raises(ConfigError) as caught:
        create_provider(options())
    assert str(path) in str(caught.value) and "line" in str(caught.value)
    assert SECRET not in str(caught.value)


def test_broken_config_file_is_not_read_when_the_environment_suffices(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    write_config("secret_key: [unclosed\n")
    monkeypatch.setenv("SCW_SECRET_KEY", SECRET)
    assert create_provider(options(region="nl-ams")).region == "nl-ams"
    with pytest.raises(ConfigError):
        create_provider(options())  # the default region would come from the file


def test_nothing_found_names_every_source(no_keyring: object) -> None:
    with pytest.raises(CredentialError) as caught:
        create_provider(options())
    message = str(caught.value)
    assert "SCW_SECRET_KEY" in message and "SCW_DEFAULT_REGION" in message
    assert "config.yaml" in message and KEYRING_HOST in message


@pytest.mark.real
async def test_key_from_the_os_keyring(scw: ScalewayFake, secret_service: object) -> None:
    from tagtui.credentials import keyring_store

    keyring_store.save(KEYRING_HOST, "SCWACCESSKEY", SECRET)
    provider = create_provider(options(scw))
    try:
        assert provider.credential_source == "keyring"
        await provider.check()
    finally:
        await provider.aclose()
    assert scw.server.requests[0].header("x-auth-token") == SECRET
