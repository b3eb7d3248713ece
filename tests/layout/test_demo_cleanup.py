"""Demo copies of killed processes do not pile up in the temporary directory."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from tagtui.demo import PREFIX, prepare_demo_store


def test_orphaned_demo_copies_are_removed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    orphan = tmp_path / f"{PREFIX}{dead.stdout.strip()}-abc"
    (orphan / "x").mkdir(parents=True)
    alive = tmp_path / f"{PREFIX}{os.getppid()}-def"
    alive.mkdir()
    unrelated = tmp_path / f"{PREFIX}notapid"
    unrelated.mkdir()

    root = prepare_demo_store()

    assert not orphan.exists()
    assert alive.exists() and unrelated.exists()
    assert root.name.startswith(f"{PREFIX}{os.getpid()}-")
    assert (root / ".tagtui-name").read_text().strip() == "demo"
