"""The symbols tagtui draws, each a glyph the common terminal fonts carry, with an ASCII
alternate for terminals whose locale cannot show Unicode (``tagtui.terminal.ascii_only``).

DejaVu Sans Mono (Debian's default monospace), Menlo and Consolas all cover WGL4, plus the box
drawing and block elements Textual draws borders and scrollbars with. ``⧉`` and ``␛`` are in
none of them: they showed as empty boxes. ``tests/ui/test_glyphs.py`` holds every non-ASCII
character the UI can draw against that set, so a new symbol cannot slip in.

Read them as ``glyphs.NAME`` when drawing (not imported by value): ``use_ascii`` swaps them.
"""

from __future__ import annotations

COLLAPSED = "►"  # a row that opens (a multi-platform tag)
EXPANDED = "▼"
PLATFORMS = "▪"  # "▪2": two platforms
REVISIONS = "«"  # "«2": two older images in an OpenShift tag's history
SHARED = "≡"  # "≡abc123×3": three tags share this digest
MARKED = "●"  # a marked tag, in the tag tree's leading column
WARNING = "▲"
CONNECTING = "○"
CONNECTED = "●"
OFFLINE = "×"
TIMES = "×"  # "×3": three tags
SEPARATOR = "│"  # between the header's facts
ELLIPSIS = "…"  # in sentences: "Loading tags…"
CUT = "…"  # one cell where a name or value is cut ("demo-re…-job")
DOT = "·"  # between the parts of a title
DASH = "—"
ARROW = "→"  # a value changed: "dev → prod"
VERSUS = "↔"  # the two sides of a comparison
BRANCH = "├─"  # a platform under its index, and the last one
LAST_BRANCH = "└─"

UNICODE = {
    name: value
    for name, value in dict(globals()).items()
    if name.isupper() and isinstance(value, str)
}
# The symbols keep their width, so rows keep their columns in both modes; only sentences take
# the longer ASCII "...", "--", "->" and "<->".
ASCII = {
    "COLLAPSED": ">",
    "EXPANDED": "v",
    "PLATFORMS": "#",
    "REVISIONS": "<",
    "SHARED": "=",
    "MARKED": "*",
    "WARNING": "!",
    "CONNECTING": "o",
    "CONNECTED": "*",
    "OFFLINE": "x",
    "TIMES": "x",
    "SEPARATOR": "|",
    "ELLIPSIS": "...",
    "CUT": "~",
    "DOT": "-",
    "DASH": "--",
    "ARROW": "->",
    "VERSUS": "<->",
    "BRANCH": "|-",
    "LAST_BRANCH": "`-",
}


def use_ascii(on: bool) -> None:
    """Draw the ASCII alternates (``on``) or the Unicode symbols from now on."""
    globals().update(ASCII if on else UNICODE)
