"""``tagtui login`` / ``logout`` against the real registry (htpasswd) and a real Secret Service.

Without a keyring (helper, podman's auth file, nowhere): test_login_stores.py."""

from __future__ import annotations

import io
import os
import pty
import select
import signal
import sys
import time
from pathlib import Path

import pytest

from tagtui import cli
from tagtui.commands.login import login, logout
from tagtui.credentials import keyring_store
from tagtui.credentials.sources import resolve
from tagtui.errors import AuthenticationRequired, UsageError
from tagtui.providers.base import ConnectionOptions
from tests.support.keyring_daemon import SecretServiceSession
from tests.support.registry import BasicAuthCredentials, RunningRegistry

pytestmark = pytest.mark.real


async def test_login_checks_then_stores(
    registry_basic_auth: RunningRegistry,
    basic_auth_credentials: BasicAuthCredentials,
    secret_service: SecretServiceSession,
) -> None:
    stderr = io.StringIO()
    code = await login(
        registry_basic_auth.host,
        basic_auth_credentials.username,
        True,
        ConnectionOptions(),
        stdin=io.StringIO(basic_auth_credentials.password + "\n"),
        stderr=stderr,
    )

    assert code == 0
    assert f"Login succeeded: alice at {registry_basic_auth.host}" in stderr.getvalue()
    stored = keyring_store.load(registry_basic_auth.host)
    assert stored is not None
    assert (stored.username, stored.secret) == basic_auth_credentials.pair
    # Later lookups need no flag, and say where the credentials came from.
    found = resolve(registry_basic_auth.host, env={"HOME": "/nonexistent"})
    assert found is not None and found.source == "keyring"
    assert basic_auth_credentials.password not in stderr.getvalue()


async def test_wrong_password_stores_nothing(
    registry_basic_auth: RunningRegistry,
    basic_auth_credentials: BasicAuthCredentials,
    secret_service: SecretServiceSession,
) -> None:
    with pytest.raises(AuthenticationRequired) as caught:
        await login(
            registry_basic_auth.host,
            "alice",
            True,
            ConnectionOptions(),
            stdin=io.StringIO("not-the-password"),
            stderr=io.StringIO(),
        )

    assert str(caught.value) == f"authentication failed for alice at {registry_basic_auth.host}"
    assert keyring_store.load(registry_basic_auth.host) is None


async def test_username_comes_from_the_keyring(
    registry_basic_auth: RunningRegistry,
    basic_auth_credentials: BasicAuthCredentials,
    secret_service: SecretServiceSession,
) -> None:
    keyring_store.save(registry_basic_auth.host, "alice", "an-old-password")

    code = await login(
        registry_basic_auth.host,
        None,
        True,
        ConnectionOptions(),
        stdin=io.StringIO(basic_auth_credentials.password),
        stderr=io.StringIO(),
    )

    assert code == 0
    stored = keyring_store.load(registry_basic_auth.host)
    assert stored is not None
    assert (stored.username, stored.secret) == basic_auth_credentials.pair


@pytest.mark.parametrize(
    ("registry_text", "username", "match"),
    [
        ("127.0.0.1:5000/team/app", "alice", "is an image, not a registry"),
        ("nginx", "alice", "is an image, not a registry"),
        ("127.0.0.1:5000", None, "--password-stdin needs the username"),
    ],
)
async def test_usage_errors(
    secret_service: SecretServiceSession, registry_text: str, username: str | None, match: str
) -> None:
    with pytest.raises(UsageError, match=match):
        await login(
            registry_text,
            username,
            True,
            ConnectionOptions(),
            stdin=io.StringIO("pw"),
            stderr=io.StringIO(),
        )


async def test_empty_password_is_refused(secret_service: SecretServiceSession) -> None:
    with pytest.raises(UsageError, match="empty password"):
        await login(
            "127.0.0.1:5000",
            "alice",
            True,
            ConnectionOptions(),
            stdin=io.StringIO("\n"),
            stderr=io.StringIO(),
        )


def test_logout(secret_service: SecretServiceSession) -> None:
    keyring_store.save("127.0.0.1:5000", "alice", "pw")
    stderr = io.StringIO()

    assert logout("127.0.0.1:5000", stderr=stderr) == 0
    assert logout("127.0.0.1:5000", stderr=stderr) == 0

    assert stderr.getvalue().splitlines() == [
        "Removed the credentials for 127.0.0.1:5000 from the OS keyring.",
        "No credentials for 127.0.0.1:5000 in the OS keyring.",
    ]
    assert keyring_store.load("127.0.0.1:5000") is None


