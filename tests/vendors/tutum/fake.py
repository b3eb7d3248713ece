"""A fake Tutum REST API v1 on 127.0.0.1, as documented (tutumcloud/api-docs).

- ``GET /api/v1/image/`` (Tastypie envelope: ``meta`` {limit, next, offset, previous,
  total_count} and ``objects``; ``limit``/``offset`` and the ``name`` filter; ``next`` is a
  host-relative path), ``GET|DELETE /api/v1/image/{name}/`` (name with its slashes; DELETE
  answers 204 with no body), ``GET /api/v1/image/{name}/tag/{tag}/``.
- A path without its trailing slash is redirected (301), as Django's APPEND_SLASH does.
- Auth: ``Authorization: ApiKey user:apikey`` or ``Basic base64(user:apikey)``; anything else
  401. ``accept_apikey = False`` makes it a later, Basic-only server.
- Errors are ``{"error": "message"}``.

The data follows the seed documents (the seed's own JSON example is malformed; this sends it
as valid JSON, odd values included: the ``"'tcp"`` protocol, an empty entrypoint).
"""

from __future__ import annotations

import base64
import threading
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, urlencode

from tests.vendors.fake_http import FakeRequest, FakeResponse, FakeServer, json_response

USER = "user1"
APIKEY = "0123456789abcdef0123456789abcdef01234567"
PAGE_LIMIT = 25
HOSTILE = "\x1b[31m[red]boom[/red]\x1b]0;pwn\x07 text"
SEED_IMAGE = "registry.local/user1/image1"


def error(status: int, message: str) -> FakeResponse:
    return json_response(status, {"error": message})


def image_uri(name: str) -> str:
    return f"/api/v1/image/{name}/"


def tag_uri(name: str, tag: str) -> str:
    return f"/api/v1/image/{name}/tag/{quote(tag, safe='')}/"


def seed_layer(docker_id: str = "bca93ea41953afd3e0bea21625636526d6ac743297886a3520069544a00e3a70"):
    """The seed's layer, as valid JSON: the odd "'tcp" protocol and empty entrypoint kept."""
    return {
        "author": "Fernando Mayo <fernando@tutum.co>",
        "creation": "Fri, 8 Nov 2013 00:22:26 +0000",
        "docker_id": docker_id,
        "entrypoint": "",
        "envvars": [
            {"key": "HOME", "value": "/"},
            {
                "key": "PATH",
                "value": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
            },
        ],
        "labels": [{"key": "Tutum", "value": "Pure awesomeness"}],
        "ports": [{"port": 80, "protocol": "'tcp"}],
        "resource_uri": f"/api/v1/layer/{docker_id}/",
        "run_command": "/run.sh",
        "volumes": [{"container_path": "/app"}],
    }


@dataclass
class TutumState:
    images: dict[str, dict[str, Any]] = field(default_factory=dict)
    tags: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)

    def image(self, name: str, tags: dict[str, dict[str, Any]], **fields: Any) -> dict[str, Any]:
        item = {
            "categories": [],
            "description": "",
            "registry": "/api/v1/registry/registry.hub.docker.com/",
            "icon_url": "/_static/assets/images/dockerimages/docker-64.png",
            "in_use": False,
            "is_private_image": False,
            "last_build_date": None,
            "name": name,
            "public_url": "",
            "resource_uri": image_uri(name),
            "star_count": 0,
            "state": "Success",
            "jumpstart": False,
            "tags": [],
            **fields,
        }
        self.images[name] = item
        for tag, layer in tags.items():
            self.add_tag(name, tag, layer)
        return item

    def add_tag(self, name: str, tag: str, layer: dict[str, Any]) -> None:
        self.images[name]["tags"].append(tag_uri(name, tag))
        self.tags[(name, tag)] = {
            "full_name": f"{name}:{tag}",
            "layer": layer,
            "image": image_uri(name),
            "name": tag,
            "resource_uri": tag_uri(name, tag),
        }


