"""A fake OpenShift image API (image.openshift.io/v1) on 127.0.0.1, as documented.

Under ``/apis/image.openshift.io/v1``:

- ``GET namespaces/{ns}/imagestreams?limit=N&continue=T`` (an ImageStreamList; a continue token
  is only good for one list generation: ``expire_continue(n)`` answers the next n continued
  requests 410 Expired as an API server does once etcd compacted the revision) and
  ``GET namespaces/{ns}/imagestreams/{name}``;
- ``GET namespaces/{ns}/imagetags`` (every tag of the streams, ``image`` never filled in, ``limit``
  counting streams), ``GET|DELETE namespaces/{ns}/imagetags/{stream}:{tag}`` (400 when the name
  has no colon, 404 when neither a spec nor a status tag exists; DELETE drops both and answers a
  Success Status; the Image stays);
- ``GET namespaces/{ns}/imagestreamimages/{stream}@{digest}`` (only digests in the stream's
  status history, as the server resolves them);
- ``GET images/{digest}`` (cluster-scoped: the admin token only, 403 otherwise).

Auth: ``Authorization: Bearer <token>`` must be a known token (401 Unauthorized Status), and the
token must be allowed the namespace (403 Forbidden Status). Errors are Kubernetes Status objects.
"""

from __future__ import annotations

import base64
import copy
import hashlib
import json
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from tests.vendors.fake_http import FakeRequest, FakeResponse, FakeServer, json_response

API = "/apis/image.openshift.io/v1"
NAMESPACE = "team"
TOKEN = "sha256~team-token-0123456789abcdef"
ADMIN_TOKEN = "sha256~cluster-admin-token-fedcba9876543210"
OTHER_TOKEN = "sha256~other-namespace-token-5555"
USERS = {TOKEN: "alice", ADMIN_TOKEN: "kube:admin", OTHER_TOKEN: "bob"}
INTERNAL = "image-registry.openshift-image-registry.svc:5000"
PUBLIC = "default-route-openshift-image-registry.apps.example.test"
HOSTILE_LABEL = "\x1b[31m[red]pwned[/red]\x1b]0;title\x07"
HOSTILE_MESSAGE = "import failed: \x1b[2J[bold]registry said no[/bold]"
START = datetime(2024, 3, 1, tzinfo=UTC)
EXPIRED_MESSAGE = (
    "The provided continue parameter is too old to display a consistent list result. You can "
    "start a new list without the continue parameter, or use the continue token in this response "
    "to retrieve the remainder of the results."
)


def write_kubeconfig(home: Path, server: str) -> dict[str, str]:
    """A kubeconfig in ``home`` whose one context is the fake's token and namespace on
    ``server``; returns the environment that names it."""
    path = home / "kubeconfig"
    path.write_text(
        "apiVersion: v1\nkind: Config\ncurrent-context: dev\n"
        f"clusters:\n- name: c\n  cluster:\n    server: {server}\n"
        f"users:\n- name: u\n  user:\n    token: {TOKEN}\n"
        f"contexts:\n- name: dev\n  context:\n    cluster: c\n    user: u\n"
        f"    namespace: {NAMESPACE}\n"
    )
    return {"KUBECONFIG": str(path)}


def digest(n: int) -> str:
    """A stable, realistic-looking digest for image number ``n``."""
    return "sha256:" + hashlib.sha256(f"image {n}".encode()).hexdigest()


def stamp(minutes: int) -> str:
    return (START + timedelta(minutes=minutes)).strftime("%Y-%m-%dT%H:%M:%SZ")


def status(code: int, reason: str, message: str, **details: Any) -> FakeResponse:
    document: dict[str, Any] = {
        "kind": "Status",
        "apiVersion": "v1",
        "metadata": {},
        "status": "Failure",
        "message": message,
        "reason": reason,
        "code": code,
    }
    if details:
        document["details"] = details
    return json_response(code, document)


