"""A registry on 127.0.0.1 that implements the OCI 1.1 referrers API, as the distribution spec
documents it (distribution 2.8 has none): manifests by tag and digest, and
``GET /v2/<name>/referrers/<digest>`` with ``Link`` pagination and the ``artifactType`` filter
(announced in ``OCI-Filters-Applied``). ``mode`` makes it answer as a registry without the API
(404, 400) or with a broken one (a ``Link`` chain without end, a page sent again and again).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from tests.support.push import OCI_INDEX, Manifest, canonical_json
from tests.vendors.fake_http import FakeRequest, FakeResponse, json_response, text_response

_MANIFEST = re.compile(r"^/v2/(?P<name>.+)/manifests/(?P<reference>[^/]+)$")
_BLOB = re.compile(r"^/v2/(?P<name>.+)/blobs/(?P<digest>sha256:[a-f0-9]{64})$")
_REFERRERS = re.compile(r"^/v2/(?P<name>.+)/referrers/(?P<digest>sha256:[a-f0-9]{64})$")


def _error(status: int, code: str) -> FakeResponse:
    return json_response(status, {"errors": [{"code": code, "message": code.lower()}]})


@dataclass
class ReferrersRegistry:
    """One repository's manifests and each subject's referrers list (descriptors)."""

    repository: str
    manifests: dict[str, Manifest] = field(default_factory=dict)
    blobs: dict[str, bytes] = field(default_factory=dict)
    referrers: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    # "api", "404", "400", "endless" (a new page every time), "repeat" (the same page).
    mode: str = "api"
    page_size: int = 1
    # Whether the artifactType filter is applied (and said so) by the server.
    apply_filter: bool = True

    def add(self, manifest: Manifest, *tags: str) -> None:
        self.manifests[manifest.digest] = manifest
        for tag in tags:
            self.manifests[tag] = manifest
        for blob in manifest.blobs:
            self.blobs[blob.digest] = blob.data
        for child in manifest.children:
            self.add(child)

    def route(self, request: FakeRequest) -> FakeResponse:
        path = request.raw_path
        if path == "/v2/":
            return json_response(200, {})
        match = _REFERRERS.match(path)
        if match and match.group("name") == self.repository:
            return self._referrers(match.group("digest"), request.query)
        match = _BLOB.match(path)
        if match and match.group("name") == self.repository:
            data = self.blobs.get(match.group("digest"))
            if data is None:
                return _error(404, "BLOB_UNKNOWN")
            return FakeResponse(200, data, {"Content-Type": "application/octet-stream"})
        match = _MANIFEST.match(path)
        if match and match.group("name") == self.repository:
            manifest = self.manifests.get(match.group("reference"))
            if manifest is None:
                return _error(404, "MANIFEST_UNKNOWN")
            headers = {
                "Content-Type": manifest.media_type,
                "Docker-Content-Digest": manifest.digest,
            }
            return FakeResponse(200, manifest.body, headers)
        return text_response(404, "404 page not found\n", "text/plain")

    def _referrers(self, digest: str, query: dict[str, str]) -> FakeResponse:
        if self.mode == "404":
            return text_response(404, "404 page not found\n", "text/plain")
        if self.mode == "400":
            return _error(400, "UNSUPPORTED")
        page = int(query.get("page", "0"))
        base = f"/v2/{self.repository}/referrers/{digest}"
        if self.mode in ("endless", "repeat"):
            number = page if self.mode == "endless" else 0
            fake = "sha256:" + hashlib.sha256(str(number).encode()).hexdigest()
            entries = [
                {
                    "mediaType": "application/vnd.oci.image.manifest.v1+json",
                    "digest": fake,
                    "size": 2,
                    "artifactType": "application/x-endless",
                }
            ]
            link = f'<{base}?page={page + 1}>; rel="next"'
            return self._index(entries, {"Link": link})
        entries = list(self.referrers.get(digest, []))
        wanted = query.get("artifactType")
        headers: dict[str, str] = {}
        if wanted and self.apply_filter:
            entries = [e for e in entries if e.get("artifactType") == wanted]
            headers["OCI-Filters-Applied"] = "artifactType"
        start = page * self.page_size
        chunk = entries[start : start + self.page_size]
        if start + self.page_size < len(entries):
            extra = f"&artifactType={quote(wanted, safe='')}" if wanted else ""
            headers["Link"] = f'<{base}?page={page + 1}{extra}>; rel="next"'
        return self._index(chunk, headers)

    @staticmethod
    def _index(entries: list[dict[str, Any]], headers: dict[str, str]) -> FakeResponse:
        body = canonical_json({"schemaVersion": 2, "mediaType": OCI_INDEX, "manifests": entries})
        return FakeResponse(200, body, {"Content-Type": OCI_INDEX, **headers})
