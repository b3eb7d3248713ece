"""Cache writes run off the event loop: a slow disk never holds a request up, and closing the
provider waits for them, so the next process finds every entry."""

from __future__ import annotations

import hashlib
import logging
import threading
from pathlib import Path

import pytest

from tagtui.cache.store import ContentCache
from tagtui.cache.writer import BackgroundWrites
from tagtui.model import Tag
from tagtui.providers.base import ConnectionOptions
from tagtui.providers.oci.provider import OciProvider
from tests.cache.conftest import REPO, Seeded

HOST = "registry.example:5000"


def test_submit_returns_at_once_and_flush_waits_for_every_write_in_order() -> None:
    release = threading.Event()
    done: list[int] = []
    writes = BackgroundWrites()

    def first() -> None:
        assert release.wait(30)
        done.append(1)

    writes.submit(first)
    writes.submit(lambda: done.append(2))
    assert done == []  # the first write is still held: submit did not wait for it
    release.set()
    writes.flush()
    assert done == [1, 2]


def test_a_failing_write_is_logged_not_raised(caplog: pytest.LogCaptureFixture) -> None:
    writes = BackgroundWrites()

    def broken() -> None:
        raise PermissionError("read-only cache")

    with caplog.at_level(logging.WARNING, logger="tagtui.cache.writer"):
        writes.submit(broken)
        writes.flush()
    assert "a cache write failed (PermissionError)" in caplog.text
    assert "read-only cache" not in caplog.text


class HeldCache(ContentCache):
    """A disk that takes as long as the test says to write."""

    def __init__(self, root: Path) -> None:
        super().__init__(root)
        self.release = threading.Event()
        self.writer: str | None = None

    def put(self, host: str, digest: str, body: bytes, media_type: str | None = None) -> None:
        self.writer = threading.current_thread().name
        assert self.release.wait(30)
        super().put(host, digest, body, media_type)


async def test_a_slow_disk_does_not_hold_the_registry_answer(
    seeded: Seeded, tmp_path: Path
) -> None:
    cache = HeldCache(tmp_path / "cache")
    provider = OciProvider(seeded.registry.host, options=ConnectionOptions(cache=True))
    assert provider.disk_cache is not None  # opened (the user's location), then replaced
    provider._disk = cache  # the test's disk
    digest = seeded.digests["2.0"]
    try:
        # Every write is held, yet the tag is described: the loop never waited for the disk.
        described = await provider.describe_tag(REPO, Tag(name="2.0"))
        assert described.digest == digest
        assert cache.get(seeded.registry.host, digest) is None
        assert cache.writer is not None and cache.writer.startswith("tagtui-cache")
    finally:
        cache.release.set()
        await provider.aclose()
    # Closed: every write is done, verified on reading.
    entry = cache.get(seeded.registry.host, digest)
    assert entry is not None
    assert hashlib.sha256(entry.body).hexdigest() == digest.split(":")[1]