def seeded_state() -> TutumState:
    state = TutumState()
    # The seed documents' image and tags.
    state.image(
        SEED_IMAGE,
        {"latest": seed_layer(), "staging": seed_layer("f" * 64)},
        categories=[{"name": "test"}],
        description="Test image",
        registry="/api/v1/registry/registry.local/",
        is_private_image=True,
        last_build_date="Fri, 8 Nov 2013 00:22:26 +0000",
        state="SUCCESS",
    )
    state.tags[(SEED_IMAGE, "staging")]["layer"]["creation"] = "2015-06-19 15:12:04+00:00"
    hello = {
        name: {**seed_layer(f"{n:064x}"), "creation": f"Mon, {n} Jun 2015 10:00:00 +0000"}
        for n, name in enumerate(["latest", "v1", "v2", "v10"], start=1)
    }
    state.image(
        "tutum/hello-world",
        hello,
        description="Hello world!",
        categories=[{"name": "Web Servers"}, {"name": "Demo"}],
        star_count=42,
        jumpstart=True,
        last_build_date="2015-06-19 15:12:04+00:00",
        public_url="https://registry.hub.docker.com/u/tutum/hello-world/",
    )
    odd = {
        "author": None,
        "creation": "not a date",
        "docker_id": "",
        "entrypoint": ["/bin/sh", "-c"],
        "envvars": [{"key": "NULL", "value": None}, {"key": "N", "value": 5}, {"value": "no key"}],
        "labels": [{"key": "hostile", "value": HOSTILE}, "junk"],
        "ports": [
            {"port": "8080", "protocol": "UDP"},
            {"port": None, "protocol": "tcp"},
            {"port": 9000},
        ],
        "run_command": None,
        "volumes": [{"container_path": "/data"}, {}],
    }
    state.image(
        "team/mysql",
        {"5.7": odd},
        state="Building",
        in_use=True,
        description=HOSTILE,
        is_private_image=True,
    )
    for i in range(60):
        state.image(f"bulk/img-{i:02d}", {"v1": seed_layer(f"{i:064x}")})
    return state


class TutumFake:
    def __init__(self, state: TutumState | None = None) -> None:
        self.state = state or seeded_state()
        self.lock = threading.Lock()
        self.accept_apikey = True
        # Fault knobs for the image list.
        self.loop_next = False
        # Fault: the cursor moves on every page while the items repeat (page one again).
        self.drift_pages = False
        self.next_elsewhere = False
        self.server = FakeServer(self.route)

    @property
    def url(self) -> str:
        return self.server.url

    def route(self, request: FakeRequest) -> FakeResponse:
        with self.lock:
            return self._route(request)

    def _authorised(self, request: FakeRequest) -> bool:
        header = request.header("authorization") or ""
        scheme, _, value = header.partition(" ")
        if scheme == "ApiKey" and self.accept_apikey:
            return value == f"{USER}:{APIKEY}"
        if scheme == "Basic":
            try:
                return base64.b64decode(value, validate=True).decode() == f"{USER}:{APIKEY}"
            except (ValueError, UnicodeDecodeError):
                return False
        return False

    def _route(self, request: FakeRequest) -> FakeResponse:
        if not self._authorised(request):
            return error(401, "Incorrect authentication credentials.")
        if "application/json" not in (request.header("accept") or ""):
            return error(406, "Only application/json is served")
        path = request.path
        if not path.startswith("/api/v1/image"):
            return error(404, "Not found")
        if not request.raw_path.endswith("/"):
            location = (
                request.raw_path + "/" + (f"?{request.raw_query}" if request.raw_query else "")
            )
            return FakeResponse(301, b"", {"Location": location})
        segments = request.segments[3:]  # after api, v1, image
        if not segments:
            if request.method != "GET":
                return error(405, "Method not allowed")
            return self._list(request)
        if len(segments) >= 3 and segments[-2] == "tag":
            if request.method != "GET":
                return error(405, "Method not allowed")
            tag = self.state.tags.get(("/".join(segments[:-2]), segments[-1]))
            return json_response(200, tag) if tag else error(404, "Image tag not found")
        name = "/".join(segments)
        image = self.state.images.get(name)
        if image is None:
            return error(404, "Image not found")
        if request.method == "GET":
            return json_response(200, image)
        if request.method == "DELETE":
            del self.state.images[name]
            for key in [k for k in self.state.tags if k[0] == name]:
                del self.state.tags[key]
            return FakeResponse(204, b"", {})
        return error(405, "Method not allowed")

    def _list(self, request: FakeRequest) -> FakeResponse:
        query = request.query
        try:
            limit = int(query.get("limit", PAGE_LIMIT))
            offset = int(query.get("offset", 0))
        except ValueError:
            return error(400, "Invalid limit or offset")
        names = sorted(self.state.images)
        if query.get("name"):
            names = [n for n in names if n == query["name"]]
        chunk = names[offset : offset + limit]
        following = None
        if self.drift_pages:
            chunk = names[:limit]
            following = f"/api/v1/image/?{urlencode({'limit': limit, 'offset': offset + limit})}"
        elif self.loop_next:
            following = f"/api/v1/image/?{urlencode({'limit': limit, 'offset': 0})}"
        elif offset + limit < len(names):
            following = f"/api/v1/image/?{urlencode({'limit': limit, 'offset': offset + limit})}"
            if self.next_elsewhere:
                following = f"https://evil.example.test{following}"
        previous = None
        if offset > 0:
            previous = (
                f"/api/v1/image/?{urlencode({'limit': limit, 'offset': max(0, offset - limit)})}"
            )
        return json_response(
            200,
            {
                "meta": {
                    "limit": limit,
                    "next": following,
                    "offset": offset,
                    "previous": previous,
                    "total_count": len(names),
                },
                "objects": [self.state.images[n] for n in chunk],
            },
        )
