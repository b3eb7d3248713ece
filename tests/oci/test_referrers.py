"""Referrers on the real distribution 2.8.2, which has no referrers API: the fallback tag
``sha256-<hex>``, cosign's ``.sig`` tag and BuildKit attestations, through the provider and
through ``tagtui inspect`` / ``tagtui ls`` as a user runs them."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tagtui.model import ReferrerKind
from tagtui.providers.oci.provider import OciProvider
from tests.support.cli import tagtui
from tests.support.push import PushClient
from tests.support.referrer_content import (
    SIMPLESIGNING,
    SPDX_JSON,
    SignedSet,
    fallback_tag,
    push_signed,
    signed_set,
)
from tests.support.registry import RunningRegistry, start_registry

pytestmark = pytest.mark.real

REPO = "signed/app"


@dataclass(frozen=True)
class Signed:
    registry: RunningRegistry
    content: SignedSet

    @property
    def host(self) -> str:
        return self.registry.host

    @property
    def log(self) -> Path:
        return self.registry.config.parent / "registry.log"

    def requests_for(self, fragment: str) -> int:
        """Requests whose path contains ``fragment``, from the registry's access log."""
        return sum(1 for line in self.log.read_text().splitlines() if fragment in line)


@pytest.fixture(scope="module")
def signed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Signed]:
    content = signed_set()
    workdir = tmp_path_factory.mktemp("signed") / "registry"
    with start_registry(workdir, access_log=True) as registry:
        with PushClient(registry.url) as client:
            push_signed(client, REPO, content)
        yield Signed(registry, content)


@pytest.fixture
def home(tmp_path: Path) -> Path:
    (tmp_path / ".config").mkdir()
    return tmp_path


async def test_fallback_tag_and_cosign_tag_give_the_image_its_referrers(signed: Signed) -> None:
    content = signed.content
    async with OciProvider(signed.host) as provider:
        found = await provider.referrers(REPO, content.image.digest)
    by_digest = {r.digest: r for r in found}
    assert set(by_digest) == {content.sbom.digest, content.signature.digest}
    sbom = by_digest[content.sbom.digest]
    assert (sbom.kind, sbom.artifact_type) == (ReferrerKind.SBOM, SPDX_JSON)
    assert sbom.size == content.sbom.size and sbom.subject == content.image.digest
    assert sbom.annotations == (("org.opencontainers.image.created", "2024-05-01T00:00:00Z"),)
    signature = by_digest[content.signature.digest]
    assert (signature.kind, signature.artifact_type) == (ReferrerKind.SIGNATURE, SIMPLESIGNING)
    assert signature.tag == fallback_tag(content.image.digest) + ".sig"


async def test_the_missing_api_is_asked_once_per_provider(signed: Signed) -> None:
    content = signed.content
    before = signed.requests_for("/referrers/")
    async with OciProvider(signed.host) as provider:
        first = await provider.referrers(REPO, content.image.digest)
        await provider.referrers(REPO, content.platform_image.digest)
        again = await provider.referrers(REPO, content.image.digest)
    assert first == again
    assert signed.requests_for("/referrers/") == before + 1


async def test_known_tags_spare_the_lookups_of_absent_cosign_tags(signed: Signed) -> None:
    content = signed.content
    tags = [fallback_tag(content.image.digest), fallback_tag(content.image.digest) + ".sig"]
    other = fallback_tag(content.platform_image.digest)
    before = signed.requests_for(".att"), signed.requests_for(other)
    async with OciProvider(signed.host) as provider:
        found = await provider.referrers(REPO, content.image.digest, tags=tags)
        none = await provider.referrers(REPO, content.platform_image.digest, tags=tags)
    assert {r.kind for r in found} == {ReferrerKind.SBOM, ReferrerKind.SIGNATURE}
    assert none == ()
    # Not in the list: never asked for (neither cosign's .att tags nor the other fallback tag).
    assert (signed.requests_for(".att"), signed.requests_for(other)) == before


async def test_artifact_type_filter_on_the_fallback_path(signed: Signed) -> None:
    content = signed.content
    async with OciProvider(signed.host) as provider:
        found = await provider.referrers(REPO, content.image.digest, artifact_type=SPDX_JSON)
    assert [r.digest for r in found] == [content.sbom.digest]


