"""A bare app that shows one modal screen with tagtui's stylesheets and records its answers."""

from __future__ import annotations

from typing import Any, ClassVar

from textual.app import App
from textual.screen import Screen
from textual.widgets import Footer

from tagtui.ui.resources import stylesheet_paths


class ModalHost(App[None]):
    CSS_PATH: ClassVar = stylesheet_paths()

    def __init__(self, modal: Screen[Any]) -> None:
        super().__init__()
        self.modal = modal
        self.answers: list[Any] = []

    def on_mount(self) -> None:
        self.push_screen(self.modal, self.answers.append)


def footer_bindings(app: App[Any]) -> dict[str, str]:
    """The active screen's footer: each key as displayed, with its description."""
    footer = app.screen.query_one(Footer)
    return {
        key.key_display or key.key: key.description  # type: ignore[attr-defined]
        for key in footer.query("FooterKey")
    }


def footer_keys(app: App[Any]) -> set[str]:
    """The keys the active screen's footer offers, as displayed."""
    return set(footer_bindings(app))
