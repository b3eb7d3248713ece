"""Secrets in the OS keyring: one entry per registry host, plus the username that goes with it.

Every function blocks (D-Bus, Keychain...): async callers use ``asyncio.to_thread``. Each keyring
call runs with a deadline, so a locked keyring waiting on a prompt nobody can see gives a message
instead of a hang.

Layout: the secret is stored under service ``tagtui:<host>`` with the real username; the
username alone is stored under ``tagtui:<host>:username`` so ``load`` needs no ``-u`` on backends
that cannot search by service alone (macOS Keychain).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from types import ModuleType
from typing import TYPE_CHECKING, TypeVar

from tagtui.credentials import Credential
from tagtui.errors import CredentialError

if TYPE_CHECKING:
    from keyring.backend import KeyringBackend

log = logging.getLogger(__name__)

T = TypeVar("T")

#: Seconds one keyring call may take before we give up on it (tests shorten it).
TIMEOUT = 10.0

_USERNAME_ACCOUNT = "tagtui"

HEADLESS_HOWTO = (
    "No usable OS keyring (keyring chose {backend}; usual over SSH). Docker/podman logins and "
    "TAGTUI_USERNAME/TAGTUI_PASSWORD still work. To store secrets, start "
    "`dbus-run-session -- bash` and in it run `read -rsp 'keyring password: ' PW; "
    'printf %s "$PW" | gnome-keyring-daemon --unlock --components=secrets; unset PW`, '
    "then tagtui from that shell (Debian/Ubuntu: apt install gnome-keyring dbus-daemon)."
)

# Backends that exist only to say "there is no keyring".
_UNUSABLE_BACKENDS = ("keyring.backends.fail.Keyring", "keyring.backends.null.Keyring")


def _keyring() -> ModuleType:
    """The keyring package, imported on first use: it costs tens of milliseconds to import,
    which a command that never needs a secret (``tagtui ls`` on an open registry) should not pay.
    """
    import keyring
    import keyring.errors

    return keyring


def service_name(host: str) -> str:
    return f"tagtui:{host}"


def _username_service(host: str) -> str:
    return f"tagtui:{host}:username"


def _backend_name(backend: KeyringBackend) -> str:
    cls = type(backend)
    return f"{cls.__module__}.{cls.__qualname__}"


def _usable_backends(backend: KeyringBackend) -> list[KeyringBackend]:
    # The chainer wraps several backends; it is usable if any of them is.
    inner = getattr(backend, "backends", None)
    candidates = list(inner) if isinstance(inner, list | tuple) else [backend]
    return [b for b in candidates if _backend_name(b) not in _UNUSABLE_BACKENDS]


def keyring_usable() -> tuple[bool, str | None]:
    """``(True, None)``, or ``(False, how to get a keyring)`` when no backend can store secrets."""
    try:
        backend = _keyring().get_keyring()
    except Exception as err:  # a broken keyringrc or backend import raises almost anything
        return False, HEADLESS_HOWTO.format(backend=f"none: {type(err).__name__}")
    if not _usable_backends(backend):
        return False, HEADLESS_HOWTO.format(backend=_backend_name(backend))
    return True, None


def backend_description() -> str:
    """Which keyring is in use, for ``tagtui login``'s confirmation."""
    try:
        return _backend_name(_keyring().get_keyring())
    except Exception as err:
        return f"unknown ({type(err).__name__})"


