from __future__ import annotations

import pytest

from tagtui.errors import NotFound
from tagtui.text import human_size, sanitize, short_digest


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("\x1b[31mred\x1b[0m", "\\x1b[31mred\\x1b[0m"),
        ("\x1b]52;c;ZXZpbA==\x07", "\\x1b]52;c;ZXZpbA==\\x07"),
        ("a\nb\tc\rd", "a b c d"),
        ("\x9b31m", "\\x9b31m"),  # 8-bit CSI
        ("[bold]x[/]", "[bold]x[/]"),  # markup is not our business here: it stays literal text
        ("日本語 🐳", "日本語 🐳"),
        # Characters that reorder or hide text show as their code point, never obeyed.
        ("invoice\u202egnp.exe", "invoice<U+202E>gnp.exe"),
        ("a\u2066b\u2069\u061c", "a<U+2066>b<U+2069><U+061C>"),
        ("zero\u200bwidth\ufeff\u200d", "zero<U+200B>width<U+FEFF><U+200D>"),
        ("line\u2028para\u2029", "line<U+2028>para<U+2029>"),
        ("lone\ud800 \udfff", "lone\ufffd \ufffd"),
    ],
)
def test_sanitize_makes_controls_visible(raw: str, shown: str) -> None:
    assert sanitize(raw) == shown


def test_sanitize_keeps_newlines_when_asked() -> None:
    assert sanitize("a\nb\x1b", one_line=False) == "a\nb\\x1b"


def test_sanitize_cuts_long_text() -> None:
    cut = sanitize("x" * 5000, limit=100)
    assert len(cut) == 100
    assert cut.endswith("…")


def test_errors_never_carry_escape_sequences() -> None:
    err = NotFound("tag \x1b[2J\x1b]0;pwned\x07 not found")
    assert "\x1b" not in str(err)
    assert "\x07" not in str(err)


@pytest.mark.parametrize(
    ("size", "text"),
    [(None, "-"), (0, "0 B"), (1023, "1023 B"), (1536, "1.5 KiB"), (5 * 1024**3, "5.0 GiB")],
)
def test_human_size(size: int | None, text: str) -> None:
    assert human_size(size) == text


def test_short_digest() -> None:
    assert short_digest("sha256:0123456789abcdef") == "0123456789ab"
    assert short_digest(None) == "-"
