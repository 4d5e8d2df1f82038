"""Linear memory (spec 4.2.8): a bytearray of 64 KiB pages with bounds-checked access.

Addresses given to the load/store helpers are EFFECTIVE addresses: the instruction's
operand plus its static offset, computed by the caller as an unbounded Python int. An
i32 address plus a u32 offset can exceed 2**32; the bounds check is simply
``ea + size <= len(data)``, so such accesses trap instead of wrapping around.

Loaded integers are unsigned bit patterns (the representation of ``exec.numerics``); a
``loadN_s`` instruction sign-extends with ``numerics.i32_extend8_s`` and friends. Float
loads and stores go through the exact bit conversions of ``syntax.values``, so NaN
payloads (signalling ones included) survive a round trip through memory.

Only the minimum size is allocated up front, and where the platform allows it pages cost
nothing until touched: ``data`` is then an anonymous private ``mmap`` (the kernel commits
a page when it is first written), else a ``bytearray`` (Pyodide has no mmap; a memory of
0 pages is always a bytearray, as mmap cannot map 0 bytes). Either way ``len(data)`` is
always the memory's size in bytes: the compiled tier relies on indexing (of the object
and of its typed views, below) failing past the end for its bounds checks. ``grow`` resizes the object in
place (so ``data`` keeps its identity) and returns -1, never raising, when the new size
is over the maximum, over the 65536-page limit of a 32-bit address space, over the
store's ``memory_size`` limit (``limits``), or the host has no memory to give; creating a
memory whose minimum is over the store's limit, or that the host cannot allocate, raises
``ResourceLimitError``.

Typed views for the compiled tier (``attach``). Where the host is little-endian, the
memory can give a compiled namespace tables of ``memoryview`` casts of ``data``: ``W2``,
``W4``, ``W8`` (unsigned ints of 2, 4, 8 bytes), ``WD`` (f64) and ``WF`` (f32), each a tuple indexed by
the address modulo the width, whose entry ``k`` views the bytes from ``k`` on, cut to a
whole number of elements; so the value of ``size`` bytes at ``ea`` is
``W[ea % size][ea // size]``, aligned or not, and the index is out of range (IndexError)
exactly when ``ea + size > len(data)``. (A C float widened to a double, or narrowed from
one, loses a signalling NaN's signal: compiled code reads and writes ``WF`` only for values
that are not NaNs, and NaNs as bits through ``W4``.) A bytearray or mmap cannot resize while a view of it
exists, so ``grow`` releases the views, resizes ``data`` and makes new ones, which it
puts into every namespace attached to the memory (an imported memory serves several
instances); compiled code reads them as globals at each access, never keeping one.
"""

from __future__ import annotations

import struct
import sys
import weakref

from ..errors import InvalidError, ResourceLimitError, Trap, TrapCode
from ..syntax.types import MAX_PAGES, MAX_PAGES_64, PAGE_SIZE, MemoryType
from ..syntax.values import f32_from_bits, f32_to_bits, f64_from_bits, f64_to_bits

__all__ = ["Memory", "PAGE_SIZE", "MAX_PAGES", "allocate"]

_STRUCTS = {1: struct.Struct("<B"), 2: struct.Struct("<H"), 4: struct.Struct("<I"),
            8: struct.Struct("<Q")}
_UNPACK = {n: s.unpack_from for n, s in _STRUCTS.items()}
_PACK = {n: s.pack_into for n, s in _STRUCTS.items()}


def _lazy_flags() -> int | None:
    """The ``mmap`` flags of a lazily committed memory, or None where lazy memories are not
    possible: no mmap module (Pyodide), or no in-place resize of an anonymous map."""
    try:
        import mmap

        # MAP_NORESERVE: no swap is reserved up front, so a 4 GiB memory is not refused
        # by the kernel's overcommit heuristic (the constant is in Python 3.13's mmap;
        # 0x4000 is its value on Linux x86-64 and aarch64)
        noreserve = getattr(mmap, "MAP_NORESERVE", 0)
        if not noreserve and sys.platform == "linux" and _machine() in ("x86_64", "aarch64"):
            noreserve = 0x4000
        flags = mmap.MAP_PRIVATE | noreserve  # private: a shared map cannot grow (SIGBUS)
        probe = mmap.mmap(-1, PAGE_SIZE, flags=flags)
        try:
            probe.resize(2 * PAGE_SIZE)
            probe[2 * PAGE_SIZE - 1] = 1
        finally:
            probe.close()
        return flags
    except Exception:  # noqa: BLE001 - any failure means: use bytearrays
        return None


def _machine() -> str:
    import platform
    return platform.machine()


#: mmap flags for lazily committed memories, or None: every memory is a bytearray. Tests
#: set it to None to exercise the bytearray path on a platform that has mmap.
LAZY_FLAGS: int | None = _lazy_flags()

#: Memories of at least this many pages at creation are lazy (mmap); smaller ones are
#: bytearrays, whose byte indexing is faster, and which cost little when eager.
LAZY_MIN_PAGES = 1

