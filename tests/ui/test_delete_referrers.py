"""Deleting a signed image on the real distribution 2.8: the confirmation lists what refers to
it; ``y`` leaves the referrers (and says so), the separate ``r`` deletes them too, each carrier
tag checked again just before."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import pytest

from tagtui.model import DeletePlan
from tagtui.providers.oci.provider import OciProvider
from tagtui.ui.app import TagtuiApp
from tagtui.ui.screens.delete import DeleteModal
from tests.support.push import PushClient
from tests.support.referrer_content import SIMPLESIGNING, SPDX_JSON, cosign_signature, subject_image
from tests.support.registry import RunningRegistry
from tests.support.signed import SignedImage, push_signed
from tests.ui.conftest import settle
from tests.ui.helpers import notification_texts
from tests.ui.screen import screen_text

pytestmark = pytest.mark.real

ACCEPT = "application/vnd.oci.image.manifest.v1+json,application/vnd.oci.image.index.v1+json"

REPO = "signed/app"


@dataclass(frozen=True)
class Setup:
    registry: RunningRegistry
    signed: SignedImage

    def tags(self) -> list[str]:
        reply = httpx.get(f"{self.registry.url}/v2/{REPO}/tags/list")
        return sorted(reply.json().get("tags") or [])

    def manifest_status(self, digest: str) -> int:
        headers = {"Accept": ACCEPT}
        url = f"{self.registry.url}/v2/{REPO}/manifests/{digest}"
        return httpx.get(url, headers=headers).status_code


@pytest.fixture
def setup(registry: RunningRegistry) -> Iterator[Setup]:
    with PushClient(registry.url) as client:
        signed = push_signed(client, REPO, "app", ["v1"])
        client.push(REPO, subject_image("other"), ["other"])
    yield Setup(registry, signed)


async def open_modal(pilot: object, app: TagtuiApp) -> DeleteModal:
    await settle(pilot)  # type: ignore[arg-type]
    await pilot.press("d")  # type: ignore[attr-defined]
    await settle(pilot)  # type: ignore[arg-type]
    assert isinstance(app.screen, DeleteModal), app.screen
    return app.screen


async def test_the_confirmation_lists_the_signature_and_sbom(setup: Setup) -> None:
    signed = setup.signed
    app = TagtuiApp(OciProvider(setup.registry.host), repository=REPO, tag="v1")
    async with app.run_test(size=(160, 50)) as pilot:
        modal = await open_modal(pilot, app)
        referrers = str(modal.query_one("#delete-referrers").render())
        assert "Referrers of this image (2):" in referrers
        assert f"signature {signed.signature.digest[7:19]}  {SIMPLESIGNING}\n" in referrers
        assert f"tag sha256-{signed.image.digest[7:19]}….sig\n" in referrers
        assert f"sbom      {signed.sbom.digest[7:19]}  {SPDX_JSON}\n" in referrers
        assert "By default they stay, orphaned" in referrers
        text = screen_text(app)
        assert "Delete with its 2 referrers (r)" in text


async def test_y_deletes_the_tag_only_and_the_referrers_stay(setup: Setup) -> None:
    signed = setup.signed
    app = TagtuiApp(OciProvider(setup.registry.host), repository=REPO, tag="v1")
    async with app.run_test(size=(160, 50)) as pilot:
        modal = await open_modal(pilot, app)
        assert "Referrers of this image (2):" in str(modal.query_one("#delete-referrers").render())
        await pilot.press("y")
        await settle(pilot)
    assert setup.tags() == sorted(["other", *signed.carrier_tags])
    assert setup.manifest_status(signed.sbom.digest) == 200
    assert setup.manifest_status(signed.signature.digest) == 200


async def test_r_deletes_the_tag_the_carrier_tags_and_the_referrers(setup: Setup) -> None:
    signed = setup.signed
    app = TagtuiApp(OciProvider(setup.registry.host), repository=REPO, tag="v1")
    async with app.run_test(size=(160, 50)) as pilot:
        await open_modal(pilot, app)
        await pilot.press("r")
        await settle(pilot)
        notes = notification_texts(app)
    assert setup.tags() == ["other"]
    for digest in (signed.sbom.digest, signed.signature.digest, signed.fallback.digest):
        assert setup.manifest_status(digest) == 404, digest
    report = next(n for n in notes if n.startswith("Referrers:"))
    assert "Referrers: 4 of 4 deleted." in report
    assert f"tag {signed.sig_tag}: deleted" in report


async def test_enter_never_takes_the_referrers(setup: Setup) -> None:
    app = TagtuiApp(OciProvider(setup.registry.host), repository=REPO, tag="v1")
    async with app.run_test(size=(160, 50)) as pilot:
        modal = await open_modal(pilot, app)
        assert modal.query_one("#with-referrers")
        await pilot.press("enter")  # Cancel has the focus
        await settle(pilot)
    assert "v1" in setup.tags() and setup.signed.sig_tag in setup.tags()


async def test_a_carrier_tag_repointed_after_the_plan_is_skipped(setup: Setup) -> None:
    signed = setup.signed
    async with OciProvider(setup.registry.host) as provider:
        # Imported here: the other tests of this file run against any version of tagtui.
        from tagtui.cleanup.referrers import delete_referrers, plan_with_referrers

        plan: DeletePlan = await plan_with_referrers(
            provider, await provider.plan_delete(REPO, "v1")
        )
        assert plan.referrers is not None
        # Someone re-signs: the .sig tag now holds another signature manifest.
        with PushClient(setup.registry.url) as client:
            client.push(REPO, cosign_signature(subject_image("resigned")), [signed.sig_tag])
        await provider.delete(plan)
        outcomes = await delete_referrers(provider, REPO, plan.referrers)
    by_label = {o.tag: o for o in outcomes}
    skipped = by_label[f"tag {signed.sig_tag}"]
    assert skipped.status == "skipped" and "as planned" in skipped.message
    assert signed.sig_tag in setup.tags()
    assert signed.fallback_tag not in setup.tags()
    assert setup.manifest_status(signed.sbom.digest) == 404


async def test_a_list_without_carrier_tags_is_not_trusted_to_be_complete(setup: Setup) -> None:
    # The tag tree may hide carrier tags: a list of names without any still finds them.
    from tagtui.cleanup.referrers import plan_with_referrers

    signed = setup.signed
    async with OciProvider(setup.registry.host) as provider:
        plan = await provider.plan_delete(REPO, "v1")
        found = await plan_with_referrers(provider, plan, tags=["v1", "other"])
    assert found.referrers is not None
    assert {r.digest for r in found.referrers.referrers} == {
        signed.signature.digest,
        signed.sbom.digest,
    }
    assert {c.name for c in found.referrers.carrier_tags} == set(signed.carrier_tags)


async def test_r_on_a_tag_that_moved_deletes_nothing_at_all(setup: Setup) -> None:
    signed = setup.signed
    app = TagtuiApp(OciProvider(setup.registry.host), repository=REPO, tag="v1")
    async with app.run_test(size=(160, 50)) as pilot:
        modal = await open_modal(pilot, app)
        assert modal.query_one("#with-referrers")
        # v1 moves to another image while the confirmation is open.
        with PushClient(setup.registry.url) as client:
            client.push(REPO, subject_image("moved"), ["v1"])
        await pilot.press("r")
        await settle(pilot)
        notes = notification_texts(app)
    assert not any(n.startswith("Referrers") for n in notes), notes
    assert setup.tags() == sorted(["v1", "other", *signed.carrier_tags])
    for digest in (signed.sbom.digest, signed.signature.digest, signed.fallback.digest):
        assert setup.manifest_status(digest) == 200, digest


async def test_a_referrer_another_tag_points_at_is_skipped(setup: Setup) -> None:
    from tagtui.cleanup.referrers import delete_referrers, plan_with_referrers

    signed = setup.signed
    with PushClient(setup.registry.url) as client:
        client.push(REPO, signed.sbom, ["keep-me"])  # someone tagged the SBOM itself
    async with OciProvider(setup.registry.host) as provider:
        plan = await plan_with_referrers(provider, await provider.plan_delete(REPO, "v1"))
        assert plan.referrers is not None
        await provider.delete(plan)
        outcomes = await delete_referrers(provider, REPO, plan.referrers)
    sbom = next(o for o in outcomes if o.tag.startswith("sbom "))
    assert (sbom.status, sbom.message) == (
        "skipped",
        "keep-me points at it too, not confirmed for deletion",
    )
    assert setup.tags() == ["keep-me", "other"]
    assert setup.manifest_status(signed.sbom.digest) == 200
