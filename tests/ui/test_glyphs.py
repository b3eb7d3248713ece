"""Every non-ASCII character the UI can draw is one the common terminal fonts carry.

The set: WGL4 (which DejaVu Sans Mono, Menlo and Consolas all cover) for symbols, and the box
drawing and block elements Textual draws borders and scrollbars with. ``⧉`` (U+29C9) and ``␛``
(U+241B) showed as empty boxes in DejaVu Sans Mono, Debian's default monospace font.
"""

from __future__ import annotations

import ast
import html
import re
from pathlib import Path

import pytest

from tagtui.text import sanitize
from tagtui.ui import glyphs
from tagtui.ui.app import TagtuiApp
from tagtui.ui.ascii_mode import ascii_text
from tagtui.ui.screens.delete import DeleteModal
from tagtui.ui.screens.help import HelpScreen
from tests.support.fonts import DEJAVU_SANS_MONO, covered
from tests.support.real import require_real
from tests.ui.conftest import settle
from tests.ui.demo import demo_provider
from tests.ui.helpers import main_screen
from tests.ui.screen import screen_text

ROOT = Path(__file__).resolve().parents[2]
ASCII_TABLE = ROOT / "tagtui/ui/ascii_mode.py"

# WGL4's punctuation and symbols (its letters are not UI symbols), by code point.
WGL4_SYMBOLS = {
    *range(0x00A0, 0x0100),  # Latin-1: ·, ×, «, », ...
    *(0x2013, 0x2014, 0x2015, 0x2017, 0x2018, 0x2019, 0x201A, 0x201B, 0x201C, 0x201D, 0x201E),
    *(0x2020, 0x2021, 0x2022, 0x2026, 0x2030, 0x2032, 0x2033, 0x2039, 0x203A, 0x203C, 0x203E),
    *(0x2044, 0x207F, 0x20A3, 0x20A4, 0x20A7, 0x20AC, 0x2105, 0x2113, 0x2116, 0x2122, 0x2126),
    *(0x212E, *range(0x215B, 0x215F), *range(0x2190, 0x2196), 0x21A8, 0x2202, 0x2206, 0x220F),
    *(0x2211, 0x2212, 0x2215, 0x2219, 0x221A, 0x221E, 0x221F, 0x2229, 0x222B, 0x2248, 0x2260),
    *(0x2261, 0x2264, 0x2265, 0x2302, 0x2310, 0x2320, 0x2321, 0x25A0, 0x25A1, 0x25AA, 0x25AB),
    *(0x25AC, 0x25B2, 0x25BA, 0x25BC, 0x25C4, 0x25CA, 0x25CB, 0x25CF, 0x25D8, 0x25D9, 0x25E6),
    *(0x263A, 0x263B, 0x263C, 0x2640, 0x2642, 0x2660, 0x2663, 0x2665, 0x2666, 0x266A, 0x266B),
}
BOX_AND_BLOCKS = set(range(0x2500, 0x25A0))
# U+FFFD stands for what a registry sent that is not text (a lone surrogate).
SAFE = WGL4_SYMBOLS | BOX_AND_BLOCKS | {0xFFFD}


def _docstrings(tree: ast.AST) -> set[int]:
    """ids of the string nodes that are docstrings (never drawn)."""
    found: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                found.add(id(body[0].value))
    return found


def characters_in_source() -> dict[str, str]:
    """Non-ASCII characters of every string literal in tagtui/ (not docstrings or comments)."""
    found: dict[str, str] = {}
    for path in sorted((ROOT / "tagtui").rglob("*.py")):
        if path == ASCII_TABLE:
            continue  # what ASCII mode replaces: never drawn
        tree = ast.parse(path.read_text(encoding="utf-8"))
        skip = _docstrings(tree)
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                if id(node) in skip:
                    continue
                for char in node.value:
                    # What sanitize replaces (bidi controls in its own pattern) is never drawn.
                    if ord(char) > 0x7F and sanitize(char) == char:
                        found.setdefault(char, f"{path.relative_to(ROOT)}:{node.lineno}")
    for path in sorted((ROOT / "styles").glob("*.tcss")):
        for char in path.read_text(encoding="utf-8"):
            if ord(char) > 0x7F:
                found.setdefault(char, str(path.relative_to(ROOT)))
    return found


