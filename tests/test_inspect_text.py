"""``tagtui inspect``'s Size line: layers counted in good English, a vendor's size when it lists
none, and a vendor figure that covers more than the image never passed off as its size."""

from __future__ import annotations

import pytest

from tagtui.commands.inspect import detail_text
from tagtui.model import Image, Layer, TagDetail


def _size_line(image: Image) -> str:
    detail = TagDetail("r/app:1", "app", "1", "sha256:" + "a" * 64, None, image=image)
    (line,) = [x for x in detail_text(detail, image).splitlines() if x.startswith("Size")]
    return line.removeprefix("Size").strip()


@pytest.mark.parametrize(
    ("sizes", "expected"),
    [((118,), "118 B in 1 layer"), ((100, 18), "118 B in 2 layers")],
)
def test_layers_are_counted_in_english(sizes: tuple[int, ...], expected: str) -> None:
    layers = tuple(Layer(f"sha256:{n}", size=size) for n, size in enumerate(sizes))
    assert _size_line(Image("sha256:b", None, layers=layers)) == expected


def test_a_vendor_size_without_layers() -> None:
    image = Image("sha256:b", None, reported_size=1300)
    assert _size_line(image) == "1.3 KiB (1,300 bytes)"
    assert image.compressed_size == 1300


def test_a_vendor_size_for_more_than_the_image_says_what_it_covers() -> None:
    image = Image(
        "sha256:b", None, reported_size=123456789, reported_size_of="every tag of team/api"
    )
    assert _size_line(image) == "117.7 MiB for every tag of team/api"
    assert image.compressed_size is None


def test_nothing_known_is_a_dash() -> None:
    assert _size_line(Image(None, None)) == "-"
