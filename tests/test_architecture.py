"""The core (everything outside tagtui/ui) must not import Textual; widgets never see JSON."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "tagtui"


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def _core_files() -> list[Path]:
    return [p for p in PACKAGE.rglob("*.py") if "ui" not in p.relative_to(PACKAGE).parts]


def test_core_has_files_to_check() -> None:
    # Guards the test itself: an empty list would make the next tests pass vacuously.
    names = {p.name for p in _core_files()}
    assert {"model.py", "cli.py", "base.py"} <= names


def test_core_never_imports_textual_or_rich() -> None:
    offenders = {
        str(path.relative_to(PACKAGE)): sorted(
            name for name in _imports(path) if name.split(".")[0] in {"textual", "rich"}
        )
        for path in _core_files()
    }
    assert {k: v for k, v in offenders.items() if v} == {}


def _forbidden_in_ui(name: str) -> bool:
    # The UI talks to the Provider interface only: no HTTP client, no concrete provider.
    if name.split(".")[0] == "httpx":
        return True
    return name.startswith("tagtui.providers.") and name != "tagtui.providers.base"


def test_ui_never_touches_wire_formats() -> None:
    ui_files = list((PACKAGE / "ui").rglob("*.py"))
    offenders = {
        str(path.relative_to(PACKAGE)): sorted(filter(_forbidden_in_ui, _imports(path)))
        for path in ui_files
    }
    assert {k: v for k, v in offenders.items() if v} == {}


def test_ls_and_inspect_do_not_load_textual() -> None:
    # Run in a fresh interpreter: what `tagtui ls` imports, end to end, minus the network.
    code = (
        "import sys, tagtui.cli, tagtui.commands.ls, tagtui.commands.inspect, tagtui.targets\n"
        "import tagtui.commands.diff, tagtui.compare\n"
        "import tagtui.providers.oci.provider\n"
        "print(','.join(sorted(m for m in sys.modules if m.split('.')[0] in ('textual','rich'))))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == ""
