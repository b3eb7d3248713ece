"""Retention rules: which tags a cleanup deletes and the reason each other tag stays."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tagtui.cleanup.rules import (
    KEEP_LAST,
    KEEP_PATTERN,
    NEWER,
    NO_DATE,
    NOT_MATCHED,
    Rules,
    decide,
    parse_cutoff,
)
from tagtui.errors import UsageError
from tagtui.model import Tag

NOW = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)


def tag(name: str, days_ago: int | None) -> Tag:
    created = None if days_ago is None else NOW - timedelta(days=days_ago)
    return Tag(name=name, digest=f"sha256:{name}", created=created)


def fates(tags: list[Tag], rules: Rules) -> dict[str, str | None]:
    return {d.tag.name: d.reason for d in decide(tags, rules, NOW)}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("90d", NOW - timedelta(days=90)),
        ("12w", NOW - timedelta(weeks=12)),
        ("36h", NOW - timedelta(hours=36)),
        (" 2D ", NOW - timedelta(days=2)),
        ("2026-01-31", datetime(2026, 1, 31, tzinfo=UTC)),
        ("2026-01-31T10:00:00Z", datetime(2026, 1, 31, 10, tzinfo=UTC)),
    ],
)
def test_cutoff_forms(text: str, expected: datetime) -> None:
    assert parse_cutoff(text, NOW) == expected


@pytest.mark.parametrize("text", ["90", "3 months", "-5d", "2026-13-01", "d90"])
def test_bad_cutoff_is_a_usage_error(text: str) -> None:
    with pytest.raises(UsageError, match="90d, 12w or 36h"):
        parse_cutoff(text, NOW)


def test_no_rules_deletes_every_tag() -> None:
    tags = [tag("a", 1), tag("b", None)]
    assert fates(tags, Rules()) == {"a": None, "b": None}


def test_match_keep_and_keep_last() -> None:
    tags = [tag(f"pr-{n}", n) for n in range(1, 7)] + [tag("v1", 100), tag("pr-pinned", 200)]
    result = fates(tags, Rules(match="^pr-", keep="pinned", keep_last=2))
    assert result["v1"] == NOT_MATCHED
    assert result["pr-pinned"] == KEEP_PATTERN
    # pr-1 and pr-2 are the newest matching tags.
    assert result["pr-1"] == KEEP_LAST and result["pr-2"] == KEEP_LAST
    assert [n for n, r in result.items() if r is None] == ["pr-3", "pr-4", "pr-5", "pr-6"]


def test_older_than_and_undated() -> None:
    tags = [tag("old", 100), tag("new", 10), tag("unknown", None)]
    result = fates(tags, Rules(older_than="30d"))
    assert result == {"old": None, "new": NEWER, "unknown": NO_DATE}


def test_undated_tags_do_not_count_towards_keep_last() -> None:
    tags = [tag("a", 5), tag("b", None), tag("c", 1), tag("d", 9)]
    result = fates(tags, Rules(keep_last=1))
    assert result == {"a": None, "b": NO_DATE, "c": KEEP_LAST, "d": None}


def test_keep_last_ties_are_broken_by_name_every_time() -> None:
    tags = [tag("b", 3), tag("a", 3), tag("c", 3)]
    for order in (tags, tags[::-1]):
        assert fates(order, Rules(keep_last=1))["a"] == KEEP_LAST


def test_bad_pattern_is_a_usage_error_naming_the_option() -> None:
    with pytest.raises(UsageError, match="--keep is not a valid regular expression"):
        decide([tag("a", 1)], Rules(keep="("), NOW)
