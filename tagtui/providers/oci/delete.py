"""Safe delete: remove exactly the tag the user chose, never the other tags sharing its digest.

``DELETE /v2/<name>/manifests/<digest>`` removes *every* tag pointing at the digest; that is how
users lose ``staging`` and ``prod`` when they delete ``latest``. So:

- the plan resolves the tag and finds every tag sharing its digest (all pages);
- before acting, the tag is resolved again and the delete aborts if it moved;
- the tag goes by ``DELETE manifests/<tag>`` where the registry supports it, otherwise by
  regctl's method: push a unique throw-away manifest onto the tag (only this tag points at it),
  then delete that throw-away digest. If that last step fails, the leftover is reported.

``OciDeleter`` does all of it for one registry and keeps what it learns there (which DELETEs
the registry accepts); the provider creates it on the first delete and hands it the calls it
needs.
"""

from __future__ import annotations

import asyncio
import enum
import gzip
import hashlib
import json
import secrets
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

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
from tagtui.natsort import natural_sorted
from tagtui.providers.http.exchange import Reply
from tagtui.providers.oci.errormap import Subject, parse_registry_errors
from tagtui.providers.oci.http import RegistryHttp
from tagtui.providers.oci.manifests import (
    DOCKER_CONFIG,
    DOCKER_LAYER_GZIP,
    DOCKER_MANIFEST,
    OCI_CONFIG,
    OCI_LAYER_GZIP,
    OCI_MANIFEST,
    Manifest,
    digest_of,
    is_valid_digest,
)
from tagtui.providers.tag_delete import (
    alone_summary,
    only_tag_summary,
    refuse_if_joined,
    refuse_if_moved,
    tag_gone,
)
from tagtui.text import agree, join_names, short_digest

DISABLED_MESSAGE = "deletion is disabled on this registry (storage.delete.enabled)"
THROWAWAY_LABEL = "io.tagtui.throwaway"
# After a delete, the tags that should still be there are checked (up to this many).
VERIFY_KEEPS = 100


class DeleteSupport(enum.Enum):
    """What the registry's DELETE does, learnt by probing with names that do not exist."""

    TAG = "tag"  # DELETE manifests/<tag> works (OCI 1.1, distribution 3, Quay)
    DIGEST_ONLY = "digest"  # only DELETE manifests/<digest> (distribution 2.x, Harbor)
    DISABLED = "disabled"  # storage.delete.enabled: false, or the registry never deletes


def _refuse_digest_as_tag(reference: str, whole_digest: bool) -> None:
    # DELETE manifests/<digest> takes every tag with it: only ever as an explicit digest delete.
    if is_valid_digest(reference) and not whole_digest:
        raise UsageError(
            "a digest is not a tag: choose a tag to delete, or delete the digest with all its tags"
        )


def _first_error(group: BaseExceptionGroup) -> BaseException:
    error: BaseException = group
    while isinstance(error, BaseExceptionGroup):
        error = error.exceptions[0]
    return error


def _refused(reply_status: int, body: bytes) -> bool:
    """400/405 or UNSUPPORTED: the registry does not delete this way (or at all)."""
    return reply_status in (400, 405) or parse_registry_errors(body).has("UNSUPPORTED")


# --- the plan (pure: what the registry said, in words) ----------------------------------------


def plan_for(
    repository: str,
    tag: str,
    digest: str,
    sharing: list[str],
    *,
    support: DeleteSupport,
    whole_digest: bool,
) -> DeletePlan:
    """Only ``tag`` (by name where the registry can, else by a throw-away manifest), or, when
    asked, the digest itself with every tag pointing at it."""
    others = [name for name in sharing if name != tag]
    short = short_digest(digest)
    warnings: list[str] = []
    if whole_digest:
        method = DeleteMethod.DIGEST_DELETE
        warnings.append(f"the image {short} itself is deleted: pulls by digest stop working")
        if others:
            warnings.append(f"{agree(others, 'goes', 'go')} with it")
        summary = f"Digest {short} is deleted with every tag pointing at it: {join_names(sharing)}."
    else:
        method = DeleteMethod.REGISTRY_TAG_DELETE
        if support is not DeleteSupport.TAG:
            method = DeleteMethod.THROWAWAY_MANIFEST
            warnings.append(
                "this registry cannot delete a tag by name: a unique throw-away manifest is "
                f"pushed onto {tag} and then deleted by digest"
            )
        summary = only_tag_summary(tag, others) if others else alone_summary(tag, digest)
    return DeletePlan(
        repository=repository,
        tag=tag,
        digest=digest,
        method=method,
        removes=tuple(sharing) if whole_digest else (tag,),
        warnings=tuple(warnings),
        summary=summary,
        whole_digest=whole_digest,
        shared_tags=tuple(sharing),
    )


