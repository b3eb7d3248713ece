"""Deleting in a layout: only the planned refs go, blobs nothing else uses are collected."""

from __future__ import annotations

import asyncio
import json
import re
import subprocess
from pathlib import Path

import pytest

from tagtui.demo import prepare_demo_store
from tagtui.errors import DeleteAborted, Unsupported
from tagtui.model import DeleteMethod
from tagtui.providers.layout import LayoutProvider
from tagtui.text import join_names
from tests.layout.conftest import blob_names, blob_path, manifest_of, read_index, write_index
from tests.layout.test_read import simple_image, write_layout
from tests.support.real import need_binary

REF = "org.opencontainers.image.ref.name"


def ref_names(layout: Path) -> list[str]:
    return [
        m.get("annotations", {}).get("org.opencontainers.image.ref.name")
        for m in read_index(layout)["manifests"]
    ]


def reachable(layout: Path, digest: str) -> set[str]:
    manifest = manifest_of(layout, digest)
    if "manifests" in manifest:
        found = {digest}
        for child in manifest["manifests"]:
            found |= reachable(layout, child["digest"])
        return found
    return {digest, manifest["config"]["digest"], *(d["digest"] for d in manifest["layers"])}


async def test_deleting_a_shared_tag_keeps_its_siblings_and_every_blob(demo_copy: Path) -> None:
    api = demo_copy / "acme" / "api"
    blobs_before = blob_names(api)
    provider = LayoutProvider(demo_copy)
    plan = await provider.plan_delete("acme/api", "latest")
    assert plan.method is DeleteMethod.LAYOUT_REF_DELETE
    assert plan.removes == ("latest",)
    assert plan.keeps == ("prod", "staging", "v1.2.0")
    assert plan.summary == "Only latest is removed; prod, staging and v1.2.0 stay."
    result = await provider.delete(plan)
    assert result.removed == ("latest",)
    tags = {t.name: t.digest for t in await provider.list_tags("acme/api")}
    assert "latest" not in tags
    assert tags["prod"] == tags["staging"] == tags["v1.2.0"] == plan.digest
    assert blob_names(api) == blobs_before
    assert not [p for p in api.iterdir() if p.name.startswith(".index.json")]


async def test_last_tag_of_an_image_collects_only_its_own_blobs(demo_copy: Path) -> None:
    api = demo_copy / "acme" / "api"
    provider = LayoutProvider(demo_copy)
    tags = {t.name: t.digest for t in await provider.list_tags("acme/api")}
    gone = reachable(api, tags["v1.0.0"])
    kept = set().union(*(reachable(api, d) for n, d in tags.items() if n != "v1.0.0"))
    assert gone - kept and gone & kept  # the base layer is shared, the app layer is not
    stray = blob_path(api, "sha256:" + "0" * 64)
    stray.write_bytes(b"a blob another tool is still writing")
    before = blob_names(api)

    plan = await provider.plan_delete("acme/api", "v1.0.0")
    assert plan.keeps == ()
    result = await provider.delete(plan)

    assert blob_names(api) == before - (gone - kept)
    assert stray.exists()
    [collected] = result.messages  # only what the delete adds: "removed v1.0.0" is the UI's
    assert re.fullmatch(r"\d+ unused blobs? deleted \(.+\)", collected)
    # What remains is still complete: every other tag's tree reads and verifies.
    for name in tags:
        if name != "v1.0.0":
            await LayoutProvider(demo_copy).get_tag("acme/api", name)


async def test_deleting_a_tag_of_an_index_collects_platforms_and_attestation(
    demo_copy: Path,
) -> None:
    nginx = demo_copy / "library" / "nginx"
    provider = LayoutProvider(demo_copy)
    plan = await provider.plan_delete("library/nginx", "1.25", whole_digest=True)
    assert plan.whole_digest and set(plan.removes) == {"1", "1.25", "1.25.3", "latest", "stable"}
    gone = reachable(nginx, plan.digest or "")
    assert len(gone) > 10
    others = [name for name in plan.removes if name != "1.25"]
    assert f"{join_names(others)} go with it" in plan.warnings
    result = await provider.delete(plan)
    assert any(re.fullmatch(r"\d+ unused blobs deleted \(.+\)", m) for m in result.messages)
    assert set(ref_names(nginx)) == {"1.24.0", "1.24", "1.23.4-alpine", "alpine"}
    remaining = blob_names(nginx)
    assert plan.digest not in remaining
    tags = {t.name: t.digest for t in await provider.list_tags("library/nginx")}
    kept = set().union(*(reachable(nginx, d) for d in tags.values()))
    assert remaining == kept  # everything left is used; the shared base layers stayed


