"""The provider against the real distribution 2.8.2: listing, manifests, configs, indexes, auth."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

import pytest

from tagtui.credentials import Credential
from tagtui.errors import AuthenticationRequired, NotFound, UsageError
from tagtui.model import ImageConfig, Port, Tag
from tagtui.providers.oci.manifests import DOCKER_MANIFEST, OCI_INDEX, OCI_MANIFEST
from tagtui.providers.oci.provider import OciProvider
from tests.oci.realservers import Pusher
from tests.support.registry import BasicAuthCredentials, RunningRegistry, start_registry

pytestmark = pytest.mark.real

RICH = {
    "created": "2024-05-01T12:00:00.123456789Z",
    "author": "Ada <ada@example.com>",
    "os": "linux",
    "architecture": "amd64",
    "config": {
        "Env": ["PATH=/usr/local/bin:/usr/bin", "JAVA_OPTS=-Da=b -Dc=d", "EMPTY=", "BARE"],
        "Labels": {"z.first": "1", "a.second": "2", "m.third": "[bold]not markup[/]"},
        "ExposedPorts": {"80/tcp": {}, "53/udp": {}},
        "Volumes": {"/data": {}},
        "Entrypoint": ["/docker-entrypoint.sh"],
        "Cmd": ["nginx", "-g", "daemon off;"],
        "User": "101:101",
        "WorkingDir": "/srv",
    },
    "history": [
        {"created": "2024-05-01T11:00:00Z", "created_by": "ADD rootfs.tar.gz /"},
        {"created_by": "ENV PATH=/usr/local/bin:/usr/bin", "empty_layer": True},
        {"created_by": "RUN apt-get install -y nginx"},
        {"created_by": 'CMD ["nginx"]', "empty_layer": True},
    ],
}


def arch_config(architecture: str, created: str, variant: str | None = None) -> dict:
    config = {"created": created, "os": "linux", "architecture": architecture}
    if variant:
        config["variant"] = variant
    return config


@dataclass
class Content:
    registry: RunningRegistry
    rich: str
    docker: str
    index: str
    amd64: str
    arm64: str
    attestation: str
    amd64_size: int
    # What pulling each platform downloads: manifest + config + layers (its row's size).
    amd64_pull: int = 0
    arm64_pull: int = 0


@pytest.fixture(scope="module")
def content(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Content]:
    with start_registry(tmp_path_factory.mktemp("oci-content")) as registry:
        with Pusher(registry.url) as push:
            rich, _ = push.image("lib/rich", ["latest"], RICH, layers=[b"a" * 100, b"b" * 50])
            docker, _ = push.image("lib/docker", ["1.0"], RICH, docker=True)
            for tag in ["t10", "t2", "t1", "latest", "1.10", "1.9", "1.9.1"]:
                push.image("lib/order", [tag], arch_config("amd64", "2024-01-01T00:00:00Z"))
            amd64, amd_size = push.image(
                "lib/multi",
                [],
                arch_config("amd64", "2024-03-01T00:00:00Z"),
                layers=[b"x" * 300, b"y" * 200],
            )
            arm64, arm_size = push.image(
                "lib/multi", [], arch_config("arm64", "2024-03-02T00:00:00Z", "v8"), layers=[b"z"]
            )
            attestation, att_size = push.image("lib/multi", [], {"note": "in-toto"})
            index = push.index(
                "lib/multi",
                ["latest", "2.0"],
                [
                    {
                        "mediaType": OCI_MANIFEST,
                        "digest": amd64,
                        "size": amd_size,
                        "platform": {"os": "linux", "architecture": "amd64"},
                    },
                    {
                        "mediaType": OCI_MANIFEST,
                        "digest": arm64,
                        "size": arm_size,
                        "platform": {"os": "linux", "architecture": "arm64", "variant": "v8"},
                    },
                    {
                        "mediaType": OCI_MANIFEST,
                        "digest": attestation,
                        "size": att_size,
                        "platform": {"os": "unknown", "architecture": "unknown"},
                        "annotations": {
                            "vnd.docker.reference.type": "attestation-manifest",
                            "vnd.docker.reference.digest": amd64,
                        },
                    },
                ],
            )
        amd64_config = len(json.dumps(arch_config("amd64", "2024-03-01T00:00:00Z")).encode())
        arm64_config = len(json.dumps(arch_config("arm64", "2024-03-02T00:00:00Z", "v8")).encode())
        yield Content(
            registry,
            rich,
            docker,
            index,
            amd64,
            arm64,
            attestation,
            500,
            amd64_pull=amd_size + amd64_config + 500,
            arm64_pull=arm_size + arm64_config + 1,
        )


@pytest.fixture
async def provider(content: Content) -> OciProvider:
    async with OciProvider(content.registry.host) as opened:
        yield opened


async def test_probe_falls_back_to_plain_http_on_loopback(provider: OciProvider) -> None:
    await provider.check()
    assert provider.http.scheme == "http"
    assert provider.display_name == provider.registry
    assert provider.credential_source == "anonymous"
    assert provider.credential_key == provider.registry


async def test_catalog_lists_every_repository(provider: OciProvider) -> None:
    pages = [page async for page in provider.list_repositories()]
    names = [repo.name for page in pages for repo in page]
    assert names == ["lib/docker", "lib/multi", "lib/order", "lib/rich"]
    assert provider.capabilities.catalog


async def test_tags_in_natural_order(provider: OciProvider) -> None:
    tags = await provider.list_tags("lib/order")
    assert [t.name for t in tags] == ["1.9", "1.9.1", "1.10", "latest", "t1", "t2", "t10"]
    assert all(t.digest is None for t in tags)  # 2.8's tags/list carries no digests


async def test_rich_config_is_mapped(provider: OciProvider, content: Content) -> None:
    detail = await provider.get_tag("lib/rich", "latest")
    assert detail.digest == content.rich
    assert detail.media_type == OCI_MANIFEST
    assert detail.reference == f"{content.registry.host}/lib/rich:latest"
    assert not detail.is_index
    image = detail.image
    assert image is not None
    config = image.config
    assert config.env == (
        ("PATH", "/usr/local/bin:/usr/bin"),
        ("JAVA_OPTS", "-Da=b -Dc=d"),
        ("EMPTY", ""),
        ("BARE", ""),
    )
    assert config.labels == (
        ("z.first", "1"),
        ("a.second", "2"),
        ("m.third", "[bold]not markup[/]"),
    )
    assert config.ports == (Port(80, "tcp"), Port(53, "udp"))
    assert config.volumes == ("/data",)
    assert config.entrypoint == ("/docker-entrypoint.sh",)
    assert config.cmd == ("nginx", "-g", "daemon off;")
    assert (config.user, config.working_dir) == ("101:101", "/srv")
    assert config.author == "Ada <ada@example.com>"
    assert config.created == datetime(2024, 5, 1, 12, 0, 0, 123456, tzinfo=UTC)
    assert [layer.created_by for layer in image.layers] == [
        "ADD rootfs.tar.gz /",
        "RUN apt-get install -y nginx",
    ]
    assert [layer.size for layer in image.layers] == [100, 50]
    assert image.compressed_size == 150
    assert detail.size == 150


async def test_docker_schema2(provider: OciProvider, content: Content) -> None:
    detail = await provider.get_tag("lib/docker", "1.0")
    assert detail.media_type == DOCKER_MANIFEST
    assert detail.digest == content.docker
    assert detail.image is not None and detail.image.config.env[1] == ("JAVA_OPTS", "-Da=b -Dc=d")


async def test_index_with_platforms_and_attestation(
    provider: OciProvider, content: Content
) -> None:
    detail = await provider.get_tag("lib/multi", "latest")
    assert detail.is_index
    assert detail.digest == content.index
    assert detail.media_type == OCI_INDEX
    assert [p.name for p in detail.runnable_platforms] == ["linux/amd64", "linux/arm64/v8"]
    [attestation] = detail.attestations
    assert attestation.digest == content.attestation
    assert attestation.attests == content.amd64
    amd64, arm64 = detail.runnable_platforms
    # A platform row's size is what pulling it downloads: manifest + config + layers.
    assert (amd64.digest, amd64.size) == (content.amd64, content.amd64_pull)
    assert arm64.size == content.arm64_pull
    image = await provider.get_image("lib/multi", content.arm64)
    assert (image.config.architecture, image.config.variant) == ("arm64", "v8")


async def test_get_by_digest(provider: OciProvider, content: Content) -> None:
    detail = await provider.get_tag("lib/rich", content.rich)
    assert detail.digest == content.rich
    assert detail.reference == f"{content.registry.host}/lib/rich@{content.rich}"


async def test_describe_tag_is_cheap_and_concurrent(
    provider: OciProvider, content: Content
) -> None:
    rows = [Tag("latest"), Tag("2.0")]
    described = await asyncio.gather(*(provider.describe_tag("lib/multi", t) for t in rows))
    for tag in described:
        assert tag.digest == content.index
        assert tag.created == datetime(2024, 3, 1, tzinfo=UTC)  # the amd64 image's
        assert tag.size == content.amd64_size
        assert tag.media_type == OCI_INDEX
    rich = await provider.describe_tag("lib/rich", Tag("latest"))
    assert (rich.digest, rich.size) == (content.rich, 150)


async def test_missing_things_are_named(provider: OciProvider) -> None:
    host = provider.registry
    with pytest.raises(NotFound) as caught:
        await provider.list_tags("lib/nothing")
    assert str(caught.value) == f"repository lib/nothing not found at {host}"
    with pytest.raises(NotFound) as caught:
        await provider.get_tag("lib/rich", "nope")
    assert str(caught.value) == f"lib/rich:nope not found at {host}"
    with pytest.raises(UsageError):
        await provider.get_tag("lib/rich", "../../_catalog")
    with pytest.raises(UsageError):
        await provider.list_tags("Upper/Case")


async def test_refused_connection() -> None:
    from tagtui.errors import ConnectionFailed
    from tests.support.real import free_port

    port = free_port()
    async with OciProvider(f"127.0.0.1:{port}") as provider:
        provider.http.backoff = 0
        with pytest.raises(ConnectionFailed) as caught:
            await provider.check()
    assert str(caught.value) == f"cannot connect to 127.0.0.1:{port}: connection refused"


def test_pull_references() -> None:
    hub = OciProvider("registry-1.docker.io")
    assert hub.display_name == "docker.io"
    assert hub.pull_reference("library/nginx", "latest") == "docker.io/library/nginx:latest"
    local = OciProvider("127.0.0.1:5000")
    digest = "sha256:" + "a" * 64
    assert local.pull_reference("a/b", "v1") == "127.0.0.1:5000/a/b:v1"
    assert local.pull_reference("a/b", digest=digest) == f"127.0.0.1:5000/a/b@{digest}"
    assert local.credential_key == "127.0.0.1:5000"


async def test_basic_auth(
    registry_basic_auth: RunningRegistry, basic_auth_credentials: BasicAuthCredentials
) -> None:
    user, password = basic_auth_credentials.pair
    with Pusher(registry_basic_auth.url) as push:
        push.client.auth = (user, password)
        digest, _ = push.image("private/app", ["latest"], RICH)
    async with OciProvider(registry_basic_auth.host) as anonymous:
        with pytest.raises(AuthenticationRequired) as caught:
            await anonymous.list_tags("private/app")
        assert str(caught.value) == f"authentication required at {registry_basic_auth.host}"
    wrong = Credential(user, "wrong-password")
    async with OciProvider(registry_basic_auth.host, credential=wrong) as provider:
        with pytest.raises(AuthenticationRequired) as caught:
            await provider.check()
        assert (
            str(caught.value) == f"authentication failed for {user} at {registry_basic_auth.host}"
        )
        assert "wrong-password" not in str(caught.value)
        provider.set_credential(Credential(user, password, source="environment"))
        await provider.check()
        assert provider.credential_source == "environment"
        assert (await provider.get_tag("private/app", "latest")).digest == digest
        names = [r.name async for page in provider.list_repositories() for r in page]
        assert names == ["private/app"]


async def test_an_artifact_is_named_by_its_type_and_its_config_not_read_as_an_image(
    registry: RunningRegistry,
) -> None:
    helm = "application/vnd.cncf.helm.config.v1+json"
    with Pusher(registry.url) as push:
        config = push.blob("charts/web", b'{"name": "web", "version": "0.1.0"}', helm)
        chart = push.blob(
            "charts/web", b"chart tarball", "application/vnd.cncf.helm.chart.content.v1.tar+gzip"
        )
        body = json.dumps(
            {"schemaVersion": 2, "mediaType": OCI_MANIFEST, "config": config, "layers": [chart]}
        ).encode()
        push.manifest("charts/web", "0.1.0", body, OCI_MANIFEST)
    async with OciProvider(registry.host) as provider:
        detail = await provider.get_tag("charts/web", "0.1.0")
    image = detail.image
    assert image is not None
    assert image.artifact_type == helm
    assert image.config == ImageConfig()  # a chart's config is no image config
    assert image.platform is None
    assert [layer.size for layer in image.layers] == [len(b"chart tarball")]
    assert ("Config digest", config["digest"]) in image.extras
