"""Reading layouts: discovery, tags, details, and refusing what cannot be trusted."""

from __future__ import annotations

import asyncio
import json
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tagtui.demo.writer import ImageSpec, LayerSpec, LayoutWriter, Step, encode
from tagtui.errors import BadResponse, DigestMismatch, NotFound, Unsupported
from tagtui.model import Port
from tagtui.providers.layout import LayoutProvider
from tests.layout.conftest import blob_path, manifest_of, read_index, write_index

CREATED = datetime(2024, 2, 3, 4, 5, 6, tzinfo=UTC)


def simple_image(label: str = "x", **changes: object) -> ImageSpec:
    spec = ImageSpec(
        created=CREATED,
        steps=(
            Step("ADD rootfs.tar /", LayerSpec("base", 1000, "etc/os-release")),
            Step("ENV A=1"),
            Step("RUN make install", LayerSpec(f"app-{label}", 500, "usr/bin/app")),
            Step('CMD ["app"]'),
        ),
        env=("A=1",),
        labels=(("name", label),),
        cmd=("app",),
    )
    return ImageSpec(**{**spec.__dict__, **changes})  # type: ignore[arg-type]


def write_layout(path: Path, tags: dict[str, ImageSpec]) -> dict[str, str]:
    writer = LayoutWriter(path)
    digests = {}
    for tag, spec in tags.items():
        descriptor = writer.image(spec)
        writer.tag(descriptor, tag)
        digests[tag] = descriptor["digest"]
    writer.close()
    return digests


async def repositories(provider: LayoutProvider) -> list[str]:
    return [r.name async for page in provider.list_repositories() for r in page]


# --- discovery --------------------------------------------------------------------------------


async def test_nested_layouts_are_repositories_named_by_relative_path(tmp_path: Path) -> None:
    write_layout(tmp_path / "team" / "deep" / "app", {"1": simple_image()})
    write_layout(tmp_path / "solo", {"1": simple_image()})
    (tmp_path / "not-a-layout" / "x").mkdir(parents=True)
    provider = LayoutProvider(tmp_path)
    assert await repositories(provider) == ["solo", "team/deep/app"]
    assert provider.default_repository() is None
    assert provider.capabilities.delete and provider.capabilities.tag_delete


async def test_single_layout_is_one_repository_named_after_its_directory(tmp_path: Path) -> None:
    write_layout(tmp_path / "myimage", {"v1": simple_image()})
    provider = LayoutProvider(tmp_path / "myimage")
    assert await repositories(provider) == ["myimage"]
    assert provider.default_repository() == "myimage"
    assert [t.name for t in await provider.list_tags("myimage")] == ["v1"]
    assert provider.pull_reference("myimage", "v1") == f"oci:{(tmp_path / 'myimage')}:v1"


async def test_missing_path_and_unknown_repository(tmp_path: Path) -> None:
    with pytest.raises(NotFound):
        await repositories(LayoutProvider(tmp_path / "nope"))
    write_layout(tmp_path / "a", {"1": simple_image()})
    with pytest.raises(NotFound, match="repository b not found"):
        await LayoutProvider(tmp_path).list_tags("b")


async def test_empty_directory_lists_no_repositories(tmp_path: Path) -> None:
    assert await repositories(LayoutProvider(tmp_path)) == []


# --- tags -------------------------------------------------------------------------------------


async def test_ref_names_full_references_and_untagged_descriptors(tmp_path: Path) -> None:
    layout = tmp_path / "repo"
    digests = write_layout(layout, {"plain": simple_image()})
    document = read_index(layout)
    entry = document["manifests"][0]
    for ref_name in ("docker.io/library/nginx:1.25", "localhost:5000/team/app", "t10", "t9"):
        document["manifests"].append(
            {**entry, "annotations": {"org.opencontainers.image.ref.name": ref_name}}
        )
    document["manifests"].append({k: v for k, v in entry.items() if k != "annotations"})
    write_index(layout, document)
    tags = await LayoutProvider(tmp_path).list_tags("repo")
    assert [t.name for t in tags] == ["1.25", "localhost:5000/team/app", "plain", "t9", "t10"]
    assert {t.digest for t in tags} == {digests["plain"]}
    assert tags[0].size is None and tags[0].created is None  # filled lazily by describe_tag


async def test_two_thousand_tags_list_fast(demo: LayoutProvider) -> None:
    started = time.perf_counter()
    tags = await demo.list_tags("big/tags")
    elapsed = time.perf_counter() - started
    assert len(tags) >= 2000
    names = [t.name for t in tags]
    assert names.index("t2") < names.index("t10") < names.index("t100")
    assert names.index("1.2.0") < names.index("1.10.0")
    assert elapsed < 0.5, f"listing took {elapsed:.3f} s"


