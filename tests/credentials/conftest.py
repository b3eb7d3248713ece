"""Fixtures for the credential tests: a real Secret Service, or none at all."""

from __future__ import annotations

from collections.abc import Iterator

import keyring
import pytest
from keyring.backend import KeyringBackend

from tests.support.keyring_daemon import no_keyring, secret_service

__all__ = ["no_keyring", "secret_service"]


@pytest.fixture(autouse=True)
def _isolated_keyring() -> Iterator[KeyringBackend]:
    """No test here may reach the developer's own keyring: start from the "fail" backend."""
    from keyring.backends.fail import Keyring as FailKeyring

    previous = keyring.get_keyring()
    backend = FailKeyring()
    keyring.set_keyring(backend)
    try:
        yield backend
    finally:
        keyring.set_keyring(previous)
