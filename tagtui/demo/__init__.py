"""The embedded demo store: OCI layouts generated from code into a fresh directory.

Generated (not shipped as files) so it is deterministic, needs no network, and can be deleted
from freely: each ``prepare_demo_store()`` writes a new copy.
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from pathlib import Path

from tagtui.demo.content import WRITERS

DISPLAY_NAME = "demo"
PREFIX = "tagtui-demo-"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _remove_orphans(tmp: Path) -> None:
    """Remove copies left by demos that were killed (a closed terminal skips atexit)."""
    for path in tmp.glob(f"{PREFIX}*-*"):
        pid = path.name.removeprefix(PREFIX).split("-", 1)[0]
        if pid.isdecimal() and not _alive(int(pid)) and path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)


def prepare_demo_store(target: Path | None = None) -> Path:
    """Write the demo store into ``target`` (or a new temporary directory) and return its path.

    A temporary directory is removed when the process exits. Writing into an existing store
    restores it: every tag and blob comes back.
    """
    if target is None:
        _remove_orphans(Path(tempfile.gettempdir()))
        root = Path(tempfile.mkdtemp(prefix=f"{PREFIX}{os.getpid()}-"))
        atexit.register(shutil.rmtree, root, ignore_errors=True)
    else:
        root = Path(target)
        root.mkdir(parents=True, exist_ok=True)
    for write in WRITERS:
        write(root)
    # The header shows this name instead of the temporary path (see LayoutProvider).
    (root / ".tagtui-name").write_text(DISPLAY_NAME + "\n", encoding="utf-8")
    return root
