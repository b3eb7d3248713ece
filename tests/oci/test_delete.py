"""Safe delete on the real distribution 2.8.2: only the chosen tag goes.

2.8 has no tag deletion (``DELETE manifests/<tag>`` answers 400 DIGEST_INVALID), so these tests
exercise the throw-away manifest method for real; the OCI 1.1 tag-delete path is covered on the
real registry given a tag delete (``oci11_tag_delete``) and on a fake registry at the end.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass

import httpx
import pytest

from tagtui.errors import DeleteAborted, DeletionDisabled, NotFound, UsageError
from tagtui.model import DeleteMethod, DeletePlan, DeleteResult
from tagtui.providers.oci.delete import DISABLED_MESSAGE, DeleteSupport, build_throwaway
from tagtui.providers.oci.manifests import DOCKER_MANIFEST, OCI_MANIFEST
from tagtui.providers.oci.provider import OciProvider
from tests.oci.fakes import FakeRegistry
from tests.oci.realservers import Pusher
from tests.support.registry import RunningRegistry

pytestmark = pytest.mark.real

REPO = "team/app"


def config(name: str) -> dict:
    return {
        "created": "2024-05-01T12:00:00Z",
        "os": "linux",
        "architecture": "amd64",
        "config": {"Labels": {"image": name}},
        "history": [{"created_by": f"ADD {name} /"}],
    }


class Tap(httpx.AsyncBaseTransport):
    """The real network, with a record of every request and optional injected failures."""

    def __init__(
        self, fail: Callable[[httpx.Request], httpx.Response | None] | None = None
    ) -> None:
        self.inner = httpx.AsyncHTTPTransport()
        self.requests: list[tuple[str, str, str | None]] = []
        self.fail = fail

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(
            (request.method, request.url.path, request.headers.get("content-type"))
        )
        if self.fail is not None and (response := self.fail(request)) is not None:
            return response
        return await self.inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self.inner.aclose()

    def deletes(self) -> list[str]:
        return [path for method, path, _ in self.requests if method == "DELETE"]


@dataclass
class Shared:
    registry: RunningRegistry
    image: str  # latest, staging, prod
    other: str  # v1, v2

    def pusher(self) -> Pusher:
        return Pusher(self.registry.url)

    def tags(self, **changed: str | None) -> dict[str, str]:
        """Each tag's digest as pushed, with ``changed`` ones moved (a digest) or gone (None)."""
        pushed = {"latest": self.image, "prod": self.image, "staging": self.image}
        merged: dict[str, str | None] = {**pushed, "v1": self.other, "v2": self.other, **changed}
        return {name: digest for name, digest in merged.items() if digest is not None}


@pytest.fixture
def shared(registry: RunningRegistry) -> Shared:
    with Pusher(registry.url) as pusher:
        image, _ = pusher.image(REPO, ["latest", "staging", "prod"], config("one"))
        other, _ = pusher.image(REPO, ["v1", "v2"], config("two"), layers=[b"other layer"])
    return Shared(registry, image, other)


def says_only_the_method(result: DeleteResult, pattern: str) -> None:
    """The UI says which tags went (from ``removed``): no message restates that."""
    [method] = result.messages
    assert re.fullmatch(pattern, method), method
    assert not any(name in method for name in result.removed)


async def digests(provider: OciProvider, repository: str = REPO) -> dict[str, str | None]:
    tags = await provider.list_tags(repository)
    return {tag.name: await provider.head_digest(repository, tag.name) for tag in tags}


async def test_deleting_latest_keeps_staging_prod_and_the_rest(shared: Shared) -> None:
    tap = Tap()
    async with OciProvider(shared.registry.host, transport=tap) as provider:
        plan = await provider.plan_delete(REPO, "latest")
        assert plan.method is DeleteMethod.THROWAWAY_MANIFEST
        assert plan.removes == ("latest",)
        assert plan.keeps == ("prod", "staging")
        assert plan.shared_tags == ("latest", "prod", "staging")
        assert plan.summary == "Only latest is removed; prod and staging stay."
        assert plan.digest == shared.image and not plan.whole_digest
        assert any("throw-away" in warning for warning in plan.warnings)

        result = await provider.delete(plan)
        assert result.removed == ("latest",)
        assert result.leftovers == ()
        says_only_the_method(result, r"method: throw-away manifest \([0-9a-f]{12}, deleted again\)")

        assert await digests(provider) == {
            "prod": shared.image,
            "staging": shared.image,
            "v1": shared.other,
            "v2": shared.other,
        }
        # The image itself is still there, by digest.
        assert (await provider.get_image(REPO, shared.image)).config.labels == (("image", "one"),)
    # Nothing was ever deleted by the image's digest.
    assert all(shared.image not in path for path in tap.deletes())


