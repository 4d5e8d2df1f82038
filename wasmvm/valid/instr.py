"""Validating function bodies: the spec's validation algorithm (appendix "Validation
Algorithm"), driven by the opcode table.

The state is the algorithm's: an operand stack of value types (``vals``; ``None`` is the
spec's ``Unknown``) and a stack of control frames (``ctrls``), each with its label types,
start and end types, the operand-stack height at its start and an ``unreachable`` flag.

How an instruction is typed comes from ``DISPATCH``, one entry per row of the opcode table:

  * a row with a stack signature gets ``(pops, pushes, check)``: its params reversed (the
    order they are popped), its results, and a check of its immediates chosen by their
    kinds (``memarg``: a memory exists and the alignment is at most natural; ``laneidx``:
    the lane exists; ...). No row has code of its own.
  * a special row (signature ``None``) gets a handler from ``SPECIAL``: ``handler(v, instr)``
    either returns a ``(pops, pushes)`` pair computed from the context (``local.get x``
    pushes the type of local ``x``) or does the whole job and returns ``None``.

The body is walked with an explicit stack of control frames (never Python recursion), in
``syntax.instructions.walk`` order, and the operand-stack height before each walk event
is recorded for the executors (``FuncInfo.heights``).
"""

from __future__ import annotations

from array import array
from collections.abc import Callable

from .. import opcodes
from ..binary import later
from ..errors import InvalidError
from ..opcodes import Op
from ..syntax.module import Func
from ..syntax.types import (
    FUNCREF,
    I32,
    I64,
    FuncType,
    ValType,
    defaultable,
    ref_type,
    valtype,
)
from . import gc, simd
from .context import MISMATCH, Context, FuncInfo, Label, fail


# ---------------------------------------------------------------------------------------
# Control frames
# ---------------------------------------------------------------------------------------
class Ctrl:
    """A control frame. ``dead`` marks a frame entered from unreachable code: everything
    in it is unreachable too (for the heights), though it is typed as usual."""

    __slots__ = ("kind", "types", "height", "unreachable", "dead", "it", "else_body", "inits")

    def __init__(self, kind: str, types: Label, height: int, dead: bool, body: list,
                 else_body: list | None = None, inits: int = 0):
        self.inits = inits  # the length of the validator's init log at the frame's start
        self.kind = kind
        self.types = types
        self.height = height
        self.unreachable = False
        self.dead = dead
        self.it = iter(body)
        self.else_body = else_body


class BodyValidator:
    """The per-function part of the context (locals, labels, return) and the two stacks.

    Handlers receive it as ``v``; ``v.vals`` is the operand stack, ``v.ctrls`` the control
    stack (the innermost frame last).
    """

    __slots__ = ("ctx", "vals", "ctrls", "local_get", "local_set", "local_tee",
                 "labels", "results_rev", "results", "uninit", "init_log")

    def __init__(self, ctx: Context, local_types: tuple[ValType, ...], results: tuple,
                 nparams: int = 0):
        self.ctx = ctx
        self.vals: list[ValType | None] = []
        self.ctrls: list[Ctrl] = []
        self.local_get = [((), (t,)) for t in local_types]
        self.local_set = [((t,), ()) for t in local_types]
        self.local_tee = [((t,), (t,)) for t in local_types]
        self.labels = ctx.labels
        self.results = tuple(results)
        self.results_rev = self.results[::-1]
        # Non-defaultable locals (non-nullable references) not set yet: reading one is
        # invalid. A local.set inside a block counts until the block ends (``init_log``
        # records the sets; each frame remembers where its part of the log starts).
        self.uninit = {i for i, t in enumerate(local_types) if i >= nparams and not defaultable(t)}
        self.init_log: list[int] = []

    # -- the algorithm's auxiliary functions -----------------------------------------
    def pop_val(self, name: str) -> ValType | None:
        """Pop any operand (``None`` from a polymorphic stack)."""
        frame = self.ctrls[-1]
        if len(self.vals) == frame.height:
            if frame.unreachable:
                return None
            fail(f"{MISMATCH}: {name} needs an operand but the stack is empty")
        return self.vals.pop()

    def pop_vals(self, types_rev: tuple, name: str) -> list:
        """Pop operands of the given types (given in pop order); return what was popped."""
        vals = self.vals
        frame = self.ctrls[-1]
        popped = []
        for t in types_rev:
            if len(vals) == frame.height:
                if not frame.unreachable:
                    fail(f"{MISMATCH}: {name} needs {t} but the stack is empty")
                popped.append(None)
                continue
            a = vals.pop()
            if a is not t and a is not None and not self.ctx.match(a, t):
                fail(f"{MISMATCH}: {name} needs {t} but the stack has {a}")
            popped.append(a)
        return popped

    def set_unreachable(self) -> None:
        frame = self.ctrls[-1]
        del self.vals[frame.height:]
        frame.unreachable = True

    def label(self, depth: int) -> Label:
        ctrls = self.ctrls
        if depth >= len(ctrls):
            fail(f"unknown label {depth}")
        return ctrls[-1 - depth].types

    def enter(self, kind: str, label: Label, body: list, else_body: list | None = None) -> None:
        """``push_ctrl``: the block's params are already popped; push them back."""
        outer = self.ctrls[-1]
        self.ctrls.append(Ctrl(kind, label, len(self.vals), outer.unreachable or outer.dead,
                               body, else_body, len(self.init_log)))
        if label.start:
            self.vals += label.start


    def reset_inits(self, frame: Ctrl) -> None:
        """Locals set inside ``frame`` are unset again when it ends (or at its else)."""
        log = self.init_log
        if len(log) > frame.inits:
            self.uninit.update(log[frame.inits:])
            del log[frame.inits:]

    def set_local(self, x: int) -> None:
        if x in self.uninit:
            self.uninit.discard(x)
            self.init_log.append(x)