async def test_buildkit_attestations_are_referrers_of_their_platform(signed: Signed) -> None:
    content = signed.content
    async with OciProvider(signed.host) as provider:
        found = await provider.referrers(
            REPO, content.platform_image.digest, in_index=content.index.digest
        )
        of_index = await provider.referrers(REPO, content.index.digest)
    sbom, provenance = content.attestations
    assert [(r.digest, r.kind) for r in found] == [
        (sbom.digest, ReferrerKind.SBOM),
        (provenance.digest, ReferrerKind.ATTESTATION),
    ]
    assert {r.artifact_type for r in found} == {"application/vnd.in-toto+json"}
    assert all(r.subject == content.platform_image.digest for r in found)
    assert of_index == ()  # they describe the platform image, not the index


def test_inspect_json_lists_the_referrers_with_their_kinds(signed: Signed, home: Path) -> None:
    content = signed.content
    result = tagtui("inspect", "--json", f"{signed.host}/{REPO}:latest", home=home)
    assert result.returncode == 0, result.stderr
    referrers = json.loads(result.stdout)["referrers"]
    assert all(
        set(r) == {"digest", "mediaType", "artifactType", "kind", "size", "annotations"}
        for r in referrers
    )
    assert sorted(referrers, key=lambda r: r["kind"]) == [
        {
            "digest": content.sbom.digest,
            "mediaType": "application/vnd.oci.image.manifest.v1+json",
            "artifactType": SPDX_JSON,
            "kind": "sbom",
            "size": content.sbom.size,
            "annotations": {"org.opencontainers.image.created": "2024-05-01T00:00:00Z"},
        },
        {
            "digest": content.signature.digest,
            "mediaType": "application/vnd.oci.image.manifest.v1+json",
            "artifactType": SIMPLESIGNING,
            "kind": "signature",
            "size": content.signature.size,
            "annotations": {},
        },
    ]


def test_inspect_json_of_an_index_lists_its_own_referrers_and_the_platforms(
    signed: Signed, home: Path
) -> None:
    content = signed.content
    ref = f"{signed.host}/{REPO}:multi"
    whole = json.loads(tagtui("inspect", "--json", ref, home=home).stdout)
    assert whole["referrers"] == []  # nothing refers to the index itself
    result = tagtui("inspect", "--json", "--platform", "linux/amd64", ref, home=home)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["referrers"] == []
    assert [(r["digest"], r["kind"]) for r in data["image"]["referrers"]] == [
        (content.attestations[0].digest, "sbom"),
        (content.attestations[1].digest, "attestation"),
    ]


def test_inspect_text_has_a_referrers_section(signed: Signed, home: Path) -> None:
    content = signed.content
    result = tagtui("inspect", f"{signed.host}/{REPO}:latest", home=home)
    assert result.returncode == 0, result.stderr
    section = result.stdout.split("\nReferrers\n", 1)[1].splitlines()
    short = {content.sbom.digest[7:19], content.signature.digest[7:19]}
    rows = [line.split() for line in section if line.startswith("  ")]
    assert sorted((row[0], row[1], row[2]) for row in rows) == sorted(
        [
            ("sbom", SPDX_JSON, content.sbom.digest[7:19]),
            ("signature", SIMPLESIGNING, content.signature.digest[7:19]),
        ]
    )
    assert {row[2] for row in rows} == short
    assert all(row[-1] == "B" for row in rows)  # a size in bytes ("402 B")


def test_inspecting_the_fallback_tag_names_its_sbom(signed: Signed, home: Path) -> None:
    content = signed.content
    tag = fallback_tag(content.image.digest)
    result = tagtui("inspect", f"{signed.host}/{REPO}:{tag}", home=home)
    assert result.returncode == 0, result.stderr
    assert "attestation for ?" not in result.stdout
    platforms = result.stdout.split("\nPlatforms\n", 1)[1].splitlines()[0]
    assert platforms.split()[:2] == ["sbom", content.sbom.digest]
    assert f"{SPDX_JSON} for {content.image.digest}" in platforms
    as_json = json.loads(tagtui("inspect", "--json", f"{signed.host}/{REPO}:{tag}").stdout)
    assert [p["artifactType"] for p in as_json["platforms"]] == [SPDX_JSON]


def test_ls_still_lists_every_tag(signed: Signed, home: Path) -> None:
    content = signed.content
    result = tagtui("ls", f"{signed.host}/{REPO}", home=home)
    assert result.returncode == 0, result.stderr
    names = {line.split("\t")[0] for line in result.stdout.splitlines()}
    carrier = fallback_tag(content.image.digest)
    assert names == {"latest", "multi", carrier, carrier + ".sig"}
