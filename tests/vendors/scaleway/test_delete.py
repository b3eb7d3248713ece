"""Deleting Scaleway tags: plans that say what the API's force rule means, refusals, re-checks."""

from __future__ import annotations

import pytest

from tagtui.errors import Conflict, DeleteAborted
from tagtui.model import DeleteMethod
from tagtui.providers.http import RequestRejected
from tagtui.providers.scaleway import ScalewayProvider
from tests.vendors.scaleway.fake import ScalewayFake, digest

API = "team/api"


async def test_unshared_tag_plan_and_delete(scw: ScalewayFake, provider: ScalewayProvider) -> None:
    plan = await provider.plan_delete(API, "build-5")
    assert plan.method is DeleteMethod.API_TAG_DELETE
    assert plan.removes == ("build-5",) and plan.keeps == () and plan.warnings == ()
    assert "no other tag" in plan.summary
    assert "build-5" in scw.state.tag_names(API)  # planning changes nothing
    result = await provider.delete(plan)
    assert result.removed == ("build-5",)
    assert "build-5" not in scw.state.tag_names(API)
    (request,) = scw.server.requests_to("DELETE")
    assert "force" not in request.query


async def test_shared_digest_plan_is_refused_and_says_why(
    provider: ScalewayProvider,
) -> None:
    plan = await provider.plan_delete(API, "stable")
    assert plan.digest == digest(7)
    assert plan.removes == ("stable",)
    assert plan.keeps == ("latest", "v1.0.0")
    assert set(plan.shared_tags) == {"latest", "stable", "v1.0.0"}
    assert not plan.whole_digest
    # Documented to fail (412 without force): the plan says so, and the UI offers nothing.
    assert plan.refused is not None and "HTTP 412" in plan.refused
    short = digest(7)[7:19]
    assert plan.summary == (
        f"stable cannot be deleted alone: latest and v1.0.0 share its digest {short}."
    )
    (warning,) = plan.warnings
    assert warning.startswith("force=true is the separate whole-digest choice")


async def test_an_unshared_plan_is_not_refused(provider: ScalewayProvider) -> None:
    assert (await provider.plan_delete(API, "build-5")).refused is None
    assert (await provider.plan_delete(API, "stable", whole_digest=True)).refused is None


async def test_api_refusal_without_force_is_shown_as_such(
    scw: ScalewayFake, provider: ScalewayProvider
) -> None:
    # Asked anyway (the UI does not offer it), the provider sends it and reports the 412.
    plan = await provider.plan_delete(API, "stable")
    with pytest.raises(RequestRejected) as caught:
        await provider.delete(plan)
    message = str(caught.value)
    assert "refused to delete stable without force (latest and v1.0.0 share its digest)" in message
    assert "HTTP 412" in message
    assert "tag digest is shared with other tags" in message  # the API's own words
    assert {"latest", "stable", "v1.0.0"} <= scw.state.tag_names(API)
    (request,) = scw.server.requests_to("DELETE")
    assert "force" not in request.query


async def test_one_sibling_shares_its_digest(scw: ScalewayFake, provider: ScalewayProvider) -> None:
    scw.state.tags.remove(scw.state.find_tag(API, "v1.0.0"))
    scw.refusal_status, scw.refusal_type = 409, "conflict"
    plan = await provider.plan_delete(API, "stable")
    assert "latest shares its digest" in plan.summary
    with pytest.raises(Conflict, match=r"\(latest shares its digest\)"):
        await provider.delete(plan)


async def test_refusal_as_400_is_a_rejected_request(
    scw: ScalewayFake, provider: ScalewayProvider
) -> None:
    scw.refusal_status, scw.refusal_type = 400, "invalid_arguments"
    plan = await provider.plan_delete(API, "stable")
    with pytest.raises(RequestRejected, match=r"without force.*HTTP 400"):
        await provider.delete(plan)


