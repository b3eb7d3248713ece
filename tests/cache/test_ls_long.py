"""``tagtui ls -l`` / ``--json`` and the content-addressed cache, as processes against the real
registry (Debian's docker-registry); requests are counted from the registry's access log."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

from tagtui.cache.store import MAGIC, ContentCache
from tests.cache.conftest import REPO, Seeded
from tests.support.cli import tagtui
from tests.support.push import PushClient, build_image, image_config
from tests.support.registry import BasicAuthCredentials, RunningRegistry
from tests.support.strict_json import strict_json


def _ls(seeded: Seeded, *args: str, env: dict[str, str] | None = None) -> str:
    result = tagtui("ls", *args, f"{seeded.registry.host}/{REPO}", extra_env=env)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_long_listing_one_line_per_tag(seeded: Seeded) -> None:
    lines = _ls(seeded, "-l").splitlines()
    rows = {line.split()[0]: line.split(None, 3) for line in lines}
    assert [line.split()[0] for line in lines] == ["1.0", "2.0", "multi", "nodate", "stable"]
    for name, row in rows.items():
        assert row[1] == seeded.digests[name]
    assert rows["1.0"][2] == "2024-03-01T10:00:00Z"
    assert rows["2.0"][2] == "2024-06-01T10:00:00Z"
    # An index: the preferred platform's (linux/amd64) date and size, and the platform count.
    assert rows["multi"][2] == "2024-05-01T10:00:00Z"
    assert rows["multi"][3].endswith("(2 platforms)")
    assert rows["multi"][3].startswith(f"{seeded.sizes['amd64']} B")
    # No date in the config: the tag still prints, with "-".
    assert rows["nodate"][2] == "-"
    assert rows["nodate"][3] == f"{seeded.sizes['undated']} B"


def test_long_listing_newest_first(seeded: Seeded) -> None:
    names = [line.split()[0] for line in _ls(seeded, "-l", "--sort", "newest").splitlines()]
    assert names == ["2.0", "multi", "1.0", "stable", "nodate"]


def test_long_json_is_strict_and_complete(seeded: Seeded) -> None:
    document = strict_json(_ls(seeded, "-l", "--json", "--sort", "newest"))
    assert document["repository"] == REPO
    tags = {tag["name"]: tag for tag in document["tags"]}
    assert document["tags"][0]["name"] == "2.0"
    assert tags["multi"]["platforms"] == 2
    assert tags["multi"]["size"] == seeded.sizes["amd64"]
    assert tags["1.0"] == {
        "name": "1.0",
        "digest": seeded.digests["1.0"],
        "created": "2024-03-01T10:00:00Z",
        "size": seeded.sizes["old"],
        "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "platforms": None,
    }
    assert tags["nodate"]["created"] is None


def test_plain_json_lists_tags_and_repositories(seeded: Seeded) -> None:
    document = strict_json(_ls(seeded, "--json"))
    assert [tag["name"] for tag in document["tags"]] == ["1.0", "2.0", "multi", "nodate", "stable"]
    # The tag list of distribution carries no digests: null, never made up.
    assert all(set(tag) == {"name", "digest"} for tag in document["tags"])
    result = tagtui("ls", "--json", seeded.registry.host)
    assert result.returncode == 0, result.stderr
    assert strict_json(result.stdout)["repositories"] == [REPO]


def test_one_manifest_and_config_per_distinct_digest(seeded: Seeded) -> None:
    before = len(seeded.requests())
    _ls(seeded, "-l", "--no-cache")
    made = Counter(seeded.requests()[before:])
    # "1.0" and "stable" share their image: its manifest and config are fetched once.
    assert made[("GET", f"/v2/{REPO}/manifests/{seeded.digests['1.0']}")] == 1
    assert all(count == 1 for count in made.values()), made
    heads = [path for method, path in made if method == "HEAD"]
    assert len(heads) == 5


def test_second_run_makes_only_the_tag_list_and_heads(seeded: Seeded, tmp_path: Path) -> None:
    env = {"XDG_CACHE_HOME": str(tmp_path / "cache")}
    first = _ls(seeded, "-l", env=env)
    before = len(seeded.requests())
    assert _ls(seeded, "-l", env=env) == first
    warm = seeded.requests()[before:]
    # Only what the first run could not avoid: the tag list and one HEAD per tag.
    assert sorted(warm) == sorted(
        [("GET", f"/v2/{REPO}/tags/list?n=1000")]
        + [("HEAD", f"/v2/{REPO}/manifests/{name}") for name in seeded.digests]
    )


def test_no_cache_flag_and_variable_write_nothing(seeded: Seeded, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    _ls(seeded, "-l", "--no-cache", env={"XDG_CACHE_HOME": str(cache)})
    _ls(seeded, "-l", env={"XDG_CACHE_HOME": str(cache), "TAGTUI_NO_CACHE": "1"})
    assert not cache.exists()
    _ls(seeded, "-l", env={"XDG_CACHE_HOME": str(cache)})
    assert cache.exists()


def _entries(cache: Path) -> list[Path]:
    return sorted(p for p in (cache / "tagtui").glob("*/*") if not p.name.startswith(".tmp-"))


def test_cache_files_are_private_verified_and_hold_no_tag_names(
    seeded: Seeded, tmp_path: Path
) -> None:
    cache = tmp_path / "cache"
    _ls(seeded, "-l", env={"XDG_CACHE_HOME": str(cache)})
    entries = _entries(cache)
    # Manifests: 4 images + 1 index; configs: 4 images (amd64's config is the one an index row
    # needs; arm64's is never asked for) -> 5 + 4 is an upper bound, every one distinct.
    assert len(entries) >= 8
    assert (cache / "tagtui").stat().st_mode & 0o777 == 0o700
    for path in entries:
        assert path.parent.stat().st_mode & 0o777 == 0o700
        assert path.stat().st_mode & 0o777 == 0o600
        data = path.read_bytes()
        assert data.startswith(MAGIC)
        for tag in ("stable", "nodate", "multi"):
            assert tag.encode() not in data


def test_corrupt_entry_is_detected_and_replaced(seeded: Seeded, tmp_path: Path) -> None:
    env = {"XDG_CACHE_HOME": str(tmp_path / "cache")}
    first = _ls(seeded, "-l", env=env)
    digest = seeded.digests["2.0"]
    entry = next(p for p in _entries(tmp_path / "cache") if p.name == digest.replace(":", "-"))
    good = entry.read_bytes()
    entry.write_bytes(good[:-10])  # truncated
    before = len(seeded.requests())
    assert _ls(seeded, "-l", env=env) == first
    refetched = [path for method, path in seeded.requests()[before:] if method == "GET"]
    assert f"/v2/{REPO}/manifests/{digest}" in refetched
    assert entry.read_bytes() == good


def test_two_processes_filling_the_cache_leave_it_valid(seeded: Seeded, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    env_cmd = [sys.executable, "-m", "tagtui", "ls", "-l", f"{seeded.registry.host}/{REPO}"]
    env = {**os.environ, "XDG_CACHE_HOME": str(cache)}
    processes = [
        subprocess.Popen(env_cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        for _ in range(4)
    ]
    outputs = [process.communicate(timeout=120) for process in processes]
    assert all(process.returncode == 0 for process in processes), outputs
    assert len({out for out, _ in outputs}) == 1
    assert len(_entries(cache)) >= 8
    store = ContentCache(cache / "tagtui")
    for path in _entries(cache):
        digest = path.name.replace("-", ":", 1)
        assert store.get(seeded.registry.host, digest) is not None, path
    assert not list((cache / "tagtui").glob("*/.tmp-*"))


def test_cache_info_and_clear(seeded: Seeded, tmp_path: Path) -> None:
    env = {"XDG_CACHE_HOME": str(tmp_path / "cache")}
    _ls(seeded, "-l", env=env)
    count = len(_entries(tmp_path / "cache"))
    assert count >= 8
    info = tagtui("cache", "info", extra_env=env)
    assert info.returncode == 0, info.stderr
    assert f"entries  {count}\n" in info.stdout
    assert str(tmp_path / "cache" / "tagtui") in info.stdout
    cleared = tagtui("cache", "clear", extra_env=env)
    assert cleared.returncode == 0 and f"removed {count} entries" in cleared.stdout
    assert _entries(tmp_path / "cache") == []
    assert "entries  0\n" in tagtui("cache", "info", extra_env=env).stdout


def test_long_needs_a_repository_and_sort_needs_long(seeded: Seeded) -> None:
    catalog = tagtui("ls", "-l", seeded.registry.host)
    assert catalog.returncode == 2 and "needs a repository" in catalog.stderr
    unsorted = tagtui("ls", "--sort", "newest", f"{seeded.registry.host}/{REPO}")
    assert unsorted.returncode == 2 and "--sort needs -l" in unsorted.stderr
    assert json.loads(_ls(seeded, "--json", "-l"))["schemaVersion"] == 1


def test_no_secret_in_the_cache(
    registry_basic_auth: RunningRegistry,
    basic_auth_credentials: BasicAuthCredentials,
    tmp_path: Path,
) -> None:
    user, password = basic_auth_credentials.pair
    image = build_image(image_config(), [])
    with PushClient(registry_basic_auth.url, auth=(user, password)) as client:
        client.push(REPO, image, ["release-candidate"])
    cache = tmp_path / "cache"
    env = {"XDG_CACHE_HOME": str(cache), "TAGTUI_USERNAME": user, "TAGTUI_PASSWORD": password}
    result = tagtui("ls", "-l", f"{registry_basic_auth.host}/{REPO}", home=tmp_path, extra_env=env)
    assert result.returncode == 0, result.stderr
    assert image.digest in result.stdout
    entries = _entries(cache)
    assert len(entries) == 2  # the manifest and the config
    for path in [*entries, *(cache / "tagtui").rglob("*")]:
        data = path.read_bytes() if path.is_file() else path.name.encode()
        for secret in (password.encode(), b"Basic ", b"Bearer ", b"release-candidate"):
            assert secret not in data, path
