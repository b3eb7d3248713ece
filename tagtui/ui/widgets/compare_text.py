"""What the compare view says, as ``Content`` built from literal pieces (never markup).

A ``Comparison`` becomes a header block per side and one block per section (Config, Layers,
History). A section with no difference folds to its title line; ``open_shared`` also lists what
both sides have (the common base layers, the history both start with, an equal section's rows).
Every change line starts with its sign — ``+`` only in B, ``-`` only in A, ``~`` changed, ``=``
in both — so the colours (green / red / yellow) only repeat what the sign says: NO_COLOR loses
nothing. Registry text (references, env values, labels, ``created_by``) goes through ``literal``.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.table import Table
from rich.text import Text
from textual.content import Content

from tagtui.compare import Comparison, ConfigChange, Side
from tagtui.model import HistoryEntry, Layer
from tagtui.session.view import image_size
from tagtui.ui import glyphs
from tagtui.ui.format import human_size, literal, short_digest, timestamp, word_list

# A value longer than this is cut (an env value of 10 MB would bury the view).
VALUE_CHARS = 300
# Rows a list shows before saying how many more there are (10,000 layers stay cheap).
ROWS_SHOWN = 500

SIGN_STYLES = {
    "+": "$text-success",
    "-": "$text-error",
    "~": "$text-warning",
    "=": "dim",
}
_SIGNS = {"added": "+", "removed": "-", "changed": "~"}


def _plural(count: int, word: str, words: str | None = None) -> str:
    return f"{count:,} {word if count == 1 else (words or word + 's')}"


def _value(value: str | tuple[str, ...] | None) -> str:
    if isinstance(value, tuple):
        return literal(word_list(value), limit=VALUE_CHARS)
    return literal(value, limit=VALUE_CHARS) if value is not None else "-"


def _line(sign: str, text: str) -> Content:
    return Content.assemble("  ", (sign, f"bold {SIGN_STYLES[sign]}"), " ", text)


def _title(text: str, *, equal: bool) -> Content:
    return Content.styled(text, "dim bold" if equal else "bold")


def _capped(lines: list[Content], total: int) -> list[Content]:
    if total > len(lines):
        lines.append(
            Content.styled(f"  {glyphs.ELLIPSIS} and {total - len(lines):,} more", "dim italic")
        )
    return lines


# --- the two sides -------------------------------------------------------------------------


def side_rows(side: Side, digest_chars: int) -> list[tuple[str, str]]:
    """(label, value) rows of one side's column in the header."""

    def digest(value: str | None) -> str:
        return f"sha256:{short_digest(value, digest_chars)}" if value else "-"

    rows = [("reference", literal(side.reference))]
    if side.is_index:
        rows.append(("digest", digest(side.digest)))
        platform = literal(side.platform) or "-"
        rows.append(("platform", f"{platform} {glyphs.DOT} index of {len(side.platforms)}"))
        rows.append(("image", digest(side.image_digest)))
    else:
        rows.append(("digest", digest(side.digest)))
        rows.append(("platform", literal(side.platform) or "-"))
    rows.append(("created", timestamp(side.created)))
    count = len(side.image.layers)
    size = (
        f"{human_size(side.size)} in {_plural(count, 'layer')}" if count else image_size(side.image)
    )
    rows.append(("size", size))
    return rows


def sides_table(comparison: Comparison, *, digest_chars: int) -> Table:
    """A and B side by side, one row per fact (an index's "image" row where either has one)."""
    a = dict(side_rows(comparison.a, digest_chars))
    b = dict(side_rows(comparison.b, digest_chars))
    table = Table(box=None, show_header=True, pad_edge=False, padding=(0, 2, 0, 0), expand=True)
    table.add_column("", no_wrap=True, style="dim")
    table.add_column(Text("A", style="bold"), ratio=1, overflow="fold")
    table.add_column(Text("B", style="bold"), ratio=1, overflow="fold")
    for name in dict.fromkeys([*a, *b]):
        left, right = a.get(name, ""), b.get(name, "")
        # A fact that differs stands out; the same on both sides is plain.
        style = "" if left == right or name == "reference" else "bold"
        table.add_row(Text(name), Text(left, style=style), Text(right, style=style))
    return table


def identical_line(comparison: Comparison) -> Content:
    digest = literal(comparison.a.image_digest or "")
    platform = comparison.a.platform if comparison.a.is_index else None
    which = f"same {literal(platform)} image" if platform else "same image"
    return Content.styled(f"A and B are the {which} ({digest})", "bold")


# --- sections ------------------------------------------------------------------------------


