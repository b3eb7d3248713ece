"""What the terminal would show: the composed screen as plain text, or as the ANSI it writes."""

from __future__ import annotations

import io
import re

from rich.console import Console
from textual.app import App


def _console(app: App[object]) -> Console:
    width, height = app.size
    return Console(
        width=width,
        height=height,
        file=io.StringIO(),
        force_terminal=True,
        color_system="truecolor",
        record=True,
        legacy_windows=False,
        safe_box=False,
    )


def _render(app: App[object]) -> Console:
    console = _console(app)
    update = app.screen._compositor.render_update(full=True, screen_stack=app._background_screens)
    console.print(update)
    return console


def screen_text(app: App[object]) -> str:
    """The screen's characters, one line per terminal row."""
    return _render(app).export_text(styles=False)


def screen_ansi(app: App[object]) -> str:
    """The escape sequences and text the screen is drawn with."""
    return _render(app).export_text(styles=True)


def terminal_output(app: App[object]) -> str:
    """The exact string a real driver would write to repaint the whole screen."""
    update = app.screen._compositor.render_update(full=True, screen_stack=app._background_screens)
    return update.render_segments(app.console)


# Any SGR that sets a foreground or background colour: 30-37, 38;..., 39? no (default), 40-47,
# 48;..., 90-97, 100-107.
COLOUR = re.compile(r"\x1b\[(?:[0-9;]*;)?(?:3[0-8]|4[0-8]|9[0-7]|10[0-7])(?:;[0-9;]*)?m")

# The app's own output: SGR colours and absolute cursor moves, nothing else.
_OWN_SEQUENCES = re.compile(r"\x1b\[[0-9;:]*m|\x1b\[\d+;\d+H")


def assert_terminal_safe(output: str) -> None:
    leftover = _OWN_SEQUENCES.sub("", output)
    for char in ("\x1b", "\x07", "\x9b", "\x9d", "\x90", "\x9c", "\x00", "\x08", "\r"):
        assert char not in leftover, (char, leftover[max(0, leftover.find(char) - 80) :][:200])
