"""The login modal: opened by a 401, retries what failed, remembers in the OS keyring if asked."""

from __future__ import annotations

import pytest
from textual.widgets import Checkbox

from tagtui.credentials import keyring_store
from tagtui.ui.app import TagtuiApp
from tagtui.ui.screens.login import NO_KEYRING, LoginModal, LoginRequest
from tests.ui.conftest import settle
from tests.ui.fakes import sample_provider
from tests.ui.helpers import main_screen, notification_texts
from tests.ui.screen import screen_text, terminal_output

PASSWORD = "hunter2-Secret"


async def log_in(pilot, *, remember: bool = False, password: str = PASSWORD) -> None:  # type: ignore[no-untyped-def]
    await pilot.press(*"alice", "enter", *password)
    if remember:
        await pilot.click("#login-remember")
    await pilot.click("#login-submit")
    await settle(pilot)


async def test_login_retries_what_failed_and_never_shows_the_password() -> None:
    provider = sample_provider(password=PASSWORD)
    app = TagtuiApp(provider)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, LoginModal)
        assert "Log in to fake.example:5000" in screen_text(app)
        await pilot.press(*"alice", "enter", *PASSWORD)
        assert PASSWORD not in screen_text(app)
        assert PASSWORD not in terminal_output(app)
        assert "•" * len(PASSWORD) in screen_text(app)
        await pilot.press("enter")
        await settle(pilot)
        assert not isinstance(app.screen, LoginModal)
        assert provider.credential is not None and provider.credential.source == "session"
        assert main_screen(app).repo_list.total == 8
        assert "credentials: session" in screen_text(app)


async def test_wrong_password_asks_again_and_cancel_leaves_a_notice() -> None:
    provider = sample_provider(password=PASSWORD)
    app = TagtuiApp(provider)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await log_in(pilot, password="wrong")
        assert isinstance(app.screen, LoginModal)  # the retry failed: asked again
        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(app.screen, LoginModal)
        assert any(t.startswith("Login cancelled") for t in notification_texts(app))
        assert "login required" in screen_text(app)


async def test_after_a_cancel_errors_are_reported_and_the_palette_logs_in() -> None:
    provider = sample_provider(password=PASSWORD)
    app = TagtuiApp(provider)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("r")  # fails again: reported, not a second modal
        await settle(pilot)
        assert not isinstance(app.screen, LoginModal)
        assert any(t.startswith("Authentication failed") for t in notification_texts(app))
        await pilot.press("ctrl+p", *"log in")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, LoginModal)
        await log_in(pilot)
        assert main_screen(app).repo_list.total == 8


async def test_requests_failing_together_open_one_modal_and_all_retry() -> None:
    provider = sample_provider()
    app = TagtuiApp(provider, repository="app/web")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        provider.password = PASSWORD  # the registry starts asking: tags, details, describes
        main_screen(app).action_refresh()
        await settle(pilot)
        assert isinstance(app.screen, LoginModal)
        assert len(app.screen_stack) == 2
        await log_in(pilot)
        assert not isinstance(app.screen, LoginModal)
        assert len(main_screen(app).tag_tree.rows) == 6


async def test_remember_without_a_keyring_explains(no_keyring: object) -> None:
    provider = sample_provider(password=PASSWORD)
    app = TagtuiApp(provider)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, LoginModal)
        # Said before the user types, not after: Remember is off, greyed and says why.
        remember = app.screen.query_one("#login-remember", Checkbox)
        assert remember.disabled and not remember.value
        text = screen_text(app)
        assert NO_KEYRING in text
        assert "(unavailable)" in text and "How to get a keyring" in text
        await log_in(pilot)
        # Logged in for the session all the same, and nothing was said about saving.
        assert main_screen(app).repo_list.total == 8
        assert "credentials: session" in screen_text(app)
        assert not any("Saved the credentials" in t for t in notification_texts(app))


@pytest.mark.real
async def test_remember_stores_in_the_secret_service(secret_service: object) -> None:
    provider = sample_provider(password=PASSWORD)
    app = TagtuiApp(provider)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await log_in(pilot, remember=True)
        assert any("Saved the credentials" in t for t in notification_texts(app))
    stored = keyring_store.load("fake.example:5000")
    assert stored is not None
    assert (stored.username, stored.secret) == ("alice", PASSWORD)


def test_login_request_repr_hides_the_password() -> None:
    assert PASSWORD not in repr(LoginRequest("alice", PASSWORD, True))
