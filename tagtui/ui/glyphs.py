"""The symbols tagtui draws, each a glyph the common terminal fonts carry.

DejaVu Sans Mono (Debian's default monospace), Menlo and Consolas all cover WGL4, plus the box
drawing and block elements Textual draws borders and scrollbars with. ``⧉`` and ``␛`` are in
none of them: they showed as empty boxes. ``tests/ui/test_glyphs.py`` holds every non-ASCII
character the UI can draw against that set, so a new symbol cannot slip in.
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
