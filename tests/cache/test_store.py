"""The content-addressed cache on its own: verified reads, atomic private files, the size cap."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from tagtui.cache.store import DEFAULT_LIMIT, ContentCache, cache_limit, cache_root, default_cache

HOST = "registry.example:5000"


def digest(body: bytes) -> str:
    return f"sha256:{hashlib.sha256(body).hexdigest()}"


def files(root: Path) -> list[Path]:
    return sorted(root.glob("*/*"))


def test_round_trip_keeps_body_and_media_type(tmp_path: Path) -> None:
    cache = ContentCache(tmp_path / "tagtui")
    body = b'{"schemaVersion": 2}'
    cache.put(HOST, digest(body), body, "application/vnd.oci.image.manifest.v1+json")
    entry = cache.get(HOST, digest(body))
    assert entry is not None
    assert entry.body == body
    assert entry.media_type == "application/vnd.oci.image.manifest.v1+json"
    # Keyed by host as well: another registry's same digest is a miss.
    assert cache.get("other.example", digest(body)) is None


def test_a_body_that_does_not_match_its_digest_is_never_stored(tmp_path: Path) -> None:
    cache = ContentCache(tmp_path / "tagtui")
    cache.put(HOST, digest(b"one"), b"two")
    cache.put(HOST, "sha256:../../etc", b"x")
    cache.put(HOST, "not-a-digest", b"x")
    assert not (tmp_path / "tagtui").exists() or files(tmp_path / "tagtui") == []


@pytest.mark.parametrize("damage", ["truncate", "flip", "garbage"])
def test_a_damaged_entry_is_a_miss_and_is_removed(tmp_path: Path, damage: str) -> None:
    cache = ContentCache(tmp_path / "tagtui")
    body = b"config " * 100
    cache.put(HOST, digest(body), body)
    [path] = files(tmp_path / "tagtui")
    data = path.read_bytes()
    if damage == "truncate":
        path.write_bytes(data[:-7])
    elif damage == "flip":
        path.write_bytes(data[:-1] + b"X")
    else:
        path.write_bytes(b"\x00" * len(data))
    assert cache.get(HOST, digest(body)) is None
    assert not path.exists()
    cache.put(HOST, digest(body), body)
    assert cache.get(HOST, digest(body)) is not None


def test_modes_are_private_even_under_a_lax_umask(tmp_path: Path) -> None:
    old = os.umask(0)
    try:
        cache = ContentCache(tmp_path / "tagtui")
        cache.put(HOST, digest(b"a"), b"a")
    finally:
        os.umask(old)
    [path] = files(tmp_path / "tagtui")
    assert (tmp_path / "tagtui").stat().st_mode & 0o777 == 0o700
    assert path.parent.stat().st_mode & 0o777 == 0o700
    assert path.stat().st_mode & 0o777 == 0o600
    assert not list((tmp_path / "tagtui").glob("*/.tmp-*"))


def test_the_least_recently_used_go_first(tmp_path: Path) -> None:
    bodies = [bytes([n]) * 1000 for n in range(5)]
    entry_size = len(bodies[0]) + 100  # body plus the small header
    cache = ContentCache(tmp_path / "tagtui", limit=4 * entry_size)
    for body in bodies[:4]:
        cache.put(HOST, digest(body), body)
    # mtime is the recency clock: spread it explicitly instead of waiting.
    paths = {p.name: p for p in files(tmp_path / "tagtui")}
    for n, body in enumerate(bodies[:4]):
        os.utime(paths[digest(body).replace(":", "-")], (1000 + n, 1000 + n))
    # Reading the oldest makes it the newest: the second oldest goes instead.
    assert cache.get(HOST, digest(bodies[0])) is not None
    cache.put(HOST, digest(bodies[4]), bodies[4])
    assert cache.get(HOST, digest(bodies[1])) is None
    for kept in (0, 2, 3, 4):
        assert cache.get(HOST, digest(bodies[kept])) is not None
    assert cache.info().size <= cache.limit


def test_info_and_clear(tmp_path: Path) -> None:
    cache = ContentCache(tmp_path / "tagtui")
    for n in range(3):
        cache.put(HOST, digest(bytes([n])), bytes([n]))
    info = cache.info()
    assert (info.entries, info.limit) == (3, DEFAULT_LIMIT)
    assert cache.clear() == 3
    assert cache.info().entries == 0


def test_location_limit_and_switches_come_from_the_environment(tmp_path: Path) -> None:
    assert cache_root({"XDG_CACHE_HOME": str(tmp_path)}) == tmp_path / "tagtui"
    assert cache_root({"XDG_CACHE_HOME": "relative"}) == Path.home() / ".cache" / "tagtui"
    assert cache_limit({"TAGTUI_CACHE_MB": "1"}) == 1024 * 1024
    assert cache_limit({"TAGTUI_CACHE_MB": "lots"}) == DEFAULT_LIMIT
    assert default_cache({"XDG_CACHE_HOME": str(tmp_path), "TAGTUI_NO_CACHE": "1"}) is None
    assert default_cache({"XDG_CACHE_HOME": str(tmp_path)}, enabled=False) is None
    assert default_cache({"XDG_CACHE_HOME": str(tmp_path)}) is not None


def test_the_suite_never_uses_the_real_cache() -> None:
    home_cache = Path.home() / ".cache" / "tagtui"
    assert cache_root() != home_cache
    assert "tagtui-test-cache-" in str(cache_root())
