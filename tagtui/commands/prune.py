"""``tagtui prune``: retention rules on one repository; a dry run unless ``--yes``.

The dry run prints every tag with its digest, date and fate (``delete``, or ``keep`` with the
reason), then one summary line. ``--yes`` deletes exactly the planned tags (the same engine as
the TUI: each tag resolved again just before its delete, a tag that moved is skipped) and
prints one line per tag; exit 1 if any failed or was skipped. ``--json`` prints one document.
The referrers of the images removed are listed and stay, unless ``--with-referrers``.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, TextIO

from tagtui.cleanup.plan import CleanupPlan, describe_all, plan_cleanup, resolve_all
from tagtui.cleanup.referrers import delete_referrers_of_groups
from tagtui.cleanup.rules import Decision, Rules, decide
from tagtui.cleanup.run import DELETED, FAILED, NOT_STARTED, SKIPPED, Outcome, carry_out
from tagtui.commands.inspect import referrer_json
from tagtui.commands.ls_long import created_text, write_json
from tagtui.errors import UsageError
from tagtui.model import PlannedDeletes, Tag
from tagtui.natsort import natural_key
from tagtui.targets import Target
from tagtui.text import human_size, sanitize, short_digest

JSON_SCHEMA_VERSION = 1


async def run_prune(
    target: Target,
    out: TextIO,
    rules: Rules,
    *,
    yes: bool,
    as_json: bool,
    with_referrers: bool = False,
    now: datetime | None = None,
) -> int:
    provider, location = target.provider, target.location
    repository = location.repository
    if repository is None or location.tag is not None:
        raise UsageError("prune needs a repository: REGISTRY/REPOSITORY (no tag)")
    now = now or datetime.now(UTC)
    rules.check(now)
    listed = await provider.list_tags(repository)
    # Deleting without a date rule, for a person: digests are enough (the table shows the
    # dates the listing gave; the dry run and --json look them all up).
    quick = yes and not as_json and not rules.needs_dates
    resolve = resolve_all if quick else describe_all
    tags = await resolve(provider, repository, listed)
    decisions = decide(sorted(tags, key=lambda tag: natural_key(tag.name)), rules, now)
    wanted = [d.tag.name for d in decisions if d.delete]
    if wanted:
        plan = await plan_cleanup(provider, repository, wanted, tags)
    else:
        plan = CleanupPlan(repository, PlannedDeletes(repository, ()), (), 0, "nothing to delete")
    decisions = _with_refusals(decisions, plan)
    outcomes = await carry_out(provider, plan.planned) if yes and plan.groups else None
    referrer_outcomes: list[Outcome] | None = None
    if outcomes is not None and with_referrers:
        # Only the referrers of the images whose tags all went, each checked again.
        referrer_outcomes = await delete_referrers_of_groups(
            provider, repository, plan.groups, outcomes
        )
    display = provider.pull_name(repository)
    if as_json:
        document = _document(display, rules, decisions, plan, outcomes)
        document["referrers"] = _referrers_json(plan)
        document["referrersResult"] = _outcomes_json(referrer_outcomes)
        write_json(document, out)
    else:
        out.write(_table(decisions))
        out.write(_referrer_lines(plan, will_delete=with_referrers, yes=yes))
        out.write(_summary(decisions, plan, dry_run=not yes) + "\n")
        if outcomes is not None:
            out.write(_outcome_lines(outcomes))
        if referrer_outcomes:
            out.write("referrers:\n" + _outcome_lines(referrer_outcomes))
    every = [*(outcomes or ()), *(referrer_outcomes or ())]
    if outcomes is not None and any(o.status != DELETED for o in every):
        return 1
    return 0


def _referrers_json(plan: CleanupPlan) -> list[dict[str, Any]]:
    """One entry per referrer of an image the plan removes (``subject`` names the image), and
    one per image whose referrers could not be checked (``error`` says why)."""
    entries: list[dict[str, Any]] = []
    for found in plan.referrers:
        if found.unchecked is not None:
            entries.append({"subject": found.subject, "error": found.unchecked})
            continue
        for referrer in found.referrers:
            entries.append(
                {"subject": found.subject, **referrer_json(referrer), "tag": referrer.tag}
            )
    return entries


def _outcomes_json(outcomes: list[Outcome] | None) -> list[dict[str, str]] | None:
    if outcomes is None:
        return None
    return [{"referrer": o.tag, "status": o.status, "message": o.message} for o in outcomes]


def _referrer_lines(plan: CleanupPlan, *, will_delete: bool, yes: bool) -> str:
    """What refers to the images removed, and what becomes of it."""
    found = plan.referrers
    if not found:
        return ""
    lines = ["REFERRERS of the images removed:"]
    for item in found:
        if item.unchecked is not None:
            why = sanitize(item.unchecked)
            lines.append(f"  {short_digest(item.subject, 12)}  could not be checked: {why}")
            continue
        for referrer in item.referrers:
            artifact = sanitize(referrer.artifact_type or referrer.media_type or "-")
            carrier = f"  tag {sanitize(referrer.tag)}" if referrer.tag else ""
            lines.append(
                f"  {short_digest(item.subject, 12)}  {referrer.kind.value}  {artifact}  "
                f"{short_digest(referrer.digest, 12)}{carrier}"
            )
    if will_delete:
        lines.append("They are deleted with their images (--with-referrers).")
        if not yes:
            lines[-1] = "With --yes they are deleted with their images (--with-referrers)."
    else:
        lines.append(
            "They stay, orphaned (their subject is gone); add --with-referrers to delete them."
        )
    return "\n".join(lines) + "\n"


def _with_refusals(decisions: list[Decision], plan: CleanupPlan) -> list[Decision]:
    """Tags the rules would delete but the plan leaves (the registry refuses, a sibling is
    not deleted, the tag is gone) are kept, with the plan's reason."""
    why = {item.tag: item.reason for item in plan.unplanned}
    return [
        Decision(d.tag, why[d.tag.name]) if d.delete and d.tag.name in why else d for d in decisions
    ]


