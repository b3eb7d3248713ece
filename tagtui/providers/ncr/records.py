"""NCR's JSON as records: tags with their platforms (``images[]``) and what each one says."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from tagtui.model import Image, ImageConfig, Platform, Repository, Tag
from tagtui.providers.http import boolean, digest, integer, mapping, required_text, text, timestamp
from tagtui.providers.vendor_common import display_date, known_extras

SERVICE = "NCR API"
NO_CONFIG_NOTE = (
    "config and layers: not in the NCR API; pull the image from the registry's endpoint to see them"
)


def _digest(value: Any) -> str | None:
    found = text(value)
    # The documented example shows "sha256:sha256:..."; one algorithm prefix is meant.
    if found and found.startswith("sha256:sha256:"):
        found = found[len("sha256:") :]
    return digest(found)


@dataclass(frozen=True)
class PlatformRecord:
    platform: Platform
    created: datetime | None
    updated: datetime | None
    latest_pulled: datetime | None
    os_version: str | None

    def image(self) -> Image:
        platform = self.platform
        config = ImageConfig(
            created=self.created,
            os=None if platform.os == "unknown" else platform.os,
            architecture=None if platform.architecture == "unknown" else platform.architecture,
            variant=platform.variant,
        )
        extras = known_extras(
            ("Media type", platform.media_type),
            ("OS version", self.os_version),
            ("Updated", display_date(self.updated)),
            ("Last pulled", display_date(self.latest_pulled)),
            ("Note", NO_CONFIG_NOTE),
        )
        return Image(
            digest=platform.digest,
            media_type=platform.media_type,
            config=config,
            extras=extras,
            reported_size=platform.size,
        )


def parse_platform(item: Any) -> PlatformRecord | None:
    if not isinstance(item, dict):
        return None
    digest = _digest(item.get("digest"))
    if digest is None:
        return None
    platform = Platform(
        os=text(item.get("os")) or "unknown",
        architecture=text(item.get("architecture")) or "unknown",
        digest=digest,
        variant=text(item.get("variant")),
        size=integer(item.get("size")),
        media_type=text(item.get("mediaType")),
    )
    return PlatformRecord(
        platform=platform,
        created=timestamp(item.get("created")),
        updated=timestamp(item.get("updated")),
        latest_pulled=timestamp(item.get("latest_pulled")),
        os_version=text(item.get("os_version")),
    )


@dataclass(frozen=True)
class TagRecord:
    name: str
    digest: str | None
    size: int | None
    updated: datetime | None
    platforms: tuple[PlatformRecord, ...]
    dropped_platforms: int
    raw: dict[str, Any]

    def created(self) -> datetime | None:
        # The tag's last push; the platforms' own creation dates when it is absent.
        dates = [p.created for p in self.platforms if p.created]
        return self.updated or (min(dates) if dates else None)

    def model(self) -> Tag:
        return Tag(name=self.name, digest=self.digest, created=self.created(), size=self.size)


def parse_tag(item: Any) -> TagRecord:
    item = mapping(item, SERVICE, "a tag")
    name = required_text(item, "name", SERVICE, "a tag")
    images = item.get("images")
    entries = images if isinstance(images, list) else []
    platforms = tuple(p for p in (parse_platform(entry) for entry in entries) if p is not None)
    return TagRecord(
        name=name,
        digest=_digest(item.get("digest")),
        size=integer(item.get("full_size")),
        updated=timestamp(item.get("last_updated")),
        platforms=platforms,
        dropped_platforms=len(entries) - len(platforms),
        raw=item,
    )


def parse_repository(registry: str, item: Any) -> Repository:
    """An image of ``registry`` (``images[]`` of ``/repositories/{registry}``) as a repository."""
    item = mapping(item, SERVICE, "an image")
    name = required_text(item, "name", SERVICE, "an image")
    private = boolean(item.get("is_private"))
    extras = known_extras(
        ("Description", text(item.get("description"))),
        ("Visibility", None if private is None else ("private" if private else "public")),
        ("Pulls", text(item.get("pull_count"))),
        ("Updated", display_date(timestamp(item.get("last_updated")))),
        ("Status", text(item.get("status"))),
    )
    return Repository(name=f"{registry}/{name}", extras=extras)