_ALLOCATION_FAILED = (MemoryError, OSError, OverflowError, ValueError)


def allocate(nbytes: int):
    """A zeroed buffer of ``nbytes`` for a memory's ``data`` (see the module's doc)."""
    flags = LAZY_FLAGS
    if flags is not None and nbytes and nbytes >= LAZY_MIN_PAGES * PAGE_SIZE:
        import mmap
        return mmap.mmap(-1, nbytes, flags=flags)
    return bytearray(nbytes)


#: Can the compiled tier use typed views? (memoryview casts are in the host's byte order)
NATIVE_VIEWS = sys.byteorder == "little"

#: (name in the namespace, bytes, memoryview format) of the view tables (module doc)
VIEW_TABLES = (("W2", 2, "H"), ("W4", 4, "I"), ("W8", 8, "Q"), ("WD", 8, "d"), ("WF", 4, "f"))


def _make_views(data) -> dict:
    """The view tables of ``data`` (see the module's doc): name -> tuple of casts; and
    ``WB``, a view of all its bytes (for fill and copy: a memmove, no temporary copy)."""
    whole = memoryview(data)
    tables = {"WB": (whole,)}
    n = len(whole)
    for name, size, fmt in VIEW_TABLES:
        row = []
        for k in range(size):
            with whole[k : k + size * max(0, (n - k) // size)] as part:
                row.append(part.cast(fmt))  # (the cast holds the buffer, not part)
        tables[name] = tuple(row)
    return tables


def _release_views(tables: dict) -> None:
    for row in tables.values():
        for view in row:
            view.release()


class _Attached:
    """A namespace attached to a memory's views; the memory refers to it weakly, so a
    namespace (which keeps this alive) is not kept alive by the memory."""

    __slots__ = ("ns", "__weakref__")

    def __init__(self, ns: dict):
        self.ns = ns


def _out_of_bounds() -> Trap:
    return Trap(TrapCode.MEMORY_OUT_OF_BOUNDS)


class Memory:
    """A memory instance: ``data`` (a bytearray or an mmap) and its limits in pages.

    ``Memory(1)`` is one page that may grow to 65536; ``Memory(1, 10)`` may grow to ten.
    ``limits`` is the store's ``exec.store.StoreLimits`` (its ``memory_size`` in bytes
    bounds creation and growth), or None.
    """

    __slots__ = ("data", "min", "max", "limits", "is_64", "_views", "_attached")

    def __init__(self, min_pages: int = 1, max_pages: int | None = None, limits=None,
                 is_64: bool = False):
        bound = MAX_PAGES_64 if is_64 else MAX_PAGES
        if not 0 <= min_pages <= bound or (max_pages is not None and max_pages > bound):
            raise InvalidError("memory size must be at most 2^48 pages (memory64)" if is_64
                               else "memory size must be at most 65536 pages (4GiB)")
        if max_pages is not None and not min_pages <= max_pages:
            raise InvalidError("size minimum must not be greater than maximum")
        cap = None if limits is None else limits.memory_size
        if cap is not None and min_pages * PAGE_SIZE > cap:
            raise ResourceLimitError(f"memory minimum size of {min_pages} pages exceeds "
                                     f"memory limits ({cap:,} bytes)")
        try:
            self.data = allocate(min_pages * PAGE_SIZE)
        except _ALLOCATION_FAILED as e:
            raise ResourceLimitError(f"cannot allocate a memory of {min_pages} pages: "
                                     f"{type(e).__name__} {e}".rstrip()) from None
        self.min = min_pages
        self.max = max_pages
        self.limits = limits
        self.is_64 = is_64  # memory64: i64 addresses, up to 2**48 pages
        self._views: dict | None = None  # the view tables, made on the first attach
        self._attached: weakref.WeakSet | None = None

    def attach(self, ns: dict) -> None:
        """Put the view tables (``W2``, ``W4``, ``W8``, ``WD``: see the module's doc) into
        the compiled namespace ``ns``, and keep them current there across growth."""
        if self._views is None:
            self._views = _make_views(self.data)
            self._attached = weakref.WeakSet()
        ns.update(self._views)
        holder = ns["_attached_views"] = _Attached(ns)
        self._attached.add(holder)

    def _renew_views(self) -> None:
        """New view tables of ``data`` (after a resize), in every attached namespace."""
        self._views = tables = _make_views(self.data)
        for holder in list(self._attached):
            holder.ns.update(tables)

    @classmethod
    def from_type(cls, memtype: MemoryType, limits=None) -> Memory:
        return cls(memtype.limits.min, memtype.limits.max, limits, memtype.is_64)

    def __repr__(self) -> str:
        limit = "" if self.max is None else f", max {self.max}"
        return f"<Memory {self.size} page(s){limit}>"

    # -- size ------------------------------------------------------------------------
    @property
    def size(self) -> int:
        """The current size in pages (``memory.size``)."""
        return len(self.data) // PAGE_SIZE

    def grow(self, delta: int) -> int:
        """``memory.grow``: add ``delta`` pages; the old size in pages, or -1. Never raises."""
        data = self.data
        old = len(data) // PAGE_SIZE
        limit = (MAX_PAGES_64 if self.is_64 else MAX_PAGES) if self.max is None else self.max
        if delta < 0 or old + delta > limit:
            return -1
        if delta:
            nbytes = (old + delta) * PAGE_SIZE
            cap = None if self.limits is None else self.limits.memory_size
            if cap is not None and nbytes > cap:
                return -1
            views = self._views
            if views is not None:  # (no resize while they exist)
                _release_views(views)
            try:
                if isinstance(data, bytearray):
                    data.extend(bytes(delta * PAGE_SIZE))
                else:
                    data.resize(nbytes)  # mremap: in place, the same object
            except (BufferError, SystemError, *_ALLOCATION_FAILED):
                return -1  # the host cannot, or the buffer is exported (a live memoryview)
            finally:
                if views is not None:
                    self._renew_views()
        return old

    def rewind_size(self, nbytes: int) -> None:
        """Give the memory ``nbytes`` again (a page multiple), in place, growing or
        shrinking it: only for ``exec.rewind``, which puts back the memory of an earlier
        step (no instruction shrinks a memory). New bytes are zero; the caller writes
        the contents."""
        data = self.data
        if nbytes == len(data):
            return
        views = self._views
        if views is not None:
            _release_views(views)
        try:
            if isinstance(data, bytearray):
                if nbytes > len(data):
                    data.extend(bytes(nbytes - len(data)))
                else:
                    del data[nbytes:]
            else:
                data.resize(nbytes)
        finally:
            if views is not None:
                self._renew_views()

    # -- scalar access ---------------------------------------------------------------
    def load(self, ea: int, size: int) -> int:
        """The unsigned little-endian int of ``size`` (1, 2, 4, 8 or 16) bytes at ``ea``."""
        if ea < 0 or ea + size > len(self.data):
            raise _out_of_bounds()
        unpack = _UNPACK.get(size)
        if unpack is None:
            return int.from_bytes(self.data[ea : ea + size], "little")
        return unpack(self.data, ea)[0]

    def store(self, ea: int, size: int, value: int) -> None:
        """Write the low ``size`` bytes of the int ``value`` at ``ea``, little-endian."""
        if ea < 0 or ea + size > len(self.data):
            raise _out_of_bounds()
        pack = _PACK.get(size)
        value &= (1 << (8 * size)) - 1
        if pack is None:
            self.data[ea : ea + size] = value.to_bytes(size, "little")
        else:
            pack(self.data, ea, value)

    def load_f32(self, ea: int) -> float:
        return f32_from_bits(self.load(ea, 4))

    def load_f64(self, ea: int) -> float:
        return f64_from_bits(self.load(ea, 8))

    def store_f32(self, ea: int, x: float) -> None:
        self.store(ea, 4, f32_to_bits(x))

    def store_f64(self, ea: int, x: float) -> None:
        self.store(ea, 8, f64_to_bits(x))

    # -- ranges ----------------------------------------------------------------------
    def _check_range(self, ea: int, n: int) -> None:
        if ea < 0 or n < 0 or ea + n > len(self.data):
            raise _out_of_bounds()

    def read(self, ea: int, n: int) -> bytes:
        """``n`` bytes from ``ea`` (a copy)."""
        self._check_range(ea, n)
        return bytes(self.data[ea : ea + n])

    def write(self, ea: int, data: bytes) -> None:
        """Write ``data`` at ``ea``, all or nothing."""
        self._check_range(ea, len(data))
        self.data[ea : ea + len(data)] = data

    def _bytes(self):
        """What fill and copy write into: the byte view where there are views (a slice
        assignment of a memoryview is a memmove), else ``data``."""
        views = self._views
        return self.data if views is None else views["WB"][0]

    def fill(self, ea: int, value: int, n: int) -> None:
        """``memory.fill``: ``n`` bytes of ``value & 0xFF`` from ``ea``; traps before writing."""
        self._check_range(ea, n)
        if n:
            self._bytes()[ea : ea + n] = bytes((value & 0xFF,)) * n

    def init(self, d: int, data: bytes, s: int, n: int) -> None:
        """``memory.init`` from a data segment's bytes (also active segments); traps
        before writing if either range is out of bounds."""
        if s + n > len(data) or d + n > len(self.data):
            raise _out_of_bounds()
        self.data[d : d + n] = data[s : s + n]

    def copy(self, dst: int, src: int, n: int, source: Memory | None = None) -> None:
        """``memory.copy`` from ``source`` (multi-memory; default: this memory) into this
        one: ranges may overlap; traps before writing if either is out of bounds."""
        if source is None:
            source = self
        source._check_range(src, n)
        self._check_range(dst, n)
        if n:
            if source is self:
                data = self._bytes()
                data[dst : dst + n] = data[src : src + n]  # (overlap: a memmove)
            else:
                self._bytes()[dst : dst + n] = source._bytes()[src : src + n]
