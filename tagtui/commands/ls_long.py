"""``tagtui ls -l`` and ``tagtui ls --json``: tags with digest, date and size, for people and
for scripts.

One line per tag: ``TAG  DIGEST  CREATED  SIZE``, columns aligned, ``-`` for what cannot be
found (the tag still prints). SIZE is the compressed image size; for an index, the preferred
platform's (as the detail panel shows it) followed by the number of platforms.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any, TextIO

from tagtui.errors import UsageError
from tagtui.model import Tag
from tagtui.providers.base import sorted_tags
from tagtui.targets import Target
from tagtui.text import human_size, sanitize

JSON_SCHEMA_VERSION = 1


async def run_ls_long(target: Target, out: TextIO, *, long: bool, sort: str, as_json: bool) -> int:
    provider, repository = target.provider, target.location.repository
    if repository is None:
        if long:
            raise UsageError("ls -l needs a repository: REGISTRY/REPOSITORY")
        names = [repo.name async for page in provider.list_repositories() for repo in page]
        document = {
            "schemaVersion": JSON_SCHEMA_VERSION,
            "registry": provider.display_name,
            "repositories": names,
        }
        write_json(document, out)
        return 0
    tags = await provider.list_tags(repository)
    if long:
        tags = [tag async for tag in provider.describe_tags(repository, tags)]
    tags = sorted_tags(tags, "newest" if sort == "newest" else None)
    if as_json:
        document = {
            "schemaVersion": JSON_SCHEMA_VERSION,
            "registry": provider.display_name,
            "repository": repository,
            "tags": [tag_json(tag, long=long) for tag in tags],
        }
        write_json(document, out)
        return 0
    out.write(long_text(tags))
    return 0


def write_json(document: dict[str, Any], out: TextIO) -> None:
    """One JSON document, ASCII only, then a newline (``ls --json``, ``prune --json``)."""
    json.dump(document, out, indent=2, ensure_ascii=True, allow_nan=False)
    out.write("\n")


def created_text(value: datetime | None) -> str | None:
    """UTC, to the second: ``2024-05-01T12:00:00Z``."""
    if value is None:
        return None
    if value.tzinfo is not None:
        value = value.astimezone(UTC)
    return value.replace(tzinfo=None, microsecond=0).isoformat() + "Z"


def tag_json(tag: Tag, *, long: bool) -> dict[str, Any]:
    item: dict[str, Any] = {"name": tag.name, "digest": tag.digest}
    if long:
        item.update(
            created=created_text(tag.created),
            size=tag.size,
            mediaType=tag.media_type,
            platforms=tag.platform_count,
        )
    return item


def size_text(tag: Tag) -> str:
    size = human_size(tag.size)
    if tag.platform_count is None:
        return size
    count = tag.platform_count
    return f"{size} ({count} platform{'' if count == 1 else 's'})"


def long_text(tags: list[Tag]) -> str:
    rows = [
        (
            sanitize(tag.name),
            sanitize(tag.digest or "-"),
            created_text(tag.created) or "-",
            size_text(tag),
        )
        for tag in tags
    ]
    if not rows:
        return ""
    name_width = max(len(row[0]) for row in rows)
    digest_width = max(len(row[1]) for row in rows)
    return "".join(
        f"{name.ljust(name_width)}  {digest.ljust(digest_width)}  {created.ljust(20)}  {size}\n"
        for name, digest, created, size in rows
    )
