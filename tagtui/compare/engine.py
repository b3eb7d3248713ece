"""``compare(a, b)``: what differs between two images, section by section.

Pure functions over the domain model: no I/O, no Textual. Loading the two sides is
``tagtui.compare.load``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from tagtui.compare.model import (
    Comparison,
    ConfigChange,
    ConfigValue,
    HistoryComparison,
    LayerComparison,
    Side,
)
from tagtui.model import HistoryEntry, ImageConfig, Layer


def compare(a: Side, b: Side) -> Comparison:
    """Compare side ``a`` (the old one) with side ``b``."""
    return Comparison(
        a=a,
        b=b,
        config=compare_config(a.image.config, b.image.config),
        layers=compare_layers(a.image.layers, b.image.layers),
        history=compare_history(a.image.config.history, b.image.config.history),
    )


# --- config -------------------------------------------------------------------------------


def _scalar(value: str | tuple[str, ...] | None) -> ConfigValue:
    # An empty string or argv means the same as none (docker writes "User": "" and "Cmd": null).
    return value if value else None


def _scalars(config: ImageConfig) -> list[tuple[str, ConfigValue]]:
    """The one-valued fields, in the order a reader expects them."""
    return [
        ("entrypoint", _scalar(config.entrypoint)),
        ("cmd", _scalar(config.cmd)),
        ("user", _scalar(config.user)),
        ("workingDir", _scalar(config.working_dir)),
    ]


def _platform_fields(config: ImageConfig) -> list[tuple[str, ConfigValue]]:
    return [
        ("os", _scalar(config.os)),
        ("architecture", _scalar(config.architecture)),
        ("variant", _scalar(config.variant)),
        ("author", _scalar(config.author)),
    ]


def _keyed(
    field: str, a: Iterable[tuple[str, str]], b: Iterable[tuple[str, str]]
) -> list[ConfigChange]:
    """Changes between two key/value lists (env, labels): the last value of a key wins, as in
    docker; changes come in the order keys first appear, A's keys first."""
    old, new = dict(a), dict(b)
    changes = []
    for key in dict.fromkeys([*old, *new]):
        before, after = old.get(key), new.get(key)
        if before != after:
            changes.append(ConfigChange(field, key, before, after))
    return changes


def _members(field: str, a: Iterable[str], b: Iterable[str]) -> list[ConfigChange]:
    """Changes between two sets (ports, volumes): removed ones first, then added, each in its
    side's order."""
    old, new = dict.fromkeys(a), dict.fromkeys(b)
    removed = [ConfigChange(field, item, item, None) for item in old if item not in new]
    added = [ConfigChange(field, item, None, item) for item in new if item not in old]
    return removed + added


def compare_config(a: ImageConfig, b: ImageConfig) -> tuple[ConfigChange, ...]:
    """Every config difference: entrypoint, cmd, user, working dir, env, labels, ports,
    volumes, then os / architecture / variant / author. Dates and history are not config
    differences here (the header and the history section show them)."""
    changes: list[ConfigChange] = [
        ConfigChange(field, None, before, after)
        for (field, before), (_, after) in zip(_scalars(a), _scalars(b), strict=True)
        if before != after
    ]
    changes += _keyed("env", a.env, b.env)
    changes += _keyed("labels", a.labels, b.labels)
    changes += _members("ports", map(str, a.ports), map(str, b.ports))
    changes += _members("volumes", a.volumes, b.volumes)
    changes += [
        ConfigChange(field, None, before, after)
        for (field, before), (_, after) in zip(
            _platform_fields(a), _platform_fields(b), strict=True
        )
        if before != after
    ]
    return tuple(changes)


# --- layers -------------------------------------------------------------------------------


def common_prefix(a: Iterable[object], b: Iterable[object]) -> int:
    """How many leading items ``a`` and ``b`` have in common."""
    count = 0
    for left, right in zip(a, b, strict=False):
        if left != right:
            break
        count += 1
    return count


def _take_matching(
    layers: tuple[Layer, ...], other: Counter[str]
) -> tuple[list[Layer], list[Layer]]:
    """Split ``layers`` into those ``other`` (digest counts) still holds and those it does not;
    a digest twice in ``layers`` is shared only as often as ``other`` has it."""
    left = Counter(other)
    matched, unmatched = [], []
    for layer in layers:
        if left[layer.digest] > 0:
            left[layer.digest] -= 1
            matched.append(layer)
        else:
            unmatched.append(layer)
    return matched, unmatched


def compare_layers(a: tuple[Layer, ...], b: tuple[Layer, ...]) -> LayerComparison:
    """The common base (the leading layers both have in order), every layer both have, and
    the layers only in each (matched by digest, which names the compressed blob)."""
    base = common_prefix((layer.digest for layer in a), (layer.digest for layer in b))
    shared, only_in_a = _take_matching(a, Counter(layer.digest for layer in b))
    _, only_in_b = _take_matching(b, Counter(layer.digest for layer in a))
    equal = [layer.digest for layer in a] == [layer.digest for layer in b]
    return LayerComparison(
        shared=tuple(shared),
        base=base,
        only_in_a=tuple(only_in_a),
        only_in_b=tuple(only_in_b),
        equal=equal,
    )


# --- history ------------------------------------------------------------------------------


def compare_history(a: tuple[HistoryEntry, ...], b: tuple[HistoryEntry, ...]) -> HistoryComparison:
    """The entries both histories start with, and what follows on each side."""
    shared = common_prefix(a, b)
    return HistoryComparison(shared=shared, only_in_a=a[shared:], only_in_b=b[shared:])
