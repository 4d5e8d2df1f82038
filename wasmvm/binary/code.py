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
from ..syntax.control import CATCH_KINDS
from ..syntax.features import WASM3, Features
from ..syntax.instructions import Catch, If, maker
from ..syntax.types import HEAP_BY_CODE, ValType, ref_type
from . import later, reader
from .reader import byte, eof, le_uint, s33, sleb, u32


# -- immediate readers: each returns (tuple of immediate values, new pos) --------------
def _read_blocktype(data, pos, features=WASM3):
    b = data[pos] if pos < len(data) else None
    if b == 0x40:
        return (None,), pos + 1
    if b is not None and b & 0xC0 == 0x40:  # a one-byte negative s33: a value type
        t, pos = read_valtype(data, pos, features)
        return (t,), pos
    start = pos
    x, pos = s33(data, pos)
    if x < 0:
        raise MalformedError("malformed block type", start)
    return (x,), pos


def _read_index(data, pos, features=WASM3):
    x, pos = u32(data, pos)
    return (x,), pos


def _read_labelvec(data, pos, features=WASM3):
    n, pos = u32(data, pos)
    labels = []
    for _ in range(n):
        x, pos = u32(data, pos)
        labels.append(x)
    default, pos = u32(data, pos)
    return (tuple(labels), default), pos


def _read_memidx(data, pos, features=WASM3):
    """WebAssembly 2.0: a memory index is a single 0x00 byte."""
    if pos >= len(data):
        raise eof(data)
    if data[pos] != 0:
        raise _memidx_error(data, pos)
    return (0,), pos + 1


def _read_memidx_multi(data, pos, features=WASM3):
    """Multi-memory: a memory index is any u32."""
    x, pos = u32(data, pos)
    return (x,), pos


def _memidx_error(data, pos) -> MalformedError:
    """2.0 has one memory, its index a single 0x00 byte; multi-memory allows any u32."""
    try:
        x, end = u32(data, pos)
    except MalformedError:
        return MalformedError("zero byte expected", pos)
    what = f"memory index {x}" if x else f"memory index 0 in {end - pos} bytes"
    return later.unsupported(what, later.MULTI_MEMORY, pos, "zero byte expected")


def _read_memarg(data, pos, features=WASM3):
    """WebAssembly 2.0's memarg: alignment exponent and offset, both u32; memory 0."""
    start = pos
    align, pos = u32(data, pos)
    if align >= 32:
        if align & 0x40 and align & ~0x40 < 32:  # bit 6: a memory index follows
            raise later.unsupported("a memory index in a memory argument", later.MULTI_MEMORY,
                                    start, "malformed memop flags")
        raise MalformedError("malformed memop flags", start)
    offset, pos = u32(data, pos)
    return (align, offset, 0), pos


def _memarg_reader(multi: bool, wide: bool) -> Callable:
    """WebAssembly 3.0's memarg (spec 5.4.6): flags below 2**7, whose bit 6 announces a
    memory index (multi-memory) between them and the offset, a u64 (memory64). With both
    proposals off, 2.0's."""
    if not multi and not wide:
        return _read_memarg

    def read(data, pos, features=WASM3):
        start = pos
        flags, pos = u32(data, pos)
        memory = 0
        if flags >= 0x80 or (flags & 0x40 and not multi):
            return _read_memarg(data, start)  # 2.0's errors for what is left undefined
        if flags & 0x40:
            memory, pos = u32(data, pos)
            flags &= ~0x40
        if wide:
            offset, pos = reader.uleb(data, pos, 64)
        else:
            offset, pos = u32(data, pos)
        return (flags, offset, memory), pos

    return read


def _read_i32(data, pos, features=WASM3):
    c, pos = sleb(data, pos, 32)
    return (c,), pos


def _read_i64(data, pos, features=WASM3):
    c, pos = sleb(data, pos, 64)
    return (c,), pos


def _fixed_reader(size):
    def read(data, pos, features=WASM3):
        bits, pos = le_uint(data, pos, size)
        return (bits,), pos

    return read


def _read_lane(data, pos, features=WASM3):
    b, pos = byte(data, pos)
    return (b,), pos


def _read_shuffle(data, pos, features=WASM3):
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


#: The nullable abstract reference types beyond 2.0's funcref and externref, by the
#: feature switch that allows them.
_LATER_REF_FEATURE = {
    ValType.EXNREF: "exceptions", ValType.NULLEXNREF: "exceptions",
    ValType.NULLFUNCREF: "function_references", ValType.NULLEXTERNREF: "function_references",
    ValType.ANYREF: "gc", ValType.EQREF: "gc", ValType.I31REF: "gc",
    ValType.STRUCTREF: "gc", ValType.ARRAYREF: "gc", ValType.NULLREF: "gc",
}
#: the same for the abstract heap types (in ``(ref null? HEAP)`` and ``ref.null HEAP``)
_LATER_HEAP_FEATURE = {"exn": "exceptions", "noexn": "exceptions",
                       "nofunc": "function_references", "noextern": "function_references",
                       "any": "gc", "eq": "gc", "i31": "gc", "struct": "gc", "array": "gc",
                       "none": "gc"}


