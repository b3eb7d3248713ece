"""Deleting an ImageTag: the plan says the image stays, the digest is checked again first."""

from __future__ import annotations

import pytest

from tagtui.errors import DeleteAborted, PermissionDenied, Unsupported
from tagtui.model import DeleteMethod
from tagtui.providers.openshift import OpenShiftProvider
from tagtui.text import short_digest
from tests.vendors.openshift.conftest import make_provider
from tests.vendors.openshift.fake import OTHER_TOKEN, OpenShiftFake, digest, event


def stream_tags(fake: OpenShiftFake, stream: str) -> tuple[list[str], list[str]]:
    item = fake.state.streams["team"][stream]
    return (
        [t["name"] for t in item["spec"]["tags"]],
        [t["tag"] for t in item["status"]["tags"]],
    )


async def test_plan_says_only_the_tag_goes_and_the_image_stays(
    ocp: OpenShiftFake, provider: OpenShiftProvider
) -> None:
    plan = await provider.plan_delete("app", "latest")
    assert plan.method is DeleteMethod.API_TAG_DELETE
    assert plan.removes == ("latest",)
    assert plan.keeps == ("stable",)
    assert plan.digest == digest(1)
    assert plan.shared_tags == ("latest", "stable")
    assert plan.summary == (
        "Only the tag latest is removed from image stream app; the image itself stays; "
        "stable still points at it."
    )
    assert any("image objects are not deleted" in w for w in plan.warnings)
    assert any("history of 2 older images" in w for w in plan.warnings)
    assert not ocp.server.requests_to("DELETE")


async def test_plan_for_a_tag_alone_or_without_an_image(provider: OpenShiftProvider) -> None:
    alone = await provider.plan_delete("app", "v1.10")
    assert alone.keeps == () and alone.shared_tags == ("v1.10",)
    assert alone.summary == (
        "Only the tag v1.10 is removed from image stream app; the image itself stays."
    )
    pending = await provider.plan_delete("pending", "nightly")
    assert pending.digest is None and pending.keeps == ()
    assert pending.shared_tags == ("nightly",)
    assert pending.summary == (
        "Only the tag nightly is removed from image stream pending; it has no image "
        "(none was imported)."
    )
    assert any("spec (what it tracks or imports)" in w for w in pending.warnings)


async def test_delete_removes_spec_and_status_and_keeps_the_image(
    ocp: OpenShiftFake, provider: OpenShiftProvider
) -> None:
    plan = await provider.plan_delete("app", "latest")
    result = await provider.delete(plan)
    assert result.removed == ("latest",)
    assert result.messages == (
        "method: API tag delete (the tag's spec and history leave the image stream)",
        f"image {short_digest(digest(1))} stays in the cluster",
    )
    (request,) = ocp.server.requests_to("DELETE")
    assert request.raw_target == "/apis/image.openshift.io/v1/namespaces/team/imagetags/app:latest"
    assert request.header("authorization") == "Bearer sha256~team-token-0123456789abcdef"
    spec, status = stream_tags(ocp, "app")
    assert "latest" not in spec and "latest" not in status
    assert "stable" in status
    assert digest(1) in ocp.state.images
    assert [t.name for t in await provider.list_tags("app")] == ["stable", "v1.2", "v1.9", "v1.10"]


async def test_a_tag_without_an_image_can_be_deleted(
    ocp: OpenShiftFake, provider: OpenShiftProvider
) -> None:
    plan = await provider.plan_delete("pending", "nightly")
    assert plan.digest is None
    assert "it has no image" in plan.summary
    await provider.delete(plan)
    assert stream_tags(ocp, "pending") == ([], [])


async def test_tag_moved_since_the_plan_aborts(
    ocp: OpenShiftFake, provider: OpenShiftProvider
) -> None:
    plan = await provider.plan_delete("app", "v1.2")
    stream = ocp.state.streams["team"]["app"]
    entry = next(t for t in stream["status"]["tags"] if t["tag"] == "v1.2")
    entry["items"].insert(0, event(3, 90))
    with pytest.raises(DeleteAborted, match=r"now points at .*nothing was deleted"):
        await provider.delete(plan)
    assert not ocp.server.requests_to("DELETE")
    assert "v1.2" in stream_tags(ocp, "app")[1]


async def test_tag_gone_since_the_plan_aborts(
    ocp: OpenShiftFake, provider: OpenShiftProvider
) -> None:
    plan = await provider.plan_delete("app", "v1.9")
    stream = ocp.state.streams["team"]["app"]
    stream["spec"]["tags"] = [t for t in stream["spec"]["tags"] if t["name"] != "v1.9"]
    stream["status"]["tags"] = [t for t in stream["status"]["tags"] if t["tag"] != "v1.9"]
    with pytest.raises(DeleteAborted, match="no longer exists"):
        await provider.delete(plan)
    assert not ocp.server.requests_to("DELETE")


async def test_whole_digest_is_not_offered(provider: OpenShiftProvider) -> None:
    assert provider.capabilities.tag_delete and not provider.capabilities.digest_delete
    with pytest.raises(Unsupported, match="the image stays"):
        await provider.plan_delete("app", "latest", whole_digest=True)


async def test_a_refused_delete_quotes_the_status_message(
    ocp: OpenShiftFake, provider: OpenShiftProvider
) -> None:
    plan = await provider.plan_delete("app", "v1.9")
    ocp.server.fail_next(
        403,
        {
            "kind": "Status",
            "apiVersion": "v1",
            "status": "Failure",
            "message": 'imagetags.image.openshift.io "app:v1.9" is forbidden: User "alice" '
            'cannot delete resource "imagetags"',
            "reason": "Forbidden",
            "code": 403,
        },
        match=lambda r: r.method == "DELETE",
    )
    with pytest.raises(PermissionDenied, match='cannot delete resource "imagetags"'):
        await provider.delete(plan)
    assert "v1.9" in stream_tags(ocp, "app")[0]


async def test_another_namespace_is_forbidden(ocp: OpenShiftFake) -> None:
    provider = make_provider(ocp, token=OTHER_TOKEN)
    try:
        with pytest.raises(PermissionDenied, match='cannot get resource "imagetags"'):
            await provider.plan_delete("app", "latest")
    finally:
        await provider.aclose()