def test_cli_login_and_logout(
    registry_basic_auth: RunningRegistry,
    basic_auth_credentials: BasicAuthCredentials,
    secret_service: SecretServiceSession,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    host = registry_basic_auth.host
    monkeypatch.setattr("sys.stdin", io.StringIO(basic_auth_credentials.password + "\n"))

    assert cli.main(["login", host, "-u", "alice", "--password-stdin"]) == 0
    assert keyring_store.load(host) is not None
    assert cli.main(["logout", host]) == 0
    assert keyring_store.load(host) is None

    monkeypatch.setattr("sys.stdin", io.StringIO("wrong\n"))
    assert cli.main(["login", host, "-u", "alice", "--password-stdin"]) == 1
    err = capsys.readouterr().err
    assert f"tagtui: error: authentication failed for alice at {host}" in err
    assert basic_auth_credentials.password not in err


def _read_until(fd: int, wanted: bytes, seen: bytearray, deadline: float) -> None:
    """Read the terminal until ``wanted`` shows up (select with a deadline, no sleeps)."""
    while wanted not in seen:
        left = deadline - time.monotonic()
        ready, _, _ = select.select([fd], [], [], max(left, 0))
        if not ready:
            raise AssertionError(f"timed out waiting for {wanted!r}; got {bytes(seen)!r}")
        try:
            chunk = os.read(fd, 4096)
        except OSError:  # EIO: the child closed the terminal
            chunk = b""
        if not chunk:
            raise AssertionError(f"terminal closed before {wanted!r}; got {bytes(seen)!r}")
        seen.extend(chunk)


def _read_rest(fd: int, seen: bytearray, deadline: float) -> bool:
    """Drain the terminal until the child closes it (True), or the deadline passes (False)."""
    while time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], max(deadline - time.monotonic(), 0))
        if not ready:
            return False
        try:
            chunk = os.read(fd, 4096)
        except OSError:  # EIO: every process holding the terminal is gone
            return True
        if not chunk:
            return True
        seen.extend(chunk)
    return False


def test_interactive_prompts_on_a_terminal(
    registry_basic_auth: RunningRegistry,
    basic_auth_credentials: BasicAuthCredentials,
    secret_service: SecretServiceSession,
    tmp_path: Path,
) -> None:
    """``tagtui login HOST`` on a real pseudo-terminal: asks, hides the password, stores."""
    env = {
        **os.environ,
        "HOME": str(tmp_path / "home"),
        "XDG_CONFIG_HOME": str(tmp_path / "home" / ".config"),
        "DBUS_SESSION_BUS_ADDRESS": secret_service.address,
        "PYTHON_KEYRING_BACKEND": "keyring.backends.SecretService.Keyring",
    }
    argv = [sys.executable, "-m", "tagtui", "login", registry_basic_auth.host]
    pid, fd = pty.fork()
    if pid == 0:  # the child: a session whose controlling terminal is the pty
        os.execve(sys.executable, argv, env)
    seen = bytearray()
    deadline = time.monotonic() + 30
    status: int | None = None
    try:
        _read_until(fd, b"Username: ", seen, deadline)
        os.write(fd, b"alice\n")
        _read_until(fd, b"Password: ", seen, deadline)
        os.write(fd, basic_auth_credentials.password.encode() + b"\n")
        _read_until(fd, b"Login succeeded", seen, deadline)
        # The terminal closes when the child exits: then reaping it cannot block.
        if _read_rest(fd, seen, deadline):
            _, status = os.waitpid(pid, 0)
    finally:
        if status is None:
            os.kill(pid, signal.SIGKILL)
            _, status = os.waitpid(pid, 0)
        os.close(fd)

    assert os.waitstatus_to_exitcode(status) == 0
    # The username echoes as typed; the password never reaches the screen.
    assert b"alice" in seen
    assert basic_auth_credentials.password.encode() not in seen
    stored = keyring_store.load(registry_basic_auth.host)
    assert stored is not None
    assert (stored.username, stored.secret) == basic_auth_credentials.pair
