"""Registry data that tries to be markup or terminal control shows literally and does nothing.

Labels, env values, tag names, repository names and error bodies carry ``[bold]x[/]``, ``[/``,
``[00]``, ANSI and OSC sequences, 5,000-character values and wide characters. Checked: the screen
shows them as text, nothing crashes, and the bytes a real terminal would receive contain only the
app's own colour and cursor-position sequences.
"""

from __future__ import annotations

from tagtui.errors import ServerError
from tagtui.ui.app import TagtuiApp
from tagtui.ui.screens.delete import DeleteModal
from tests.ui.conftest import settle
from tests.ui.fakes import (
    CLEAR,
    LONG,
    MARKUP,
    NUMERIC,
    OPEN_CLOSE,
    OSC_CLIPBOARD,
    OSC_TITLE,
    REPO,
    TAG,
    hostile_provider,
)
from tests.ui.helpers import (
    finish_delete_flow,
    main_screen,
    notification_texts,
    open_cleanup_dialog,
    shown_reference,
)
from tests.ui.screen import assert_terminal_safe, screen_text, terminal_output


async def test_hostile_strings_show_literally_and_reach_no_terminal() -> None:
    provider = hostile_provider()
    app = TagtuiApp(provider)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        screen = main_screen(app)
        assert f"reg{OPEN_CLOSE}{NUMERIC}" in screen_text(app)
        assert REPO in screen_text(app)
        screen.open_repository(REPO)
        await settle(pilot)
        text = screen_text(app)
        assert "[[/[00]" in text  # a tag name
        assert "[bold]x[/]\\x1b[31mred\\x1b[" in text  # the start of another, cut to the column
        assert "Author     [bold]x[/] \\x1b]0;pwned\\x07" in text
        # The entrypoint as a list: control characters shown as elsewhere, brackets literal.
        assert '["\\x1b]52;c;ZXZpbA==\\x07",' in text and '"[bold]x[/]"]' in text
        assert_terminal_safe(terminal_output(app))
        await pilot.press("down")  # the tag named with markup, ANSI and wide characters
        await settle(pilot)
        text = screen_text(app)
        # In full in the reference (wrapped where the column ends).
        assert shown_reference(app) == f"{provider.name}/{REPO}:{TAG}"
        assert "red\\x1b[0m漢字テスト🚀" in text
        assert_terminal_safe(terminal_output(app))

        # The whole detail panel on one (tall) screen: every section, nothing escapes.
        await pilot.resize_terminal(300, 250)
        await settle(pilot)
        text = screen_text(app)
        for section in (
            "Summary",
            "Command",
            "Environment",
            "Labels",
            "Ports",
            "Volumes",
            "Layers",
        ):
            assert section in text
        assert "label[/" in text and "\\x1b]52;c;ZXZpbA==\\x07\\x1b[2J\\x1b[H" in text
        assert_terminal_safe(terminal_output(app))
        await pilot.resize_terminal(160, 48)

        # Every tag row, the 5,000-character one too, renders within the pane.
        await pilot.press("shift+tab")
        for _ in range(4):
            await pilot.press("down")
            await settle(pilot)
            assert_terminal_safe(terminal_output(app))
        lines = screen_text(app).splitlines()
        assert all(len(line) <= 160 for line in lines)


async def test_hostile_delete_modal_and_palette() -> None:
    provider = hostile_provider()
    app = TagtuiApp(provider)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        main_screen(app).open_repository(REPO)
        await settle(pilot)
        await pilot.press("down", "d")
        await settle(pilot)
        assert isinstance(app.screen, DeleteModal)
        text = screen_text(app)
        assert "[bold]x[/]\\x1b[31mred\\x1b[0m漢字テスト🚀" in text
        assert_terminal_safe(terminal_output(app))
        await pilot.press("escape")
        await pilot.press("ctrl+p", *"tag [/")
        await settle(pilot)
        assert_terminal_safe(terminal_output(app))
        await pilot.press("escape")
        assert app.is_running


async def test_hostile_error_bodies_become_literal_notifications() -> None:
    provider = hostile_provider()
    provider.errors["list_tags"] = ServerError(
        f"registry said: {MARKUP} {OPEN_CLOSE} {OSC_TITLE} {CLEAR} {LONG}"
    )
    provider.errors["get_image"] = RuntimeError(f"{OSC_CLIPBOARD}{MARKUP}")  # type: ignore[assignment]
    app = TagtuiApp(provider)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await settle(pilot)
        main_screen(app).open_repository(REPO)
        await settle(pilot)
        texts = notification_texts(app)
        assert any(
            t.startswith("Server error: registry said: [bold]x[/] [/ \\x1b]0;pwned") for t in texts
        )
        # Cut to one readable sentence, not 5,000 characters.
        assert all(len(t) < 700 for t in texts)
        text = screen_text(app)
        assert "registry said:" in text and "[bold]x[/] [/ \\x1b]0;pwned" in text
        assert_terminal_safe(terminal_output(app))
        assert app.is_running


async def test_hostile_names_in_the_bulk_delete_and_cleanup_dialogs() -> None:
    from tagtui.ui.screens.bulk_delete import BulkDeleteModal, BulkProgressModal

    provider = hostile_provider()
    app = TagtuiApp(provider, repository=REPO)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = main_screen(app)
        await open_cleanup_dialog(pilot)
        await pilot.press(*"^\\[")  # the tags starting with [
        await pilot.pause()
        assert screen.tags_pane.marked_tags()
        assert f"Clean up {REPO}" in screen_text(app)
        assert_terminal_safe(terminal_output(app))
        await pilot.press("ctrl+d")
        await settle(pilot)
        assert isinstance(app.screen, BulkDeleteModal)
        text = screen_text(app)
        assert "[bold]x[/]\\x1b[31mred\\x1b[0m漢字テスト🚀" in text
        assert_terminal_safe(terminal_output(app))
        await pilot.press("y")
        await finish_delete_flow(app)
        await pilot.pause()
        assert isinstance(app.screen, BulkProgressModal)
        assert_terminal_safe(terminal_output(app))
        assert "twin" in screen.catalog  # unmarked: it stays