def image_object(
    n: int,
    *,
    stream: str = "app",
    arch: str = "amd64",
    layers: int = 3,
    env: list[str] | None = None,
    labels: dict[str, Any] | None = None,
    signatures: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """An Image as the API serves it: PascalCase dockerImageMetadata, layers, signatures."""
    name = digest(n)
    layer_list = [
        {
            "name": digest(1000 + n * 10 + i),
            "size": 1000 * (i + 1) + n,
            "mediaType": "application/vnd.docker.image.rootfs.diff.tar.gzip",
        }
        for i in range(layers)
    ]
    return {
        "kind": "Image",
        "apiVersion": "image.openshift.io/v1",
        "metadata": {
            "name": name,
            "uid": f"uid-image-{n}",
            "resourceVersion": str(100 + n),
            "creationTimestamp": stamp(n),
            "annotations": {"image.openshift.io/dockerLayersOrder": "ascending"},
        },
        "dockerImageReference": f"{INTERNAL}/{NAMESPACE}/{stream}@{name}",
        "dockerImageMetadata": {
            "kind": "DockerImage",
            "apiVersion": "image.openshift.io/1.0",
            "Id": digest(5000 + n),
            "Created": stamp(n),
            "Author": "Platform Team <platform@example.test>",
            "DockerVersion": "20.10.7",
            "Architecture": arch,
            "Size": sum(layer["size"] for layer in layer_list) + 1500,
            "ContainerConfig": {},
            "Config": {
                "User": "1001",
                "Env": env
                if env is not None
                else [
                    "PATH=/usr/local/bin:/usr/bin",
                    "OPTS=--a=1 --b=2",
                    "EMPTY=",
                ],
                "Cmd": ["/usr/bin/run", "--port", "8080"],
                "Entrypoint": ["/entrypoint.sh"],
                "ExposedPorts": {"8080/tcp": {}, "53/udp": {}},
                "Volumes": {"/data": {}, "/var/log/app": {}},
                "WorkingDir": "/opt/app",
                "Labels": labels
                if labels is not None
                else {"io.k8s.display-name": "App", "vendor": HOSTILE_LABEL},
            },
        },
        "dockerImageMetadataVersion": "1.0",
        "dockerImageLayers": layer_list,
        "dockerImageManifestMediaType": "application/vnd.docker.distribution.manifest.v2+json",
        "signatures": signatures or [],
    }


def manifest_list_object(n: int, platforms: list[tuple[int, str, str, str | None]]) -> dict:
    """A manifest list Image: dockerImageManifests, no layers, no Config."""
    name = digest(n)
    return {
        "kind": "Image",
        "apiVersion": "image.openshift.io/v1",
        "metadata": {"name": name, "uid": f"uid-image-{n}", "creationTimestamp": stamp(n)},
        "dockerImageReference": f"{INTERNAL}/{NAMESPACE}/multi@{name}",
        "dockerImageMetadata": {"kind": "DockerImage", "apiVersion": "image.openshift.io/1.0"},
        "dockerImageManifestMediaType": "application/vnd.oci.image.index.v1+json",
        "dockerImageManifests": [
            {
                "digest": digest(child),
                "mediaType": "application/vnd.oci.image.manifest.v1+json",
                "manifestSize": 1200 + child,
                "architecture": arch,
                "os": os_name,
                **({"variant": variant} if variant else {}),
            }
            for child, os_name, arch, variant in platforms
        ],
    }


SIGNATURE = {
    "type": "atomic",
    "content": base64.b64encode(b"signed-bytes").decode(),
    "conditions": [{"type": "Trusted", "status": "True"}],
    "imageIdentity": "quay.io/team/app:1.0",
    "created": stamp(9),
    "issuedBy": {"organization": "Example Inc.", "commonName": "Release Key"},
    "issuedTo": {"publicKeyID": "0123ABCD", "commonName": "release@example.test"},
}


def event(n: int, minutes: int, stream: str = "app") -> dict[str, Any]:
    return {
        "created": stamp(minutes),
        "dockerImageReference": f"{INTERNAL}/{NAMESPACE}/{stream}@{digest(n)}",
        "image": digest(n),
        "generation": minutes,
    }


@dataclass
class OpenShiftState:
    """Image streams by namespace, images by digest; tests edit these between requests."""

    streams: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)
    images: dict[str, dict[str, Any]] = field(default_factory=dict)
    tokens: dict[str, set[str] | None] = field(default_factory=dict)
    version: int = 1000
    # The list generation continue tokens belong to; bumping it makes old tokens expire.
    generation: int = 1

    def stream(self, name: str, namespace: str = NAMESPACE) -> dict[str, Any]:
        item = {
            "kind": "ImageStream",
            "apiVersion": "image.openshift.io/v1",
            "metadata": {
                "name": name,
                "namespace": namespace,
                "uid": f"uid-{namespace}-{name}",
                "resourceVersion": str(self.version),
                "creationTimestamp": stamp(0),
            },
            "spec": {"lookupPolicy": {"local": False}, "tags": []},
            "status": {
                "dockerImageRepository": f"{INTERNAL}/{namespace}/{name}",
                "publicDockerImageRepository": f"{PUBLIC}/{namespace}/{name}",
                "tags": [],
            },
        }
        self.streams.setdefault(namespace, {})[name] = item
        return item

    def add_image(self, image: dict[str, Any]) -> None:
        self.images[image["metadata"]["name"]] = image

    def tag(
        self,
        stream: dict[str, Any],
        name: str,
        events: list[dict[str, Any]],
        *,
        spec: dict[str, Any] | bool | None = True,
        conditions: list[dict[str, Any]] | None = None,
    ) -> None:
        if spec is True:
            spec = {
                "name": name,
                "annotations": None,
                "from": {"kind": "DockerImage", "name": f"quay.io/team/{name}"},
                "generation": 2,
                "importPolicy": {"importMode": "Legacy"},
                "referencePolicy": {"type": "Source"},
            }
        if spec:
            stream["spec"]["tags"].append(spec)
        if events or conditions:
            entry: dict[str, Any] = {"tag": name, "items": events}
            if conditions:
                entry["conditions"] = conditions
            stream["status"]["tags"].append(entry)
        self.touch(stream)

    def touch(self, stream: dict[str, Any]) -> None:
        self.version += 1
        stream["metadata"]["resourceVersion"] = str(self.version)


