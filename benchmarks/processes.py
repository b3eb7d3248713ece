"""Running tagtui (and its peers) as whole processes for the benchmarks, the same way each time."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path


def tagtui_command() -> list[str]:
    script = Path(sys.executable).with_name("tagtui")
    return [str(script)] if script.exists() else [sys.executable, "-m", "tagtui"]


def timed_run(
    argv: Sequence[str], env: dict[str, str] | None = None
) -> tuple[float, subprocess.CompletedProcess[str]]:
    """Wall time and outcome of one process, whatever its exit status (stdin: /dev/null)."""
    start = time.perf_counter()
    done = subprocess.run(
        argv, stdin=subprocess.DEVNULL, capture_output=True, text=True, env=env, check=False
    )
    return time.perf_counter() - start, done


def timed_process(argv: Sequence[str], env: dict[str, str] | None = None) -> tuple[float, str]:
    elapsed, done = timed_run(argv, env)
    if done.returncode != 0:
        raise SystemExit(f"{argv[0]} failed ({done.returncode}): {done.stderr.strip()[:300]}")
    return elapsed, done.stdout


def isolated_env(home: Path, cache: Path | None = None) -> dict[str, str]:
    """No ambient credentials: an empty HOME and config dirs, no keyring session bus.

    Python may cache bytecode (in the temporary directory, not the checkout), as it does for an
    installed tagtui (pip compiles it at install time) even where PYTHONDONTWRITEBYTECODE is set
    for development; bench_oci's "no bytecode cache" row shows what compiling every run costs.
    ``cache``: where tagtui's manifest cache goes (default: inside ``home``).
    """
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DBUS_", "TAGTUI_", "DOCKER_"))}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env.update(
        HOME=str(home),
        XDG_CONFIG_HOME=str(home / ".config"),
        XDG_RUNTIME_DIR=str(home / "run"),
        XDG_CACHE_HOME=str(cache or home / ".cache"),
        PYTHONPYCACHEPREFIX=str(home / "pycache"),
    )
    return env


def missing_tools(bench: str, binaries: Sequence[str] = ("docker-registry", "skopeo")) -> bool:
    """Whether one of ``binaries`` is not installed (said on stderr, as ``bench: X ...``)."""
    for binary in binaries:
        if shutil.which(binary) is None:
            print(f"{bench}: {binary} is not installed", file=sys.stderr)
            return True
    return False
