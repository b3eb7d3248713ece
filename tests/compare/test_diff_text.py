"""``tagtui diff``'s text on model objects: how each kind of change reads, layers shared past
the common base, and registry text that cannot touch the terminal."""

from __future__ import annotations

from datetime import UTC, datetime

from tagtui.commands.diff import change_text, comparison_json, comparison_text
from tagtui.compare import Side, compare
from tagtui.compare.model import ConfigChange
from tagtui.model import HistoryEntry, Image, ImageConfig, Layer

HOSTILE = "\x1b[31mred\x1b]8;;http://x\x07link\u202eevil\u200b"


def _layer(name: str, created_by: str = "") -> Layer:
    return Layer(f"sha256:{name * 64}", size=1024, created_by=created_by or f"RUN {name}")


def _side(reference: str, config: ImageConfig, *layers: Layer) -> Side:
    return Side.of_image(reference, Image(f"sha256:{reference}", None, config, layers))


def test_each_kind_of_change_reads_as_a_line() -> None:
    assert change_text(ConfigChange("user", None, None, "app")) == "  + user         app"
    assert change_text(ConfigChange("cmd", None, ("a",), None)) == '  - cmd          ["a"]'
    assert change_text(ConfigChange("workingDir", None, "/a", "/b")) == "  ~ workingDir   /a -> /b"
    assert change_text(ConfigChange("env", "X", "1", "2")) == "  ~ env          X: 1 -> 2"
    assert change_text(ConfigChange("env", "X", None, "")) == "  + env          X="
    assert change_text(ConfigChange("labels", "k", "v", None)) == "  - labels       k=v"
    assert change_text(ConfigChange("ports", "80/tcp", None, "80/tcp")) == (
        "  + ports        80/tcp"
    )


def test_layers_shared_past_the_base_are_listed() -> None:
    base, moved = _layer("0"), _layer("m")
    a = _side("a", ImageConfig(), base, _layer("a"), moved)
    b = _side("b", ImageConfig(), base, moved, _layer("b"))
    lines = comparison_text(compare(a, b)).splitlines()
    assert (
        "Layers: 2 shared (2.0 KiB, the first 1 a common base), 1 only in A (1.0 KiB), "
        "1 only in B (1.0 KiB)"
    ) in lines
    assert f"  = {moved.digest}     1.0 KiB  RUN m" in lines
    assert "Config: same" in lines and "History: same (0 entries)" in lines
    data = comparison_json(compare(a, b))
    assert data["layers"]["sharedBase"] == 1
    assert [layer["digest"] for layer in data["layers"]["shared"]] == [base.digest, moved.digest]


def test_registry_text_is_shown_not_obeyed() -> None:
    when = datetime(2024, 1, 1, tzinfo=UTC)
    a = _side(
        f"r/{HOSTILE}",
        ImageConfig(
            env=((HOSTILE, HOSTILE),),
            labels=(("k", "old"),),
            user=HOSTILE,
            entrypoint=(HOSTILE,),
            history=(HistoryEntry(when, f"RUN {HOSTILE}"),),
        ),
        _layer("a", f"RUN {HOSTILE}"),
    )
    b = _side("r/b", ImageConfig(labels=(("k", HOSTILE),), working_dir=HOSTILE))
    out = comparison_text(compare(a, b))
    for raw in ("\x1b", "\x07", "\u202e", "\u200b"):
        assert raw not in out
    shown = "\\x1b[31mred\\x1b]8;;http://x\\x07link<U+202E>evil<U+200B>"
    lines = out.splitlines()
    assert lines[0] == f"A  r/{shown}"
    assert f"  - env          {shown}={shown}" in lines
    assert f"  ~ labels       k: old -> {shown}" in lines
    assert f"  - user         {shown}" in lines
    # argv is shown as JSON (as inspect shows it): controls in it are JSON escapes.
    argv = "\\u001b[31mred\\u001b]8;;http://x\\u0007link<U+202E>evil<U+200B>"
    assert f'  - entrypoint   ["{argv}"]' in lines
    assert f"  + workingDir   {shown}" in lines
    assert f"  - {_layer('a').digest}     1.0 KiB  RUN {shown}" in lines
    assert f"  - 2024-01-01T00:00:00+00:00  RUN {shown}" in lines


def test_images_without_a_layer_list_say_so() -> None:
    # NCR-like: a size from the API, no layers to compare.
    a = Side.of_image("r:a", Image("sha256:a", None, reported_size=1300))
    whole = Image("sha256:b", None, reported_size=9000, reported_size_of="every tag of team/api")
    b = Side.of_image("r:b", whole)
    lines = comparison_text(compare(a, b)).splitlines()
    assert "Layers: none listed" in lines
    assert "   size      1.3 KiB (1,300 bytes)" in lines
    assert "   size      8.8 KiB for every tag of team/api" in lines
