"""The steps tag deletes through an API share: sharing, wording, the moved-tag guard, re-list."""

from __future__ import annotations

import asyncio

import pytest

from tagtui.errors import BadResponse, DeleteAborted
from tagtui.model import DeleteMethod, DeletePlan
from tagtui.providers.tag_delete import (
    Relisted,
    alone_summary,
    api_tag_plan,
    only_tag_summary,
    refuse_if_moved,
    relisted_outcome,
    tag_gone,
    tags_sharing,
)

D1 = "sha256:" + "1" * 64
D2 = "sha256:" + "2" * 64


def _plan(removes: tuple[str, ...] = ("latest",), keeps: tuple[str, ...] = ()) -> DeletePlan:
    return DeletePlan(
        repository="app",
        tag="latest",
        digest=D1,
        method=DeleteMethod.API_TAG_DELETE,
        removes=removes,
        shared_tags=(*removes, *keeps),
    )


def test_tags_sharing_needs_a_digest_and_keeps_the_tag() -> None:
    listed = [("v10", D1), ("v2", D1), ("other", D2), ("none", None)]
    assert tags_sharing("latest", D1, listed) == ["latest", "v2", "v10"]
    # No digest: nothing can share it, not even the tags without one.
    assert tags_sharing("latest", None, listed) == ["latest"]


def test_summaries_word_for_word() -> None:
    assert only_tag_summary("latest", ["prod"]) == "Only latest is removed; prod stays."
    assert (
        only_tag_summary("latest", ["prod", "v1"], asked=True)
        == "Only latest is asked to be removed; prod and v1 stay."
    )
    assert (
        alone_summary("latest", D1)
        == "Only latest is removed; no other tag points at 111111111111."
    )
    assert alone_summary("x", D1, ", so blobs go").endswith("points at 111111111111, so blobs go.")


def test_api_tag_plan_keeps_the_others_and_says_why() -> None:
    alone = api_tag_plan("app", "latest", D1, ["latest"], ": never shown")
    assert alone == DeletePlan(
        repository="app",
        tag="latest",
        digest=D1,
        method=DeleteMethod.API_TAG_DELETE,
        removes=("latest",),
        summary="Only latest is removed; no other tag points at 111111111111.",
        shared_tags=("latest",),
    )
    shared = api_tag_plan("app", "latest", D1, ["latest", "prod", "v1"], ". Unverified.")
    assert shared.removes == ("latest",) and shared.keeps == ("prod", "v1")
    assert shared.shared_tags == ("latest", "prod", "v1")
    assert shared.warnings == ("prod and v1 share digest 111111111111. Unverified.",)
    assert shared.summary == "Only latest is asked to be removed; prod and v1 stay."
    assert not shared.whole_digest


def test_moved_and_gone_tags_abort_the_delete() -> None:
    refuse_if_moved("latest", D1, D1)
    with pytest.raises(DeleteAborted, match="now points at 222222222222, not 111111111111"):
        refuse_if_moved("latest", D2, D1)
    assert str(tag_gone("latest")) == "latest no longer exists; nothing was deleted"


def test_relisted_compares_the_new_list_with_the_plan() -> None:
    relisted = Relisted(
        _plan(removes=("latest", "a"), keeps=("b", "c")),
        {"a": None, "c": "ready"},
    )
    assert relisted.gone == ("latest", "b")
    assert relisted.lost == ["b"]
    assert not relisted.still_listed


def test_relisted_outcome_reports_or_says_the_list_failed() -> None:
    plan = _plan(keeps=("prod",))

    async def listed() -> dict[str, str | None]:
        return {"latest": "deleting"}

    async def broken() -> dict[str, str | None]:
        raise BadResponse("the API sent nonsense")

    def report(relisted: Relisted) -> list[str]:
        return [f"still listed: {relisted.still_listed}"]

    result = asyncio.run(relisted_outcome(plan, listed, report))
    assert result.removed == ("prod",)
    assert result.messages == ("still listed: True",)
    failed = asyncio.run(relisted_outcome(plan, broken, report))
    assert failed.removed == ("latest",)
    assert failed.messages == ("could not re-list the tags to check: the API sent nonsense",)
