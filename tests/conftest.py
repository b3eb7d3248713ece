"""Shared fixtures. Area-specific fixtures live in tests/support/ and each area's conftest."""

from __future__ import annotations

import os

# Stable rendering for snapshots and pilot tests.
os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")

pytest_plugins = ["tests.support.registry", "tests.support.hostile"]
