"""Shared fixtures. Area-specific fixtures live in tests/support/ and each area's conftest."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

# Stable rendering for snapshots and pilot tests.
os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")
# Unicode whatever the locale the tests run in (LANG=C on a build machine would switch the app to
# ASCII mode); ASCII mode is tested with the ``ascii_terminal`` fixture (tests/ui/conftest.py).
os.environ["TAGTUI_ASCII"] = "0"

# No test may write the developer's real cache (~/.cache/tagtui): every test, and every tagtui
# process it starts, gets an empty cache directory of its own (see _private_cache below); this
# covers code that runs before any fixture (collection, session fixtures) too.
_CACHE_BASE = Path(tempfile.mkdtemp(prefix="tagtui-test-cache-"))
atexit.register(shutil.rmtree, _CACHE_BASE, ignore_errors=True)
os.environ["XDG_CACHE_HOME"] = str(_CACHE_BASE / "session")
os.environ.pop("TAGTUI_NO_CACHE", None)


@pytest.fixture(autouse=True)
def _private_cache(monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A fresh ``XDG_CACHE_HOME`` for each test."""
    cache_home = Path(tempfile.mkdtemp(dir=_CACHE_BASE))
    monkeypatch.setenv("XDG_CACHE_HOME", str(cache_home))
    yield cache_home


pytest_plugins = ["tests.support.registry", "tests.support.hostile"]