def seeded_state() -> OpenShiftState:
    state = OpenShiftState(tokens={TOKEN: {NAMESPACE}, ADMIN_TOKEN: None, OTHER_TOKEN: {"other"}})
    for n in (1, 2, 3):
        state.add_image(image_object(n, signatures=[SIGNATURE] if n == 1 else None))
    state.add_image(image_object(4, env=["ONLY=x=y=z"], labels={}))
    app = state.stream("app")
    # latest moved twice: items[0] is the current image, the rest its history.
    state.tag(app, "latest", [event(1, 30), event(2, 20), event(3, 10)])
    state.tag(app, "stable", [event(1, 31)], spec=False)
    state.tag(app, "v1.2", [event(2, 20)])
    state.tag(app, "v1.10", [event(4, 40)])
    state.tag(app, "v1.9", [event(3, 10)])
    # A manifest list whose platform images are not in the stream's history.
    children = [(201, "linux", "amd64", None), (202, "linux", "arm64", "v8")]
    state.add_image(manifest_list_object(200, children))
    for child, _, arch, _ in children:
        state.add_image(image_object(child, stream="multi", arch=arch, layers=2))
    multi = state.stream("multi")
    state.tag(multi, "latest", [event(200, 50, "multi")])
    # A tag that only has a spec: its import failed, there is no image.
    pending = state.stream("pending")
    state.tag(
        pending,
        "nightly",
        [],
        conditions=[
            {
                "type": "ImportSuccess",
                "status": "False",
                "lastTransitionTime": stamp(60),
                "reason": "NotFound",
                "message": HOSTILE_MESSAGE,
                "generation": 2,
            }
        ],
    )
    for i in range(230):
        bulk = state.stream(f"bulk-{i:03d}")
        state.tag(bulk, "v1", [event(1, 30, bulk["metadata"]["name"])], spec=False)
    other = state.stream("secret-app", namespace="other")
    state.tag(other, "v1", [event(1, 1, "secret-app")], spec=False)
    return state


