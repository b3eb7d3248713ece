"""Scaleway's namespaces, images and tags from the registry/v1 JSON."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from tagtui.model import Tag
from tagtui.providers.http import digest, integer, mapping, required_text, text, timestamp

SERVICE = "Scaleway API"


@dataclass(frozen=True)
class Namespace:
    id: str
    name: str
    endpoint: str | None
    is_public: bool | None


@dataclass(frozen=True)
class ImageRecord:
    id: str
    name: str
    namespace: Namespace
    status: str | None
    status_message: str | None
    visibility: str | None
    size: int | None
    created: datetime | None
    updated: datetime | None
    tag_names: tuple[str, ...] | None

    @property
    def repository(self) -> str:
        return f"{self.namespace.name}/{self.name}"


@dataclass(frozen=True)
class TagRecord:
    id: str
    name: str
    digest: str | None
    status: str | None
    created: datetime | None
    updated: datetime | None

    def model(self) -> Tag:
        # "ready" is the normal state: only the others are worth a column.
        status = self.status if self.status not in (None, "ready") else None
        return Tag(name=self.name, digest=self.digest, created=self.created, status=status)


def parse_namespace(item: Any) -> Namespace:
    item = mapping(item, SERVICE, "a namespace")
    public = item.get("is_public")
    return Namespace(
        id=required_text(item, "id", SERVICE, "a namespace"),
        name=required_text(item, "name", SERVICE, "a namespace"),
        endpoint=text(item.get("endpoint")),
        is_public=public if isinstance(public, bool) else None,
    )


def parse_image(item: Any, namespace: Namespace) -> ImageRecord:
    item = mapping(item, SERVICE, "an image")
    tags = item.get("tags")
    names = tuple(t for t in tags if isinstance(t, str)) if isinstance(tags, list) else None
    return ImageRecord(
        id=required_text(item, "id", SERVICE, "an image"),
        name=required_text(item, "name", SERVICE, "an image"),
        namespace=namespace,
        status=text(item.get("status")),
        status_message=text(item.get("status_message")),
        visibility=text(item.get("visibility")),
        size=integer(item.get("size")),
        created=timestamp(item.get("created_at")),
        updated=timestamp(item.get("updated_at")),
        tag_names=names,
    )


def parse_tag(item: Any) -> TagRecord:
    item = mapping(item, SERVICE, "a tag")
    return TagRecord(
        id=required_text(item, "id", SERVICE, "a tag"),
        name=required_text(item, "name", SERVICE, "a tag"),
        digest=digest(item.get("digest")),
        status=text(item.get("status")),
        created=timestamp(item.get("created_at")),
        updated=timestamp(item.get("updated_at")),
    )
