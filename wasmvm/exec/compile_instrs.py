"""The translations of single instructions (``DISPATCH``: mnemonic -> ``(translator,
instr) -> unreachable after?``): the special ones by name, the others by the opcode
table's group (numeric, vector, scalar loads and stores). Each works on a
``compile.Translator``'s symbolic stack and output."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..opcodes import OPS
from ..syntax.values import f32_from_bits, f64_from_bits
from .compile_text import _LOADS, _MASK, _STORES, EPOCH_CHECK, E, _p

if TYPE_CHECKING:
    from .compile import Translator


# -- instructions with their own translation -------------------------------------------------
def _local_get(t: Translator, instr):
    i = instr.index
    t.stack.append(E(f"l{i}", {i}, 0, None, t.bounds.get(i)))  # (light: no store)


def _local_set(t: Translator, instr):
    v = t.pop()
    i = instr.index
    t.store_readers_of(i)
    text = v.text
    # a value just put in the slot above the stack (or a load's temporary), read by
    # nothing else, goes into the local instead (``s0 = W4[...]`` + ``l3 = s0`` is ``l3
    # = W4[...]``)
    if not ((t.is_fresh_slot(text, len(t.stack)) or text[:2] == "_t")
            and t.retarget_last(text, f"l{i} = ")):
        t.emit(f"l{i} = {text}")
    if v.rng is not None and t.track and i in t.int_locals:
        t.bounds[i] = v.rng
    else:
        t.bounds.pop(i, None)


def _local_tee(t: Translator, instr):
    _local_set(t, instr)
    _local_get(t, instr)


def _global_get(t: Translator, instr):
    t.stack.append(E(f"g{instr.index}.value"))
    t.store(len(t.stack) - 1)


def _global_set(t: Translator, instr):
    t.emit(f"g{instr.index}.value = {t.pop().text}")


def _const(t: Translator, instr):
    v = instr.value
    ty = v.type
    if ty == "i32" or ty == "i64":
        t.push(E(str(v.bits), rng=(v.bits, v.bits)))
        return
    if ty == "v128":
        t.push(E(str(v.bits)))
        return
    x = f32_from_bits(v.bits) if ty == "f32" else f64_from_bits(v.bits)
    if x != x or x in (float("inf"), float("-inf")):
        t.push(E(t.const_name(x)))
    else:
        t.push(E(repr(x) if x >= 0 or repr(x).startswith("-") else repr(x)))


def _drop(t: Translator, instr):
    t.pop()


def _select(t: Translator, instr):
    c = t.pop()
    b = t.pop()
    a = t.pop()
    t.result(f"({a.text} if {c.truth} else {b.text})", [a, b, c])


def _nop(t: Translator, instr):
    pass


def _throw(t: Translator, instr):
    n = len(t.mod.tags[instr.tag].type.params)
    args = [t.pop() for _ in range(n)][::-1]
    payload = "".join(f"{a.text}, " for a in args)
    t.emit(f"raise _throw(X{instr.tag}, ({payload}))")
    return True


def _throw_ref(t: Translator, instr):
    t.emit(f"raise _throw_ref({t.pop().text})")
    return True


def _unreachable(t: Translator, instr):
    t.emit("raise _unreachable()")
    return True


def _br(t: Translator, instr):
    t.store_all()
    t.branch(instr.label)
    return True


def _br_if(t: Translator, instr):
    c = t.pop()
    t.store_all()
    label = t.labels[-1 - instr.label]
    if instr.label == 0 and label.skips is not None:  # to a skippable block from its top
        # level (not inside a loop it ends with): the rest of the block goes in an
        # ``if`` of the branch not taken
        start = len(t.lines)
        t.emit(f"if {c.truth}:")
        t.indent += 1
        t.carry(label)
        t.indent -= 1
        if len(t.lines) == start + 1:  # nothing to carry
            t.lines[-1] = f"{t.IND * t.indent}if not ({c.truth}):"
        else:
            t.emit("else:")
        t.indent += 1
        t.emit("pass")
        label.skips += 1
    else:
        t.emit(f"if {c.truth}:")
        t.indent += 1
        t.branch(instr.label)
        t.indent -= 1
    facts = t.truth_facts(c)
    if facts is not None:
        t.assume(facts[1])  # the branch was not taken


def _br_table(t: Translator, instr):
    """Dispatch on the index by a binary tree of comparisons over the runs of equal
    targets: O(log n) tests, never a chain."""
    i = t.pop()
    t.store_all()
    runs: list[tuple[int, int]] = []  # (first index, depth), by index
    for k, depth in enumerate(instr.labels):
        if not runs or runs[-1][1] != depth:
            runs.append((k, depth))
    if not runs or runs[-1][1] != instr.default:
        runs.append((len(instr.labels), instr.default))  # every index past the table
    if len(runs) == 1:
        t.branch(runs[0][1])
        return True
    t.emit(f"_i = {i.text}")
    _table_tree(t, runs, 0, len(runs))
    return True


def _table_tree(t: Translator, runs: list, a: int, b: int) -> None:
    """Branch to the targets of ``runs[a:b]``, knowing ``runs[a][0] <= _i`` and ``_i``
    below the start of run ``b``."""
    if b - a == 1:
        t.branch(runs[a][1])
        return
    mid = (a + b) // 2
    t.emit(f"if _i < {runs[mid][0]}:")
    t.indent += 1
    _table_tree(t, runs, a, mid)
    t.indent -= 1
    t.emit("else:")
    t.indent += 1
    _table_tree(t, runs, mid, b)
    t.indent -= 1


def _return(t: Translator, instr):
    t.emit_return()
    return True


def _call_args(t: Translator, n: int, depth: str = "d + 1") -> str:
    args = t.stack[len(t.stack) - n:] if n else []
    del t.stack[len(t.stack) - n:]
    t.stored = min(t.stored, len(t.stack))
    return ", ".join([a.text for a in args] + [depth])


def _call_results(t: Translator, call: str, nresults: int) -> None:
    base = len(t.stack)
    if nresults == 0:
        t.emit(call)
    elif nresults == 1:
        t.emit(f"s{base} = {call}")
    else:
        t.emit(", ".join(f"s{base + j}" for j in range(nresults)) + f" = {call}")
    t.stack.extend(E(f"s{base + j}") for j in range(nresults))


def _call(t: Translator, instr):
    callee = t.mod.funcs[instr.func]
    ft = callee.type
    args = _call_args(t, len(ft.params))
    _call_results(t, f"F{instr.func}({args})", len(ft.results))


def _call_indirect(t: Translator, instr):
    ft = t.mod.types[instr.type]
    target, args = _indirect_target(t, instr, "d + 1")
    _call_results(t, f"{target}({args})", len(ft.results))


def _indirect_target(t: Translator, instr, depth: str) -> tuple[str, str]:
    """The callable (text) a call_indirect or return_call_indirect calls, and the text
    of its arguments (popped), the call depth ``depth`` last."""
    ft = t.mod.types[instr.type]
    i = t.pop()
    args = _call_args(t, len(ft.params), depth)
    table, ty = f"T{instr.table}", f"TY{instr.type}"
    t.ntemps += 1
    n = t.ntemps
    # the common case inline: a WebAssembly function of exactly this type (its canonical
    # id TYn, never a literal: translated source is cached across processes), compiled
    # already; anything else (out of bounds, null, a subtype or another type, a host
    # function, a first call) takes _call_indirect, which checks, traps and translates
    wasm_func = "_WasmFunc"  # (compile_rt's namespace)
    target = (f"(_c{n} if (_i{n} := {i.text}) < len({table}.elements) and "
              f"(_f{n} := {table}.elements[_i{n}]).__class__ is {wasm_func} and "
              f"_f{n}.type_id == {ty} and (_c{n} := _f{n}.compiled) is not None "
              f"else _call_indirect({table}, _i{n}, {ty}))")
    return target, args


# Tail calls. A function containing return_call* returns a request ``_TC(callee, args)``
# (compile_rt.TailCall) instead of calling: its callers never see one, because the
# callable installed for it (compile_rt.tail_entry) runs the requests in a loop, calling
# the body of a callee that makes requests itself, so a chain of tail calls runs in that
# one loop at the depth ``d`` of the first call, whatever its length.
def _return_call(t: Translator, instr):
    n = len(t.mod.funcs[instr.func].type.params)
    if t.JUMP_TO_SELF and instr.func == t.func.index and not t.py_loops:
        # a self tail call outside any Python loop: rebind the parameters and go back to
        # the top of the function's ``while True``
        t.self_loop = True
        args = t.stack[len(t.stack) - n:] if n else []
        del t.stack[len(t.stack) - n:]
        if n:
            t.emit(f"{', '.join(f'l{i}' for i in range(n))} = "
                   f"{', '.join(a.text for a in args)}")
        if t.epoch:
            t.emit(EPOCH_CHECK)
        t.emit("continue")
        return True
    t.emit_tail_call(f"_TC(F{instr.func}, ({_call_args(t, n, 'd')},))")
    return True


def _return_call_indirect(t: Translator, instr):
    target, args = _indirect_target(t, instr, "d")
    t.emit_tail_call(f"_TC({target}, ({args},))")
    return True


def _return_call_ref(t: Translator, instr):
    f = t.pop()
    args = _call_args(t, len(t.mod.types[instr.type].params), "d")
    t.emit_tail_call(f"_TC(_call_ref({f.text}), ({args},))")
    return True


def _call_ref(t: Translator, instr):
    ft = t.mod.types[instr.type]
    f = t.pop()  # (evaluated before the arguments: both are pure or stored, and only a
    # null reference traps)
    args = _call_args(t, len(ft.params))
    _call_results(t, f"_call_ref({f.text})({args})", len(ft.results))


def _br_on_null(t: Translator, instr):
    t.store_all()  # the reference too: it is tested, then stays or is dropped
    k = len(t.stack) - 1
    t.pop()  # a taken branch carries the values below it
    t.emit(f"if s{k} is None:")
    t.indent += 1
    t.branch(instr.label)
    t.indent -= 1
    t.stack.append(E(f"s{k}"))
    t.stored = len(t.stack)


def _br_on_non_null(t: Translator, instr):
    t.store_all()
    k = len(t.stack) - 1
    t.emit(f"if s{k} is not None:")  # the branch carries the reference as its last value
    t.indent += 1
    t.branch(instr.label)
    t.indent -= 1
    t.pop()
def _mem(k: int) -> str:
    """The name of memory ``k`` (a MemInst) in the namespace: ``_mem`` for memory 0, as
    before multi-memory, ``_memk`` for the others (``M``/``Mk``: their data)."""
    return f"_mem{k}" if k else "_mem"


def _memory_size(t: Translator, instr):
    data = f"M{instr.memory}" if instr.memory else "M"
    t.stack.append(E(f"(len({data}) >> 16)"))
    t.store(len(t.stack) - 1)


def _memory_grow(t: Translator, instr):
    n = t.pop()
    mask = _MASK["i64" if t.mod.mems[instr.memory].is_64 else "i32"]  # -1 as the address type
    t.stack.append(E(f"{_mem(instr.memory)}.grow({n.text}) & {mask}"))
    t.store(len(t.stack) - 1)


def _memory_statement(template: str):
    """memory.fill/copy/init of memory ``m`` (copy: from memory ``src`` when another)."""
    def translate(t: Translator, instr):
        args = [t.pop() for _ in range(3)][::-1]
        if instr.op.name == "memory.copy":
            m = _mem(instr.dst)
            src = f", {_mem(instr.src)}" if instr.src != instr.dst else ""
        else:
            m, src = _mem(instr.memory), ""
        t.emit(template.format(*[a.text for a in args], i=instr, m=m, src=src))
    return translate


def _memory_fill(t: Translator, instr):
    """memory.fill of memory 0 in place: a bounds check, then one slice assignment of the
    data (``_FB[v]``: the byte ``v`` as bytes); another memory's goes through its
    MemInst."""
    if instr.memory:
        return _FILL_METHOD(t, instr)
    d, v, n = [t.pop() for _ in range(3)][::-1]
    d_first, d_later = t.temp(d)
    n_first, n_later = t.temp(n)
    end = t.new_temp()
    byte = v.text if v.rng is not None and v.rng[1] <= 0xFF else f"{_p(v)} & 255"
    t.emit(f"if ({end} := {d_first} + {n_first}) > len(M): raise _oob()")
    t.emit(f"M[{d_later}:{end}] = _FB[{byte}] * {n_later}")


def _memory_copy(t: Translator, instr):
    """memory.copy within memory 0 in place: bounds checks of both ranges, then one slice
    assignment (of its byte view: a memmove, overlapping or not); other memories' go
    through their MemInsts."""
    if instr.dst or instr.src:
        return _COPY_METHOD(t, instr)
    d, s, n = [t.pop() for _ in range(3)][::-1]
    d_first, d_later = t.temp(d)
    s_first, s_later = t.temp(s)
    n_first, n_later = t.temp(n)
    s_end, d_end = t.new_temp(), t.new_temp()
    data = "WB[0]" if t.views else "M"  # (M[s:e] is a copy: overlaps are safe too)
    t.emit(f"if ({s_end} := {s_first} + {n_first}) > len(M) "
           f"or ({d_end} := {d_first} + {n_later}) > len(M): raise _oob()")
    t.emit(f"{data}[{d_later}:{d_end}] = {data}[{s_later}:{s_end}]")


_FILL_METHOD = _memory_statement("{m}.fill({0}, {1}, {2})")
_COPY_METHOD = _memory_statement("{m}.copy({0}, {1}, {2}{src})")


def _table_grow(t: Translator, instr):
    n = t.pop()
    init = t.pop()
    mask = _MASK["i64" if t.mod.tables[instr.table].is_64 else "i32"]  # -1 as the index type
    t.stack.append(E(f"T{instr.table}.grow({n.text}, {init.text}) & {mask}"))
    t.store(len(t.stack) - 1)


def _statement(template: str, nargs: int):
    def translate(t: Translator, instr):
        args = [t.pop() for _ in range(nargs)][::-1]
        t.emit(template.format(*[a.text for a in args], i=instr))
    return translate


def _value(template: str, nargs: int):
    def translate(t: Translator, instr):
        args = [t.pop() for _ in range(nargs)][::-1]
        t.stack.append(E(template.format(*[a.text for a in args], i=instr)))
        t.store(len(t.stack) - 1)
    return translate


def _ref_null(t: Translator, instr):
    t.push(E("None"))


def _ref_is_null(t: Translator, instr):
    a = t.pop()
    cond = f"{_p(a)} is None"
    t.result(f"(1 if {cond} else 0)", [a], cond=cond)


def _ref_func(t: Translator, instr):
    t.push(E(f"R{instr.func}"))


# GC (WebAssembly 3.0): calls of exec.gc's functions (compile_rt binds them as _gc_*);
# type indices are bound as TYn, never as canonical ids (translations are cached).
def _heap_text(rt) -> str:
    """A cast's target heap type as exec.gc takes it, as text: ``TYn`` or ``'eq'``."""
    return f"TY{rt.heap}" if isinstance(rt.heap, int) else repr(rt.heap)


