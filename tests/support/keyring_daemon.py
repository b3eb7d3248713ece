"""A real Secret Service for tests: a private D-Bus session running gnome-keyring-daemon.

It is what a user does on a headless server (``dbus-run-session`` + ``gnome-keyring-daemon
--unlock``), with HOME and the XDG directories in a temporary directory, so the user's own keyring
is never touched. The test process joins that bus through ``DBUS_SESSION_BUS_ADDRESS``.
"""

from __future__ import annotations

import os
import signal
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import keyring
import pytest
from jeepney import MatchRule, message_bus
from jeepney.io.blocking import open_dbus_connection
from keyring.backend import KeyringBackend

from tests.support.real import need_binary

SECRETS_NAME = "org.freedesktop.secrets"
KEYRING_PASSWORD = "tagtui-test-keyring-password"


@dataclass
class SecretServiceSession:
    address: str
    process: subprocess.Popen[bytes]
    keyring_pid: int

    def stop(self) -> None:
        # dbus-run-session leads its own process group: the bus and the daemon end together.
        try:
            os.killpg(self.process.pid, signal.SIGCONT)
            os.killpg(self.process.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
        for stream in (self.process.stdout, self.process.stderr):
            if stream is not None:
                stream.close()


def start_secret_service(workdir: Path, *, timeout: float = 15.0) -> SecretServiceSession:
    """Start ``dbus-run-session -- gnome-keyring-daemon --unlock`` and wait until it serves."""
    need_binary("dbus-run-session")
    need_binary("gnome-keyring-daemon")
    env = dict(os.environ)
    env.pop("DBUS_SESSION_BUS_ADDRESS", None)
    for name, sub in (
        ("HOME", "home"),
        ("XDG_RUNTIME_DIR", "run"),
        ("XDG_DATA_HOME", "data"),
        ("XDG_CONFIG_HOME", "config"),
        ("XDG_CACHE_HOME", "cache"),
    ):
        path = workdir / sub
        path.mkdir(mode=0o700, parents=True, exist_ok=True)
        env[name] = str(path)
    # The shell prints the bus address, then becomes the daemon (which reads the password on
    # stdin and creates + unlocks a "login" collection with it).
    process = subprocess.Popen(
        [
            "dbus-run-session",
            "--",
            "sh",
            "-c",
            'echo "$DBUS_SESSION_BUS_ADDRESS"; '
            "exec gnome-keyring-daemon --foreground --unlock --components=secrets",
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
        start_new_session=True,
    )
    try:
        assert process.stdout is not None and process.stdin is not None
        address = process.stdout.readline().decode().strip()
        if not address:
            raise RuntimeError("dbus-run-session printed no bus address")
        keyring_pid = _wait_for_secrets(address, process, timeout)
    except BaseException:
        SecretServiceSession("", process, 0).stop()
        raise
    return SecretServiceSession(address, process, keyring_pid)


def _wait_for_secrets(address: str, process: subprocess.Popen[bytes], timeout: float) -> int:
    """Send the password, then wait for the daemon to own org.freedesktop.secrets on the bus."""
    assert process.stdin is not None
    with open_dbus_connection(bus=address) as conn:
        rule = MatchRule(
            type="signal",
            sender="org.freedesktop.DBus",
            interface="org.freedesktop.DBus",
            member="NameOwnerChanged",
            path="/org/freedesktop/DBus",
        )
        rule.add_arg_condition(0, SECRETS_NAME)
        conn.send_and_get_reply(message_bus.AddMatch(rule))
        with conn.filter(rule) as queue:
            # Subscribed before the daemon can register: the signal cannot be missed.
            process.stdin.write(KEYRING_PASSWORD.encode())
            process.stdin.close()
            owned = conn.send_and_get_reply(message_bus.NameHasOwner(SECRETS_NAME)).body[0]
            if not owned:
                conn.recv_until_filtered(queue, timeout=timeout)
        reply = conn.send_and_get_reply(message_bus.GetConnectionUnixProcessID(SECRETS_NAME))
        return int(reply.body[0])


@pytest.fixture
def secret_service(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[SecretServiceSession]:
    """A running, unlocked Secret Service that ``keyring`` in this process uses."""
    from keyring.backends.SecretService import Keyring as SecretServiceKeyring

    session = start_secret_service(tmp_path / "secret-service")
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", session.address)
    previous = keyring.get_keyring()
    keyring.set_keyring(SecretServiceKeyring())
    try:
        yield session
    finally:
        keyring.set_keyring(previous)
        session.stop()


@pytest.fixture
def no_keyring() -> Iterator[KeyringBackend]:
    """keyring's "fail" backend: what a headless server without a Secret Service has."""
    from keyring.backends.fail import Keyring as FailKeyring

    previous = keyring.get_keyring()
    backend = FailKeyring()
    keyring.set_keyring(backend)
    try:
        yield backend
    finally:
        keyring.set_keyring(previous)
