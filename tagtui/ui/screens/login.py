"""The login modal: username, a masked password, and whether to remember it in the keyring."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Input, Static

from tagtui.ui.format import literal


@dataclass(frozen=True)
class LoginRequest:
    username: str
    password: str = field(repr=False)
    remember: bool = False


class LoginModal(ModalScreen[LoginRequest | None]):
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, host: str, reason: str, *, username: str | None = None) -> None:
        super().__init__()
        self.host = host
        self.reason = reason
        self.username = username or ""

    def compose(self) -> ComposeResult:
        with Vertical(id="login-dialog", classes="dialog"):
            yield Static(
                Content("Log in to " + literal(self.host)), classes="dialog-title", markup=False
            )
            yield Static(Content(literal(self.reason)), id="login-reason", markup=False)
            yield Static(Content("Username"), classes="field-label", markup=False)
            yield Input(self.username, id="login-username", placeholder="username")
            yield Static(Content("Password or token"), classes="field-label", markup=False)
            yield Input(id="login-password", password=True, placeholder="password")
            yield Checkbox(Content("Remember in the OS keyring"), id="login-remember")
            with Horizontal(classes="dialog-buttons"):
                yield Button(Content("Cancel"), id="login-cancel")
                yield Button(Content("Log in"), id="login-submit", variant="primary")

    def on_mount(self) -> None:
        target = "#login-password" if self.username else "#login-username"
        self.query_one(target, Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.input.id == "login-username":
            self.query_one("#login-password", Input).focus()
        else:
            self._submit()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "login-submit":
            self._submit()
        else:
            self.dismiss(None)

    def _submit(self) -> None:
        username = self.query_one("#login-username", Input).value.strip()
        password = self.query_one("#login-password", Input).value
        if not username or not password:
            self.notify("Enter a username and a password.", severity="warning", markup=False)
            return
        remember = self.query_one("#login-remember", Checkbox).value
        self.dismiss(LoginRequest(username, password, remember))

    def action_cancel(self) -> None:
        self.dismiss(None)
