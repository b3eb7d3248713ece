"""Tutum's JSON as records (images, tags and their layer facts) and the API's paths."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import quote, unquote

from tagtui.errors import UsageError
from tagtui.model import Extras, ImageConfig, Port
from tagtui.providers.http import integer, mapping, required_text, text, timestamp
from tagtui.providers.vendor_common import display_date, known_extras
from tagtui.text import sanitize

SERVICE = "Tutum API"
IMAGES = "/api/v1/image/"


@dataclass(frozen=True)
class ImageRecord:
    name: str
    tag_uris: tuple[str, ...]
    state: str | None
    description: str | None
    categories: tuple[str, ...]
    stars: int | None
    private: bool | None
    in_use: bool | None
    jumpstart: bool | None
    last_build: datetime | None
    public_url: str | None
    registry: str | None

    def extras(self) -> Extras:
        return known_extras(
            ("Image state", self.state),
            ("Description", self.description),
            ("Categories", ", ".join(self.categories) or None),
            ("Stars", str(self.stars) if self.stars is not None else None),
            ("Private", _yes_no(self.private)),
            ("In use", _yes_no(self.in_use)),
            ("Jumpstart", _yes_no(self.jumpstart)),
            ("Last build", display_date(self.last_build)),
            ("Registry", self.registry),
            ("Public URL", self.public_url),
        )


@dataclass(frozen=True)
class TagRecord:
    name: str
    full_name: str | None
    state: str | None
    config: ImageConfig
    docker_id: str | None
    layer_uri: str | None


def when(value: Any) -> datetime | None:
    """A Tutum date: RFC 2822 (``Fri, 8 Nov 2013 00:22:26 +0000``) or ISO with a space."""
    found = timestamp(value)
    if found is not None or not isinstance(value, str):
        return found
    try:
        parsed = parsedate_to_datetime(value.strip())
    except (TypeError, ValueError, IndexError):
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _flag(value: Any) -> bool | None:
    return value if isinstance(value, bool) else None


def _yes_no(value: bool | None) -> str | None:
    return None if value is None else ("yes" if value else "no")


def _state(value: Any) -> str | None:
    """States are compared case-insensitively ("SUCCESS" in the seed, "Success" in the docs)."""
    found = text(value)
    return found.strip().lower() if found else None


def parse_image(item: Any) -> ImageRecord:
    item = mapping(item, SERVICE, "an image")
    name = required_text(item, "name", SERVICE, "an image")
    tags = item.get("tags")
    return ImageRecord(
        name=name,
        tag_uris=tuple(t for t in tags if isinstance(t, str)) if isinstance(tags, list) else (),
        state=_state(item.get("state")),
        description=text(item.get("description")),
        categories=_fields(item.get("categories"), "name"),
        stars=integer(item.get("star_count")),
        private=_flag(item.get("is_private_image")),
        in_use=_flag(item.get("in_use")),
        jumpstart=_flag(item.get("jumpstart")),
        # The docs' table calls it last_build_data; the example says last_build_date.
        last_build=when(item.get("last_build_date") or item.get("last_build_data")),
        public_url=text(item.get("public_url")),
        registry=text(item.get("registry")),
    )


def _objects(value: Any) -> list[dict[str, Any]]:
    """The objects of a JSON list; anything else in it (or a list that is not one) is skipped."""
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def _pairs(value: Any) -> tuple[tuple[str, str], ...]:
    """``[{key, value}]`` (envvars, labels) in order; odd values shown as text, never dropped."""
    pairs: list[tuple[str, str]] = []
    for item in _objects(value):
        key = text(item.get("key"))
        if key is None:
            continue
        raw = item.get("value")
        pairs.append((key, raw if isinstance(raw, str) else (text(raw) or "")))
    return tuple(pairs)


def _ports(value: Any) -> tuple[Port, ...]:
    ports: list[Port] = []
    for item in _objects(value):
        number = integer(item.get("port"))
        if number is None:
            continue
        # Stray quotes and case ("'tcp" in the docs' own example) are not part of the protocol.
        protocol = (text(item.get("protocol")) or "tcp").strip().strip("'\"` ").lower() or "tcp"
        ports.append(Port(number, protocol))
    return tuple(ports)


def _fields(value: Any, key: str) -> tuple[str, ...]:
    """``key`` of each object in a list (category names, volume paths); others are skipped."""
    return tuple(str(o[key]) for o in _objects(value) if text(o.get(key)))


def _command(value: Any) -> tuple[str, ...] | None:
    """Entrypoint / run command: one string as Tutum sends it (not split: quoting unknown)."""
    if isinstance(value, list):
        words = tuple(v for v in value if isinstance(v, str))
        return words or None
    found = text(value)
    return (found,) if found and found.strip() else None


def parse_tag(item: Any, fallback_name: str) -> TagRecord:
    item = mapping(item, SERVICE, "an image tag")
    layer = item.get("layer") if isinstance(item.get("layer"), dict) else {}
    return TagRecord(
        name=text(item.get("name")) or fallback_name,
        full_name=text(item.get("full_name")),
        state=_state(item.get("state")),
        config=ImageConfig(
            author=text(layer.get("author")),
            created=when(layer.get("creation")),
            entrypoint=_command(layer.get("entrypoint")),
            cmd=_command(layer.get("run_command")),
            env=_pairs(layer.get("envvars")),
            labels=_pairs(layer.get("labels")),
            ports=_ports(layer.get("ports")),
            volumes=_fields(layer.get("volumes"), "container_path"),
        ),
        docker_id=text(layer.get("docker_id")),
        layer_uri=text(layer.get("resource_uri")),
    )


def image_path(name: str) -> str:
    """``/api/v1/image/{name}/`` with the name's slashes kept and each segment encoded."""
    segments = name.strip("/").split("/")
    if not name.strip("/") or any(s in ("", ".", "..") for s in segments):
        raise UsageError(f"invalid Tutum image name {sanitize(name)!r}")
    return IMAGES + "/".join(quote(s, safe=":@") for s in segments) + "/"


def tag_path(name: str, tag: str) -> str:
    if not tag or "/" in tag or tag in (".", ".."):
        raise UsageError(f"invalid Tutum tag {sanitize(tag)!r}")
    return f"{image_path(name)}tag/{quote(tag, safe='')}/"


def tag_name_of(uri: str) -> str | None:
    """The tag in ``/api/v1/image/<name>/tag/<tag>/``; None when the URI looks otherwise."""
    head, marker, last = uri.rstrip("/").rpartition("/tag/")
    if not marker or not head.startswith(IMAGES.rstrip("/")) or not last or "/" in last:
        return None
    return unquote(last)
