"""A dict-backed ``/v2/`` for ``httpx.MockTransport``: only for faults a real registry can't make.

Everything a real registry does is tested against Debian's docker-registry; this fake exists to
send what no honest registry sends (wrong digests, endless pages, 429s, oversized bodies...).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field

import httpx

from tagtui.providers.base import ConnectionOptions
from tagtui.providers.oci.manifests import OCI_CONFIG, OCI_MANIFEST
from tagtui.providers.oci.provider import OciProvider

HOST = "registry.test"

Fault = Callable[[httpx.Request], httpx.Response | None]


def digest(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


@dataclass
class FakeRegistry:
    manifests: dict[str, tuple[str, bytes]] = field(default_factory=dict)
    tags: dict[str, dict[str, str]] = field(default_factory=dict)
    blobs: dict[str, bytes] = field(default_factory=dict)
    requests: list[httpx.Request] = field(default_factory=list)
    # Called first; a response it returns wins (fault injection).
    fault: Fault | None = None

    def add_image(
        self, repository: str, tag: str, config: dict | None = None, layers: int = 1
    ) -> str:
        config_bytes = json.dumps(config or {"os": "linux", "architecture": "amd64"}).encode()
        self.blobs[digest(config_bytes)] = config_bytes
        layer_descriptors = []
        for index in range(layers):
            blob = f"{repository}:{tag}:{index}".encode()
            self.blobs[digest(blob)] = blob
            layer_descriptors.append(
                {
                    "mediaType": "application/vnd.oci.image.layer.v1.tar+gzip",
                    "digest": digest(blob),
                    "size": len(blob),
                }
            )
        body = json.dumps(
            {
                "schemaVersion": 2,
                "mediaType": OCI_MANIFEST,
                "config": {
                    "mediaType": OCI_CONFIG,
                    "digest": digest(config_bytes),
                    "size": len(config_bytes),
                },
                "layers": layer_descriptors,
            }
        ).encode()
        return self.put_manifest(repository, tag, body, OCI_MANIFEST)

    def put_manifest(self, repository: str, tag: str, body: bytes, media_type: str) -> str:
        manifest_digest = digest(body)
        self.manifests[manifest_digest] = (media_type, body)
        self.tags.setdefault(repository, {})[tag] = manifest_digest
        return manifest_digest

    def handler(self, request: httpx.Request) -> httpx.Response:
        # A snapshot: auth flows re-send the same Request object with new headers.
        self.requests.append(httpx.Request(request.method, request.url, headers=request.headers))
        if self.fault is not None:
            response = self.fault(request)
            if response is not None:
                return response
        path = request.url.path
        if path == "/v2/":
            return httpx.Response(200, json={})
        name, _, rest = path[len("/v2/") :].rpartition("/manifests/")
        if name:
            reference = rest
            found = self.tags.get(name, {}).get(reference, reference)
            if found not in self.manifests:
                return _error(404, "MANIFEST_UNKNOWN")
            media_type, body = self.manifests[found]
            headers = {"Content-Type": media_type, "Docker-Content-Digest": found}
            if request.method == "HEAD":
                return httpx.Response(200, headers=headers)
            return httpx.Response(200, headers=headers, content=body)
        name, _, rest = path[len("/v2/") :].rpartition("/blobs/")
        if name and rest in self.blobs:
            return httpx.Response(200, content=self.blobs[rest])
        if path.endswith("/tags/list"):
            name = path[len("/v2/") : -len("/tags/list")]
            if name not in self.tags:
                return _error(404, "NAME_UNKNOWN")
            return httpx.Response(200, json={"name": name, "tags": list(self.tags[name])})
        if path == "/v2/_catalog":
            return httpx.Response(200, json={"repositories": sorted(self.tags)})
        return _error(404, "NOT_FOUND")

    def provider(self, host: str = HOST, **options: object) -> OciProvider:
        provider = OciProvider(
            host,
            options=ConnectionOptions(**options),  # type: ignore[arg-type]
            transport=httpx.MockTransport(self.handler),
        )
        provider.http.sleep = self.record_sleep
        return provider

    sleeps: list[float] = field(default_factory=list)

    async def record_sleep(self, seconds: float) -> None:
        # Backoff is recorded, not waited for: the tests check the policy, not the clock.
        self.sleeps.append(seconds)


def _error(status: int, code: str, message: str = "") -> httpx.Response:
    return httpx.Response(status, json={"errors": [{"code": code, "message": message or code}]})


def error(status: int, code: str, message: str = "", **headers: str) -> httpx.Response:
    response = _error(status, code, message)
    response.headers.update(headers)
    return response
