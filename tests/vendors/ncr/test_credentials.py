"""Where NCR keys come from: NCLOUD_ACCESS_KEY / NCLOUD_SECRET_KEY, then the OS keyring."""

from __future__ import annotations

import pytest

from tagtui.errors import CredentialError, UsageError
from tagtui.providers.base import ConnectionOptions, ProviderOptions
from tagtui.providers.ncr import KEYRING_HOST, NcrProvider, create_provider
from tests.vendors.ncr.fake import ACCESS_KEY, SECRET_KEY, NcrFake


def options(fake: NcrFake | None = None, region: str | None = None) -> ProviderOptions:
    return ProviderOptions(
        region=region, endpoint=fake.url if fake else None, connection=ConnectionOptions(timeout=5)
    )


async def test_environment_keys_work_end_to_end(
    ncr: NcrFake, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NCLOUD_ACCESS_KEY", ACCESS_KEY)
    monkeypatch.setenv("NCLOUD_SECRET_KEY", SECRET_KEY)
    provider = create_provider(options(ncr))
    try:
        assert isinstance(provider, NcrProvider)
        assert provider.region == "kr"
        assert provider.credential_source == "environment (NCLOUD_*_KEY)"
        assert [t.name for t in await provider.list_tags("acme/web")] == ["v1", "v2", "v10"]
    finally:
        await provider.aclose()
    assert ncr.auth_failures == []


@pytest.mark.parametrize(
    ("present", "missing"),
    [("NCLOUD_ACCESS_KEY", "NCLOUD_SECRET_KEY"), ("NCLOUD_SECRET_KEY", "NCLOUD_ACCESS_KEY")],
)
def test_half_a_key_pair_names_the_missing_half(
    monkeypatch: pytest.MonkeyPatch, present: str, missing: str
) -> None:
    monkeypatch.setenv(present, "value")
    with pytest.raises(CredentialError, match=f"{missing} is not set"):
        create_provider(options())


def test_nothing_found_names_every_source(no_keyring: object) -> None:
    with pytest.raises(CredentialError) as caught:
        create_provider(options())
    message = str(caught.value)
    assert "NCLOUD_ACCESS_KEY" in message and "NCLOUD_SECRET_KEY" in message
    assert KEYRING_HOST in message


def test_region_option_environment_and_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NCLOUD_ACCESS_KEY", ACCESS_KEY)
    monkeypatch.setenv("NCLOUD_SECRET_KEY", SECRET_KEY)
    assert create_provider(options()).http.base_url == "https://ncr.apigw.ntruss.com/ncr/api/v2"
    monkeypatch.setenv("NCLOUD_REGION", "SGN")
    assert create_provider(options()).region == "sgn"
    assert create_provider(options(region="jpn")).http.base_url.endswith("/ncr/jpn-api/v2")
    with pytest.raises(UsageError, match="kr, sgn, jpn"):
        create_provider(options(region="us"))


def test_secret_never_in_repr_or_messages(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NCLOUD_ACCESS_KEY", ACCESS_KEY)
    monkeypatch.setenv("NCLOUD_SECRET_KEY", SECRET_KEY)
    provider = create_provider(options())
    assert SECRET_KEY not in repr(provider._credential)
    assert SECRET_KEY not in str(provider._credential)


@pytest.mark.real
async def test_keys_from_the_os_keyring(ncr: NcrFake, secret_service: object) -> None:
    from tagtui.credentials import keyring_store

    keyring_store.save(KEYRING_HOST, ACCESS_KEY, SECRET_KEY)
    provider = create_provider(options(ncr))
    try:
        assert provider.credential_source == "keyring"
        await provider.check()
    finally:
        await provider.aclose()
    assert ncr.auth_failures == []
    assert ncr.server.requests[0].header("x-ncp-iam-access-key") == ACCESS_KEY


def test_api_url_forms() -> None:
    from tagtui.errors import ConfigError
    from tagtui.providers.ncr.provider import OTHER_PREFIX, split_api_url

    assert split_api_url("ncr.apigw.ntruss.com") == ("https://ncr.apigw.ntruss.com", None)
    assert split_api_url("https://h/ncr/jpn-api/v2/") == ("https://h/ncr/jpn-api/v2", "jpn")
    gov = "https://gov-ncr.apigw.gov-ntruss.com/ncr/kr/v2"
    assert split_api_url(gov) == (gov, OTHER_PREFIX)
    with pytest.raises(ConfigError, match="http"):
        split_api_url("ftp://h/ncr/api/v2")