def change_line(change: ConfigChange) -> Content:
    """``~ env          MODE: dev → prod``, ``+ ports        8080/tcp``, ``- user         app``."""
    sign = _SIGNS[change.kind]
    field = change.field.ljust(12)
    if change.field in ("env", "labels") and change.name is not None:
        name = literal(change.name, limit=VALUE_CHARS)
        if change.kind == "changed":
            what = f"{name}: {_value(change.a)} {glyphs.ARROW} {_value(change.b)}"
        else:
            what = f"{name}={_value(change.a if change.b is None else change.b)}"
    elif change.field in ("ports", "volumes"):
        what = literal(change.name, limit=VALUE_CHARS) or "-"
    elif change.kind == "changed":
        what = f"{_value(change.a)} {glyphs.ARROW} {_value(change.b)}"
    else:
        what = _value(change.a if change.b is None else change.b)
    return _line(sign, f"{field} {what}")


def config_lines(comparison: Comparison) -> list[Content]:
    if comparison.config_equal:
        return [_title("Config: identical", equal=True)]
    changes = comparison.config
    title = _title(f"Config: {_plural(len(changes), 'difference')}", equal=False)
    rows = [change_line(change) for change in changes[:ROWS_SHOWN]]
    return [title, *_capped(rows, len(changes))]


def _layer_line(sign: str, layer: Layer) -> Content:
    created_by = literal(layer.created_by, limit=VALUE_CHARS)
    size = human_size(layer.size).rjust(10)
    return _line(sign, f"{short_digest(layer.digest)}  {size}  {created_by}".rstrip())


def _layer_rows(rows: list[tuple[str, Layer]]) -> list[Content]:
    lines = [_layer_line(sign, layer) for sign, layer in rows[:ROWS_SHOWN]]
    return _capped(lines, len(rows))


def layer_lines(comparison: Comparison, *, open_shared: bool) -> list[Content]:
    layers = comparison.layers
    if not (comparison.a.image.layers or comparison.b.image.layers):
        return [_title("Layers: none listed", equal=True)]
    if layers.equal:
        count = _plural(len(layers.shared), "layer")
        title = _title(f"Layers: identical ({count}, {human_size(layers.shared_size)})", equal=True)
        shown = [("=", layer) for layer in layers.shared] if open_shared else []
        return [title, *_layer_rows(shown)]
    shared = layers.shared_words()
    title = _title(
        f"Layers: {shared} {glyphs.DOT} "
        f"{len(layers.only_in_a):,} only in A ({human_size(layers.only_in_a_size)}) {glyphs.DOT} "
        f"{len(layers.only_in_b):,} only in B ({human_size(layers.only_in_b_size)})",
        equal=False,
    )
    rows: list[tuple[str, Layer]] = []
    if open_shared:
        rows += [("=", layer) for layer in layers.shared[: layers.base]]
    # Shared layers past the common base sit at other places in the two images: always listed.
    rows += [("=", layer) for layer in layers.shared[layers.base :]]
    rows += [("-", layer) for layer in layers.only_in_a]
    rows += [("+", layer) for layer in layers.only_in_b]
    return [title, *_layer_rows(rows)]


def _history_line(sign: str, entry: HistoryEntry) -> Content:
    what = literal(entry.created_by or entry.comment, limit=VALUE_CHARS)
    empty = "  (no layer)" if entry.empty_layer else ""
    when = timestamp(entry.created) if entry.created else "-"
    return _line(sign, f"{when}  {what}{empty}".rstrip())


def _history_rows(rows: Sequence[tuple[str, HistoryEntry]]) -> list[Content]:
    lines = [_history_line(sign, entry) for sign, entry in rows[:ROWS_SHOWN]]
    return _capped(lines, len(rows))


def history_lines(comparison: Comparison, *, open_shared: bool) -> list[Content]:
    history = comparison.history
    common = comparison.a.image.config.history[: history.shared]
    shared_rows = [("=", entry) for entry in common] if open_shared else []
    if history.equal:
        count = _plural(history.shared, "entry", "entries")
        title = _title(f"History: identical ({count})", equal=True)
        return [title, *_history_rows(shared_rows)]
    start = (
        f"{_plural(history.shared, 'entry', 'entries')} in common, then"
        if history.shared
        else "nothing in common,"
    )
    title = _title(
        f"History: {start} {len(history.only_in_a):,} only in A, "
        f"{len(history.only_in_b):,} only in B",
        equal=False,
    )
    rows = shared_rows
    rows += [("-", entry) for entry in history.only_in_a]
    rows += [("+", entry) for entry in history.only_in_b]
    return [title, *_history_rows(rows)]


def sections(comparison: Comparison, *, open_shared: bool) -> Content:
    """Config, Layers and History (equal ones folded unless ``open_shared``)."""
    blocks: list[list[Content]] = []
    if comparison.identical:
        blocks.append([identical_line(comparison)])
    blocks.append(config_lines(comparison))
    blocks.append(layer_lines(comparison, open_shared=open_shared))
    blocks.append(history_lines(comparison, open_shared=open_shared))
    return Content("\n\n").join(Content("\n").join(block) for block in blocks)
