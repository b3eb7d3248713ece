"""``tagtui diff REF_A REF_B``: what changed between two tags, as text or as stable JSON.

Both references are on one registry (any repositories of it). REF_B may be written relative to
REF_A: ``:v2`` is tag v2 and ``@sha256:…`` a digest of REF_A's repository. The exit status is 0
whether or not the images differ (``identical`` in the JSON says which): tagtui's 1 means an
error, and ``diff``'s "1: different" would make the two look alike to a script; 2 is a usage
error.
"""

from __future__ import annotations

import json
from typing import Any, TextIO

from tagtui.commands.inspect import JSON_SCHEMA_VERSION, history_json, layer_json, when_json
from tagtui.commands.ls_long import write_json
from tagtui.compare import Comparison, ConfigChange, Ref, Side, load_comparison
from tagtui.compare.load import CompareChoice
from tagtui.errors import UsageError
from tagtui.model import HistoryEntry, Layer
from tagtui.providers.base import Provider, ProviderOptions
from tagtui.session.view import image_size, parse_platform
from tagtui.targets import Location, Target, open_target
from tagtui.text import human_size, sanitize


async def run_diff(
    target: Target,
    other: str,
    out: TextIO,
    *,
    provider_name: str | None = None,
    options: ProviderOptions | None = None,
    as_json: bool = False,
    platform: str | None = None,
) -> int:
    """Compare what ``target`` names with ``other`` (same provider) and print it."""
    choice: CompareChoice = parse_platform(platform) if platform else "preferred"
    first = _ref(target.location, "REF_A")
    second = await _other_ref(
        target, other, provider_name=provider_name, options=options or ProviderOptions()
    )
    comparison = await load_comparison(target.provider, first, second, platform=choice)
    if as_json:
        write_json(comparison_json(comparison), out)
    else:
        out.write(comparison_text(comparison))
    return 0


def _ref(where: Location, which: str) -> Ref:
    if where.repository is None or not (where.tag or where.digest):
        raise UsageError(
            f"diff needs a tag or digest for {which}: REGISTRY/REPOSITORY:TAG or …@sha256:…"
        )
    return Ref(where.repository, where.digest or where.tag or "")


def _registry(provider: Provider) -> tuple[str, str]:
    """What makes two providers one registry: the host, the vendor region... and, for local
    layouts, the place on disk (their display name may be a name two stores share)."""
    from tagtui.providers.layout import LayoutProvider  # here: only diff pays for it

    if isinstance(provider, LayoutProvider):
        return (provider.kind, str(provider.path.resolve()))
    return (provider.kind, provider.display_name)


async def _other_ref(
    target: Target, text: str, *, provider_name: str | None, options: ProviderOptions
) -> Ref:
    """REF_B: ``:TAG`` / ``@DIGEST`` in REF_A's repository, or a full reference on REF_A's
    registry (another registry is refused: one provider, one set of credentials)."""
    repository = target.location.repository
    if text.startswith((":", "@")) and repository is not None:
        tag, digest = (text[1:], None) if text.startswith(":") else (None, text[1:])
        if not (tag or digest):
            raise UsageError(f"REF_B {text!r} names no tag or digest")
        return _ref(Location(repository, tag, digest), "REF_B")
    other = open_target(text, provider_name=provider_name, options=options)
    try:
        (kind_a, where_a), (kind_b, where_b) = _registry(target.provider), _registry(other.provider)
        if (kind_a, where_a) != (kind_b, where_b):
            raise UsageError(
                "diff compares two references on one registry (any repositories of it): "
                f"REF_A is on {where_a}, REF_B on {where_b}"
            )
        return _ref(other.location, "REF_B")
    finally:
        await other.provider.aclose()


# --- JSON ---------------------------------------------------------------------------------


def _value(value: str | tuple[str, ...] | None) -> str | list[str] | None:
    return list(value) if isinstance(value, tuple) else value


def side_json(side: Side) -> dict[str, Any]:
    return {
        "reference": side.reference,
        "digest": side.digest,
        "mediaType": side.media_type,
        "imageDigest": side.image_digest,
        "platform": side.platform,
        "platforms": list(side.platforms),
        "created": when_json(side.created),
        "size": side.size,
        "layerCount": len(side.image.layers),
    }


def change_json(change: ConfigChange) -> dict[str, Any]:
    return {
        "field": change.field,
        "name": change.name,
        "a": _value(change.a),
        "b": _value(change.b),
    }


def comparison_json(comparison: Comparison) -> dict[str, Any]:
    layers, history = comparison.layers, comparison.history
    return {
        "schemaVersion": JSON_SCHEMA_VERSION,
        "identical": comparison.identical,
        "a": side_json(comparison.a),
        "b": side_json(comparison.b),
        "equal": {
            "config": comparison.config_equal,
            "layers": layers.equal,
            "history": history.equal,
        },
        "config": [change_json(change) for change in comparison.config],
        "layers": {
            "shared": [layer_json(layer) for layer in layers.shared],
            "onlyInA": [layer_json(layer) for layer in layers.only_in_a],
            "onlyInB": [layer_json(layer) for layer in layers.only_in_b],
            "sharedBase": layers.base,
            "sharedSize": layers.shared_size,
            "onlyInASize": layers.only_in_a_size,
            "onlyInBSize": layers.only_in_b_size,
        },
        "history": {
            "shared": history.shared,
            "onlyInA": [history_json(entry) for entry in history.only_in_a],
            "onlyInB": [history_json(entry) for entry in history.only_in_b],
        },
    }


