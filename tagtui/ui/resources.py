"""Where the stylesheets are: inside the installed wheel, or the source checkout's styles/."""

from __future__ import annotations

import importlib.resources
from pathlib import Path

STYLESHEETS = ("app.tcss", "modals.tcss", "ascii.tcss")


def styles_dir() -> Path:
    # The wheel force-includes the top-level styles/ as tagtui/styles; an editable install or
    # a checkout has only the top-level directory.
    packaged = importlib.resources.files("tagtui") / "styles"
    if packaged.is_dir():
        return Path(str(packaged))
    return Path(__file__).resolve().parents[2] / "styles"


def stylesheet_paths() -> list[Path]:
    base = styles_dir()
    return [base / name for name in STYLESHEETS]