# --- details ----------------------------------------------------------------------------------


async def test_image_detail_maps_the_config(tmp_path: Path) -> None:
    spec = simple_image(
        env=("A=1", "URL=http://h/?a=b=c", "EMPTY=", "NOEQUALS"),
        labels=(("z", "1"), ("a", "2"), ("m", "3")),
        ports=("80/tcp", "53/udp", "8080"),
        volumes=("/data", "/cache"),
        entrypoint=("/entry", "--flag"),
        user="1000:1000",
        working_dir="/work",
        author="someone",
    )
    digests = write_layout(tmp_path / "r", {"t": spec})
    detail = await LayoutProvider(tmp_path).get_tag("r", "t")
    assert detail.digest == digests["t"] and not detail.is_index
    image = detail.image
    assert image is not None
    config = image.config
    assert config.env == (("A", "1"), ("URL", "http://h/?a=b=c"), ("EMPTY", ""), ("NOEQUALS", ""))
    assert config.labels == (("z", "1"), ("a", "2"), ("m", "3"))
    assert config.ports == (Port(80, "tcp"), Port(53, "udp"), Port(8080, "tcp"))
    assert config.volumes == ("/data", "/cache")
    assert config.entrypoint == ("/entry", "--flag") and config.cmd == ("app",)
    assert (config.user, config.working_dir, config.author) == ("1000:1000", "/work", "someone")
    assert config.created == CREATED
    assert [layer.created_by for layer in image.layers] == ["ADD rootfs.tar /", "RUN make install"]
    manifest = manifest_of(tmp_path / "r", digests["t"])
    assert [layer.size for layer in image.layers] == [d["size"] for d in manifest["layers"]]
    assert image.compressed_size == sum(d["size"] for d in manifest["layers"])
    described = await LayoutProvider(tmp_path).describe_tag(
        "r", (await LayoutProvider(tmp_path).list_tags("r"))[0]
    )
    assert described.created == CREATED and described.size == image.compressed_size


async def test_index_platforms_and_lazy_platform_image(demo: LayoutProvider) -> None:
    detail = await demo.get_tag("library/nginx", "1.25")
    assert detail.is_index
    amd64, arm64 = detail.runnable_platforms
    assert amd64.size and arm64.size
    image = await demo.get_image("library/nginx", arm64.digest)
    assert image.platform == "linux/arm64/v8"
    with pytest.raises(Unsupported, match="index"):
        await demo.get_image("library/nginx", detail.digest or "")
    described = await demo.describe_tag("library/nginx", (await demo.list_tags("library/nginx"))[0])
    # The tag row counts the preferred platform's layers; the platform row what a pull of it
    # downloads (its manifest and config too).
    amd64_image = await demo.get_image("library/nginx", amd64.digest)
    assert described.created is not None and described.size == amd64_image.compressed_size
    assert amd64.size is not None and described.size is not None
    assert amd64.size > described.size


async def test_tag_by_digest(demo: LayoutProvider) -> None:
    latest = await demo.get_tag("acme/api", "latest")
    by_digest = await demo.get_tag("acme/api", latest.digest or "")
    assert by_digest.image == latest.image
    assert by_digest.reference == f"acme/api@{latest.digest}"


async def test_artifact_is_shown_with_its_type(demo: LayoutProvider) -> None:
    detail = await demo.get_tag("acme/charts", "0.2.0")
    assert detail.image is not None
    assert detail.image.artifact_type == "application/vnd.cncf.helm.config.v1+json"


async def test_hostile_content_comes_through_unchanged(tmp_path: Path) -> None:
    hostile = "[bold]x[/] [/ [00] \x1b[31mred\x1b[0m \x1b]0;title\x07 \x1b]8;;http://e/\x1b\\link"
    spec = simple_image(
        labels=(("[bold]key[/]", hostile), ("long", "w" * 5000), ("wide", "宽字符🙂")),
        env=(f"HOSTILE={hostile}",),
    )
    write_layout(tmp_path / "r", {"[bold]tag": spec})
    provider = LayoutProvider(tmp_path)
    (tag,) = await provider.list_tags("r")
    assert tag.name == "[bold]tag"
    image = (await provider.get_tag("r", "[bold]tag")).image
    assert image is not None
    assert image.config.labels == (
        ("[bold]key[/]", hostile),
        ("long", "w" * 5000),
        ("wide", "宽字符🙂"),
    )
    assert image.config.env == (("HOSTILE", hostile),)