def _entry(tag: Tag) -> dict[str, Any]:
    return {"tag": tag.name, "digest": tag.digest, "created": created_text(tag.created)}


def _document(
    repository: str,
    rules: Rules,
    decisions: list[Decision],
    plan: CleanupPlan,
    outcomes: list[Outcome] | None,
) -> dict[str, Any]:
    return {
        "schemaVersion": JSON_SCHEMA_VERSION,
        "repository": repository,
        "rules": rules.as_json(),
        "delete": [_entry(d.tag) for d in decisions if d.delete],
        "keep": [{**_entry(d.tag), "reason": d.reason} for d in decisions if not d.delete],
        "reclaimableBytes": plan.reclaimable,
        "result": None
        if outcomes is None
        else [{"tag": o.tag, "status": o.status, "message": o.message} for o in outcomes],
    }


def _table(decisions: list[Decision]) -> str:
    rows = [
        (
            sanitize(d.tag.name),
            short_digest(d.tag.digest, 12) if d.tag.digest else "-",
            created_text(d.tag.created) or "-",
            "delete" if d.delete else f"keep ({sanitize(d.reason or '')})",
        )
        for d in decisions
    ]
    header = ("TAG", "DIGEST", "CREATED", "ACTION")
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(3)]
    lines = [
        f"{a.ljust(widths[0])}  {b.ljust(widths[1])}  {c.ljust(widths[2])}  {d}"
        for a, b, c, d in [header, *rows]
    ]
    return "\n".join(lines) + "\n"


def _summary(decisions: list[Decision], plan: CleanupPlan, *, dry_run: bool) -> str:
    going = sum(1 for d in decisions if d.delete)
    kept = len(decisions) - going
    if plan.reclaimable is None:
        space = f"reclaimable space {plan.reclaimable_note}"
    else:
        space = f"{human_size(plan.reclaimable)} reclaimable ({plan.reclaimable_note})"
    images = plan.images_removed
    methods = ", ".join(method.value for method in plan.methods)
    how = f"; {images:,} image{'' if images == 1 else 's'} removed, by {methods}" if going else ""
    line = f"{going:,} to delete, {kept:,} kept{how}; {space}."
    if dry_run:
        line += "\nDry run: nothing was deleted. Add --yes to delete."
    return line


def _outcome_lines(outcomes: list[Outcome]) -> str:
    lines = []
    for outcome in outcomes:
        message = f"  {sanitize(outcome.message)}" if outcome.message else ""
        lines.append(f"{outcome.status}  {sanitize(outcome.tag)}{message}")
    statuses = (DELETED, SKIPPED, FAILED, NOT_STARTED)
    counts = {status: sum(1 for o in outcomes if o.status == status) for status in statuses}
    lines.append(", ".join(f"{n:,} {status}" for status, n in counts.items() if n) + ".")
    return "\n".join(lines) + "\n"
