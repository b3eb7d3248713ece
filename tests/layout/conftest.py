"""Fixtures for the layout provider: the generated demo store and small hand-made layouts."""

from __future__ import annotations

import hashlib
import json
import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tagtui.demo import prepare_demo_store
from tagtui.providers.layout import LayoutProvider


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One generated store, never modified: read-only tests share it, others copy it."""
    return prepare_demo_store(tmp_path_factory.mktemp("demo") / "store")


@pytest.fixture
def demo_copy(demo_template: Path, tmp_path: Path) -> Path:
    """A private copy of the demo store that a test may change."""
    target = tmp_path / "store"
    shutil.copytree(demo_template, target)
    return target


@pytest.fixture
async def demo(demo_template: Path) -> AsyncIterator[LayoutProvider]:
    async with LayoutProvider(demo_template, read_only=True) as provider:
        yield provider  # type: ignore[misc]


def blob_path(layout: Path, digest: str) -> Path:
    algorithm, _, hexpart = digest.partition(":")
    return layout / "blobs" / algorithm / hexpart


def blob_names(layout: Path) -> set[str]:
    return {f"sha256:{p.name}" for p in (layout / "blobs" / "sha256").iterdir()}


def read_index(layout: Path) -> dict:
    return json.loads((layout / "index.json").read_bytes())


def write_index(layout: Path, document: dict) -> None:
    (layout / "index.json").write_text(json.dumps(document))


def manifest_of(layout: Path, digest: str) -> dict:
    body = blob_path(layout, digest).read_bytes()
    assert hashlib.sha256(body).hexdigest() == digest.split(":", 1)[1]
    return json.loads(body)
