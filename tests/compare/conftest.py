"""A real ``docker-registry`` holding pairs of images to compare (pushed once per module).

- ``diff/app:v1`` and ``v2``: one base of two layers, then different layers; they differ in
  entrypoint, env (changed, removed, added), labels, ports, volumes and user; ``v1`` carries
  hostile env and label values (escape sequences, a bidi override).
- ``diff/app:v1-again``: the same image as ``v1``; ``diff/other:v2``: ``v2`` in another
  repository (its blobs mounted).
- ``diff/multi:1`` and ``2``: indexes of linux/amd64 and linux/arm64/v8 (plus an attestation);
  ``diff/multi:arm-only``: an index of linux/arm64/v8 alone.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from tests.support.push import (
    Image,
    IndexEntry,
    Layer,
    Manifest,
    PushClient,
    attestation_entry,
    build_image,
    build_index,
    image_config,
    platform,
    tar_gz_layer,
)
from tests.support.registry import RunningRegistry, start_registry

APP = "diff/app"
OTHER = "diff/other"
MULTI = "diff/multi"
HOSTILE_VALUE = "\x1b[2J\x1b]0;pwned\x07red\u202eevil"


def _base() -> tuple[Layer, ...]:
    return (
        tar_gz_layer({"etc/os-release": b"NAME=diff-base\n", "bin/sh": b"#!sh\n" * 300}),
        tar_gz_layer({"usr/lib/libapp.so": b"\x7fELF lib" * 200}),
    )


def _image(version: str, config: dict[str, object], own: tuple[Layer, ...]) -> Image:
    layers = (*_base(), *own)
    created = f"2024-0{version}-01T00:00:00Z"
    history = [
        {"created": "2023-12-01T00:00:00Z", "created_by": "ADD rootfs.tar /"},
        {"created": "2023-12-01T00:00:00Z", "created_by": "COPY libapp.so /usr/lib/"},
        {"created": created, "created_by": f"ENV VERSION={version}", "empty_layer": True},
        *({"created": created, "created_by": f"COPY layer-{n} /srv/"} for n in range(len(own))),
    ]
    return build_image(
        image_config(created=created, config=config, history=history, layers=layers), layers
    )


def app_v1() -> Image:
    config = {
        "Entrypoint": ["/bin/app"],
        "Cmd": ["serve"],
        "User": "app",
        "WorkingDir": "/srv",
        "Env": ["PATH=/usr/bin", "MODE=dev", "OLD=1", f"HOSTILE={HOSTILE_VALUE}"],
        "Labels": {"version": "1", "hostile": HOSTILE_VALUE},
        "ExposedPorts": {"80/tcp": {}, "53/udp": {}},
        "Volumes": {"/data": {}},
    }
    return _image("1", config, (tar_gz_layer({"srv/app-v1": b"v1 app" * 100}),))


def app_v2() -> Image:
    config = {
        "Entrypoint": ["/bin/app2", "--verbose"],
        "Cmd": ["serve"],
        "WorkingDir": "/srv",
        "Env": ["PATH=/usr/bin", "MODE=prod", "NEW=a=b"],
        "Labels": {"version": "2"},
        "ExposedPorts": {"80/tcp": {}, "8080/tcp": {}},
        "Volumes": {"/cache": {}},
    }
    own = (
        tar_gz_layer({"srv/app-v2": b"v2 app" * 120}),
        tar_gz_layer({"srv/static/index.html": b"<html>" * 50}),
    )
    return _image("2", config, own)


def _platform_image(arch: str, variant: str | None, release: str) -> tuple[dict[str, str], Image]:
    layer = tar_gz_layer({f"app/{arch}": f"{arch} build {release}".encode() * 40})
    created = f"2024-0{release}-10T00:00:00Z"
    config = image_config(
        architecture=arch,
        variant=variant,
        created=created,
        config={"Cmd": ["/app/run"], "Env": [f"RELEASE={release}"]},
        history=[{"created": created, "created_by": f"COPY app/{arch} /app/"}],
        layers=[layer],
    )
    return platform("linux", arch, variant), build_image(config, [layer])


def multi_index(release: str, arches: tuple[tuple[str, str | None], ...]) -> Manifest:
    images = [_platform_image(arch, variant, release) for arch, variant in arches]
    entries = [IndexEntry(image, plat) for plat, image in images]
    entries.append(attestation_entry(images[0][1]))
    return build_index(entries)


@dataclass(frozen=True)
class CompareRegistry:
    registry: RunningRegistry
    digests: dict[str, str]

    @property
    def host(self) -> str:
        return self.registry.host

    def ref(self, name: str) -> str:
        return f"{self.host}/{name}"


BOTH = (("amd64", None), ("arm64", "v8"))


@pytest.fixture(scope="module")
def compare_registry(tmp_path_factory: pytest.TempPathFactory) -> Iterator[CompareRegistry]:
    with start_registry(tmp_path_factory.mktemp("compare-registry")) as running:
        with PushClient(running.url, workers=4) as client:
            digests = {
                f"{APP}:v1": client.push(APP, app_v1(), ["v1", "v1-again"]),
                f"{APP}:v2": client.push(APP, app_v2(), ["v2"]),
                f"{OTHER}:v2": client.push(OTHER, app_v2(), ["v2"], mount_from=APP),
                f"{MULTI}:1": client.push(MULTI, multi_index("1", BOTH), ["1"]),
                f"{MULTI}:2": client.push(MULTI, multi_index("2", BOTH), ["2"]),
                f"{MULTI}:arm-only": client.push(
                    MULTI, multi_index("3", (("arm64", "v8"),)), ["arm-only"]
                ),
            }
        yield CompareRegistry(running, digests)
