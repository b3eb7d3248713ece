"""Running the real ``tagtui`` command in a clean environment."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.support.strict_json import strict_json


def tagtui(
    *args: str,
    home: Path | None = None,
    extra_env: dict[str, str] | None = None,
    timeout: float = 120,
) -> subprocess.CompletedProcess[str]:
    """Run ``tagtui ARGS``; a successful ``--json`` run must pass the strict JSON check.

    ``timeout`` is a safety limit (TimeoutExpired fails the test), not a synchronisation.
    """
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
    result = subprocess.run(
        [sys.executable, "-m", "tagtui", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=timeout,
    )
    if "--json" in args and result.returncode == 0:
        strict_json(result.stdout)
    return result