# ---------------------------------------------------------------------------------------
# The special rows: one small function each
# ---------------------------------------------------------------------------------------
def _blocktype(v: BodyValidator, instr, loop: bool) -> Label:
    label = v.ctx.label(instr.blocktype, loop)
    if label is None:
        fail(f"unknown type {instr.blocktype}")
    return label


def _block(v, instr):
    label = _blocktype(v, instr, False)
    if label.start_rev:
        v.pop_vals(label.start_rev, "block")
    v.enter("block", label, instr.body)


def _loop(v, instr):
    label = _blocktype(v, instr, True)
    if label.start_rev:
        v.pop_vals(label.start_rev, "loop")
    v.enter("loop", label, instr.body)


def _if(v, instr):
    label = _blocktype(v, instr, False)
    v.pop_vals(_I32_REV, "if")
    if label.start_rev:
        v.pop_vals(label.start_rev, "if")
    v.enter("if", label, instr.then, instr.else_)


#: what a handler receives after a tag's payload in the _ref forms: a non-null exnref
_EXN = ref_type(False, "exn")
_NULL_EXN_REV = (ref_type(True, "exn"),)


def _try_table(v, instr):
    """The catch clauses' labels are checked in the enclosing context: each must accept
    the tag's payload (and the exnref of the _ref forms)."""
    ctx = v.ctx
    label = _blocktype(v, instr, False)
    for c in instr.catches:
        carried = () if c.tag is None else tuple(ctx.tag(c.tag).params)
        if c.ref:
            carried += (_EXN,)
        target = v.label(c.label).label
        if len(target) != len(carried) or not all(
                ctx.match(a, t) for a, t in zip(carried, target)):
            fail(f"{MISMATCH}: {c} carries [{' '.join(map(str, carried))}] to a label of "
                 f"[{' '.join(map(str, target))}]")
    if label.start_rev:
        v.pop_vals(label.start_rev, "try_table")
    v.enter("try_table", label, instr.body)


def _throw(v, instr):
    params = tuple(v.ctx.tag(instr.tag).params)
    frame = v.ctrls[-1]
    have = v.vals[max(frame.height, len(v.vals) - len(params)):]
    try:
        v.pop_vals(params[::-1], "throw")
    except InvalidError:  # the reference interpreter's wording, which throw.wast expects
        fail(f"{MISMATCH}: instruction requires [{' '.join(map(str, params))}] but stack "
             f"has [{' '.join(map(str, have))}]")
    v.set_unreachable()


def _throw_ref(v, instr):
    v.pop_vals(_NULL_EXN_REV, "throw_ref")
    v.set_unreachable()


def _unreachable(v, instr):
    v.set_unreachable()


def _br(v, instr):
    v.pop_vals(v.label(instr.label).label_rev, "br")
    v.set_unreachable()