# --- text ---------------------------------------------------------------------------------

_MARK = {"added": "+", "removed": "-", "changed": "~"}


def _plural(count: int, word: str, words: str | None = None) -> str:
    return f"{count} {word if count == 1 else (words or word + 's')}"


def _shown(value: str | tuple[str, ...] | None) -> str:
    if isinstance(value, tuple):
        return json.dumps(list(value), ensure_ascii=False)
    return value if value is not None else "-"


def _side_lines(label: str, side: Side) -> list[str]:
    rows = [("digest", (side.digest or "-") + ("  (index)" if side.is_index else ""))]
    if side.is_index:
        others = ", ".join(side.platforms)
        rows.append(("platform", f"{side.platform or '-'}  (of {others})"))
        rows.append(("image", side.image_digest or "-"))
    else:
        rows.append(("platform", side.platform or "-"))
    rows.append(("created", when_json(side.created) or "-"))
    count = len(side.image.layers)
    # Without a layer list, the size a vendor reports (and what it covers), as inspect says it.
    size = (
        f"{human_size(side.size)} in {_plural(count, 'layer')}" if count else image_size(side.image)
    )
    rows.append(("size", size))
    lines = [f"{label}  {sanitize(side.reference)}"]
    lines += [f"   {key.ljust(9)} {sanitize(value)}" for key, value in rows]
    return lines


def change_text(change: ConfigChange) -> str:
    """``~ env          MODE: dev -> prod``, ``+ ports        8080/tcp``, ``- user  root``."""
    mark = _MARK[change.kind]
    if change.field in ("env", "labels") and change.name is not None:
        if change.kind == "changed":
            what = f"{change.name}: {_shown(change.a)} -> {_shown(change.b)}"
        else:
            what = f"{change.name}={_shown(change.a if change.b is None else change.b)}"
    elif change.field in ("ports", "volumes"):
        what = change.name or "-"
    elif change.kind == "changed":
        what = f"{_shown(change.a)} -> {_shown(change.b)}"
    else:
        what = _shown(change.a if change.b is None else change.b)
    return f"  {mark} {change.field.ljust(12)} {sanitize(what)}"


def _layer_text(mark: str, layer: Layer) -> str:
    created_by = sanitize(layer.created_by or "")
    return f"  {mark} {sanitize(layer.digest)}  {human_size(layer.size):>10}  {created_by}".rstrip()


def _history_text(mark: str, entry: HistoryEntry) -> str:
    what = sanitize(entry.created_by or entry.comment or "")
    empty = "  (no layer)" if entry.empty_layer else ""
    return f"  {mark} {when_json(entry.created) or '-'}  {what}{empty}".rstrip()


def _config_lines(comparison: Comparison) -> list[str]:
    if comparison.config_equal:
        return ["Config: same"]
    lines = [f"Config: {_plural(len(comparison.config), 'difference')}"]
    return lines + [change_text(change) for change in comparison.config]


def _layer_lines(comparison: Comparison) -> list[str]:
    layers = comparison.layers
    if not (comparison.a.image.layers or comparison.b.image.layers):
        # Vendor APIs that give a size but no layer list: nothing to compare, say so.
        return ["Layers: none listed"]
    if layers.equal:
        count = _plural(len(layers.shared), "layer")
        return [f"Layers: same ({count}, {human_size(layers.shared_size)})"]
    shared = layers.shared_words()
    lines = [
        f"Layers: {shared}, "
        f"{len(layers.only_in_a)} only in A ({human_size(layers.only_in_a_size)}), "
        f"{len(layers.only_in_b)} only in B ({human_size(layers.only_in_b_size)})"
    ]
    # Shared layers past the common base sit at other places in the two images: listed.
    lines += [_layer_text("=", layer) for layer in layers.shared[layers.base :]]
    lines += [_layer_text("-", layer) for layer in layers.only_in_a]
    lines += [_layer_text("+", layer) for layer in layers.only_in_b]
    return lines


def _history_lines(comparison: Comparison) -> list[str]:
    history = comparison.history
    if history.equal:
        return [f"History: same ({_plural(history.shared, 'entry', 'entries')})"]
    shared = (
        f"{_plural(history.shared, 'entry', 'entries')} in common, then"
        if history.shared
        else "nothing in common,"
    )
    lines = [
        f"History: {shared} {len(history.only_in_a)} only in A, {len(history.only_in_b)} only in B"
    ]
    lines += [_history_text("-", entry) for entry in history.only_in_a]
    lines += [_history_text("+", entry) for entry in history.only_in_b]
    return lines


def comparison_text(comparison: Comparison) -> str:
    """The two sides, then each section: ``-`` is A's, ``+`` is B's, ``~`` changed A -> B."""
    lines = _side_lines("A", comparison.a) + _side_lines("B", comparison.b)
    lines.append("")
    if comparison.identical:
        digest = sanitize(comparison.a.image_digest or "")
        platform = comparison.a.platform if comparison.a.is_index else None
        which = f"{sanitize(platform)} image" if platform else "image"
        lines.append(f"Identical: A and B are the same {which} ({digest})")
        return "\n".join(lines) + "\n"
    lines += [*_config_lines(comparison), "", *_layer_lines(comparison), ""]
    lines += _history_lines(comparison)
    return "\n".join(lines) + "\n"