def _type_allowed(t: ValType, features: Features) -> bool:
    if t.is_num or t.is_vec or t in (ValType.FUNCREF, ValType.EXTERNREF):
        return True
    feature = _LATER_REF_FEATURE.get(t)
    return feature is not None and getattr(features, feature)


def read_heaptype(data, pos, features=WASM3):
    """A heap type (an s33): an abstract one by name, or a type index."""
    start = pos
    x, pos = s33(data, pos)
    if x >= 0:
        return x, pos
    heap = HEAP_BY_CODE.get(x + 0x80) if x >= -0x40 else None
    if heap is None:
        raise MalformedError("malformed heap type", start)
    if heap not in ("func", "extern"):
        feature = _LATER_HEAP_FEATURE.get(heap)
        if feature is None or not getattr(features, feature):
            raise _bad_type(data[start], start, "malformed heap type")
    return heap, pos


def _typed_ref(data, pos, features):
    """``0x63 HEAP`` / ``0x64 HEAP`` (typed function references)."""
    heap, end = read_heaptype(data, pos + 1, features)
    return ref_type(data[pos] == 0x63, heap), end


def read_reftype(data, pos, features=WASM3):
    b = _type_byte(data, pos)
    if b in (0x63, 0x64) and features.function_references:
        return _typed_ref(data, pos, features)
    t = ValType.from_code(b)
    if t is None or not t.is_ref or not _type_allowed(t, features):
        raise _bad_type(b, pos, "malformed reference type")
    return t, pos + 1


def read_valtype(data, pos, features=WASM3):
    b = _type_byte(data, pos)
    if b in (0x63, 0x64) and features.function_references:
        return _typed_ref(data, pos, features)
    t = ValType.from_code(b)
    if t is None or not _type_allowed(t, features):
        raise _bad_type(b, pos, "malformed value type")
    return t, pos + 1


def _read_heaptype_imm(data, pos, features=WASM3):
    """``ref.null``'s immediate: a heap type, kept as the type of the null it pushes. In
    2.0 the immediate is one reference-type byte (0x70, 0x6F): the same bytes."""
    if not features.function_references:
        t, pos = read_reftype(data, pos, features)
        return (t,), pos
    heap, pos = read_heaptype(data, pos, features)
    return (ref_type(True, heap),), pos


def _read_valtypes(data, pos, features=WASM3):
    n, pos = u32(data, pos)
    types = []
    for _ in range(n):
        t, pos = read_valtype(data, pos, features)
        types.append(t)
    return (tuple(types),), pos


def _read_catches(data, pos, features=WASM3):
    """try_table's catch clauses: ``vec(catch)``, each a kind byte (0 catch, 1 catch_ref,
    2 catch_all, 3 catch_all_ref), a tag index for the first two, and a label index."""
    n, pos = u32(data, pos)
    catches = []
    for _ in range(n):
        start = pos
        kind, pos = byte(data, pos)
        if kind > 3:
            raise MalformedError("malformed catch clause", start)
        tag = None
        if kind < 2:
            tag, pos = u32(data, pos)
        label, pos = u32(data, pos)
        catches.append(Catch(CATCH_KINDS[kind], tag, label))
    return (tuple(catches),), pos


def _read_castflags(data, pos, features=WASM3):
    """br_on_cast's flags byte: bits 0 and 1 (the nullability of its two types)."""
    start = pos
    b, pos = byte(data, pos)
    if b > 3:
        raise MalformedError("malformed br_on_cast flags", start)
    return (b,), pos


IMMEDIATE_READERS: dict[str, Callable] = {
    "fieldidx": _read_index,
    "u32": _read_index,
    "castflags": _read_castflags,
    "tagidx": _read_index,
    "catches": _read_catches,
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
    "heaptype": _read_heaptype_imm,
    "valtypes": _read_valtypes,
}


def _immediates_reader(op: opcodes.Op, table: dict[str, Callable]) -> Callable:
    readers = [table[k] for k in op.imm]
    if len(readers) == 1:
        return readers[0]

    def read(data, pos, features=WASM3):
        values: tuple = ()
        for r in readers:
            v, pos = r(data, pos, features)
            values += v
        return values, pos

    return read


class _Decoded:
    """Per-row decoding data, built once from the opcode table."""

    __slots__ = ("op", "make", "read", "shared", "structured", "uses_data")

    def __init__(self, op: opcodes.Op, readers: dict[str, Callable]):
        self.op = op
        self.make = maker(op)
        self.structured = op.name in ("block", "loop", "if", "try_table")
        self.read = _immediates_reader(op, readers) if op.imm else None
        # Rows whose instruction is the same object wherever it occurs.
        self.shared = self.make() if not op.imm else None
        self.uses_data = op.name in ("memory.init", "data.drop", "array.new_data",
                                     "array.init_data")