def _br_if(v, instr):
    return v.label(instr.label).br_if


def _br_table(v, instr):
    default = v.label(instr.default)  # every label exists before any operand is popped
    labels = [v.label(depth) for depth in instr.labels]
    v.pop_vals(_I32_REV, "br_table")
    arity = len(default.label)
    for label in labels:
        if len(label.label) != arity:
            fail(f"{MISMATCH}: br_table targets labels of different arities "
                 f"({len(label.label)} and {arity})")
        popped = v.pop_vals(label.label_rev, "br_table")
        v.vals += popped[::-1]
    v.pop_vals(default.label_rev, "br_table")
    v.set_unreachable()


def _return(v, instr):
    v.pop_vals(v.results_rev, "return")
    v.set_unreachable()


def _call(v, instr):
    sigs = v.ctx.call_sig
    if instr.func >= len(sigs):
        fail(f"unknown function {instr.func}")
    return sigs[instr.func]


def _call_indirect(v, instr):
    ctx = v.ctx
    table = _table(ctx, instr.table)
    if not ctx.match(table.elem, FUNCREF):
        fail(f"{MISMATCH}: call_indirect needs a table of funcref, table {instr.table} "
             f"holds {table.elem}")
    ctx.type_(instr.type)  # a function type
    if table.is_64:  # table64: the element index is an i64
        pops, results = ctx.call_indirect_sig[instr.type]
        return (I64, *pops[1:]), results
    return ctx.call_indirect_sig[instr.type]


def _tail_call(v, sig, name: str) -> None:
    """``return_call``/``return_call_indirect`` with the callee's signature ``sig``
    (params reversed, results): its arguments are popped, its results become the
    function's (each must match the function's result type), and the code after it is
    unreachable."""
    if not v.ctx.features.tail_call:
        fail(f"{name}: {later.not_supported(later.TAIL_CALLS)}")
    params_rev, results = sig
    mine = v.results_rev[::-1]
    if len(results) != len(mine) or not all(map(v.ctx.match, results, mine)):
        fail(f"{MISMATCH}: {name} of a function returning [{' '.join(map(str, results))}] "
             f"from a function returning "
             f"[{' '.join(map(str, v.results_rev[::-1]))}]")
    v.pop_vals(params_rev, name)
    v.set_unreachable()


def _return_call(v, instr):
    _tail_call(v, _call(v, instr), "return_call")


def _return_call_indirect(v, instr):
    _tail_call(v, _call_indirect(v, instr), "return_call_indirect")


def _return_call_ref(v, instr):
    if not v.ctx.features.function_references:
        fail(f"return_call_ref: {later.not_supported(later.FUNCTION_REFERENCES)}")
    ft = v.ctx.type_(instr.type)
    v.pop_vals((ref_type(True, instr.type),), "return_call_ref")
    _tail_call(v, (tuple(ft.params)[::-1], tuple(ft.results)), "return_call_ref")


def _ref_null(v, instr):
    v.ctx.check_valtype(instr.type)
    return (), (instr.type,)


def _ref_is_null(v, instr):
    t = v.pop_val("ref.is_null")
    if t is not None and not t.is_ref:
        fail(f"{MISMATCH}: ref.is_null needs a reference but the stack has {t}")
    v.vals.append(I32)


def _ref_func(v, instr):
    ctx = v.ctx
    if instr.func >= len(ctx.funcs):
        fail(f"unknown function {instr.func}")
    if instr.func not in ctx.refs:
        fail(f"undeclared function reference {instr.func}")
    if ctx.features.function_references:  # 3.0: the reference has its function's type
        return (), (ref_type(False, ctx.func_type_idx[instr.func]),)
    return _FUNCREF_PUSH


def _ref_as_non_null(v, instr):
    t = v.pop_val("ref.as_non_null")
    if t is None:
        v.vals.append(None)
        return
    if not t.is_ref:
        fail(f"{MISMATCH}: ref.as_non_null needs a reference but the stack has {t}")
    v.vals.append(ref_type(False, t.heap))


def _call_ref(v, instr):
    ctx = v.ctx
    ft = ctx.type_(instr.type)
    v.pop_vals((ref_type(True, instr.type),), "call_ref")
    return tuple(ft.params)[::-1], tuple(ft.results)


