"""The manifest -> model mapping the OCI and layout providers share, on literal manifests."""

from __future__ import annotations

from datetime import UTC, datetime

from tagtui.model import HistoryEntry, ImageConfig, Platform, Tag
from tagtui.providers.manifest_model import (
    described_tag,
    layers_size,
    manifest_detail,
    manifest_image,
    preferred_child,
    sized_platform,
    tag_or_digest,
)
from tagtui.providers.oci.manifests import OCI_CONFIG, OCI_INDEX, OCI_MANIFEST, Descriptor, Manifest

D1 = "sha256:" + "1" * 64
D2 = "sha256:" + "2" * 64
D3 = "sha256:" + "3" * 64
CONFIG = Descriptor(media_type=OCI_CONFIG, digest=D3, size=300)


def _image(*sizes: int | None, config: Descriptor | None = CONFIG) -> Manifest:
    layers = tuple(Descriptor(media_type=None, digest=D2, size=s) for s in sizes)
    return Manifest(
        media_type=OCI_MANIFEST,
        digest=D1,
        is_index=False,
        config=config,
        layers=layers,
        annotations=(("org.example", "yes"),),
    )


def _index(*platforms: dict[str, str]) -> Manifest:
    entries = tuple(
        Descriptor(media_type=OCI_MANIFEST, digest=D2, size=10, platform=p) for p in platforms
    )
    return Manifest(
        media_type=OCI_INDEX,
        digest=D1,
        is_index=True,
        manifests=entries,
        annotations=(("org.example", "yes"),),
    )


def test_layers_size_only_when_every_layer_is_known() -> None:
    assert layers_size(_image(100, 23)) == 123
    assert layers_size(_image(100, None)) is None
    assert layers_size(_image()) is None
    assert layers_size(_index({"os": "linux", "architecture": "amd64"})) is None
    # A platform row's size: its manifest (10, as the index lists it) + config + layers.
    platform = Platform(os="linux", architecture="amd64", digest=D2, size=10)
    assert sized_platform(platform, _image(5, 6)).size == 10 + (CONFIG.size or 0) + 11
    assert sized_platform(platform, None).size is None


def test_tag_or_digest() -> None:
    assert tag_or_digest("latest") == ("latest", None)
    assert tag_or_digest(D1) == (None, D1)


def test_manifest_image_pairs_layers_with_history() -> None:
    config = ImageConfig(
        history=(
            HistoryEntry(created_by="FROM scratch", empty_layer=True),
            HistoryEntry(created_by="COPY app /"),
        )
    )
    image = manifest_image(_image(7), config)
    assert image.config_size == 300
    assert image.extras == (("Config digest", D3), ("Annotation org.example", "yes"))
    assert [layer.created_by for layer in image.layers] == ["COPY app /"]
    bare = manifest_image(_image(7, config=None), ImageConfig())
    assert bare.config_size is None and bare.extras == (("Annotation org.example", "yes"),)


def test_manifest_detail_shows_annotations_of_an_index_only() -> None:
    index = manifest_detail("r/app:1", "app", "1", _index({"os": "linux"}))
    assert index.extras == (("Annotation org.example", "yes"),)
    image = manifest_detail(
        "r/app:1", "app", "1", _image(1), image=manifest_image(_image(1), ImageConfig())
    )
    assert image.extras == () and image.image is not None and image.digest == D1


def test_described_tag_keeps_what_the_image_does_not_know() -> None:
    earlier = datetime(2020, 1, 1, tzinfo=UTC)
    built = datetime(2024, 1, 1, tzinfo=UTC)
    tag = Tag(name="1", created=earlier, size=5)
    described = described_tag(tag, _image(10, 20), _image(10, 20), ImageConfig(created=built))
    assert (described.digest, described.created, described.size) == (D1, built, 30)
    unknown = described_tag(tag, _index({"os": "linux"}), None, None)
    assert (unknown.created, unknown.size, unknown.media_type) == (earlier, 5, OCI_INDEX)
    chosen = preferred_child(
        _index({"os": "linux", "architecture": "arm64"}, {"os": "linux", "architecture": "amd64"})
    )
    assert chosen is not None and chosen.architecture == "amd64"
