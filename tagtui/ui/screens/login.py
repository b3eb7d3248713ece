"""The login modal: username, a masked password, and where to keep them.

The places are ``tagtui login``'s (``credentials.stores``): the first usable one is preselected
and named with how long it lasts; "this session only" is always there."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Collapsible, Footer, Input, RadioButton, RadioSet, Static

from tagtui.credentials import stores
from tagtui.credentials.stores import Choices, Place
from tagtui.errors import AuthenticationRequired, TagtuiError
from tagtui.ui import glyphs
from tagtui.ui.format import literal

SESSION_ONLY = "This session only"
NOWHERE = "Nowhere to store credentials here: they last for this session only."
KEPT_IN_MEMORY = "Kept in memory until tagtui exits."

# The radio buttons' ids, by kind of place (stores.KINDS) and for "this session only".
_SESSION_ID = "login-store-session"
_UNAVAILABLE_LABELS = {
    stores.KEYRING: "OS keyring",
    stores.HELPER: "Credential helper",
    stores.AUTH_FILE: "Auth file",
}


@dataclass(frozen=True)
class LoginRequest:
    username: str
    password: str = field(repr=False)
    #: Where to keep the credential; None: this session only.
    place: Place | None = None


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
        self,
        host: str,
        reason: str | TagtuiError,
        *,
        username: str | None = None,
        choices: Choices | None = None,
    ) -> None:
        super().__init__()
        self.host = host
        self.reason = reason if isinstance(reason, str) else login_reason(reason, host)
        self.username = username or ""
        # None (the places could not be asked): this session only.
        self.choices = choices
        self.places: dict[str, Place] = {}
        if choices is not None:
            self.places = {o.kind: o.place for o in choices.options if o.place is not None}
        self.preselected = choices.default if choices is not None else None

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
                with RadioSet(id="login-store", compact=True):
                    yield from self._place_buttons()
                    yield RadioButton(
                        Content(SESSION_ONLY), value=self.preselected is None, id=_SESSION_ID
                    )
                yield Static(Content(self._note(self.preselected)), id="login-store-note")
                if self.choices is not None and self.preselected is None:
                    yield Static(Content(NOWHERE), id="login-nowhere", markup=False)
                howto = self._keyring_howto()
                if howto:
                    with Collapsible(
                        title="How to get a keyring",
                        id="login-howto",
                        collapsed_symbol=glyphs.COLLAPSED,
                        expanded_symbol=glyphs.EXPANDED,
                    ):
                        yield Static(Content(literal(howto)), id="login-howto-text", markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button(Content("Cancel"), id="login-cancel")
                yield Button(Content("Log in"), id="login-submit", variant="primary")
        yield Footer()

    def _place_buttons(self) -> list[RadioButton]:
        if self.choices is None:
            return []
        buttons = []
        for option in self.choices.options:
            place = option.place
            if place is None:
                # Offered all the same, greyed, so the user sees what is missing and why.
                label = f"{_UNAVAILABLE_LABELS[option.kind]} (unavailable)"
                tooltip = Content(literal(option.why_not))
            else:
                # Content, not str: a tooltip string is markup, and a path may hold [brackets].
                label, tooltip = place.label, Content(literal(place.where))
            buttons.append(
                RadioButton(
                    Content(label),
                    value=place is not None and place == self.preselected,
                    id=f"login-store-{option.kind}",
                    disabled=place is None,
                    tooltip=tooltip,
                )
            )
        return buttons

    def _keyring_howto(self) -> str:
        if self.choices is None:
            return ""
        option = self.choices.option(stores.KEYRING)
        return option.why_not if option.place is None else ""

    def _note(self, place: Place | None) -> str:
        if place is None:
            return KEPT_IN_MEMORY
        return literal(f"Will be {place.stored(self.host)}.")

    def _chosen(self) -> Place | None:
        pressed = self.query_one("#login-store", RadioSet).pressed_button
        if pressed is None or pressed.id is None:
            return None
        return self.places.get(pressed.id.removeprefix("login-store-"))

    def on_mount(self) -> None:
        target = "#login-password" if self.username else "#login-username"
        self.query_one(target, Input).focus()

    def on_radio_set_changed(self, event: RadioSet.Changed) -> None:
        event.stop()
        self.query_one("#login-store-note", Static).update(Content(self._note(self._chosen())))

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
        self.dismiss(LoginRequest(username, password, self._chosen()))

    def action_cancel(self) -> None:
        self.dismiss(None)
