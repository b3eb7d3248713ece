"""A fake Naver Cloud NCR API Gateway on 127.0.0.1, as documented.

Prefixes ``/ncr/api/v2`` (kr), ``/ncr/sgn-api/v2``, ``/ncr/jpn-api/v2``. Every request must carry
``x-ncp-apigw-timestamp`` (epoch ms, within 5 minutes of the fake's clock),
``x-ncp-iam-access-key`` and ``x-ncp-apigw-signature-v2``; the fake recomputes the signature from
the documented algorithm over the *raw* request target (path and query as received, ``%2F``
included) and answers the gateway's 401 on any mismatch. Image names are one URI-encoded path
segment: an unencoded ``hello/world`` does not route.

This module computes the signature itself (hmac + base64) and never imports tagtui's signer, so
a wrong signer cannot pass by agreeing with itself.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import threading
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote

from tests.vendors.fake_http import FakeRequest, FakeResponse, FakeServer, json_response

ACCESS_KEY = "ncp_iam_BPAMKR1234567890ABCD"
SECRET_KEY = "ncp_iam_BPKMKR0987654321secretsecretXYZ"
PREFIXES = {"/ncr/api/v2": "kr", "/ncr/sgn-api/v2": "sgn", "/ncr/jpn-api/v2": "jpn"}
SKEW_MS = 5 * 60 * 1000
T0 = 1711928488000  # the seed's example timestamp (ms)
HOSTILE_DESCRIPTION = "\x1b[2J[bold]wiped[/bold]\x07"


def digest(n: int) -> str:
    """A realistic-looking digest, distinct per ``n`` (short digests differ too)."""
    return "sha256:" + hashlib.sha256(f"image-{n}".encode()).hexdigest()


def gateway_error(status: int, code: str, message: str, details: str = "") -> FakeResponse:
    return json_response(
        status, {"error": {"errorCode": code, "message": message, "details": details}}
    )


def platform(n: int, arch: str = "amd64", **fields: Any) -> dict[str, Any]:
    return {
        "architecture": arch,
        "created": T0 + n * 1000,
        "digest": digest(5000 + n),
        "features": "",
        "latest_pulled": 0,
        "mediaType": "application/vnd.docker.container.image.v1+json",
        "os": "linux",
        "os_features": "",
        "os_version": None,
        "size": 1000 + n,
        "updated": T0 + n * 1000,
        "variant": None,
        **fields,
    }


def tag(
    name: str, digest_value: str, n: int, images: list[dict[str, Any]] | None = None, **fields: Any
) -> dict[str, Any]:
    return {
        "creator": "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx",
        "digest": digest_value,
        "full_size": 83518086 + n,
        "id": 730000 + n,
        "image_id": 322122,
        "images": images if images is not None else [platform(n)],
        "last_updated": T0 + n * 60_000,
        "last_updater": "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx",
        "name": name,
        "repository": 5976,
        "v2": True,
        **fields,
    }


@dataclass
class NcrState:
    # registry name -> registry record; (registry, image) -> image record; -> list of tags
    registries: dict[str, dict[str, Any]] = field(default_factory=dict)
    images: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)
    tags: dict[tuple[str, str], list[dict[str, Any]]] = field(default_factory=dict)

    def registry(self, name: str) -> None:
        self.registries[name] = {
            "name": name,
            "bucket": f"{name}-bucket",
            "created": T0,
            "end_point": f"{name}.kr.ncr.ntruss.com",
            "end_point_enabled": True,
            "private_end_point": f"{name}.kr.private-ncr.ntruss.com",
            "public_reg_status": True,
            "scan_on_push_enabled": False,
            "status": "Running",
        }

    def image(self, registry: str, name: str, **fields: Any) -> list[dict[str, Any]]:
        self.images[(registry, name)] = {
            "name": name,
            "namespace": registry,
            "description": "",
            "is_private": True,
            "last_updated": T0,
            "pull_count": 3,
            "star_count": 0,
            "status": 1,
            "user": registry,
            "can_edit": True,
            "is_automated": False,
            "repository_type": "image",
            **fields,
        }
        return self.tags.setdefault((registry, name), [])

    def tag_names(self, registry: str, image: str) -> set[str]:
        return {t["name"] for t in self.tags[(registry, image)]}

    def find_tag(self, registry: str, image: str, name: str) -> dict[str, Any]:
        return next(t for t in self.tags[(registry, image)] if t["name"] == name)


def seeded_state() -> NcrState:
    """acme/hello/world: 130 tags (paging), latest/stable/v1 share a digest, a multi-arch tag,
    the seed's doubled "sha256:sha256:" digest and nulls; acme/web: hostile description."""
    state = NcrState()
    state.registry("acme")
    tags = state.image("acme", "hello/world", description="the seed's example image")
    for n in range(1, 126):
        tags.append(tag(f"build-{n}", digest(1000 + n), n))
    tags.append(tag("v1", digest(7), 200))
    tags.append(tag("stable", digest(7), 201))
    tags.append(tag("latest", digest(7), 202))
    tags.append(
        tag(
            "multi",
            digest(8),
            203,
            images=[
                platform(1, "amd64"),
                platform(2, "arm64", variant="v8", created=None, size=None),
                {"digest": None, "os": "linux"},
            ],
        )
    )
    tags.append(
        tag(
            "ncpdocker",
            "sha256:a180b9dc",
            204,
            images=[platform(3, digest="sha256:sha256:a180b9dc")],
            last_updated=None,
            full_size=None,
            creator=None,
        )
    )
    web = state.image("acme", "web", description=HOSTILE_DESCRIPTION, is_private=False)
    web.extend(
        [tag("v2", digest(20), 300), tag("v10", digest(21), 301), tag("v1", digest(22), 302)]
    )
    state.registry("other")
    state.image("other", "tool")
    return state


