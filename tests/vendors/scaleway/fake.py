"""A fake Scaleway Container Registry API (registry/v1) on 127.0.0.1, as documented.

Endpoints under ``/registry/v1/regions/{region}``: list/get namespaces, list/get images, list
tags (``page``, ``page_size`` <= 100, ``order_by``, exact ``name``), get and delete tags. Auth is
``X-Auth-Token`` (401 ``denied_authentication`` otherwise); errors are Scaleway's JSON shape.

Delete follows the documented rule: when other tags share the digest the deletion fails unless
``force=true``. What force does to the other tags is undocumented, so the fake can do either
(``siblings_removed``) and tests check that tagtui reports what really happened.
"""

from __future__ import annotations

import hashlib
import threading
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from tests.vendors.fake_http import FakeRequest, FakeResponse, FakeServer, json_response

SECRET = "11111111-2222-4333-8444-555555555555"
REGION = "fr-par"
BASE = f"/registry/v1/regions/{REGION}"
HOSTILE_TAG = "v9-[red]x[/red]\x1b[31m"
HOSTILE_MESSAGE = "scan says \x1b]0;pwned\x07[bold]hi[/bold]"
START = datetime(2024, 1, 1, tzinfo=UTC)


def _stamp(minutes: int, *, nanos: bool = False) -> str:
    moment = START + timedelta(minutes=minutes)
    if nanos:  # Scaleway's Go backend may send more than 6 fractional digits
        return moment.strftime("%Y-%m-%dT%H:%M:%S.") + "123456789Z"
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def digest(n: int) -> str:
    """A realistic-looking digest, distinct per ``n`` (short digests differ too)."""
    return "sha256:" + hashlib.sha256(f"image-{n}".encode()).hexdigest()


def scw_error(status: int, message: str, kind: str, **more: Any) -> FakeResponse:
    return json_response(status, {"message": message, "type": kind, **more})


@dataclass
class ScalewayState:
    namespaces: list[dict[str, Any]] = field(default_factory=list)
    images: list[dict[str, Any]] = field(default_factory=list)
    tags: list[dict[str, Any]] = field(default_factory=list)

    def namespace(self, name: str, *, public: bool = False) -> dict[str, Any]:
        item = {
            "id": str(uuid.uuid4()),
            "name": name,
            "description": "",
            "organization_id": "org",
            "project_id": "proj",
            "status": "ready",
            "status_message": "",
            "endpoint": f"rg.{REGION}.scw.cloud/{name}",
            "is_public": public,
            "size": 0,
            "created_at": _stamp(0),
            "updated_at": _stamp(1),
            "image_count": 0,
            "region": REGION,
        }
        self.namespaces.append(item)
        return item

    def image(self, namespace: dict[str, Any], name: str, **fields: Any) -> dict[str, Any]:
        item = {
            "id": str(uuid.uuid4()),
            "name": name,
            "namespace_id": namespace["id"],
            "status": "ready",
            "status_message": None,
            "visibility": "inherit",
            "size": 123456789,
            "created_at": _stamp(2),
            "updated_at": None,
            "tags": [],
            **fields,
        }
        self.images.append(item)
        namespace["image_count"] += 1
        return item

    def tag(
        self, image: dict[str, Any], name: str, digest_value: str, minute: int, **fields: Any
    ) -> dict[str, Any]:
        item = {
            "id": str(uuid.uuid4()),
            "name": name,
            "image_id": image["id"],
            "status": "ready",
            "digest": digest_value,
            "created_at": _stamp(minute, nanos=minute % 2 == 1),
            "updated_at": _stamp(minute + 1),
            **fields,
        }
        self.tags.append(item)
        image["tags"].append(name)
        return item

    def find_image(self, repository: str) -> dict[str, Any]:
        ns_name, _, name = repository.partition("/")
        ns = next(n for n in self.namespaces if n["name"] == ns_name)
        return next(i for i in self.images if i["namespace_id"] == ns["id"] and i["name"] == name)

    def find_tag(self, repository: str, name: str) -> dict[str, Any]:
        image = self.find_image(repository)
        return next(t for t in self.tags if t["image_id"] == image["id"] and t["name"] == name)

    def tag_names(self, repository: str) -> set[str]:
        image = self.find_image(repository)
        return {t["name"] for t in self.tags if t["image_id"] == image["id"]}


