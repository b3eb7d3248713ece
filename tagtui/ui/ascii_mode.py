"""ASCII mode, for terminals whose locale cannot show Unicode (``tagtui.terminal``).

Decided once when the app starts. tagtui's own symbols switch to their ASCII alternates
(``glyphs.use_ascii``: ``>`` ``v`` ``*`` ``=`` ``x``, ``...`` in sentences); the app gets the
``-ascii`` class (styles/ascii.tcss: Textual's ``ascii`` borders instead of round, thick and tall
ones); scrollbars draw their thumb in reverse video without block elements; and every widget's
lines pass through ``ascii_text``: what Textual draws itself (key arrows in the footer, the
loading dots, its own ``…``) and what a registry sent (a label in Cyrillic) become ASCII of the
same width, so columns stay where they are. Textual has no public hook on the composed screen,
so that last step wraps the public ``Widget.render_lines``, only in a process that runs in
ASCII mode.
"""

from __future__ import annotations

from typing import Any, ClassVar

from rich.cells import cell_len
from rich.segment import Segment
from textual.app import App
from textual.geometry import Region
from textual.scrollbar import ScrollBar, ScrollBarRender
from textual.strip import Strip
from textual.widget import Widget

from tagtui.terminal import ascii_only
from tagtui.ui import glyphs

ASCII_CLASS = "-ascii"


def _table() -> dict[int, str]:
    table: dict[int, str] = {}

    def put(chars: str, ascii: str) -> None:
        table.update(dict.fromkeys(map(ord, chars), ascii))

    put("─━═┄┅┈┉╌╍╴╶╸╺╼╾", "-")
    put("│┃║┆┇┊┋╎╏╵╷╹╻╽╿", "|")
    put("".join(chr(c) for c in range(0x250C, 0x254C)), "+")  # corners, tees, crosses
    put("".join(chr(c) for c in range(0x2552, 0x2570)), "+")  # double-line corners
    put("╭╮╯╰╱╲╳", "+")
    put("▀▔", "-")
    put("▄▁▂▃", "_")
    put("█▅▆▇▉▊▋▌▍▎▏▐▕▖▗▘▙▚▛▜▝▞▟■▬", "#")
    put("░▒▓", ":")
    put("…⋯", ".")
    put("·•∙◦", ".")
    put("–—―−‐‑", "-")
    put("‘’‚‛′`", "'")
    put("“”„‟″«»", '"')
    put("×✕✗", "x")
    put("►▶▸→⇒›", ">")
    put("◄◀◂←⇐‹", "<")
    put("▲▴↑", "^")
    put("▼▾↓", "v")
    put("↔⇔", "-")
    put("●◉⬤", "*")
    put("○◌◯", "o")
    put("▪▫□", "#")
    put("≡", "=")
    put("≤", "<")
    put("≥", ">")
    put("\xa0\u2002\u2003\u2009\u202f", " ")
    put("✓✔", "v")
    return table


TABLE = _table()


def ascii_text(text: str) -> str:
    """``text`` in ASCII, each character replaced by as many cells as it took (``?`` where no
    look-alike exists; zero-width characters go)."""
    if text.isascii():
        return text
    out = []
    for char in text:
        if char.isascii():
            out.append(char)
        else:
            out.append(TABLE.get(ord(char)) or "?" * cell_len(char))
    return "".join(out)


def ascii_strip(strip: Strip) -> Strip:
    segments = list(strip)
    if all(text.isascii() for text, _, _ in segments):
        return strip
    return Strip(
        [Segment(ascii_text(text), style, control) for text, style, control in segments],
        strip.cell_length,
    )


class AsciiScrollBarRender(ScrollBarRender):
    """Scrollbars without the eighth-block ends: the thumb is whole cells in reverse video,
    which shows without colours too."""

    VERTICAL_BARS: ClassVar[list[str]] = [" "] * len(ScrollBarRender.VERTICAL_BARS)
    HORIZONTAL_BARS: ClassVar[list[str]] = [" "] * len(ScrollBarRender.HORIZONTAL_BARS)


_textual_render_lines = Widget.render_lines


def _render_lines(self: Widget, crop: Region) -> list[Strip]:
    """``Widget.render_lines`` in ASCII mode: as Textual draws the lines, then in ASCII."""
    strips = _textual_render_lines(self, crop)
    if not self.app.has_class(ASCII_CLASS):
        return strips
    return [ascii_strip(strip) for strip in strips]


def setup(app: App[Any]) -> bool:
    """Decide ASCII mode for ``app`` (at its start); True when the terminal needs it."""
    on = ascii_only()
    glyphs.use_ascii(on)
    app.set_class(on, ASCII_CLASS)
    if on:
        # Every widget's lines pass through ascii_text: what Textual draws itself and what a
        # registry sent too. Installed once, for this process (the locale does not change).
        Widget.render_lines = _render_lines  # type: ignore[method-assign]
        ScrollBar.renderer = AsciiScrollBarRender
    return on
