from __future__ import annotations

from pathlib import Path

import pytest

from tagtui.config import config_path, load_registries
from tagtui.errors import ConfigError
from tagtui.targets import split_path


def test_config_path_follows_xdg() -> None:
    assert config_path({"XDG_CONFIG_HOME": "/x"}) == Path("/x/tagtui/config.toml")
    assert config_path({"HOME": "/home/u"}) == Path("/home/u/.config/tagtui/config.toml")


def test_missing_file_means_no_registries(tmp_path: Path) -> None:
    assert load_registries(tmp_path / "none.toml") == {}


def test_named_registries_are_read(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text(
        '[registries.work]\ntarget = "reg.example:5000"\ninsecure = true\n'
        '[registries.scw]\nprovider = "scaleway"\nregion = "nl-ams"\n'
    )
    entries = load_registries(path)
    assert entries["work"].target == "reg.example:5000"
    assert entries["work"].insecure is True
    assert entries["scw"].provider == "scaleway"
    assert entries["scw"].region == "nl-ams"


@pytest.mark.parametrize("key", ["password", "token", "secret_key", "auth"])
def test_secrets_are_refused_in_config(tmp_path: Path, key: str) -> None:
    path = tmp_path / "config.toml"
    path.write_text(f'[registries.work]\ntarget = "r.example"\n{key} = "hunter2"\n')
    with pytest.raises(ConfigError) as info:
        load_registries(path)
    assert "secret" in str(info.value)
    assert "hunter2" not in str(info.value)


def test_broken_toml_is_a_config_error(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text("[registries.work\n")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_registries(path)


@pytest.mark.parametrize(
    ("text", "repository", "tag", "digest"),
    [
        ("ns/img", "ns/img", None, None),
        ("ns/img:1.0", "ns/img", "1.0", None),
        ("reg/ns/img@sha256:abc", "reg/ns/img", None, "sha256:abc"),
        ("registry.local/user1/image1:latest", "registry.local/user1/image1", "latest", None),
        (None, None, None, None),
    ],
)
def test_split_vendor_paths(
    text: str | None, repository: str | None, tag: str | None, digest: str | None
) -> None:
    location = split_path(text)
    assert (location.repository, location.tag, location.digest) == (repository, tag, digest)