class NcrFake:
    def __init__(self, state: NcrState | None = None) -> None:
        self.state = state or seeded_state()
        self.lock = threading.Lock()
        self.access_key = ACCESS_KEY
        self.secret_key = SECRET_KEY
        # The fake's clock is the real one plus this (to test timestamp skew).
        self.clock_offset_ms = 0
        # Why the last request was refused, for tests.
        self.auth_failures: list[str] = []
        # Undocumented: does deleting a tag take the tags sharing its digest along?
        self.delete_removes_siblings = False
        # Fault: `next` always points at page 2 and page 2 never changes.
        self.repeat_pages = False
        # Fault: the cursor moves on every page while the items repeat (page one again).
        self.drift_pages = False
        self.server = FakeServer(self.route)

    @property
    def url(self) -> str:
        return self.server.url

    # --- auth ---------------------------------------------------------------------------------

    def expected_signature(self, method: str, target: str, stamp: str, access_key: str) -> str:
        message = method + " " + target + "\n" + stamp + "\n" + access_key
        mac = hmac.new(self.secret_key.encode("utf-8"), message.encode("utf-8"), hashlib.sha256)
        return base64.b64encode(mac.digest()).decode()

    def _refuse(self, reason: str) -> FakeResponse:
        self.auth_failures.append(reason)
        return gateway_error(401, "200", "Authentication Failed", reason)

    def _authenticate(self, request: FakeRequest) -> FakeResponse | None:
        stamp = request.header("x-ncp-apigw-timestamp")
        access_key = request.header("x-ncp-iam-access-key")
        signature = request.header("x-ncp-apigw-signature-v2")
        if not stamp or not access_key or not signature:
            return self._refuse("missing gateway headers")
        if not stamp.isdigit():
            return self._refuse("timestamp is not epoch milliseconds")
        now = int(time.time() * 1000) + self.clock_offset_ms
        if abs(now - int(stamp)) > SKEW_MS:
            return self._refuse("timestamp skew over 5 minutes")
        if access_key != self.access_key:
            return self._refuse("unknown access key")
        expected = self.expected_signature(request.method, request.raw_target, stamp, access_key)
        if not hmac.compare_digest(expected, signature):
            return self._refuse("signature mismatch")
        return None

    # --- routing ------------------------------------------------------------------------------

    def route(self, request: FakeRequest) -> FakeResponse:
        refusal = self._authenticate(request)
        if refusal is not None:
            return refusal
        matched = next(
            ((p, r) for p, r in PREFIXES.items() if request.raw_path.startswith(p + "/")), None
        )
        if matched is None:
            return gateway_error(404, "300", "Not Found Exception")
        prefix, region = matched
        rest_raw = request.raw_path[len(prefix) :]
        if region != "kr":
            # Other regions exist but hold nothing here.
            if rest_raw == "/repositories":
                return json_response(
                    200, {"count": 0, "next": None, "previous": None, "results": []}
                )
            return gateway_error(404, "300", "Not Found Exception")
        # Split on the raw "/" so "hello%2Fworld" stays one segment, then decode each.
        parts = [unquote(p) for p in rest_raw.split("/") if p]
        with self.lock:
            return self._dispatch(request, parts)

    def _dispatch(self, request: FakeRequest, parts: list[str]) -> FakeResponse:
        method, query = request.method, request.query
        state = self.state
        if not parts or parts[0] != "repositories":
            return gateway_error(404, "300", "Not Found Exception")
        if method == "GET" and len(parts) == 1:
            return self._page(list(state.registries.values()), query)
        registry = parts[1]
        if registry not in state.registries:
            return json_response(
                404, {"error": {"errorCode": "404", "message": "registry not found"}}
            )
        if method == "GET" and len(parts) == 2:
            images = [v for (r, _), v in state.images.items() if r == registry]
            return self._page(images, query)
        key = (registry, parts[2]) if len(parts) > 2 else None
        if key is None or key not in state.images:
            return json_response(404, {"error": {"errorCode": "404", "message": "image not found"}})
        if method == "GET" and len(parts) == 3:
            return json_response(200, state.images[key])
        if method == "GET" and len(parts) == 4 and parts[3] == "tags":
            return self._page(state.tags[key], query)
        if len(parts) == 5 and parts[3] == "tags":
            found = [t for t in state.tags[key] if t["name"] == parts[4]]
            if not found:
                return json_response(
                    404, {"error": {"errorCode": "404", "message": "tag not found"}}
                )
            if method == "GET":
                return json_response(200, found[0])
            if method == "DELETE":
                doomed = found[0]
                siblings = [t for t in state.tags[key] if t["digest"] == doomed["digest"]]
                for item in siblings if self.delete_removes_siblings else [doomed]:
                    state.tags[key].remove(item)
                return FakeResponse(200, b"")
        return gateway_error(404, "300", "Not Found Exception")

    def _page(self, items: list[dict[str, Any]], query: dict[str, str]) -> FakeResponse:
        try:
            page = int(query.get("page", "1"))
            size = int(query.get("pagesize", "10"))
        except ValueError:
            return json_response(400, {"error": {"errorCode": "400", "message": "invalid page"}})
        if page < 1 or size < 1:
            return json_response(
                400, {"error": {"errorCode": "400", "message": "page and pagesize must be > 0"}}
            )
        if self.repeat_pages:
            page = 2
        chunk = items[(page - 1) * size : page * size]
        more = page * size < len(items)
        if self.drift_pages:
            chunk, more = items[:size], True
        return json_response(
            200,
            {
                "count": len(items),
                "next": 2 if self.repeat_pages else (page + 1 if more else None),
                "previous": page - 1 if page > 1 else None,
                "results": chunk,
            },
        )
