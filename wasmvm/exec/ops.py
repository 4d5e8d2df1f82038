"""Handlers of the reference tier for every non-control instruction.

A handler is a function ``h(F, pc) -> next pc`` on a frame ``F`` (``F.stack`` is the
frame's operand stack of raw values, ``F.locals`` its locals). ``FACTORIES`` maps each
mnemonic to a factory ``factory(instr, module_inst) -> handler``: the factory runs once
per instruction occurrence when a function is prepared, so immediates, the memory, the
globals and the tables of the module instance are bound into the handler and the loop
does no lookups. The numeric semantics are the functions of ``exec.numerics``; a few
very common operators are written inline for speed, with the same results.
"""

from __future__ import annotations

import functools
import struct

from ..errors import Trap, TrapCode
from ..opcodes import OPS
from ..syntax.values import f32_from_bits, f32_to_bits, f64_from_bits, f64_to_bits
from . import gc, numerics
from .store import ExternRef

M32 = 0xFFFFFFFF
M64 = 0xFFFFFFFFFFFFFFFF

FACTORIES: dict = {}


def factory(*names):
    def register(fn):
        for name in names:
            FACTORIES[name] = fn
        return fn

    return register


def _oob() -> Trap:
    return Trap(TrapCode.MEMORY_OUT_OF_BOUNDS)


# -- numeric ---------------------------------------------------------------------------------
def _numeric_factory(name: str, arity: int):
    fn = numerics.NUMERIC_OPS[name]
    if arity == 1:
        def make(instr, mod):
            def h(F, pc):
                s = F.stack
                s[-1] = fn(s[-1])
                return pc + 1
            return h
    else:
        def make(instr, mod):
            def h(F, pc):
                s = F.stack
                b = s.pop()
                s[-1] = fn(s[-1], b)
                return pc + 1
            return h
    return make


for _op in OPS:
    if _op.group == "numeric" and not _op.name.endswith(".const"):
        FACTORIES[_op.name] = _numeric_factory(_op.name, len(_op.params))


def _inline_binop(expr: str, name: str):
    """Compile a specialised binary handler: ``expr`` uses a and b, raw."""
    src = (f"def make(instr, mod):\n"
           f"    def h(F, pc):\n"
           f"        s = F.stack\n"
           f"        b = s.pop()\n"
           f"        a = s[-1]\n"
           f"        s[-1] = {expr}\n"
           f"        return pc + 1\n"
           f"    return h\n")
    env: dict = {}
    exec(compile(src, f"<handler {name}>", "exec"), env)
    FACTORIES[name] = env["make"]


for _name, _expr in {
    "i32.add": "(a + b) & 4294967295", "i32.sub": "(a - b) & 4294967295",
    "i32.mul": "(a * b) & 4294967295", "i32.and": "a & b", "i32.or": "a | b",
    "i32.xor": "a ^ b", "i32.shl": "(a << (b & 31)) & 4294967295", "i32.shr_u": "a >> (b & 31)",
    "i32.eq": "1 if a == b else 0", "i32.ne": "1 if a != b else 0",
    "i32.lt_u": "1 if a < b else 0", "i32.gt_u": "1 if a > b else 0",
    "i32.le_u": "1 if a <= b else 0", "i32.ge_u": "1 if a >= b else 0",
    "i32.lt_s": "1 if (a ^ 2147483648) < (b ^ 2147483648) else 0",
    "i32.gt_s": "1 if (a ^ 2147483648) > (b ^ 2147483648) else 0",
    "i32.le_s": "1 if (a ^ 2147483648) <= (b ^ 2147483648) else 0",
    "i32.ge_s": "1 if (a ^ 2147483648) >= (b ^ 2147483648) else 0",
    "i64.add": "(a + b) & 18446744073709551615", "i64.sub": "(a - b) & 18446744073709551615",
    "i64.mul": "(a * b) & 18446744073709551615", "i64.and": "a & b", "i64.or": "a | b",
    "i64.xor": "a ^ b", "i64.eq": "1 if a == b else 0", "i64.ne": "1 if a != b else 0",
    "i64.lt_u": "1 if a < b else 0", "i64.gt_u": "1 if a > b else 0",
    "f64.add": "a + b", "f64.sub": "a - b", "f64.mul": "a * b",
}.items():
    _inline_binop(_expr, _name)


