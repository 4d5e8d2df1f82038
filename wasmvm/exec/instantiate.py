"""Instantiation (spec 4.5.4): match imports, allocate, initialise, run the start function.

``instantiate(store, module, info, externs)`` takes a validated module, its validation
info and the external values for its imports, in import order (``FuncInst``,
``TableInst``, ``MemInst`` or ``GlobalInst``). Import mismatches raise ``LinkError``
("incompatible import type"); a trap while initialising tables or memories, or in the
start function, propagates as ``Trap`` (the instance is then unusable, but writes already
done to imported tables and memories remain, as the spec says). More instances, tables or
memories than the store's limits allow, or a table or memory too large for them or for
the host, raise ``ResourceLimitError`` (a ``LinkError``).
"""

from __future__ import annotations

from ..errors import InternalError, LinkError, Trap, TrapCode
from ..syntax.instructions import Const, GlobalGet, RefFunc, RefNull
from ..syntax.module import Module
from ..syntax.types import GlobalType, Limits, RefType, TableType, ref_type
from ..syntax.values import f32_from_bits, f64_from_bits
from ..valid.canon import TYPES, module_canon
from ..valid.subtype import CANONICAL, matches
from . import gc
from .engine import invoke
from .numerics import NUMERIC_OPS
from .store import (
    DataInst,
    ElemInst,
    FuncInst,
    GlobalInst,
    HostFunc,
    MemInst,
    ModuleInst,
    Store,
    TableInst,
    TagInst,
    WasmFunc,
    default_value,
)

_EXTERN_CLASSES = {"func": FuncInst, "table": TableInst, "memory": MemInst, "global": GlobalInst,
                   "tag": TagInst}
_SPACES = {"func": "funcs", "table": "tables", "memory": "mems", "global": "globals",
           "tag": "tags"}


def instantiate(store: Store, module: Module, info, externs: list,
                initialise: bool = True) -> ModuleInst:
    """Instantiate ``module``; with ``initialise`` False, only allocate it: no element or
    data segment is applied and the start function does not run (``allocate``)."""
    if len(externs) != len(module.imports):
        raise LinkError(f"expected {len(module.imports)} imports, got {len(externs)}")
    store.count_instance(len(module.tables), len(module.mems))
    type_ids = info.canon or module_canon(module, _malformed_types)
    inst = ModuleInst(types=list(module.types), type_ids=type_ids, names=module.names,
                      syntax=module)
    if store.epoch is not None:
        inst.epoch = store.epoch_reached
    inst.relaxed_simd_deterministic = store.relaxed_simd_deterministic
    for imp, ext in zip(module.imports, externs):
        _check_import(module, type_ids, imp, ext)
        getattr(inst, _SPACES[imp.kind]).append(ext)
    first = len(inst.funcs)
    for i, func in enumerate(module.funcs):
        inst.funcs.append(WasmFunc(module.types[func.type], inst, func, info.funcs[i], first + i,
                                   type_ids[func.type]))
    for tag in module.tags:
        inst.tags.append(TagInst(module.types[tag.type], f"tag {len(inst.tags)}",
                                 type_ids[tag.type]))
    for g in module.globals:
        gt = g.type
        if _concrete(gt.type):
            gt = GlobalType(canonical_type(gt.type, type_ids), gt.mutable)
        inst.globals.append(GlobalInst(gt, eval_const(inst, g.init)))
    for t in module.tables:
        init = eval_const(inst, t.init) if t.init is not None else None
        tt = t.type
        if _concrete(tt.elem):
            tt = TableType(canonical_type(tt.elem, type_ids), tt.limits, tt.is_64)
        inst.tables.append(TableInst(tt, init, store.limits))
    for m in module.mems:
        inst.mems.append(MemInst.from_type(m.type, store.limits))
    for e in module.elems:
        inst.elems.append(ElemInst(e.type, [eval_const(inst, expr) for expr in e.init]))
    for d in module.datas:
        inst.datas.append(DataInst(d.init))
    for export in module.exports:
        space = getattr(inst, _SPACES[export.kind])
        inst.exports[export.name] = (export.kind, space[export.index])
    if not initialise:
        return inst
    _initialise(module, inst)
    if module.start is not None:
        invoke(store, inst.funcs[module.start], [])
    return inst


def allocate(store: Store, module: Module, info) -> ModuleInst:
    """``module`` allocated in ``store`` for looking at, not for running: each import is
    a stand-in of its type (a function that traps when called, a zeroed global, an empty
    memory or table of the minimum size, a fresh tag), no segment is applied and the start
    function does not run. What the compiled tier makes of its functions is what it makes
    of them in a real instance (``observe.translation``)."""
    externs = []
    for imp in module.imports:
        if imp.kind == "func":
            externs.append(HostFunc(module.types[imp.desc], _stand_in(imp), imp.name))
        elif imp.kind == "tag":
            externs.append(TagInst(module.types[imp.desc], imp.name))
        elif imp.kind == "global":
            externs.append(GlobalInst(imp.desc, default_value(imp.desc.type)))
        elif imp.kind == "memory":
            externs.append(MemInst.from_type(imp.desc, store.limits))
        else:
            externs.append(TableInst(imp.desc, None, store.limits))
    return instantiate(store, module, info, externs, initialise=False)


def _stand_in(imp):
    def called(*args):
        raise Trap(TrapCode.UNREACHABLE, f"{imp.module}.{imp.name} is a stand-in, not the "
                                         "import (the module was allocated for study)")
    return called