def _br_on_null(v, instr):
    label = v.label(instr.label)
    t = v.pop_val("br_on_null")
    if t is not None and not t.is_ref:
        fail(f"{MISMATCH}: br_on_null needs a reference but the stack has {t}")
    v.pop_vals(label.label_rev, "br_on_null")
    v.vals += label.label  # the label's types, not the (maybe more specific) popped ones
    v.vals.append(None if t is None else ref_type(False, t.heap))


def _br_on_non_null(v, instr):
    label = v.label(instr.label)
    if not label.label or (label.label[-1] is not None and not label.label[-1].is_ref):
        fail(f"{MISMATCH}: br_on_non_null needs a label ending in a reference type")
    t = v.pop_val("br_on_non_null")
    if t is not None and not t.is_ref:
        fail(f"{MISMATCH}: br_on_non_null needs a reference but the stack has {t}")
    if t is not None and not v.ctx.match(ref_type(False, t.heap), label.label[-1]):
        fail(f"{MISMATCH}: br_on_non_null to a label of {label.label[-1]} with {t}")
    v.pop_vals(label.label_rev[1:], "br_on_non_null")
    v.vals += label.label[:-1]  # the label's types, as for br_if


def _drop(v, instr):
    v.pop_val("drop")


def _select(v, instr):
    v.pop_vals(_I32_REV, "select")
    t1 = v.pop_val("select")
    t2 = v.pop_val("select")
    for t in (t1, t2):
        if t is not None and t.is_ref:
            fail(f"{MISMATCH}: select without a type needs numeric or vector operands, "
                 f"got {t}")
    if t1 is not t2 and t1 is not None and t2 is not None:
        fail(f"{MISMATCH}: select operands differ ({t2} and {t1})")
    v.vals.append(t2 if t1 is None else t1)


def _select_t(v, instr):
    if len(instr.types) != 1:
        fail(f"invalid result arity {len(instr.types)} for select (must be 1)")
    t = instr.types[0]
    v.ctx.check_valtype(t)
    return (I32, t, t), (t,)


def _local_get(v, instr):
    try:
        sig = v.local_get[instr.index]
    except IndexError:
        fail(f"unknown local {instr.index}")
    if v.uninit and instr.index in v.uninit:
        fail(f"uninitialized local {instr.index}")
    return sig


def _local_set(v, instr):
    try:
        sig = v.local_set[instr.index]
    except IndexError:
        fail(f"unknown local {instr.index}")
    if v.uninit:
        v.set_local(instr.index)
    return sig


def _local_tee(v, instr):
    try:
        sig = v.local_tee[instr.index]
    except IndexError:
        fail(f"unknown local {instr.index}")
    if v.uninit:
        v.set_local(instr.index)
    return sig


def _global_get(v, instr):
    sigs = v.ctx.global_get_sig
    if instr.index >= len(sigs):
        fail(f"unknown global {instr.index}")
    return sigs[instr.index]


def _global_set(v, instr):
    sigs = v.ctx.global_set_sig
    if instr.index >= len(sigs):
        fail(f"unknown global {instr.index}")
    sig = sigs[instr.index]
    if sig is None:
        # 3.0's reference interpreter says "immutable global", 2.0's "global is immutable"
        error = InvalidError(f"immutable global {instr.index}: global.set of a constant")
        error.spec_message = "global is immutable"
        raise error
    return sig


def _table(ctx: Context, x: int):
    if x >= len(ctx.tables):
        fail(f"unknown table {x}")
    return ctx.tables[x]


def _table_get(v, instr):
    table = _table(v.ctx, instr.table)
    return (table.index_type,), (table.elem,)


def _table_set(v, instr):
    table = _table(v.ctx, instr.table)
    return (table.elem, table.index_type), ()


def _table_size(v, instr):
    return (), (_table(v.ctx, instr.table).index_type,)


def _table_grow(v, instr):
    table = _table(v.ctx, instr.table)
    at = table.index_type
    return (at, table.elem), (at,)


def _table_fill(v, instr):
    table = _table(v.ctx, instr.table)
    at = table.index_type
    return (at, table.elem, at), ()