@factory("i32.eqz", "i64.eqz")
def _eqz(instr, mod):
    def h(F, pc):
        s = F.stack
        s[-1] = 0 if s[-1] else 1
        return pc + 1
    return h


@factory("i32.const", "i64.const", "f32.const", "f64.const")
def _const(instr, mod):
    v = instr.value
    t = v.type
    raw = v.bits if t.is_int else (f32_from_bits(v.bits) if t == "f32" else f64_from_bits(v.bits))

    def h(F, pc):
        F.stack.append(raw)
        return pc + 1
    return h


# -- parametric ------------------------------------------------------------------------------
@factory("drop")
def _drop(instr, mod):
    def h(F, pc):
        F.stack.pop()
        return pc + 1
    return h


@factory("select", "select_t")
def _select(instr, mod):
    def h(F, pc):
        s = F.stack
        c = s.pop()
        b = s.pop()
        if not c:
            s[-1] = b
        return pc + 1
    return h


@factory("nop")
def _nop(instr, mod):
    return lambda F, pc: pc + 1


@factory("unreachable")
def _unreachable(instr, mod):
    def h(F, pc):
        raise Trap(TrapCode.UNREACHABLE)
    return h


# -- variables -------------------------------------------------------------------------------
@factory("local.get")
def _local_get(instr, mod):
    i = instr.index

    def h(F, pc):
        F.stack.append(F.locals[i])
        return pc + 1
    return h


@factory("local.set")
def _local_set(instr, mod):
    i = instr.index

    def h(F, pc):
        F.locals[i] = F.stack.pop()
        return pc + 1
    return h


@factory("local.tee")
def _local_tee(instr, mod):
    i = instr.index

    def h(F, pc):
        F.locals[i] = F.stack[-1]
        return pc + 1
    return h


@factory("global.get")
def _global_get(instr, mod):
    g = mod.globals[instr.index]

    def h(F, pc):
        F.stack.append(g.value)
        return pc + 1
    return h


@factory("global.set")
def _global_set(instr, mod):
    g = mod.globals[instr.index]

    def h(F, pc):
        g.value = F.stack.pop()
        return pc + 1
    return h


# -- memory ----------------------------------------------------------------------------------
_UNPACK = {
    1: struct.Struct("<B").unpack_from, 2: struct.Struct("<H").unpack_from,
    4: struct.Struct("<I").unpack_from, 8: struct.Struct("<Q").unpack_from,
}
_PACK = {
    1: struct.Struct("<B").pack_into, 2: struct.Struct("<H").pack_into,
    4: struct.Struct("<I").pack_into, 8: struct.Struct("<Q").pack_into,
}
_SIGN_EXTEND = {
    ("i32", 8): numerics.NUMERIC_OPS["i32.extend8_s"],
    ("i32", 16): numerics.NUMERIC_OPS["i32.extend16_s"],
    ("i64", 8): numerics.NUMERIC_OPS["i64.extend8_s"],
    ("i64", 16): numerics.NUMERIC_OPS["i64.extend16_s"],
    ("i64", 32): numerics.NUMERIC_OPS["i64.extend32_s"],
}


@factory(*(op.name for op in OPS if op.group == "memory" and op.access
           and op.access.kind == "load"))
def _load(instr, mod):
    mem = mod.mems[instr.memory]
    offset = instr.offset
    t = instr.t
    size = instr.op.access.size
    bits = size * 8
    unpack = _UNPACK[size]
    end = offset + size
    convert = None
    if t == "f32":
        convert = f32_from_bits
    elif t == "f64":
        convert = f64_from_bits
    elif instr.signed:
        # the extendN_s functions take the narrow value zero-extended, as unpacked
        convert = _SIGN_EXTEND[(t, bits)]
    if convert is None:
        def h(F, pc):
            s = F.stack
            ea = s[-1]
            data = mem.data
            if ea + end > len(data):
                raise _oob()
            s[-1] = unpack(data, ea + offset)[0]
            return pc + 1
    else:
        def h(F, pc):
            s = F.stack
            ea = s[-1]
            data = mem.data
            if ea + end > len(data):
                raise _oob()
            s[-1] = convert(unpack(data, ea + offset)[0])
            return pc + 1
    return h


