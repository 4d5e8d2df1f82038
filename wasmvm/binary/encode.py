"""Encode a Module as a WebAssembly 2.0 binary (spec chapter 5).

    encode_module(module) -> bytes

One function per section, in the spec's order. Instructions are encoded from the opcode
table: each row's opcode bytes, then its immediates by kind (``_IMMEDIATE_WRITERS``), read
from the instruction's attributes (``_IMMEDIATE_ATTRS``). Structured instructions are
flattened by ``walk``, so nesting depth costs no Python stack.

Everything is written into one ``bytearray`` per section (and one per function body,
whose size must precede it). Integer immediates are checked against their width: a value
that does not fit raises ValueError rather than producing a malformed binary.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterable

from ..opcodes import OPS, Op
from ..syntax.instructions import Instruction, RefFunc, walk
from ..syntax.module import Data, Elem, Export, Func, Global, Import, Module, Names
from ..syntax.types import (
    ABSTRACT_HEAPS,
    PLAIN_SUBTYPE,
    ArrayType,
    FieldType,
    FuncType,
    GlobalType,
    Limits,
    MemoryType,
    PackedType,
    RefType,
    StructType,
    TableType,
    ValType,
    ref_type,
)
from .leb128 import write_signed, write_u32, write_unsigned

__all__ = ["encode_module", "encode_expr", "encode_names", "MAGIC", "VERSION", "SECTION_ORDER"]

MAGIC = b"\x00asm"
VERSION = b"\x01\x00\x00\x00"

#: Section ids in the order the spec requires them (datacount sits before code).
SECTION_ORDER = (1, 2, 3, 4, 5, 13, 6, 7, 8, 9, 12, 10, 11)
_RANK = {sid: rank for rank, sid in enumerate(SECTION_ORDER)}

_EXTERN_KIND = {"func": 0x00, "table": 0x01, "memory": 0x02, "global": 0x03, "tag": 0x04}
_ELSE = 0x05
_END = 0x0B


# ---------------------------------------------------------------------------------------
# Small pieces
# ---------------------------------------------------------------------------------------
def _write_name(out: bytearray, name: str) -> None:
    b = name.encode("utf-8")
    write_u32(out, len(b))
    out += b


def _write_bytes(out: bytearray, b: bytes) -> None:
    write_u32(out, len(b))
    out += b


def _write_vec(out: bytearray, items, write_item: Callable[[bytearray, object], None]) -> None:
    write_u32(out, len(items))
    for item in items:
        write_item(out, item)


def _write_valtype(out: bytearray, t) -> None:
    """A value type: its byte, or for ``(ref null? $t)`` forms 0x63/0x64 and the heap
    type."""
    out.append(t.code)
    if isinstance(t, RefType):
        _write_heaptype(out, t.heap)


def _write_heaptype(out: bytearray, heap) -> None:
    if isinstance(heap, str):
        out.append(ABSTRACT_HEAPS[heap])
    else:
        write_signed(out, heap)  # a type index: a non-negative s33


def _w_heaptype(out: bytearray, t) -> None:
    """``ref.null``'s immediate: the heap type of the null's type."""
    _write_heaptype(out, t.heap)


def _write_limits(out: bytearray, lim: Limits, is_64: bool = False) -> None:
    """Flags 0x00/0x01 (no max/max), plus 0x04 for 64-bit limits (memory64, table64),
    whose bounds are u64. (3.0 reads every bound as a u64, and validation bounds it: a
    32-bit limit over 2**32 is invalid, not malformed, so it is written as read.)"""
    write = write_unsigned if is_64 or lim.min >> 32 or (lim.max or 0) >> 32 else write_u32
    flags = 0x04 if is_64 else 0x00
    if lim.max is None:
        out.append(flags)
        write(out, lim.min)
    else:
        out.append(flags | 0x01)
        write(out, lim.min)
        write(out, lim.max)


def _write_tabletype(out: bytearray, tt: TableType) -> None:
    _write_valtype(out, tt.elem)
    _write_limits(out, tt.limits, tt.is_64)


def _write_memtype(out: bytearray, mt: MemoryType) -> None:
    _write_limits(out, mt.limits, mt.is_64)


def _write_globaltype(out: bytearray, gt: GlobalType) -> None:
    _write_valtype(out, gt.type)
    out.append(0x01 if gt.mutable else 0x00)


# ---------------------------------------------------------------------------------------
# Instructions: table-driven immediates
# ---------------------------------------------------------------------------------------
def _w_blocktype(out: bytearray, bt) -> None:
    if bt is None:
        out.append(0x40)
    elif isinstance(bt, ValType | RefType):
        _write_valtype(out, bt)
    elif 0 <= bt < 1 << 32:
        write_signed(out, bt)  # s33: a type index is a non-negative s33
    else:
        raise ValueError(f"not a block type: {bt!r}")


def _w_memarg(out: bytearray, memarg: tuple[int, int, int]) -> None:
    """flags (the alignment; bit 6 when a memory index follows: multi-memory), the memory
    index unless 0, and the offset (u64 in memory64; below 2**32 it is a valid u32)."""
    align, offset, memory = memarg
    if memory:
        write_u32(out, align | 0x40)
        write_u32(out, memory)
    else:
        write_u32(out, align)
    if not 0 <= offset < 1 << 64:
        raise ValueError(f"memarg offset out of range: {offset}")
    write_unsigned(out, offset)


def _w_labelvec(out: bytearray, labels_default: tuple[tuple[int, ...], int]) -> None:
    labels, default = labels_default
    write_u32(out, len(labels))
    for label in labels:
        write_u32(out, label)
    write_u32(out, default)


def _w_i32(out: bytearray, bits: int) -> None:
    write_signed(out, bits - 0x1_0000_0000 if bits & 0x8000_0000 else bits)


def _w_i64(out: bytearray, bits: int) -> None:
    write_signed(out, bits - (1 << 64) if bits >> 63 else bits)


def _w_f32(out: bytearray, bits: int) -> None:
    out += bits.to_bytes(4, "little")


def _w_f64(out: bytearray, bits: int) -> None:
    out += bits.to_bytes(8, "little")


def _w_v128(out: bytearray, bits: int) -> None:
    out += bits.to_bytes(16, "little")


def _w_shuffle(out: bytearray, lanes: tuple[int, ...]) -> None:
    if len(lanes) != 16:
        raise ValueError(f"i8x16.shuffle needs 16 lane indices, got {len(lanes)}")
    out.extend(lanes)  # ValueError if a lane is not a byte


def _w_valtypes(out: bytearray, types: tuple[ValType, ...]) -> None:
    write_u32(out, len(types))
    for t in types:
        _write_valtype(out, t)


_CATCH_BYTES = {"catch": 0, "catch_ref": 1, "catch_all": 2, "catch_all_ref": 3}


def _w_catches(out: bytearray, catches) -> None:
    write_u32(out, len(catches))
    for c in catches:
        out.append(_CATCH_BYTES[c.kind])
        if c.tag is not None:
            write_u32(out, c.tag)
        write_u32(out, c.label)


def _write_tagtype(out: bytearray, x: int) -> None:
    out.append(0x00)  # the attribute: an exception
    write_u32(out, x)


#: How each immediate kind is written: ``writer(out, value)``.
_IMMEDIATE_WRITERS: dict[str, Callable[[bytearray, object], None]] = {
    "blocktype": _w_blocktype,
    "labelidx": write_u32,
    "labelvec": _w_labelvec,
    "funcidx": write_u32,
    "typeidx": write_u32,
    "tableidx": write_u32,
    "localidx": write_u32,
    "globalidx": write_u32,
    "elemidx": write_u32,
    "dataidx": write_u32,
    "memidx": write_u32,
    "memarg": _w_memarg,
    "i32": _w_i32,
    "i64": _w_i64,
    "f32": _w_f32,
    "f64": _w_f64,
    "v128": _w_v128,
    "laneidx": bytearray.append,  # one byte; ValueError if out of range
    "shuffle": _w_shuffle,
    "heaptype": _w_heaptype,
    "valtypes": _w_valtypes,
    "tagidx": write_u32,
    "catches": _w_catches,
    "fieldidx": write_u32,
    "u32": write_u32,
    "castflags": bytearray.append,
}


#: Where an instruction keeps each kind of immediate (dotted names and tuples allowed).
_IMMEDIATE_ATTRS: dict[str, str | tuple[str, ...] | Callable[[Instruction], object]] = {
    "blocktype": "blocktype",
    "labelidx": "label",
    "labelvec": ("labels", "default"),
    "funcidx": "func",
    "typeidx": "type",
    "tableidx": "table",
    "localidx": "index",
    "globalidx": "index",
    "elemidx": "elem",
    "dataidx": "data",
    "memidx": "memory",
    "memarg": ("align", "offset", "memory"),  # binary order: flags, memory, offset
    "i32": "value.bits",
    "i64": "value.bits",
    "f32": "value.bits",
    "f64": "value.bits",
    "v128": "value.bits",
    "laneidx": "lane",
    "shuffle": "lanes",
    "heaptype": "type",
    "valtypes": "types",
    "tagidx": "tag",
    "catches": "catches",
    "fieldidx": "field",
    "u32": "size",
    "castflags": "flags",
}
#: Rows whose immediates are not found by kind alone (two immediates of one kind).
_ROW_ATTRS: dict[str, tuple[str, ...]] = {"table.copy": ("dst", "src"),
                                           "memory.copy": ("dst", "src"),
                                           "array.copy": ("dst", "src"),
                                           "br_on_cast": ("flags", "label", "from_type",
                                                          "to_type"),
                                           "br_on_cast_fail": ("flags", "label", "from_type",
                                                               "to_type")}

_Plan = tuple[bytes, tuple[tuple[Callable, Callable], ...]]


def _getter(attr) -> Callable[[Instruction], object]:
    if callable(attr):
        return attr
    return operator.attrgetter(*attr) if isinstance(attr, tuple) else operator.attrgetter(attr)


def _plan(op: Op) -> _Plan:
    """The opcode bytes and the (writer, getter) pair of each immediate of one row."""
    attrs = _ROW_ATTRS.get(op.name) or tuple(_IMMEDIATE_ATTRS[kind] for kind in op.imm)
    imms = tuple((_IMMEDIATE_WRITERS[kind], _getter(attr)) for kind, attr in zip(op.imm, attrs))
    return op.opcode_bytes, imms


#: One plan per row of the opcode table, by mnemonic.
_PLANS: dict[str, _Plan] = {op.name: _plan(op) for op in OPS}


def _write_instrs(out: bytearray, body: Iterable[Instruction]) -> None:
    """Append instructions (without a final ``end``); structured ones get else/end."""
    plans = _PLANS
    for event, instr in walk(body):
        if event == "instr":
            try:
                code, imms = plans[instr.op.name]
            except (KeyError, AttributeError):
                raise ValueError(f"not an instruction of the opcode table: {instr!r}") from None
            out += code
            for write, get in imms:
                write(out, get(instr))
        elif event == "end":
            out.append(_END)
        elif instr.else_ or instr.else_written:  # "else": when the arm has instructions,
            out.append(_ELSE)                       # or was written empty


def _write_expr(out: bytearray, expr: Iterable[Instruction]) -> None:
    _write_instrs(out, expr)
    out.append(_END)


def encode_expr(expr: list[Instruction]) -> bytes:
    """An expression (a function body or constant expression) with its final ``end``."""
    out = bytearray()
    _write_expr(out, expr)
    return bytes(out)


# ---------------------------------------------------------------------------------------
# Sections: each returns its contents, or None when the section is omitted
# ---------------------------------------------------------------------------------------
def _write_functype(out: bytearray, ft: FuncType) -> None:
    out.append(0x60)
    _write_vec(out, ft.params, _write_valtype)
    _write_vec(out, ft.results, _write_valtype)


def _write_fieldtype(out: bytearray, ft: FieldType) -> None:
    if isinstance(ft.storage, PackedType):
        out.append(ft.storage.code)
    else:
        _write_valtype(out, ft.storage)
    out.append(1 if ft.mutable else 0)


def _write_comptype(out: bytearray, ct) -> None:
    if isinstance(ct, StructType):
        out.append(0x5F)
        _write_vec(out, ct.fields, _write_fieldtype)
    elif isinstance(ct, ArrayType):
        out.append(0x5E)
        _write_fieldtype(out, ct.field)
    else:
        _write_functype(out, ct)


def _write_subtype(out: bytearray, m: Module, x: int) -> None:
    sub = m.subtype(x)
    if sub.explicit or sub != PLAIN_SUBTYPE:
        out.append(0x4F if sub.final else 0x50)
        _write_vec(out, sub.supers, write_u32)
    _write_comptype(out, m.types[x])


def _type_section(m: Module) -> bytearray | None:
    """The recursion groups: ``0x4E`` and their subtypes, or a subtype alone."""
    groups = m.groups()
    if not groups:
        return None
    out = bytearray()
    write_u32(out, len(groups))
    for g in groups:
        if g.explicit or g.size != 1:
            out.append(0x4E)
            write_u32(out, g.size)
        for x in g.indices:
            _write_subtype(out, m, x)
    return out


_IMPORT_DESC = {
    "func": write_u32,
    "table": _write_tabletype,
    "memory": _write_memtype,
    "global": _write_globaltype,
    "tag": _write_tagtype,
}


def _write_import(out: bytearray, imp: Import) -> None:
    _write_name(out, imp.module)
    _write_name(out, imp.name)
    out.append(_extern_kind(imp.kind))
    _IMPORT_DESC[imp.kind](out, imp.desc)


def _import_section(m: Module) -> bytearray | None:
    return _vec_section(m.imports, _write_import)


def _function_section(m: Module) -> bytearray | None:
    return _vec_section(m.funcs, lambda out, f: write_u32(out, f.type))


def _write_table(out: bytearray, t) -> None:
    if t.init is not None:  # 0x40 0x00, the table type, the initializer expression
        out += b"\x40\x00"
        _write_tabletype(out, t.type)
        _write_expr(out, t.init)
    else:
        _write_tabletype(out, t.type)


def _table_section(m: Module) -> bytearray | None:
    return _vec_section(m.tables, _write_table)


def _memory_section(m: Module) -> bytearray | None:
    return _vec_section(m.mems, lambda out, mem: _write_memtype(out, mem.type))


def _write_global(out: bytearray, g: Global) -> None:
    _write_globaltype(out, g.type)
    _write_expr(out, g.init)


def _tag_section(m: Module) -> bytearray | None:
    return _vec_section(m.tags, lambda out, tag: _write_tagtype(out, tag.type))


def _global_section(m: Module) -> bytearray | None:
    return _vec_section(m.globals, _write_global)


def _write_export(out: bytearray, e: Export) -> None:
    _write_name(out, e.name)
    out.append(_extern_kind(e.kind))
    write_u32(out, e.index)


def _export_section(m: Module) -> bytearray | None:
    return _vec_section(m.exports, _write_export)


def _start_section(m: Module) -> bytearray | None:
    if m.start is None:
        return None
    out = bytearray()
    write_u32(out, m.start)
    return out


def elem_flags(e: Elem) -> int:
    """The element segment's encoding (0..7), chosen from the segment alone.

    bit 0: passive or declarative; bit 1: explicit table index (active) or declarative;
    bit 2: initialisers are expressions rather than function indices.
    """
    # Function indices decode as (ref func) in 3.0 and as funcref in 2.0: a segment whose
    # initialisers are all ref.func uses them when its type is (ref func), or funcref
    # when it was decoded from them (``Elem.indices``: a 2.0 module keeps its bytes).
    # A segment decoded or parsed says which form it was (``indices``); one built by hand
    # (None) takes indices for (ref func) only.
    all_funcs = all(len(x) == 1 and type(x[0]) is RefFunc for x in e.init)
    ref_func = ref_type(False, "func")
    as_indices = all_funcs and (e.type is ref_func or e.type is ValType.FUNCREF) and (
        e.indices if e.indices is not None else e.type is ref_func)
    funcref = e.type is ValType.FUNCREF or as_indices
    kind = e.mode.kind
    if kind == "active":
        flags = 0 if e.mode.table == 0 and funcref and not e.mode.explicit_table else 2
    elif kind == "passive":
        flags = 1
    elif kind == "declarative":
        flags = 3
    else:
        raise ValueError(f"unknown element segment mode: {kind!r}")
    return flags if as_indices else flags | 4


def _write_elem(out: bytearray, e: Elem) -> None:
    flags = elem_flags(e)
    out.append(flags)
    if flags & 3 == 2:  # active, explicit table
        write_u32(out, e.mode.table)
    if not flags & 1:  # active: the offset
        if e.mode.offset is None:
            raise ValueError("an active element segment needs an offset expression")
        _write_expr(out, e.mode.offset)
    if flags & 3:  # an elemkind / reftype byte follows
        if flags & 4:
            _write_valtype(out, e.type)
        else:
            out.append(0x00)
    if flags & 4:
        _write_vec(out, e.init, _write_expr)
    else:
        _write_vec(out, e.init, lambda o, x: write_u32(o, x[0].func))


def _element_section(m: Module) -> bytearray | None:
    return _vec_section(m.elems, _write_elem)


def _datacount_section(m: Module) -> bytearray | None:
    if m.datacount is None:
        return None
    out = bytearray()
    write_u32(out, m.datacount)
    return out


def _write_func(out: bytearray, f: Func) -> None:
    body = bytearray()
    write_u32(body, len(f.locals))
    for loc in f.locals:
        write_u32(body, loc.count)
        _write_valtype(body, loc.type)
    _write_expr(body, f.body)
    write_u32(out, len(body))
    out += body


def _code_section(m: Module) -> bytearray | None:
    return _vec_section(m.funcs, _write_func)


def _write_data(out: bytearray, d: Data) -> None:
    mode = d.mode
    if mode.kind == "passive":
        out.append(0x01)
    elif mode.kind == "active":
        if mode.memory == 0:
            out.append(0x00)
        else:
            out.append(0x02)
            write_u32(out, mode.memory)
        if mode.offset is None:
            raise ValueError("an active data segment needs an offset expression")
        _write_expr(out, mode.offset)
    else:
        raise ValueError(f"unknown data segment mode: {mode.kind!r}")
    _write_bytes(out, d.init)


def _data_section(m: Module) -> bytearray | None:
    return _vec_section(m.datas, _write_data)


def _vec_section(items: list, write_item) -> bytearray | None:
    if not items:
        return None
    out = bytearray()
    _write_vec(out, items, write_item)
    return out


def _extern_kind(kind: str) -> int:
    try:
        return _EXTERN_KIND[kind]
    except KeyError:
        raise ValueError(f"unknown external kind: {kind!r}") from None


_SECTIONS: dict[int, Callable[[Module], bytearray | None]] = {
    1: _type_section,
    2: _import_section,
    3: _function_section,
    4: _table_section,
    5: _memory_section,
    13: _tag_section,
    6: _global_section,
    7: _export_section,
    8: _start_section,
    9: _element_section,
    12: _datacount_section,
    10: _code_section,
    11: _data_section,
}


# ---------------------------------------------------------------------------------------
# The module
# ---------------------------------------------------------------------------------------
def _write_section(out: bytearray, sid: int, content: bytes | bytearray) -> None:
    out.append(sid)
    write_u32(out, len(content))
    out += content


def _customs_by_rank(m: Module) -> dict[int, list]:
    """Custom sections grouped by the rank of the section they follow (-1: first).

    A custom section placed after a section that is absent lands, in effect, after the
    nearest present section before that one: absent sections write nothing.
    """
    slots: dict[int, list] = {}
    for c in m.customs:
        if c.after == 0:
            rank = -1
        elif c.after in _RANK:
            rank = _RANK[c.after]
        else:
            raise ValueError(f"custom section {c.name!r}: no section with id {c.after}")
        slots.setdefault(rank, []).append(c)
    return slots


def _write_customs(out: bytearray, customs: list) -> None:
    for c in customs:
        content = bytearray()
        _write_name(content, c.name)
        content += c.data
        _write_section(out, 0, content)


def encode_names(names: Names) -> bytes | None:
    """The payload of a ``name`` custom section (the inverse of ``decode.parse_names``):
    the module name, function names and local names; None when there are none."""
    out = bytearray()

    def subsection(n: int, content: bytearray) -> None:
        out.append(n)
        write_u32(out, len(content))
        out.extend(content)

    def name_map(buf: bytearray, mapping: dict[int, str]) -> None:
        write_u32(buf, len(mapping))
        for x in sorted(mapping):
            write_u32(buf, x)
            _write_name(buf, mapping[x])

    if names.module is not None:
        content = bytearray()
        _write_name(content, names.module)
        subsection(0, content)
    if names.funcs:
        content = bytearray()
        name_map(content, names.funcs)
        subsection(1, content)
    if names.locals:
        content = bytearray()
        write_u32(content, len(names.locals))
        for f in sorted(names.locals):
            write_u32(content, f)
            name_map(content, names.locals[f])
        subsection(2, content)
    return bytes(out) or None


def encode_module(module: Module) -> bytes:
    """The binary format of ``module``: magic, version, then the non-empty sections
    (and empty ones that a custom section is placed after)."""
    out = bytearray(MAGIC + VERSION)
    customs = _customs_by_rank(module)
    _write_customs(out, customs.get(-1, ()))
    for rank, sid in enumerate(SECTION_ORDER):
        content = _SECTIONS[sid](module)
        if content is None and rank in customs and sid not in (8, 12):
            # A custom section follows this section: keep it, empty, so that the
            # custom section's position survives a round trip.
            content = b"\x00"
        if content is not None:
            _write_section(out, sid, content)
        _write_customs(out, customs.get(rank, ()))
    return bytes(out)
