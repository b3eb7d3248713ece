"""QA findings on the delete modal, the help screen and the detail panel (driven in tmux)."""

from __future__ import annotations

import io
from dataclasses import replace
from pathlib import Path

from rich.console import Console
from textual.widgets import Button, Static

from tagtui.demo import prepare_demo_store
from tagtui.model import DeleteMethod, DeletePlan
from tagtui.providers.layout import LayoutProvider
from tagtui.ui.app import TagtuiApp
from tagtui.ui.format import word_list
from tagtui.ui.screens.delete import DeleteModal
from tagtui.ui.widgets.detail import DetailPanel
from tagtui.ui.widgets.detail_sections import build_sections
from tests.ui.conftest import settle
from tests.ui.demo import demo_provider
from tests.ui.fakes import FakeProvider, digest_of, make_image
from tests.ui.helpers import main_screen
from tests.ui.screen import assert_terminal_safe, screen_text, terminal_output
from tests.ui.test_modals_delete import on_screen
from tests.ui.test_modals_support import ModalHost

OSC_TITLE = "\x1b]0;title\x07"
OSC_CLIPBOARD = "\x1b]52;c;ZXZpbA==\x07"
HELM_CONFIG = "application/vnd.cncf.helm.config.v1+json"
IMAGE_ONLY = ("command", "environment", "labels", "ports", "volumes")


def fact_lines(text: str) -> list[str]:
    """The lines inside the dialog's border (the main screen shows around it)."""
    return [line.split("█")[1].strip() for line in text.splitlines() if line.count("█") >= 2]


def body_text(panel: DetailPanel, section: str) -> str:
    """One detail section as plain text, laid out wide so nothing folds."""
    assert panel.view is not None
    sections = {s.name.lower(): s for s in build_sections(panel.view, 200, {})}
    console = Console(width=200, file=io.StringIO(), record=True, color_system=None)
    console.print(sections[section].body)
    return console.export_text()


def shown_sections(panel: DetailPanel) -> set[str]:
    return {name.lower() for name in panel.shown_sections()}


# --- 1. the delete modal --------------------------------------------------------------------


async def test_the_chosen_tag_has_its_own_row_when_the_reference_folds(tmp_path: Path) -> None:
    # A real temporary path, long like the one QA saw: the reference folds at 80 columns.
    provider = LayoutProvider(prepare_demo_store(tmp_path / "store"))
    app = TagtuiApp(provider, repository="library/nginx", tag="1.25")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("d")
        await settle(pilot)
        modal = app.screen
        assert isinstance(modal, DeleteModal)
        lines = fact_lines(screen_text(app))
        tag_row = lines.index("Tag       1.25")
        assert lines[tag_row + 1].startswith("Reference oci:")
        # Only the chosen tag goes: no "Removes: 1.25" line repeating it.
        assert not modal.query("#delete-removes")
        text = screen_text(app)
        assert "Removes" not in text
        assert "Only 1.25 is removed" in text
        keeps = str(modal.query_one("#delete-keeps", Static).render())
        assert keeps == "Other tags on this digest (4): 1, 1.25.3, latest, stable — they stay"
        for button_id in ("#cancel", "#confirm", "#whole-digest"):
            assert on_screen(app, modal.query_one(button_id, Button)), button_id


async def test_a_tag_named_1_is_not_read_as_a_count() -> None:
    app = TagtuiApp(demo_provider(), repository="library/nginx", tag="1")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("d")
        await settle(pilot)
        assert isinstance(app.screen, DeleteModal)
        lines = fact_lines(screen_text(app))
        assert "Tag       1" in lines
        assert "Reference oci:/tmp/tagtui-demo/library/nginx:1" in lines
        assert not any("Removes: 1" in line for line in lines)


async def test_several_removed_tags_are_still_listed() -> None:
    plan = DeletePlan(
        "library/nginx",
        "1",
        digest_of("x"),
        DeleteMethod.DIGEST_DELETE,
        removes=("1.25", "1", "latest"),
        whole_digest=True,
        shared_tags=("1", "1.25", "latest"),
    )
    host = ModalHost(DeleteModal(plan, "r.example/library/nginx:1", offer_whole_digest=True))
    async with host.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        text = screen_text(host)
        assert "Removes (3 tags): 1, 1.25, latest" in text
        assert "Tag       1" in fact_lines(text)


# --- 3. control characters in the detail panel -----------------------------------------------


def test_word_list_escapes_like_every_other_value() -> None:
    shown = word_list((OSC_CLIPBOARD, 'say "hi"', "a\\b", "two\nlines", "\x9b31m"))
    assert shown == r'["\x1b]52;c;ZXZpbA==\x07", "say \"hi\"", "a\\b", "two\nlines", "\x9b31m"]'
    assert word_list(None) == "-"
    assert word_list(()) == "[]"
    for char in ("\x1b", "\x07", "\x9b", "\n"):
        assert char not in shown


async def test_command_and_other_values_show_control_characters_alike() -> None:
    provider = FakeProvider()
    image = make_image(
        "escapes",
        entrypoint=(OSC_TITLE, "[bold]x[/]"),
        cmd=(OSC_CLIPBOARD,),
        env=(("TITLE", OSC_TITLE),),
        labels=(("clip", OSC_CLIPBOARD),),
    )
    provider.add_image_tag("app/escapes", "latest", image)
    app = TagtuiApp(provider, repository="app/escapes", tag="latest")
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        panel = main_screen(app).detail
        command = body_text(panel, "command")
        assert '["\\x1b]0;title\\x07", "[bold]x[/]"]' in command
        assert '["\\x1b]52;c;ZXZpbA==\\x07"]' in command
        assert "\\u00" not in command
        assert "\\x1b]0;title\\x07" in body_text(panel, "environment")
        assert "\\x1b]52;c;ZXZpbA==\\x07" in body_text(panel, "labels")
        assert_terminal_safe(terminal_output(app))


# --- 4. a non-image artifact ----------------------------------------------------------------


async def test_a_helm_chart_shows_its_artifact_type_not_empty_image_sections() -> None:
    app = TagtuiApp(demo_provider(), repository="acme/charts", tag="0.1.0")
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        panel = main_screen(app).detail
        summary = body_text(panel, "summary")
        assert f"Artifact type {HELM_CONFIG}" in summary
        for row in ("Platform", "Created", "Author"):
            assert row not in summary
        assert "Size" in summary
        assert shown_sections(panel) == {"summary", "layers", "referrers", "extras"}
        # Said once, in the Summary.
        assert "Artifact type" not in body_text(panel, "extras")
        assert "org.opencontainers.image.title" in body_text(panel, "extras")


async def test_an_artifact_with_labels_keeps_them_and_images_keep_every_section() -> None:
    provider = FakeProvider()
    base = make_image("chart", labels=(("owner", "charts team"),))
    chart = replace(base, artifact_type=HELM_CONFIG)
    provider.add_image_tag("app/mixed", "chart", chart)
    provider.add_image_tag("app/mixed", "image", make_image("image"))
    app = TagtuiApp(provider, repository="app/mixed", tag="chart")
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        panel = main_screen(app).detail
        assert shown_sections(panel) == {"summary", "labels", "layers", "extras"}
        await pilot.press("down")  # the plain image: every image section, "-" when unknown
        await settle(pilot)
        assert set(IMAGE_ONLY) <= shown_sections(panel)
        summary = body_text(panel, "summary")
        assert "Artifact type" not in summary
        assert "Platform   linux/amd64" in summary and "Author     -" in summary