def _table_copy(v, instr):
    dst = _table(v.ctx, instr.dst)
    src = _table(v.ctx, instr.src)
    if not v.ctx.match(src.elem, dst.elem):
        fail(f"{MISMATCH}: table.copy from a table of {src.elem} to one of {dst.elem}")
    # table64: the length has the narrower of the two index types
    n = I64 if dst.is_64 and src.is_64 else I32
    return (n, src.index_type, dst.index_type), ()


def _table_init(v, instr):
    ctx = v.ctx
    table = _table(ctx, instr.table)
    if instr.elem >= len(ctx.elems):
        fail(f"unknown elem segment {instr.elem}")
    if not ctx.match(ctx.elems[instr.elem], table.elem):
        fail(f"{MISMATCH}: table.init of a {ctx.elems[instr.elem]} segment into a table "
             f"of {table.elem}")
    return (I32, I32, table.index_type), ()


_I32_REV = (I32,)
_FUNCREF_PUSH = ((), (FUNCREF,))

#: The hand-written rules, one per special row of the opcode table (tests prove the
#: two match exactly).
SPECIAL: dict[str, Callable] = {
    "unreachable": _unreachable, "block": _block, "loop": _loop, "if": _if, "br": _br,
    "br_if": _br_if, "br_table": _br_table, "return": _return, "call": _call,
    "call_indirect": _call_indirect, "return_call": _return_call,
    "return_call_indirect": _return_call_indirect, "return_call_ref": _return_call_ref,
    "ref.null": _ref_null, "ref.is_null": _ref_is_null,
    "ref.func": _ref_func, "drop": _drop, "select": _select, "select_t": _select_t,
    "local.get": _local_get, "local.set": _local_set, "local.tee": _local_tee,
    "global.get": _global_get, "global.set": _global_set,
    "table.get": _table_get, "table.set": _table_set, "table.init": _table_init,
    "table.copy": _table_copy, "table.grow": _table_grow, "table.size": _table_size,
    "table.fill": _table_fill, "call_ref": _call_ref, "ref.as_non_null": _ref_as_non_null,
    "br_on_null": _br_on_null, "br_on_non_null": _br_on_non_null,
    "try_table": _try_table, "throw": _throw, "throw_ref": _throw_ref,
}


# ---------------------------------------------------------------------------------------
# Immediate checks of the rows with a signature, chosen by immediate kind
# ---------------------------------------------------------------------------------------
def natural_alignment(op: Op) -> int:
    """log2 of the bytes a memory instruction accesses: the largest alignment allowed
    (the opcode table's ``natural_alignment``)."""
    if op.natural_alignment is None:
        raise ValueError(f"{op.name} does not access memory with a memarg")
    return op.natural_alignment


def _check_memory(v, instr):
    if not v.ctx.mems:
        fail("unknown memory 0")


def _memarg_check(op: Op):
    natural = natural_alignment(op)

    def check(v, instr):
        if not v.ctx.mems:
            fail("unknown memory 0")
        if instr.align > natural:
            fail(f"alignment must not be larger than natural ({1 << natural} bytes for "
                 f"{op.name}, got 2**{instr.align})")

    return check


def _lane_check(op: Op):
    lanes = simd.lane_count(op)

    def check(v, instr):
        if instr.lane >= lanes:
            fail(f"invalid lane index {instr.lane} ({op.name} has {lanes} lanes)")

    return check


def _shuffle_check(op: Op):
    def check(v, instr):
        for lane in instr.lanes:
            if lane >= simd.SHUFFLE_LANES:
                fail(f"invalid lane index {lane} (i8x16.shuffle picks from 32 lanes)")

    return check


def _data_check(op: Op):
    def check(v, instr):
        if instr.data >= v.ctx.datas:
            fail(f"unknown data segment {instr.data}")

    return check


def _elem_check(op: Op):
    def check(v, instr):
        if instr.elem >= len(v.ctx.elems):
            fail(f"unknown elem segment {instr.elem}")

    return check


#: For each immediate kind that needs checking: a factory ``row -> check(v, instr)``.
#: Memory checks come first (as in the reference interpreter: memory.init checks the
#: memory, then the data segment).
IMMEDIATE_CHECKS: dict[str, Callable] = {
    "memarg": _memarg_check,
    "memidx": lambda op: _check_memory,
    "laneidx": _lane_check,
    "shuffle": _shuffle_check,
    "dataidx": _data_check,
    "elemidx": _elem_check,
}
#: Immediate kinds that say nothing a validator must check.
UNCHECKED_IMMEDIATES = frozenset({"i32", "i64", "f32", "f64", "v128"})