# --- refusing what cannot be trusted ----------------------------------------------------------


async def test_tampered_blobs_are_refused(tmp_path: Path) -> None:
    digests = write_layout(tmp_path / "r", {"t": simple_image()})
    config_digest = manifest_of(tmp_path / "r", digests["t"])["config"]["digest"]
    config_path = blob_path(tmp_path / "r", config_digest)
    document = json.loads(config_path.read_bytes())
    document["config"]["Labels"] = {"name": "evil"}
    config_path.write_bytes(encode(document))
    provider = LayoutProvider(tmp_path)
    with pytest.raises(DigestMismatch, match=config_digest):
        await provider.get_tag("r", "t")
    manifest_path = blob_path(tmp_path / "r", digests["t"])
    manifest_path.write_bytes(
        manifest_path.read_bytes().replace(b'"schemaVersion":2', b'"schemaVersion": 2')
    )
    with pytest.raises(DigestMismatch, match=digests["t"]):
        await LayoutProvider(tmp_path).get_tag("r", "t")


async def test_size_that_disagrees_with_the_descriptor_is_refused(tmp_path: Path) -> None:
    write_layout(tmp_path / "r", {"t": simple_image()})
    document = read_index(tmp_path / "r")
    document["manifests"][0]["size"] += 1
    write_index(tmp_path / "r", document)
    with pytest.raises(BadResponse, match="descriptor says"):
        await LayoutProvider(tmp_path).get_tag("r", "t")


async def test_missing_blob_is_not_found_with_a_clear_message(tmp_path: Path) -> None:
    digests = write_layout(tmp_path / "r", {"t": simple_image()})
    blob_path(tmp_path / "r", digests["t"]).unlink()
    with pytest.raises(NotFound, match=f"manifest {digests['t']} is missing"):
        await LayoutProvider(tmp_path).get_tag("r", "t")
    with pytest.raises(NotFound, match="no such tag"):
        await LayoutProvider(tmp_path).get_tag("r", "other")


@pytest.mark.parametrize(
    "body",
    [
        b"{not json",
        b"[]",
        b'{"schemaVersion":2,"manifests":"x"}',
        b'{"schemaVersion":2,"manifests":[{"digest":"../../etc/passwd"}]}',
    ],
)
async def test_bad_index_json_is_a_bad_response(tmp_path: Path, body: bytes) -> None:
    write_layout(tmp_path / "r", {"t": simple_image()})
    (tmp_path / "r" / "index.json").write_bytes(body)
    with pytest.raises(BadResponse):
        await LayoutProvider(tmp_path).list_tags("r")


async def test_bad_config_json_is_a_bad_response(tmp_path: Path) -> None:
    writer = LayoutWriter(tmp_path / "r")
    config = writer.blob(b"{oops", "application/vnd.oci.image.config.v1+json")
    manifest = writer.blob(
        encode(
            {
                "schemaVersion": 2,
                "mediaType": "application/vnd.oci.image.manifest.v1+json",
                "config": config,
                "layers": [],
            }
        ),
        "application/vnd.oci.image.manifest.v1+json",
    )
    writer.tag(manifest, "t")
    writer.close()
    with pytest.raises(BadResponse, match="not valid JSON"):
        await LayoutProvider(tmp_path).get_tag("r", "t")


async def test_changes_on_disk_are_seen_on_the_next_listing(tmp_path: Path) -> None:
    write_layout(tmp_path / "r", {"a": simple_image()})
    provider = LayoutProvider(tmp_path)
    assert [t.name for t in await provider.list_tags("r")] == ["a"]
    write_layout(tmp_path / "r", {"a": simple_image(), "b": simple_image("b")})
    assert [t.name for t in await provider.list_tags("r")] == ["a", "b"]
    write_layout(tmp_path / "s", {"c": simple_image()})
    assert await repositories(provider) == ["r", "s"]


async def test_many_rows_described_at_once(demo_template: Path) -> None:
    provider = LayoutProvider(demo_template, read_only=True)
    tags = (await provider.list_tags("big/tags"))[::10]
    described = await asyncio.gather(*(provider.describe_tag("big/tags", t) for t in tags))
    assert all(d.created is not None and d.size for d in described)
    by_digest: dict[str | None, set] = {}
    for d in described:
        by_digest.setdefault(d.digest, set()).add((d.created, d.size))
    assert all(len(values) == 1 for values in by_digest.values())