def seeded_state() -> ScalewayState:
    """team/api: 150 tags (paging), latest/stable/v1.0.0 share a digest, a hostile tag name.

    team/web: three tags; ops/tools/cli: an image name with a slash; bulk: 120 images.
    """
    state = ScalewayState()
    team = state.namespace("team")
    api = state.image(
        team, "api", status="ready", status_message=HOSTILE_MESSAGE, visibility="private"
    )
    for n in range(1, 147):
        state.tag(api, f"build-{n}", digest(1000 + n), minute=10 + n)
    state.tag(api, "v1.0.0", digest(7), minute=300)
    state.tag(api, "stable", digest(7), minute=301)
    state.tag(api, "latest", digest(7), minute=302, status="deleting")
    state.tag(api, HOSTILE_TAG, digest(8), minute=303)
    web = state.image(team, "web", visibility="public", size=None)
    for n, name in enumerate(["v2", "v10", "v1"]):
        state.tag(web, name, digest(20 + n), minute=400 + n)
    ops = state.namespace("ops", public=True)
    cli = state.image(ops, "tools/cli")
    state.tag(cli, "1.0", digest(30), minute=500)
    bulk = state.namespace("bulk")
    for n in range(120):
        state.image(bulk, f"img-{n:03d}")
    return state


class ScalewayFake:
    """The API over a ``ScalewayState``; fault switches are plain attributes."""

    def __init__(self, state: ScalewayState | None = None) -> None:
        self.state = state or seeded_state()
        self.lock = threading.Lock()
        self.secret = SECRET
        # Documented: deletion fails without force when the digest is shared. How it fails
        # (status and body) is not documented; these are settable.
        self.refusal_status = 412
        self.refusal_type = "precondition_failed"
        # Whether a refusal happens at all (force is deprecated: an API may stop requiring it).
        self.requires_force = True
        # What goes with the tag: "never" the siblings, "with force", or "always" (an API
        # breaking its docs; tagtui must still report it).
        self.siblings_removed = "never"
        # Fault: every listing answers its first page forever, whatever `page` says.
        self.repeat_pages = False
        # Fault: the cursor moves on every page while the items repeat (page one again).
        self.drift_pages = False
        # Fault: total_count lies (pages never run out on their own).
        self.total_count_override: int | None = None
        # Hook run just before a DELETE is applied (to move a tag between plan and delete).
        self.before_delete: Any = None
        self.server = FakeServer(self.route)

    @property
    def url(self) -> str:
        return self.server.url

    # --- routing ------------------------------------------------------------------------------

    def route(self, request: FakeRequest) -> FakeResponse:
        if request.header("x-auth-token") != self.secret:
            return json_response(
                401,
                {
                    "message": "authentication is denied",
                    "method": "api_key",
                    "reason": "invalid_argument",
                    "type": "denied_authentication",
                },
            )
        parts = request.segments
        if parts[:3] != ["registry", "v1", "regions"] or len(parts) < 5:
            return scw_error(404, "resource is not found", "not_found")
        if parts[3] != REGION:
            return scw_error(400, "invalid region", "invalid_arguments")
        rest = parts[4:]
        with self.lock:
            return self._dispatch(request, rest)

    def _dispatch(self, request: FakeRequest, rest: list[str]) -> FakeResponse:
        method = request.method
        query = request.query
        if method == "GET" and rest == ["namespaces"]:
            items = self._filter(self.state.namespaces, query, "name")
            return self._page(items, query, "namespaces")
        if method == "GET" and rest == ["images"]:
            items = self.state.images
            if "namespace_id" in query:
                items = [i for i in items if i["namespace_id"] == query["namespace_id"]]
            return self._page(self._filter(items, query, "name"), query, "images")
        if method == "GET" and len(rest) == 2 and rest[0] in ("namespaces", "images", "tags"):
            collection = getattr(self.state, rest[0])
            for item in collection:
                if item["id"] == rest[1]:
                    return json_response(200, item)
            return self._not_found(rest[0][:-1], rest[1])
        if method == "GET" and len(rest) == 3 and rest[0] == "images" and rest[2] == "tags":
            if not any(i["id"] == rest[1] for i in self.state.images):
                return self._not_found("image", rest[1])
            items = [t for t in self.state.tags if t["image_id"] == rest[1]]
            return self._page(self._filter(items, query, "name"), query, "tags")
        if method == "DELETE" and len(rest) == 2 and rest[0] == "tags":
            return self._delete_tag(rest[1], query.get("force") == "true")
        return scw_error(404, "resource is not found", "not_found")

    def _not_found(self, resource: str, resource_id: str) -> FakeResponse:
        return scw_error(
            404,
            "resource is not found",
            "not_found",
            resource=resource,
            resource_id=resource_id,
        )

    @staticmethod
    def _filter(
        items: list[dict[str, Any]], query: dict[str, str], key: str
    ) -> list[dict[str, Any]]:
        if key in query:
            return [i for i in items if i["name"] == query[key]]  # exact match, as documented
        return items

    def _page(self, items: list[dict[str, Any]], query: dict[str, str], key: str) -> FakeResponse:
        try:
            page = int(query.get("page", "1"))
            size = int(query.get("page_size", "20"))
        except ValueError:
            return self._invalid("page", "format")
        if page < 1:
            return self._invalid("page", "constraint")
        if not 1 <= size <= 100:
            return self._invalid("page_size", "constraint")
        order = query.get("order_by", "created_at_asc")
        orders = {
            "created_at_asc": (lambda i: i["created_at"], False),
            "created_at_desc": (lambda i: i["created_at"], True),
            "name_asc": (lambda i: i["name"], False),
            "name_desc": (lambda i: i["name"], True),
        }
        if order not in orders:
            return self._invalid("order_by", "constraint")
        sort_key, reverse = orders[order]
        ordered = sorted(items, key=sort_key, reverse=reverse)
        served = page
        if self.repeat_pages or self.drift_pages:
            page = 1
        chunk = ordered[(page - 1) * size : page * size]
        total = self.total_count_override if self.total_count_override is not None else len(items)
        if self.drift_pages:
            # Another body each time (not "the same page again"), never enough items.
            return json_response(200, {key: chunk, "total_count": 10**6, "served": served})
        return json_response(200, {key: chunk, "total_count": total})

    @staticmethod
    def _invalid(argument: str, reason: str) -> FakeResponse:
        return scw_error(
            400,
            "invalid argument(s)",
            "invalid_arguments",
            details=[{"argument_name": argument, "reason": reason, "help_message": ""}],
        )

    def _delete_tag(self, tag_id: str, force: bool) -> FakeResponse:
        if self.before_delete is not None:
            self.before_delete(self.state)
        tag = next((t for t in self.state.tags if t["id"] == tag_id), None)
        if tag is None:
            return self._not_found("tag", tag_id)
        siblings = [
            t
            for t in self.state.tags
            if t["image_id"] == tag["image_id"] and t["digest"] == tag["digest"] and t is not tag
        ]
        if siblings and not force and self.requires_force:
            return scw_error(
                self.refusal_status,
                "tag digest is shared with other tags, use force to delete it",
                self.refusal_type,
            )
        take = self.siblings_removed == "always" or (
            force and self.siblings_removed == "with force"
        )
        doomed = [tag, *siblings] if take else [tag]
        for item in doomed:
            self.state.tags.remove(item)
            image = next(i for i in self.state.images if i["id"] == item["image_id"])
            image["tags"].remove(item["name"])
        return json_response(200, {**tag, "status": "deleting"})
