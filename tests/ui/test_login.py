"""The login modal: opened by a 401, retries what failed, stores where the user chose (the place
``tagtui login`` would use is preselected) and the header then names that place."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest
from textual.widgets import RadioButton, Static

from tagtui.credentials import keyring_store
from tagtui.credentials.stores import KINDS
from tagtui.ui.app import TagtuiApp
from tagtui.ui.screens.login import NOWHERE, SESSION_ONLY, LoginModal, LoginRequest
from tests.credentials.helper_program import install_helper
from tests.ui.conftest import settle
from tests.ui.fakes import sample_provider
from tests.ui.helpers import main_screen, notification_texts
from tests.ui.screen import screen_text, terminal_output

PASSWORD = "hunter2-Secret"


async def log_in(pilot, *, store: str | None = None, password: str = PASSWORD) -> None:  # type: ignore[no-untyped-def]
    """Type the credentials, pick ``store`` ("session" or a kind) unless None, submit."""
    await pilot.press(*"alice", "enter", *password)
    if store is not None:
        await pilot.click(f"#login-store-{store}")
    await pilot.click("#login-submit")
    await settle(pilot)


def pressed(app: TagtuiApp) -> list[str]:
    return [b.id or "" for b in app.screen.query(RadioButton) if b.value]


def shown(app: TagtuiApp, selector: str) -> str:
    """A Static's whole text (a long path wraps on screen)."""
    return str(app.screen.query_one(selector, Static).render())


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


async def test_without_anywhere_to_store_session_only_is_preselected_and_said(
    no_keyring: object,
) -> None:
    provider = sample_provider(password=PASSWORD)
    app = TagtuiApp(provider)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, LoginModal)
        # Said before the user types: every place greyed and why, this session only chosen.
        assert pressed(app) == ["login-store-session"]
        for kind in KINDS:
            assert app.screen.query_one(f"#login-store-{kind}", RadioButton).disabled
        text = screen_text(app)
        assert shown(app, "#login-nowhere") == NOWHERE and SESSION_ONLY in text
        assert "OS keyring (unavailable)" in text and "How to get a keyring" in text
        await log_in(pilot)
        # Logged in for the session all the same, and nothing was said about saving.
        assert main_screen(app).repo_list.total == 8
        assert "credentials: session" in screen_text(app)
        assert not any(t.startswith("Saved") for t in notification_texts(app))


@pytest.mark.real
async def test_the_keyring_is_preselected_where_there_is_one(
    secret_service: object, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A runtime dir too: the keyring still wins, as for `tagtui login`.
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(tmp_path))
    provider = sample_provider(password=PASSWORD)
    app = TagtuiApp(provider)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert pressed(app) == ["login-store-keyring"]
        assert shown(app, "#login-store-note").startswith("Will be stored in the OS keyring")
        await log_in(pilot)
        assert any("stored in the OS keyring" in t for t in notification_texts(app))
        assert "credentials: keyring" in screen_text(app)
    stored = keyring_store.load("fake.example:5000")
    assert stored is not None
    assert (stored.username, stored.secret) == ("alice", PASSWORD)
    assert not (tmp_path / "containers").exists()


async def test_without_a_keyring_the_runtime_auth_file_is_preselected_and_written(
    no_keyring: object, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(tmp_path))
    path = tmp_path / "containers" / "auth.json"
    provider = sample_provider(password=PASSWORD)
    app = TagtuiApp(provider)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert pressed(app) == ["login-store-auth-file"]
        assert "Podman auth file" in screen_text(app)
        assert shown(app, "#login-store-note") == (
            f"Will be stored in {path} (podman's runtime auth file), until your last session on "
            "this machine ends (or `tagtui logout fake.example:5000`)."
        )
        await log_in(pilot)
        assert main_screen(app).repo_list.total == 8
        assert "credentials: podman" in screen_text(app)
        assert PASSWORD not in screen_text(app)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert set(json.loads(path.read_text())["auths"]) == {"fake.example:5000"}


async def test_a_credential_helper_is_preselected_when_docker_names_one(
    no_keyring: object, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    helper = install_helper(tmp_path / "bin", name="test")
    monkeypatch.setenv("PATH", f"{helper.directory}:{Path('/usr/bin')}:{Path('/bin')}")
    monkeypatch.setenv("DOCKER_CONFIG", str(tmp_path / "docker"))
    (tmp_path / "docker").mkdir()
    (tmp_path / "docker" / "config.json").write_text('{"credsStore": "test"}')
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(tmp_path))
    provider = sample_provider(password=PASSWORD)
    app = TagtuiApp(provider)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert pressed(app) == ["login-store-helper"]
        assert "docker-credential-test" in screen_text(app)
        await log_in(pilot)
        assert "credentials: docker-credential-test" in screen_text(app)
    assert helper.stored() == {"fake.example:5000": {"Username": "alice", "Secret": PASSWORD}}
    assert not (tmp_path / "containers").exists()


async def test_this_session_only_stays_a_choice(
    no_keyring: object, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(tmp_path))
    provider = sample_provider(password=PASSWORD)
    app = TagtuiApp(provider)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press(*"alice", "enter", *PASSWORD)
        await pilot.click("#login-store-session")
        assert shown(app, "#login-store-note") == "Kept in memory until tagtui exits."
        await pilot.click("#login-submit")
        await settle(pilot)
        assert "credentials: session" in screen_text(app)
    assert not (tmp_path / "containers").exists()


def test_login_request_repr_hides_the_password() -> None:
    assert PASSWORD not in repr(LoginRequest("alice", PASSWORD))


async def test_a_path_with_brackets_is_shown_as_written(
    no_keyring: object, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Tooltips given as strings are markup: "[b]" would vanish and "[/]" raise MarkupError.
    auth_file = tmp_path / "[b]odd[/]" / "auth.json"
    monkeypatch.setenv("REGISTRY_AUTH_FILE", str(auth_file))
    app = TagtuiApp(sample_provider(password=PASSWORD))
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, LoginModal)
        button = app.screen.query_one("#login-store-auth-file", RadioButton)
        tooltip = button.tooltip
        assert str(auth_file) in str(getattr(tooltip, "plain", ""))
