"""Running the real ``tagtui`` command in a clean environment."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def tagtui(
    *args: str, home: Path | None = None, extra_env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    # Vendor variables of the machine running the tests must not leak in either.
    vendor = ("TAGTUI_", "SCW_", "NCLOUD_", "TUTUM_", "KUBECONFIG")
    env = {k: v for k, v in os.environ.items() if not k.startswith(vendor)}
    if home is not None:
        # No docker/podman/keyring credentials leak in from the machine running the tests.
        env.update(
            HOME=str(home),
            XDG_CONFIG_HOME=str(home / ".config"),
            XDG_RUNTIME_DIR=str(home / "run"),
            DOCKER_CONFIG=str(home / ".docker"),
        )
    env.pop("REGISTRY_AUTH_FILE", None)
    env.update(extra_env or {})
    return subprocess.run(
        [sys.executable, "-m", "tagtui", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