@factory(*(op.name for op in OPS if op.group == "memory" and op.access
           and op.access.kind == "store"))
def _store(instr, mod):
    mem = mod.mems[instr.memory]
    offset = instr.offset
    t = instr.t
    size = instr.op.access.size
    pack = _PACK[size]
    mask = (1 << (8 * size)) - 1
    end = offset + size
    to_bits = f32_to_bits if t == "f32" else f64_to_bits if t == "f64" else None

    def h(F, pc):
        s = F.stack
        v = s.pop()
        ea = s.pop()
        data = mem.data
        if ea + end > len(data):
            raise _oob()
        pack(data, ea + offset, to_bits(v) if to_bits else v & mask)
        return pc + 1
    return h


@factory("memory.size")
def _memory_size(instr, mod):
    mem = mod.mems[instr.memory]

    def h(F, pc):
        F.stack.append(len(mem.data) >> 16)
        return pc + 1
    return h


@factory("memory.grow")
def _memory_grow(instr, mod):
    mem = mod.mems[instr.memory]
    mask = M64 if mem.is_64 else M32  # -1 as the address type

    def h(F, pc):
        s = F.stack
        s[-1] = mem.grow(s[-1]) & mask
        return pc + 1
    return h


@factory("memory.fill")
def _memory_fill(instr, mod):
    mem = mod.mems[instr.memory]

    def h(F, pc):
        s = F.stack
        n = s.pop()
        v = s.pop()
        d = s.pop()
        mem.fill(d, v, n)
        return pc + 1
    return h


@factory("memory.copy")
def _memory_copy(instr, mod):
    mem = mod.mems[instr.dst]
    source = mod.mems[instr.src]

    def h(F, pc):
        s = F.stack
        n = s.pop()
        src = s.pop()
        d = s.pop()
        mem.copy(d, src, n, source)
        return pc + 1
    return h


@factory("memory.init")
def _memory_init(instr, mod):
    mem = mod.mems[instr.memory]
    seg = mod.datas[instr.data]

    def h(F, pc):
        s = F.stack
        n = s.pop()
        src = s.pop()
        mem.init(s.pop(), seg.data, src, n)
        return pc + 1
    return h


@factory("data.drop")
def _data_drop(instr, mod):
    seg = mod.datas[instr.data]

    def h(F, pc):
        seg.data = b""
        return pc + 1
    return h


# -- references ------------------------------------------------------------------------------
@factory("ref.null")
def _ref_null(instr, mod):
    def h(F, pc):
        F.stack.append(None)
        return pc + 1
    return h


@factory("ref.as_non_null")
def _ref_as_non_null(instr, mod):
    def h(F, pc):
        if F.stack[-1] is None:
            raise Trap(TrapCode.NULL_REFERENCE)
        return pc + 1
    return h


@factory("ref.is_null")
def _ref_is_null(instr, mod):
    def h(F, pc):
        s = F.stack
        s[-1] = 1 if s[-1] is None else 0
        return pc + 1
    return h


@factory("ref.func")
def _ref_func(instr, mod):
    func = mod.funcs[instr.func]

    def h(F, pc):
        F.stack.append(func)
        return pc + 1
    return h


# -- tables ----------------------------------------------------------------------------------
@factory("table.get")
def _table_get(instr, mod):
    get = mod.tables[instr.table].get

    def h(F, pc):
        s = F.stack
        s[-1] = get(s[-1])
        return pc + 1
    return h


@factory("table.set")
def _table_set(instr, mod):
    set_ = mod.tables[instr.table].set

    def h(F, pc):
        s = F.stack
        v = s.pop()
        set_(s.pop(), v)
        return pc + 1
    return h


