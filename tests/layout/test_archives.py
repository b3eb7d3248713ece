"""Layouts written by the real skopeo, and ``docker save`` archives (both formats, read-only)."""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import shutil
import subprocess
import tarfile
from pathlib import Path

import pytest

from tagtui.errors import BadResponse, DigestMismatch, Unsupported
from tagtui.providers.layout import LayoutProvider
from tests.layout.conftest import blob_path, manifest_of, read_index
from tests.support.real import need_binary


def skopeo(*args: str) -> None:
    result = subprocess.run(
        [need_binary("skopeo"), *args], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr


async def test_single_layout_written_by_skopeo(demo_template: Path, tmp_path: Path) -> None:
    target = tmp_path / "webapp"
    skopeo("copy", f"oci:{demo_template / 'acme/web'}:latest", f"oci:{target}:2024.06.12")
    skopeo("copy", f"oci:{demo_template / 'acme/web'}:canary", f"oci:{target}:canary")
    skopeo("copy", "--all", f"oci:{demo_template / 'library/nginx'}:stable", f"oci:{target}:multi")
    provider = LayoutProvider(target)
    assert [r.name async for page in provider.list_repositories() for r in page] == ["webapp"]
    tags = await provider.list_tags("webapp")
    assert [t.name for t in tags] == ["2024.06.12", "canary", "multi"]
    detail = await provider.get_tag("webapp", "canary")
    assert detail.image is not None
    assert dict(detail.image.config.env)["WEB_RELEASE"] == "2024.06.19"
    assert [str(p) for p in detail.image.config.ports] == ["3000/tcp", "5353/udp", "9229/tcp"]
    multi = await provider.get_tag("webapp", "multi")
    assert [p.name for p in multi.runnable_platforms] == ["linux/amd64", "linux/arm64/v8"]
    assert len(multi.attestations) == 1


# --- docker save, legacy format (written by skopeo's docker-archive transport) ----------------


async def test_legacy_archive_written_by_skopeo(demo_template: Path, tmp_path: Path) -> None:
    archive = tmp_path / "images.tar"
    skopeo(
        "copy",
        f"oci:{demo_template / 'library/postgres'}:16",
        f"docker-archive:{archive}:library/postgres:16",
    )
    provider = LayoutProvider(archive)
    assert provider.read_only and not provider.capabilities.delete
    assert [r.name async for page in provider.list_repositories() for r in page] == ["postgres"]
    (tag,) = await provider.list_tags("postgres")
    assert tag.name == "16"
    detail = await provider.get_tag("postgres", "16")
    image = detail.image
    assert image is not None
    assert detail.digest == tag.digest == image.digest  # the image ID (config digest)
    assert image.config.volumes == ("/var/lib/postgresql/data",)
    assert len(image.layers) == 4 and all(layer.size for layer in image.layers)
    assert image.layers[2].created_by and "postgresql-16" in image.layers[2].created_by
    assert provider.pull_reference("postgres", "16") == f"docker-archive:{archive}:postgres:16"
    # The copied reference works with the real tool.
    skopeo("inspect", provider.pull_reference("postgres", "16"))
    with pytest.raises(Unsupported, match="docker save archive"):
        await provider.plan_delete("postgres", "16")
    await provider.aclose()


# --- docker save, constructed per docker's documented formats ---------------------------------


def add(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    tar.addfile(info, io.BytesIO(data))


def link(tar: tarfile.TarFile, name: str, target: str) -> None:
    info = tarfile.TarInfo(name)
    info.type, info.linkname = tarfile.SYMTYPE, target
    tar.addfile(info)


def legacy_archive(path: Path, config: bytes, layers: list[bytes], repo_tags: list[str]) -> None:
    """Docker < 25: <id>/layer.tar (here symlinked as docker does for shared layers), <hex>.json."""
    config_name = hashlib.sha256(config).hexdigest() + ".json"
    with tarfile.open(path, "w") as tar:
        add(tar, config_name, config)
        names = []
        for number, layer in enumerate(layers):
            layer_id = hashlib.sha256(f"layer{number}".encode()).hexdigest()
            add(tar, f"{layer_id}/VERSION", b"1.0")
            add(tar, f"{layer_id}/json", b"{}")
            if number == 0:
                add(tar, f"{layer_id}/layer.tar", layer)
                first = layer_id
            else:
                link(tar, f"{layer_id}/layer.tar", f"../{first}/layer.tar")
            names.append(f"{layer_id}/layer.tar")
        manifest = [{"Config": config_name, "RepoTags": repo_tags, "Layers": names}]
        add(tar, "manifest.json", json.dumps(manifest).encode())
        add(tar, "repositories", b"{}")


def image_config(layer_count: int) -> bytes:
    return json.dumps(
        {
            "architecture": "amd64",
            "os": "linux",
            "created": "2023-06-01T00:00:00.123456789Z",
            "config": {"Env": ["A=b=c"], "Labels": {"[bold]x[/]": "\x1b]0;t\x07"}},
            "rootfs": {
                "type": "layers",
                "diff_ids": [f"sha256:{n:064x}" for n in range(layer_count)],
            },
            "history": [{"created_by": f"step {n}"} for n in range(layer_count)]
            + [{"created_by": "CMD", "empty_layer": True}],
        }
    ).encode()


async def test_constructed_legacy_archive(tmp_path: Path) -> None:
    archive = tmp_path / "legacy.tar"
    legacy_archive(
        archive,
        image_config(2),
        [b"L" * 3000, b""],
        ["localhost:5000/team/app:1.0", "localhost:5000/team/app:latest", "busybox:1"],
    )
    provider = LayoutProvider(archive)
    assert [r.name async for page in provider.list_repositories() for r in page] == [
        "busybox",
        "localhost:5000/team/app",
    ]
    tags = await provider.list_tags("localhost:5000/team/app")
    assert [t.name for t in tags] == ["1.0", "latest"] and tags[0].digest == tags[1].digest
    image = (await provider.get_tag("localhost:5000/team/app", "latest")).image
    assert image is not None
    assert [(layer.digest, layer.size, layer.created_by) for layer in image.layers] == [
        (f"sha256:{0:064x}", 3000, "step 0"),
        (f"sha256:{1:064x}", 3000, "step 1"),  # a symlink: the size of its target
    ]
    assert image.config.env == (("A", "b=c"),)
    assert image.config.labels == (("[bold]x[/]", "\x1b]0;t\x07"),)
    described = await provider.describe_tag("busybox", (await provider.list_tags("busybox"))[0])
    assert described.created is not None and described.size == 6000


async def test_legacy_archive_with_a_tampered_config(tmp_path: Path) -> None:
    archive = tmp_path / "legacy.tar"
    config = image_config(1)
    with tarfile.open(archive, "w") as tar:
        name = hashlib.sha256(config).hexdigest() + ".json"
        add(tar, name, config.replace(b"A=b=c", b"A=evil"))
        add(
            tar,
            "manifest.json",
            json.dumps([{"Config": name, "RepoTags": ["x:1"], "Layers": []}]).encode(),
        )
    with pytest.raises(DigestMismatch):
        await LayoutProvider(archive).get_tag("x", "1")


def oci_archive(path: Path, layout: Path, tags: dict[str, str], *, compress: bool = False) -> None:
    """Docker >= 25: an OCI layout (blobs, index.json naming each image) plus manifest.json."""
    index_entries, manifest_json = [], []
    for full_name, digest in tags.items():
        manifest = manifest_of(layout, digest)
        index_entries.append(
            {
                "mediaType": "application/vnd.oci.image.manifest.v1+json",
                "digest": digest,
                "size": blob_path(layout, digest).stat().st_size,
                "annotations": {
                    "io.containerd.image.name": full_name,
                    "org.opencontainers.image.ref.name": full_name.rsplit(":", 1)[1],
                },
            }
        )
        manifest_json.append(
            {
                "Config": "blobs/sha256/" + manifest["config"]["digest"].split(":")[1],
                "RepoTags": [full_name.removeprefix("docker.io/library/")],
                "Layers": ["blobs/sha256/" + d["digest"].split(":")[1] for d in manifest["layers"]],
            }
        )
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as tar:
        for blob in sorted((layout / "blobs" / "sha256").iterdir()):
            add(tar, f"blobs/sha256/{blob.name}", blob.read_bytes())
        add(tar, "oci-layout", b'{"imageLayoutVersion":"1.0.0"}')
        index = {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json"}
        add(tar, "index.json", json.dumps({**index, "manifests": index_entries}).encode())
        add(tar, "manifest.json", json.dumps(manifest_json).encode())
    data = buffer.getvalue()
    path.write_bytes(gzip.compress(data) if compress else data)


@pytest.mark.parametrize("compress", [False, True])
async def test_oci_archive_as_docker_25_writes_it(
    demo_template: Path, tmp_path: Path, compress: bool
) -> None:
    layout = demo_template / "acme" / "api"
    refs = {
        m["annotations"]["org.opencontainers.image.ref.name"]: m["digest"]
        for m in read_index(layout)["manifests"]
    }
    archive = tmp_path / ("saved.tar.gz" if compress else "saved.tar")
    oci_archive(
        archive,
        layout,
        {
            "docker.io/library/api:prod": refs["prod"],
            "docker.io/library/api:v1.0.0": refs["v1.0.0"],
            "registry.acme.example/team/api:1.2.0": refs["v1.2.0"],
        },
        compress=compress,
    )
    provider = LayoutProvider(archive)
    assert [r.name async for page in provider.list_repositories() for r in page] == [
        "api",
        "registry.acme.example/team/api",
    ]
    assert [t.name for t in await provider.list_tags("api")] == ["prod", "v1.0.0"]
    detail = await provider.get_tag("registry.acme.example/team/api", "1.2.0")
    assert detail.digest == refs["v1.2.0"] and detail.image is not None
    assert dict(detail.image.config.labels)["org.opencontainers.image.version"] == "1.2.0"
    assert not provider.capabilities.delete


async def test_tampered_blob_inside_an_oci_archive(demo_template: Path, tmp_path: Path) -> None:
    layout = tmp_path / "layout"
    shutil.copytree(demo_template / "tools" / "debug", layout)
    (entry, *_) = read_index(layout)["manifests"]
    config = manifest_of(layout, entry["digest"])["config"]["digest"]
    path = blob_path(layout, config)
    path.write_bytes(path.read_bytes().replace(b'"sh"', b'"zz"'))
    archive = tmp_path / "saved.tar"
    oci_archive(archive, layout, {"docker.io/library/debug:latest": entry["digest"]})
    with pytest.raises(DigestMismatch, match=config):
        await LayoutProvider(archive).get_tag("debug", "latest")


async def test_a_tar_that_is_not_docker_save(tmp_path: Path) -> None:
    archive = tmp_path / "random.tar"
    with tarfile.open(archive, "w") as tar:
        add(tar, "hello.txt", b"hi")
    with pytest.raises(BadResponse, match="not docker save"):
        [r async for r in LayoutProvider(archive).list_repositories()]