def _operands(n: int) -> str:
    return "[" + ", ".join(f"{{{k}}}" for k in range(n)) + "]"


def _struct_new(t: Translator, instr):
    n = len(t.mod.types[instr.type].fields)
    _value(f"_gc_struct_new(TY{{i.type}}, {_operands(n)})", n)(t, instr)


def _array_new_fixed(t: Translator, instr):
    _value(f"_gc_array_new_fixed(TY{{i.type}}, {_operands(instr.size)})", instr.size)(t, instr)


def _struct_get_s(t: Translator, instr):
    bits = t.mod.types[instr.type].fields[instr.field].storage.bit_width
    _value(f"_gc_struct_get_s({{0}}, {{i.field}}, {bits})", 1)(t, instr)


def _array_get_s(t: Translator, instr):
    bits = t.mod.types[instr.type].field.storage.bit_width
    _value(f"_gc_array_get_s({{0}}, {{1}}, {bits})", 2)(t, instr)


def _ref_test(t: Translator, instr):
    rt = instr.type
    fn = "_gc_ref_test" if instr.op.name.startswith("ref.test") else "_gc_ref_cast"
    _value(f"{fn}({{0}}, {rt.nullable}, {_heap_text(rt)})", 1)(t, instr)


def _br_on_cast(t: Translator, instr):
    t.store_all()  # the reference stays on the stack, branch taken or not
    k = len(t.stack) - 1
    rt = instr.to_type
    want = 0 if instr.op.name == "br_on_cast_fail" else 1
    t.emit(f"if _gc_ref_test(s{k}, {rt.nullable}, {_heap_text(rt)}) == {want}:")
    t.indent += 1
    t.branch(instr.label)
    t.indent -= 1


