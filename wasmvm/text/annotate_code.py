"""Annotating instruction sequences: function bodies and constant expressions.

Driven by the opcode table: an opcode byte (or prefix and LEB128 sub-opcode) is looked up
in ``opcodes.SINGLE`` / ``opcodes.PREFIXED``, and each of the row's immediate kinds is
first read by the decoder's own reader (``binary.code.immediate_readers()``, so the same
bytes are accepted and rejected) and then explained by the describer for that kind
(``DESCRIBERS``, one entry per ``opcodes.IMMEDIATE_KINDS`` key). Only ``else`` and ``end``,
which are structure rather than table rows, have code of their own.

Nesting is tracked on a list, never by recursion, so 100,000 nested blocks are fine.
"""

from __future__ import annotations

from collections.abc import Callable

from .. import opcodes
from ..binary import later, reader
from ..binary.code import immediate_readers, read_heaptype, read_valtype
from ..errors import InternalError, MalformedError
from ..opcodes import ELSE, END
from ..syntax.control import CATCH_KINDS
from ..syntax.values import f32, f64, v128
from .layout import named
from .records import IMMEDIATE, OPCODE, Walker

# A describer explains the bytes of one immediate starting at ``pos`` (already checked by
# the decoder's reader) and returns the position after it. ``funcidx`` is the function
# whose body is being read (for local names), or None in a constant expression.
Describer = Callable[[Walker, int, "int | None"], int]


def _index(description: str, name_of=None) -> Describer:
    def describe(w: Walker, pos: int, funcidx: int | None) -> int:
        x, end = reader.u32(w.data, pos)
        name = name_of(w, funcidx, x) if name_of else None
        w.emit(pos, end, IMMEDIATE, description, named(x, name))
        return end

    return describe


def _blocktype(w: Walker, pos: int, funcidx: int | None) -> int:
    b = w.data[pos]
    if b == 0x40:
        w.emit(pos, pos + 1, IMMEDIATE, "block type", "empty")
        return pos + 1
    if b & 0xC0 == 0x40:  # one byte, a negative s33: a value type
        t, end = read_valtype(w.data, pos)
        w.emit(pos, end, IMMEDIATE, "block type", str(t))
        return end
    x, end = reader.s33(w.data, pos)
    w.emit(pos, end, IMMEDIATE, "block type", f"type index {x}")
    return end


def _labelvec(w: Walker, pos: int, funcidx: int | None) -> int:
    n, pos = w.u32(pos, "br_table target count", kind=IMMEDIATE)
    for _ in range(n):
        _, pos = w.u32(pos, "br_table target", kind=IMMEDIATE)
    _, pos = w.u32(pos, "br_table default target", kind=IMMEDIATE)
    return pos


def _memidx(w: Walker, pos: int, funcidx: int | None) -> int:
    _, pos = w.u32(pos, "memory index", kind=IMMEDIATE)
    return pos


def _align_text(flags: int) -> str:
    a = flags & ~0x40
    text = f"{a} (2**{a} = {1 << a} bytes)"
    return f"0x{flags:02x}: align {text}, a memory index follows" if flags & 0x40 else text


def _memarg(w: Walker, pos: int, funcidx: int | None) -> int:
    flags, pos = w.u32(pos, "memarg align", _align_text, kind=IMMEDIATE)
    if flags & 0x40:  # multi-memory
        _, pos = w.u32(pos, "memarg memory index", kind=IMMEDIATE)
    offset, end = reader.uleb(w.data, pos, 64)  # memory64: a u64
    w.emit(pos, end, IMMEDIATE, "memarg offset", offset)
    return end


def _sleb(description: str, bits: int) -> Describer:
    def describe(w: Walker, pos: int, funcidx: int | None) -> int:
        c, end = reader.sleb(w.data, pos, bits)
        w.emit(pos, end, IMMEDIATE, description, c)
        return end

    return describe


def _fixed(description: str, value_class) -> Describer:
    size = value_class.width // 8

    def describe(w: Walker, pos: int, funcidx: int | None) -> int:
        bits, end = reader.le_uint(w.data, pos, size)
        w.emit(pos, end, IMMEDIATE, description, value_class.from_bits(bits))
        return end

    return describe


def _laneidx(w: Walker, pos: int, funcidx: int | None) -> int:
    w.emit(pos, pos + 1, IMMEDIATE, "lane index", w.data[pos])
    return pos + 1


def _shuffle(w: Walker, pos: int, funcidx: int | None) -> int:
    raw, end = reader.fixed(w.data, pos, 16)
    w.emit(pos, end, IMMEDIATE, "shuffle lane indices", " ".join(str(b) for b in raw))
    return end


