"""Real components: skip when missing, fail when TAGTUI_REQUIRE_REAL=1 (as CI sets)."""

from __future__ import annotations

import os
import shutil
import socket

import pytest


def require_real() -> bool:
    return os.environ.get("TAGTUI_REQUIRE_REAL") == "1"


def need_binary(name: str) -> str:
    """Path of ``name`` on PATH; skip the test without it, fail under TAGTUI_REQUIRE_REAL=1."""
    path = shutil.which(name)
    if path is None:
        message = f"{name} is not installed (apt-get install the package that ships it)"
        if require_real():
            pytest.fail(f"TAGTUI_REQUIRE_REAL=1: {message}")
        pytest.skip(message)
    return path


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
