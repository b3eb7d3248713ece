"""Tutum deletes whole images only: the plan says so, the tag set is checked again first."""

from __future__ import annotations

import pytest

from tagtui.errors import Conflict, DeleteAborted, NotFound
from tagtui.model import DeleteMethod
from tagtui.providers.tutum import TutumProvider
from tests.vendors.tutum.fake import TutumFake, seed_layer


async def test_capabilities_say_only_whole_images(provider: TutumProvider) -> None:
    capabilities = provider.capabilities
    assert capabilities.delete and not capabilities.tag_delete and not capabilities.digest_delete
    assert "whole images only" in (capabilities.note or "")


@pytest.mark.parametrize("whole_digest", [False, True])
async def test_plan_removes_every_tag_and_says_so(
    tutum: TutumFake, provider: TutumProvider, whole_digest: bool
) -> None:
    plan = await provider.plan_delete("tutum/hello-world", "v1", whole_digest=whole_digest)
    assert plan.method is DeleteMethod.API_IMAGE_DELETE
    assert plan.removes == ("latest", "v1", "v2", "v10")
    assert plan.keeps == ()
    assert plan.digest is None
    assert plan.summary == (
        "Tutum deletes whole images only: the whole image tutum/hello-world is deleted, with "
        "every tag (4 tags: latest, v1, v2 and v10)."
    )
    assert "no tag delete" in plan.warnings[0] and "not only v1" in plan.warnings[0]
    assert not tutum.server.requests_to("DELETE")


async def test_plan_warns_when_the_image_is_in_use(provider: TutumProvider) -> None:
    plan = await provider.plan_delete("team/mysql", "5.7")
    assert plan.removes == ("5.7",)
    assert "1 tag: 5.7" in plan.summary
    assert any("in use by your services" in w for w in plan.warnings)


async def test_delete_sends_delete_image_and_accepts_204(
    tutum: TutumFake, provider: TutumProvider
) -> None:
    plan = await provider.plan_delete("registry.local/user1/image1", "latest")
    result = await provider.delete(plan)
    assert result.removed == ("latest", "staging")
    assert result.messages == (
        "method: API image delete (the image itself is gone, not only its tags)",
    )
    (request,) = tutum.server.requests_to("DELETE")
    assert request.raw_target == "/api/v1/image/registry.local/user1/image1/"
    assert "registry.local/user1/image1" not in tutum.state.images
    # The tag list of the deleted image is now empty, not an error.
    assert await provider.list_tags("registry.local/user1/image1") == []
    names = []
    async for page in provider.list_repositories():
        names += [repo.name for repo in page]
    assert "registry.local/user1/image1" not in names
    with pytest.raises(NotFound):
        await provider.list_tags("registry.local/user1/image1")


async def test_a_tag_added_since_the_plan_aborts(tutum: TutumFake, provider: TutumProvider) -> None:
    plan = await provider.plan_delete("tutum/hello-world", "v1")
    tutum.state.add_tag("tutum/hello-world", "v11", seed_layer())
    with pytest.raises(DeleteAborted, match=r"v11 appeared.*nothing was deleted"):
        await provider.delete(plan)
    assert not tutum.server.requests_to("DELETE")


async def test_an_image_gone_since_the_plan_aborts(
    tutum: TutumFake, provider: TutumProvider
) -> None:
    plan = await provider.plan_delete("tutum/hello-world", "v1")
    del tutum.state.images["tutum/hello-world"]
    with pytest.raises(DeleteAborted, match="no longer exists"):
        await provider.delete(plan)
    assert not tutum.server.requests_to("DELETE")


async def test_a_refused_delete_quotes_the_error(tutum: TutumFake, provider: TutumProvider) -> None:
    plan = await provider.plan_delete("team/mysql", "5.7")
    tutum.server.fail_next(
        409, {"error": "Image is being used by a service"}, match=lambda r: r.method == "DELETE"
    )
    with pytest.raises(Conflict, match="Image is being used by a service"):
        await provider.delete(plan)
    assert "team/mysql" in tutum.state.images


async def test_plan_for_an_unknown_tag(provider: TutumProvider) -> None:
    with pytest.raises(NotFound, match="tutum/hello-world:v99"):
        await provider.plan_delete("tutum/hello-world", "v99")
