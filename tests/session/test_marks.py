"""TagMarks: the marked tag names, with no app."""

from __future__ import annotations

from tagtui.session.marks import TagMarks


def test_starts_empty() -> None:
    marks = TagMarks()
    assert not marks
    assert len(marks) == 0
    assert "latest" not in marks
    assert marks.ordered(["latest", "1.0"]) == []


def test_toggle_returns_the_new_state() -> None:
    marks = TagMarks()
    assert marks.toggle("latest") is True
    assert "latest" in marks and marks and len(marks) == 1
    assert marks.toggle("latest") is False
    assert "latest" not in marks and not marks


def test_mark_and_unmark_many() -> None:
    marks = TagMarks()
    marks.mark(["1.0", "1.2", "latest"])
    marks.mark(["1.0"])  # marking twice is still one mark
    assert len(marks) == 3
    marks.unmark(["1.2", "not-marked"])
    assert set(marks) == {"1.0", "latest"}


def test_clear() -> None:
    marks = TagMarks()
    marks.mark(["a", "b"])
    marks.clear()
    assert not marks and len(marks) == 0


def test_keep_only_drops_the_names_no_longer_listed() -> None:
    marks = TagMarks()
    marks.mark(["1.0", "1.2", "gone"])
    dropped = marks.keep_only(iter(["1.0", "1.2", "1.10"]))  # any iterable, once
    assert dropped == {"gone"}
    assert set(marks) == {"1.0", "1.2"}
    assert marks.keep_only(["1.0", "1.2"]) == set()
    assert TagMarks().keep_only([]) == set()


def test_ordered_follows_the_given_order() -> None:
    marks = TagMarks()
    marks.mark(["latest", "1.10", "1.2"])
    assert marks.ordered(["1.2", "1.9", "1.10", "latest"]) == ["1.2", "1.10", "latest"]
    # Another sort, another order; names not in the order (filtered away) are left out.
    assert marks.ordered(["latest", "1.2"]) == ["latest", "1.2"]


def test_hostile_names_are_plain_strings() -> None:
    marks = TagMarks()
    name = "[red]x[/red]\x1b[2J"
    assert marks.toggle(name)
    assert marks.ordered([name]) == [name]
