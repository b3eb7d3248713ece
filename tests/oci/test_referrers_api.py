"""Referrers through the OCI 1.1 referrers API (a local server following the spec): pages,
the artifactType filter, the fallback tag left unread; 404 and 400 fall back to the tag schema;
an endless Link chain stops with a clear error."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from tagtui.errors import BadResponse, DigestMismatch
from tagtui.model import ReferrerKind
from tagtui.providers.oci.provider import OciProvider
from tagtui.providers.oci.referrers import MAX_REFERRER_PAGES
from tests.oci.referrers_server import ReferrersRegistry
from tests.support.cli import tagtui
from tests.support.push import Image
from tests.support.referrer_content import (
    SIMPLESIGNING,
    SPDX_JSON,
    SignedSet,
    fallback_tag,
    referrer_descriptor,
    sbom_referrer,
    signed_set,
)
from tests.vendors.fake_http import FakeServer

REPO = "signed/app"
NOTATION = "application/vnd.cncf.notary.signature"
EXAMPLE = "application/vnd.example.report.v1"


class Setup:
    def __init__(self, registry: ReferrersRegistry, server: FakeServer, content: SignedSet):
        self.registry = registry
        self.server = server
        self.content = content
        # Listed by the API only: a notation signature (its descriptor says what it is, its
        # manifest is never read) and an artifact of unknown type whose layer is CycloneDX.
        self.notation = {
            "mediaType": "application/vnd.oci.image.manifest.v1+json",
            "digest": "sha256:" + "e" * 64,
            "size": 700,
            "artifactType": NOTATION,
            "annotations": {"io.cncf.notary.x509chain.thumbprint#S256": '["ab"]'},
        }
        self.report: Image = cyclonedx_report(content.image)

    def provider(self) -> OciProvider:
        return OciProvider(f"127.0.0.1:{self.server.port}")

    def gets(self, fragment: str) -> list[str]:
        return [r.raw_target for r in self.server.requests_to("GET", fragment)]

    def fallback_reads(self) -> list[str]:
        tag = fallback_tag(self.content.image.digest)
        return [t for t in self.gets("/manifests/") if t.endswith(f"/manifests/{tag}")]


def cyclonedx_report(image: Image) -> Image:
    """An artifact whose type says nothing known, with a CycloneDX layer: only its manifest
    tells it is an SBOM."""
    from tests.support.push import OCI_MANIFEST, Blob, canonical_json

    base = sbom_referrer(image, artifact_type=EXAMPLE, annotations={}, document="report")
    body = base.json
    layer = Blob(b'{"bomFormat":"CycloneDX"}', "application/vnd.cyclonedx+json")
    body["layers"] = [layer.descriptor()]
    return Image(body=canonical_json(body), media_type=OCI_MANIFEST, blobs=(layer,))


@pytest.fixture
def setup() -> Iterator[Setup]:
    content = signed_set()
    registry = ReferrersRegistry(REPO)
    registry.add(content.image, "latest")
    registry.add(content.signature, fallback_tag(content.image.digest) + ".sig")
    # The fallback tag is there too (a registry that gained the API keeps old tags): it must
    # not be read while the API answers.
    registry.add(content.fallback, fallback_tag(content.image.digest))
    with FakeServer(registry.route) as server:
        made = Setup(registry, server, content)
        registry.add(made.report)
        registry.referrers[content.image.digest] = [
            referrer_descriptor(content.sbom),
            made.notation,
            referrer_descriptor(made.report),
        ]
        yield made


async def test_the_api_path_pages_and_classifies(setup: Setup) -> None:
    content = setup.content
    async with setup.provider() as provider:
        found = await provider.referrers(REPO, content.image.digest)
    kinds = {r.digest: (r.kind, r.artifact_type) for r in found}
    assert kinds == {
        content.sbom.digest: (ReferrerKind.SBOM, SPDX_JSON),
        setup.notation["digest"]: (ReferrerKind.SIGNATURE, NOTATION),
        setup.report.digest: (ReferrerKind.SBOM, EXAMPLE),
        content.signature.digest: (ReferrerKind.SIGNATURE, SIMPLESIGNING),
    }
    notation = next(r for r in found if r.digest == setup.notation["digest"])
    assert notation.size == 700 and notation.annotations == (
        ("io.cncf.notary.x509chain.thumbprint#S256", '["ab"]'),
    )
    assert len(setup.gets("/referrers/")) == 3  # one descriptor per page, Link to the next
    assert setup.fallback_reads() == []
    # Only the artifact of unknown type was read; the descriptors said what the others are.
    assert setup.gets(f"/manifests/{setup.report.digest}") != []
    assert setup.gets(f"/manifests/{content.sbom.digest}") == []
    assert setup.gets(f"/manifests/{setup.notation['digest']}") == []


@pytest.mark.parametrize("server_filters", [True, False])
async def test_the_artifact_type_filter(setup: Setup, server_filters: bool) -> None:
    setup.registry.apply_filter = server_filters
    content = setup.content
    async with setup.provider() as provider:
        found = await provider.referrers(REPO, content.image.digest, artifact_type=NOTATION)
    assert [r.digest for r in found] == [setup.notation["digest"]]
    first = setup.gets("/referrers/")[0]
    assert "artifactType=application%2Fvnd.cncf.notary.signature" in first
    # Without OCI-Filters-Applied the server sent all three (over three pages): tagtui filtered.
    assert len(setup.gets("/referrers/")) == (1 if server_filters else 3)
    # What the filter leaves out is not classified: the unknown artifact's manifest is unread.
    assert setup.gets(f"/manifests/{setup.report.digest}") == []


@pytest.mark.parametrize("status", ["404", "400"])
async def test_a_registry_without_the_api_falls_back_to_the_tag(setup: Setup, status: str) -> None:
    setup.registry.mode = status
    content = setup.content
    async with setup.provider() as provider:
        found = await provider.referrers(REPO, content.image.digest)
        again = await provider.referrers(REPO, content.image.digest)
    assert {(r.digest, r.kind) for r in found} == {
        (content.sbom.digest, ReferrerKind.SBOM),
        (content.signature.digest, ReferrerKind.SIGNATURE),
    }
    assert again == found
    assert len(setup.fallback_reads()) == 2
    assert len(setup.gets("/referrers/")) == 1  # remembered: not asked again


async def test_an_endless_link_chain_stops_with_a_clear_error(setup: Setup) -> None:
    setup.registry.mode = "endless"
    async with setup.provider() as provider:
        with pytest.raises(BadResponse, match=f"more than {MAX_REFERRER_PAGES} pages"):
            await provider.referrers(REPO, setup.content.image.digest)
    assert len(setup.gets("/referrers/")) == MAX_REFERRER_PAGES


async def test_a_page_sent_again_and_again_stops(setup: Setup) -> None:
    setup.registry.mode = "repeat"
    async with setup.provider() as provider:
        with pytest.raises(BadResponse, match="does not progress"):
            await provider.referrers(REPO, setup.content.image.digest)
    assert len(setup.gets("/referrers/")) == 2


async def test_a_referrer_that_does_not_match_its_digest_is_refused(setup: Setup) -> None:
    # The unknown-typed artifact must be read to classify it: the server sends other bytes.
    forged = cyclonedx_report(setup.content.platform_image)
    setup.registry.manifests[setup.report.digest] = forged
    async with setup.provider() as provider:
        with pytest.raises(DigestMismatch, match="does not match"):
            await provider.referrers(REPO, setup.content.image.digest)


HOSTILE_TYPE = "application/[bold]x[/]\x1b[31mred\x07"
HOSTILE_NOTE = {"[link=https://evil.invalid]k[/link]": "\x1b]8;;https://evil\x07v\x1b[2J"}


def test_inspect_through_the_api_keeps_hostile_text_literal(setup: Setup, tmp_path: Path) -> None:
    content = setup.content
    hostile = {
        "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "digest": "sha256:" + "d" * 64,
        "size": 321,
        "artifactType": HOSTILE_TYPE,
        "annotations": HOSTILE_NOTE,
    }
    setup.registry.referrers[content.image.digest].append(hostile)
    (tmp_path / ".config").mkdir()
    ref = f"127.0.0.1:{setup.server.port}/{REPO}:latest"
    as_json = tagtui("inspect", "--json", ref, home=tmp_path)
    assert as_json.returncode == 0, as_json.stderr
    found = {r["digest"]: r for r in json.loads(as_json.stdout)["referrers"]}
    assert {d: r["kind"] for d, r in found.items()} == {
        content.sbom.digest: "sbom",
        setup.notation["digest"]: "signature",
        setup.report.digest: "sbom",
        hostile["digest"]: "other",
        content.signature.digest: "signature",
    }
    assert found[hostile["digest"]]["artifactType"] == HOSTILE_TYPE  # the data, unchanged
    assert found[hostile["digest"]]["annotations"] == HOSTILE_NOTE
    as_text = tagtui("inspect", ref, home=tmp_path)
    assert as_text.returncode == 0, as_text.stderr
    assert "\x1b" not in as_text.stdout and "\x07" not in as_text.stdout
    assert "application/[bold]x[/]\\x1b[31mred\\x07  dddddddddddd  321 B" in as_text.stdout
    assert setup.fallback_reads() == []


def test_inspect_prints_the_image_when_its_referrers_cannot_be_had(
    setup: Setup, tmp_path: Path
) -> None:
    # An endless Link chain: the lookup fails, the rest of inspect stands (as in the TUI).
    setup.registry.mode = "endless"
    (tmp_path / ".config").mkdir()
    ref = f"127.0.0.1:{setup.server.port}/{REPO}:latest"
    as_json = tagtui("inspect", "--json", ref, home=tmp_path)
    assert as_json.returncode == 0, as_json.stderr
    document = json.loads(as_json.stdout)
    assert document["digest"] == setup.content.image.digest
    assert document["referrers"] == []
    assert "more than 50 pages" in document["referrersError"]
    as_text = tagtui("inspect", ref, home=tmp_path)
    assert as_text.returncode == 0, as_text.stderr
    assert "not looked up" in as_text.stdout and "more than 50 pages" in as_text.stdout
