"""Deleting NCR tags: what the plan says (siblings' fate unverified), re-checks, what happened."""

from __future__ import annotations

import pytest

from tagtui.errors import Conflict, DeleteAborted, ServerError, Unsupported
from tagtui.model import DeleteMethod
from tagtui.providers.ncr import NcrProvider
from tests.vendors.ncr.fake import NcrFake, digest

REPO = "acme/hello/world"


async def test_unshared_tag(ncr: NcrFake, provider: NcrProvider) -> None:
    plan = await provider.plan_delete(REPO, "build-3")
    assert plan.method is DeleteMethod.API_TAG_DELETE
    assert plan.removes == ("build-3",) and plan.keeps == () and plan.warnings == ()
    result = await provider.delete(plan)
    assert result.removed == ("build-3",)
    assert "build-3" not in ncr.state.tag_names("acme", "hello/world")
    (request,) = ncr.server.requests_to("DELETE")
    assert request.raw_target == "/ncr/api/v2/repositories/acme/hello%2Fworld/tags/build-3"
    assert ncr.auth_failures == []


async def test_shared_digest_plan_says_the_siblings_fate_is_unverified(
    ncr: NcrFake, provider: NcrProvider
) -> None:
    plan = await provider.plan_delete(REPO, "stable")
    assert plan.digest == digest(7)
    assert plan.removes == ("stable",)
    assert plan.keeps == ("latest", "v1")
    (warning,) = plan.warnings
    assert "unverified" in warning and "latest and v1" in warning
    assert warning.startswith(f"latest and v1 share digest {digest(7)[7:19]}. NCR's documentation")
    result = await provider.delete(plan)
    assert result.removed == ("stable",)
    assert "latest and v1 still exist" in result.messages
    assert {"latest", "v1"} <= ncr.state.tag_names("acme", "hello/world")


async def test_if_ncr_takes_the_siblings_along_the_result_says_so(
    ncr: NcrFake, provider: NcrProvider
) -> None:
    ncr.delete_removes_siblings = True
    plan = await provider.plan_delete(REPO, "stable")
    result = await provider.delete(plan)
    assert result.removed == ("stable", "latest", "v1")
    assert any("NCR also removed latest and v1" in m for m in result.messages)


async def test_no_digest_delete(provider: NcrProvider) -> None:
    assert not provider.capabilities.digest_delete
    with pytest.raises(Unsupported, match="no digest delete"):
        await provider.plan_delete(REPO, "stable", whole_digest=True)


async def test_tag_moved_or_gone_after_the_plan_aborts(ncr: NcrFake, provider: NcrProvider) -> None:
    plan = await provider.plan_delete(REPO, "build-4")
    ncr.state.find_tag("acme", "hello/world", "build-4")["digest"] = digest(999)
    with pytest.raises(DeleteAborted, match="now points at"):
        await provider.delete(plan)
    plan = await provider.plan_delete(REPO, "build-5")
    ncr.state.tags[("acme", "hello/world")].remove(
        ncr.state.find_tag("acme", "hello/world", "build-5")
    )
    with pytest.raises(DeleteAborted, match="no longer exists"):
        await provider.delete(plan)
    assert ncr.server.requests_to("DELETE") == []


@pytest.mark.parametrize(("status", "error"), [(409, Conflict), (500, ServerError)])
async def test_refusal_is_shown_with_the_apis_words_and_not_retried(
    ncr: NcrFake, provider: NcrProvider, status: int, error: type[Exception]
) -> None:
    plan = await provider.plan_delete(REPO, "build-6")
    ncr.server.fail_next(
        status,
        {"error": {"errorCode": str(status), "message": "tag is locked by a scan"}},
        match=lambda r: r.method == "DELETE",
    )
    with pytest.raises(error, match="tag is locked by a scan"):
        await provider.delete(plan)
    assert len(ncr.server.requests_to("DELETE")) == 1
    assert "build-6" in ncr.state.tag_names("acme", "hello/world")
