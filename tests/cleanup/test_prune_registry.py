"""``tagtui prune`` and the cleanup engine on the real distribution 2.8.2."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import httpx
import pytest

from tagtui.cleanup.plan import describe_all, plan_cleanup
from tagtui.cleanup.run import DELETED, NOT_STARTED, SKIPPED, carry_out
from tagtui.model import DeleteMethod
from tagtui.providers.oci.provider import OciProvider
from tests.cleanup.conftest import PRS, REPO, CleanupRepo, listed
from tests.support.cli import tagtui
from tests.support.push import PushClient, build_image, image_config, tar_gz_layer

pytestmark = pytest.mark.real


def prune(repo: CleanupRepo, home: Path, *args: str):
    return tagtui("prune", repo.target, *args, home=home)


def test_dry_run_lists_every_tag_and_changes_nothing(
    cleanup_repo: CleanupRepo, tmp_path: Path
) -> None:
    before = listed(cleanup_repo)
    result = prune(cleanup_repo, tmp_path, "--match", "^pr-", "--keep-last", "2")
    assert result.returncode == 0, result.stderr
    rows = {line.split()[0]: line for line in result.stdout.splitlines()[1:] if line.strip()}
    for name in ("pr-1", "pr-2", "pr-3", "pr-4", "pr-5"):
        assert rows[name].endswith("delete")
    assert rows["pr-6"].endswith("keep (keep-last)")
    assert rows["pr-7"].endswith("keep (keep-last)")  # v2.0's date, the second newest
    assert rows["v1.0"].endswith("keep (not matched)")
    assert "5 to delete, 8 kept" in result.stdout
    assert "registry garbage-collect" in result.stdout
    assert "Dry run: nothing was deleted" in result.stdout
    assert listed(cleanup_repo) == before


def test_json_document_and_reclaimable_bytes(cleanup_repo: CleanupRepo, tmp_path: Path) -> None:
    result = prune(cleanup_repo, tmp_path, "--match", "^pr-[1-3]$", "--json")
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    assert document["schemaVersion"] == 1
    assert document["repository"] == cleanup_repo.target
    assert document["rules"] == {
        "match": "^pr-[1-3]$",
        "keep": None,
        "keepLast": None,
        "olderThan": None,
    }
    assert [d["tag"] for d in document["delete"]] == ["pr-1", "pr-2", "pr-3"]
    assert document["delete"][0] == {
        "tag": "pr-1",
        "digest": cleanup_repo.digests["pr-1"],
        "created": PRS["pr-1"] + "T12:00:00Z",
    }
    assert {k["reason"] for k in document["keep"]} == {"not matched"}
    # The shared base layer stays with the other images: only configs and own layers count.
    expected = sum(cleanup_repo.own_bytes[n] for n in ("pr-1", "pr-2", "pr-3"))
    assert document["reclaimableBytes"] == expected
    assert document["result"] is None


def test_prune_every_pr_tag_keeps_the_release_sharing_one(
    cleanup_repo: CleanupRepo, tmp_path: Path
) -> None:
    result = prune(cleanup_repo, tmp_path, "--match", "^pr-", "--yes")
    assert result.returncode == 0, result.stdout + result.stderr
    after = listed(cleanup_repo)
    assert not [name for name in after if name.startswith("pr-")]
    # pr-7 shared the image of v2.0 and latest: they still point at it.
    assert after["v2.0"] == after["latest"] == cleanup_repo.digests["v2.0"]
    assert set(after) == {"v1.0", "v1.1", "v2.0", "latest", "multi", "multi-amd64"}
    lines = [line for line in result.stdout.splitlines() if line.startswith("deleted")]
    assert len(lines) == 7
    assert "7 deleted." in result.stdout


def test_keep_last_prune_deletes_only_the_older_builds(
    cleanup_repo: CleanupRepo, tmp_path: Path
) -> None:
    result = prune(cleanup_repo, tmp_path, "--match", "^pr-", "--keep-last", "3", "--yes")
    assert result.returncode == 0, result.stdout + result.stderr
    after = listed(cleanup_repo)
    # Newest three: pr-6 (06-15), pr-7 (06-01), pr-5 (05-15).
    assert {n for n in after if n.startswith("pr-")} == {"pr-5", "pr-6", "pr-7"}


def test_tagged_platform_of_a_staying_index_is_not_deleted_by_digest(
    cleanup_repo: CleanupRepo, tmp_path: Path
) -> None:
    result = prune(cleanup_repo, tmp_path, "--match", "^multi-amd64$", "--yes")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "throw-away manifest" in result.stdout
    assert "0 images removed" in result.stdout
    after = listed(cleanup_repo)
    assert "multi-amd64" not in after
    # The index still resolves completely: its amd64 manifest was not deleted.
    with httpx.Client(base_url=cleanup_repo.registry.url) as client:
        digest = cleanup_repo.digests["multi-amd64"]
        response = client.get(
            f"/v2/{REPO}/manifests/{digest}",
            headers={"Accept": "application/vnd.oci.image.manifest.v1+json"},
        )
        assert response.status_code == 200


def test_deletion_disabled_says_why_and_changes_nothing(
    cleanup_repo_no_delete: CleanupRepo, tmp_path: Path
) -> None:
    before = listed(cleanup_repo_no_delete)
    result = prune(cleanup_repo_no_delete, tmp_path, "--match", "^pr-", "--yes")
    assert result.returncode == 1
    assert "deletion is disabled on this registry" in result.stderr
    assert listed(cleanup_repo_no_delete) == before


def test_bad_rules_are_usage_errors(cleanup_repo: CleanupRepo, tmp_path: Path) -> None:
    for args, words in (
        (["--match", "("], "--match is not a valid regular expression"),
        (["--older-than", "soon"], "give an age like 90d"),
        (["--keep-last", "-1"], "--keep-last"),
    ):
        result = prune(cleanup_repo, tmp_path, *args)
        assert result.returncode == 2, args
        assert words in result.stderr


async def _plan(repo: CleanupRepo, pattern_names: list[str]):
    provider = OciProvider(repo.host)
    tags = await describe_all(provider, REPO, await provider.list_tags(REPO))
    return provider, await plan_cleanup(provider, REPO, pattern_names, tags)


def test_a_tag_repushed_after_the_plan_is_skipped(cleanup_repo: CleanupRepo) -> None:
    async def scenario():
        provider, plan = await _plan(cleanup_repo, ["pr-1", "pr-2", "pr-3"])
        async with provider:
            # Between plan and delete, pr-2 is pushed again with another image.
            with PushClient(cleanup_repo.registry.url) as client:
                layer = tar_gz_layer({"new": b"rebuilt\n"})
                client.push(REPO, build_image(image_config(layers=[layer]), [layer]), ["pr-2"])
            return await carry_out(provider, plan.planned)

    outcomes = {o.tag: o for o in asyncio.run(scenario())}
    assert outcomes["pr-2"].status == SKIPPED
    assert "nothing was deleted" in outcomes["pr-2"].message
    assert outcomes["pr-1"].status == outcomes["pr-3"].status == DELETED
    after = listed(cleanup_repo)
    assert "pr-2" in after and after["pr-2"] != cleanup_repo.digests["pr-2"]
    assert "pr-1" not in after and "pr-3" not in after


def test_cancel_half_way_finishes_the_step_in_flight_and_starts_no_other(
    cleanup_repo: CleanupRepo,
) -> None:
    async def scenario():
        provider, plan = await _plan(cleanup_repo, list(PRS)[:6])
        assert all(p.method is DeleteMethod.DIGEST_DELETE for p in plan.planned.plans)
        stop = asyncio.Event()
        async with provider:
            return await carry_out(
                provider, plan.planned, concurrency=2, on_progress=lambda *_: stop.set(), stop=stop
            )

    outcomes = asyncio.run(scenario())
    deleted = {o.tag for o in outcomes if o.status == DELETED}
    not_started = {o.tag for o in outcomes if o.status == NOT_STARTED}
    # Two steps were in flight when the first finished; nothing else started.
    assert 1 <= len(deleted) <= 2
    assert len(deleted) + len(not_started) == 6
    after = listed(cleanup_repo)
    assert not deleted & set(after)
    assert not_started <= set(after)


def test_a_tag_pushed_onto_a_digest_after_the_plan_stops_its_digest_delete(
    cleanup_repo: CleanupRepo,
) -> None:
    async def scenario():
        provider, plan = await _plan(cleanup_repo, ["pr-4"])
        async with provider:
            with httpx.Client(base_url=cleanup_repo.registry.url) as client:
                digest = cleanup_repo.digests["pr-4"]
                accept = {"Accept": "application/vnd.oci.image.manifest.v1+json"}
                body = client.get(f"/v2/{REPO}/manifests/{digest}", headers=accept)
                client.put(
                    f"/v2/{REPO}/manifests/keeper",
                    content=body.content,
                    headers={"Content-Type": body.headers["content-type"]},
                ).raise_for_status()
            return await carry_out(provider, plan.planned)

    [outcome] = asyncio.run(scenario())
    assert outcome.status == SKIPPED
    assert "keeper now also points" in outcome.message
    after = listed(cleanup_repo)
    assert after["pr-4"] == after["keeper"] == cleanup_repo.digests["pr-4"]
