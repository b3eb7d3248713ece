"""Retention rules: which tags of a repository a cleanup deletes, and why each other one stays.

A tag is deleted when it matches ``match`` (default: every tag), does not match ``keep``, is
not one of the ``keep_last`` newest of the matching tags, and, with ``older_than``, was
created before the cut-off. When a rule needs dates (``keep_last`` or ``older_than``), a
matching tag whose date is unknown is kept (``no date``): never delete what cannot be judged.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from tagtui.errors import UsageError
from tagtui.model import Tag
from tagtui.natsort import natural_key

# Why a tag stays; the words ``tagtui prune`` prints and its JSON carries.
NOT_MATCHED = "not matched"
KEEP_PATTERN = "keep pattern"
NO_DATE = "no date"
KEEP_LAST = "keep-last"
NEWER = "newer than cut-off"

_AGE = re.compile(r"^\s*(\d+)\s*([hdw])\s*$", re.IGNORECASE)
_UNITS = {"h": timedelta(hours=1), "d": timedelta(days=1), "w": timedelta(weeks=1)}


def compile_pattern(text: str | None, what: str) -> re.Pattern[str] | None:
    """A user's regular expression, searched anywhere in the tag name (anchor with ^ and $)."""
    if text is None or text == "":
        return None
    try:
        return re.compile(text)
    except re.error as err:
        raise UsageError(f"{what} is not a valid regular expression: {err}") from None


def parse_cutoff(text: str, now: datetime) -> datetime:
    """``90d``, ``12w``, ``36h`` before ``now``, or an ISO date (``2026-01-31``, midnight UTC)
    or date and time; always an aware UTC datetime."""
    match = _AGE.match(text)
    if match:
        amount, unit = int(match.group(1)), match.group(2).lower()
        return utc(now) - amount * _UNITS[unit]
    try:
        moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        try:
            moment = datetime.combine(date.fromisoformat(text.strip()), time())
        except ValueError:
            raise UsageError(
                f"--older-than {text!r}: give an age like 90d, 12w or 36h, or a date like "
                "2026-01-31"
            ) from None
    return utc(moment)


def utc(moment: datetime) -> datetime:
    """``moment`` as an aware UTC datetime (a naive one is taken as UTC)."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


@dataclass(frozen=True)
class Rules:
    """What the user asked for, as typed (shown back in the dry run and the JSON)."""

    match: str | None = None
    keep: str | None = None
    keep_last: int | None = None
    older_than: str | None = None

    @property
    def needs_dates(self) -> bool:
        return self.keep_last is not None or self.older_than is not None

    def as_json(self) -> dict[str, object]:
        return {
            "match": self.match,
            "keep": self.keep,
            "keepLast": self.keep_last,
            "olderThan": self.older_than,
        }

    def check(self, now: datetime) -> None:
        """Raise ``UsageError`` for a rule that cannot be applied (bad regex, age, count)."""
        compile_pattern(self.match, "--match")
        compile_pattern(self.keep, "--keep")
        if self.keep_last is not None and self.keep_last < 0:
            raise UsageError("--keep-last must be 0 or more")
        if self.older_than is not None:
            parse_cutoff(self.older_than, now)


@dataclass(frozen=True)
class Decision:
    """One tag: deleted (``reason`` None) or kept, and why."""

    tag: Tag
    reason: str | None

    @property
    def delete(self) -> bool:
        return self.reason is None


def decide(tags: Sequence[Tag], rules: Rules, now: datetime) -> list[Decision]:
    """Every tag with its fate, in the order given."""
    rules.check(now)
    match = compile_pattern(rules.match, "--match")
    keep = compile_pattern(rules.keep, "--keep")
    cutoff = parse_cutoff(rules.older_than, now) if rules.older_than else None
    matching = [t for t in tags if match is None or match.search(t.name)]
    newest: set[str] = set()
    if rules.keep_last:
        dated = [t for t in matching if t.created is not None]
        # Newest first; a tie is broken by name so the same tags are kept every run.
        dated.sort(key=lambda t: natural_key(t.name))
        dated.sort(key=lambda t: utc(t.created), reverse=True)  # type: ignore[arg-type]
        newest = {t.name for t in dated[: rules.keep_last]}
    matched = {t.name for t in matching}
    decisions = []
    for tag in tags:
        decisions.append(Decision(tag, _reason(tag, rules, matched, keep, newest, cutoff)))
    return decisions


def _reason(
    tag: Tag,
    rules: Rules,
    matched: set[str],
    keep: re.Pattern[str] | None,
    newest: set[str],
    cutoff: datetime | None,
) -> str | None:
    if tag.name not in matched:
        return NOT_MATCHED
    if keep is not None and keep.search(tag.name):
        return KEEP_PATTERN
    if rules.needs_dates and tag.created is None:
        return NO_DATE
    if tag.name in newest:
        return KEEP_LAST
    if cutoff is not None and tag.created is not None and utc(tag.created) >= cutoff:
        return NEWER
    return None