async def test_throwaway_is_gone_after_the_delete(shared: Shared) -> None:
    tap = Tap()
    async with OciProvider(shared.registry.host, transport=tap) as provider:
        await provider.delete(await provider.plan_delete(REPO, "v1"))
        pushed = [p for m, p, _ in tap.requests if m == "PUT" and "/manifests/" in p]
        assert pushed == [f"/v2/{REPO}/manifests/v1"]
        throwaway = [p for p in tap.deletes() if "/manifests/sha256:" in p][-1].rsplit("/", 1)[1]
        with pytest.raises(NotFound):
            await provider.get_image(REPO, throwaway)
        assert [t.name for t in await provider.list_tags(REPO)] == [
            "latest",
            "prod",
            "staging",
            "v2",
        ]


async def test_the_deleter_learns_the_registry_once(shared: Shared) -> None:
    """What DELETE does here is probed by the first plan and kept by the provider's deleter."""
    tap = Tap()
    async with OciProvider(shared.registry.host, transport=tap) as provider:
        assert provider.deleter.support is None
        await provider.plan_delete(REPO, "latest")
        probes = len(tap.deletes())
        assert probes == 2  # a tag (400 on 2.8), then a digest (404): digest deletes only
        assert provider.deleter.support is DeleteSupport.DIGEST_ONLY
        await provider.plan_delete(REPO, "v1")
        assert len(tap.deletes()) == probes


async def test_a_tag_repushed_after_the_plan_aborts_the_delete(shared: Shared) -> None:
    async with OciProvider(shared.registry.host) as provider:
        plan = await provider.plan_delete(REPO, "latest")
        with shared.pusher() as pusher:
            moved, _ = pusher.image(REPO, ["latest"], config("three"), layers=[b"new"])
        with pytest.raises(DeleteAborted) as caught:
            await provider.delete(plan)
        assert "nothing was deleted" in str(caught.value)
        assert await digests(provider) == shared.tags(latest=moved)


async def test_a_tag_removed_after_the_plan_aborts_too(shared: Shared) -> None:
    async with OciProvider(shared.registry.host) as provider:
        plan = await provider.plan_delete(REPO, "v1")
        await provider.delete(await provider.plan_delete(REPO, "v1"))
        with pytest.raises(DeleteAborted, match="no longer exists"):
            await provider.delete(plan)


async def test_deletion_disabled_says_so_and_changes_nothing(
    registry_no_delete: RunningRegistry,
) -> None:
    with Pusher(registry_no_delete.url) as pusher:
        image, _ = pusher.image(REPO, ["latest", "staging"], config("one"))
    tap = Tap()
    async with OciProvider(registry_no_delete.host, transport=tap) as provider:
        assert provider.capabilities.delete
        with pytest.raises(DeletionDisabled) as caught:
            await provider.plan_delete(REPO, "latest")
        assert str(caught.value) == DISABLED_MESSAGE
        assert provider.deleter.support is DeleteSupport.DISABLED
        assert not provider.capabilities.delete
        assert DISABLED_MESSAGE in (provider.capabilities.note or "")
        assert await digests(provider) == {"latest": image, "staging": image}
    assert not [r for r in tap.requests if r[0] in ("PUT", "POST", "PATCH")]


async def test_deletion_disabled_found_at_delete_time_changes_nothing(
    registry_no_delete: RunningRegistry,
) -> None:
    """A plan made elsewhere (or before the setting changed) still fails safely."""
    with Pusher(registry_no_delete.url) as pusher:
        image, _ = pusher.image(REPO, ["latest", "staging"], config("one"))
    async with OciProvider(registry_no_delete.host) as provider:
        plan = DeletePlan(
            repository=REPO,
            tag="latest",
            digest=image,
            method=DeleteMethod.THROWAWAY_MANIFEST,
            removes=("latest",),
            shared_tags=("latest", "staging"),
        )
        with pytest.raises(DeletionDisabled, match=r"storage\.delete\.enabled"):
            await provider.delete(plan)
        assert await digests(provider) == {"latest": image, "staging": image}


async def test_whole_digest_only_when_asked(shared: Shared) -> None:
    async with OciProvider(shared.registry.host) as provider:
        plain = await provider.plan_delete(REPO, "staging")
        assert plain.method is not DeleteMethod.DIGEST_DELETE
        plan = await provider.plan_delete(REPO, "staging", whole_digest=True)
        assert plan.method is DeleteMethod.DIGEST_DELETE
        assert plan.whole_digest
        assert plan.removes == ("latest", "prod", "staging")
        assert plan.keeps == ()
        assert "latest, prod and staging" in plan.summary
        assert "latest and prod go with it" in plan.warnings
        result = await provider.delete(plan)
        assert result.removed == ("latest", "prod", "staging")
        short = shared.image.removeprefix("sha256:")[:12]
        says_only_the_method(result, rf"method: digest delete \(the image {short} itself is gone\)")
        assert await digests(provider) == {"v1": shared.other, "v2": shared.other}


