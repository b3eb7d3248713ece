"""The `/` filter a pane puts over its list: typing narrows the list, Enter keeps the filter and
returns to the list, Esc (the screen's ``clear_filter``) clears it."""

from __future__ import annotations

from typing import Protocol

from textual import on
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Input
from textual.worker import Worker

from tagtui.ui.panes.host import PaneHost, worker_failed
from tagtui.ui.widgets.inputs import FilterInput


class FilterableList(Protocol):
    filter_text: str

    def set_filter(self, text: str) -> None: ...

    def action_first(self) -> None: ...


class FilteredPane(Vertical):
    """A pane with one ``FilterInput`` over ``filtered``; ``update_title`` shows the filter."""

    host: PaneHost
    # The list the filter narrows (set by the pane).
    filtered: FilterableList

    def update_title(self) -> None:
        raise NotImplementedError

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        # A bug in one of the pane's workers: shown, never fatal.
        error = worker_failed(event)
        if error is not None:
            self.host.unexpected(error)

    def show_titles(self, title: str, subtitle: str = "") -> None:
        """The border's texts, taken as plain text (names in them are never markup)."""
        self.border_title = Content(title)
        self.border_subtitle = Content(subtitle) if subtitle else None

    @property
    def filter_field(self) -> Input:
        return self.query_one(FilterInput)

    def open_filter(self) -> None:
        field = self.filter_field
        field.display = True
        self.host.focus_now(field)

    def clear_filter(self) -> None:
        field = self.filter_field
        field.value = ""
        field.display = False
        self.filtered.set_filter("")
        self.update_title()

    @on(Input.Changed, "FilterInput")
    def _filter_changed(self, event: Input.Changed) -> None:
        self.filtered.set_filter(event.value)
        self.update_title()

    @on(Input.Submitted, "FilterInput")
    def _filter_kept(self, event: Input.Submitted) -> None:
        if not event.value:
            event.input.display = False
        self.host.focus_now(self.filtered)  # type: ignore[arg-type]
        self.filtered.action_first()
