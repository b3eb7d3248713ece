"""The "Clean up…" dialog: retention rules typed in, their result shown live as marks.

It sits at the bottom of the screen so the tag tree above stays in view: every change of a
rule marks, in the tree, the tags the rules would delete, and the dialog counts them (and the
tags kept for want of a date) with the bytes a garbage collection could then free. Applying
keeps the marks and hands over to the bulk delete's confirmation; Cancel puts the marks back
as they were.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Footer, Input, Label, Static

from tagtui.cleanup.plan import Footprints
from tagtui.cleanup.rules import NO_DATE, Rules, decide
from tagtui.errors import UsageError
from tagtui.model import Tag
from tagtui.text import human_size
from tagtui.ui import glyphs
from tagtui.ui.format import literal
from tagtui.ui.screens.delete import tag_count

FIELDS = (
    ("match", "Match", "regex of tags to consider (empty: every tag)"),
    ("keep", "Keep", "regex of tags never to delete"),
    ("keep-last", "Keep newest", "N"),
    ("older-than", "Older than", "90d, 12w, 36h or 2026-01-31"),
)


class CleanupDialog(ModalScreen[bool]):
    """Rules in, marks out: ``preview`` receives the tags to delete after every change."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", key_display="Esc"),
        # Priority: the fields' own ctrl+d (delete right) matters less than leaving with the rules.
        Binding("ctrl+d", "apply", "Delete marked…", key_display="^d", priority=True),
    ]

    def __init__(self, repository: str, now: datetime, preview: Callable[[set[str]], None]) -> None:
        super().__init__()
        self.repository = repository
        self.now = now
        self.preview = preview
        self.tags: list[Tag] = []
        self.footprints: Footprints | None = None
        self.lookup: tuple[int, int] | None = (0, 0)
        self.going: set[str] = set()
        self.undated = 0
        self.error: str | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="cleanup-dialog", classes="dialog"):
            yield Static(
                Content(f"Clean up {literal(self.repository)}"),
                classes="dialog-title",
                markup=False,
            )
            for key, label, placeholder in FIELDS:
                with Horizontal(classes="cleanup-row"):
                    yield Label(Content(label), classes="cleanup-label")
                    yield Input(
                        placeholder=placeholder,
                        id=f"cleanup-{key}",
                        compact=True,
                        type="integer" if key == "keep-last" else "text",
                    )
            yield Static(Content(""), id="cleanup-status", markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button(Content("Cancel (Esc)"), id="cancel", variant="primary", compact=True)
                yield Button(
                    Content(f"Delete marked{glyphs.ELLIPSIS} (^d)"),
                    id="apply",
                    variant="error",
                    compact=True,
                )
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#cleanup-match", Input).focus()
        self._update()

    # --- data from the flow -------------------------------------------------------------------

    def progress(self, done: int, total: int) -> None:
        self.lookup = (done, total)
        if self.is_mounted:
            self._show_status()

    def loaded(self, tags: Sequence[Tag], footprints: Footprints) -> None:
        self.tags = list(tags)
        self.footprints = footprints
        self.lookup = None
        if self.is_mounted:
            self._update()

    # --- rules -> marks -----------------------------------------------------------------------

    def rules(self) -> Rules:
        def value(key: str) -> str | None:
            text = self.query_one(f"#cleanup-{key}", Input).value.strip()
            return text or None

        keep_last = value("keep-last")
        return Rules(
            match=value("match"),
            keep=value("keep"),
            keep_last=int(keep_last) if keep_last is not None and keep_last.isdigit() else None,
            older_than=value("older-than"),
        )

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        self._update()

    def _update(self) -> None:
        self.error = None
        if self.lookup is not None:
            self.going = set()
        else:
            try:
                decisions = decide(self.tags, self.rules(), self.now)
            except UsageError as err:
                self.error = str(err)
                decisions = []
            self.going = {d.tag.name for d in decisions if d.delete}
            self.undated = sum(1 for d in decisions if d.reason == NO_DATE)
        self.preview(self.going)
        self._show_status()

    def _show_status(self) -> None:
        status = self.query_one("#cleanup-status", Static)
        apply = self.query_one("#apply", Button)
        if self.lookup is not None:
            done, total = self.lookup
            text = f"Looking up dates and digests: {done:,}/{total:,}{glyphs.ELLIPSIS}"
        elif self.error is not None:
            text = literal(self.error)
        else:
            kept = len(self.tags) - len(self.going)
            text = f"{tag_count(len(self.going))} to delete, {kept:,} kept"
            if self.undated:
                text += f" ({self.undated:,} with no date)"
            size, note = self.footprints.reclaimable(self.going) if self.footprints else (None, "")
            if size is not None:
                text += f"\n{human_size(size)} reclaimable ({note})"
            elif note:
                text += f"\nreclaimable space {note}"
        status.update(Content(text))
        apply.disabled = self.lookup is not None or self.error is not None or not self.going

    # --- leaving -------------------------------------------------------------------------------

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "apply":
            self.action_apply()
        else:
            self.action_cancel()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.focus_next()

    def action_apply(self) -> None:
        if not self.query_one("#apply", Button).disabled:
            self.dismiss(True)

    def action_cancel(self) -> None:
        self.dismiss(False)