def _call(action: str, function: Callable[[], T]) -> T:
    """Run one keyring call with a deadline; turn every failure into ``CredentialError``.

    The call runs in a daemon thread: if the keyring never answers, the thread is abandoned
    (it ends when the keyring does) rather than blocking the program.
    """
    outcome: list[T] = []
    failure: list[BaseException] = []
    done = threading.Event()

    def run() -> None:
        try:
            outcome.append(function())
        except BaseException as err:
            failure.append(err)
        finally:
            done.set()

    threading.Thread(target=run, name=f"tagtui-keyring-{action}", daemon=True).start()
    if not done.wait(TIMEOUT):
        raise CredentialError(
            f"the OS keyring did not answer within {TIMEOUT:g} s while trying to {action} "
            "(is it locked and waiting for a password prompt nobody can see?)"
        )
    if failure:
        err = failure[0]
        if isinstance(err, _keyring().errors.NoKeyringError):
            raise CredentialError(HEADLESS_HOWTO.format(backend=backend_description())) from None
        if isinstance(err, _keyring().errors.KeyringLocked):
            raise CredentialError(
                f"the OS keyring is locked, so tagtui could not {action}: unlock it and retry"
            ) from None
        # Keyring errors describe the backend, never the secret; the cause is dropped anyway
        # so no traceback carries anything the backend saw.
        raise CredentialError(
            f"the OS keyring failed to {action}: {type(err).__name__}: {err}"
        ) from None
    return outcome[0]


def load(host: str) -> Credential | None:
    """The stored credential for ``host``; None when nothing is stored or no keyring works."""
    usable, _ = keyring_usable()
    if not usable:
        return None
    try:
        return _call("read credentials", lambda: _load(host))
    except CredentialError as err:
        log.warning("skipping the OS keyring for %s: %s", host, err)
        return None


def _load(host: str) -> Credential | None:
    backend = _keyring().get_keyring()
    service = service_name(host)
    username = backend.get_password(_username_service(host), _USERNAME_ACCOUNT)
    if username is not None:
        secret = backend.get_password(service, username)
        if secret is not None:
            return Credential(username=username, secret=secret, source="keyring")
    # An entry made by other means (`keyring set tagtui:HOST USER`), on backends that search.
    found = backend.get_credential(service, None)
    if found is None or found.password is None:
        return None
    return Credential(username=found.username or None, secret=found.password, source="keyring")


def save(host: str, username: str, secret: str) -> None:
    """Store ``username``/``secret`` for ``host``, replacing what was there.

    Raises ``CredentialError`` (with how to get a keyring) when none is usable, and when the
    keyring is locked, slow or fails.
    """
    usable, howto = keyring_usable()
    if not usable:
        raise CredentialError(howto or "no usable OS keyring")
    _call("store credentials", lambda: _save(host, username, secret))


def _save(host: str, username: str, secret: str) -> None:
    backend = _keyring().get_keyring()
    service = service_name(host)
    previous = backend.get_password(_username_service(host), _USERNAME_ACCOUNT)
    backend.set_password(service, username, secret)
    backend.set_password(_username_service(host), _USERNAME_ACCOUNT, username)
    if previous is not None and previous != username:
        # One login per host: the old user's secret would otherwise linger.
        _delete_quietly(backend, service, previous)


def delete(host: str) -> bool:
    """Remove ``host``'s credentials; True if something was removed.

    Raises ``CredentialError`` when no keyring is usable or it fails.
    """
    usable, howto = keyring_usable()
    if not usable:
        raise CredentialError(howto or "no usable OS keyring")
    return _call("remove credentials", lambda: _delete(host))


def _delete(host: str) -> bool:
    backend = _keyring().get_keyring()
    service = service_name(host)
    removed = False
    username = backend.get_password(_username_service(host), _USERNAME_ACCOUNT)
    if username is not None:
        removed |= _delete_quietly(backend, service, username)
        removed |= _delete_quietly(backend, _username_service(host), _USERNAME_ACCOUNT)
    # Entries stored without the username record (by hand, or by an older tagtui).
    while (found := backend.get_credential(service, None)) is not None and found.username:
        if not _delete_quietly(backend, service, found.username):
            break
        removed = True
    return removed


def _delete_quietly(backend: KeyringBackend, service: str, username: str) -> bool:
    try:
        backend.delete_password(service, username)
    except _keyring().errors.PasswordDeleteError:
        return False
    return True
