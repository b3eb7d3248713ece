"""Parsing manifests, indexes and configs (pure functions, literal documents)."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from tagtui.errors import BadResponse, DigestMismatch, LegacyManifest
from tagtui.model import Port
from tagtui.providers.manifest_model import pair_layers, platform_of
from tagtui.providers.oci.manifests import (
    DOCKER_LIST,
    DOCKER_MANIFEST,
    DOCKER_SCHEMA1,
    MANIFEST_ACCEPT,
    OCI_INDEX,
    OCI_MANIFEST,
    digest_of,
    parse_config,
    parse_manifest,
    parse_time,
    verify_digest,
)

D1 = "sha256:" + "1" * 64
D2 = "sha256:" + "2" * 64
D3 = "sha256:" + "3" * 64


def _manifest(document: dict, content_type: str | None = None):
    body = json.dumps(document).encode()
    return parse_manifest(body, content_type=content_type, digest=digest_of(body), where="x")


def test_accept_lists_every_modern_type() -> None:
    for media_type in (OCI_INDEX, OCI_MANIFEST, DOCKER_LIST, DOCKER_MANIFEST):
        assert media_type in MANIFEST_ACCEPT
    assert DOCKER_SCHEMA1 not in MANIFEST_ACCEPT


def test_verify_digest_checks_header_and_request() -> None:
    body = b'{"schemaVersion":2}'
    good = digest_of(body)
    assert verify_digest(body, claimed=good, requested=good, where="r:t") == good
    assert verify_digest(body, claimed=None, requested=None, where="r:t") == good
    with pytest.raises(DigestMismatch, match="Docker-Content-Digest"):
        verify_digest(body, claimed=D1, requested=None, where="r:t")
    with pytest.raises(DigestMismatch, match="asked for"):
        verify_digest(body, claimed=None, requested=D1, where="r:t")
    with pytest.raises(BadResponse):
        verify_digest(body, claimed="sha256:../../etc", requested=None, where="r:t")
    sha512 = digest_of(body, "sha512")
    assert verify_digest(body, claimed=sha512, requested=None, where="r:t") == good


def test_schema1_is_refused_clearly() -> None:
    with pytest.raises(LegacyManifest, match="legacy Docker schema 1 manifest not supported"):
        _manifest({"schemaVersion": 1, "name": "a", "tag": "b", "fsLayers": []})
    with pytest.raises(LegacyManifest):
        parse_manifest(
            b"{}",
            content_type="application/vnd.docker.distribution.manifest.v1+prettyjws",
            digest=D1,
            where="x",
        )


@pytest.mark.parametrize(
    "body",
    [b"not json", b"[]", b'{"schemaVersion": 2}', b'{"schemaVersion": 2, "layers": {}}'],
)
def test_bad_manifests_are_bad_responses(body: bytes) -> None:
    with pytest.raises(BadResponse):
        parse_manifest(body, content_type=OCI_MANIFEST, digest=D1, where="x")


def test_descriptor_digests_are_validated_before_use() -> None:
    with pytest.raises(BadResponse, match="invalid digest"):
        _manifest(
            {
                "schemaVersion": 2,
                "mediaType": OCI_MANIFEST,
                "config": {"mediaType": "x", "digest": "sha256:../../v2/other", "size": 1},
            }
        )


def test_index_with_platforms_and_attestation() -> None:
    manifest = _manifest(
        {
            "schemaVersion": 2,
            "mediaType": OCI_INDEX,
            "manifests": [
                {
                    "mediaType": OCI_MANIFEST,
                    "digest": D1,
                    "size": 500,
                    "platform": {"os": "linux", "architecture": "amd64"},
                },
                {
                    "mediaType": OCI_MANIFEST,
                    "digest": D2,
                    "size": 501,
                    "platform": {"os": "linux", "architecture": "arm64", "variant": "v8"},
                },
                {
                    "mediaType": OCI_MANIFEST,
                    "digest": D3,
                    "size": 800,
                    "platform": {"os": "unknown", "architecture": "unknown"},
                    "annotations": {
                        "vnd.docker.reference.type": "attestation-manifest",
                        "vnd.docker.reference.digest": D1,
                    },
                },
            ],
        }
    )
    assert manifest.is_index
    platforms = [platform_of(d) for d in manifest.manifests]
    assert [p.name for p in platforms] == ["linux/amd64", "linux/arm64/v8", "unknown/unknown"]
    assert [p.is_attestation for p in platforms] == [False, False, True]
    assert platforms[2].attests == D1
    assert platforms[0].attests is None


def test_attestation_flagged_by_annotation_alone() -> None:
    manifest = _manifest(
        {
            "schemaVersion": 2,
            "mediaType": DOCKER_LIST,
            "manifests": [
                {
                    "mediaType": DOCKER_MANIFEST,
                    "digest": D3,
                    "size": 1,
                    "platform": {"os": "linux", "architecture": "amd64"},
                    "annotations": {"vnd.docker.reference.type": "attestation-manifest"},
                }
            ],
        }
    )
    assert platform_of(manifest.manifests[0]).is_attestation
    assert manifest.family == "docker"


def test_index_without_media_type_is_recognised_by_shape() -> None:
    manifest = _manifest({"schemaVersion": 2, "manifests": []}, content_type=None)
    assert manifest.is_index


def test_docker_schema2_family() -> None:
    manifest = _manifest(
        {
            "schemaVersion": 2,
            "mediaType": DOCKER_MANIFEST,
            "config": {
                "mediaType": "application/vnd.docker.container.image.v1+json",
                "digest": D1,
                "size": 10,
            },
            "layers": [{"mediaType": "x", "digest": D2, "size": 20}],
        }
    )
    assert not manifest.is_index
    assert manifest.family == "docker"
    assert manifest.layers[0].size == 20


RICH_CONFIG = {
    "architecture": "arm64",
    "variant": "v8",
    "os": "linux",
    "author": "Ada <ada@example.com>",
    "created": "2024-05-01T12:00:00.123456789Z",
    "config": {
        "Env": ["PATH=/usr/bin:/bin", "OPTS=--a=1 --b=2", "EMPTY=", "NOVALUE"],
        "Labels": {"z.last": "1", "a.first": "2", "org.opencontainers.image.source": "https://x"},
        "ExposedPorts": {"80/tcp": {}, "53/udp": {}, "8080": {}},
        "Volumes": {"/data": {}, "/cache": {}},
        "Entrypoint": ["/entrypoint.sh"],
        "Cmd": ["serve", "--port", "80"],
        "User": "app",
        "WorkingDir": "/srv",
    },
    "history": [
        {"created": "2024-05-01T11:00:00Z", "created_by": "ADD rootfs.tar /"},
        {"created_by": "ENV PATH=/usr/bin", "empty_layer": True},
        {"created_by": "RUN apt-get install -y curl"},
        {"created_by": "LABEL a=b", "empty_layer": True},
        {"created_by": "COPY app /srv", "comment": "buildkit"},
    ],
}


def test_config_maps_every_field_in_order() -> None:
    config = parse_config(json.dumps(RICH_CONFIG).encode(), "x")
    assert config.env == (
        ("PATH", "/usr/bin:/bin"),
        ("OPTS", "--a=1 --b=2"),
        ("EMPTY", ""),
        ("NOVALUE", ""),
    )
    assert config.labels == (
        ("z.last", "1"),
        ("a.first", "2"),
        ("org.opencontainers.image.source", "https://x"),
    )
    assert config.ports == (Port(80, "tcp"), Port(53, "udp"), Port(8080, "tcp"))
    assert config.volumes == ("/data", "/cache")
    assert config.entrypoint == ("/entrypoint.sh",)
    assert config.cmd == ("serve", "--port", "80")
    assert (config.user, config.working_dir) == ("app", "/srv")
    assert (config.os, config.architecture, config.variant) == ("linux", "arm64", "v8")
    assert config.author == "Ada <ada@example.com>"
    assert config.created == datetime(2024, 5, 1, 12, 0, 0, 123456, tzinfo=UTC)
    assert len(config.history) == 5
    assert config.history[1].empty_layer


def test_history_pairs_with_layers_skipping_empty_layers() -> None:
    config = parse_config(json.dumps(RICH_CONFIG).encode(), "x")
    manifest = _manifest(
        {
            "schemaVersion": 2,
            "mediaType": OCI_MANIFEST,
            "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": D1},
            "layers": [
                {"mediaType": "l", "digest": D1, "size": 1},
                {"mediaType": "l", "digest": D2, "size": 2},
                {"mediaType": "l", "digest": D3, "size": 3},
            ],
        }
    )
    layers = pair_layers(manifest.layers, config)
    assert [layer.created_by for layer in layers] == [
        "ADD rootfs.tar /",
        "RUN apt-get install -y curl",
        "COPY app /srv",
    ]
    assert [layer.size for layer in layers] == [1, 2, 3]


def test_more_layers_than_history_leaves_created_by_empty() -> None:
    config = parse_config(b'{"history": [{"created_by": "one"}]}', "x")
    manifest = _manifest(
        {
            "schemaVersion": 2,
            "mediaType": OCI_MANIFEST,
            "config": {"mediaType": "c", "digest": D1},
            "layers": [{"digest": D1, "size": 1}, {"digest": D2, "size": 2}],
        }
    )
    assert [layer.created_by for layer in pair_layers(manifest.layers, config)] == ["one", None]


def test_minimal_config_with_nulls() -> None:
    config = parse_config(
        b'{"config": {"Env": null, "Labels": null, "Cmd": null, "User": ""}, "history": null}',
        "x",
    )
    assert config.env == ()
    assert config.labels == ()
    assert config.cmd is None
    assert config.user is None


@pytest.mark.parametrize(
    "document",
    [
        b"[]",
        b"{",
        b'{"config": []}',
        b'{"config": {"Env": "PATH=/bin"}}',
        b'{"config": {"Env": [1]}}',
        b'{"config": {"Labels": {"a": 1}}}',
        b'{"config": {"ExposedPorts": ["80/tcp"]}}',
        b'{"history": {}}',
        b'{"history": ["x"]}',
        b'{"author": 5}',
    ],
)
def test_wrong_config_shapes_are_bad_responses(document: bytes) -> None:
    with pytest.raises(BadResponse):
        parse_config(document, "config of x")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-05-01T12:00:00Z", datetime(2024, 5, 1, 12, tzinfo=UTC)),
        ("2024-05-01T12:00:00.5+00:00", datetime(2024, 5, 1, 12, 0, 0, 500000, tzinfo=UTC)),
        ("2024-05-01T12:00:00.123456789Z", datetime(2024, 5, 1, 12, 0, 0, 123456, tzinfo=UTC)),
        ("0001-01-01T00:00:00Z", None),
        ("yesterday", None),
        (12345, None),
        (None, None),
    ],
)
def test_parse_time(text: object, expected: datetime | None) -> None:
    assert parse_time(text) == expected
