"""The calling instance's linear memory, as WASI functions read and write it.

Every access is bounds-checked; a pointer outside the memory makes the call trap, and a
pointer to a record or integer that is not aligned to it traps too (the witx rules, which
wasmtime follows). Strings are UTF-8: a path that is not fails with ``EILSEQ``.
"""

from __future__ import annotations

import struct

from .errors import Fail, misaligned, out_of_bounds
from .types import IOVEC, Errno

_U32 = struct.Struct("<I")
_U64 = struct.Struct("<Q")


class GuestMemory:
    """Typed access to the bytes of a memory: a ``memoryview`` from ``Memory.buffer``,
    which the caller releases when the WASI call returns."""

    __slots__ = ("data",)

    def __init__(self, data: memoryview):
        self.data = data

    def check(self, ptr: int, n: int, align: int = 1) -> None:
        """Trap unless ``n`` bytes at ``ptr`` are in the memory (and ``ptr`` aligned)."""
        if ptr + n > len(self.data):
            raise out_of_bounds()
        if ptr % align:
            raise misaligned(ptr, align)

    # -- bytes ----------------------------------------------------------------------------
    def read(self, ptr: int, n: int) -> bytes:
        self.check(ptr, n)
        return bytes(self.data[ptr : ptr + n])

    def write(self, ptr: int, data: bytes) -> None:
        self.check(ptr, len(data))
        self.data[ptr : ptr + len(data)] = data

    def string(self, ptr: int, n: int) -> str:
        """A UTF-8 string argument (a path): ``EILSEQ`` if it is not UTF-8."""
        try:
            return self.read(ptr, n).decode("utf-8")
        except UnicodeDecodeError:
            raise Fail(Errno.ILSEQ) from None

    # -- integers and records ------------------------------------------------------------
    def u32(self, ptr: int) -> int:
        self.check(ptr, 4, 4)
        return _U32.unpack_from(self.data, ptr)[0]

    def set_u32(self, ptr: int, value: int) -> None:
        self.check(ptr, 4, 4)
        _U32.pack_into(self.data, ptr, value)

    def set_u64(self, ptr: int, value: int) -> None:
        self.check(ptr, 8, 8)
        _U64.pack_into(self.data, ptr, value)

    def unpack(self, layout: struct.Struct, ptr: int, align: int) -> tuple:
        self.check(ptr, layout.size, align)
        return layout.unpack_from(self.data, ptr)

    def pack(self, layout: struct.Struct, ptr: int, align: int, *values) -> None:
        self.check(ptr, layout.size, align)
        layout.pack_into(self.data, ptr, *values)

    def iovecs(self, ptr: int, count: int) -> list[tuple[int, int]]:
        """An (c)iovec array: ``[(buf, buf_len), ...]``."""
        self.check(ptr, count * IOVEC.size, 4)
        return [IOVEC.unpack_from(self.data, ptr + 8 * i) for i in range(count)]

    def first_buffer(self, ptr: int, count: int) -> tuple[int, int]:
        """The first non-empty buffer of an iovec array, or ``(0, 0)``. Like wasmtime,
        reads and writes move one buffer per call; callers (libc) loop for the rest."""
        for buf, n in self.iovecs(ptr, count):
            if n:
                self.check(buf, n)
                return buf, n
        return 0, 0
