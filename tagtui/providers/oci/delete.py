"""Safe delete: remove exactly the tag the user chose, never the other tags sharing its digest.

``DELETE /v2/<name>/manifests/<digest>`` removes *every* tag pointing at the digest; that is how
users lose ``staging`` and ``prod`` when they delete ``latest``. So:

- the plan resolves the tag and finds every tag sharing its digest (all pages);
- before acting, the tag is resolved again and the delete aborts if it moved;
- the tag goes by ``DELETE manifests/<tag>`` where the registry supports it, otherwise by
  regctl's method: push a unique throw-away manifest onto the tag (only this tag points at it),
  then delete that throw-away digest. If that last step fails, the leftover is reported.
"""

from __future__ import annotations

import asyncio
import enum
import gzip
import hashlib
import json
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

import httpx

from tagtui.errors import (
    BadResponse,
    DeleteAborted,
    DeletionDisabled,
    NotFound,
    TagtuiError,
    UsageError,
)
from tagtui.model import DeleteMethod, DeletePlan, DeleteResult, Tag
from tagtui.natsort import natural_key
from tagtui.providers.oci.errormap import Subject, parse_registry_errors
from tagtui.providers.oci.manifests import (
    DOCKER_CONFIG,
    DOCKER_LAYER_GZIP,
    DOCKER_MANIFEST,
    OCI_CONFIG,
    OCI_LAYER_GZIP,
    OCI_MANIFEST,
    digest_of,
    is_valid_digest,
)
from tagtui.text import agree, join_names, short_digest

if TYPE_CHECKING:
    from tagtui.providers.oci.provider import OciProvider

DISABLED_MESSAGE = "deletion is disabled on this registry (storage.delete.enabled)"
THROWAWAY_LABEL = "io.tagtui.throwaway"
# After a delete, the tags that should still be there are checked (up to this many).
VERIFY_KEEPS = 100


class DeleteSupport(enum.Enum):
    """What the registry's DELETE does, learnt by probing with names that do not exist."""

    TAG = "tag"  # DELETE manifests/<tag> works (OCI 1.1, distribution 3, Quay)
    DIGEST_ONLY = "digest"  # only DELETE manifests/<digest> (distribution 2.x, Harbor)
    DISABLED = "disabled"  # storage.delete.enabled: false, or the registry never deletes


# --- words ------------------------------------------------------------------------------------


def _natural(names: set[str] | list[str]) -> list[str]:
    return sorted(names, key=natural_key)


# --- probing ----------------------------------------------------------------------------------


async def probe_support(provider: OciProvider, repository: str) -> DeleteSupport:
    """Ask the registry with a tag and a digest that do not exist: nothing can be removed.

    distribution 2.8 answers the tag with 400 DIGEST_INVALID (no tag delete) and, when
    deletion is disabled, 405 UNSUPPORTED to both.
    """
    if provider.delete_support is not None:
        return provider.delete_support
    http = provider.http
    subject = Subject(repository=repository, action="deleting")
    probe_tag = f"tagtui-probe-{secrets.token_hex(8)}"
    reply = await http.request(
        "DELETE",
        provider.manifest_path(repository, probe_tag),
        ok=(200, 202, 404),
        passthrough=(400, 405),
        subject=subject,
    )
    if reply.status in (200, 202, 404) and not parse_registry_errors(reply.body).has("UNSUPPORTED"):
        provider.delete_support = DeleteSupport.TAG
        return DeleteSupport.TAG
    provider.delete_support = await probe_digest_delete(provider, repository)
    return provider.delete_support


async def probe_digest_delete(provider: OciProvider, repository: str) -> DeleteSupport:
    """DELETE a random digest: 404 means digest deletes work, 400/405/UNSUPPORTED that not."""
    reply = await provider.http.request(
        "DELETE",
        provider.manifest_path(repository, f"sha256:{secrets.token_hex(32)}"),
        ok=(200, 202, 404),
        passthrough=(400, 405),
        subject=Subject(repository=repository, action="deleting"),
    )
    if reply.status in (400, 405) or parse_registry_errors(reply.body).has("UNSUPPORTED"):
        return DeleteSupport.DISABLED
    return DeleteSupport.DIGEST_ONLY


def _raise_if_disabled(support: DeleteSupport) -> None:
    if support is DeleteSupport.DISABLED:
        raise DeletionDisabled(DISABLED_MESSAGE)


# --- finding every tag sharing a digest -----------------------------------------------------


