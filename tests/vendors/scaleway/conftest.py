from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest

from tagtui.credentials import Credential
from tagtui.providers.base import ConnectionOptions
from tagtui.providers.scaleway import ScalewayProvider
from tests.support.keyring_daemon import no_keyring, secret_service
from tests.vendors.scaleway.fake import REGION, SECRET, ScalewayFake

__all__ = ["make_provider", "no_keyring", "secret_service"]


def make_provider(
    fake: ScalewayFake, secret: str = SECRET, timeout: float = 5.0
) -> ScalewayProvider:
    provider = ScalewayProvider(
        REGION,
        Credential(username=None, secret=secret, source="test"),
        endpoint=fake.url,
        options=ConnectionOptions(timeout=timeout),
    )
    provider.http.backoff = 0.0
    return provider


@pytest.fixture
async def provider(scw: ScalewayFake) -> AsyncIterator[ScalewayProvider]:
    instance = make_provider(scw)
    try:
        yield instance
    finally:
        await instance.aclose()


@pytest.fixture(autouse=True)
def _no_ambient_credentials(
    monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[None]:
    """No test may see the developer's scw config, environment or keyring."""
    import keyring
    from keyring.backends.fail import Keyring as FailKeyring

    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    for name in (
        "SCW_SECRET_KEY",
        "SCW_ACCESS_KEY",
        "SCW_DEFAULT_REGION",
        "SCW_CONFIG_PATH",
        "SCW_PROFILE",
        "XDG_CONFIG_HOME",
    ):
        monkeypatch.delenv(name, raising=False)
    previous = keyring.get_keyring()
    keyring.set_keyring(FailKeyring())
    try:
        yield
    finally:
        keyring.set_keyring(previous)
