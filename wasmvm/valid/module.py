"""Validating modules (spec 3.4): types of imports, limits, constant expressions, segments,
the start function, exports, and every function body.

The checks run in the reference interpreter's order, so that a module with two faults
gets the message the spec's tests expect. Constant expressions see only the imported
globals in WebAssembly 2.0 (``global.get`` in a constant refers to an imported, immutable
global); with extended constant expressions (3.0) they also see the module's earlier
immutable globals and may add, subtract and multiply i32 and i64.
"""

from __future__ import annotations

from ..binary import later
from ..syntax.features import WASM3, Features
from ..syntax.module import Elem, Expr, Module
from ..syntax.types import (
    FUNCREF,
    FuncType,
    Limits,
    MemoryType,
    TableType,
    ValType,
    defaultable,
    ref_type,
    valtype,
)
from .context import Context, Label, ModuleInfo, fail
from .instr import DISPATCH, BodyValidator, Ctrl, validate_func
from .subtype import comp_matches

MAX_PAGES = 65536
MEMORY_LIMIT = "memory size must be at most 65536 pages (4GiB)"
MAX_PAGES_64 = 1 << 48
MEMORY_LIMIT_64 = "memory size must be at most 2^48 pages (memory64)"
CONSTANT_INSTRUCTIONS = frozenset({
    "i32.const", "i64.const", "f32.const", "f64.const", "v128.const",
    "ref.null", "ref.func", "global.get",
})
#: GC's constant instructions (typed by their rules of ``valid.instr``)
GC_CONSTANT_INSTRUCTIONS = frozenset({
    "struct.new", "struct.new_default", "array.new", "array.new_default", "array.new_fixed",
    "ref.i31", "any.convert_extern", "extern.convert_any"})


def check_subtypes(ctx: Context, module: Module) -> None:
    """Each declared supertype (canonicalization checked that it is earlier) is not
    final and is matched by its subtype's composite type (spec 3.0 "Subtypes")."""
    for x, sub in enumerate(module.subtypes):
        for s in sub.supers:
            if module.subtype(s).final or not comp_matches(ctx.canon, module.types[x],
                                                           module.types[s]):
                fail(f"sub type {x} does not match super type {s}")


def validate_module(module: Module, features: Features = WASM3) -> ModuleInfo:
    """Validate ``module``; raise InvalidError (with the spec's message) if it is invalid.
    ``features``: the proposals it may use (``syntax.features``)."""
    ctx = module_context(module, features)
    info = ctx.info()
    imported = ctx.num_imported_funcs
    for i, func in enumerate(module.funcs):
        info.funcs.append(validate_func(ctx, func, ctx.funcs[imported + i]))
    if module.start is not None:
        check_start(ctx, module.start)
    check_exports(ctx, module)
    if len(ctx.mems) > 1 and not ctx.features.multi_memory:
        fail(f"multiple memories ({len(ctx.mems)}): {later.not_supported(later.MULTI_MEMORY)}")
    return info


def module_context(module: Module, features: Features = WASM3) -> Context:
    """The context ``C`` of ``module``'s function bodies, once what comes before them in
    the validation order (types, imports, tags, globals, tables, memories, segments) has
    been checked: InvalidError if that is invalid. ``validate_func(ctx, func, type)``
    then validates one body, in any order (a worker translating ahead validates only
    the bodies it translates, exec.background)."""
    ctx = Context(module, declared_refs(module), features)  # checks function type indices
    check_subtypes(ctx, module)
    for imp in module.imports:
        if imp.kind == "table":
            check_table_type(imp.desc)
            ctx.check_valtype(imp.desc.elem)
        elif imp.kind == "memory":
            check_memory_type(imp.desc)
        elif imp.kind == "global":
            ctx.check_valtype(imp.desc.type)
        elif imp.kind == "tag":
            check_tag_type(ctx.type_(imp.desc))
    for tag in module.tags:
        check_tag_type(ctx.type_(tag.type))
    for i, g in enumerate(module.globals):
        ctx.check_valtype(g.type.type)
        check_const(ctx, g.init, g.type.type, ctx.num_imported_globals + i)
    for table in module.tables:
        check_table_type(table.type)
        ctx.check_valtype(table.type.elem)
        if table.init is not None:
            # (tables come before the globals: only imported ones are visible)
            check_const(ctx, table.init, table.type.elem, ctx.num_imported_globals)
        elif not defaultable(table.type.elem):
            fail(f"type mismatch: a table of {table.type.elem} needs an initializer")
    for mem in module.mems:
        check_memory_type(mem.type)
    for elem in module.elems:
        check_elem(ctx, elem)
    for data in module.datas:
        if data.mode.kind == "active":
            if data.mode.memory >= len(ctx.mems):
                fail(f"unknown memory {data.mode.memory}")
            check_const(ctx, data.mode.offset, ctx.mems[data.mode.memory].index_type)
    return ctx


def declared_refs(module: Module) -> frozenset[int]:
    """``C.refs``: the functions referenced outside function bodies (exports, element
    segments, global initialisers), which ``ref.func`` may name."""
    refs = {e.index for e in module.exports if e.kind == "func"}
    exprs: list[Expr] = [g.init for g in module.globals]
    exprs += [t.init for t in module.tables if t.init is not None]
    for elem in module.elems:
        exprs += elem.init
        if elem.mode.offset is not None:
            exprs.append(elem.mode.offset)
    exprs += [d.mode.offset for d in module.datas if d.mode.offset is not None]
    for expr in exprs:
        refs.update(instr.func for instr in expr if instr.op.name == "ref.func")
    return frozenset(refs)


