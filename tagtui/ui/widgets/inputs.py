"""The one-line inputs of the panes."""

from __future__ import annotations

from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.widgets import Input


class FilterInput(Input):
    """The `/` filter of a pane: Enter keeps it, Esc clears it; both return to the list."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "submit", "Keep filter"),
        Binding("escape", "screen.clear_filter", "Clear filter"),
    ]


class OpenInput(Input):
    """Where a repository is typed when the registry does not list them."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("enter", "submit", "Open")]