def _heaptype(w: Walker, pos: int, funcidx: int | None) -> int:
    heap, end = read_heaptype(w.data, pos)
    w.emit(pos, end, IMMEDIATE, "heap type",
           heap if isinstance(heap, str) else f"type index {heap}")
    return end


def _valtypes(w: Walker, pos: int, funcidx: int | None) -> int:
    n, pos = w.u32(pos, "num result types", kind=IMMEDIATE)
    for _ in range(n):
        t, end = read_valtype(w.data, pos)
        w.emit(pos, end, IMMEDIATE, "result type", str(t))
        pos = end
    return pos


def _catches(w: Walker, pos: int, funcidx: int | None) -> int:
    """try_table's clauses: a kind byte, a tag index (catch, catch_ref), a label."""
    n, pos = w.u32(pos, "num catch clauses", kind=IMMEDIATE)
    for _ in range(n):
        kind = w.data[pos]
        w.emit(pos, pos + 1, IMMEDIATE, "catch kind", f"{kind} ({CATCH_KINDS[kind]})")
        pos += 1
        if kind < 2:
            pos = _index("tag index")(w, pos, funcidx)
        pos = _index("label index")(w, pos, funcidx)
    return pos


def _castflags(w: Walker, pos: int, funcidx: int | None) -> int:
    b = w.data[pos]
    w.emit(pos, pos + 1, IMMEDIATE, "cast flags", b)
    return pos + 1


DESCRIBERS: dict[str, Describer] = {
    "tagidx": _index("tag index"),
    "catches": _catches,
    "blocktype": _blocktype,
    "labelidx": _index("label index"),
    "labelvec": _labelvec,
    "funcidx": _index("function index", lambda w, f, x: w.func_name(x)),
    "typeidx": _index("type index"),
    "tableidx": _index("table index"),
    "localidx": _index("local index", lambda w, f, x: w.local_name(f, x)),
    "globalidx": _index("global index"),
    "elemidx": _index("element segment index"),
    "dataidx": _index("data segment index"),
    "memidx": _memidx,
    "memarg": _memarg,
    "i32": _sleb("i32 literal", 32),
    "i64": _sleb("i64 literal", 64),
    "f32": _fixed("f32 literal", f32),
    "f64": _fixed("f64 literal", f64),
    "v128": _fixed("v128 literal", v128),
    "laneidx": _laneidx,
    "shuffle": _shuffle,
    "heaptype": _heaptype,
    "valtypes": _valtypes,
    "fieldidx": _index("field index"),
    "u32": _index("count"),
    "castflags": _castflags,
}


def _opcode(data: bytes, start: int) -> tuple[opcodes.Op, int, str]:
    """The table row at ``start``, the position after the opcode, and how it is encoded."""
    b, pos = reader.byte(data, start)
    op = opcodes.SINGLE[b]
    if op is not None:
        return op, pos, ""
    if b in opcodes.PREFIXED or b in later.PREFIXES:
        n, pos = reader.u32(data, pos)
        op = opcodes.PREFIXED.get(b, {}).get(n)
        if op is not None:
            return op, pos, f"prefix 0x{b:02x}, sub-opcode {n}"
        raise later.illegal_opcode(b, n, start)
    raise later.illegal_opcode(b, None, start)


def walk_expr(w: Walker, pos: int, funcidx: int | None = None) -> int:
    """Annotate ``instr* end`` from ``pos``; return the position after the final ``end``.

    Sets ``w.uses_data`` when an instruction refers to a data segment (the decoder then
    requires the data count section).
    """
    data = w.data
    base = w.depth
    readers = immediate_readers()
    # One entry per open block: "if" while in the then arm of an if, else "block".
    open_blocks: list[str] = []
    try:
        while True:
            start = pos
            b, pos = reader.byte(data, pos)
            if b == END:
                w.depth = base + max(len(open_blocks) - 1, 0)
                w.emit(start, pos, OPCODE, "end")
                if not open_blocks:
                    return pos
                open_blocks.pop()
                continue
            if b == ELSE:
                if not open_blocks or open_blocks[-1] != "if":
                    raise MalformedError("END opcode expected", start)
                open_blocks[-1] = "else"
                w.depth = base + len(open_blocks) - 1
                w.emit(start, pos, OPCODE, "else")
                continue
            op, pos, encoding = _opcode(data, start)
            w.depth = base + len(open_blocks)
            w.emit(start, pos, OPCODE, op.name, encoding)
            for kind in op.imm:
                _, end = readers[kind](data, pos)  # the decoder's checks
                if DESCRIBERS[kind](w, pos, funcidx) != end:
                    raise InternalError(f"annotating {op.name}: {kind} size disagrees", pos)
                pos = end
            if "dataidx" in op.imm:
                w.uses_data = True
            if "blocktype" in op.imm:
                open_blocks.append("if" if op.code == 0x04 else "block")
    finally:
        w.depth = base
