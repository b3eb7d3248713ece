"""Huge images (issue 14 §3): the detail panel holds what is on screen plus caps, never all.

50,000 environment entries, a 10 MB label and 10,000 layers used to take the panel 4 to 12 s
to lay out on every pass; keys lagged for seconds. A section now shows its first rows and says
how many more there are; ``+`` shows more; a value shows its start and how long it is.
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from tagtui.model import Image, Layer
from tagtui.ui.app import TagtuiApp
from tagtui.ui.screens.help import HelpScreen
from tagtui.ui.widgets.detail_sections import CHARS_SHOWN, ROWS_SHOWN, ROWS_STEP
from tests.ui.conftest import settle
from tests.ui.fakes import FakeProvider, digest_of, make_image
from tests.ui.helpers import main_screen, notification_texts

REPO = "huge/app"
ENTRIES = 50_000
LABEL = 10_000_000
LAYERS = 10_000


def huge_images() -> dict[str, Image]:
    layers = tuple(
        Layer(digest=digest_of(f"layer-{n}"), size=n, created_by=f"RUN step {n}")
        for n in range(LAYERS)
    )
    return {
        "env": make_image("env", env=tuple((f"VAR_{n}", f"value {n}") for n in range(ENTRIES))),
        "label": make_image("label", labels=(("big", "x" * (LABEL - 3) + "END"),)),
        "layers": replace(make_image("layers"), layers=layers),
    }


async def open_huge(kind: str):  # type: ignore[no-untyped-def]
    provider = FakeProvider()
    for name, image in huge_images().items():
        provider.add_image_tag(REPO, name, image)
    return TagtuiApp(provider, repository=REPO, tag=kind)


@pytest.mark.parametrize(
    ("kind", "section", "more"),
    [
        ("env", "Environment", f"… {ENTRIES - ROWS_SHOWN:,} more · + shows more"),
        ("label", "Labels", f"… ({LABEL - CHARS_SHOWN:,} more characters)"),
        ("layers", "Layers", f"… {LAYERS - ROWS_SHOWN:,} more · + shows more"),
    ],
)
async def test_a_huge_section_shows_its_start_and_how_much_more(
    kind: str, section: str, more: str
) -> None:
    app = await open_huge(kind)
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(pilot)
        panel = main_screen(app).detail
        assert panel.view is not None and panel.view.reference.endswith(f":{kind}")
        text = panel.section_text(section)
        assert more in " ".join(text.split())
        # Only the caps were laid out: a few hundred lines, not 50,000 or 10 MB folded.
        assert panel.virtual_size.height < 3 * ROWS_SHOWN + 100
        assert "END" not in text
        # Keys are answered while it is shown: the help opens and closes.
        await pilot.press("question_mark")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(app.screen, HelpScreen)


async def test_plus_shows_more_of_the_section_on_screen() -> None:
    app = await open_huge("env")
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(pilot)
        screen = main_screen(app)
        panel = screen.detail
        panel.focus()
        await pilot.press("G")  # to the end: the Environment's "more" line is far above
        await settle(pilot)
        await pilot.press("g", "plus")
        await settle(pilot)
        shown = ROWS_SHOWN + ROWS_STEP
        text = panel.section_text("Environment")
        assert f"VAR_{shown - 1} " in text and f"VAR_{shown} " not in text
        assert f"… {ENTRIES - shown:,} more" in text
        # A new view starts with the caps again.
        assert panel.view is not None
        panel.show(replace(panel.view))
        assert f"… {ENTRIES - ROWS_SHOWN:,} more" in panel.section_text("Environment")


async def test_scroll_keys_move_the_detail() -> None:
    app = await open_huge("layers")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        panel = main_screen(app).detail
        panel.focus()
        await pilot.press("j", "j", "j")
        await settle(pilot)
        assert panel.scroll_y == 3
        await pilot.press("G")
        await settle(pilot)
        assert panel.scroll_y == panel.max_scroll_y > 3
        await pilot.press("k", "g")
        await settle(pilot)
        assert panel.scroll_y == 0


async def test_everything_shown_says_so() -> None:
    provider = FakeProvider()
    provider.add_image_tag(REPO, "small", make_image("small"))
    app = TagtuiApp(provider, repository=REPO, tag="small")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        main_screen(app).detail.focus()
        await pilot.press("plus")
        await settle(pilot)
        assert any(t.endswith("Everything is shown.") for t in notification_texts(app))