def immediate_check(op: Op) -> Callable | None:
    """One function checking all immediates of a row with a signature, or None."""
    order = list(IMMEDIATE_CHECKS)
    kinds = sorted({k for k in op.imm if k not in UNCHECKED_IMMEDIATES}, key=order.index)
    checks = [IMMEDIATE_CHECKS[k](op) for k in kinds]
    if not checks:
        return None
    if len(checks) == 1:
        return checks[0]

    def check_all(v, instr):
        for check in checks:
            check(v, instr)

    return check_all


def _feature_check(op: Op, check: Callable | None) -> Callable:
    """For a row of a proposal with a switch (the table's ``feature``): the module may use
    it only when the context's switch is on. The decoder already rejects its bytes then;
    this catches a module built in Python."""
    message = f"{op.name}: {later.not_supported(later.SWITCHED[op.feature])}"

    def check_feature(v, instr):
        if not getattr(v.ctx.features, op.feature):
            fail(message)
        if check is not None:
            check(v, instr)

    return check_feature


def _entry(op: Op):
    if op.special:
        return SPECIAL[op.name]
    types = tuple(ValType(t) for t in op.params)[::-1], tuple(ValType(t) for t in op.results)
    check = immediate_check(op)
    if op.feature is not None:
        check = _feature_check(op, check)
    return (*types, check)


# ---------------------------------------------------------------------------------------
# Memory instructions: the memory index (multi-memory) and the address type (memory64)
# ---------------------------------------------------------------------------------------


def memory_type(ctx: Context, x: int):
    """Memory ``x`` of the context (its ``MemoryType``), or "unknown memory x"."""
    if x >= len(ctx.mems):
        fail(f"unknown memory {x}")
    return ctx.mems[x]


def _address_slots(op: Op) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """Which params and results of a memory row are addresses (or lengths) of the memory's
    address type: (param positions, result positions). memory.copy is its own case."""
    name = op.name
    if name == "memory.size":
        return (), (0,)
    if name == "memory.grow":
        return (0,), (0,)
    if name == "memory.fill":
        return (0, 2), ()
    if name == "memory.init":
        return (0,), ()
    return (0,), ()  # loads and stores: the address is the first operand


def _memory_rule(op: Op):
    """The typing rule of a row that names a memory: the memory must exist (and, with a
    memarg, the alignment be at most natural and the offset fit the address type); its
    address type (i32, or i64 for a 64-bit memory) types the address operands."""
    params = [ValType(t) for t in op.params]
    results = [ValType(t) for t in op.results]
    natural = op.natural_alignment
    param_slots, result_slots = _address_slots(op)
    lane_check = _lane_check(op) if "laneidx" in op.imm else None
    sigs: dict = {}

    def sig(at: ValType, at_src: ValType | None = None) -> tuple:
        key = (at, at_src)
        got = sigs.get(key)
        if got is None:
            ps, rs = list(params), list(results)
            if op.name == "memory.copy":  # dst, src, and a length of the narrower type
                ps = [at, at_src, at if at is I32 else at_src]
            for i in param_slots if op.name != "memory.copy" else ():
                ps[i] = at
            for i in result_slots:
                rs[i] = at
            got = sigs[key] = (tuple(ps[::-1]), tuple(rs))
        return got

    def rule(v, instr):
        ctx = v.ctx
        if op.name == "memory.copy":
            dst = memory_type(ctx, instr.dst)
            src = memory_type(ctx, instr.src)
            return sig(I64 if dst.is_64 else I32, I64 if src.is_64 else I32)
        mt = memory_type(ctx, instr.memory)
        if natural is not None:
            if instr.align > natural:
                fail(f"alignment must not be larger than natural ({1 << natural} bytes for "
                     f"{op.name}, got 2**{instr.align})")
            if not mt.is_64 and instr.offset >= 1 << 32:
                fail(f"offset out of range ({instr.offset} for a 32-bit memory)")
            if lane_check is not None:
                lane_check(v, instr)
        if op.name == "memory.init" and instr.data >= ctx.datas:
            fail(f"unknown data segment {instr.data}")
        return sig(I64 if mt.is_64 else I32)

    return rule


def is_memory_row(op: Op) -> bool:
    return not op.special and ("memarg" in op.imm or "memidx" in op.imm)




