"""The keyring store against a real Secret Service (gnome-keyring on a private D-Bus)."""

from __future__ import annotations

import os
import signal

import keyring
import pytest
import secretstorage

from tagtui.credentials import keyring_store
from tagtui.errors import CredentialError
from tests.support.keyring_daemon import SecretServiceSession

HOST = "127.0.0.1:5000"
pytestmark = pytest.mark.real


def test_save_then_load_needs_no_username(secret_service: SecretServiceSession) -> None:
    keyring_store.save(HOST, "alice", "s3cret-pw")

    credential = keyring_store.load(HOST)

    assert credential is not None
    assert credential.username == "alice"
    assert credential.secret == "s3cret-pw"
    assert credential.source == "keyring"
    assert keyring_store.load("other.example:5000") is None


def test_entry_names_the_tool_and_the_host(secret_service: SecretServiceSession) -> None:
    keyring_store.save(HOST, "alice", "s3cret-pw")

    # What another keyring client (seahorse, `keyring get`) sees.
    assert keyring.get_password(f"tagtui:{HOST}", "alice") == "s3cret-pw"


def test_save_replaces_the_previous_user(secret_service: SecretServiceSession) -> None:
    keyring_store.save(HOST, "alice", "first")
    keyring_store.save(HOST, "bob", "second")

    credential = keyring_store.load(HOST)

    assert credential is not None
    assert (credential.username, credential.secret) == ("bob", "second")
    assert keyring.get_password(f"tagtui:{HOST}", "alice") is None


def test_entry_made_by_hand_is_found(secret_service: SecretServiceSession) -> None:
    keyring.set_password(f"tagtui:{HOST}", "carol", "by-hand")

    credential = keyring_store.load(HOST)

    assert credential is not None
    assert (credential.username, credential.secret) == ("carol", "by-hand")


def test_delete(secret_service: SecretServiceSession) -> None:
    keyring_store.save(HOST, "alice", "s3cret-pw")

    assert keyring_store.delete(HOST) is True
    assert keyring_store.load(HOST) is None
    assert keyring_store.delete(HOST) is False


def test_usable_with_secret_service(secret_service: SecretServiceSession) -> None:
    assert keyring_store.keyring_usable() == (True, None)


def test_locked_keyring_gives_a_message(secret_service: SecretServiceSession) -> None:
    keyring_store.save(HOST, "alice", "s3cret-pw")
    connection = secretstorage.dbus_init()
    try:
        secretstorage.get_default_collection(connection).lock()
    finally:
        connection.close()

    # Unlocking needs a prompt, and there is no display: gnome-keyring dismisses it.
    with pytest.raises(CredentialError, match="keyring is locked"):
        keyring_store.save(HOST, "alice", "new")
    assert keyring_store.load(HOST) is None


def test_keyring_that_never_answers_times_out(
    secret_service: SecretServiceSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(keyring_store, "TIMEOUT", 0.5)
    # A stopped daemon: D-Bus queues the calls and nothing ever answers, as with a prompt
    # waiting on a screen nobody looks at.
    os.kill(secret_service.keyring_pid, signal.SIGSTOP)
    try:
        with pytest.raises(CredentialError, match=r"did not answer within 0\.5 s"):
            keyring_store.save(HOST, "alice", "s3cret-pw")
        assert keyring_store.load(HOST) is None
    finally:
        os.kill(secret_service.keyring_pid, signal.SIGCONT)


def test_no_backend_explains_how_to_get_one(no_keyring: object) -> None:
    usable, howto = keyring_store.keyring_usable()

    assert usable is False
    assert howto is not None
    assert "dbus-run-session" in howto
    assert "gnome-keyring-daemon --unlock" in howto
    assert "keyring.backends.fail.Keyring" in howto
    assert keyring_store.load(HOST) is None
    with pytest.raises(CredentialError, match="dbus-run-session"):
        keyring_store.save(HOST, "alice", "s3cret-pw")
    with pytest.raises(CredentialError, match="No usable OS keyring"):
        keyring_store.delete(HOST)


def test_null_backend_is_not_usable() -> None:
    from keyring.backends.null import Keyring as NullKeyring

    previous = keyring.get_keyring()
    keyring.set_keyring(NullKeyring())
    try:
        usable, howto = keyring_store.keyring_usable()
    finally:
        keyring.set_keyring(previous)
    assert usable is False
    assert howto is not None and "null" in howto