async def test_api_that_allows_it_without_force_keeps_the_siblings(
    scw: ScalewayFake, provider: ScalewayProvider
) -> None:
    # force is deprecated: an API that no longer refuses must still leave the siblings alone.
    scw.requires_force = False
    plan = await provider.plan_delete(API, "stable")
    result = await provider.delete(plan)
    assert result.removed == ("stable",)
    assert {"latest", "v1.0.0"} <= scw.state.tag_names(API)


async def test_whole_digest_sends_force_and_reports_survivors(
    scw: ScalewayFake, provider: ScalewayProvider
) -> None:
    plan = await provider.plan_delete(API, "stable", whole_digest=True)
    assert plan.whole_digest
    assert plan.removes == ("latest", "stable", "v1.0.0")  # counted as possibly lost
    assert plan.keeps == ()
    assert "may be deleted with it" in plan.summary
    assert any("not what happens to them" in w for w in plan.warnings)
    result = await provider.delete(plan)
    (request,) = scw.server.requests_to("DELETE")
    assert request.query["force"] == "true"
    # This API removed only the tag: tagtui says so instead of claiming the others went.
    assert result.removed == ("stable",)
    assert result.messages == (
        "method: API tag delete with force=true",
        "latest and v1.0.0 survived the forced delete",
    )
    assert {"latest", "v1.0.0"} <= scw.state.tag_names(API)


async def test_whole_digest_when_force_removes_every_sharing_tag(
    scw: ScalewayFake, provider: ScalewayProvider
) -> None:
    scw.siblings_removed = "with force"
    plan = await provider.plan_delete(API, "stable", whole_digest=True)
    result = await provider.delete(plan)
    assert set(result.removed) == {"latest", "stable", "v1.0.0"}
    assert not {"latest", "stable", "v1.0.0"} & scw.state.tag_names(API)


async def test_whole_digest_on_an_unshared_tag_is_a_plain_delete(
    scw: ScalewayFake, provider: ScalewayProvider
) -> None:
    plan = await provider.plan_delete(API, "build-7", whole_digest=True)
    assert not plan.whole_digest and plan.removes == ("build-7",)
    await provider.delete(plan)
    assert "force" not in scw.server.requests_to("DELETE")[0].query


async def test_tag_moved_after_the_plan_aborts(
    scw: ScalewayFake, provider: ScalewayProvider
) -> None:
    plan = await provider.plan_delete(API, "build-5")
    scw.state.find_tag(API, "build-5")["digest"] = digest(999)
    with pytest.raises(DeleteAborted, match="now points at"):
        await provider.delete(plan)
    assert scw.server.requests_to("DELETE") == []


async def test_tag_gone_after_the_plan_aborts(
    scw: ScalewayFake, provider: ScalewayProvider
) -> None:
    plan = await provider.plan_delete(API, "build-5")
    scw.state.tags.remove(scw.state.find_tag(API, "build-5"))
    with pytest.raises(DeleteAborted, match="no longer exists"):
        await provider.delete(plan)
    assert scw.server.requests_to("DELETE") == []


async def test_new_sibling_after_a_whole_digest_plan_aborts(
    scw: ScalewayFake, provider: ScalewayProvider
) -> None:
    plan = await provider.plan_delete(API, "stable", whole_digest=True)
    scw.state.find_tag(API, "build-3")["digest"] = digest(7)
    with pytest.raises(DeleteAborted, match="build-3 now also point"):
        await provider.delete(plan)
    assert scw.server.requests_to("DELETE") == []


async def test_a_sibling_lost_without_force_is_reported(
    scw: ScalewayFake, provider: ScalewayProvider
) -> None:
    # An API that (against its docs) took a sibling along: the result must not hide it.
    scw.requires_force = False
    scw.siblings_removed = "always"
    plan = await provider.plan_delete(API, "stable")
    result = await provider.delete(plan)
    assert result.removed == ("stable", "latest", "v1.0.0")
    assert any("unexpected: latest and v1.0.0 also disappeared" in m for m in result.messages)
