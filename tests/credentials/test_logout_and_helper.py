"""A real ``docker-credential-test`` on PATH receives ``store`` on login, ``get`` when tagtui
reads, ``erase`` on logout; and ``tagtui logout`` removes a credential from every place tagtui
reads, saying which; the command line's --store/--auth-file flags."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from tagtui import cli
from tagtui.commands.login import logout
from tagtui.credentials import keyring_store
from tagtui.credentials.sources import resolve
from tagtui.errors import CredentialError
from tests.credentials.conftest import PUSHED_REPO as REPO
from tests.credentials.conftest import IsolatedEnv
from tests.credentials.helper_program import CredentialHelper
from tests.credentials.stores_support import (
    FAIL_KEYRING,
    env_with_helper,
    files_containing,
    mode,
    run_login,
    runtime_auth_file,
)
from tests.support.cli import tagtui
from tests.support.keyring_daemon import SecretServiceSession
from tests.support.registry import BasicAuthCredentials, RunningRegistry

pytestmark = pytest.mark.real


# --- a docker credential helper --------------------------------------------------------------


async def test_helper_receives_store_then_ls_uses_get_then_logout_erases(
    pushed: RunningRegistry,
    basic_auth_credentials: BasicAuthCredentials,
    isolated: IsolatedEnv,
    no_keyring: object,
    test_helper: CredentialHelper,
    tmp_path: Path,
) -> None:
    host, password = pushed.host, basic_auth_credentials.password
    config = isolated.write_docker_config({"credsStore": "test"})
    env = env_with_helper(isolated, test_helper)

    code, said = await run_login(host, password, env)

    assert code == 0
    assert said.splitlines() == [
        f"Login succeeded: alice at {host}, stored in docker-credential-test "
        f"(credsStore in {config}), until `tagtui logout {host}`."
    ]
    assert test_helper.stored() == {host: {"Username": "alice", "Secret": password}}
    calls = test_helper.calls()
    assert calls[0]["argv"][1:] == ["store"]  # type: ignore[index]
    assert calls[0]["stdin"] == ["Secret", "ServerURL", "Username"]
    assert all(password not in " ".join(c["argv"]) for c in calls)  # type: ignore[arg-type]
    assert not runtime_auth_file(isolated).exists()
    # Only the helper's own store holds the password.
    assert files_containing(tmp_path, password) == [test_helper.directory / "store.json"]

    listed = tagtui(
        "ls",
        f"{host}/{REPO}",
        home=isolated.home,
        extra_env={**FAIL_KEYRING, "PATH": env["PATH"], "DOCKER_CONFIG": str(config.parent)},
    )
    assert listed.returncode == 0, listed.stderr
    assert listed.stdout.startswith("v1\t")
    assert [c["argv"][1:] for c in test_helper.calls()][-1] == ["get"]  # type: ignore[index]

    stderr = io.StringIO()
    assert logout(host, env=env, stderr=stderr) == 0
    assert stderr.getvalue() == f"Removed the credentials for {host} from docker-credential-test.\n"
    assert [c["argv"][1:] for c in test_helper.calls()][-1] == ["erase"]  # type: ignore[index]
    assert test_helper.stored() == {}
    assert resolve(host, env=env) is None


async def test_cred_helpers_for_the_host_win_over_creds_store(
    registry_basic_auth: RunningRegistry,
    basic_auth_credentials: BasicAuthCredentials,
    isolated: IsolatedEnv,
    no_keyring: object,
    test_helper: CredentialHelper,
) -> None:
    host = registry_basic_auth.host
    isolated.write_docker_config({"credsStore": "tagtuitest", "credHelpers": {host: "test"}})
    env = env_with_helper(isolated, test_helper)

    code, said = await run_login(host, basic_auth_credentials.password, env)

    assert code == 0 and "docker-credential-test (credHelpers in" in said
    assert set(test_helper.stored()) == {host}
    assert isolated.helper.calls() == []


async def test_a_failing_helper_is_an_error_that_never_shows_the_secret(
    registry_basic_auth: RunningRegistry,
    basic_auth_credentials: BasicAuthCredentials,
    isolated: IsolatedEnv,
    no_keyring: object,
    test_helper: CredentialHelper,
) -> None:
    isolated.write_docker_config({"credsStore": "test"})
    test_helper.set_mode("broken")

    with pytest.raises(CredentialError) as caught:
        await run_login(
            registry_basic_auth.host,
            basic_auth_credentials.password,
            env_with_helper(isolated, test_helper),
        )

    assert str(caught.value) == (
        "credential helper docker-credential-test failed to store (exit 2): "
        "helper exploded: backend unavailable"
    )
    assert not runtime_auth_file(isolated).exists()


# --- logout -------------------------------------------------------------------------------------


def test_logout_removes_it_from_every_place_and_says_which(
    isolated: IsolatedEnv,
    secret_service: SecretServiceSession,
    test_helper: CredentialHelper,
) -> None:
    host = "127.0.0.1:5000"
    keyring_store.save(host, "alice", "kr-pw")
    config = isolated.write_docker_config({"credsStore": "test"})
    test_helper.store(host, "alice", "helper-pw")
    runtime = isolated.write_podman(
        {"auths": {host: {"auth": "YTpi"}, "keep.example": {"auth": "YzpkI"}}}
    )
    env = env_with_helper(isolated, test_helper)
    stderr = io.StringIO()

    assert logout(host, env=env, stderr=stderr) == 0
    assert logout(host, env=env, stderr=stderr) == 0

    helper = "docker-credential-test"
    assert stderr.getvalue().splitlines() == [
        f"Removed the credentials for {host} from the OS keyring, {helper} and {runtime}.",
        f"No credentials for {host} in the OS keyring, {helper}, {runtime} and {config}.",
    ]
    assert json.loads(runtime.read_text()) == {"auths": {"keep.example": {"auth": "YzpkI"}}}
    assert resolve(host, env=env) is None


def test_headless_logout_with_nothing_anywhere(isolated: IsolatedEnv, no_keyring: object) -> None:
    stderr = io.StringIO()
    assert logout("127.0.0.1:5000", env=isolated.env, stderr=stderr) == 0
    assert stderr.getvalue() == (
        "No credentials for 127.0.0.1:5000: no usable OS keyring, no credential helper "
        "and no auth file here.\n"
    )


# --- the command line ---------------------------------------------------------------------------


@pytest.fixture
def headless_environ(
    isolated: IsolatedEnv, monkeypatch: pytest.MonkeyPatch
) -> Iterator[IsolatedEnv]:
    for name, value in isolated.env.items():
        monkeypatch.setenv(name, value)
    yield isolated


def test_cli_store_and_auth_file_flags(
    registry_basic_auth: RunningRegistry,
    basic_auth_credentials: BasicAuthCredentials,
    headless_environ: IsolatedEnv,
    no_keyring: object,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    host, password = registry_basic_auth.host, basic_auth_credentials.password
    monkeypatch.setattr("sys.stdin", io.StringIO(password + "\n"))
    assert cli.main(["login", host, "-u", "alice", "--password-stdin", "--store", "auth-file"]) == 0
    assert runtime_auth_file(headless_environ).exists()

    path = tmp_path / "given.json"
    monkeypatch.setattr("sys.stdin", io.StringIO(password + "\n"))
    assert (
        cli.main(["login", host, "-u", "alice", "--password-stdin", "--auth-file", str(path)]) == 0
    )
    assert mode(path) == 0o600

    assert cli.main(["logout", host, "--auth-file", str(path)]) == 0
    assert cli.main(["logout", host]) == 0
    err = capsys.readouterr().err
    assert f"Removed the credentials for {host} from {path}." in err
    assert f"Removed the credentials for {host} from {runtime_auth_file(headless_environ)}." in err
    assert password not in err

    assert cli.main(["login", host, "--store", "nowhere"]) == 2
    assert "invalid choice: 'nowhere'" in capsys.readouterr().err
