"""ASCII mode is chosen from the locale, as ncurses does (issue 12 §2: LANG=C got Unicode)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tagtui.terminal import ascii_only

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


@pytest.mark.parametrize(
    ("environ", "ascii"),
    [
        ({}, False),  # nothing set: today's terminals speak UTF-8
        ({"LANG": "C"}, True),
        ({"LANG": "POSIX"}, True),
        ({"LANG": "C.UTF-8"}, False),
        ({"LANG": "en_US.UTF-8"}, False),
        ({"LANG": "de_DE.utf8@euro"}, False),
        ({"LANG": "en_US"}, False),
        ({"LANG": "en_US.ISO-8859-1"}, True),
        ({"LANG": "ANSI_X3.4-1968"}, True),
        ({"LANG": "en_US.UTF-8", "LC_ALL": "C"}, True),  # LC_ALL wins
        ({"LANG": "C", "LC_CTYPE": "en_US.UTF-8"}, False),  # then LC_CTYPE
        # What Python writes into LC_CTYPE when it starts in the C locale (PEP 538) says
        # nothing about the terminal.
        ({"LANG": "C", "LC_CTYPE": "C.UTF-8"}, True),
        ({"LC_CTYPE": "C.UTF-8"}, False),
        ({"LANG": "C", "TAGTUI_ASCII": "0"}, False),
        ({"LANG": "en_US.UTF-8", "TAGTUI_ASCII": "1"}, True),
    ],
)
def test_the_locale_decides(environ: dict[str, str], ascii: bool) -> None:
    assert ascii_only(environ) is ascii


APP_MODE = """
from tagtui.terminal import ascii_only
from tagtui.ui import glyphs
from tagtui.providers.oci.provider import OciProvider
from tagtui.ui.app import TagtuiApp

app = TagtuiApp(OciProvider("127.0.0.1:9"))  # built, never run: nothing is asked of it
print(ascii_only(), app.has_class("-ascii"), glyphs.COLLAPSED == ">")
"""


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("C", "True True True"),
        ("C.UTF-8", "False False False"),
        ("en_US.UTF-8", "False False False"),
    ],
)
def test_a_process_started_under_lang_c_draws_ascii(lang: str, expected: str) -> None:
    # A clean environment, as a user's shell would give: no TAGTUI_ASCII, no LC_* of the
    # machine running the tests; Python's own locale coercion happens as for the real command.
    env = {"PATH": os.environ.get("PATH", ""), "HOME": os.environ.get("HOME", "/"), "LANG": lang}
    env["PYTHONPATH"] = ROOT
    result = subprocess.run(
        [sys.executable, "-c", APP_MODE], capture_output=True, text=True, env=env, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split("\n")[-2] == expected
