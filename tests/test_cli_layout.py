"""``tagtui ls`` / ``inspect`` on local OCI layouts (the demo store), as real processes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tagtui.demo import prepare_demo_store
from tests.support.cli import tagtui


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return prepare_demo_store(tmp_path_factory.mktemp("demo") / "store")


def test_ls_store_lists_repositories(store: Path, tmp_path: Path) -> None:
    result = tagtui("ls", str(store), home=tmp_path)
    assert result.returncode == 0, result.stderr
    repositories = result.stdout.splitlines()
    assert {"library/nginx", "acme/api", "big/tags"} <= set(repositories)


def test_ls_single_layout_lists_its_tags_with_digests(store: Path, tmp_path: Path) -> None:
    result = tagtui("ls", str(store / "acme" / "api"), home=tmp_path)
    assert result.returncode == 0, result.stderr
    rows = dict(line.split("\t") for line in result.stdout.splitlines())
    assert rows["latest"].startswith("sha256:")
    assert rows["latest"] == rows["staging"]


@pytest.mark.parametrize("spelling", ["{store}/acme/api::latest", "{store}::acme/api:latest"])
def test_inspect_layout_tag(store: Path, tmp_path: Path, spelling: str) -> None:
    result = tagtui("inspect", "--json", spelling.format(store=store), home=tmp_path)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["tag"] == "latest"
    assert data["image"]["env"]


def test_inspect_names_an_artifacts_type(store: Path, tmp_path: Path) -> None:
    chart = f"{store}::acme/charts:0.2.0"
    data = json.loads(tagtui("inspect", "--json", chart, home=tmp_path).stdout)
    assert data["image"]["artifactType"] == "application/vnd.cncf.helm.config.v1+json"
    text = tagtui("inspect", chart, home=tmp_path)
    assert text.returncode == 0, text.stderr
    assert "Artifact type   application/vnd.cncf.helm.config.v1+json" in text.stdout
    image = json.loads(
        tagtui("inspect", "--json", f"{store}::acme/api:latest", home=tmp_path).stdout
    )
    assert image["image"]["artifactType"] is None


def test_missing_path_is_a_usage_error(tmp_path: Path) -> None:
    result = tagtui("ls", str(tmp_path / "nowhere"), home=tmp_path)
    assert result.returncode == 2
    assert "no such file" in result.stderr


def test_named_registry_from_config(store: Path, tmp_path: Path) -> None:
    config = tmp_path / ".config" / "tagtui"
    config.mkdir(parents=True)
    (config / "config.toml").write_text(
        f'[registries.demo]\nprovider = "layout"\ntarget = "{store}"\n'
    )
    listed = tagtui("ls", "demo", home=tmp_path)
    assert listed.returncode == 0, listed.stderr
    assert "acme/api" in listed.stdout.splitlines()
    tags = tagtui("ls", "demo/acme/api", home=tmp_path)
    assert tags.returncode == 0, tags.stderr
    assert "latest" in [line.split("\t")[0] for line in tags.stdout.splitlines()]
    inspected = tagtui("inspect", "--json", "demo/acme/api:latest", home=tmp_path)
    assert inspected.returncode == 0, inspected.stderr
    assert json.loads(inspected.stdout)["tag"] == "latest"


def test_secret_in_config_is_refused_without_echo(tmp_path: Path) -> None:
    config = tmp_path / ".config" / "tagtui"
    config.mkdir(parents=True)
    (config / "config.toml").write_text(
        '[registries.work]\ntarget = "127.0.0.1:1"\npassword = "hunter2-secret"\n'
    )
    result = tagtui("ls", "work", home=tmp_path)
    assert result.returncode == 1
    assert "looks like a secret" in result.stderr
    assert "hunter2-secret" not in result.stderr


def test_ls_long_on_a_layout_describes_every_tag(store: Path, tmp_path: Path) -> None:
    # The layout provider goes through Provider.describe_tags (the default, describe_tag each).
    result = tagtui("ls", "-l", "--json", str(store / "acme" / "api"), home=tmp_path)
    assert result.returncode == 0, result.stderr
    tags = {tag["name"]: tag for tag in json.loads(result.stdout)["tags"]}
    assert tags["latest"]["digest"] == tags["staging"]["digest"]
    assert tags["latest"]["digest"].startswith("sha256:")
    assert all(tag["created"] and tag["size"] for tag in tags.values() if tag["platforms"] is None)
    text = tagtui("ls", "-l", str(store / "acme" / "api"), home=tmp_path)
    assert text.returncode == 0, text.stderr
    assert len(text.stdout.splitlines()) == len(tags)
