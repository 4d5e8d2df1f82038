"""Decoding instruction sequences (spec 5.4): function bodies and constant expressions.

The decoder is iterative: nested blocks live on an explicit stack, so 100,000 nested
blocks decode like any other input. Immediates are read according to the opcode table's
immediate kinds (``IMMEDIATE_READERS``); only ``block``/``loop``/``if``, ``else`` and
``end`` have code of their own.

Instructions without immediates are shared objects (one ``i32.add`` for the whole
module), and instructions with immediates are shared per distinct immediate within one
decode, which keeps large modules small in memory.

Reading is not bounded by the enclosing section, exactly as in the spec's reference
decoder: a body that runs over its declared size is reported as "section size mismatch"
by the caller, after the fact.
"""

from __future__ import annotations

from array import array
from collections.abc import Callable

from .. import opcodes
from ..errors import MalformedError
from ..opcodes import ELSE, END
from ..syntax.features import WASM3, Features
from ..syntax.instructions import If, maker
from ..syntax.types import ValType
from . import later, reader
from .reader import byte, eof, le_uint, s33, sleb, u32


# -- immediate readers: each returns (tuple of immediate values, new pos) --------------
def _read_blocktype(data, pos):
    b = data[pos] if pos < len(data) else None
    if b == 0x40:
        return (None,), pos + 1
    if b is not None and b & 0xC0 == 0x40:  # a one-byte negative s33: a value type
        t = ValType.from_code(b)
        if t is None:
            raise _bad_type(b, pos, "malformed value type")
        return (t,), pos + 1
    start = pos
    x, pos = s33(data, pos)
    if x < 0:
        raise MalformedError("malformed block type", start)
    return (x,), pos


def _read_index(data, pos):
    x, pos = u32(data, pos)
    return (x,), pos


def _read_labelvec(data, pos):
    n, pos = u32(data, pos)
    labels = []
    for _ in range(n):
        x, pos = u32(data, pos)
        labels.append(x)
    default, pos = u32(data, pos)
    return (tuple(labels), default), pos


def _read_memidx(data, pos):
    if pos >= len(data):
        raise eof(data)
    if data[pos] != 0:
        raise _memidx_error(data, pos)
    return (0,), pos + 1


def _memidx_error(data, pos) -> MalformedError:
    """2.0 has one memory, its index a single 0x00 byte; multi-memory allows any u32."""
    try:
        x, end = u32(data, pos)
    except MalformedError:
        return MalformedError("zero byte expected", pos)
    what = f"memory index {x}" if x else f"memory index 0 in {end - pos} bytes"
    return later.unsupported(what, later.MULTI_MEMORY, pos, "zero byte expected")


def _read_memarg(data, pos):
    start = pos
    align, pos = u32(data, pos)
    if align >= 32:
        if align & 0x40 and align & ~0x40 < 32:  # bit 6: a memory index follows
            raise later.unsupported("a memory index in a memory argument", later.MULTI_MEMORY,
                                    start, "malformed memop flags")
        raise MalformedError("malformed memop flags", start)
    offset, pos = u32(data, pos)
    return (align, offset), pos


def _read_i32(data, pos):
    c, pos = sleb(data, pos, 32)
    return (c,), pos


def _read_i64(data, pos):
    c, pos = sleb(data, pos, 64)
    return (c,), pos


def _fixed_reader(size):
    def read(data, pos):
        bits, pos = le_uint(data, pos, size)
        return (bits,), pos

    return read


def _read_lane(data, pos):
    b, pos = byte(data, pos)
    return (b,), pos


def _read_shuffle(data, pos):
    raw, pos = reader.fixed(data, pos, 16)
    return (tuple(raw),), pos


def _type_byte(data, pos) -> int:
    """A type code: in the spec a signed 7-bit LEB128, so it is always one byte."""
    if pos >= len(data):
        raise eof(data)
    b = data[pos]
    if b & 0x80:
        raise MalformedError("integer representation too long", pos + 1)
    return b


def _bad_type(b: int, pos: int, spec_message: str) -> MalformedError:
    known = later.TYPES.get(b)
    if known is None:
        return MalformedError(spec_message, pos)
    return later.unsupported(*known, pos, spec_message)


def read_reftype(data, pos):
    b = _type_byte(data, pos)
    t = ValType.from_code(b)
    if t is None or not t.is_ref:
        raise _bad_type(b, pos, "malformed reference type")
    return t, pos + 1