def immediate_readers(features: Features = WASM3) -> dict[str, Callable]:
    """``IMMEDIATE_READERS`` as the decoder uses them under ``features`` (multi-memory:
    memory indices are u32 and a memarg may name one; memory64: memarg offsets are u64)."""
    return _rows(features).readers


class _Rows:
    """The decoding rows under one choice of memory proposals (``multi``: memory indices;
    ``wide``: 64-bit offsets), which change how memory immediates are read."""

    def __init__(self, multi: bool, wide: bool):
        readers = dict(IMMEDIATE_READERS)
        readers["memarg"] = self.read_memarg = _memarg_reader(multi, wide)
        if multi:
            readers["memidx"] = _read_memidx_multi
        self.readers = readers
        self.single: list[_Decoded | None] = [
            None if op is None else _Decoded(op, readers) for op in opcodes.SINGLE]
        self.prefixed: dict[int, dict[int, _Decoded]] = {
            prefix: {n: _Decoded(op, readers) for n, op in rows.items()}
            for prefix, rows in opcodes.PREFIXED.items()}
        # Prefixes whose sub-opcode is read before rejecting it: 2.0's, and those of later
        # proposals, so the error names the instruction (binary.later).
        for prefix in later.PREFIXES:
            self.prefixed.setdefault(prefix, {})
        # memory.size and memory.grow of memory 0 build the same object every time.
        for d in self.single:
            if d is not None and d.op.imm == ("memidx",):
                d.shared = d.make(0) if not multi else None
        # The hot paths, by opcode byte: one-byte opcodes without immediates (the shared
        # instruction); with one index immediate (local.get, call, br_if, ...); with a
        # memarg.
        # (rows of a 3.0 feature take the general path, where the feature switch is checked)
        single = [d if d is None or d.op.feature is None else None for d in self.single]
        self.fast = [d.shared if d is not None and d.read is None else None for d in single]
        self.one_index = [d if d is not None and len(d.op.imm) == 1
                          and d.op.imm[0] in _INDEX_KINDS and not d.structured else None
                          for d in single]
        self.memarg = [d if d is not None and d.op.imm == ("memarg",) else None
                       for d in single]


_INDEX_KINDS = {"labelidx", "funcidx", "localidx", "globalidx", "tableidx", "elemidx",
                "dataidx"}
_ROWS: dict[tuple[bool, bool], _Rows] = {}


def _rows(features: Features) -> _Rows:
    key = (features.multi_memory, features.memory64)
    rows = _ROWS.get(key)
    if rows is None:
        rows = _ROWS[key] = _Rows(*key)
    return rows


_PREFIX_SET = frozenset({*opcodes.PREFIXED, *later.PREFIXES})


class CodeReader:
    """Decodes instruction sequences of one module; shares instructions across bodies.

    ``uses_data`` becomes True once a ``memory.init`` or ``data.drop`` was decoded (the
    data count section is then required).
    """

    def __init__(self, data: bytes, features: Features = WASM3):
        self.data = data
        self.features = features  # the proposals instructions may use (syntax.features)
        self.uses_data = False
        self._cache: dict[tuple, object] = {}
        # per opcode byte: immediate value -> the shared instruction (fast paths)
        self._by_byte: list[dict] = [{} for _ in range(256)]
        self._rows = _rows(features)

    def expr(self, pos: int, offsets: array | None = None) -> tuple[list, int]:
        """Decode ``instr* end`` starting at ``pos``; return (body, position after end).

        When ``offsets`` is given, the offset of every instruction, ``else`` and ``end`` is
        appended to it in ``syntax.instructions.walk`` order (see ``Func.offsets``).
        """
        data = self.data
        end = len(data)
        rows = self._rows
        single = rows.single
        fast = rows.fast
        cache = self._cache
        record = offsets.append if offsets is not None else None
        one_index = rows.one_index
        memarg = rows.memarg
        read_memarg = rows.read_memarg
        prefixed = rows.prefixed
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
                imm, pos = read_memarg(data, pos)
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
                instr.else_written = True
                append = instr.else_.append
                if record:
                    record(start)
                continue
            if d is None:
                if b in _PREFIX_SET:
                    n, pos = u32(data, pos)
                    d = prefixed[b].get(n)
                    if d is None or (d.op.feature is not None
                                     and not getattr(self.features, d.op.feature)):
                        raise later.illegal_opcode(b, n, start)
                else:
                    raise later.illegal_opcode(b, None, start)
            elif d.op.feature is not None and not getattr(self.features, d.op.feature):
                raise later.illegal_opcode(b, None, start)
            if record:
                record(start)
            if d.read is None:
                append(d.shared)
                continue
            imm, pos = d.read(data, pos, self.features)
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

