"""Where ``tagtui login`` keeps a credential: podman's auth file without a keyring (read and
written by real skopeo), a given ``--auth-file``, the keyring still first where there is one, a
refusal naming the three ways out where there is nowhere, and what login says besides where.

Helpers and logout: test_logout_and_helper.py. Keyring's "fail" backend stands for a server
reached over SSH.
"""

from __future__ import annotations

import base64
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tagtui.commands.login import login, logout
from tagtui.credentials import keyring_store
from tagtui.credentials.sources import resolve
from tagtui.errors import CredentialError, UsageError
from tagtui.providers.base import ConnectionOptions
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
    skopeo,
)
from tests.support.cli import tagtui
from tests.support.keyring_daemon import SecretServiceSession
from tests.support.registry import BasicAuthCredentials, RunningRegistry

pytestmark = pytest.mark.real


# --- podman's runtime auth file ---------------------------------------------------------------


async def test_headless_login_goes_to_the_runtime_auth_file_and_skopeo_reads_it(
    pushed: RunningRegistry,
    basic_auth_credentials: BasicAuthCredentials,
    isolated: IsolatedEnv,
    no_keyring: object,
    tmp_path: Path,
) -> None:
    host, password = pushed.host, basic_auth_credentials.password
    list_tags = ("list-tags", "--tls-verify=false", f"docker://{host}/{REPO}")
    refused = skopeo(*list_tags, env=isolated.env)
    assert refused.returncode != 0 and "unauthorized" in refused.stderr.lower()

    code, said = await run_login(host, password, isolated.env)

    assert code == 0
    path = runtime_auth_file(isolated)
    assert said.splitlines() == [
        f"Login succeeded: alice at {host}, stored in {path} (podman's runtime auth file), "
        f"until your last session on this machine ends (or `tagtui logout {host}`)."
    ]
    assert json.loads(path.read_text()) == {
        "auths": {host: {"auth": base64.b64encode(f"alice:{password}".encode()).decode()}}
    }
    assert mode(path) == 0o600 and mode(path.parent) == 0o700
    # Real skopeo, no other flags: it finds the same file through XDG_RUNTIME_DIR.
    listed = skopeo(*list_tags, env=isolated.env)
    assert listed.returncode == 0, listed.stderr
    assert json.loads(listed.stdout)["Tags"] == ["v1"]
    # And tagtui reads it back, saying where from; no other file holds the password.
    found = resolve(host, env=isolated.env)
    assert found is not None and (found.username, found.secret, found.source) == (
        "alice",
        password,
        "podman",
    )
    assert files_containing(tmp_path, password) == [path]
    assert password not in said


