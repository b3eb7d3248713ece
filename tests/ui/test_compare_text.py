"""What the compare view says, on model objects alone: one section folded while another is not,
huge images capped, hostile values literal, signs that carry the meaning without colour."""

from __future__ import annotations

from tagtui.compare import Side, compare
from tagtui.model import HistoryEntry, Image, ImageConfig, Layer
from tagtui.ui.widgets.compare_text import ROWS_SHOWN, SIGN_STYLES, sections, sides_table
from tests.ui.fakes import ANSI, MARKUP, OSC_TITLE, digest_of


def _layer(n: int, seed: str = "x", created_by: str | None = None) -> Layer:
    return Layer(digest_of(f"{seed}-{n}"), size=1024, created_by=created_by or f"RUN step {n}")


def _side(name: str, config: ImageConfig, layers: tuple[Layer, ...]) -> Side:
    return Side.of_image(f"r/app:{name}", Image(f"sha256:{name:0>64}", None, config, layers))


def test_an_equal_section_folds_while_the_others_list_their_differences() -> None:
    config = ImageConfig(env=(("MODE", "prod"),))
    a = _side("a", config, (_layer(1), _layer(2)))
    b = _side("b", config, (_layer(1), _layer(3)))
    text = sections(compare(a, b), open_shared=False).plain
    lines = text.splitlines()
    assert "Config: identical" in lines
    assert "History: identical (0 entries)" in lines
    assert lines[2].startswith("Layers: 1 shared (1.0 KiB, the common base) · 1 only in A")
    assert "  - " + _layer(2).digest[7:19] in text and "  + " + _layer(3).digest[7:19] in text
    assert _layer(1).digest[7:19] not in text  # the common base: counted, not listed
    opened = sections(compare(a, b), open_shared=True).plain
    assert "  = " + _layer(1).digest[7:19] in opened


def test_a_huge_image_shows_its_first_rows_and_counts_the_rest() -> None:
    many = tuple(_layer(n, "a") for n in range(10_000))
    a = _side("a", ImageConfig(env=tuple((f"V{n}", "1") for n in range(2_000))), many)
    b = _side("b", ImageConfig(), ())
    text = sections(compare(a, b), open_shared=False).plain
    assert "Config: 2,000 differences" in text
    assert f"… and {2_000 - ROWS_SHOWN:,} more" in text
    assert f"… and {10_000 - ROWS_SHOWN:,} more" in text
    assert len(text.splitlines()) < 3 * ROWS_SHOWN


def test_hostile_values_are_literal_text_and_signs_carry_the_meaning() -> None:
    a = _side(
        "a",
        ImageConfig(env=(("MARKUP", MARKUP),), history=(HistoryEntry(created_by=OSC_TITLE),)),
        (_layer(1, created_by=f"RUN {ANSI}"),),
    )
    b = _side("b", ImageConfig(env=(("MARKUP", ANSI),)), ())
    content = sections(compare(a, b), open_shared=False)
    text = content.plain
    assert f"~ env          MARKUP: {MARKUP} → \\x1b[31mred\\x1b[0m" in text
    assert "RUN \\x1b[31mred\\x1b[0m" in text and "\\x1b]0;pwned\\x07" in text
    assert "\x1b" not in text and "\x07" not in text
    # Every coloured span covers a sign only: the colour repeats what the sign says.
    coloured = {SIGN_STYLES[sign] for sign in "+-~"}
    for span in content.spans:
        style = str(span.style)
        if any(colour in style for colour in coloured):
            assert text[span.start : span.end] in "+-~", (span, text[span.start : span.end])
    header = sides_table(compare(a, b), digest_chars=16)
    assert header.row_count == 5
