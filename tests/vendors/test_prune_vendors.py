"""``tagtui prune`` through each vendor's API, as real processes against the vendor fakes.

The same retention rules meet each provider's delete semantics: Scaleway refuses a tag delete
while another tag shares the digest (unless force=true, which prune sends only when every tag
of the digest goes), NCR and OpenShift delete one tag at a time, Tutum deletes whole images
only, a local OCI layout drops refs from its index. A dry run changes nothing; ``--yes``
deletes exactly the planned tags, checked against what each fake received and holds afterwards.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tagtui.demo import prepare_demo_store
from tests.support.cli import tagtui
from tests.vendors.ncr.fake import ACCESS_KEY, SECRET_KEY, NcrFake
from tests.vendors.openshift.fake import NAMESPACE, OpenShiftFake, write_kubeconfig
from tests.vendors.openshift.fake import digest as ocp_digest
from tests.vendors.scaleway.fake import SECRET, ScalewayFake
from tests.vendors.scaleway.fake import digest as scw_digest
from tests.vendors.tutum.fake import APIKEY, USER, TutumFake

SCW_ENV = {"SCW_SECRET_KEY": SECRET}
NCR_ENV = {"NCLOUD_ACCESS_KEY": ACCESS_KEY, "NCLOUD_SECRET_KEY": SECRET_KEY}
TUTUM_ENV = {"TUTUM_USER": USER, "TUTUM_APIKEY": APIKEY}
SCW_REFUSAL = (
    "keep (Scaleway refuses to delete a tag while another tag shares its digest, unless "
    "force=true is sent (it answers HTTP 412))"
)
ROW = re.compile(r"^(\S+)\s{2,}(\S+)\s{2,}(\S+)\s{2,}(\S.*)$")
OUTCOME = re.compile(r"^(deleted|skipped|failed|not started)  (\S+)(?:  (.*))?$")


def prune(
    provider: str, url: str, env: dict[str, str], home: Path, *args: str
) -> subprocess.CompletedProcess[str]:
    return tagtui(
        "prune", "--provider", provider, "--endpoint", url, *args, home=home, extra_env=env
    )


def table(stdout: str) -> dict[str, str]:
    """The dry-run table: tag -> action (``delete`` or ``keep (reason)``)."""
    lines = stdout.splitlines()
    assert lines[0].split() == ["TAG", "DIGEST", "CREATED", "ACTION"]
    rows: dict[str, str] = {}
    for line in lines[1:]:
        found = ROW.match(line)
        if found is None:
            break
        rows[found[1]] = found[4]
    return rows


def outcomes(stdout: str) -> dict[str, tuple[str, str]]:
    """The lines ``--yes`` prints after the summary: tag -> (status, message)."""
    return {
        found[2]: (found[1], found[3] or "")
        for line in stdout.splitlines()
        if (found := OUTCOME.match(line))
    }


def document(result: subprocess.CompletedProcess[str]) -> dict[str, Any]:
    data = json.loads(result.stdout)
    assert data["schemaVersion"] == 1
    return data


def statuses(data: dict[str, Any]) -> dict[str, str]:
    return {entry["tag"]: entry["status"] for entry in data["result"]}


# --- Scaleway ---------------------------------------------------------------------------------


def _scw_tags(scw: ScalewayFake, repository: str) -> dict[str, str]:
    image = scw.state.find_image(repository)
    return {t["name"]: t["id"] for t in scw.state.tags if t["image_id"] == image["id"]}


def test_scaleway_dry_run_with_keep_last_changes_nothing(scw: ScalewayFake, home: Path) -> None:
    before = _scw_tags(scw, "team/web")
    result = prune("scaleway", scw.url, SCW_ENV, home, "team/web", "--keep-last", "1")
    assert result.returncode == 0, result.stderr
    # v1 is the newest (minute 402), then v10, v2.
    assert table(result.stdout) == {"v1": "keep (keep-last)", "v2": "delete", "v10": "delete"}
    assert "2 to delete, 1 kept; 2 images removed, by API tag delete" in result.stdout
    assert "Dry run: nothing was deleted. Add --yes to delete." in result.stdout
    assert scw.server.requests_to("DELETE") == []
    assert _scw_tags(scw, "team/web") == before


def test_scaleway_yes_deletes_exactly_the_planned_tags(scw: ScalewayFake, home: Path) -> None:
    before = _scw_tags(scw, "team/api")
    args = ("team/api", "--match", r"^build-1[0-9]$", "--keep-last", "2", "--yes", "--json")
    result = prune("scaleway", scw.url, SCW_ENV, home, *args)
    assert result.returncode == 0, result.stderr
    data = document(result)
    going = [f"build-{n}" for n in range(10, 18)]  # build-18 and build-19 are the newest
    assert [entry["tag"] for entry in data["delete"]] == going
    reasons = {entry["tag"]: entry["reason"] for entry in data["keep"]}
    assert reasons["build-18"] == reasons["build-19"] == "keep-last"
    assert reasons["build-9"] == reasons["stable"] == "not matched"
    assert statuses(data) == dict.fromkeys(going, "deleted")
    sent = scw.server.requests_to("DELETE")
    assert sorted(r.raw_path.rsplit("/", 1)[1] for r in sent) == sorted(before[n] for n in going)
    assert all("force" not in r.query for r in sent)
    assert _scw_tags(scw, "team/api") == {n: i for n, i in before.items() if n not in going}


def test_scaleway_tag_sharing_its_digest_with_a_kept_tag_is_refused_not_sent(
    scw: ScalewayFake, home: Path
) -> None:
    """stable and v1.0.0 are selected, latest (same digest) is not: Scaleway would refuse
    without force, and force could take latest along, so both stay with the reason."""
    before = _scw_tags(scw, "team/api")
    args = ("team/api", "--match", r"^(stable|v1\.0\.0|build-3)$")
    dry = prune("scaleway", scw.url, SCW_ENV, home, *args)
    assert dry.returncode == 0, dry.stderr
    rows = table(dry.stdout)
    assert rows["stable"] == rows["v1.0.0"] == SCW_REFUSAL
    assert rows["latest"] == "keep (not matched)"
    assert rows["build-3"] == "delete"
    assert "1 to delete, 149 kept" in dry.stdout

    done = prune("scaleway", scw.url, SCW_ENV, home, *args, "--yes", "--json")
    assert done.returncode == 0, done.stderr
    data = document(done)
    assert [entry["tag"] for entry in data["delete"]] == ["build-3"]
    reasons = {entry["tag"]: entry["reason"] for entry in data["keep"]}
    assert f"keep ({reasons['stable']})" == f"keep ({reasons['v1.0.0']})" == SCW_REFUSAL
    assert statuses(data) == {"build-3": "deleted"}
    (sent,) = scw.server.requests_to("DELETE")  # never one for stable or v1.0.0
    assert sent.raw_path.endswith(f"/tags/{before['build-3']}")
    assert "force" not in sent.query
    assert _scw_tags(scw, "team/api") == {n: i for n, i in before.items() if n != "build-3"}


def test_scaleway_every_tag_of_a_digest_goes_together_with_force(
    scw: ScalewayFake, home: Path
) -> None:
    scw.siblings_removed = "with force"
    before = _scw_tags(scw, "team/api")
    shared = {"latest", "stable", "v1.0.0"}
    args = ("team/api", "--match", r"^(latest|stable|v1\.0\.0|build-2)$")
    dry = prune("scaleway", scw.url, SCW_ENV, home, *args)
    assert dry.returncode == 0, dry.stderr
    rows = table(dry.stdout)
    assert {name: rows[name] for name in (*shared, "build-2")} == dict.fromkeys(
        (*shared, "build-2"), "delete"
    )
    assert "4 to delete, 146 kept; 2 images removed, by API tag delete" in dry.stdout
    assert scw.server.requests_to("DELETE") == []

    done = prune("scaleway", scw.url, SCW_ENV, home, *args, "--yes", "--json")
    assert done.returncode == 0, done.stderr
    assert statuses(document(done)) == dict.fromkeys((*shared, "build-2"), "deleted")
    sent = scw.server.requests_to("DELETE")
    forced = [r for r in sent if r.query.get("force") == "true"]
    plain = [r for r in sent if "force" not in r.query]
    # One forced delete for the whole digest (on one of its tags), one plain for build-2.
    assert len(forced) == 1 and len(plain) == 1 and len(sent) == 2
    assert forced[0].raw_path.rsplit("/", 1)[1] in {before[n] for n in shared}
    assert plain[0].raw_path.endswith(f"/tags/{before['build-2']}")
    gone = {*shared, "build-2"}
    assert _scw_tags(scw, "team/api") == {n: i for n, i in before.items() if n not in gone}
    assert scw_digest(7) not in {t["digest"] for t in scw.state.tags}


def test_scaleway_force_that_leaves_the_other_tags_is_reported_not_hidden(
    scw: ScalewayFake, home: Path
) -> None:
    """What force does to the other tags is undocumented; where it removes only the tag it
    was sent for, the others are reported as not deleted (exit 1), never as deleted."""
    scw.siblings_removed = "never"
    before = _scw_tags(scw, "team/api")
    args = ("team/api", "--match", r"^(latest|stable|v1\.0\.0)$", "--yes")
    result = prune("scaleway", scw.url, SCW_ENV, home, *args)
    assert result.returncode == 1, result.stderr
    (sent,) = scw.server.requests_to("DELETE")
    assert sent.query.get("force") == "true"
    removed = next(n for n, i in before.items() if sent.raw_path.endswith(f"/tags/{i}"))
    survivors = {"latest", "stable", "v1.0.0"} - {removed}
    lines = outcomes(result.stdout)
    assert lines[removed][0] == "deleted"
    for name in survivors:
        status, message = lines[name]
        assert status == "skipped"
        assert "survived the forced delete" in message
    assert "1 deleted, 2 skipped." in result.stdout
    assert _scw_tags(scw, "team/api") == {n: i for n, i in before.items() if n != removed}


# --- NCR --------------------------------------------------------------------------------------


def test_ncr_dry_run_with_rules_changes_nothing(ncr: NcrFake, home: Path) -> None:
    before = ncr.state.tag_names("acme", "web")
    result = prune("ncr", ncr.url, NCR_ENV, home, "acme/web", "--keep-last", "1")
    assert result.returncode == 0, result.stderr
    assert table(result.stdout) == {"v1": "keep (keep-last)", "v2": "delete", "v10": "delete"}
    # v2 2024-04-01T04:41:28Z, v10 04:42:28Z, v1 04:43:28Z.
    older = prune("ncr", ncr.url, NCR_ENV, home, "acme/web", "--older-than", "2024-04-01T04:42Z")
    assert older.returncode == 0, older.stderr
    assert table(older.stdout) == {
        "v1": "keep (newer than cut-off)",
        "v2": "delete",
        "v10": "keep (newer than cut-off)",
    }
    assert "Dry run: nothing was deleted" in older.stdout
    assert ncr.server.requests_to("DELETE") == []
    assert ncr.state.tag_names("acme", "web") == before


def test_ncr_yes_deletes_tag_by_tag_and_leaves_the_tags_sharing_a_digest(
    ncr: NcrFake, home: Path
) -> None:
    """NCR has no digest delete: stable goes alone and latest and v1 (same digest) stay."""
    before = ncr.state.tag_names("acme", "hello/world")
    args = ("acme/hello/world", "--match", r"^(stable|build-[1-3])$", "--yes", "--json")
    result = prune("ncr", ncr.url, NCR_ENV, home, *args)
    assert result.returncode == 0, result.stderr
    going = {"build-1", "build-2", "build-3", "stable"}
    assert statuses(document(result)) == dict.fromkeys(going, "deleted")
    targets = {r.raw_target for r in ncr.server.requests_to("DELETE")}
    assert targets == {f"/ncr/api/v2/repositories/acme/hello%2Fworld/tags/{n}" for n in going}
    assert ncr.state.tag_names("acme", "hello/world") == before - going
    assert {"latest", "v1"} <= ncr.state.tag_names("acme", "hello/world")
    assert ncr.auth_failures == []


# --- OpenShift --------------------------------------------------------------------------------


@pytest.fixture
def kubeconfig(ocp: OpenShiftFake, home: Path) -> dict[str, str]:
    return write_kubeconfig(home, ocp.url)


def _stream_tags(ocp: OpenShiftFake, stream: str) -> tuple[set[str], set[str]]:
    item = ocp.state.streams[NAMESPACE][stream]
    return {t["name"] for t in item["spec"]["tags"]}, {t["tag"] for t in item["status"]["tags"]}


def test_openshift_dry_run_with_rules_changes_nothing(
    ocp: OpenShiftFake, home: Path, kubeconfig: dict[str, str]
) -> None:
    before = _stream_tags(ocp, "app")
    rules = ("--match", "^v", "--keep-last", "1")
    result = prune("openshift", ocp.url, kubeconfig, home, "app", *rules)
    assert result.returncode == 0, result.stderr
    assert table(result.stdout) == {
        "latest": "keep (not matched)",
        "stable": "keep (not matched)",
        "v1.2": "delete",
        "v1.9": "delete",
        "v1.10": "keep (keep-last)",
    }
    older = prune(
        "openshift", ocp.url, kubeconfig, home, "app", "--older-than", "2024-03-01T00:25:00Z"
    )
    assert older.returncode == 0, older.stderr
    rows = table(older.stdout)
    assert [n for n, action in rows.items() if action == "delete"] == ["v1.2", "v1.9"]
    assert rows["latest"] == "keep (newer than cut-off)"
    assert ocp.server.requests_to("DELETE") == []
    assert _stream_tags(ocp, "app") == before


def test_openshift_yes_removes_only_the_planned_image_stream_tags(
    ocp: OpenShiftFake, home: Path, kubeconfig: dict[str, str]
) -> None:
    spec_before, status_before = _stream_tags(ocp, "app")
    args = ("app", "--match", r"^(stable|latest|v1\.9)$", "--keep", "^latest$", "--yes", "--json")
    result = prune("openshift", ocp.url, kubeconfig, home, *args)
    assert result.returncode == 0, result.stderr
    data = document(result)
    assert data["repository"].endswith(f"/{NAMESPACE}/app")
    assert {e["tag"]: e["reason"] for e in data["keep"]}["latest"] == "keep pattern"
    assert statuses(data) == {"stable": "deleted", "v1.9": "deleted"}
    targets = {r.raw_target for r in ocp.server.requests_to("DELETE")}
    base = f"/apis/image.openshift.io/v1/namespaces/{NAMESPACE}/imagetags"
    assert targets == {f"{base}/app:stable", f"{base}/app:v1.9"}
    spec, status = _stream_tags(ocp, "app")
    assert spec == spec_before - {"v1.9"}  # stable had no spec tag
    assert status == status_before - {"stable", "v1.9"}
    # Image stream tags go; the images stay in the cluster.
    assert ocp_digest(1) in ocp.state.images and ocp_digest(3) in ocp.state.images


# --- Tutum ------------------------------------------------------------------------------------

HELLO = "tutum/hello-world"


def test_tutum_some_tags_of_an_image_are_kept_and_nothing_is_sent(
    tutum: TutumFake, home: Path
) -> None:
    """Deleting v1, v2 and v10 would delete the whole image, latest with it: all are kept."""
    reason = "keep (deleting it would also delete latest, which is not being deleted)"
    result = prune("tutum", tutum.url, TUTUM_ENV, home, HELLO, "--match", "^v", "--yes")
    assert result.returncode == 0, result.stderr
    assert table(result.stdout) == {
        "latest": "keep (not matched)",
        "v1": reason,
        "v2": reason,
        "v10": reason,
    }
    assert "0 to delete, 4 kept" in result.stdout
    assert outcomes(result.stdout) == {}
    assert tutum.server.requests_to("DELETE") == []
    assert len(tutum.state.images[HELLO]["tags"]) == 4


def test_tutum_every_tag_selected_deletes_the_image_once(tutum: TutumFake, home: Path) -> None:
    others = set(tutum.state.images) - {HELLO}
    dry = prune("tutum", tutum.url, TUTUM_ENV, home, HELLO, "--older-than", "2020-01-01")
    assert dry.returncode == 0, dry.stderr
    assert table(dry.stdout) == dict.fromkeys(["latest", "v1", "v2", "v10"], "delete")
    # The whole image goes; Tutum's API says nothing about its blobs.
    assert "4 to delete, 0 kept; 1 image removed, by API image delete" in dry.stdout
    assert "reclaimable space not known" in dry.stdout
    assert tutum.server.requests_to("DELETE") == []

    args = (HELLO, "--older-than", "2020-01-01", "--yes", "--json")
    done = prune("tutum", tutum.url, TUTUM_ENV, home, *args)
    assert done.returncode == 0, done.stderr
    data = document(done)
    assert data["reclaimableBytes"] is None
    assert [e["digest"] for e in data["delete"]] == [None] * 4
    assert statuses(data) == dict.fromkeys(["latest", "v1", "v2", "v10"], "deleted")
    (sent,) = tutum.server.requests_to("DELETE")
    assert sent.raw_target == f"/api/v1/image/{HELLO}/"
    assert HELLO not in tutum.state.images
    assert set(tutum.state.images) == others


def test_tutum_older_than_that_splits_an_image_keeps_it_whole(tutum: TutumFake, home: Path) -> None:
    """latest (2013) is older than the cut-off, staging (2015) is not: deleting latest would
    delete the whole image, staging with it, so latest is kept and nothing is sent."""
    image = "registry.local/user1/image1"
    split = prune("tutum", tutum.url, TUTUM_ENV, home, image, "--older-than", "2014-01-01")
    assert split.returncode == 0, split.stderr
    rows = table(split.stdout)
    assert rows["staging"] == "keep (newer than cut-off)"
    assert rows["latest"] == (
        "keep (deleting it would also delete staging, which is not being deleted)"
    )
    assert tutum.server.requests_to("DELETE") == []
    assert image in tutum.state.images


# --- local OCI layout -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return prepare_demo_store(tmp_path_factory.mktemp("demo") / "store")


def _refs(layout: Path) -> dict[str, str]:
    index = json.loads((layout / "index.json").read_bytes())
    return {
        m["annotations"]["org.opencontainers.image.ref.name"]: m["digest"]
        for m in index["manifests"]
        if "org.opencontainers.image.ref.name" in (m.get("annotations") or {})
    }


def test_layout_prune_yes_removes_the_refs_and_keeps_the_rest(
    demo_template: Path, tmp_path: Path
) -> None:
    store = tmp_path / "store"
    shutil.copytree(demo_template, store)
    layout = store / "acme" / "api"
    before = _refs(layout)
    target = f"{store}::acme/api"
    args = ("--match", r"^v1\.", "--keep-last", "1")
    dry = tagtui("prune", target, *args, home=tmp_path)
    assert dry.returncode == 0, dry.stderr
    rows = table(dry.stdout)
    going = ["v1.0.0", "v1.1.0", "v1.2.0"]
    assert [n for n, action in rows.items() if action == "delete"] == going
    assert rows["v1.3.0-rc.1"] == "keep (keep-last)"
    assert rows["latest"] == "keep (not matched)"
    assert _refs(layout) == before

    done = tagtui("prune", target, *args, "--yes", "--json", home=tmp_path)
    assert done.returncode == 0, done.stderr
    assert statuses(document(done)) == dict.fromkeys(going, "deleted")
    assert _refs(layout) == {n: d for n, d in before.items() if n not in going}
    # v1.2.0 shared its image with latest, prod and staging: that image and its blobs stay.
    assert before["v1.2.0"] == before["latest"]
    manifest = layout / "blobs" / "sha256" / before["latest"].split(":", 1)[1]
    assert manifest.exists()
    listed = tagtui("ls", str(layout), home=tmp_path)
    assert listed.returncode == 0, listed.stderr
    assert {line.split("\t")[0] for line in listed.stdout.splitlines()} == set(before) - set(going)