def test_the_ssh_session_of_the_issue(
    pushed: RunningRegistry, basic_auth_credentials: BasicAuthCredentials, tmp_path: Path
) -> None:
    """The real commands, as reported: keyring installed, no Secret Service, a runtime dir."""
    home = tmp_path / "user"
    (home / "run").mkdir(parents=True)
    env = {
        "PATH": os.environ["PATH"],
        "HOME": str(home),
        "XDG_RUNTIME_DIR": str(home / "run"),
        "XDG_CONFIG_HOME": str(home / ".config"),
        **FAIL_KEYRING,
    }
    target = f"{pushed.host}/{REPO}"

    def run(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
        command = [sys.executable, "-m", "tagtui", *args]
        return subprocess.run(command, input=stdin, capture_output=True, text=True, env=env)

    logged = run(
        "login",
        pushed.host,
        "-u",
        "alice",
        "--password-stdin",
        stdin=basic_auth_credentials.password,
    )
    assert logged.returncode == 0, logged.stderr
    assert f"stored in {home / 'run' / 'containers' / 'auth.json'}" in logged.stderr
    assert run("ls", target).stdout == "v1\t-\n"
    listed = skopeo("list-tags", "--tls-verify=false", f"docker://{target}", env=env)
    assert listed.returncode == 0, listed.stderr

    logged_out = run("logout", pushed.host)
    assert logged_out.returncode == 0 and "Removed the credentials" in logged_out.stderr
    refused = run("ls", target)
    assert refused.returncode == 1 and "authentication required" in refused.stderr


def test_after_skopeo_login_tagtui_ls_works(
    pushed: RunningRegistry, basic_auth_credentials: BasicAuthCredentials, tmp_path: Path
) -> None:
    home = tmp_path / "user"
    (home / "run").mkdir(parents=True)
    env = {"PATH": "/usr/bin:/bin", "HOME": str(home), "XDG_RUNTIME_DIR": str(home / "run")}
    before = tagtui("ls", f"{pushed.host}/{REPO}", home=home, extra_env=FAIL_KEYRING)
    assert before.returncode == 1 and "authentication required" in before.stderr

    logged = skopeo(
        "login",
        "--tls-verify=false",
        "--username",
        "alice",
        "--password-stdin",
        pushed.host,
        env=env,
        stdin=basic_auth_credentials.password,
    )
    assert logged.returncode == 0, logged.stderr

    after = tagtui("ls", f"{pushed.host}/{REPO}", home=home, extra_env=FAIL_KEYRING)
    assert after.returncode == 0, after.stderr
    assert after.stdout.startswith("v1\t")


async def test_other_entries_and_unknown_keys_are_kept(
    registry_basic_auth: RunningRegistry,
    basic_auth_credentials: BasicAuthCredentials,
    isolated: IsolatedEnv,
    no_keyring: object,
) -> None:
    host = registry_basic_auth.host
    other = {"auth": base64.b64encode(b"bob:bob-pw").decode()}
    path = isolated.write_podman(
        {"auths": {"other.example:5000": other}, "x-unknown": {"kept": [1, 2]}}
    )
    path.chmod(0o644)

    code, _ = await run_login(host, basic_auth_credentials.password, isolated.env)

    assert code == 0
    document = json.loads(path.read_text())
    assert document["x-unknown"] == {"kept": [1, 2]}
    assert document["auths"]["other.example:5000"] == other
    assert set(document["auths"]) == {"other.example:5000", host}
    assert mode(path) == 0o600  # rewritten with the mode a file holding a password needs

    stderr = io.StringIO()
    assert logout(host, env=isolated.env, stderr=stderr) == 0
    assert stderr.getvalue() == f"Removed the credentials for {host} from {path}.\n"
    assert json.loads(path.read_text()) == {
        "auths": {"other.example:5000": other},
        "x-unknown": {"kept": [1, 2]},
    }


_WRITER = """
import sys
from pathlib import Path
from tagtui.credentials.authfile_store import save_entry
path, first, count = Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
for n in range(first, first + count):
    save_entry(path, f"registry-{n}.example:5000", "user", "pw")
"""


def test_concurrent_logins_never_lose_an_entry(tmp_path: Path) -> None:

    path = tmp_path / "run" / "containers" / "auth.json"
    writers, each = 4, 25
    processes = [
        subprocess.Popen([sys.executable, "-c", _WRITER, str(path), str(w * each), str(each)])
        for w in range(writers)
    ]
    assert [p.wait(timeout=120) for p in processes] == [0] * writers

    entries = json.loads(path.read_text())["auths"]
    assert len(entries) == writers * each
    # Only the file and its lock are left: no temporary file lingers.
    assert sorted(p.name for p in path.parent.iterdir()) == ["auth.json", "auth.json.lock"]


def test_a_broken_auth_file_is_never_overwritten(isolated: IsolatedEnv) -> None:
    from tagtui.credentials.authfile_store import save_entry

    path = isolated.write_podman('{"auths": {"other.example": {"auth": "c2VjcmV0"')
    before = path.read_bytes()

    with pytest.raises(CredentialError, match=r"not valid JSON \(line 1 column \d+\)") as caught:
        save_entry(path, "127.0.0.1:5000", "alice", "pw")

    assert path.read_bytes() == before
    assert "c2VjcmV0" not in str(caught.value)


def test_a_deeply_nested_auth_file_is_a_clear_error(isolated: IsolatedEnv) -> None:
    from tagtui.credentials.authfile_store import save_entry

    path = isolated.write_podman("[" * 200_000 + "]" * 200_000)
    with pytest.raises(CredentialError, match="nested too deeply"):
        save_entry(path, "127.0.0.1:5000", "alice", "pw")


async def test_auth_file_flag_writes_a_persistent_file_and_warns(
    registry_basic_auth: RunningRegistry,
    basic_auth_credentials: BasicAuthCredentials,
    isolated: IsolatedEnv,
    secret_service: SecretServiceSession,
    tmp_path: Path,
) -> None:
    host, password = registry_basic_auth.host, basic_auth_credentials.password
    path = tmp_path / "keep" / "mine" / "auth.json"

    code, said = await run_login(host, password, isolated.env, auth_file=path)

    assert code == 0
    assert said.splitlines() == [
        f"Login succeeded: alice at {host}, stored in {path}, until `tagtui logout {host}`.",
        f"tagtui: warning: {path} holds the password in base64, which is not encryption "
        "(as docker's config.json does).",
        f"tagtui: note: tagtui will not find it by itself: set REGISTRY_AUTH_FILE to that file "
        f"for {host}.",
    ]
    assert mode(path) == 0o600
    assert mode(path.parent) == 0o700 and mode(path.parent.parent) == 0o700
    # The keyring was usable, but the file was asked for: nothing went there.
    assert keyring_store.load(host) is None
    found = resolve(host, env={**isolated.env, "REGISTRY_AUTH_FILE": str(path)})
    assert found is not None and found.secret == password

    stderr = io.StringIO()
    assert logout(host, auth_file=path, env=isolated.env, stderr=stderr) == 0
    assert stderr.getvalue() == f"Removed the credentials for {host} from {path}.\n"
    assert json.loads(path.read_text()) == {"auths": {}}


async def test_refuses_with_the_three_ways_out_when_there_is_nowhere(
    registry_basic_auth: RunningRegistry,
    basic_auth_credentials: BasicAuthCredentials,
    isolated: IsolatedEnv,
    no_keyring: object,
    tmp_path: Path,
) -> None:
    env = {k: v for k, v in isolated.env.items() if k != "XDG_RUNTIME_DIR"}
    stdin = io.StringIO(basic_auth_credentials.password)
    stderr = io.StringIO()

    code = await login(
        registry_basic_auth.host,
        "alice",
        True,
        ConnectionOptions(),
        env=env,
        stdin=stdin,
        stderr=stderr,
    )

    assert code == 1
    said = stderr.getvalue()
    assert len(said.splitlines()) == 1
    assert said.startswith(f"tagtui: cannot log in to {registry_basic_auth.host}: nowhere")
    for way in (
        "1) No usable OS keyring",
        "dbus-run-session",
        "2) Or name a docker credential helper",
        "3) Or keep it in a file: --auth-file PATH",
        "no $XDG_RUNTIME_DIR",
    ):
        assert way in said
    # It stopped before reading the password, and no file anywhere holds it.
    assert stdin.read() == basic_auth_credentials.password
    assert files_containing(tmp_path, basic_auth_credentials.password) == []


@pytest.mark.parametrize(
    ("store", "why"),
    [
        ("keyring", "No usable OS keyring"),
        ("helper", "no credential helper is named in"),
    ],
)
async def test_an_explicit_store_that_is_not_usable_is_refused(
    isolated: IsolatedEnv, no_keyring: object, store: str, why: str
) -> None:
    stdin = io.StringIO("pw")
    stderr = io.StringIO()

    code = await login(
        "127.0.0.1:5000",
        "alice",
        True,
        ConnectionOptions(),
        store=store,
        env=isolated.env,
        stdin=stdin,
        stderr=stderr,
    )

    assert code == 1
    assert stderr.getvalue().startswith(f"tagtui: cannot log in to 127.0.0.1:5000: {why}")
    assert stdin.read() == "pw"
    assert not runtime_auth_file(isolated).exists()


async def test_auth_file_with_another_store_is_a_usage_error(
    isolated: IsolatedEnv, tmp_path: Path
) -> None:
    with pytest.raises(UsageError, match="--auth-file goes with --store auth-file"):
        await run_login(
            "127.0.0.1:5000", "pw", isolated.env, store="keyring", auth_file=tmp_path / "a.json"
        )


# --- the keyring still wins where there is one -------------------------------------------------


async def test_with_a_secret_service_the_keyring_wins(
    registry_basic_auth: RunningRegistry,
    basic_auth_credentials: BasicAuthCredentials,
    isolated: IsolatedEnv,
    secret_service: SecretServiceSession,
    test_helper: CredentialHelper,
) -> None:
    host = registry_basic_auth.host
    isolated.write_docker_config({"credsStore": "test"})
    env = env_with_helper(isolated, test_helper)

    code, said = await run_login(host, basic_auth_credentials.password, env)

    assert code == 0
    backend = "keyring.backends.SecretService.Keyring"
    assert f"stored in the OS keyring ({backend}), until `tagtui logout {host}`." in said
    stored = keyring_store.load(host)
    assert stored is not None and stored.secret == basic_auth_credentials.password
    assert test_helper.calls() == [] and not runtime_auth_file(isolated).exists()

    # --store chooses the auth file even so.
    code, said = await run_login(host, basic_auth_credentials.password, env, store="auth-file")
    assert code == 0 and runtime_auth_file(isolated).exists()


# --- what login says besides where ---------------------------------------------------------------


async def test_registry_auth_file_is_used_as_podman_does_and_warned_about(
    registry_basic_auth: RunningRegistry,
    basic_auth_credentials: BasicAuthCredentials,
    isolated: IsolatedEnv,
    no_keyring: object,
    tmp_path: Path,
) -> None:
    host, password = registry_basic_auth.host, basic_auth_credentials.password
    path = tmp_path / "chosen" / "auth.json"
    env = {**isolated.env, "REGISTRY_AUTH_FILE": str(path)}

    code, said = await run_login(host, password, env)

    assert code == 0
    # tagtui reads REGISTRY_AUTH_FILE: no note; the runtime file stays untouched.
    assert said.splitlines() == [
        f"Login succeeded: alice at {host}, stored in {path}, until `tagtui logout {host}`.",
        f"tagtui: warning: {path} holds the password in base64, which is not encryption "
        "(as docker's config.json does).",
    ]
    assert not runtime_auth_file(isolated).exists()
    found = resolve(host, env=env)
    assert found is not None and (found.secret, found.source) == (password, "podman")


async def test_a_credential_read_first_is_pointed_out(
    registry_basic_auth: RunningRegistry,
    basic_auth_credentials: BasicAuthCredentials,
    isolated: IsolatedEnv,
    no_keyring: object,
) -> None:
    host = registry_basic_auth.host
    old = base64.b64encode(b"alice:an-old-password").decode()
    isolated.write_docker_config({"auths": {host: {"auth": old}}})

    code, said = await run_login(host, basic_auth_credentials.password, isolated.env)

    assert code == 0
    assert said.splitlines()[-1] == (
        f"tagtui: note: another credential for {host} comes first (docker config): "
        "tagtui will use that."
    )


async def test_the_username_comes_from_the_auth_file(
    registry_basic_auth: RunningRegistry,
    basic_auth_credentials: BasicAuthCredentials,
    isolated: IsolatedEnv,
    no_keyring: object,
) -> None:
    host = registry_basic_auth.host
    isolated.write_podman({"auths": {host: {"auth": base64.b64encode(b"alice:old").decode()}}})
    stderr = io.StringIO()

    code = await login(
        host,
        None,
        True,
        ConnectionOptions(),
        env=isolated.env,
        stdin=io.StringIO(basic_auth_credentials.password),
        stderr=stderr,
    )

    assert code == 0, stderr.getvalue()
    found = resolve(host, env=isolated.env)
    assert found is not None and (found.username, found.secret) == basic_auth_credentials.pair


def test_logout_says_when_the_environment_still_holds_one(
    isolated: IsolatedEnv, no_keyring: object
) -> None:
    path = isolated.write_podman({"auths": {"127.0.0.1:5000": {"auth": "YTpi"}}})
    stderr = io.StringIO()

    env = {**isolated.env, "TAGTUI_PASSWORD": "from-env"}
    assert logout("127.0.0.1:5000", env=env, stderr=stderr) == 0

    assert stderr.getvalue().splitlines() == [
        f"Removed the credentials for 127.0.0.1:5000 from {path}.",
        "tagtui: note: TAGTUI_PASSWORD is still set in this environment.",
    ]