async def test_whole_digest_delete_aborts_when_another_tag_joined(shared: Shared) -> None:
    async with OciProvider(shared.registry.host) as provider:
        plan = await provider.plan_delete(REPO, "latest", whole_digest=True)
        with shared.pusher() as pusher:
            pusher.image(REPO, ["newcomer"], config("one"))  # same content, same digest
        with pytest.raises(DeleteAborted, match="newcomer now also points at"):
            await provider.delete(plan)
        assert (await digests(provider))["latest"] == shared.image


async def test_a_digest_is_never_deleted_as_if_it_were_a_tag(shared: Shared) -> None:
    tap = Tap()
    async with OciProvider(shared.registry.host, transport=tap) as provider:
        with pytest.raises(UsageError, match="not a tag"):
            await provider.plan_delete(REPO, shared.image)
        forged = DeletePlan(
            repository=REPO,
            tag=shared.image,
            digest=shared.image,
            method=DeleteMethod.REGISTRY_TAG_DELETE,
            removes=(shared.image,),
        )
        with pytest.raises(UsageError):
            await provider.delete(forged)
        plan = await provider.plan_delete(REPO, shared.image, whole_digest=True)
        assert plan.removes == ("latest", "prod", "staging")
        assert await provider.head_digest(REPO, "latest") == shared.image
    assert all(shared.image not in path for path in tap.deletes())


async def test_docker_schema2_gets_a_docker_throwaway(registry: RunningRegistry) -> None:
    with Pusher(registry.url) as pusher:
        image, _ = pusher.image(REPO, ["latest", "stable"], config("d"), docker=True)
    tap = Tap()
    async with OciProvider(registry.host, transport=tap) as provider:
        detail = await provider.get_tag(REPO, "latest")
        assert detail.media_type == DOCKER_MANIFEST
        result = await provider.delete(await provider.plan_delete(REPO, "latest"))
        assert result.removed == ("latest",)
        assert await digests(provider) == {"stable": image}
    puts = [ctype for m, p, ctype in tap.requests if m == "PUT" and "/manifests/" in p]
    assert puts == [DOCKER_MANIFEST]


async def test_index_tag_delete_keeps_the_index_and_platforms(registry: RunningRegistry) -> None:
    with Pusher(registry.url) as pusher:
        amd, amd_size = pusher.image(REPO, [], config("amd64"))
        arm, arm_size = pusher.image(REPO, [], {**config("arm64"), "architecture": "arm64"})
        index = pusher.index(
            REPO,
            ["latest", "1.0"],
            [
                {
                    "mediaType": OCI_MANIFEST,
                    "digest": amd,
                    "size": amd_size,
                    "platform": {"os": "linux", "architecture": "amd64"},
                },
                {
                    "mediaType": OCI_MANIFEST,
                    "digest": arm,
                    "size": arm_size,
                    "platform": {"os": "linux", "architecture": "arm64"},
                },
            ],
        )
    tap = Tap()
    async with OciProvider(registry.host, transport=tap) as provider:
        plan = await provider.plan_delete(REPO, "latest")
        assert plan.digest == index and plan.keeps == ("1.0",)
        await provider.delete(plan)
        detail = await provider.get_tag(REPO, "1.0")
        assert detail.digest == index
        assert [p.name for p in detail.platforms] == ["linux/amd64", "linux/arm64"]
        assert (await provider.get_image(REPO, arm)).config.architecture == "arm64"
        assert [t.name for t in await provider.list_tags(REPO)] == ["1.0"]
    puts = [ctype for m, p, ctype in tap.requests if m == "PUT" and "/manifests/" in p]
    assert puts == [OCI_MANIFEST]


async def test_failed_last_step_reports_the_leftover(shared: Shared) -> None:
    def fail(request: httpx.Request) -> httpx.Response | None:
        if request.method == "DELETE" and "/manifests/sha256:" in request.url.path:
            return httpx.Response(503, json={"errors": [{"code": "UNAVAILABLE"}]})
        return None

    tap = Tap()
    async with OciProvider(shared.registry.host, transport=tap) as provider:
        plan = await provider.plan_delete(REPO, "latest")
        tap.fail = fail  # the registry breaks after the plan, during the last step
        result = await provider.delete(plan)
        assert result.removed == ("latest",)
        [leftover] = result.leftovers
        throwaway = await provider.head_digest(REPO, "latest")
        assert throwaway is not None and throwaway != shared.image
        assert throwaway in leftover and "latest" in leftover
        # The siblings were never touched.
        assert await provider.head_digest(REPO, "staging") == shared.image
        assert await provider.head_digest(REPO, "prod") == shared.image