_GC_SPECIAL = {
    "ref.eq": _value("_gc_ref_eq({0}, {1})", 2),
    "ref.i31": _value("_gc_ref_i31({0})", 1),
    "i31.get_s": _value("_gc_i31_get_s({0})", 1),
    "i31.get_u": _value("_gc_i31_get_u({0})", 1),
    "any.convert_extern": _value("_gc_any_convert_extern({0})", 1),
    "extern.convert_any": _value("_gc_extern_convert_any({0})", 1),
    "struct.new": _struct_new,
    "struct.new_default": _value("_gc_struct_new_default(TY{i.type})", 0),
    "struct.get": _value("_gc_struct_get({0}, {i.field})", 1),
    "struct.get_u": _value("_gc_struct_get({0}, {i.field})", 1),
    "struct.get_s": _struct_get_s,
    "struct.set": _statement("_gc_struct_set({0}, {i.field}, {1})", 2),
    "array.new": _value("_gc_array_new(TY{i.type}, {0}, {1})", 2),
    "array.new_default": _value("_gc_array_new_default(TY{i.type}, {0})", 1),
    "array.new_fixed": _array_new_fixed,
    "array.new_data": _value("_gc_array_new_data(TY{i.type}, D{i.data}.data, {0}, {1})", 2),
    "array.new_elem": _value("_gc_array_new_elem(TY{i.type}, E{i.elem}.elements, {0}, {1})",
                             2),
    "array.get": _value("_gc_array_get({0}, {1})", 2),
    "array.get_u": _value("_gc_array_get({0}, {1})", 2),
    "array.get_s": _array_get_s,
    "array.set": _statement("_gc_array_set({0}, {1}, {2})", 3),
    "array.len": _value("_gc_array_len({0})", 1),
    "array.fill": _statement("_gc_array_fill({0}, {1}, {2}, {3})", 4),
    "array.copy": _statement("_gc_array_copy({0}, {1}, {2}, {3}, {4})", 5),
    "array.init_data": _statement("_gc_array_init_data({0}, {1}, D{i.data}.data, {2}, {3})", 4),
    "array.init_elem": _statement("_gc_array_init_elem({0}, {1}, E{i.elem}.elements, {2}, "
                                  "{3})", 4),
    "ref.test": _ref_test, "ref.test_null": _ref_test, "ref.cast": _ref_test,
    "ref.cast_null": _ref_test, "br_on_cast": _br_on_cast, "br_on_cast_fail": _br_on_cast,
}


