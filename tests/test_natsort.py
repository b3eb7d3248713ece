from __future__ import annotations

import pytest

from tagtui.natsort import natural_sorted


def test_numbers_compare_as_numbers() -> None:
    assert natural_sorted(["t10", "t2", "t1", "1.10", "1.9", "latest"]) == [
        "1.9",
        "1.10",
        "latest",
        "t1",
        "t2",
        "t10",
    ]


@pytest.mark.parametrize("odd", ["v1²", "v½", "٣", "x\u0663y", "⑩", "v1\x00"])
def test_odd_unicode_digits_never_crash(odd: str) -> None:
    # "²".isdigit() is True but int("²") raises: hostile tag names must still sort.
    assert odd in natural_sorted(["v1", odd, "v2"])
