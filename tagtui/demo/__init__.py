"""The embedded demo store: OCI layouts generated from code into a fresh directory.

Generated (not shipped as files) so it is deterministic, needs no network, and can be deleted
from freely: each ``prepare_demo_store()`` writes a new copy.
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
from pathlib import Path

from tagtui.demo.content import WRITERS

DISPLAY_NAME = "demo"


def prepare_demo_store(target: Path | None = None) -> Path:
    """Write the demo store into ``target`` (or a new temporary directory) and return its path.

    A temporary directory is removed when the process exits. Writing into an existing store
    restores it: every tag and blob comes back.
    """
    if target is None:
        root = Path(tempfile.mkdtemp(prefix="tagtui-demo-"))
        atexit.register(shutil.rmtree, root, ignore_errors=True)
    else:
        root = Path(target)
        root.mkdir(parents=True, exist_ok=True)
    for write in WRITERS:
        write(root)
    # The header shows this name instead of the temporary path (see LayoutProvider).
    (root / ".tagtui-name").write_text(DISPLAY_NAME + "\n", encoding="utf-8")
    return root