SPECIAL.update(gc.SPECIAL)

#: The typing rule of every row, by mnemonic.
DISPATCH: dict[str, tuple | Callable] = {
    op.name: _memory_rule(op) if is_memory_row(op) else _entry(op) for op in opcodes.OPS}


# ---------------------------------------------------------------------------------------
# The loop
# ---------------------------------------------------------------------------------------
#: An implementation limit, as in wasmparser: the locals (parameters included) one function
#: may declare. It bounds the memory a hostile module can make us spend on its locals.
MAX_LOCALS = 50_000


def validate_func(ctx: Context, func: Func, ft: FuncType) -> FuncInfo:
    """Validate one function body under ``ctx``; raise InvalidError at the offending byte."""
    declared = sum(loc.count for loc in func.locals)
    if declared + len(ft.params) > MAX_LOCALS:
        raise InvalidError(f"too many locals: {declared + len(ft.params)} (wasmvm's limit is "
                           f"{MAX_LOCALS})", func.body_offset)
    local_types = (*ft.params, *map(valtype, func.local_types()))
    for t in local_types[len(ft.params):]:
        ctx.check_valtype(t)
    v = BodyValidator(ctx, local_types, ft.results, len(ft.params))
    heights: list[int] = []
    try:
        _run(v, func.body, Label((), tuple(ft.results), False), heights)
    except InvalidError as e:
        offsets = func.offsets
        if e.offset is None and offsets is not None and 0 < len(heights) <= len(offsets):
            located = InvalidError(e.message, offsets[len(heights) - 1])
            located.spec_message = e.spec_message
            raise located from None
        raise
    return FuncInfo(ft, local_types, array("i", heights), max(heights))


def _run(v: BodyValidator, body: list, func_label: Label, heights: list[int]) -> None:
    """The algorithm's main loop over the walk events of ``body``.

    ``h`` and ``unr`` cache the innermost frame's height and unreachable flag, ``mark``
    whether events are unreachable (the flag, or a dead frame). Handlers that return
    ``None`` may change the flag or push a frame, so they are re-read after them.
    """
    vals = v.vals
    ctrls = v.ctrls
    record = heights.append
    dispatch = DISPATCH
    match = v.ctx.match
    ctrls.append(Ctrl("function", func_label, 0, False, body))
    while True:
        frame = ctrls[-1]
        h = frame.height
        unr = frame.unreachable
        mark = unr or frame.dead
        for instr in frame.it:
            record(-1 if mark else len(vals))
            entry = dispatch[instr.op.name]
            if entry.__class__ is tuple:
                pops, pushes, check = entry
                if check is not None:
                    check(v, instr)
            else:
                entry = entry(v, instr)
                if entry is None:
                    if ctrls[-1] is not frame:
                        break  # entered a block: continue with its body
                    unr = frame.unreachable
                    mark = unr or frame.dead
                    continue
                pops, pushes = entry
            for t in pops:
                if len(vals) > h:
                    a = vals.pop()
                    if a is not t and a is not None and not match(a, t):
                        fail(f"{MISMATCH}: {instr.op.name} needs {t} but the stack has {a}")
                elif not unr:
                    fail(f"{MISMATCH}: {instr.op.name} needs {t} but the stack is empty")
            if pushes:
                vals += pushes
        else:
            # The body (or the then arm) is done: an `else` or `end` event.
            record(-1 if mark else len(vals))
            types = frame.types
            for t in types.end_rev:
                if len(vals) > h:
                    a = vals.pop()
                    if a is not t and a is not None and not match(a, t):
                        fail(f"{MISMATCH}: the {frame.kind} must end with {t} but the "
                             f"stack has {a}")
                elif not unr:
                    fail(f"{MISMATCH}: the {frame.kind} must end with {t} but the "
                         "stack is empty")
            if len(vals) != h:
                fail(f"{MISMATCH}: {len(vals) - h} value(s) left on the stack at the end "
                     f"of the {frame.kind}")
            if v.init_log:
                v.reset_inits(frame)
            if frame.else_body is not None:
                frame.it = iter(frame.else_body)
                frame.else_body = None
                frame.unreachable = False
                if types.start:
                    vals += types.start
                continue
            ctrls.pop()
            if not ctrls:
                return
            if types.end:
                vals += types.end

