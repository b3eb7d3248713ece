"""The `?` screen: every key, grouped by pane."""

from __future__ import annotations

from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Footer, Static

from tagtui.ui import glyphs
from tagtui.ui.screens.scrolling import scroll_container


def keys() -> tuple[tuple[str, tuple[tuple[str, str], ...]], ...]:
    """Every key, grouped; built when shown, with the symbols of the terminal in use."""
    return (
        (
            "Everywhere",
            (
                ("Tab / Shift+Tab", "next / previous pane"),
                ("Ctrl+P", "command palette: go to repository or tag, every action"),
                ("o", "switch registry: another, or back to one opened before"),
                ("z", "zoom: the focused pane fills the screen (z or Esc restores)"),
                ("?", "this help"),
                ("q", "quit"),
            ),
        ),
        (
            "Lists",
            (
                ("↑ ↓  j k", "move"),
                ("PgUp PgDn  g G", "page, first, last"),
                ("Enter  →", "open: a repository's tags, a tag's platforms"),
                ("←  Esc", "back (Esc first clears a filter)"),
                ("/", "filter the pane: type, Enter keeps it, Esc clears"),
                ("r", "refresh"),
                ("c", "copy the pull reference (as skopeo/docker take it)"),
                ("mouse", "click highlights, double-click opens, wheel scrolls"),
                ("12  4.6 MiB", "a repository: its tags; its blobs, each once (once counted)"),
            ),
        ),
        (
            "Tags",
            (
                ("s", "sort: name ↔ newest first"),
                ("d", "delete the tag, or the marked tags (asks first)"),
                ("p", "clean up: retention rules; their result shows as marks"),
                ("Space", "mark / unmark the tag, move down"),
                ("*  u", "mark every tag shown; clear marks"),
                ("H", f"show / hide referrer tags (sha256-{glyphs.ELLIPSIS}.sig .att .sbom)"),
                (glyphs.MARKED, "a marked tag (the title counts them)"),
                (f"{glyphs.SHARED}abc123{glyphs.TIMES}3", "three tags share this digest"),
                (
                    f"{glyphs.SHARED}abc123{glyphs.TIMES}3+",
                    "three or more: some tags' digests are not known yet",
                ),
                (
                    f"{glyphs.COLLAPSED} {glyphs.EXPANDED}",
                    "opens: its platforms, signatures, SBOMs, attestations",
                ),
                (f"{glyphs.PLATFORMS}2", "two platforms"),
                ("sig  sbom", "signed; an SBOM refers to it (opening the row lists them)"),
                ("att  ref", "attestations, other artifacts refer to it"),
                (
                    "12.3 MiB",
                    "size: a tag's layers; a platform's pull (manifest + config + layers)",
                ),
                ("own 1.2 MiB", "bytes only this tag holds (counted once every tag is dated: s)"),
                (f"{glyphs.REVISIONS}2", "two older images in the tag's history (OpenShift)"),
                (glyphs.ELLIPSIS, "still being looked up"),
            ),
        ),
        (
            "Detail",
            (
                ("j k  g G", "scroll, top, bottom"),
                ("+", "show more of a long section or value"),
            ),
        ),
        (
            "Delete dialog",
            (
                ("y", "delete as shown"),
                ("n  Esc", "cancel"),
                ("a", "delete the digest with all its tags instead (when offered)"),
                ("r", "delete the image's signatures, SBOMs and attestations too (when offered)"),
            ),
        ),
        (
            "Compare",
            (
                ("=", "the marked tag with this one"),
                ("=  (two marked)", "the two marked tags"),
                ("=  (none marked)", "from this tag: = on another"),
                ("=  (a platform)", "that platform (two platforms: each its own)"),
                ("Enter  Space", "in the view: list what both have"),
                ("p", "in the view: another platform"),
                ("+ - ~", "only in B, only in A, changed"),
            ),
        ),
    )


class HelpScreen(ModalScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,question_mark,q", "close", "Close", key_display="Esc"),
        Binding("j", "scroll('down')", "Scroll", key_display="j/k", show=True),
        Binding("k", "scroll('up')", "Scroll up", show=False),
        # Priority: the scroll container's own Home/End animate, and an animated jump started
        # while the table is still being measured stops short of the last line.
        Binding("g,home", "scroll('home')", "Top", show=False, priority=True),
        # "Bottom", not "End": the footer shows "G/End Bottom", never the puzzling "G/End End".
        Binding("G,end", "scroll('end')", "Bottom", key_display="G/End", priority=True),
    ]

    def compose(self) -> ComposeResult:
        with Vertical(id="help-dialog", classes="dialog"):
            yield Static(Content("Keys"), classes="dialog-title", markup=False)
            # Focused, so arrows and PageUp/PageDown scroll it too: at 80x24 it is taller
            # than the screen.
            with VerticalScroll(id="help-body"):
                yield Static(self._table(), markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#help-body", VerticalScroll).focus()

    def action_scroll(self, where: str) -> None:
        scroll_container(self, "#help-body", where)

    @staticmethod
    def _table() -> Table:
        table = Table(box=None, show_header=False, pad_edge=False, padding=(0, 2, 0, 0))
        table.add_column(no_wrap=True, style="bold")
        table.add_column()
        for group, entries in keys():
            table.add_row(Text(group, style="bold underline"), Text(""))
            for key, text in entries:
                table.add_row(Text(key), Text(text))
            table.add_row(Text(""), Text(""))
        return table

    def action_close(self) -> None:
        self.dismiss(None)
