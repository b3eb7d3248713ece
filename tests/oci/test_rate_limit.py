"""Rate limits (issue 10 §4): the headers read, the budget shown, HEADs preferred to GETs.

The registry is the real one; in front of it a local proxy plays Docker Hub's part: every answer
states the pull budget (``ratelimit-limit: 100;w=21600``), and only a manifest GET spends one.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from tagtui.model import RateLimit, Tag
from tagtui.providers.base import ConnectionOptions
from tagtui.providers.http.ratelimit import parse_rate_limit
from tagtui.providers.oci.provider import OciProvider
from tests.oci.realservers import serve
from tests.support.push import PushClient, build_image, image_config, tar_gz_layer
from tests.support.registry import RunningRegistry

NOW = datetime(2026, 1, 1, tzinfo=UTC)

# --- parsing -----------------------------------------------------------------------------------


def test_docker_hub_headers() -> None:
    headers = {"ratelimit-limit": "100;w=21600", "ratelimit-remaining": "76;w=21600"}
    assert parse_rate_limit(headers, now=NOW) == RateLimit(100, 76, 21600, None)


def test_github_style_headers_with_a_unix_reset() -> None:
    reset = int((NOW + timedelta(minutes=30)).timestamp())
    headers = {
        "x-ratelimit-limit": "5000",
        "x-ratelimit-remaining": "4990",
        "x-ratelimit-reset": str(reset),
    }
    assert parse_rate_limit(headers, now=NOW) == RateLimit(
        5000, 4990, None, NOW + timedelta(minutes=30)
    )


def test_draft_headers_reset_in_seconds_and_policy_window() -> None:
    headers = {
        "ratelimit-limit": "60",
        "ratelimit-remaining": "5",
        "ratelimit-reset": "90",
        "ratelimit-policy": "60;w=3600",
    }
    rate = parse_rate_limit(headers, now=NOW)
    assert rate == RateLimit(60, 5, 3600, NOW + timedelta(seconds=90))
    assert rate is not None and rate.low


def test_draft_single_field() -> None:
    headers = {"ratelimit": "limit=10, remaining=9, reset=5"}
    assert parse_rate_limit(headers, now=NOW) == RateLimit(10, 9, None, NOW + timedelta(seconds=5))


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"ratelimit-limit": "100"},
        {"ratelimit-limit": "lots", "ratelimit-remaining": "1"},
        {"ratelimit-limit": "0", "ratelimit-remaining": "0"},
        {"ratelimit-limit": "-5", "ratelimit-remaining": "1"},
        {"ratelimit-limit": "1e9", "ratelimit-remaining": "1"},
        {"x-ratelimit-limit": "\x1b[31m100", "x-ratelimit-remaining": "1"},
        {"ratelimit-limit": "9" * 40, "ratelimit-remaining": "1"},
    ],
)
def test_nonsense_states_no_budget(headers: dict[str, str]) -> None:
    assert parse_rate_limit(headers, now=NOW) is None


def test_remaining_above_the_limit_is_capped_and_a_huge_reset_ignored() -> None:
    headers = {"ratelimit-limit": "10", "ratelimit-remaining": "50", "ratelimit-reset": "99999999"}
    assert parse_rate_limit(headers, now=NOW) == RateLimit(10, 10, None, None)


def test_low_is_under_a_tenth() -> None:
    assert RateLimit(100, 9).low
    assert not RateLimit(100, 10).low


# --- a Docker Hub-like proxy in front of the real registry --------------------------------------


class PullCountingProxy:
    """Forwards to the registry; states the budget on every answer; a manifest GET spends one."""

    def __init__(self, upstream: str, limit: int) -> None:
        self.upstream = upstream
        self.limit = limit
        self.remaining = limit
        self.counts: Counter[tuple[str, str]] = Counter()
        self._lock = threading.Lock()
        self._client = httpx.Client(base_url=upstream, timeout=30)

    def answer(
        self, method: str, path: str, headers: Any, _body: bytes
    ) -> tuple[int, dict[str, str], bytes]:
        kind = "manifest" if "/manifests/" in path else "other"
        with self._lock:
            self.counts[(method, kind)] += 1
            if method == "GET" and kind == "manifest":
                self.remaining = max(0, self.remaining - 1)
            remaining = self.remaining
        forwarded = {k: v for k, v in headers.items() if k.lower() in ("accept", "authorization")}
        reply = self._client.request(method, path, headers=forwarded)
        out = {
            k: v
            for k, v in reply.headers.items()
            if k.lower() in ("content-type", "docker-content-digest", "link")
        }
        out["ratelimit-limit"] = f"{self.limit};w=21600"
        out["ratelimit-remaining"] = f"{remaining};w=21600"
        return reply.status_code, out, reply.content

    def close(self) -> None:
        self._client.close()


@pytest.fixture
def proxy(registry: RunningRegistry) -> Iterator[tuple[PullCountingProxy, str]]:
    counting = PullCountingProxy(registry.url, limit=100)
    try:
        with serve(counting.answer) as port:
            yield counting, f"127.0.0.1:{port}"
    finally:
        counting.close()


def _seed(registry: RunningRegistry, images: int, tags_per_image: int) -> list[str]:
    names = []
    with PushClient(registry.url) as client:
        for i in range(images):
            layer = tar_gz_layer({f"file{i}": f"image {i}".encode()})
            image = build_image(image_config(layers=[layer]), [layer])
            tags = [f"v{i}.{j}" for j in range(tags_per_image)]
            client.push("app", image, tags)
            names += tags
    return names


async def test_describing_counts_one_pull_per_image_not_per_tag(
    registry: RunningRegistry, proxy: tuple[PullCountingProxy, str]
) -> None:
    counting, host = proxy
    names = _seed(registry, images=3, tags_per_image=4)
    async with OciProvider(host, options=ConnectionOptions(cache=False)) as provider:
        assert provider.rate_limit is None
        listed = await provider.list_tags("app")
        assert sorted(t.name for t in listed) == sorted(names)
        # The listing stated the budget: from now on tags are resolved with HEADs.
        assert provider.rate_limit == RateLimit(100, 100, 21600)
        for tag in listed:
            described = await provider.describe_tag("app", Tag(tag.name))
            assert described.created is not None
        assert counting.counts[("HEAD", "manifest")] == 12
        assert counting.counts[("GET", "manifest")] == 3
        assert provider.rate_limit == RateLimit(100, 97, 21600)


async def test_resolving_for_a_bulk_plan_counts_one_pull_per_image(
    registry: RunningRegistry, proxy: tuple[PullCountingProxy, str]
) -> None:
    counting, host = proxy
    names = _seed(registry, images=2, tags_per_image=3)
    async with OciProvider(host, options=ConnectionOptions(cache=False)) as provider:
        listed = await provider.list_tags("app")
        resolved = [tag async for tag in provider.resolve_tags("app", listed)]
        assert sorted(t.name for t in resolved) == sorted(names)
        assert all(t.digest for t in resolved)
        assert counting.counts[("HEAD", "manifest")] == 6
        assert counting.counts[("GET", "manifest")] == 2
