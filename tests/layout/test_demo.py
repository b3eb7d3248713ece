"""The generated demo store: content the UI relies on, determinism, speed, validity."""

from __future__ import annotations

import hashlib
import subprocess
import time
from pathlib import Path

from tagtui.demo import prepare_demo_store
from tagtui.model import ReferrerKind
from tagtui.providers.layout import LayoutProvider
from tests.layout.conftest import read_index
from tests.support.real import need_binary


def tree(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def test_generation_is_deterministic_and_fast(tmp_path: Path) -> None:
    started = time.perf_counter()
    first = prepare_demo_store(tmp_path / "a")
    elapsed = time.perf_counter() - started
    second = prepare_demo_store(tmp_path / "b")
    assert tree(first) == tree(second)
    # Measured at ~0.1 s; the margin is for a loaded 2-core machine.
    assert elapsed < 2.0, f"demo generation took {elapsed:.2f} s"


def test_default_target_is_a_fresh_temporary_directory() -> None:
    one, two = prepare_demo_store(), prepare_demo_store()
    assert one != two
    assert (one / "library" / "nginx" / "index.json").is_file()
    assert (two / "library" / "nginx" / "index.json").is_file()


def test_rewriting_restores_a_changed_store(demo_copy: Path) -> None:
    api = demo_copy / "acme" / "api"
    before = (api / "index.json").read_bytes()
    (api / "index.json").write_text('{"schemaVersion":2,"manifests":[]}')
    prepare_demo_store(demo_copy)
    assert (api / "index.json").read_bytes() == before


def test_every_blob_matches_its_name(demo_template: Path) -> None:
    blobs = list(demo_template.rglob("blobs/sha256/*"))
    assert len(blobs) > 100
    for blob in blobs:
        assert hashlib.sha256(blob.read_bytes()).hexdigest() == blob.name, blob


async def test_content_the_ui_relies_on(demo: LayoutProvider) -> None:
    assert demo.display_name == "demo"
    repositories = [r async for page in demo.list_repositories() for r in page]
    names = [r.name for r in repositories]
    assert len(names) >= 6
    for expected in ("library/nginx", "library/postgres", "acme/api", "acme/web", "tools/debug"):
        assert expected in names
    counts = {r.name: r.tag_count for r in repositories}
    assert counts["big/tags"] is not None and counts["big/tags"] >= 2000
    assert counts["sandbox/empty"] == 0

    nginx = {t.name: t.digest for t in await demo.list_tags("library/nginx")}
    assert nginx["latest"] == nginx["stable"] == nginx["1.25"]
    detail = await demo.get_tag("library/nginx", "latest")
    assert [p.name for p in detail.runnable_platforms] == ["linux/amd64", "linux/arm64/v8"]
    assert len(detail.attestations) == 1
    assert detail.attestations[0].attests == detail.runnable_platforms[0].digest

    api = await demo.get_tag("acme/api", "latest")
    assert api.image is not None
    config = api.image.config
    env = dict(config.env)
    assert env["DATABASE_URL"] == "postgres://api@db:5432/api?sslmode=require&pool_max=10"
    assert env["SENTRY_DSN"] == ""
    assert config.labels and config.ports and config.entrypoint and config.cmd
    assert config.user and config.working_dir and config.author and config.created
    assert any(entry.empty_layer for entry in config.history)
    assert all(layer.created_by for layer in api.image.layers)
    assert {t.name for t in await demo.list_tags("acme/api") if t.digest == api.digest} == {
        "latest",
        "prod",
        "staging",
        "v1.2.0",
    }
    postgres = await demo.get_tag("library/postgres", "latest")
    assert postgres.image is not None and postgres.image.config.volumes


async def test_postgres_16_is_signed_and_has_an_sbom(demo: LayoutProvider) -> None:
    # As cosign and oras leave them on a registry without the referrers API: carrier tags.
    tags = {t.name: t.digest for t in await demo.list_tags("library/postgres")}
    digest = tags["16.1"]
    assert digest is not None and tags["latest"] == tags["16"] == digest
    carrier = digest.replace(":", "-", 1)
    assert {name for name in tags if name.startswith("sha256-")} == {carrier, f"{carrier}.sig"}
    referrers = await demo.referrers("library/postgres", digest, tags=list(tags))
    kinds = {r.kind: r for r in referrers}
    assert set(kinds) == {ReferrerKind.SIGNATURE, ReferrerKind.SBOM}
    assert kinds[ReferrerKind.SBOM].artifact_type == "application/spdx+json"
    assert kinds[ReferrerKind.SBOM].subject == digest
    older = tags["15.5"]
    assert older is not None
    assert await demo.referrers("library/postgres", older, tags=list(tags)) == ()


async def test_big_repository_dates_spread(demo: LayoutProvider) -> None:
    tags = await demo.list_tags("big/tags")
    assert len(tags) >= 2000
    assert len({t.digest for t in tags}) <= 60
    picked = [tags[0], tags[len(tags) // 2], tags[-1]]
    created = {(await demo.describe_tag("big/tags", tag)).created for tag in picked}
    assert len(created) == 3


def test_skopeo_reads_the_demo_layouts(demo_template: Path, tmp_path: Path) -> None:
    skopeo = need_binary("skopeo")
    # --all copies the index, both platforms and the attestation: every blob is read and checked.
    for source in (
        "library/nginx:latest",
        "acme/api:prod",
        "library/postgres:16",
        "big/tags:t1000",
    ):
        path, tag = source.split(":")
        result = subprocess.run(
            [skopeo, "copy", "--all", f"oci:{demo_template / path}:{tag}", f"dir:{tmp_path / tag}"],
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert result.returncode == 0, result.stderr
    assert read_index(demo_template / "big" / "tags")["manifests"]