async def tags_sharing(
    provider: OciProvider, repository: str, digest: str, tags: list[Tag]
) -> list[str]:
    """Every tag in ``tags`` pointing at ``digest``; HEADs run with the provider's concurrency."""
    sharing: list[str] = []
    to_check: list[str] = []
    for tag in tags:
        if tag.digest is not None:
            if tag.digest == digest:
                sharing.append(tag.name)
        else:
            to_check.append(tag.name)

    async def check(name: str) -> None:
        if await provider.head_digest(repository, name) == digest:
            sharing.append(name)

    # A TaskGroup cancels the rest if one fails: a plan with an unknown tag is not a plan.
    async with asyncio.TaskGroup() as group:
        for name in to_check:
            group.create_task(check(name))
    return _natural(sharing)


def _refuse_digest_as_tag(reference: str, whole_digest: bool) -> None:
    # DELETE manifests/<digest> takes every tag with it: only ever as an explicit digest delete.
    if is_valid_digest(reference) and not whole_digest:
        raise UsageError(
            "a digest is not a tag: choose a tag to delete, or delete the digest with all its tags"
        )


async def _resolve(provider: OciProvider, repository: str, tag: str) -> str | None:
    try:
        return (await provider.fetch_manifest(repository, tag)).digest
    except NotFound:
        return None


def _first_error(group: BaseExceptionGroup) -> BaseException:
    error: BaseException = group
    while isinstance(error, BaseExceptionGroup):
        error = error.exceptions[0]
    return error


async def _sharing(provider: OciProvider, repository: str, digest: str) -> list[str]:
    tags = await provider.list_tags(repository)
    try:
        return await tags_sharing(provider, repository, digest, tags)
    except BaseExceptionGroup as group:
        raise _first_error(group) from None


# --- planning ---------------------------------------------------------------------------------


async def plan(
    provider: OciProvider, repository: str, tag: str, *, whole_digest: bool = False
) -> DeletePlan:
    provider.check_repository(repository)
    provider.check_reference(tag)
    _refuse_digest_as_tag(tag, whole_digest)
    manifest = await provider.fetch_manifest(repository, tag)
    digest = manifest.digest
    support = await probe_support(provider, repository)
    _raise_if_disabled(support)
    sharing = await _sharing(provider, repository, digest)
    if tag not in sharing and not is_valid_digest(tag):
        sharing = _natural([*sharing, tag])  # it moved while we looked: delete() will refuse
    others = [name for name in sharing if name != tag]
    short = short_digest(digest)

    if whole_digest:
        removes = tuple(sharing)
        warnings = [f"the image {short} itself is deleted: pulls by digest stop working"]
        if others:
            warnings.append(f"{agree(others, 'goes', 'go')} with it")
        return DeletePlan(
            repository=repository,
            tag=tag,
            digest=digest,
            method=DeleteMethod.DIGEST_DELETE,
            removes=removes,
            keeps=(),
            warnings=tuple(warnings),
            summary=f"Digest {short} is deleted with every tag pointing at it: "
            f"{join_names(removes)}.",
            whole_digest=True,
            shared_tags=tuple(sharing),
        )

    warnings = []
    if support is DeleteSupport.TAG:
        method = DeleteMethod.REGISTRY_TAG_DELETE
    else:
        method = DeleteMethod.THROWAWAY_MANIFEST
        warnings.append(
            "this registry cannot delete a tag by name: a unique throw-away manifest is pushed "
            f"onto {tag} and then deleted by digest"
        )
    if others:
        verb = "stays" if len(others) == 1 else "stay"
        summary = f"Only {tag} is removed; {join_names(others)} {verb}."
    else:
        summary = f"Only {tag} is removed; no other tag points at {short}."
    return DeletePlan(
        repository=repository,
        tag=tag,
        digest=digest,
        method=method,
        removes=(tag,),
        keeps=tuple(others),
        warnings=tuple(warnings),
        summary=summary,
        whole_digest=False,
        shared_tags=tuple(sharing),
    )


# --- carrying out -----------------------------------------------------------------------------


async def _check_unchanged(provider: OciProvider, plan: DeletePlan) -> None:
    current = await _resolve(provider, plan.repository, plan.tag)
    if current is None:
        raise DeleteAborted(f"{plan.tag} no longer exists; nothing was deleted")
    if current != plan.digest:
        raise DeleteAborted(
            f"{plan.tag} now points at {short_digest(current)}, not "
            f"{short_digest(plan.digest)} as planned; nothing was deleted"
        )


