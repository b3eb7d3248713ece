"""What the vendor API providers (NCR, Scaleway, Tutum, OpenShift) share, written once.

Display values (dates, sizes, extras without the missing facts), the OS keyring as the last
place a credential is looked for, and the delete steps every tag-deleting API repeats: which
tags share a digest, the one-sentence summary, the "tag moved" guard and the re-list that says
what is really gone afterwards.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from tagtui.credentials import Credential
from tagtui.errors import CredentialError, DeleteAborted, TagtuiError
from tagtui.model import DeletePlan, DeleteResult, Extras
from tagtui.natsort import natural_key
from tagtui.providers.base import Provider
from tagtui.text import human_size, join_names, short_digest

if TYPE_CHECKING:
    from tagtui.providers.http import VendorHttp


class VendorApiProvider(Provider):
    """A provider over one vendor JSON API: one client and the credential it sends (or none)."""

    def __init__(self, http: VendorHttp, credential: Credential | None) -> None:
        self.http = http
        self._credential = credential
        # Only to say who was refused; the secret never goes into a message.
        http.username = credential.username if credential else None

    @property
    def credential_source(self) -> str:
        return self._credential.source if self._credential else "anonymous"

    def set_credential(self, credential: Credential) -> None:
        self._credential = credential
        self.http.username = credential.username

    async def aclose(self) -> None:
        await self.http.aclose()


# --- display values -------------------------------------------------------------------------------


def display_date(value: datetime | None) -> str | None:
    return value.isoformat(sep=" ", timespec="seconds") if value else None


def display_size(value: int | None) -> str | None:
    """``1.2 MB (1,234,567 bytes)``: the rounded size and the exact one."""
    return f"{human_size(value)} ({value:,} bytes)" if value is not None else None


def known_extras(*pairs: tuple[str, str | None]) -> Extras:
    """Only the facts that are there: null fields are absent, not "None"."""
    return tuple((label, value) for label, value in pairs if value)


# --- credentials ----------------------------------------------------------------------------------


def keyring_credential(host: str, *, needs_username: bool = False) -> Credential | None:
    """What the OS keyring holds for ``host``; None when nothing usable is stored."""
    # Imported here: the keyring backend is only loaded when the environment had nothing.
    from tagtui.credentials import keyring_store

    try:
        stored = keyring_store.load(host)
    except CredentialError:
        return None
    if stored is None or not stored.secret or (needs_username and not stored.username):
        return None
    return stored


# --- delete ---------------------------------------------------------------------------------------


def tags_sharing(
    tag: str, digest: str | None, listed: Iterable[tuple[str, str | None]]
) -> list[str]:
    """``tag`` and every listed ``(name, digest)`` pointing at ``digest``, in natural order."""
    names = {name for name, other in listed if digest and other == digest}
    names.add(tag)
    return sorted(names, key=natural_key)


def only_tag_summary(tag: str, others: list[str], *, asked: bool = False) -> str:
    """``Only latest is removed; prod and staging stay.`` (``is asked to be removed`` when the
    API's effect on the others is not certain)."""
    verb = "stays" if len(others) == 1 else "stay"
    action = "is asked to be removed" if asked else "is removed"
    return f"Only {tag} {action}; {join_names(others)} {verb}."


def alone_summary(tag: str, digest: str | None, consequence: str = "") -> str:
    """``Only latest is removed; no other tag points at sha256:1234abcd.``"""
    return f"Only {tag} is removed; no other tag points at {short_digest(digest)}{consequence}."


def tag_gone(tag: str) -> DeleteAborted:
    return DeleteAborted(f"{tag} no longer exists; nothing was deleted")


def refuse_if_moved(tag: str, current: str | None, planned: str | None) -> None:
    """Abort when ``tag`` points elsewhere than when the plan was made."""
    if current != planned:
        raise DeleteAborted(
            f"{tag} now points at {short_digest(current)}, not "
            f"{short_digest(planned)} as planned; nothing was deleted"
        )


@dataclass(frozen=True)
class Relisted:
    """The tags listed again after a delete, held against the plan."""

    plan: DeletePlan
    # Tag name -> its status as the API now lists it (None when the API has none).
    remaining: Mapping[str, str | None]

    @property
    def gone(self) -> tuple[str, ...]:
        """Every planned or kept tag that is no longer listed, removes first."""
        plan = self.plan
        candidates = [*plan.removes, *(n for n in plan.keeps if n not in plan.removes)]
        return tuple(n for n in candidates if n not in self.remaining)

    @property
    def still_listed(self) -> bool:
        return self.plan.tag in self.remaining

    @property
    def lost(self) -> list[str]:
        """Tags the plan kept that disappeared anyway."""
        return [n for n in self.plan.keeps if n not in self.remaining]


async def relisted_outcome(
    plan: DeletePlan,
    relist: Callable[[], Awaitable[Mapping[str, str | None]]],
    report: Callable[[Relisted], list[str]],
) -> DeleteResult:
    """What is really gone after the API accepted a delete: its answer is not the last word
    on the tags sharing the digest, so the tags are listed again and compared with the plan."""
    try:
        remaining = await relist()
    except TagtuiError as err:
        return DeleteResult(
            removed=(plan.tag,),
            messages=(f"deleted {plan.tag}; could not re-list the tags to check: {err}",),
        )
    relisted = Relisted(plan, remaining)
    return DeleteResult(removed=relisted.gone, messages=tuple(report(relisted)))
