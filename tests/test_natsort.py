from __future__ import annotations

import pytest

from tagtui.natsort import natural_key, natural_sorted


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


def _reference_key(name: str) -> tuple[tuple[int, int | str], ...]:
    # The plain definition: numbers as numbers, text as text, numbers first at one place.
    import re

    return tuple(
        (0, int(chunk)) if chunk.isdecimal() else (1, chunk.lower())
        for chunk in re.split(r"(\d+)", name)
        if chunk
    )


def test_the_fast_key_orders_as_the_plain_definition() -> None:
    import random

    rng = random.Random(7)
    alphabet = "ab-._Z0123456789"
    names = {"".join(rng.choice(alphabet) for _ in range(rng.randint(1, 12))) for _ in range(5000)}
    names |= {"1.9", "1.10", "t007", "t7b", "v2", "v10-rc1", "v10-rc10", "V10", "latest"}
    expected = sorted(sorted(names), key=_reference_key)
    assert sorted(sorted(names), key=natural_key) == expected