async def execute(provider: OciProvider, plan: DeletePlan) -> DeleteResult:
    if not plan.digest or not is_valid_digest(plan.digest):
        raise DeleteAborted("the plan has no digest to check against; nothing was deleted")
    provider.check_repository(plan.repository)
    provider.check_reference(plan.tag)
    _refuse_digest_as_tag(plan.tag, plan.method is DeleteMethod.DIGEST_DELETE)
    await _check_unchanged(provider, plan)
    if plan.method is DeleteMethod.DIGEST_DELETE:
        if not plan.whole_digest:
            raise DeleteAborted("a digest delete needs an explicit whole-digest plan")
        return await _delete_digest(provider, plan)
    result = await _delete_tag(provider, plan)
    return await _verify_keeps(provider, plan, result)


async def _delete_digest(provider: OciProvider, plan: DeletePlan) -> DeleteResult:
    assert plan.digest is not None
    # Everything pointing at the digest goes: it must be exactly what the user confirmed.
    sharing = await _sharing(provider, plan.repository, plan.digest)
    extra = [name for name in sharing if name not in plan.removes]
    if extra:
        raise DeleteAborted(
            f"{agree(extra, 'now also points', 'now also point')} at {short_digest(plan.digest)}; "
            "nothing was deleted"
        )
    reply = await provider.http.request(
        "DELETE",
        provider.manifest_path(plan.repository, plan.digest),
        ok=(200, 202),
        passthrough=(400, 405),
        subject=Subject(repository=plan.repository, action="deleting manifests"),
    )
    if reply.status in (400, 405) or parse_registry_errors(reply.body).has("UNSUPPORTED"):
        if reply.status == 400 and not parse_registry_errors(reply.body).has("UNSUPPORTED"):
            raise provider.http.error(reply, Subject(repository=plan.repository))
        provider.delete_support = DeleteSupport.DISABLED
        raise DeletionDisabled(DISABLED_MESSAGE)
    removed = tuple(name for name in plan.removes if name in sharing)
    return DeleteResult(
        removed=removed,
        messages=(f"deleted {short_digest(plan.digest)} and its tags: {join_names(removed)}",),
    )


async def _delete_tag(provider: OciProvider, plan: DeletePlan) -> DeleteResult:
    repository, tag = plan.repository, plan.tag
    subject = Subject(repository=repository, action="deleting tags")
    if provider.delete_support is not DeleteSupport.DIGEST_ONLY:
        reply = await provider.http.request(
            "DELETE",
            provider.manifest_path(repository, tag),
            ok=(200, 202),
            passthrough=(400, 404, 405),
            subject=subject,
        )
        if reply.status in (200, 202):
            provider.delete_support = DeleteSupport.TAG
            return DeleteResult(removed=(tag,), messages=(f"removed {tag} (registry tag delete)",))
        # 400 DIGEST_INVALID (distribution 2.x), 404 or 405/UNSUPPORTED (no tag delete, or
        # no delete at all): find out which with a digest that does not exist.
        support = await probe_digest_delete(provider, repository)
        provider.delete_support = support
        _raise_if_disabled(support)
    return await _throwaway(provider, plan)


@dataclass(frozen=True)
class Throwaway:
    """A unique one-layer image whose only purpose is to be deleted."""

    media_type: str
    manifest: bytes
    digest: str
    blobs: tuple[tuple[str, bytes], ...]


def build_throwaway(family: str, *, now: datetime, nonce: str) -> Throwaway:
    """Same manifest family as the original (OCI or Docker schema 2), unique by its config."""
    docker = family == "docker"
    empty_tar = b"\0" * 1024  # an empty tar archive: two zero blocks
    layer = gzip.compress(empty_tar, mtime=0)
    stamp = now.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    config = {
        "architecture": "amd64",
        "os": "linux",
        "created": stamp,
        "config": {"Labels": {THROWAWAY_LABEL: f"{stamp} {nonce}"}},
        "rootfs": {"type": "layers", "diff_ids": [digest_of(empty_tar)]},
        "history": [{"created": stamp, "created_by": "tagtui: throw-away image (tag delete)"}],
    }
    config_bytes = json.dumps(config, sort_keys=True, separators=(",", ":")).encode()
    media_type = DOCKER_MANIFEST if docker else OCI_MANIFEST
    manifest = {
        "schemaVersion": 2,
        "mediaType": media_type,
        "config": {
            "mediaType": DOCKER_CONFIG if docker else OCI_CONFIG,
            "digest": digest_of(config_bytes),
            "size": len(config_bytes),
        },
        "layers": [
            {
                "mediaType": DOCKER_LAYER_GZIP if docker else OCI_LAYER_GZIP,
                "digest": digest_of(layer),
                "size": len(layer),
            }
        ],
    }
    manifest_bytes = json.dumps(manifest, indent=3).encode()
    return Throwaway(
        media_type=media_type,
        manifest=manifest_bytes,
        digest=f"sha256:{hashlib.sha256(manifest_bytes).hexdigest()}",
        blobs=((digest_of(config_bytes), config_bytes), (digest_of(layer), layer)),
    )


