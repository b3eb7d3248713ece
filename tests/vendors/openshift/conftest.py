from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest

from tagtui.credentials import Credential
from tagtui.providers.base import ConnectionOptions
from tagtui.providers.openshift import OpenShiftProvider
from tests.support.keyring_daemon import no_keyring, secret_service
from tests.vendors.openshift.fake import NAMESPACE, TOKEN, OpenShiftFake

__all__ = ["make_provider", "no_keyring", "secret_service"]


def make_provider(
    fake: OpenShiftFake,
    token: str = TOKEN,
    namespace: str = NAMESPACE,
    timeout: float = 5.0,
) -> OpenShiftProvider:
    provider = OpenShiftProvider(
        fake.url,
        namespace,
        Credential(username="alice", secret=token, source="test"),
        options=ConnectionOptions(timeout=timeout),
    )
    provider.http.backoff = 0.0
    return provider


@pytest.fixture
async def provider(ocp: OpenShiftFake) -> AsyncIterator[OpenShiftProvider]:
    instance = make_provider(ocp)
    try:
        yield instance
    finally:
        await instance.aclose()


@pytest.fixture(autouse=True)
def _no_ambient_credentials(
    monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[None]:
    """No test may see the developer's kubeconfig or keyring."""
    import keyring
    from keyring.backends.fail import Keyring as FailKeyring

    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.delenv("KUBECONFIG", raising=False)
    previous = keyring.get_keyring()
    keyring.set_keyring(FailKeyring())
    try:
        yield
    finally:
        keyring.set_keyring(previous)
