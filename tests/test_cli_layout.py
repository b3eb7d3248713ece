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


def test_missing_path_is_a_usage_error(tmp_path: Path) -> None:
    result = tagtui("ls", str(tmp_path / "nowhere"), home=tmp_path)
    assert result.returncode == 2
    assert "no such file" in result.stderr