class OpenShiftFake:
    """The routes above over an ``OpenShiftState``, with knobs for list faults."""

    def __init__(self, state: OpenShiftState | None = None) -> None:
        self.state = state or seeded_state()
        self.lock = threading.Lock()
        # Continued list requests to answer 410 Expired (each bumps the list generation).
        self.expire_remaining = 0
        # When set, every list page hands back this same continue token (a looping server).
        self.loop_token: str | None = None
        # Fault: the cursor moves on every page while the items repeat (page one again).
        self.drift_pages = False
        self.server = FakeServer(self.route)

    @property
    def url(self) -> str:
        return self.server.url

    def expire_continue(self, times: int = 1) -> None:
        self.expire_remaining = times

    # --- routing ------------------------------------------------------------------------------

    def route(self, request: FakeRequest) -> FakeResponse:
        with self.lock:
            return self._route(request)

    def _route(self, request: FakeRequest) -> FakeResponse:
        auth = request.header("authorization") or ""
        scheme, _, token = auth.partition(" ")
        if scheme != "Bearer" or token not in self.state.tokens:
            return status(401, "Unauthorized", "Unauthorized")
        user = USERS.get(token, "someone")
        prefix = [p for p in API.split("/") if p]
        raw_segments = [s for s in request.raw_path.split("/") if s]
        if raw_segments[: len(prefix)] != prefix:
            return status(404, "NotFound", "the server could not find the requested resource")
        rest = [unquote(s) for s in raw_segments[len(prefix) :]]
        if len(rest) == 2 and rest[0] == "images" and request.method == "GET":
            return self._cluster_image(token, user, rest[1])
        if len(rest) < 3 or rest[0] != "namespaces":
            return status(404, "NotFound", "the server could not find the requested resource")
        namespace, resource, name = rest[1], rest[2], rest[3] if len(rest) > 3 else None
        allowed = self.state.tokens[token]
        if allowed is not None and namespace not in allowed:
            verb = {"GET": "list" if name is None else "get", "DELETE": "delete"}.get(
                request.method, "update"
            )
            return status(
                403,
                "Forbidden",
                f'{resource}.image.openshift.io is forbidden: User "{user}" cannot {verb} '
                f'resource "{resource}" in API group "image.openshift.io" in the namespace '
                f'"{namespace}"',
                kind=resource,
                group="image.openshift.io",
            )
        streams = self.state.streams.get(namespace, {})
        if resource == "imagestreams" and request.method == "GET":
            if name is None:
                return self._list_streams(request, streams)
            stream = streams.get(name)
            if stream is None:
                return status(
                    404, "NotFound", f'imagestreams.image.openshift.io "{name}" not found'
                )
            return json_response(200, stream)
        if resource == "imagetags":
            if name is None and request.method == "GET":
                return self._list_tags(request, namespace, streams)
            if name is not None and request.method in ("GET", "DELETE"):
                return self._image_tag(request.method, namespace, streams, name)
        if resource == "imagestreamimages" and name is not None and request.method == "GET":
            return self._stream_image(streams, name)
        return status(
            405, "MethodNotAllowed", f"the server does not allow this method on {resource}"
        )

    # --- lists --------------------------------------------------------------------------------

    def _token(self, offset: int) -> str:
        raw = json.dumps({"generation": self.state.generation, "offset": offset}).encode()
        return base64.urlsafe_b64encode(raw).decode()

    def _page(
        self, request: FakeRequest, names: list[str]
    ) -> tuple[list[str], str | None] | FakeResponse:
        query = request.query
        limit = int(query.get("limit") or 0) or len(names) or 1
        if self.loop_token is not None:
            return names[:limit], self.loop_token
        offset = 0
        if query.get("continue"):
            if self.expire_remaining > 0:
                self.expire_remaining -= 1
                self.state.generation += 1
                return status(410, "Expired", EXPIRED_MESSAGE)
            try:
                decoded = json.loads(base64.urlsafe_b64decode(query["continue"]))
                generation, offset = int(decoded["generation"]), int(decoded["offset"])
            except (ValueError, KeyError, TypeError):
                return status(400, "BadRequest", "continue key is not valid: illegal base64 data")
            if generation != self.state.generation:
                return status(410, "Expired", EXPIRED_MESSAGE)
        chunk = names[offset : offset + limit]
        more = offset + limit < len(names)
        if self.drift_pages:
            return names[:limit], self._token(offset + limit)
        return chunk, self._token(offset + limit) if more else None

    def _list_streams(self, request: FakeRequest, streams: dict[str, Any]) -> FakeResponse:
        page = self._page(request, sorted(streams))
        if isinstance(page, FakeResponse):
            return page
        chunk, token = page
        metadata: dict[str, Any] = {"resourceVersion": str(self.state.version)}
        if token:
            metadata["continue"] = token
            metadata["remainingItemCount"] = max(0, len(streams) - len(chunk))
        return json_response(
            200,
            {
                "kind": "ImageStreamList",
                "apiVersion": "image.openshift.io/v1",
                "metadata": metadata,
                "items": [streams[name] for name in chunk],
            },
        )

    def _list_tags(
        self, request: FakeRequest, namespace: str, streams: dict[str, Any]
    ) -> FakeResponse:
        # As documented: `limit` counts image streams and no continue token comes back.
        limit = int(request.query.get("limit") or 0) or len(streams)
        items = []
        for name in sorted(streams)[:limit]:
            for tag in self._tag_names(streams[name]):
                items.append(
                    self._image_tag_object(namespace, streams[name], tag, with_image=False)
                )
        return json_response(
            200,
            {
                "kind": "ImageTagList",
                "apiVersion": "image.openshift.io/v1",
                "metadata": {},
                "items": items,
            },
        )

    # --- one tag ------------------------------------------------------------------------------

    @staticmethod
    def _tag_names(stream: dict[str, Any]) -> list[str]:
        names = [t["name"] for t in stream["spec"]["tags"]]
        return names + [t["tag"] for t in stream["status"]["tags"] if t["tag"] not in names]

    def _image_tag_object(
        self, namespace: str, stream: dict[str, Any], tag: str, *, with_image: bool
    ) -> dict[str, Any]:
        spec = next((t for t in stream["spec"]["tags"] if t["name"] == tag), None)
        state = next((t for t in stream["status"]["tags"] if t["tag"] == tag), None)
        image = None
        if with_image and state and state["items"]:
            image = copy.deepcopy(self.state.images.get(state["items"][0]["image"]))
        stream_name = stream["metadata"]["name"]
        return {
            "kind": "ImageTag",
            "apiVersion": "image.openshift.io/v1",
            "metadata": {
                "name": f"{stream_name}:{tag}",
                "namespace": namespace,
                "resourceVersion": stream["metadata"]["resourceVersion"],
                "creationTimestamp": stream["metadata"]["creationTimestamp"],
            },
            "spec": spec,
            "status": state,
            "image": image,
        }

    def _image_tag(
        self, method: str, namespace: str, streams: dict[str, Any], name: str
    ) -> FakeResponse:
        stream_name, colon, tag = name.partition(":")
        if not colon or not stream_name or not tag:
            return status(
                400, "BadRequest", f'ImageTag "{name}" is invalid: name must be <stream>:<tag>'
            )
        stream = streams.get(stream_name)
        if stream is None or tag not in self._tag_names(stream):
            return status(
                404,
                "NotFound",
                f'imagetags.image.openshift.io "{name}" not found',
                name=name,
                group="image.openshift.io",
                kind="imagetags",
            )
        if method == "GET":
            return json_response(
                200, self._image_tag_object(namespace, stream, tag, with_image=True)
            )
        # DELETE removes the spec and the status tag; the Image objects stay.
        stream["spec"]["tags"] = [t for t in stream["spec"]["tags"] if t["name"] != tag]
        stream["status"]["tags"] = [t for t in stream["status"]["tags"] if t["tag"] != tag]
        self.state.touch(stream)
        return json_response(
            200,
            {
                "kind": "Status",
                "apiVersion": "v1",
                "metadata": {},
                "status": "Success",
                "details": {"name": name, "group": "image.openshift.io", "kind": "imagetags"},
            },
        )

    # --- images -------------------------------------------------------------------------------

    def _stream_image(self, streams: dict[str, Any], name: str) -> FakeResponse:
        stream_name, at, image_digest = name.partition("@")
        stream = streams.get(stream_name)
        history = (
            {e["image"] for t in stream["status"]["tags"] for e in t["items"]} if stream else set()
        )
        if not at or image_digest not in history or image_digest not in self.state.images:
            return status(
                404, "NotFound", f'imagestreamimages.image.openshift.io "{name}" not found'
            )
        image = self.state.images[image_digest]
        return json_response(
            200,
            {
                "kind": "ImageStreamImage",
                "apiVersion": "image.openshift.io/v1",
                "metadata": {"name": name, "uid": image["metadata"]["uid"]},
                "image": image,
            },
        )

    def _cluster_image(self, token: str, user: str, name: str) -> FakeResponse:
        if self.state.tokens.get(token, set()) is not None:
            return status(
                403,
                "Forbidden",
                f'images.image.openshift.io "{name}" is forbidden: User "{user}" cannot get '
                'resource "images" in API group "image.openshift.io" at the cluster scope',
            )
        image = self.state.images.get(name)
        if image is None:
            return status(404, "NotFound", f'images.image.openshift.io "{name}" not found')
        return json_response(200, image)
