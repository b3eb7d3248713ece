"""Referrers in a local OCI layout: the fallback tag, cosign's ``.sig`` tag and BuildKit
attestations, read from index.json and the blobs (a layout has no referrers API)."""

from __future__ import annotations

import json
from pathlib import Path

from tagtui.model import ReferrerKind
from tagtui.providers.layout import LayoutProvider
from tests.support.push import Manifest
from tests.support.referrer_content import SPDX_JSON, fallback_tag, signed_set


def _write_blobs(layout: Path, manifest: Manifest) -> None:
    blobs = layout / "blobs" / "sha256"
    blobs.mkdir(parents=True, exist_ok=True)
    (blobs / manifest.digest.split(":", 1)[1]).write_bytes(manifest.body)
    for blob in manifest.blobs:
        (blobs / blob.digest.split(":", 1)[1]).write_bytes(blob.data)
    for child in manifest.children:
        _write_blobs(layout, child)


def write_layout(layout: Path, tags: dict[str, Manifest]) -> None:
    layout.mkdir(parents=True)
    (layout / "oci-layout").write_text('{"imageLayoutVersion": "1.0.0"}')
    entries = []
    for tag, manifest in tags.items():
        _write_blobs(layout, manifest)
        entries.append(manifest.descriptor(annotations={"org.opencontainers.image.ref.name": tag}))
    index = {"schemaVersion": 2, "manifests": entries}
    (layout / "index.json").write_text(json.dumps(index))


async def test_a_layout_answers_from_its_tags_and_blobs(tmp_path: Path) -> None:
    content = signed_set()
    carrier = fallback_tag(content.image.digest)
    layout = tmp_path / "signed"
    write_layout(
        layout,
        {
            "latest": content.image,
            carrier: content.fallback,
            f"{carrier}.sig": content.signature,
            "multi": content.index,
        },
    )
    async with LayoutProvider(layout, read_only=True) as provider:
        assert provider.capabilities.referrers
        found = await provider.referrers("signed", content.image.digest)
        platform = await provider.referrers(
            "signed", content.platform_image.digest, in_index=content.index.digest
        )
        filtered = await provider.referrers("signed", content.image.digest, artifact_type=SPDX_JSON)
    assert {(r.digest, r.kind) for r in found} == {
        (content.sbom.digest, ReferrerKind.SBOM),
        (content.signature.digest, ReferrerKind.SIGNATURE),
    }
    assert [r.kind for r in platform] == [ReferrerKind.SBOM, ReferrerKind.ATTESTATION]
    assert [r.digest for r in filtered] == [content.sbom.digest]