# -- types ---------------------------------------------------------------------------------
def check_limits(lim: Limits, bound: int, message: str) -> None:
    if lim.min > bound:
        fail(message)
    if lim.max is not None:
        if lim.max > bound:
            fail(message)
        if lim.min > lim.max:
            fail(f"size minimum must not be greater than maximum ({lim.min} > {lim.max})")


def check_tag_type(ft: FuncType) -> None:
    """An exception tag's type: its parameters are the payload; it has no results."""
    if ft.results:
        fail(f"non-empty tag result type: {ft}")


def check_table_type(tt: TableType) -> None:
    if tt.is_64:
        check_limits(tt.limits, (1 << 64) - 1, "table size must be at most 2^64-1")
    else:
        check_limits(tt.limits, 0xFFFF_FFFF, "table size must be at most 2^32-1")


def check_memory_type(mt: MemoryType) -> None:
    if mt.is_64:
        check_limits(mt.limits, MAX_PAGES_64, MEMORY_LIMIT_64)
    else:
        check_limits(mt.limits, MAX_PAGES, MEMORY_LIMIT)


def _gc_const_type(ctx: Context, instr, stack: list) -> None:
    """Type a constant GC instruction with its rule of ``valid.instr`` on ``stack``."""
    v = BodyValidator(ctx, (), ())
    v.vals = stack
    v.ctrls.append(Ctrl("constant", Label((), (), False), 0, False, []))
    entry = DISPATCH[instr.op.name](v, instr)
    if entry is not None:
        pops, pushes = entry
        v.pop_vals(pops, instr.op.name)
        stack += pushes


# -- constant expressions ----------------------------------------------------------------------
def check_const(ctx: Context, expr: Expr, t: ValType, visible: int | None = None) -> None:
    """``expr`` must be constant and produce exactly one value of type ``t``.

    ``global.get`` may name the imported globals (2.0) or, with extended constant
    expressions (3.0), any global before ``visible`` (a global's initialiser sees the
    globals before it; segments see them all, ``visible`` None)."""
    t = valtype(t)
    extended = ctx.features.extended_const
    if not extended:
        visible = ctx.num_imported_globals
    elif visible is None:
        visible = len(ctx.globals)
    for instr in expr:
        name = instr.op.name
        if name not in CONSTANT_INSTRUCTIONS and name not in GC_CONSTANT_INSTRUCTIONS:
            if name in later.EXTENDED_CONST_INSTRUCTIONS:
                if extended:
                    continue
                fail(f"constant expression required, found {name}: "
                     f"{later.not_supported(later.EXTENDED_CONST)}")
            fail(f"constant expression required, found {name}")
        if name == "global.get":
            x = instr.index
            if x >= visible:
                fail(f"unknown global {x}")
            if ctx.globals[x].mutable:
                fail(f"constant expression required: global {x} is mutable")
    stack: list[ValType] = []
    for instr in expr:
        name = instr.op.name
        if name == "global.get":
            stack.append(valtype(ctx.globals[instr.index].type))
        elif name == "ref.null":
            ctx.check_valtype(instr.type)
            stack.append(instr.type)
        elif name == "ref.func":
            if instr.func >= len(ctx.funcs):
                fail(f"unknown function {instr.func}")
            stack.append(ref_type(False, ctx.func_type_idx[instr.func])
                         if ctx.features.function_references else FUNCREF)
        elif name in later.EXTENDED_CONST_INSTRUCTIONS:  # i32.add: i32 i32 -> i32
            operand = DISPATCH[name][1][0]
            if stack[-2:] != [operand, operand]:
                have = " ".join(map(str, stack[-2:])) or "nothing"
                fail(f"type mismatch: {name} expects {operand} {operand}, found {have}")
            del stack[-1]
        elif name in GC_CONSTANT_INSTRUCTIONS:
            _gc_const_type(ctx, instr, stack)
        else:
            stack += DISPATCH[name][1]  # a constant: its row's result
    if len(stack) != 1 or not ctx.match(stack[0], t):
        have = " ".join(map(str, stack)) or "nothing"
        fail(f"type mismatch: a constant expression of type {t} produces {have}")


# -- segments, start, exports ----------------------------------------------------------------
def check_elem(ctx: Context, elem: Elem) -> None:
    ctx.check_valtype(elem.type)
    for init in elem.init:
        check_const(ctx, init, elem.type)
    mode = elem.mode
    if mode.kind == "active":
        if mode.table >= len(ctx.tables):
            fail(f"unknown table {mode.table}")
        table = ctx.tables[mode.table]
        if not ctx.match(elem.type, table.elem):
            fail(f"type mismatch: element segment of {elem.type} for a table of {table.elem}")
        check_const(ctx, mode.offset, table.index_type)


def check_start(ctx: Context, x: int) -> None:
    if x >= len(ctx.funcs):
        fail(f"unknown function {x}")
    if ctx.funcs[x] != FuncType():
        fail(f"start function must not have parameters or results: {ctx.funcs[x]}")


_EXPORT_SPACES = {"func": ("funcs", "function"), "table": ("tables", "table"),
                  "memory": ("mems", "memory"), "global": ("globals", "global"),
                  "tag": ("tags", "tag")}


def check_exports(ctx: Context, module: Module) -> None:
    names: set[str] = set()
    for export in module.exports:
        space, what = _EXPORT_SPACES[export.kind]
        if export.index >= len(getattr(ctx, space)):
            fail(f"unknown {what} {export.index}")
        if export.name in names:
            fail(f"duplicate export name {export.name!r}")
        names.add(export.name)
