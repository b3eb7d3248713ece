"""``tagtui diff`` on local OCI layouts (the demo store): one store is one registry, whatever
name its layouts carry."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tagtui.cli import main
from tagtui.demo import prepare_demo_store


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return prepare_demo_store(tmp_path_factory.mktemp("demo") / "store")


def test_two_tags_of_a_store(store: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["diff", "--json", f"{store}::acme/api:v1.0.0", ":v1.1.0"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["a"]["reference"].endswith("acme/api:v1.0.0")
    assert data["b"]["reference"].endswith("acme/api:v1.1.0")
    assert data["config"] and not data["identical"]


def test_across_repositories_of_a_store(store: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["diff", f"{store}::acme/api:v1.0.0", f"{store}/../store::library/nginx:latest"])
    out = capsys.readouterr().out
    assert code == 0
    assert out.splitlines()[5].endswith("library/nginx:latest")
    assert "   platform  linux/amd64  (of linux/amd64, linux/arm64/v8)" in out.splitlines()


def test_another_store_of_the_same_name_is_another_registry(
    store: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    copy = shutil.copytree(store, tmp_path / "copy")
    code = main(["diff", f"{store}::acme/api:v1.0.0", f"{copy}::acme/api:v1.1.0"])
    assert code == 2
    assert capsys.readouterr().err.strip() == (
        "tagtui: diff compares two references on one registry (any repositories of it): "
        f"REF_A is on {store.resolve()}, REF_B on {copy.resolve()}"
    )
