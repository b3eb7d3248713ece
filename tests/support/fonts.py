"""Which code points a TrueType font has glyphs for: its ``cmap`` table (formats 4 and 12).

Enough to hold the UI's symbols against DejaVu Sans Mono without a font library.
"""

from __future__ import annotations

import struct
from pathlib import Path

DEJAVU_SANS_MONO = Path("/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf")


def _format4(data: bytes, at: int) -> set[int]:
    segments = struct.unpack(">H", data[at + 6 : at + 8])[0] // 2
    size = 2 * segments
    ends = struct.unpack(f">{segments}H", data[at + 14 : at + 14 + size])
    starts_at = at + 16 + size
    starts = struct.unpack(f">{segments}H", data[starts_at : starts_at + size])
    deltas = struct.unpack(f">{segments}h", data[starts_at + size : starts_at + 2 * size])
    offsets_at = starts_at + 2 * size
    offsets = struct.unpack(f">{segments}H", data[offsets_at : offsets_at + size])
    found: set[int] = set()
    for index, (start, end) in enumerate(zip(starts, ends, strict=True)):
        for code in range(start, min(end, 0xFFFE) + 1):
            if offsets[index] == 0:
                glyph = (code + deltas[index]) & 0xFFFF
            else:
                where = offsets_at + 2 * index + offsets[index] + 2 * (code - start)
                glyph = struct.unpack(">H", data[where : where + 2])[0]
            if glyph:  # glyph 0 is .notdef: the empty box
                found.add(code)
    return found


def _format12(data: bytes, at: int) -> set[int]:
    groups = struct.unpack(">I", data[at + 12 : at + 16])[0]
    found: set[int] = set()
    for index in range(groups):
        start, end, _ = struct.unpack(">III", data[at + 16 + 12 * index : at + 28 + 12 * index])
        found.update(range(start, end + 1))
    return found


def covered(font: Path) -> set[int]:
    data = font.read_bytes()
    tables = struct.unpack(">H", data[4:6])[0]
    cmap = next(
        offset
        for tag, _, offset, _ in (
            struct.unpack(">4sIII", data[12 + 16 * i : 28 + 16 * i]) for i in range(tables)
        )
        if tag == b"cmap"
    )
    found: set[int] = set()
    for index in range(struct.unpack(">H", data[cmap + 2 : cmap + 4])[0]):
        offset = struct.unpack(">I", data[cmap + 8 + 8 * index : cmap + 12 + 8 * index])[0]
        kind = struct.unpack(">H", data[cmap + offset : cmap + offset + 2])[0]
        if kind == 4:
            found |= _format4(data, cmap + offset)
        elif kind == 12:
            found |= _format12(data, cmap + offset)
    return found
