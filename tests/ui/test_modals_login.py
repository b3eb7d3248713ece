"""The login modal at 80x24: compact, honest about where credentials can go, says why it opened."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest
from keyring.backend import KeyringBackend
from keyring.backends.fail import Keyring as FailKeyring
from textual.widgets import Button, RadioButton, Static

from tagtui.credentials import stores
from tagtui.errors import AuthenticationRequired
from tagtui.ui.app import TagtuiApp
from tagtui.ui.screens.login import NOWHERE, LoginModal, LoginRequest
from tests.ui.conftest import settle
from tests.ui.fakes import FakeProvider
from tests.ui.screen import screen_text
from tests.ui.test_modals_delete import on_screen
from tests.ui.test_modals_support import ModalHost, footer_keys

PASSWORD = "hunter2-Secret"
HOST = "registry.example:5000"


class MemoryKeyring(KeyringBackend):
    """A working backend that keeps secrets in a dict: "a keyring is usable here"."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.secrets: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.secrets.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.secrets[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.secrets.pop((service, username), None)


@pytest.fixture
def fail_keyring() -> Iterator[None]:
    """keyring's fail backend, as over SSH; the previous backend comes back afterwards."""
    previous = keyring.get_keyring()
    keyring.set_keyring(FailKeyring())
    try:
        yield
    finally:
        keyring.set_keyring(previous)


@pytest.fixture
def memory_keyring() -> Iterator[MemoryKeyring]:
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    try:
        yield backend
    finally:
        keyring.set_keyring(previous)


async def test_the_login_modal_fits_80x24_with_the_buttons_on_screen(fail_keyring: None) -> None:
    app = TagtuiApp(FakeProvider(name=HOST, password=PASSWORD))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, LoginModal)
        for button in app.screen.query(Button):
            assert on_screen(app, button), (button.id, button.region)
        for widget_id in ("#login-username", "#login-password", "#login-store"):
            assert on_screen(app, app.screen.query_one(widget_id)), widget_id
        await pilot.press(*"alice", "enter", *PASSWORD)
        await pilot.click("#login-submit")
        await settle(pilot)
        assert not isinstance(app.screen, LoginModal)  # logged in: back on the main screen


def nowhere_env(tmp_path: Path) -> dict[str, str]:
    """No docker config, no runtime dir: no helper and no auth file."""
    return {"HOME": str(tmp_path), "PATH": "/usr/bin:/bin"}


async def test_without_anywhere_to_store_the_places_are_greyed_and_explained(
    fail_keyring: None, tmp_path: Path
) -> None:
    choices = stores.choices(HOST, nowhere_env(tmp_path))
    modal = LoginModal(HOST, AuthenticationRequired("401"), username="alice", choices=choices)
    host = ModalHost(modal)
    async with host.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        keyring_button = modal.query_one("#login-store-keyring", RadioButton)
        assert keyring_button.disabled and not keyring_button.value
        assert modal.query_one("#login-store-session", RadioButton).value
        assert str(modal.query_one("#login-nowhere", Static).render()) == NOWHERE
        howto = str(modal.query_one("#login-howto-text", Static).render())
        assert "dbus-run-session" in howto and "gnome-keyring-daemon" in howto
        await pilot.click("#login-store-keyring")  # disabled: a click changes nothing
        assert not keyring_button.value
        await pilot.click("#login-password")
        await pilot.press(*PASSWORD, "enter")
        await settle(pilot)
    assert host.answers == [LoginRequest("alice", PASSWORD, None)]


async def test_with_a_usable_keyring_it_is_preselected_and_named(
    memory_keyring: MemoryKeyring, tmp_path: Path
) -> None:
    choices = stores.choices(HOST, nowhere_env(tmp_path))
    modal = LoginModal(HOST, AuthenticationRequired("401"), username="alice", choices=choices)
    host = ModalHost(modal)
    async with host.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert modal.query_one("#login-store-keyring", RadioButton).value
        assert not modal.query("#login-nowhere") and not modal.query("#login-howto")
        note = str(modal.query_one("#login-store-note", Static).render())
        assert note.startswith("Will be stored in the OS keyring")
        await pilot.press(*PASSWORD)
        await pilot.click("#login-submit")
        await settle(pilot)
    assert host.answers == [LoginRequest("alice", PASSWORD, choices.default)]
    assert choices.default is not None and choices.default.kind == stores.KEYRING


async def test_without_choices_only_this_session_is_offered() -> None:
    host = ModalHost(LoginModal(HOST, AuthenticationRequired("401"), username="alice"))
    async with host.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        buttons = list(host.screen.query(RadioButton))
        assert [b.id for b in buttons] == ["login-store-session"] and buttons[0].value
        await pilot.press(*PASSWORD, "enter")
        await settle(pilot)
    assert host.answers == [LoginRequest("alice", PASSWORD, None)]


@pytest.mark.parametrize(
    ("error", "expected", "absent"),
    [
        (
            AuthenticationRequired(f"authentication required at {HOST}"),
            f"{HOST} needs credentials.",
            "Authentication failed",
        ),
        (
            AuthenticationRequired("bad credentials", username="alice"),
            f"Authentication failed for alice at {HOST}.",
            "needs credentials",
        ),
    ],
)
async def test_the_reason_says_whether_anything_was_tried(
    error: AuthenticationRequired, expected: str, absent: str
) -> None:
    modal = LoginModal(HOST, error, username=error.username)
    host = ModalHost(modal)
    async with host.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        text = screen_text(host)
        assert expected in text and absent not in text
        if error.username is None:
            await pilot.press(*"alice", "enter")
        await pilot.press(*PASSWORD)
        assert PASSWORD not in screen_text(host)
        assert PASSWORD not in repr(modal)
        assert all(PASSWORD not in repr(widget) for widget in modal.walk_children())


async def test_the_footer_shows_the_login_keys_not_the_main_screen_ones() -> None:
    app = TagtuiApp(FakeProvider(name=HOST, password=PASSWORD))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, LoginModal)
        shown = footer_keys(app)
        assert {"Esc", "Tab"} <= shown, shown
        assert "s" not in shown and "/" not in shown and "q" not in shown
