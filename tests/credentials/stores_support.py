"""What the login/logout store tests share: running login, skopeo, reading files."""

from __future__ import annotations

import base64
import io
import stat
import subprocess
from pathlib import Path

from tagtui.commands.login import login
from tagtui.providers.base import ConnectionOptions
from tests.credentials.conftest import IsolatedEnv
from tests.credentials.helper_program import CredentialHelper
from tests.support.real import need_binary

FAIL_KEYRING = {"PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"}


def env_with_helper(isolated: IsolatedEnv, helper: CredentialHelper) -> dict[str, str]:
    return {**isolated.env, "PATH": f"{helper.directory}:{isolated.env['PATH']}"}


def runtime_auth_file(isolated: IsolatedEnv) -> Path:
    return Path(isolated.env["XDG_RUNTIME_DIR"]) / "containers" / "auth.json"


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def files_containing(root: Path, secret: str) -> list[Path]:
    forms = [secret.encode(), base64.b64encode(f"alice:{secret}".encode())]
    return sorted(
        path
        for path in root.rglob("*")
        if path.is_file() and any(form in path.read_bytes() for form in forms)
    )


async def run_login(
    host: str,
    password: str,
    env: dict[str, str],
    *,
    store: str | None = None,
    auth_file: Path | None = None,
) -> tuple[int, str]:
    stderr = io.StringIO()
    code = await login(
        host,
        "alice",
        True,
        ConnectionOptions(),
        store=store,
        auth_file=auth_file,
        env=env,
        stdin=io.StringIO(password + "\n"),
        stderr=stderr,
    )
    return code, stderr.getvalue()


def skopeo(
    *args: str, env: dict[str, str], stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    binary = need_binary("skopeo")
    return subprocess.run(
        [binary, *args], input=stdin, capture_output=True, text=True, env=env, timeout=60
    )