_SPECIAL = {
    **_GC_SPECIAL,
    "local.get": _local_get, "local.set": _local_set, "local.tee": _local_tee,
    "global.get": _global_get, "global.set": _global_set,
    "i32.const": _const, "i64.const": _const, "f32.const": _const, "f64.const": _const,
    "v128.const": _const,
    "drop": _drop, "select": _select, "select_t": _select, "nop": _nop,
    "unreachable": _unreachable, "br": _br, "br_if": _br_if, "br_table": _br_table,
    "throw": _throw, "throw_ref": _throw_ref,
    "return": _return, "call": _call, "call_indirect": _call_indirect,
    "return_call": _return_call, "return_call_indirect": _return_call_indirect,
    "return_call_ref": _return_call_ref,
    "memory.size": _memory_size, "memory.grow": _memory_grow,
    "memory.fill": _memory_fill, "memory.copy": _memory_copy,
    "memory.init": _memory_statement("{m}.init({0}, D{i.data}.data, {1}, {2})"),
    "data.drop": _statement("D{i.data}.data = b''", 0),
    "ref.null": _ref_null, "ref.is_null": _ref_is_null, "ref.func": _ref_func,
    "ref.as_non_null": _value("_non_null({0})", 1), "call_ref": _call_ref,
    "br_on_null": _br_on_null, "br_on_non_null": _br_on_non_null,
    "table.get": _value("T{i.table}.get({0})", 1),
    "table.set": _statement("T{i.table}.set({0}, {1})", 2),
    "table.size": _value("len(T{i.table}.elements)", 0),
    "table.grow": _table_grow,
    "table.fill": _statement("T{i.table}.fill({0}, {1}, {2})", 3),
    "table.copy": _statement("T{i.dst}.copy({0}, T{i.src}, {1}, {2})", 3),
    "table.init": _statement("T{i.table}.init({0}, E{i.elem}.elements, {1}, {2})", 3),
    "elem.drop": _statement("E{i.elem}.elements = []", 0),
}


def _numeric(t: Translator, instr) -> bool:
    t.numeric(instr.op)
    return False


def _vector(t: Translator, instr) -> bool:
    t.vector(instr)
    return False


def _load(t: Translator, instr) -> bool:
    t.load(instr.op.name, instr)
    return False


def _store(t: Translator, instr) -> bool:
    t.store_mem(instr.op.name, instr)
    return False


def _dispatch() -> dict:
    """Mnemonic -> its translation ``(translator, instr) -> unreachable after?``: the
    special ones, else by the opcode table's group; missing: not translated."""
    table = {}
    for op in OPS:
        name = op.name
        if name in _SPECIAL:
            table[name] = _SPECIAL[name]
        elif name in _LOADS:
            table[name] = _load
        elif name in _STORES:
            table[name] = _store
        elif op.group == "numeric":
            table[name] = _numeric
        elif op.group == "vector":
            table[name] = _vector
    return table


DISPATCH = _dispatch()