async def test_delete_aborts_when_the_tag_moved_since_the_plan(demo_copy: Path) -> None:
    api = demo_copy / "acme" / "api"
    provider = LayoutProvider(demo_copy)
    plan = await provider.plan_delete("acme/api", "staging")
    document = read_index(api)
    v110 = next(m for m in document["manifests"] if m["annotations"][REF] == "v1.1.0")
    for entry in document["manifests"]:
        if entry["annotations"][REF] == "staging":
            entry["digest"], entry["size"] = v110["digest"], v110["size"]
    write_index(api, document)
    snapshot = (api / "index.json").read_bytes()
    blobs = blob_names(api)
    with pytest.raises(DeleteAborted, match="now points at"):
        await provider.delete(plan)
    assert (api / "index.json").read_bytes() == snapshot
    assert blob_names(api) == blobs


async def test_delete_aborts_when_the_tag_is_gone(demo_copy: Path) -> None:
    api = demo_copy / "acme" / "api"
    provider = LayoutProvider(demo_copy)
    plan = await provider.plan_delete("acme/api", "staging")
    await provider.delete(await provider.plan_delete("acme/api", "staging"))
    with pytest.raises(DeleteAborted, match="no longer exists"):
        await provider.delete(plan)
    assert "prod" in ref_names(api)


async def test_unknown_fields_and_untagged_entries_survive(tmp_path: Path) -> None:
    layout = tmp_path / "r"
    digests = write_layout(layout, {"a": simple_image("a"), "b": simple_image("b")})
    document = read_index(layout)
    document["annotations"] = {"org.example.note": "keep me"}
    untagged = {k: v for k, v in document["manifests"][0].items() if k != "annotations"}
    document["manifests"].append({**untagged, "x-extra": [1, 2]})
    write_index(layout, document)
    provider = LayoutProvider(tmp_path)
    await provider.delete(await provider.plan_delete("r", "a"))
    after = read_index(layout)
    assert after["annotations"] == {"org.example.note": "keep me"}
    assert after["manifests"][-1] == {**untagged, "x-extra": [1, 2]}
    # The untagged descriptor still points at a's manifest, so nothing of it is collected.
    assert reachable(layout, digests["a"]) <= blob_names(layout)


async def test_unreadable_remaining_manifest_keeps_all_blobs(tmp_path: Path) -> None:
    layout = tmp_path / "r"
    digests = write_layout(layout, {"a": simple_image("a"), "b": simple_image("b")})
    blob_path(layout, digests["b"]).write_bytes(b"{corrupt")
    before = blob_names(layout)
    provider = LayoutProvider(tmp_path)
    result = await provider.delete(await provider.plan_delete("r", "a"))
    assert ref_names(layout) == ["b"]
    assert blob_names(layout) == before
    assert any("unused blobs were kept" in m for m in result.messages)


async def test_read_only_refuses_to_plan(demo_template: Path) -> None:
    provider = LayoutProvider(demo_template, read_only=True)
    assert not provider.capabilities.delete
    with pytest.raises(Unsupported, match="read-only"):
        await provider.plan_delete("acme/api", "latest")


def test_skopeo_still_reads_what_remains(tmp_path: Path) -> None:
    """Two tags copied in by the real skopeo; delete one; skopeo copies the other intact."""
    skopeo = need_binary("skopeo")
    demo = prepare_demo_store(tmp_path / "demo")
    layout = tmp_path / "copied"
    for source, tag in (("library/nginx:1.24", "old"), ("library/nginx:latest", "new")):
        path, ref = source.split(":")
        run([skopeo, "copy", "--all", f"oci:{demo / path}:{ref}", f"oci:{layout}:{tag}"])
    provider = LayoutProvider(layout)

    async def delete_old() -> None:
        await provider.delete(await provider.plan_delete("copied", "old"))

    asyncio.run(delete_old())
    assert ref_names(layout) == ["new"]
    run([skopeo, "copy", "--all", f"oci:{layout}:new", f"dir:{tmp_path / 'out'}"])
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_bytes())
    assert len(manifest["manifests"]) == 3
    # Nothing of the deleted image is left: every blob is reachable from "new".
    (entry,) = read_index(layout)["manifests"]
    assert blob_names(layout) == reachable(layout, entry["digest"])


def run(command: list[str]) -> None:
    result = subprocess.run(command, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