def read_valtype(data, pos):
    b = _type_byte(data, pos)
    t = ValType.from_code(b)
    if t is None:
        raise _bad_type(b, pos, "malformed value type")
    return t, pos + 1


def _read_reftype_imm(data, pos):
    t, pos = read_reftype(data, pos)
    return (t,), pos


def _read_valtypes(data, pos):
    n, pos = u32(data, pos)
    types = []
    for _ in range(n):
        t, pos = read_valtype(data, pos)
        types.append(t)
    return (tuple(types),), pos


IMMEDIATE_READERS: dict[str, Callable] = {
    "blocktype": _read_blocktype,
    "labelidx": _read_index,
    "labelvec": _read_labelvec,
    "funcidx": _read_index,
    "typeidx": _read_index,
    "tableidx": _read_index,
    "localidx": _read_index,
    "globalidx": _read_index,
    "elemidx": _read_index,
    "dataidx": _read_index,
    "memidx": _read_memidx,
    "memarg": _read_memarg,
    "i32": _read_i32,
    "i64": _read_i64,
    "f32": _fixed_reader(4),
    "f64": _fixed_reader(8),
    "v128": _fixed_reader(16),
    "laneidx": _read_lane,
    "shuffle": _read_shuffle,
    "reftype": _read_reftype_imm,
    "valtypes": _read_valtypes,
}


def _immediates_reader(op: opcodes.Op) -> Callable:
    readers = [IMMEDIATE_READERS[k] for k in op.imm]
    if len(readers) == 1:
        return readers[0]

    def read(data, pos):
        values: tuple = ()
        for r in readers:
            v, pos = r(data, pos)
            values += v
        return values, pos

    return read


class _Decoded:
    """Per-row decoding data, built once from the opcode table."""

    __slots__ = ("op", "make", "read", "shared", "structured", "uses_data")

    def __init__(self, op: opcodes.Op):
        self.op = op
        self.make = maker(op)
        self.structured = op.name in ("block", "loop", "if")
        self.read = _immediates_reader(op) if op.imm else None
        # Rows whose instruction is the same object wherever it occurs.
        self.shared = self.make() if not op.imm else None
        self.uses_data = op.name in ("memory.init", "data.drop")


_SINGLE: list[_Decoded | None] = [None if op is None else _Decoded(op) for op in opcodes.SINGLE]
_PREFIXED: dict[int, dict[int, _Decoded]] = {
    prefix: {n: _Decoded(op) for n, op in rows.items()} for prefix, rows in opcodes.PREFIXED.items()
}
# Prefixes whose sub-opcode is read before rejecting it: 2.0's, and those of later
# proposals, so the error names the instruction (binary.later).
for _prefix in later.PREFIXES:
    _PREFIXED.setdefault(_prefix, {})
_PREFIX_SET = frozenset(_PREFIXED)
_GATED: dict[Features, dict[int, dict[int, _Decoded]]] = {}


def _prefixed_for(features: Features) -> dict[int, dict[int, _Decoded]]:
    """``_PREFIXED`` without the rows of the proposals ``features`` turns off (the opcode
    table's ``feature`` column): their bytes are then rejected as a 2.0 decoder rejects
    them (``binary.later``). Only prefixed rows belong to a proposal so far."""
    table = _GATED.get(features)
    if table is None:
        table = _GATED[features] = {
            prefix: {n: d for n, d in rows.items()
                     if d.op.feature is None or getattr(features, d.op.feature)}
            for prefix, rows in _PREFIXED.items()}
    return table

# memory.size and memory.grow read a zero byte but build the same object every time.
for _d in _SINGLE:
    if _d is not None and _d.op.imm == ("memidx",):
        _d.shared = _d.make(0)
# The hot paths, by opcode byte: one-byte opcodes without immediates (the shared
# instruction); with one index immediate (local.get, call, br_if, ...); with a memarg.
_FAST = [d.shared if d is not None and d.read is None else None for d in _SINGLE]
_INDEX_KINDS = {"labelidx", "funcidx", "localidx", "globalidx", "tableidx", "elemidx",
                "dataidx"}
_ONE_INDEX = [d if d is not None and len(d.op.imm) == 1 and d.op.imm[0] in _INDEX_KINDS
              and not d.structured else None for d in _SINGLE]
