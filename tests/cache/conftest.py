"""A real registry seeded for the long listing and the cache, with its access log on."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.support.push import (
    Image,
    IndexEntry,
    PushClient,
    build_image,
    build_index,
    image_config,
    platform,
    tar_gz_layer,
)
from tests.support.registry import RunningRegistry, start_registry

REPO = "app/long"
_REQUEST = re.compile(r'"(GET|HEAD|PUT|POST|DELETE) (\S+) HTTP/')


@dataclass(frozen=True)
class Seeded:
    registry: RunningRegistry
    digests: dict[str, str]
    sizes: dict[str, int]

    @property
    def log(self) -> Path:
        return self.registry.config.parent / "registry.log"

    def requests(self) -> list[tuple[str, str]]:
        """Every request the registry served so far, as (method, path)."""
        text = self.log.read_text(errors="replace")
        return [(m.group(1), m.group(2)) for m in _REQUEST.finditer(text)]


def _image(created: str | None, content: bytes, arch: str = "amd64") -> Image:
    layer = tar_gz_layer({"file": content})
    config = image_config(created=created, architecture=arch, layers=[layer])
    return build_image(config, [layer])


@pytest.fixture
def seeded(tmp_path: Path) -> Iterator[Seeded]:
    with start_registry(tmp_path / "registry", access_log=True) as running:
        old = _image("2024-03-01T10:00:00Z", b"old")
        new = _image("2024-06-01T10:00:00Z", b"new")
        undated = _image(None, b"undated")
        amd64 = _image("2024-05-01T10:00:00Z", b"amd64")
        arm64 = _image("2024-05-02T10:00:00Z", b"arm64", arch="arm64")
        index = build_index(
            [
                IndexEntry(amd64, platform("linux", "amd64")),
                IndexEntry(arm64, platform("linux", "arm64")),
            ]
        )
        with PushClient(running.url) as client:
            client.push(REPO, old, ["1.0", "stable"])
            client.push(REPO, new, ["2.0"])
            client.push(REPO, undated, ["nodate"])
            client.push(REPO, index, ["multi"])
        digests = {
            "1.0": old.digest,
            "stable": old.digest,
            "2.0": new.digest,
            "nodate": undated.digest,
            "multi": index.digest,
        }
        sizes = {
            name: sum(layer.size for layer in image.layers)
            for name, image in (("old", old), ("new", new), ("undated", undated), ("amd64", amd64))
        }
        yield Seeded(running, digests, sizes)
