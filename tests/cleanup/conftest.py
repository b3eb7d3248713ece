"""A repository to clean up, on the real registry: releases, PR builds, one PR build sharing its
image with a release and ``latest``, and a multi-platform tag whose amd64 image is tagged too."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

import httpx
import pytest

from tests.support.push import (
    IndexEntry,
    PushClient,
    build_image,
    build_index,
    image_config,
    platform,
    tar_gz_layer,
)
from tests.support.registry import RunningRegistry, start_registry

REPO = "team/app"
RELEASES = {"v1.0": "2024-01-01", "v1.1": "2024-03-01", "v2.0": "2024-06-01"}
# pr-N is created on 2024-0N-15; pr-7 is the image of v2.0 (and latest).
PRS = {f"pr-{n}": f"2024-0{n}-15" for n in range(1, 7)}


@dataclass
class CleanupRepo:
    registry: RunningRegistry
    digests: dict[str, str] = field(default_factory=dict)
    # Tag -> the sizes of the blobs only its image uses (config and own layer).
    own_bytes: dict[str, int] = field(default_factory=dict)

    @property
    def host(self) -> str:
        return self.registry.host

    @property
    def target(self) -> str:
        return f"{self.host}/{REPO}"

    def push_image(self, client: PushClient, name: str, created: str, tags: list[str]) -> str:
        base = tar_gz_layer({"base": b"shared base layer\n" * 200})
        own = tar_gz_layer({"app": f"build {name} {created}\n".encode() * 50})
        config = image_config(created=f"{created}T12:00:00Z", layers=[base, own])
        image = build_image(config, [base, own])
        digest = client.push(REPO, image, tags)
        for tag in tags:
            self.digests[tag] = digest
            self.own_bytes[tag] = image.config.size + own.blob.size
        return digest


def listed(repo: CleanupRepo) -> dict[str, str]:
    """Every tag of the repository now, with its digest."""
    with httpx.Client(base_url=repo.registry.url) as client:
        names = client.get(f"/v2/{REPO}/tags/list").json().get("tags") or []
        accept = (
            "application/vnd.oci.image.index.v1+json,application/vnd.oci.image.manifest.v1+json"
        )
        return {
            name: client.head(f"/v2/{REPO}/manifests/{name}", headers={"Accept": accept}).headers[
                "docker-content-digest"
            ]
            for name in names
        }


def seed_cleanup(repo: CleanupRepo) -> None:
    with PushClient(repo.registry.url) as client:
        for tag, created in RELEASES.items():
            extra = ["latest", "pr-7"] if tag == "v2.0" else []
            repo.push_image(client, tag, created, [tag, *extra])
        for tag, created in PRS.items():
            repo.push_image(client, tag, created, [tag])
        # multi: an index of amd64 + arm64; multi-amd64 tags its amd64 image.
        layer = tar_gz_layer({"multi": b"multi\n"})
        amd = build_image(image_config(created="2024-02-02T00:00:00Z", layers=[layer]), [layer])
        arm = build_image(
            image_config(architecture="arm64", created="2024-02-03T00:00:00Z", layers=[layer]),
            [layer],
        )
        index = build_index(
            [
                IndexEntry(amd, platform("linux", "amd64")),
                IndexEntry(arm, platform("linux", "arm64")),
            ]
        )
        repo.digests["multi"] = client.push(REPO, index, ["multi"])
        repo.digests["multi-amd64"] = client.push(REPO, amd, ["multi-amd64"])


@pytest.fixture
def cleanup_repo(tmp_path) -> Iterator[CleanupRepo]:
    with start_registry(tmp_path / "registry") as running:
        repo = CleanupRepo(running)
        seed_cleanup(repo)
        yield repo


@pytest.fixture
def cleanup_repo_no_delete(tmp_path) -> Iterator[CleanupRepo]:
    with start_registry(tmp_path / "registry", delete_enabled=False) as running:
        repo = CleanupRepo(running)
        seed_cleanup(repo)
        yield repo