@factory("table.size")
def _table_size(instr, mod):
    table = mod.tables[instr.table]

    def h(F, pc):
        F.stack.append(len(table.elements))
        return pc + 1
    return h


@factory("table.grow")
def _table_grow(instr, mod):
    table = mod.tables[instr.table]
    mask = M64 if table.is_64 else M32  # -1 as the index type

    def h(F, pc):
        s = F.stack
        n = s.pop()
        s[-1] = table.grow(n, s[-1]) & mask
        return pc + 1
    return h


@factory("table.fill")
def _table_fill(instr, mod):
    fill = mod.tables[instr.table].fill

    def h(F, pc):
        s = F.stack
        n = s.pop()
        v = s.pop()
        fill(s.pop(), v, n)
        return pc + 1
    return h


@factory("table.copy")
def _table_copy(instr, mod):
    copy = mod.tables[instr.dst].copy
    src = mod.tables[instr.src]

    def h(F, pc):
        s = F.stack
        n = s.pop()
        si = s.pop()
        copy(s.pop(), src, si, n)
        return pc + 1
    return h


@factory("table.init")
def _table_init(instr, mod):
    init = mod.tables[instr.table].init
    seg = mod.elems[instr.elem]

    def h(F, pc):
        s = F.stack
        n = s.pop()
        si = s.pop()
        init(s.pop(), seg.elements, si, n)
        return pc + 1
    return h


@factory("elem.drop")
def _elem_drop(instr, mod):
    seg = mod.elems[instr.elem]

    def h(F, pc):
        seg.elements = []
        return pc + 1
    return h


__all__ = ["FACTORIES", "ExternRef"]

from .simd_ops import register as _register_simd  # noqa: E402 - simd_ops adds the vector rows

_register_simd(FACTORIES)


# -- GC (WebAssembly 3.0): the semantics are exec.gc's, shared with the compiled tier ---------
def _gc_value(nargs: int, bind):
    """A factory of a handler that pops ``nargs`` operands and pushes ``fn(*operands)``,
    ``fn = bind(instr, mod)``."""
    def make(instr, mod):
        fn = bind(instr, mod)
        if nargs == 0:
            def h(F, pc):
                F.stack.append(fn())
                return pc + 1
        elif nargs == 1:
            def h(F, pc):
                s = F.stack
                s[-1] = fn(s[-1])
                return pc + 1
        else:
            def h(F, pc):
                s = F.stack
                args = s[-nargs:]
                del s[-nargs:]
                s.append(fn(*args))
                return pc + 1
        return h
    return make


def _gc_statement(nargs: int, bind):
    """A factory of a handler that pops ``nargs`` operands and calls ``fn(*operands)``."""
    def make(instr, mod):
        fn = bind(instr, mod)

        def h(F, pc):
            s = F.stack
            args = s[-nargs:]
            del s[-nargs:]
            fn(*args)
            return pc + 1
        return h
    return make


def _bits(mod, x: int, field: int | None = None) -> int:
    """The width of a packed field (struct ``x``'s ``field``, or array ``x``'s element)."""
    ct = mod.types[x]
    return (ct.fields[field] if field is not None else ct.field).storage.bit_width


def _struct_get_s(r, *, k: int, bits: int) -> int:
    return gc.struct_get_s(r, k, bits)


def _array_get_s(r, i, *, bits: int) -> int:
    return gc.array_get_s(r, i, bits)


def _n_fields(mod, x: int) -> int:
    return len(mod.types[x].fields)