def characters_in_snapshots() -> dict[str, str]:
    """What the screens really show, Textual's borders and scrollbars included."""
    found: dict[str, str] = {}
    for path in sorted((ROOT / "tests/ui/__snapshots__").rglob("*.svg")):
        svg = path.read_text(encoding="utf-8")
        for text in re.findall(r"<text[^>]*>(.*?)</text>", svg, re.S):
            for char in html.unescape(re.sub(r"<[^>]+>", "", text)):
                if ord(char) > 0x7F and char != "\xa0":
                    found.setdefault(char, path.name)
    return found


def _describe(chars: dict[str, str]) -> list[str]:
    return [f"{char!r} U+{ord(char):04X} in {where}" for char, where in sorted(chars.items())]


def test_the_scan_sees_the_symbols_it_checks() -> None:
    # Guards the scan itself: these are drawn today, so it must find them.
    source, shown = characters_in_source(), characters_in_snapshots()
    assert {"…", "▪", "►", "≡"} <= source.keys()
    assert {"─", "│", "╭"} <= shown.keys()


@pytest.mark.parametrize("where", ["source", "snapshots"])
def test_every_drawn_character_is_in_the_safe_set(where: str) -> None:
    chars = characters_in_source() if where == "source" else characters_in_snapshots()
    unsafe = {c: w for c, w in chars.items() if ord(c) not in SAFE}
    assert not unsafe, _describe(unsafe)


def test_dejavu_sans_mono_has_every_drawn_character() -> None:
    if not DEJAVU_SANS_MONO.exists():
        message = f"{DEJAVU_SANS_MONO} missing (apt-get install fonts-dejavu-core)"
        if require_real():
            pytest.fail(f"TAGTUI_REQUIRE_REAL=1: {message}")
        pytest.skip(message)
    font = covered(DEJAVU_SANS_MONO)
    assert 0x29C9 not in font and ord("a") in font  # ⧉ is missing: the reader reads right
    chars = characters_in_source() | characters_in_snapshots()
    missing = {c: w for c, w in chars.items() if ord(c) not in font}
    assert not missing, _describe(missing)


# --- ASCII mode (LANG=C): issue 12 §2 ---------------------------------------------------------


def test_every_symbol_has_an_ascii_alternate_of_its_width() -> None:
    assert glyphs.ASCII.keys() == glyphs.UNICODE.keys()
    for name, ascii in glyphs.ASCII.items():
        assert ascii.isascii(), name
        # In sentences only, where widths do not matter ("dev -> prod", "A x <-> B y").
        if name not in ("ELLIPSIS", "DASH", "ARROW", "VERSUS"):
            assert len(ascii) == len(glyphs.UNICODE[name]), name


def test_what_has_no_look_alike_keeps_its_width() -> None:
    assert ascii_text("╭─ Tags · x ─╮") == "+- Tags . x -+"
    assert ascii_text("Жук 日本 e\u0301") == "??? ???? e"  # wide: two cells; combining: none
    assert ascii_text("plain") == "plain"


def _non_ascii(app: TagtuiApp) -> dict[str, str]:
    found: dict[str, str] = {}
    for line in screen_text(app).splitlines():
        for char in line:
            if not char.isascii():
                found.setdefault(char, line)
    return found


async def test_in_ascii_mode_every_screen_draws_ascii_only(
    ascii_terminal: None, tmp_path: Path
) -> None:
    app = TagtuiApp(demo_provider(tmp_path), repository="acme/api", tag="staging")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = main_screen(app)
        shown = {"main": _non_ascii(app)}
        assert "=e3e2acb7x4" in screen_text(app)  # the tag tree's own ASCII symbols
        screen.focus_now(screen.detail)
        await pilot.press("G")  # the detail's last sections too
        await settle(pilot)
        shown["detail"] = _non_ascii(app)
        screen.focus_now(screen.tag_tree)
        await pilot.press("d")
        await settle(pilot)
        assert isinstance(app.screen, DeleteModal)
        shown["delete dialog"] = _non_ascii(app)
        await pilot.press("escape", "question_mark")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        shown["help"] = _non_ascii(app)
        await pilot.press("G")
        await settle(pilot)
        shown["help, end"] = _non_ascii(app)
    assert shown == {what: {} for what in shown}


async def test_without_ascii_mode_the_same_screens_draw_unicode(tmp_path: Path) -> None:
    # Guards the test above: the scan sees what Unicode mode draws.
    app = TagtuiApp(demo_provider(tmp_path), repository="acme/api", tag="staging")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert {"╭", "·", "≡", "×"} <= _non_ascii(app).keys()
