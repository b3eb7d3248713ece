"""Snapshots of the compare view (issue 10 §2) at 80x24 and 160x48, on the fake provider's pairs
(fixed dates and digests): differences, everything folded for one image, the platform picker."""

from __future__ import annotations

from tagtui.ui.app import TagtuiApp
from tests.ui.compare_fakes import API, MULTI, compare_provider
from tests.ui.helpers import SnapCompare, keys

# Rows of shop/api: v1, v1-again, v2. Space marks v1 and moves down.
V1_V2 = ("space", "down", "equals_sign")
V1_V1_AGAIN = ("space", "equals_sign")


def test_compare_view_80x24(snap_compare: SnapCompare) -> None:
    app = TagtuiApp(compare_provider(), repository=API)
    assert snap_compare(app, terminal_size=(80, 24), run_before=keys(*V1_V2))


def test_compare_view_160x48(snap_compare: SnapCompare) -> None:
    app = TagtuiApp(compare_provider(), repository=API)
    assert snap_compare(app, terminal_size=(160, 48), run_before=keys(*V1_V2))


def test_compare_view_one_image_folds_every_section_80x24(snap_compare: SnapCompare) -> None:
    app = TagtuiApp(compare_provider(), repository=API)
    assert snap_compare(app, terminal_size=(80, 24), run_before=keys(*V1_V1_AGAIN))


def test_compare_view_platform_picker_80x24(snap_compare: SnapCompare) -> None:
    app = TagtuiApp(compare_provider(), repository=MULTI)
    assert snap_compare(app, terminal_size=(80, 24), run_before=keys("space", "equals_sign", "p"))


def test_compare_view_another_platform_160x48(snap_compare: SnapCompare) -> None:
    app = TagtuiApp(compare_provider(), repository=MULTI)
    run = keys("space", "equals_sign", "p", "down", "enter")
    assert snap_compare(app, terminal_size=(160, 48), run_before=run)
