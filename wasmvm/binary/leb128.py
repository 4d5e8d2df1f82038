"""LEB128 writers (spec 5.2.2): the shortest encoding of an integer, 7 bits a byte.

Writers only. Reading needs bounds and the spec's rules on overlong and overflowing
encodings; that is the reader's job. Each writer appends to a ``bytearray`` (so the
encoder builds one buffer) and has a ``bytes``-returning twin for convenience.

    >>> unsigned(624485).hex()
    'e58e26'
    >>> signed(-123456).hex()
    'c0bb78'
"""

from __future__ import annotations

__all__ = ["write_unsigned", "write_signed", "write_u32", "unsigned", "signed"]


def write_unsigned(out: bytearray, n: int) -> None:
    """Append the unsigned LEB128 encoding of ``n >= 0``."""
    if n < 0x80:
        if n < 0:
            raise ValueError(f"unsigned LEB128 of a negative number: {n}")
        out.append(n)
        return
    while n >= 0x80:
        out.append((n & 0x7F) | 0x80)
        n >>= 7
    out.append(n)


def write_u32(out: bytearray, n: int) -> None:
    """Append ``n`` as a u32 (unsigned LEB128, at most 5 bytes); refuse what does not fit."""
    if 0 <= n < 0x80:
        out.append(n)
    elif 0 <= n < 1 << 32:
        write_unsigned(out, n)
    else:
        raise ValueError(f"not a u32: {n}")


def write_signed(out: bytearray, n: int) -> None:
    """Append the signed (two's complement) LEB128 encoding of ``n``."""
    if -0x40 <= n < 0x40:
        out.append(n & 0x7F)
        return
    while True:
        byte = n & 0x7F
        n >>= 7  # arithmetic shift: tends to 0 or -1
        if (n == 0 and not byte & 0x40) or (n == -1 and byte & 0x40):
            out.append(byte)
            return
        out.append(byte | 0x80)


def unsigned(n: int) -> bytes:
    out = bytearray()
    write_unsigned(out, n)
    return bytes(out)


def signed(n: int) -> bytes:
    out = bytearray()
    write_signed(out, n)
    return bytes(out)