_MEMARG = [d if d is not None and d.op.imm == ("memarg",) else None for d in _SINGLE]


class CodeReader:
    """Decodes instruction sequences of one module; shares instructions across bodies.

    ``uses_data`` becomes True once a ``memory.init`` or ``data.drop`` was decoded (the
    data count section is then required).
    """

    def __init__(self, data: bytes, features: Features = WASM3):
        self.data = data
        self.features = features  # the proposals instructions may use (syntax.features)
        self._prefixed = _prefixed_for(features)
        self.uses_data = False
        self._cache: dict[tuple, object] = {}
        # per opcode byte: immediate value -> the shared instruction (fast paths)
        self._by_byte: list[dict] = [{} for _ in range(256)]

    def expr(self, pos: int, offsets: array | None = None) -> tuple[list, int]:
        """Decode ``instr* end`` starting at ``pos``; return (body, position after end).

        When ``offsets`` is given, the offset of every instruction, ``else`` and ``end`` is
        appended to it in ``syntax.instructions.walk`` order (see ``Func.offsets``).
        """
        data = self.data
        end = len(data)
        single = _SINGLE
        fast = _FAST
        cache = self._cache
        record = offsets.append if offsets is not None else None
        one_index = _ONE_INDEX
        memarg = _MEMARG
        by_byte = self._by_byte
        body: list = []
        append = body.append
        # Each entry: (outer body's append, the structured instruction, arm: 0 then, 1 else)
        stack: list = []
        while True:
            if pos >= end:
                raise eof(data)
            start = pos
            b = data[pos]
            pos += 1
            instr = fast[b]
            if instr is not None:
                append(instr)
                if record:
                    record(start)
                continue
            d = one_index[b]
            if d is not None:  # local.get 3, call 7, br_if 0, ...
                x = data[pos] if pos < end else 0x80
                if x < 0x80:
                    pos += 1
                else:
                    x, pos = u32(data, pos)
                cache_b = by_byte[b]
                instr = cache_b.get(x)
                if instr is None:
                    instr = cache_b[x] = d.make(x)
                append(instr)
                if record:
                    record(start)
                continue
            if b == 0x41:  # i32.const
                c = data[pos] if pos < end else 0x80
                if c < 0x80:
                    pos += 1
                    if c & 0x40:
                        c -= 0x80
                else:
                    c, pos = sleb(data, pos, 32)
                cache_b = by_byte[b]
                instr = cache_b.get(c)
                if instr is None:
                    instr = cache_b[c] = single[b].make(c)
                append(instr)
                if record:
                    record(start)
                continue
            d = memarg[b]
            if d is not None:  # loads and stores
                imm, pos = _read_memarg(data, pos)
                cache_b = by_byte[b]
                instr = cache_b.get(imm)
                if instr is None:
                    instr = cache_b[imm] = d.make(*imm)
                append(instr)
                if record:
                    record(start)
                continue
            d = single[b]
            if b == END:
                if record:
                    record(start)
                if not stack:
                    return body, pos
                append, instr, arm = stack.pop()
                if arm == 0 and record and type(instr) is If:
                    record(start)  # an If without else: its else position is the end
                continue
            if b == ELSE:
                if not stack or not isinstance(stack[-1][1], If) or stack[-1][2] != 0:
                    raise MalformedError("END opcode expected", start)
                outer, instr, _ = stack.pop()
                stack.append((outer, instr, 1))
                append = instr.else_.append
                if record:
                    record(start)
                continue
            if d is None:
                if b in _PREFIX_SET:
                    n, pos = u32(data, pos)
                    d = self._prefixed[b].get(n)
                    if d is None:
                        raise later.illegal_opcode(b, n, start)
                else:
                    raise later.illegal_opcode(b, None, start)
            if record:
                record(start)
            if d.read is None:
                append(d.shared)
                continue
            imm, pos = d.read(data, pos)
            if d.structured:
                instr = d.make(*imm)
                append(instr)
                stack.append((append, instr, 0))
                append = (instr.then if b == 0x04 else instr.body).append
                continue
            if d.uses_data:
                self.uses_data = True
            if d.shared is not None:
                append(d.shared)
                continue
            key = (d, imm)
            instr = cache.get(key)
            if instr is None:
                instr = cache[key] = d.make(*imm)
            append(instr)

