"""Fixtures for the credential tests: a real Secret Service, or none at all."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import keyring
import pytest
from keyring.backend import KeyringBackend

from tests.credentials.helper_program import CredentialHelper, install_helper, path_with
from tests.support.keyring_daemon import no_keyring, secret_service
from tests.support.push import PushClient, build_image, image_config, tar_gz_layer
from tests.support.registry import BasicAuthCredentials, RunningRegistry

#: The repository ``pushed`` holds, with one tag, ``v1``.
PUSHED_REPO = "team/app"

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


@pytest.fixture(autouse=True)
def _isolated_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Nor the developer's docker/podman files: a login or logout that reads os.environ finds
    an empty home and runtime dir of its own."""
    base = tmp_path / "ambient"
    for name, sub in (("HOME", "home"), ("XDG_CONFIG_HOME", "config"), ("XDG_RUNTIME_DIR", "run")):
        (base / sub).mkdir(parents=True)
        monkeypatch.setenv(name, str(base / sub))
    for name in ("DOCKER_CONFIG", "REGISTRY_AUTH_FILE", "TAGTUI_USERNAME", "TAGTUI_PASSWORD"):
        monkeypatch.delenv(name, raising=False)


@dataclass
class IsolatedEnv:
    """An environment with HOME and XDG dirs in tmp, a helper on PATH, no ambient credentials."""

    env: dict[str, str]
    home: Path
    helper: CredentialHelper

    @property
    def docker_config(self) -> Path:
        return self.home / ".docker" / "config.json"

    def write_docker_config(self, document: object) -> Path:
        return _write_json(self.docker_config, document)

    def write_podman(self, document: object, *, where: str = "runtime") -> Path:
        bases = {
            "runtime": Path(self.env["XDG_RUNTIME_DIR"]),
            "config": Path(self.env["XDG_CONFIG_HOME"]),
        }
        return _write_json(bases[where] / "containers" / "auth.json", document)


def _write_json(path: Path, document: object) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(document if isinstance(document, str) else json.dumps(document))
    return path


@pytest.fixture
def isolated(tmp_path: Path) -> IsolatedEnv:
    home = tmp_path / "home"
    for sub in ("home", "run", "config"):
        (tmp_path / sub).mkdir()
    helper = install_helper(tmp_path / "bin")
    env = {
        "HOME": str(home),
        "PATH": path_with(helper.directory),
        "XDG_RUNTIME_DIR": str(tmp_path / "run"),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
    }
    return IsolatedEnv(env, home, helper)


@pytest.fixture
def pushed(
    registry_basic_auth: RunningRegistry, basic_auth_credentials: BasicAuthCredentials
) -> RunningRegistry:
    """The auth registry with one tag in ``team/app``, so listing its tags can succeed."""
    layer = tar_gz_layer({"hello.txt": b"hello\n"})
    image = build_image(image_config(layers=[layer]), [layer])
    with PushClient(registry_basic_auth.url, auth=basic_auth_credentials.pair) as client:
        client.push(PUSHED_REPO, image, ["v1"])
    return registry_basic_auth


@pytest.fixture
def test_helper(isolated: IsolatedEnv) -> CredentialHelper:
    """``docker-credential-test`` on a directory of its own (see ``env_with_helper``)."""
    return install_helper(isolated.helper.directory.parent / "bin-test", name="test")
