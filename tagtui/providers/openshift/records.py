"""An image stream's JSON as records: its tags, their history and their conditions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from tagtui.errors import BadResponse
from tagtui.model import Extras, Tag, TagRevision
from tagtui.providers.http import digest, mapping, text, timestamp
from tagtui.providers.vendor_common import display_date, known_extras

SERVICE = "OpenShift API"


@dataclass(frozen=True)
class Event:
    """One TagEvent: the image a tag pointed at, and since when."""

    digest: str | None
    created: datetime | None
    reference: str | None


@dataclass(frozen=True)
class StreamTag:
    name: str
    spec: dict[str, Any] | None
    events: tuple[Event, ...]
    conditions: tuple[dict[str, Any], ...]

    @property
    def current(self) -> Event | None:
        return self.events[0] if self.events else None

    @property
    def import_failure(self) -> str | None:
        for condition in self.conditions:
            if condition.get("type") == "ImportSuccess" and condition.get("status") == "False":
                return text(condition.get("message")) or text(condition.get("reason")) or "failed"
        return None

    def model(self) -> Tag:
        current = self.current
        status = None
        if self.import_failure is not None:
            status = "import failed"
        elif current is None or current.digest is None:
            status = "no image"
        revisions = tuple(
            TagRevision(digest=e.digest, created=e.created, reference=e.reference)
            for e in self.events[1:]
            if e.digest
        )
        return Tag(
            name=self.name,
            digest=current.digest if current else None,
            created=current.created if current else None,
            status=status,
            revisions=revisions,
        )


@dataclass(frozen=True)
class Stream:
    name: str
    uid: str | None
    created: datetime | None
    repository: str | None
    public_repository: str | None
    tags: tuple[StreamTag, ...]

    def tag(self, name: str) -> StreamTag | None:
        return next((t for t in self.tags if t.name == name), None)


def parse_event(item: Any) -> Event | None:
    if not isinstance(item, dict):
        return None
    return Event(
        digest=digest(item.get("image")),
        created=timestamp(item.get("created")),
        reference=text(item.get("dockerImageReference")),
    )


def parse_status_tag(item: Any) -> tuple[str, tuple[Event, ...], tuple[dict[str, Any], ...]] | None:
    if not isinstance(item, dict):
        return None
    name = text(item.get("tag"))
    if name is None:
        return None
    items = item.get("items")
    events = tuple(e for e in map(parse_event, items if isinstance(items, list) else []) if e)
    raw_conditions = item.get("conditions")
    conditions = tuple(
        c
        for c in (raw_conditions if isinstance(raw_conditions, list) else [])
        if isinstance(c, dict)
    )
    return name, events, conditions


def parse_stream(item: Any) -> Stream:
    item = mapping(item, SERVICE, "an image stream")
    metadata = item.get("metadata") if isinstance(item.get("metadata"), dict) else {}
    name = text(metadata.get("name"))
    if name is None:
        raise BadResponse(f"{SERVICE} sent an image stream without metadata.name")
    spec = item.get("spec") if isinstance(item.get("spec"), dict) else {}
    status = item.get("status") if isinstance(item.get("status"), dict) else {}
    specs: dict[str, dict[str, Any]] = {}
    for entry in spec.get("tags") or []:
        if isinstance(entry, dict) and text(entry.get("name")):
            specs.setdefault(str(entry["name"]), entry)
    statuses: dict[str, tuple[tuple[Event, ...], tuple[dict[str, Any], ...]]] = {}
    for entry in status.get("tags") or []:
        parsed = parse_status_tag(entry)
        if parsed is not None:
            statuses.setdefault(parsed[0], (parsed[1], parsed[2]))
    # An ImageTag exists for every spec or status tag: the union, spec order first.
    names = list(specs) + [n for n in statuses if n not in specs]
    tags = tuple(
        StreamTag(
            name=n,
            spec=specs.get(n),
            events=statuses.get(n, ((), ()))[0],
            conditions=statuses.get(n, ((), ()))[1],
        )
        for n in names
    )
    return Stream(
        name=name,
        uid=text(metadata.get("uid")),
        created=timestamp(metadata.get("creationTimestamp")),
        repository=text(status.get("dockerImageRepository")),
        public_repository=text(status.get("publicDockerImageRepository")),
        tags=tags,
    )


def spec_extras(spec: dict[str, Any] | None) -> Extras:
    if not spec:
        return (("Spec", "none (the tag exists only in the stream's status)"),)
    source = spec.get("from") if isinstance(spec.get("from"), dict) else {}
    origin = None
    if text(source.get("name")):
        namespace = text(source.get("namespace"))
        where = f"{namespace}/" if namespace else ""
        origin = f"{text(source.get('kind')) or '?'} {where}{source['name']}"
    policy = spec.get("referencePolicy") if isinstance(spec.get("referencePolicy"), dict) else {}
    importing = spec.get("importPolicy") if isinstance(spec.get("importPolicy"), dict) else {}
    flags = [name for name in ("scheduled", "insecure") if importing.get(name) is True]
    mode = text(importing.get("importMode"))
    if mode:
        flags.append(f"importMode={mode}")
    annotations = spec.get("annotations") if isinstance(spec.get("annotations"), dict) else {}
    return known_extras(
        ("Tag from", origin),
        ("Reference policy", text(policy.get("type"))),
        ("Import policy", ", ".join(flags) if flags else None),
        ("Reference only", "yes (not imported)" if spec.get("reference") is True else None),
        ("Spec generation", text(spec.get("generation"))),
        *((f"Annotation {k}", text(v) or "") for k, v in annotations.items()),
    )


def status_extras(tag: StreamTag) -> Extras:
    pairs: list[tuple[str, str | None]] = []
    if tag.current is not None:
        pairs.append(("Tagged", display_date(tag.current.created)))
        pairs.append(("Current reference", tag.current.reference))
    older = len(tag.events) - 1
    if older > 0:
        pairs.append(("History", f"{older} older image{'s' if older != 1 else ''}"))
    for condition in tag.conditions:
        kind = text(condition.get("type")) or "Condition"
        said = [text(condition.get("status")), text(condition.get("reason"))]
        message = text(condition.get("message"))
        value = " ".join(s for s in said if s) + (f": {message}" if message else "")
        pairs.append((f"Condition {kind}", value or None))
    return known_extras(*pairs)