# --- the deleter ------------------------------------------------------------------------------


class OciDeleter:
    """Plans and carries out safe deletes on one registry; learns what its DELETE accepts.

    Everything it needs from the provider comes in here, once: the HTTP client and the calls
    that read the registry. Only this object writes what it learns (``support``).
    """

    def __init__(
        self,
        http: RegistryHttp,
        *,
        fetch_manifest: Callable[[str, str], Awaitable[Manifest]],
        head_digest: Callable[[str, str], Awaitable[str | None]],
        list_tags: Callable[[str], Awaitable[list[Tag]]],
        manifest_path: Callable[[str, str], str],
        check_names: Callable[[str, str], None],
    ) -> None:
        self._http = http
        self._fetch_manifest = fetch_manifest
        self._head_digest = head_digest
        self._list_tags = list_tags
        self._manifest_path = manifest_path
        self._check_names = check_names  # raises UsageError for an invalid repository or tag
        # None until learnt: probed by the first plan, corrected by what DELETEs answer.
        self._support: DeleteSupport | None = None

    @property
    def support(self) -> DeleteSupport | None:
        return self._support

    @property
    def disabled_note(self) -> str | None:
        """Why nothing can be deleted here, once the registry has said so."""
        return DISABLED_MESSAGE if self._support is DeleteSupport.DISABLED else None

    # --- planning ---------------------------------------------------------------------------

    async def plan(self, repository: str, tag: str, *, whole_digest: bool = False) -> DeletePlan:
        self._check_names(repository, tag)
        _refuse_digest_as_tag(tag, whole_digest)
        digest = (await self._fetch_manifest(repository, tag)).digest
        support = await self._probe_support(repository)
        self._raise_if_disabled()
        sharing = await self._sharing(repository, digest)
        if tag not in sharing and not is_valid_digest(tag):
            # It moved while we looked: delete() will refuse.
            sharing = natural_sorted([*sharing, tag])
        return plan_for(
            repository, tag, digest, sharing, support=support, whole_digest=whole_digest
        )

    async def _probe_support(self, repository: str) -> DeleteSupport:
        """Ask the registry with a tag and a digest that do not exist: nothing can be removed.

        distribution 2.8 answers the tag with 400 DIGEST_INVALID (no tag delete) and, when
        deletion is disabled, 405 UNSUPPORTED to both.
        """
        if self._support is not None:
            return self._support
        reply = await self._probe(repository, f"tagtui-probe-{secrets.token_hex(8)}")
        if reply.status in (200, 202, 404) and not parse_registry_errors(reply.body).has(
            "UNSUPPORTED"
        ):
            self._support = DeleteSupport.TAG
        else:
            await self._probe_digest_delete(repository)
        assert self._support is not None
        return self._support

    async def _probe_digest_delete(self, repository: str) -> None:
        """DELETE a random digest: 404 means digest deletes work, 400/405/UNSUPPORTED that not."""
        reply = await self._probe(repository, f"sha256:{secrets.token_hex(32)}")
        refused = _refused(reply.status, reply.body)
        self._support = DeleteSupport.DISABLED if refused else DeleteSupport.DIGEST_ONLY

    async def _probe(self, repository: str, missing: str) -> Reply:
        """DELETE a reference that does not exist: the answer says what DELETE does here."""
        return await self._http.request(
            "DELETE",
            self._manifest_path(repository, missing),
            ok=(200, 202, 404),
            passthrough=(400, 405),
            subject=Subject(repository=repository, action="deleting"),
        )

    def _raise_if_disabled(self) -> None:
        if self._support is DeleteSupport.DISABLED:
            raise DeletionDisabled(DISABLED_MESSAGE)

    async def prepare(self, repository: str) -> DeleteSupport:
        """What DELETE does in ``repository`` (probed once); ``DeletionDisabled`` if nothing."""
        support = await self._probe_support(repository)
        self._raise_if_disabled()
        return support

    async def tag_digests(
        self,
        repository: str,
        *,
        skip: frozenset[str] = frozenset(),
        known: Mapping[str, str] | None = None,
    ) -> dict[str, str]:
        """Every tag of the repository (all pages) but ``skip``, with the digest it points at
        now (HEADs where neither the listing nor ``known`` has it, with the client's
        concurrency). A tag gone between the listing and its HEAD is left out."""
        known = known or {}
        digests: dict[str, str] = {}
        to_check: list[str] = []
        for tag in await self._list_tags(repository):
            if tag.name in skip:
                continue
            if tag.name in known and tag.digest is None:
                digests[tag.name] = known[tag.name]
            elif tag.digest is None:
                to_check.append(tag.name)
            else:
                digests[tag.name] = tag.digest

        async def check(name: str) -> None:
            digest = await self._head_digest(repository, name)
            if digest is not None:
                digests[name] = digest

        # A TaskGroup cancels the rest if one fails: a plan with an unknown tag is not a plan.
        try:
            async with asyncio.TaskGroup() as group:
                for name in to_check:
                    group.create_task(check(name))
        except BaseExceptionGroup as failed:
            raise _first_error(failed) from None
        return digests

    async def delete_digest_checked(
        self, plan: DeletePlan, also_on_digest: list[str]
    ) -> DeleteResult:
        """A whole-digest plan of a bulk delete: every tag it removes re-resolved first, and
        refused if a tag outside it (``also_on_digest``, from the batch's one fresh look at the
        repository) points at the digest."""
        if plan.method is not DeleteMethod.DIGEST_DELETE or not plan.whole_digest:
            raise DeleteAborted("a digest delete needs an explicit whole-digest plan")
        if not plan.digest or not is_valid_digest(plan.digest):
            raise DeleteAborted("the plan has no digest to check against; nothing was deleted")
        refuse_if_joined(natural_sorted(also_on_digest), plan.digest)
        current = await asyncio.gather(
            *(self._head_digest(plan.repository, name) for name in plan.removes)
        )
        moved = [
            name
            for name, digest in zip(plan.removes, current, strict=True)
            if digest is not None and digest != plan.digest
        ]
        if moved:
            raise DeleteAborted(
                f"{agree(moved, 'now points', 'now point')} elsewhere, not at "
                f"{short_digest(plan.digest)} as planned; nothing was deleted"
            )
        present = tuple(n for n, d in zip(plan.removes, current, strict=True) if d is not None)
        if not present:
            raise tag_gone(join_names(list(plan.removes)))
        result = await self._send_digest_delete(plan)
        return DeleteResult(removed=present, messages=result.messages)

    async def _sharing(self, repository: str, digest: str) -> list[str]:
        """Every tag of the repository pointing at ``digest`` (all pages; HEADs where the
        listing has no digest, with the client's concurrency)."""
        digests = await self.tag_digests(repository)
        return natural_sorted([name for name, on in digests.items() if on == digest])

    # --- carrying out -----------------------------------------------------------------------

    async def delete(self, plan: DeletePlan) -> DeleteResult:
        """Exactly ``plan``, if its tag still points where it did; else nothing."""
        if not plan.digest or not is_valid_digest(plan.digest):
            raise DeleteAborted("the plan has no digest to check against; nothing was deleted")
        self._check_names(plan.repository, plan.tag)
        _refuse_digest_as_tag(plan.tag, plan.method is DeleteMethod.DIGEST_DELETE)
        await self._check_unchanged(plan)
        if plan.method is DeleteMethod.DIGEST_DELETE:
            if not plan.whole_digest:
                raise DeleteAborted("a digest delete needs an explicit whole-digest plan")
            return await self._delete_digest(plan)
        result = await self._delete_tag(plan)
        return await self._verify_keeps(plan, result)

    async def _check_unchanged(self, plan: DeletePlan) -> None:
        try:
            current = (await self._fetch_manifest(plan.repository, plan.tag)).digest
        except NotFound:
            raise tag_gone(plan.tag) from None
        refuse_if_moved(plan.tag, current, plan.digest)

    async def _delete_digest(self, plan: DeletePlan) -> DeleteResult:
        assert plan.digest is not None
        # Everything pointing at the digest goes: it must be exactly what the user confirmed.
        sharing = await self._sharing(plan.repository, plan.digest)
        refuse_if_joined([name for name in sharing if name not in plan.removes], plan.digest)
        sent = await self._send_digest_delete(plan)
        return DeleteResult(
            removed=tuple(name for name in plan.removes if name in sharing),
            messages=sent.messages,
        )

    async def _send_digest_delete(self, plan: DeletePlan) -> DeleteResult:
        """DELETE manifests/<digest>, the checks done."""
        assert plan.digest is not None
        reply = await self._http.request(
            "DELETE",
            self._manifest_path(plan.repository, plan.digest),
            ok=(200, 202),
            passthrough=(400, 405),
            subject=Subject(repository=plan.repository, action="deleting manifests"),
        )
        if _refused(reply.status, reply.body):
            if reply.status == 400 and not parse_registry_errors(reply.body).has("UNSUPPORTED"):
                raise self._http.error(reply, Subject(repository=plan.repository))
            self._support = DeleteSupport.DISABLED
            raise DeletionDisabled(DISABLED_MESSAGE)
        return DeleteResult(
            removed=plan.removes,
            messages=(
                f"method: digest delete (the image {short_digest(plan.digest)} itself is gone)",
            ),
        )

    async def _delete_tag(self, plan: DeletePlan) -> DeleteResult:
        repository, tag = plan.repository, plan.tag
        if self._support is not DeleteSupport.DIGEST_ONLY:
            reply = await self._http.request(
                "DELETE",
                self._manifest_path(repository, tag),
                ok=(200, 202),
                passthrough=(400, 404, 405),
                subject=Subject(repository=repository, action="deleting tags"),
            )
            if reply.status in (200, 202):
                self._support = DeleteSupport.TAG
                return DeleteResult(removed=(tag,), messages=("method: registry tag delete",))
            # 400 DIGEST_INVALID (distribution 2.x), 404 or 405/UNSUPPORTED (no tag delete, or
            # no delete at all): find out which with a digest that does not exist.
            await self._probe_digest_delete(repository)
            self._raise_if_disabled()
        return await self._throwaway(plan)

    async def _throwaway(self, plan: DeletePlan) -> DeleteResult:
        repository, tag = plan.repository, plan.tag
        assert plan.digest is not None
        original = await self._fetch_manifest(repository, plan.digest)
        throwaway = build_throwaway(
            original.family, now=datetime.now(UTC), nonce=secrets.token_hex(8)
        )
        for digest, data in throwaway.blobs:
            await self._push_blob(repository, digest, data)
        # Last look before the only step that changes the tag.
        await self._check_unchanged(plan)
        put = await self._http.request(
            "PUT",
            self._manifest_path(repository, tag),
            headers={"Content-Type": throwaway.media_type},
            content=throwaway.manifest,
            ok=(200, 201, 202),
            subject=Subject(repository=repository, action="pushing manifests"),
        )
        pushed = put.header("docker-content-digest")
        if pushed and pushed != throwaway.digest:
            leftover = (
                f"{tag} now points at a throw-away manifest ({short_digest(pushed)}) the registry "
                "stored differently; delete it by digest to finish"
            )
            return DeleteResult(removed=(tag,), leftovers=(leftover,))
        try:
            await self._http.request(
                "DELETE",
                self._manifest_path(repository, throwaway.digest),
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
        method = f"method: throw-away manifest ({short_digest(throwaway.digest)}, deleted again)"
        return DeleteResult(removed=(tag,), messages=(method,))

    async def _push_blob(self, repository: str, digest: str, data: bytes) -> None:
        """Upload one blob (POST then monolithic PUT) unless the repository already has it."""
        http = self._http
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
            raise BadResponse(f"{http.host} started an upload without a Location")
        await http.request(
            "PUT",
            _upload_target(http, location, digest),
            headers={"Content-Type": "application/octet-stream"},
            content=data,
            ok=(201, 204),
            subject=subject,
        )

    async def _verify_keeps(self, plan: DeletePlan, result: DeleteResult) -> DeleteResult:
        """Say so if a tag that should have stayed no longer points at the image."""
        keeps = list(plan.keeps[:VERIFY_KEEPS])
        if not keeps:
            return result
        try:
            digests = await asyncio.gather(
                *(self._head_digest(plan.repository, name) for name in keeps)
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


def _upload_target(http: RegistryHttp, location: str, digest: str) -> str:
    """The upload Location with ``digest=`` added (its own query, e.g. ``_state``, kept)."""
    try:
        url = httpx.URL(http.base_url()).join(location)
        url = url.copy_merge_params({"digest": digest})
    except (httpx.InvalidURL, ValueError):
        raise BadResponse(f"{http.host} sent an unusable upload location") from None
    if location.startswith("/"):
        return url.raw_path.decode("ascii")
    return str(url)


# --- the throw-away image ---------------------------------------------------------------------


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
