"""The steps every tag delete through an API repeats, written once.

Which tags share a digest, the one-sentence summary the confirmation shows, the "tag moved
since the plan" guard, and the re-list afterwards that says what is really gone (an API's
answer is not the last word on the tags sharing a digest).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass, replace

from tagtui.errors import DeleteAborted, TagtuiError
from tagtui.model import DeleteMethod, DeletePlan, DeleteResult
from tagtui.natsort import natural_sorted
from tagtui.text import agree, join_names, short_digest


def tags_sharing(
    tag: str, digest: str | None, listed: Iterable[tuple[str, str | None]]
) -> list[str]:
    """``tag`` and every listed ``(name, digest)`` pointing at ``digest``, in natural order."""
    names = {name for name, other in listed if digest and other == digest}
    names.add(tag)
    return natural_sorted(list(names))


def only_tag_summary(tag: str, others: list[str], *, asked: bool = False) -> str:
    """``Only latest is removed; prod and staging stay.`` (``is asked to be removed`` when the
    API's effect on the others is not certain)."""
    verb = "stays" if len(others) == 1 else "stay"
    action = "is asked to be removed" if asked else "is removed"
    return f"Only {tag} {action}; {join_names(others)} {verb}."


def alone_summary(tag: str, digest: str | None, consequence: str = "") -> str:
    """``Only latest is removed; no other tag points at 1234abcd5678.``"""
    return f"Only {tag} is removed; no other tag points at {short_digest(digest)}{consequence}."


def api_tag_plan(
    repository: str, tag: str, digest: str | None, sharing: list[str], siblings_note: str
) -> DeletePlan:
    """Only ``tag``, through the API's tag delete; the other tags in ``sharing`` (see
    ``tags_sharing``) are kept and the warning names them: ``prod shares digest 1234abcd5678``
    followed by ``siblings_note`` (what the API is, or is not, documented to do to them)."""
    others = [name for name in sharing if name != tag]
    plan = DeletePlan(
        repository=repository,
        tag=tag,
        digest=digest,
        method=DeleteMethod.API_TAG_DELETE,
        removes=(tag,),
        summary=alone_summary(tag, digest),
        shared_tags=tuple(sharing),
    )
    if not others:
        return plan
    shares = f"{agree(others, 'shares', 'share')} digest {short_digest(digest)}"
    return replace(
        plan,
        warnings=(shares + siblings_note,),
        summary=only_tag_summary(tag, others, asked=True),
    )


def tag_gone(tag: str) -> DeleteAborted:
    return DeleteAborted(f"{tag} no longer exists; nothing was deleted")


def refuse_if_moved(tag: str, current: str | None, planned: str | None) -> None:
    """Abort when ``tag`` points elsewhere than when the plan was made."""
    if current != planned:
        raise DeleteAborted(
            f"{tag} now points at {short_digest(current)}, not "
            f"{short_digest(planned)} as planned; nothing was deleted"
        )


def refuse_if_joined(extra: list[str], digest: str | None) -> None:
    """Abort a digest delete when tags outside the plan (``extra``) now point at ``digest``."""
    if extra:
        raise DeleteAborted(
            f"{agree(extra, 'now also points', 'now also point')} at "
            f"{short_digest(digest)}; nothing was deleted"
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
        candidates = [*plan.removes, *plan.keeps]
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
            messages=(f"could not re-list the tags to check: {err}",),
        )
    relisted = Relisted(plan, remaining)
    return DeleteResult(removed=relisted.gone, messages=tuple(report(relisted)))
