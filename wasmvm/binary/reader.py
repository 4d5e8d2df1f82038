"""Bounded readers for the binary format's primitive values (spec 5.2).

Every reader takes the input ``data`` and a position ``pos`` and returns
``(value, new_pos)``; positions are absolute offsets in the file, so every error names
the byte it concerns. The LEB128 readers follow the spec's bounds exactly: at most
ceil(N/7) bytes for an N-bit integer ("integer representation too long"), and the unused
bits of the last byte must be zero, or copies of the sign bit for signed integers
("integer too large").

Running past the end raises ``MalformedError("unexpected end ...")``; no IndexError or
struct.error ever escapes from here.
"""

from __future__ import annotations

from ..errors import MalformedError

UNEXPECTED_END = "unexpected end of section or function"


def eof(data: bytes) -> MalformedError:
    return MalformedError(UNEXPECTED_END, len(data))


def byte(data: bytes, pos: int) -> tuple[int, int]:
    if pos >= len(data):
        raise eof(data)
    return data[pos], pos + 1


def uleb(data: bytes, pos: int, bits: int) -> tuple[int, int]:
    """An unsigned LEB128 integer of at most ``bits`` bits."""
    result = 0
    shift = 0
    n = bits  # bits still allowed, as in the spec's vuN
    end = len(data)
    while True:
        if n <= 0:
            raise MalformedError("integer representation too long", pos)
        if pos >= end:
            raise eof(data)
        b = data[pos]
        pos += 1
        if n < 7 and (b & 0x7F) >> n:
            raise MalformedError("integer too large", pos - 1)
        result |= (b & 0x7F) << shift
        if not b & 0x80:
            return result, pos
        shift += 7
        n -= 7


def sleb(data: bytes, pos: int, bits: int) -> tuple[int, int]:
    """A signed LEB128 integer of at most ``bits`` bits, as a signed Python int."""
    result = 0
    shift = 0
    n = bits
    end = len(data)
    while True:
        if n <= 0:
            raise MalformedError("integer representation too long", pos)
        if pos >= end:
            raise eof(data)
        b = data[pos]
        pos += 1
        if n < 7:
            mask = (-1 << (n - 1)) & 0x7F
            if b & mask not in (0, mask):
                raise MalformedError("integer too large", pos - 1)
        result |= (b & 0x7F) << shift
        shift += 7
        if not b & 0x80:
            if b & 0x40:
                result -= 1 << shift
            return result, pos
        n -= 7


def u32(data: bytes, pos: int) -> tuple[int, int]:
    """u32 with a fast path for the common one-byte case."""
    if pos < len(data):
        b = data[pos]
        if b < 0x80:
            return b, pos + 1
    return uleb(data, pos, 32)


def s32(data: bytes, pos: int) -> tuple[int, int]:
    return sleb(data, pos, 32)


def s33(data: bytes, pos: int) -> tuple[int, int]:
    return sleb(data, pos, 33)


def s64(data: bytes, pos: int) -> tuple[int, int]:
    return sleb(data, pos, 64)


def fixed(data: bytes, pos: int, size: int) -> tuple[bytes, int]:
    """``size`` raw bytes."""
    end = pos + size
    if end > len(data):
        raise eof(data)
    return data[pos:end], end


def le_uint(data: bytes, pos: int, size: int) -> tuple[int, int]:
    """A little-endian unsigned integer of ``size`` bytes (float bit patterns, v128)."""
    end = pos + size
    if end > len(data):
        raise eof(data)
    return int.from_bytes(data[pos:end], "little"), end


def length(data: bytes, pos: int) -> tuple[int, int]:
    """A u32 length that must not exceed the bytes left ("length out of bounds")."""
    start = pos
    n, pos = u32(data, pos)
    if n > len(data) - pos:
        raise MalformedError("length out of bounds", start)
    return n, pos


def name(data: bytes, pos: int) -> tuple[str, int]:
    """A name: a length-prefixed UTF-8 string."""
    start = pos
    n, pos = length(data, pos)
    try:
        return data[pos : pos + n].decode("utf-8"), pos + n
    except UnicodeDecodeError:
        raise MalformedError("malformed UTF-8 encoding", start) from None
