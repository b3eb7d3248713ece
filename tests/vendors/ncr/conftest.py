from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest

from tagtui.credentials import Credential
from tagtui.providers.base import ConnectionOptions
from tagtui.providers.ncr import NcrProvider
from tests.support.keyring_daemon import no_keyring, secret_service
from tests.vendors.ncr.fake import ACCESS_KEY, SECRET_KEY, NcrFake

__all__ = ["make_provider", "no_keyring", "secret_service"]


def make_provider(
    fake: NcrFake,
    *,
    access_key: str = ACCESS_KEY,
    secret_key: str = SECRET_KEY,
    timeout: float = 5.0,
) -> NcrProvider:
    provider = NcrProvider(
        "kr",
        Credential(username=access_key, secret=secret_key, source="test"),
        endpoint=fake.url,
        options=ConnectionOptions(timeout=timeout),
    )
    provider.http.backoff = 0.0
    return provider


@pytest.fixture
async def provider(ncr: NcrFake) -> AsyncIterator[NcrProvider]:
    instance = make_provider(ncr)
    try:
        yield instance
    finally:
        await instance.aclose()


@pytest.fixture(autouse=True)
def _no_ambient_credentials(
    monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[None]:
    """No test may see the developer's environment or keyring."""
    import keyring
    from keyring.backends.fail import Keyring as FailKeyring

    monkeypatch.setenv("HOME", str(tmp_path_factory.mktemp("home")))
    for name in ("NCLOUD_ACCESS_KEY", "NCLOUD_SECRET_KEY", "NCLOUD_REGION"):
        monkeypatch.delenv(name, raising=False)
    previous = keyring.get_keyring()
    keyring.set_keyring(FailKeyring())
    try:
        yield
    finally:
        keyring.set_keyring(previous)
