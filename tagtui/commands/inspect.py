"""``tagtui inspect``: what the detail panel shows, as text or as stable JSON."""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TextIO

from tagtui.commands.ls_long import write_json
from tagtui.errors import TagtuiError, UsageError
from tagtui.model import HistoryEntry, Image, Layer, Platform, Referrer, TagDetail
from tagtui.providers.base import Provider
from tagtui.referrers import carrier_of, kind_of
from tagtui.session.view import PlatformChoice, TagSubject, image_size, load_view, parse_platform
from tagtui.targets import Target
from tagtui.text import human_size, sanitize, short_digest

JSON_SCHEMA_VERSION = 1


async def run_inspect(
    target: Target, out: TextIO, *, as_json: bool = False, platform: str | None = None
) -> int:
    where = target.location
    if where.repository is None or not (where.tag or where.digest):
        raise UsageError("inspect needs a tag or digest: REGISTRY/REPOSITORY:TAG or @sha256:...")
    # Without --platform an index is shown as an index: a script names the platform it wants.
    choice: PlatformChoice = parse_platform(platform) if platform else "none"
    subject = TagSubject(where.tag or where.digest or "")
    view = await load_view(target.provider, where.repository, subject, platform=choice)
    assert view.detail is not None  # a tag's view always carries its detail
    found = await _referrers(target.provider, where.repository, view.detail, view.platform)
    if as_json:
        document = detail_json(view.detail, view.image, view.platform, found)
        write_json(document, out)
    else:
        out.write(detail_text(view.detail, view.image, view.platform, found))
    return 0


@dataclass(frozen=True)
class FoundReferrers:
    """What refers to the inspected manifest (for an index, the index itself) and, with
    --platform, to the chosen platform's image (BuildKit's attestations among them)."""

    own: tuple[Referrer, ...] = ()
    platform: tuple[Referrer, ...] = ()
    # Why the lookup failed: the rest of what inspect prints stands, as in the TUI's detail.
    error: str | None = None


async def _referrers(
    provider: Provider, repository: str, detail: TagDetail, chosen: Platform | None
) -> FoundReferrers:
    if detail.digest is None or not provider.capabilities.referrers:
        return FoundReferrers()
    lookups = [provider.referrers(repository, detail.digest)]
    if chosen is not None:
        lookups.append(provider.referrers(repository, chosen.digest, in_index=detail.digest))
    try:
        own, *platform = await asyncio.gather(*lookups)
    except TagtuiError as err:
        return FoundReferrers(error=str(err))
    return FoundReferrers(own, platform[0] if platform else ())


# --- JSON ---------------------------------------------------------------------------------


