"""Small text helpers shared by the dump views: hex, ASCII, quoting, indentation.

Every view prints byte offsets with the same width (``offset_width``), bytes as lower-case
hex pairs, and nesting by two spaces a level. Indentation stops growing at
``MAX_INDENT`` levels and shows the depth as a number instead, so that 100,000 nested
blocks still print as lines of readable length.
"""

from __future__ import annotations

MAX_INDENT = 24
#: Bytes shown on one line by the hex columns of ``-d`` and ``-a``.
BYTES_PER_LINE = 8


def offset_width(data_length: int) -> int:
    """Hex digits needed for any offset in a file of this length (at least 6)."""
    return max(6, len(f"{data_length:x}"))


def hex_bytes(raw: bytes) -> str:
    return " ".join(f"{b:02x}" for b in raw)


def chunks(raw: bytes, size: int = BYTES_PER_LINE) -> list[bytes]:
    """``raw`` cut into pieces of ``size`` bytes; one empty piece for empty input."""
    return [raw[i : i + size] for i in range(0, len(raw), size)] or [b""]


def ascii_preview(raw: bytes) -> str:
    """Printable ASCII as itself, everything else as a dot."""
    return "".join(chr(b) if 0x20 <= b < 0x7F else "." for b in raw)


def quote(text: str) -> str:
    """A name as a WAT string literal: printable characters as they are, others escaped."""
    out = []
    for ch in text:
        if ch in '"\\':
            out.append("\\" + ch)
        elif ch.isprintable() and ch != "\x7f":
            out.append(ch)
        else:
            out.append("".join(f"\\{b:02x}" for b in ch.encode("utf-8", "surrogatepass")))
    return '"' + "".join(out) + '"'


def indent(depth: int) -> str:
    """Two spaces a level, up to MAX_INDENT levels; deeper levels show their number."""
    if depth <= MAX_INDENT:
        return "  " * depth
    return "  " * (MAX_INDENT - 4) + f"[{depth}] ".ljust(8)


def named(index: int, name: str | None) -> str:
    """``3 <fac>``, or just ``3`` when there is no name."""
    return f"{index} <{name}>" if name is not None else str(index)