def _initialise(module: Module, inst: ModuleInst) -> None:
    """Active element and data segments, in order, then drop them and the declarative
    ones (spec: the table.init / memory.init / *.drop instruction sequences)."""
    for i, e in enumerate(module.elems):
        if e.mode.kind == "active":
            seg = inst.elems[i]
            inst.tables[e.mode.table].init(eval_const(inst, e.mode.offset), seg.elements, 0,
                                           len(seg.elements))
            seg.elements = []
        elif e.mode.kind == "declarative":
            inst.elems[i].elements = []
    for i, d in enumerate(module.datas):
        if d.mode.kind == "active":
            inst.mems[d.mode.memory].init(eval_const(inst, d.mode.offset), d.init, 0,
                                          len(d.init))
            inst.datas[i].data = b""


def eval_const(inst: ModuleInst, expr: list):
    """Evaluate a (validated) constant expression to a raw value."""
    stack: list = []
    for instr in expr:
        if isinstance(instr, Const):
            v = instr.value
            t = v.type
            stack.append(f32_from_bits(v.bits) if t == "f32" else
                         f64_from_bits(v.bits) if t == "f64" else v.bits)
        elif isinstance(instr, GlobalGet):
            stack.append(inst.globals[instr.index].value)
        elif isinstance(instr, RefFunc):
            stack.append(inst.funcs[instr.func])
        elif isinstance(instr, RefNull):
            stack.append(None)
        elif instr.op.name in _GC_CONSTANTS:
            _gc_const(inst, instr, stack)
        elif instr.op.name in NUMERIC_OPS:  # extended constant expressions
            fn = NUMERIC_OPS[instr.op.name]
            b = stack.pop()
            stack[-1] = fn(stack[-1], b)
        else:
            raise InternalError(f"not a constant instruction: {instr}")
    if len(stack) != 1:
        raise InternalError("constant expression left no single value")
    return stack[0]


_GC_CONSTANTS = frozenset({"struct.new", "struct.new_default", "array.new",
                           "array.new_default", "array.new_fixed", "ref.i31",
                           "any.convert_extern", "extern.convert_any"})


def _gc_const(inst: ModuleInst, instr, stack: list) -> None:
    """The constant GC instructions (exec.gc's semantics)."""
    name = instr.op.name
    if name == "ref.i31":
        stack[-1] = gc.ref_i31(stack[-1])
    elif name == "any.convert_extern":
        stack[-1] = gc.any_convert_extern(stack[-1])
    elif name == "extern.convert_any":
        stack[-1] = gc.extern_convert_any(stack[-1])
    elif name == "struct.new_default":
        stack.append(gc.struct_new_default(inst.type_ids[instr.type]))
    elif name == "array.new_default":
        stack[-1] = gc.array_new_default(inst.type_ids[instr.type], stack[-1])
    elif name == "array.new":
        n = stack.pop()
        stack[-1] = gc.array_new(inst.type_ids[instr.type], stack[-1], n)
    else:
        n = len(inst.types[instr.type].fields) if name == "struct.new" else instr.size
        values = stack[len(stack) - n:]
        del stack[len(stack) - n:]
        make = gc.struct_new if name == "struct.new" else gc.array_new_fixed
        stack.append(make(inst.type_ids[instr.type], values))


def _malformed_types(message: str):
    raise InternalError(f"instantiating a module whose types are invalid: {message}")


def _concrete(t) -> bool:
    return isinstance(t, RefType) and isinstance(t.heap, int)


def canonical_type(t, type_ids: list[int]):
    """Value type ``t`` of a module, its concrete heap type (a type index) written as
    the canonical id (``valid.canon``): the form runtime objects carry, comparable across
    modules with ``valid.subtype.CANONICAL``."""
    if _concrete(t):
        return ref_type(t.nullable, type_ids[t.heap])
    return t


def _check_import(module: Module, type_ids: list[int], imp, ext) -> None:
    cls = _EXTERN_CLASSES[imp.kind]
    if not isinstance(ext, cls):
        raise LinkError(f"incompatible import type for {imp.module}.{imp.name}: "
                        f"expected a {imp.kind}")
    ok = True
    if imp.kind == "func":
        want = type_ids[imp.desc]
        ok = ext.type_id == want or TYPES.is_sub(ext.type_id, want)
    elif imp.kind == "table":  # read and written: the same element type
        ok = (ext.elem_type == canonical_type(imp.desc.elem, type_ids)
              and ext.is_64 == imp.desc.is_64) and _limits_match(
            Limits(len(ext.elements), ext.max), imp.desc.limits)
    elif imp.kind == "memory":
        ok = ext.is_64 == imp.desc.is_64 and _limits_match(Limits(ext.size, ext.max),
                                                           imp.desc.limits)
    elif imp.kind == "tag":  # tag types match in both directions: equal
        ok = ext.type_id == type_ids[imp.desc]
    elif imp.kind == "global":
        want = imp.desc
        want_type = canonical_type(want.type, type_ids)
        if want.mutable:  # read and written: the same type
            ok = ext.type.mutable and ext.type.type == want_type
        else:  # only read: any subtype will do
            ok = not ext.type.mutable and matches(CANONICAL, ext.type.type, want_type)
    if not ok:
        raise LinkError(f"incompatible import type for {imp.module}.{imp.name}")


def _limits_match(actual: Limits, expected: Limits) -> bool:
    """Import subtyping of limits (spec 4.5.2.4)."""
    if actual.min < expected.min:
        return False
    if expected.max is None:
        return True
    return actual.max is not None and actual.max <= expected.max