def when_json(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def _pairs(pairs: tuple[tuple[str, str], ...], key: str = "name") -> list[dict[str, str]]:
    return [{key: k, "value": v} for k, v in pairs]


def platform_json(platform: Platform) -> dict[str, Any]:
    return {
        "os": platform.os,
        "architecture": platform.architecture,
        "variant": platform.variant,
        "digest": platform.digest,
        "mediaType": platform.media_type,
        "size": platform.size,
        "attestation": platform.is_attestation,
        "attests": platform.attests,
        "artifactType": platform.artifact_type,
    }


def referrer_json(referrer: Referrer) -> dict[str, Any]:
    return {
        "digest": referrer.digest,
        "mediaType": referrer.media_type,
        "artifactType": referrer.artifact_type,
        "kind": referrer.kind.value,
        "size": referrer.size,
        "annotations": dict(referrer.annotations),
    }


def layer_json(layer: Layer) -> dict[str, Any]:
    return {
        "digest": layer.digest,
        "mediaType": layer.media_type,
        "size": layer.size,
        "createdBy": layer.created_by,
    }


def history_json(entry: HistoryEntry) -> dict[str, Any]:
    return {
        "created": when_json(entry.created),
        "createdBy": entry.created_by,
        "comment": entry.comment,
        "emptyLayer": entry.empty_layer,
    }


def image_json(image: Image) -> dict[str, Any]:
    config = image.config
    return {
        "digest": image.digest,
        "mediaType": image.media_type,
        "artifactType": image.artifact_type,
        "platform": image.platform,
        "created": when_json(config.created),
        "author": config.author,
        "entrypoint": list(config.entrypoint) if config.entrypoint is not None else None,
        "cmd": list(config.cmd) if config.cmd is not None else None,
        "user": config.user,
        "workingDir": config.working_dir,
        "env": _pairs(config.env),
        "labels": _pairs(config.labels),
        "ports": [{"port": p.number, "protocol": p.protocol} for p in config.ports],
        "volumes": list(config.volumes),
        "size": image.compressed_size,
        "layers": [layer_json(layer) for layer in image.layers],
        "history": [history_json(entry) for entry in config.history],
        "extras": _pairs(image.extras, "label"),
    }


def detail_json(
    detail: TagDetail,
    image: Image | None,
    chosen: Platform | None = None,
    found: FoundReferrers = FoundReferrers(),
) -> dict[str, Any]:
    image_document = image_json(image) if image else None
    if image_document is not None and chosen is not None:
        image_document["referrers"] = [referrer_json(r) for r in found.platform]
    return {
        "schemaVersion": JSON_SCHEMA_VERSION,
        "reference": detail.reference,
        "repository": detail.repository,
        "tag": detail.tag,
        "digest": detail.digest,
        "mediaType": detail.media_type,
        "platforms": [platform_json(p) for p in detail.platforms],
        "selectedPlatform": chosen.name if chosen else None,
        "image": image_document,
        "extras": _pairs(detail.extras, "label"),
        "referrers": [referrer_json(r) for r in found.own],
        # Only when the lookup failed (the lists above are then empty).
        **({"referrersError": found.error} if found.error is not None else {}),
    }


# --- text ---------------------------------------------------------------------------------


def _argv(values: tuple[str, ...] | None) -> str:
    return json.dumps(list(values), ensure_ascii=False) if values is not None else "-"


def _section(title: str, rows: list[tuple[str, str]], lines: list[str]) -> None:
    if not rows:
        return
    lines.append("")
    lines.append(sanitize(title))  # it may hold a platform's variant, as the registry wrote it
    width = min(max(len(k) for k, _ in rows), 28)
    for key, value in rows:
        lines.append(f"  {sanitize(key).ljust(width)}  {sanitize(value)}".rstrip())


def _list_section(title: str, values: list[str], lines: list[str]) -> None:
    if values:
        lines.append("")
        lines.append(title)
        lines.extend(f"  {sanitize(v)}" for v in values)


def _size(image: Image) -> str:
    """``118 B in 1 layer``; without a layer list, the size the vendor reports (or ``-``)."""
    count = len(image.layers)
    if not count:
        return image_size(image)
    return f"{human_size(image.compressed_size)} in {count} layer{'s' if count != 1 else ''}"


def _referrer_rows(referrers: tuple[Referrer, ...]) -> list[tuple[str, str]]:
    """``signature  application/vnd.dev.cosign.simplesigning.v1+json  3f2a…  1.2 KiB``."""
    return [
        (
            referrer.kind.value,
            f"{referrer.artifact_type or '-'}  {short_digest(referrer.digest)}  "
            f"{human_size(referrer.size)}",
        )
        for referrer in referrers
    ]


def _platform_row(platform: Platform, subject: str | None) -> tuple[str, str]:
    """An index entry: a platform, a BuildKit attestation, or (in a referrers index) an
    artifact named by its kind and artifact type."""
    size = human_size(platform.size)
    if platform.artifact_type is not None:
        what = platform.artifact_type
        about = f" for {subject}" if subject else ""
        kind = kind_of(artifact_type=platform.artifact_type).value
        return kind, f"{platform.digest}  {size}  {what}{about}"
    if platform.is_attestation:
        about = f"attestation for {platform.attests}" if platform.attests else ""
        return "attestation", f"{platform.digest}  {size}  {about}".rstrip()
    return platform.name, f"{platform.digest}  {size}"


def detail_text(
    detail: TagDetail,
    image: Image | None,
    chosen: Platform | None = None,
    found: FoundReferrers = FoundReferrers(),
) -> str:
    summary: list[tuple[str, str]] = [
        ("Reference", detail.reference),
        ("Digest", detail.digest or "-"),
        ("Media type", detail.media_type or "-"),
    ]
    if chosen is not None:
        summary += [("Platform", chosen.name), ("Platform digest", chosen.digest)]
    if image is not None:
        config = image.config
        if image.artifact_type is not None:
            summary.append(("Artifact type", image.artifact_type))
        if chosen is None and image.platform:
            summary.append(("Platform", image.platform))
        summary += [
            ("Created", when_json(config.created) or "-"),
            ("Author", config.author or "-"),
            ("Size", _size(image)),
        ]
    lines = [f"{sanitize(k).ljust(16)}{sanitize(v)}" for k, v in summary]

    if detail.platforms:
        # The fallback tag sha256-<hex> holds the referrers of the manifest it names.
        carrier = carrier_of(detail.tag)
        subject = carrier.subject if carrier is not None else None
        rows = [_platform_row(platform, subject) for platform in detail.platforms]
        _section("Platforms", rows, lines)

    if image is not None:
        config = image.config
        _section(
            "Command",
            [
                ("Entrypoint", _argv(config.entrypoint)),
                ("Cmd", _argv(config.cmd)),
                ("User", config.user or "-"),
                ("Working dir", config.working_dir or "-"),
            ],
            lines,
        )
        _list_section("Environment", [f"{k}={v}" for k, v in config.env], lines)
        _list_section("Labels", [f"{k}={v}" for k, v in config.labels], lines)
        _list_section("Ports", [str(p) for p in config.ports], lines)
        _list_section("Volumes", list(config.volumes), lines)
        _list_section(
            "Layers",
            [
                f"{layer.digest}  {human_size(layer.size):>10}  {layer.created_by or ''}".rstrip()
                for layer in image.layers
            ],
            lines,
        )
        _section("Image extras", list(image.extras), lines)
    elif detail.runnable_platforms:
        lines.append("")
        lines.append("Multi-platform image: add --platform OS/ARCH[/VARIANT] to see one image.")
    _section("Extras", list(detail.extras), lines)
    if found.error is not None:
        _section("Referrers", [("not looked up", found.error)], lines)
    _section("Referrers", _referrer_rows(found.own), lines)
    if chosen is not None:
        _section(f"Referrers of {chosen.name}", _referrer_rows(found.platform), lines)
    return "\n".join(lines) + "\n"
