"""Fake-provider images to compare in the TUI (the real-registry pairs are tests/compare/).

- ``shop/api:v1`` and ``v2``: two base layers in common, then their own; they differ in
  entrypoint, user, env (changed, removed, added), labels, ports, volumes and history.
  ``v1-again`` is ``v1``; ``shop/mirror:v2`` is ``v2`` in another repository.
- ``shop/multi:1`` and ``2``: indexes of linux/amd64 and linux/arm64/v8, each platform its own.
- ``shop/hostile:a`` and ``b``: values that try to be markup or terminal control.
"""

from __future__ import annotations

from datetime import timedelta

from tagtui.model import HistoryEntry, Image, ImageConfig, Layer, Platform, Port
from tests.ui.fakes import (
    ANSI,
    BASE_TIME,
    CLEAR,
    MANIFEST,
    MARKUP,
    OPEN_CLOSE,
    OSC_TITLE,
    FakeProvider,
    digest_of,
)

API = "shop/api"
MIRROR = "shop/mirror"
MULTI = "shop/multi"
HOSTILE = "shop/hostile"
LAYER_TYPE = "application/vnd.oci.image.layer.v1.tar+gzip"


def _layer(name: str, size: int, created_by: str) -> Layer:
    return Layer(digest_of(name), LAYER_TYPE, size, created_by=created_by)


BASE = (
    _layer("base-rootfs", 3_100_000, "ADD rootfs.tar.gz /"),
    _layer("base-libs", 1_250_000, "RUN apk add --no-cache ca-certificates libssl3"),
)


def image(
    seed: str,
    own: tuple[Layer, ...],
    *,
    days: int = 0,
    base: tuple[Layer, ...] = BASE,
    architecture: str = "amd64",
    **config: object,
) -> Image:
    layers = (*base, *own)
    created = BASE_TIME + timedelta(days=days)
    history = tuple(
        HistoryEntry(created=BASE_TIME - timedelta(days=30), created_by=layer.created_by)
        for layer in base
    ) + tuple(HistoryEntry(created=created, created_by=layer.created_by) for layer in own)
    return Image(
        digest=digest_of(seed),
        media_type=MANIFEST,
        config=ImageConfig(
            created=created,
            os="linux",
            architecture=architecture,
            history=history,
            **config,  # type: ignore[arg-type]
        ),
        layers=layers,
    )


def api_v1() -> Image:
    return image(
        "api-v1",
        (_layer("api-v1-app", 820_000, "COPY api-v1 /srv/api"),),
        entrypoint=("/srv/api",),
        cmd=("serve",),
        user="api",
        working_dir="/srv",
        env=(("PATH", "/usr/bin"), ("MODE", "dev"), ("LEGACY", "1")),
        labels=(("org.opencontainers.image.version", "1.0"),),
        ports=(Port(8080), Port(53, "udp")),
        volumes=("/data",),
    )


def api_v2() -> Image:
    return image(
        "api-v2",
        (
            _layer("api-v2-app", 910_000, "COPY api-v2 /srv/api"),
            _layer("api-v2-static", 64_000, "COPY static /srv/static"),
        ),
        days=14,
        entrypoint=("/srv/api", "--verbose"),
        cmd=("serve",),
        working_dir="/srv",
        env=(("PATH", "/usr/bin"), ("MODE", "prod"), ("FEATURES", "a=b,c")),
        labels=(("org.opencontainers.image.version", "2.0"),),
        ports=(Port(8080), Port(9090)),
        volumes=("/cache",),
    )


def _platform_image(arch: str, variant: str | None, release: str) -> tuple[Platform, Image]:
    built = image(
        f"multi-{release}-{arch}",
        (_layer(f"multi-{release}-{arch}", 400_000 + int(release), f"COPY app/{arch} /app/"),),
        days=int(release),
        base=(),
        architecture=arch,
        variant=variant,
        cmd=("/app/run",),
        env=(("RELEASE", release),),
    )
    return Platform("linux", arch, built.digest or "", variant=variant, size=401_000), built


def compare_provider() -> FakeProvider:
    provider = FakeProvider()
    provider.add_image_tag(API, "v1", api_v1())
    provider.add_image_tag(API, "v1-again", api_v1())
    provider.add_image_tag(API, "v2", api_v2())
    provider.add_image_tag(MIRROR, "v2", api_v2())
    for release in ("1", "2"):
        provider.add_index_tag(
            MULTI,
            release,
            [_platform_image("amd64", None, release), _platform_image("arm64", "v8", release)],
        )
    hostile_a = image(
        "hostile-a",
        (_layer("hostile-a", 10, f"RUN echo {ANSI} {MARKUP}"),),
        env=(("MARKUP", MARKUP), ("OSC", OSC_TITLE)),
        labels=((f"label{OPEN_CLOSE}", CLEAR),),
        user=MARKUP,
    )
    hostile_b = image(
        "hostile-b",
        (_layer("hostile-b", 20, f"RUN {OSC_TITLE}{OPEN_CLOSE}"),),
        env=(("MARKUP", f"{MARKUP}{ANSI}"), (f"NEW{OPEN_CLOSE}", OSC_TITLE)),
        volumes=(f"/data/{ANSI}",),
    )
    provider.add_image_tag(HOSTILE, "a", hostile_a)
    provider.add_image_tag(HOSTILE, "b", hostile_b)
    return provider
