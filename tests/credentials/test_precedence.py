"""One host, two credentials: ``TAGTUI_USERNAME``/``TAGTUI_PASSWORD`` win over the keyring.

Both are held at once (a real Secret Service, the environment), and the test asserts which one
is used, on the lookup and on the wire against the real registry behind Basic auth: a swap of
the order (keyring first) fails both.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tagtui.credentials import keyring_store
from tagtui.credentials.sources import resolve
from tagtui.errors import AuthenticationRequired
from tagtui.targets import open_target
from tests.credentials.conftest import IsolatedEnv
from tests.support.keyring_daemon import SecretServiceSession
from tests.support.registry import BasicAuthCredentials, RunningRegistry

pytestmark = pytest.mark.real

HOST = "127.0.0.1:5000"


def test_the_environment_wins_over_a_keyring_entry_for_the_same_host(
    isolated: IsolatedEnv, secret_service: SecretServiceSession
) -> None:
    keyring_store.save(HOST, "kate", "keyring-pw")
    env = {**isolated.env, "TAGTUI_USERNAME": "eve", "TAGTUI_PASSWORD": "env-pw"}

    credential = resolve(HOST, env=env)
    assert credential is not None
    assert (credential.username, credential.secret, credential.source) == (
        "eve",
        "env-pw",
        "environment",
    )
    # The keyring entry is still there, and used once the environment says nothing.
    fallback = resolve(HOST, env=isolated.env)
    assert fallback is not None and fallback.source == "keyring"


@pytest.mark.parametrize("right_in", ["environment", "keyring"])
async def test_the_registry_sees_the_environments_credential(
    registry_basic_auth: RunningRegistry,
    basic_auth_credentials: BasicAuthCredentials,
    secret_service: SecretServiceSession,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    right_in: str,
) -> None:
    """The right password in one place, a wrong one in the other: only the environment counts."""
    user, right = basic_auth_credentials.pair
    wrong = "not-" + right
    keyring_store.save(registry_basic_auth.host, user, right if right_in == "keyring" else wrong)
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("DOCKER_CONFIG", str(tmp_path / ".docker"))
    monkeypatch.setenv("TAGTUI_USERNAME", user)
    monkeypatch.setenv("TAGTUI_PASSWORD", right if right_in == "environment" else wrong)

    target = open_target(f"{registry_basic_auth.host}/app")
    try:
        if right_in == "environment":
            await target.provider.check()
        else:
            with pytest.raises(AuthenticationRequired):
                await target.provider.check()
        assert target.provider.credential_source == "environment"
    finally:
        await target.provider.aclose()