# --- the OCI 1.1 tag-delete path, on the real registry ----------------------------------------


def oci11_tag_delete(registry: RunningRegistry) -> Callable[[httpx.Request], httpx.Response | None]:
    """``DELETE /v2/<name>/manifests/<tag>`` as OCI 1.1 registries answer it (distribution 3, zot).

    2.8 has no tag delete, so this removes the tag from the real registry's own storage, which
    2.8 reads on every request: the tag goes, its manifest and every other tag stay. Everything
    else reaches the real registry unchanged.
    """
    tags_root = registry.storage / "docker/registry/v2/repositories"

    def delete_tag(request: httpx.Request) -> httpx.Response | None:
        name, _, reference = request.url.path.removeprefix("/v2/").rpartition("/manifests/")
        if request.method != "DELETE" or not name or reference.startswith("sha256:"):
            return None
        tag_dir = tags_root / name / "_manifests" / "tags" / reference
        if not tag_dir.is_dir():
            return httpx.Response(404, json={"errors": [{"code": "MANIFEST_UNKNOWN"}]})
        shutil.rmtree(tag_dir)
        return httpx.Response(202)

    return delete_tag


async def test_the_real_registry_with_tag_delete_removes_only_the_tag(shared: Shared) -> None:
    tap = Tap(oci11_tag_delete(shared.registry))
    async with OciProvider(shared.registry.host, transport=tap) as provider:
        plan = await provider.plan_delete(REPO, "latest")
        assert plan.method is DeleteMethod.REGISTRY_TAG_DELETE
        result = await provider.delete(plan)
        assert result.removed == ("latest",)
        assert await digests(provider) == shared.tags(latest=None)
    assert f"/v2/{REPO}/manifests/latest" in tap.deletes()


async def test_a_tag_repushed_before_a_delete_by_tag_name_is_not_deleted(shared: Shared) -> None:
    """The re-check right before deleting is all that holds here: a DELETE by tag name would
    take whatever the tag points at now (the throw-away path checks again; this one cannot)."""
    tap = Tap(oci11_tag_delete(shared.registry))
    async with OciProvider(shared.registry.host, transport=tap) as provider:
        plan = await provider.plan_delete(REPO, "latest")
        assert plan.method is DeleteMethod.REGISTRY_TAG_DELETE
        with shared.pusher() as pusher:
            moved, _ = pusher.image(REPO, ["latest"], config("three"), layers=[b"new"])
        with pytest.raises(DeleteAborted, match="nothing was deleted"):
            await provider.delete(plan)
        assert await digests(provider) == shared.tags(latest=moved)
    assert f"/v2/{REPO}/manifests/latest" not in tap.deletes()


# --- the OCI 1.1 tag-delete path, on a fake registry ---------------------------------------------


async def test_registry_tag_delete_is_used_when_supported() -> None:
    fake = FakeRegistry()
    digest = fake.add_image(REPO, "latest")
    fake.tags[REPO]["staging"] = digest
    deletes: list[str] = []

    def tag_delete(request: httpx.Request) -> httpx.Response | None:
        if request.method != "DELETE":
            return None
        reference = request.url.path.rsplit("/", 1)[1]
        deletes.append(reference)
        if fake.tags[REPO].pop(reference, None) is None:
            return httpx.Response(404, json={"errors": [{"code": "MANIFEST_UNKNOWN"}]})
        return httpx.Response(202)

    fake.fault = tag_delete
    async with fake.provider() as provider:
        plan = await provider.plan_delete(REPO, "latest")
        assert plan.method is DeleteMethod.REGISTRY_TAG_DELETE
        assert plan.keeps == ("staging",)
        result = await provider.delete(plan)
        assert provider.deleter.support is DeleteSupport.TAG
    assert result.removed == ("latest",)
    says_only_the_method(result, r"method: registry tag delete")
    assert deletes[-1] == "latest"
    assert not any(reference.startswith("sha256:") for reference in deletes)
    assert fake.tags[REPO] == {"staging": digest}


def test_throwaways_are_unique_and_of_the_right_family() -> None:
    from datetime import UTC, datetime

    now = datetime(2024, 1, 1, tzinfo=UTC)
    first = build_throwaway("oci", now=now, nonce="a")
    second = build_throwaway("oci", now=now, nonce="b")
    docker = build_throwaway("docker", now=now, nonce="a")
    assert first.digest != second.digest
    assert first.media_type == OCI_MANIFEST and docker.media_type == DOCKER_MANIFEST
    assert len(first.blobs) == 2
