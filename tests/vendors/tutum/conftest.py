from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest

from tagtui.credentials import Credential
from tagtui.providers.base import ConnectionOptions
from tagtui.providers.tutum import TutumAuth, TutumProvider
from tests.support.keyring_daemon import no_keyring, secret_service
from tests.vendors.tutum.fake import APIKEY, USER, TutumFake

__all__ = ["make_provider", "no_keyring", "secret_service"]


def make_provider(
    fake: TutumFake,
    user: str = USER,
    apikey: str = APIKEY,
    *,
    raw_header: str | None = None,
    timeout: float = 5.0,
) -> TutumProvider:
    if raw_header is not None:
        auth = TutumAuth(Credential(None, raw_header, source="test"), raw_header=True)
    else:
        auth = TutumAuth(Credential(user, apikey, source="test"))
    provider = TutumProvider(auth, base=fake.url, options=ConnectionOptions(timeout=timeout))
    provider.http.backoff = 0.0
    return provider


@pytest.fixture
async def provider(tutum: TutumFake) -> AsyncIterator[TutumProvider]:
    instance = make_provider(tutum)
    try:
        yield instance
    finally:
        await instance.aclose()


@pytest.fixture(autouse=True)
def _no_ambient_credentials(
    monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[None]:
    """No test may see the developer's ~/.tutum, environment or keyring."""
    import keyring
    from keyring.backends.fail import Keyring as FailKeyring

    monkeypatch.setenv("HOME", str(tmp_path_factory.mktemp("home")))
    for name in ("TUTUM_AUTH", "TUTUM_USER", "TUTUM_APIKEY", "TUTUM_BASE_URL", "TUTUM_REST_HOST"):
        monkeypatch.delenv(name, raising=False)
    previous = keyring.get_keyring()
    keyring.set_keyring(FailKeyring())
    try:
        yield
    finally:
        keyring.set_keyring(previous)
