"""The referrers of images a bulk delete or ``tagtui prune`` removes, on the real distribution
2.8: listed in the confirmation and the dry run, left alone by default, deleted only by the
explicit choice (``r`` / ``--with-referrers``)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from tagtui.providers.oci.provider import OciProvider
from tagtui.ui.app import TagtuiApp
from tagtui.ui.screens.bulk_delete import BulkDeleteModal, BulkProgressModal
from tests.support.cli import tagtui
from tests.support.push import PushClient
from tests.support.referrer_content import SPDX_JSON, subject_image
from tests.support.registry import RunningRegistry
from tests.support.signed import SignedImage, push_signed
from tests.ui.conftest import settle
from tests.ui.helpers import finish_delete_flow, main_screen
from tests.ui.screen import screen_text

pytestmark = pytest.mark.real

ACCEPT = "application/vnd.oci.image.manifest.v1+json,application/vnd.oci.image.index.v1+json"

REPO = "signed/many"


@dataclass(frozen=True)
class Two:
    registry: RunningRegistry
    one: SignedImage
    two: SignedImage

    @property
    def target(self) -> str:
        return f"{self.registry.host}/{REPO}"

    def tags(self) -> list[str]:
        reply = httpx.get(f"{self.registry.url}/v2/{REPO}/tags/list")
        return sorted(reply.json().get("tags") or [])

    def status(self, digest: str) -> int:
        headers = {"Accept": ACCEPT}
        url = f"{self.registry.url}/v2/{REPO}/manifests/{digest}"
        return httpx.get(url, headers=headers).status_code

    def referrer_digests(self) -> list[str]:
        return [
            digest
            for signed in (self.one, self.two)
            for digest in (signed.sbom.digest, signed.signature.digest, signed.fallback.digest)
        ]

    @property
    def carrier_tags(self) -> list[str]:
        return sorted([*self.one.carrier_tags, *self.two.carrier_tags])


@pytest.fixture
def two(registry: RunningRegistry) -> Iterator[Two]:
    with PushClient(registry.url) as client:
        one = push_signed(client, REPO, "one", ["pr-1"])
        second = push_signed(client, REPO, "two", ["pr-2"])
        client.push(REPO, subject_image("stays"), ["v1"])
    yield Two(registry, one, second)


async def bulk_confirm(app: TagtuiApp, pilot: object, key: str) -> str:
    await settle(pilot)  # type: ignore[arg-type]
    main_screen(app).tags_pane.set_marks(["pr-1", "pr-2"])
    await pilot.press("d")  # type: ignore[attr-defined]
    await settle(pilot)  # type: ignore[arg-type]
    assert isinstance(app.screen, BulkDeleteModal)
    modal = app.screen
    shown = screen_text(app) + "\n" + str(modal.query_one("#bulk-groups").render())
    shown += "\n" + str(modal.query_one("#bulk-referrers").render())
    await pilot.press(key)  # type: ignore[attr-defined]
    await pilot.pause()  # type: ignore[attr-defined]
    await finish_delete_flow(app)
    await pilot.pause()  # type: ignore[attr-defined]
    assert isinstance(app.screen, BulkProgressModal)
    return shown + "\n" + screen_text(app)


async def test_bulk_lists_the_referrers_and_y_leaves_them(two: Two) -> None:
    app = TagtuiApp(OciProvider(two.registry.host), repository=REPO)
    async with app.run_test(size=(160, 60)) as pilot:
        text = await bulk_confirm(app, pilot, "y")
    assert "Delete with their 4 referrers (r)" in text
    for signed in (two.one, two.two):
        assert signed.sbom.digest[7:19] in text and signed.signature.digest[7:19] in text
        assert f"tag sha256-{signed.image.digest[7:19]}….sig" in text
    assert "By default they stay, orphaned" in text
    assert two.tags() == sorted(["v1", *two.carrier_tags])
    assert all(two.status(d) == 200 for d in two.referrer_digests())


async def test_bulk_r_deletes_the_referrers_of_both_images(two: Two) -> None:
    app = TagtuiApp(OciProvider(two.registry.host), repository=REPO)
    async with app.run_test(size=(160, 60)) as pilot:
        text = await bulk_confirm(app, pilot, "r")
    assert "Referrers: deleted 8 of 8." in text
    assert two.tags() == ["v1"]
    assert all(two.status(d) == 404 for d in two.referrer_digests())


def test_prune_dry_run_json_lists_the_referrers(two: Two, tmp_path: Path) -> None:
    result = tagtui("prune", two.target, "--match", "^pr-", "--json", home=tmp_path)
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    referrers = document["referrers"]
    assert sorted((r["subject"], r["kind"]) for r in referrers) == sorted(
        [
            (two.one.image.digest, "sbom"),
            (two.one.image.digest, "signature"),
            (two.two.image.digest, "sbom"),
            (two.two.image.digest, "signature"),
        ]
    )
    sbom = next(r for r in referrers if r["digest"] == two.one.sbom.digest)
    assert sbom["artifactType"] == SPDX_JSON and sbom["tag"] is None
    signature = next(r for r in referrers if r["digest"] == two.one.signature.digest)
    assert signature["tag"] == two.one.sig_tag
    assert document["referrersResult"] is None
    # The existing keys are all still there.
    assert {"schemaVersion", "repository", "rules", "delete", "keep", "result"} <= set(document)
    assert two.tags() == sorted(["pr-1", "pr-2", "v1", *two.carrier_tags])


def test_prune_yes_leaves_the_referrers_and_says_so(two: Two, tmp_path: Path) -> None:
    result = tagtui("prune", two.target, "--match", "^pr-", "--yes", home=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "REFERRERS of the images removed:" in result.stdout
    assert "add --with-referrers to delete them" in result.stdout
    assert two.tags() == sorted(["v1", *two.carrier_tags])
    assert all(two.status(d) == 200 for d in two.referrer_digests())


def test_prune_with_referrers_deletes_them(two: Two, tmp_path: Path) -> None:
    args = ("--match", "^pr-", "--yes", "--with-referrers", "--json")
    result = tagtui("prune", two.target, *args, home=tmp_path)
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    assert [r["status"] for r in document["referrersResult"]] == ["deleted"] * 8
    assert two.tags() == ["v1"]
    assert all(two.status(d) == 404 for d in two.referrer_digests())


HOSTILE_TYPE = "application/x-[bold]evil[/]\x1b[31m\x1b]0;pwned\x07"


def test_prune_prints_hostile_artifact_types_inert_and_json_exact(
    registry: RunningRegistry, tmp_path: Path
) -> None:
    annotations = {"[red]note[/]": "\x1b]52;c;ZXZpbA==\x07"}
    with PushClient(registry.url) as client:
        signed = push_signed(
            client, REPO, "evil", ["pr-9"], artifact_type=HOSTILE_TYPE, annotations=annotations
        )
    target = f"{registry.host}/{REPO}"
    text = tagtui("prune", target, "--match", "^pr-", home=tmp_path)
    assert text.returncode == 0, text.stderr
    assert "\x1b" not in text.stdout and "\x07" not in text.stdout
    assert "application/x-[bold]evil[/]" in text.stdout
    as_json = tagtui("prune", target, "--match", "^pr-", "--json", home=tmp_path)
    document = json.loads(as_json.stdout)
    sbom = next(r for r in document["referrers"] if r["digest"] == signed.sbom.digest)
    assert sbom["artifactType"] == HOSTILE_TYPE
    assert sbom["annotations"] == annotations