async def push_blob(provider: OciProvider, repository: str, digest: str, data: bytes) -> None:
    """Upload one blob (POST then monolithic PUT) unless the repository already has it."""
    http = provider.http
    subject = Subject(repository=repository, action="uploading blobs")
    head = await http.request(
        "HEAD", f"/v2/{repository}/blobs/{digest}", passthrough=(404,), subject=subject
    )
    if head.status == 200:
        return
    start = await http.request(
        "POST", f"/v2/{repository}/blobs/uploads/", content=b"", ok=(202,), subject=subject
    )
    location = start.header("location")
    if not location:
        raise BadResponse(f"{provider.registry} started an upload without a Location")
    await http.request(
        "PUT",
        _upload_target(provider, location, digest),
        headers={"Content-Type": "application/octet-stream"},
        content=data,
        ok=(201, 204),
        subject=subject,
    )


def _upload_target(provider: OciProvider, location: str, digest: str) -> str:
    """The upload Location with ``digest=`` added (its own query, e.g. ``_state``, kept)."""
    try:
        url = httpx.URL(provider.http.base_url()).join(location)
        url = url.copy_merge_params({"digest": digest})
    except (httpx.InvalidURL, ValueError):
        raise BadResponse(f"{provider.registry} sent an unusable upload location") from None
    if location.startswith("/"):
        return url.raw_path.decode("ascii")
    return str(url)


async def _throwaway(provider: OciProvider, plan: DeletePlan) -> DeleteResult:
    repository, tag = plan.repository, plan.tag
    assert plan.digest is not None
    original = await provider.fetch_manifest(repository, plan.digest)
    throwaway = build_throwaway(original.family, now=datetime.now(UTC), nonce=secrets.token_hex(8))
    for digest, data in throwaway.blobs:
        await push_blob(provider, repository, digest, data)
    # Last look before the only step that changes the tag.
    await _check_unchanged(provider, plan)
    subject = Subject(repository=repository, action="pushing manifests")
    put = await provider.http.request(
        "PUT",
        provider.manifest_path(repository, tag),
        headers={"Content-Type": throwaway.media_type},
        content=throwaway.manifest,
        ok=(200, 201, 202),
        subject=subject,
    )
    pushed = put.header("docker-content-digest")
    if pushed and pushed != throwaway.digest:
        leftover = (
            f"{tag} now points at a throw-away manifest ({short_digest(pushed)}) the registry "
            "stored differently; delete it by digest to finish"
        )
        return DeleteResult(removed=(tag,), leftovers=(leftover,))
    try:
        await provider.http.request(
            "DELETE",
            provider.manifest_path(repository, throwaway.digest),
            ok=(200, 202),
            subject=Subject(repository=repository, action="deleting manifests"),
        )
    except TagtuiError as err:
        leftover = (
            f"{tag} still exists, pointing at throw-away manifest {throwaway.digest} "
            f"({err}); delete that digest to finish"
        )
        return DeleteResult(
            removed=(tag,),
            leftovers=(leftover,),
            messages=(f"{tag} no longer points at {short_digest(plan.digest)}",),
        )
    return DeleteResult(
        removed=(tag,),
        messages=(f"removed {tag} (throw-away manifest {short_digest(throwaway.digest)})",),
    )


async def _verify_keeps(
    provider: OciProvider, plan: DeletePlan, result: DeleteResult
) -> DeleteResult:
    """Say so if a tag that should have stayed no longer points at the image."""
    keeps = list(plan.keeps[:VERIFY_KEEPS])
    if not keeps:
        return result
    try:
        digests = await asyncio.gather(
            *(provider.head_digest(plan.repository, name) for name in keeps)
        )
    except TagtuiError:
        return result
    moved = [name for name, digest in zip(keeps, digests, strict=True) if digest != plan.digest]
    if not moved:
        return result
    moved_text = agree(moved, "no longer points", "no longer point")
    message = f"warning: {moved_text} at {short_digest(plan.digest)}"
    return DeleteResult(
        removed=result.removed, leftovers=result.leftovers, messages=(*result.messages, message)
    )
