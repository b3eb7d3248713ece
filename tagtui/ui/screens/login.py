"""The login modal: username, a masked password, and whether to remember it in the keyring."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Collapsible, Footer, Input, Static

from tagtui.errors import AuthenticationRequired, TagtuiError
from tagtui.ui import glyphs
from tagtui.ui.format import literal

NO_KEYRING = "No keyring here: credentials last for this session only."


@dataclass(frozen=True)
class LoginRequest:
    username: str
    password: str = field(repr=False)
    remember: bool = False


def login_reason(error: TagtuiError, host: str) -> str:
    """Why the modal opened, in words that fit what happened.

    A 401 before any credentials were sent is not a failure: the registry just wants some.
    """
    if isinstance(error, AuthenticationRequired):
        if error.username is None:
            return f"{host} needs credentials."
        return f"Authentication failed for {error.username} at {host}."
    return f"{error.title}: {error}"


class LoginModal(ModalScreen[LoginRequest | None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", key_display="Esc"),
        Binding("tab", "app.focus_next", "Next field", key_display="Tab"),
    ]

    def __init__(
        self, host: str, reason: str | TagtuiError, *, username: str | None = None
    ) -> None:
        super().__init__()
        self.host = host
        self.reason = reason if isinstance(reason, str) else login_reason(reason, host)
        self.username = username or ""

    def compose(self) -> ComposeResult:
        with Vertical(id="login-dialog", classes="dialog"):
            yield Static(
                Content("Log in to " + literal(self.host)), classes="dialog-title", markup=False
            )
            # Everything but the title and the buttons scrolls: the buttons stay on an 80x24 screen.
            with VerticalScroll(id="login-body", can_focus=False):
                yield Static(Content(literal(self.reason)), id="login-reason", markup=False)
                with Horizontal(classes="login-field"):
                    yield Static(Content("Username"), classes="field-label", markup=False)
                    yield Input(self.username, id="login-username", placeholder="username")
                with Horizontal(classes="login-field"):
                    yield Static(Content("Password"), classes="field-label", markup=False)
                    yield Input(id="login-password", password=True, placeholder="password or token")
                yield Checkbox(
                    Content("Remember in the OS keyring"), id="login-remember", compact=True
                )
                yield Static(Content(NO_KEYRING), id="login-no-keyring", markup=False)
                with Collapsible(
                    title="How to get a keyring",
                    id="login-howto",
                    collapsed_symbol=glyphs.COLLAPSED,
                    expanded_symbol=glyphs.EXPANDED,
                ):
                    yield Static("", id="login-howto-text", markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button(Content("Cancel"), id="login-cancel")
                yield Button(Content("Log in"), id="login-submit", variant="primary")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#login-no-keyring").display = False
        self.query_one("#login-howto").display = False
        target = "#login-password" if self.username else "#login-username"
        self.query_one(target, Input).focus()
        self._check_keyring()

    @work(group="login-keyring", exit_on_error=False)
    async def _check_keyring(self) -> None:
        # Asking the keyring may mean D-Bus round trips: never on the event loop.
        try:
            from tagtui.credentials import keyring_store

            usable, howto = await asyncio.to_thread(keyring_store.keyring_usable)
        except Exception as err:  # a broken keyring install must not break logging in
            usable, howto = False, f"The keyring module failed: {type(err).__name__}."
        if not usable:
            self._no_keyring(howto or "")

    def _no_keyring(self, howto: str) -> None:
        remember = self.query_one("#login-remember", Checkbox)
        remember.value = False
        remember.disabled = True
        # A dimmed box alone reads as "ticked but greyed": say it in the label too.
        remember.label = Content("Remember in the OS keyring (unavailable)")
        remember.tooltip = literal(howto)
        self.query_one("#login-no-keyring").display = True
        if howto:
            self.query_one("#login-howto-text", Static).update(Content(literal(howto)))
            self.query_one("#login-howto").display = True

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
        remember = self.query_one("#login-remember", Checkbox)
        self.dismiss(LoginRequest(username, password, remember.value and not remember.disabled))

    def action_cancel(self) -> None:
        self.dismiss(None)