FACTORIES.update({
    "ref.eq": _gc_value(2, lambda i, m: gc.ref_eq),
    "ref.i31": _gc_value(1, lambda i, m: gc.ref_i31),
    "i31.get_s": _gc_value(1, lambda i, m: gc.i31_get_s),
    "i31.get_u": _gc_value(1, lambda i, m: gc.i31_get_u),
    "any.convert_extern": _gc_value(1, lambda i, m: gc.any_convert_extern),
    "extern.convert_any": _gc_value(1, lambda i, m: gc.extern_convert_any),
    "struct.new_default": _gc_value(
        0, lambda i, m: functools.partial(gc.struct_new_default, m.type_ids[i.type])),
    "struct.get": _gc_value(1, lambda i, m: lambda r, k=i.field: gc.struct_get(r, k)),
    "struct.get_u": _gc_value(1, lambda i, m: lambda r, k=i.field: gc.struct_get(r, k)),
    "struct.get_s": _gc_value(1, lambda i, m: functools.partial(
        _struct_get_s, k=i.field, bits=_bits(m, i.type, i.field))),
    "struct.set": _gc_statement(2, lambda i, m: lambda r, v, k=i.field: gc.struct_set(r, k, v)),
    "array.new": _gc_value(2, lambda i, m: functools.partial(gc.array_new, m.type_ids[i.type])),
    "array.new_default": _gc_value(
        1, lambda i, m: functools.partial(gc.array_new_default, m.type_ids[i.type])),
    "array.new_data": _gc_value(2, lambda i, m: lambda s, n, t=m.type_ids[i.type],
                                seg=m.datas[i.data]: gc.array_new_data(t, seg.data, s, n)),
    "array.new_elem": _gc_value(2, lambda i, m: lambda s, n, t=m.type_ids[i.type],
                                seg=m.elems[i.elem]: gc.array_new_elem(t, seg.elements, s, n)),
    "array.get": _gc_value(2, lambda i, m: gc.array_get),
    "array.get_u": _gc_value(2, lambda i, m: gc.array_get),
    "array.get_s": _gc_value(2, lambda i, m: functools.partial(
        _array_get_s, bits=_bits(m, i.type))),
    "array.set": _gc_statement(3, lambda i, m: gc.array_set),
    "array.len": _gc_value(1, lambda i, m: gc.array_len),
    "array.fill": _gc_statement(4, lambda i, m: gc.array_fill),
    "array.copy": _gc_statement(5, lambda i, m: gc.array_copy),
    "array.init_data": _gc_statement(4, lambda i, m: lambda r, d, s, n, seg=m.datas[i.data]:
                                     gc.array_init_data(r, d, seg.data, s, n)),
    "array.init_elem": _gc_statement(4, lambda i, m: lambda r, d, s, n, seg=m.elems[i.elem]:
                                     gc.array_init_elem(r, d, seg.elements, s, n)),
})


def _new_from_operands(count, build):
    """A factory of a handler that pops ``count(instr, mod)`` operands and pushes
    ``build(type_id, operands)``: ``struct.new`` (its fields) and ``array.new_fixed``."""
    def make(instr, mod):
        type_id = mod.type_ids[instr.type]
        n = count(instr, mod)

        def h(F, pc):
            s = F.stack
            if n:
                values = s[-n:]
                del s[-n:]
            else:
                values = []
            s.append(build(type_id, values))
            return pc + 1
        return h
    return make


FACTORIES["struct.new"] = _new_from_operands(lambda i, m: _n_fields(m, i.type), gc.struct_new)
FACTORIES["array.new_fixed"] = _new_from_operands(lambda i, m: i.size, gc.array_new_fixed)


def heap_operand(t, type_ids):
    """A cast's target heap type as exec.gc takes it: abstract, or a canonical id."""
    heap = t.heap
    return type_ids[heap] if isinstance(heap, int) else heap


def _cast(fn):
    """``ref.test`` and ``ref.cast`` (and their nullable rows): ``fn(value, nullable,
    heap)`` of the instruction's target type."""
    def make(instr, mod):
        nullable = instr.type.nullable
        heap = heap_operand(instr.type, mod.type_ids)

        def h(F, pc):
            s = F.stack
            s[-1] = fn(s[-1], nullable, heap)
            return pc + 1
        return h
    return make


for _name, _fn in (("ref.test", gc.ref_test), ("ref.cast", gc.ref_cast)):
    FACTORIES[_name] = FACTORIES[_name + "_null"] = _cast(_fn)
