"""The reference tier: executes the instruction model one instruction at a time.

Preparing a function (once, on its first call) lays its body out as a flat list ``code``
in ``walk`` order — one entry per instruction and per ``else``/``end`` event, plus one for
the function's final ``end`` — so that ``code[pc]`` is the handler of the instruction at
``Func.offsets[pc]`` in the file. Structured control needs no run-time label stack: the
validator's side table gives the operand-stack height at every instruction, so each
branch knows statically where it goes, how many values it carries and how far it cuts
the stack.

The loop is ``pc = code[pc](F, pc)``. Handlers return the next pc; ``CALL`` and
``RETURN`` (negative) ask the loop to switch frames. WebAssembly calls never become
Python calls: frames live on an explicit stack whose depth is the store's budget
(``Store.max_call_depth``), so deep recursion traps with "call stack exhausted".
Observers, stepping and fuel will attach to this one loop (a second variant of it,
chosen once, so that the plain loop pays nothing).
"""

from __future__ import annotations

from ..errors import InternalError, Trap, TrapCode, UnsupportedError
from ..syntax.instructions import (
    Block,
    Br,
    BrIf,
    BrTable,
    Call,
    CallIndirect,
    If,
    Loop,
    Return,
    walk,
)
from .fuel import FUNCTION_ENTRY, GROW, GROW_FAILED, VARIABLE, cost_of_event
from .ops import FACTORIES
from .store import FuncInst, HostFunc, Store, WasmFunc

CALL = -1
RETURN = -2


class Frame:
    """An activation: the function, its locals and its own operand stack."""

    __slots__ = ("func", "locals", "stack", "code", "pc", "callee")

    def __init__(self, func: WasmFunc, locals_: list):
        self.func = func
        self.locals = locals_
        self.stack: list = []
        self.code = func.prepared or prepare(func)
        self.pc = 0
        self.callee = None


# -- preparing a function ------------------------------------------------------------------
def _arity(mod, bt) -> tuple[int, int]:
    if bt is None:
        return 0, 0
    if isinstance(bt, int) and not isinstance(bt, str):
        ft = mod.types[bt]
        return len(ft.params), len(ft.results)
    return 0, 1


def _nop(F, pc):
    return pc + 1


def _return(F, pc):
    return RETURN


def _dead(F, pc):  # pragma: no cover - unreachable code is never entered
    raise InternalError("executed unreachable code")


def _jump(target):
    return lambda F, pc: target


def _branch(target: int, base: int, arity: int, height: int):
    """A taken branch: keep ``arity`` values, cut the stack to ``base``, go to ``target``.
    ``height`` is the static height at the branch; -1 for ``return``-like targets."""
    if target == RETURN:
        return _return
    if height == base + arity:  # nothing to cut: the common case of loop back-edges
        return lambda F, pc: target
    if arity == 0:
        def h(F, pc):
            del F.stack[base:]
            return target
    elif arity == 1:
        def h(F, pc):
            s = F.stack
            v = s[-1]
            del s[base:]
            s.append(v)
            return target
    else:
        def h(F, pc):
            s = F.stack
            vals = s[-arity:]
            del s[base:]
            s.extend(vals)
            return target
    return h


def _branch_if(taken):
    def h(F, pc):
        if F.stack.pop():
            return taken(F, pc)
        return pc + 1
    return h


def _branch_table(targets: list, default):
    n = len(targets)

    def h(F, pc):
        i = F.stack.pop()
        return (targets[i] if i < n else default)(F, pc)
    return h


def _if(else_pc: int):
    def h(F, pc):
        return pc + 1 if F.stack.pop() else else_pc
    return h


def _call(callee: FuncInst):
    if isinstance(callee, WasmFunc):
        def h(F, pc):
            F.callee = callee
            F.pc = pc + 1
            return CALL
        return h

    def host(F, pc):
        call_host(F, F.stack, callee)
        return pc + 1
    return host


def call_host(F: Frame | None, stack: list, callee: HostFunc) -> None:
    """Call a host function with arguments from ``stack``; push its results there. A host
    function that takes its caller gets the calling module instance first (None when
    called from Python)."""
    n = len(callee.type.params)
    if n:
        args = stack[-n:]
        del stack[-n:]
    else:
        args = ()
    if callee.takes_caller:
        results = callee.fn(F.func.module if F is not None else None, *args)
    else:
        results = callee.fn(*args)
    if results:
        stack.extend(results)


def _call_indirect(table, expected):
    def h(F, pc):
        i = F.stack.pop()
        elements = table.elements
        if i >= len(elements):
            raise Trap(TrapCode.TABLE_OUT_OF_BOUNDS, f"undefined element {i}")
        callee = elements[i]
        if callee is None:
            raise Trap(TrapCode.INDIRECT_CALL_TO_NULL, f"uninitialized element {i}")
        ty = callee.type
        if ty is not expected and ty != expected:  # identity first: the common case
            raise Trap(TrapCode.BAD_SIGNATURE)
        if isinstance(callee, WasmFunc):
            F.callee = callee
            F.pc = pc + 1
            return CALL
        call_host(F, F.stack, callee)
        return pc + 1
    return h


def prepare(func: WasmFunc) -> list:
    """The flat handler list of a function (see the module docstring)."""
    mod = func.module
    heights = func.info.heights
    events = list(walk(func.code.body))
    n = len(events)
    # Pass 1: where each structured instruction's else and end events are.
    end_of: dict[int, int] = {}
    else_of: dict[int, int] = {}
    open_: list[int] = []
    for i, (event, instr) in enumerate(events):
        if event == "instr":
            if isinstance(instr, (Block, Loop, If)):
                open_.append(i)
        elif event == "else":
            else_of[open_[-1]] = i
        else:
            end_of[open_.pop()] = i
    # Pass 2: handlers. ``labels`` holds (target, base, arity) from the outside in; the
    # function body itself is the outermost label, and branching to it returns.
    cache = mod.handlers
    code: list = [None] * (n + 1)
    labels: list[tuple[int, int, int]] = [(RETURN, 0, func.nresults)]
    owners: list[int] = []
    for i, (event, instr) in enumerate(events):
        if event == "end":
            labels.pop()
            owners.pop()
            code[i] = _nop
            continue
        if event == "else":
            code[i] = _jump(end_of[owners[-1]] + 1)
            continue
        height = heights[i]
        if isinstance(instr, (Block, Loop, If)):
            params, results = _arity(mod, instr.blocktype)
            cond = 1 if isinstance(instr, If) else 0
            base = height - cond - params if height >= 0 else -1
            if isinstance(instr, Loop):
                labels.append((i + 1, base, params))
            else:
                labels.append((end_of[i] + 1, base, results))
            owners.append(i)
            code[i] = _if(else_of[i] + 1) if cond else _nop
            continue
        if height < 0:
            code[i] = _dead
            continue
        if isinstance(instr, Br):
            code[i] = _branch(*labels[-1 - instr.label], height)
        elif isinstance(instr, BrIf):
            code[i] = _branch_if(_branch(*labels[-1 - instr.label], height - 1))
        elif isinstance(instr, BrTable):
            targets = [_branch(*labels[-1 - x], height - 1) for x in instr.labels]
            code[i] = _branch_table(targets, _branch(*labels[-1 - instr.default], height - 1))
        elif isinstance(instr, Return):
            code[i] = _return
        elif isinstance(instr, Call):
            code[i] = _call(mod.funcs[instr.func])
        elif isinstance(instr, CallIndirect):
            code[i] = _call_indirect(mod.tables[instr.table], mod.types[instr.type])
        else:
            h = cache.get(id(instr))
            if h is None:
                make = FACTORIES.get(instr.op.name)
                if make is None:
                    offsets = func.code.offsets
                    raise UnsupportedError(f"{instr.op.name} cannot be executed yet "
                                           f"(function {func.name})",
                                           offsets[i] if offsets is not None else None)
                h = cache[id(instr)] = make(instr, mod)
            code[i] = h
    code[n] = _return
    func.costs = [cost_of_event(event, instr) if event != "instr" or
                  instr.op.name not in VARIABLE else
                  (-2 if instr.op.name in GROW else -1) for event, instr in events] + [0]
    func.prepared = code
    return code


# -- running -------------------------------------------------------------------------------
def invoke(store: Store, func: FuncInst, args: list) -> list:
    """Call ``func`` with raw arguments; return its raw results. Traps raise ``Trap``."""
    if isinstance(func, HostFunc):
        stack = list(args)
        call_host(None, stack, func)
        return stack
    if store.observers:
        return _run_instrumented(store, func, list(args))
    if store.tier == "compiled":
        from .compile import run_compiled
        return run_compiled(store, func, list(args))
    if store.fuel is not None:
        return _run_instrumented(store, func, list(args))
    return _run(store, func, list(args))


def _run(store: Store, func: WasmFunc, args: list) -> list:
    frames: list[Frame] = []
    limit = store.max_call_depth
    depth0 = store.depth
    if depth0 >= limit:
        raise Trap(TrapCode.STACK_OVERFLOW)
    store.depth = depth0 + 1
    F = Frame(func, args + func.zero_locals)
    code = F.code
    pc = 0
    try:
        while True:
            pc = code[pc](F, pc)
            if pc >= 0:
                continue
            if pc == CALL:
                callee = F.callee
                if len(frames) + depth0 + 1 >= limit:
                    raise Trap(TrapCode.STACK_OVERFLOW)
                s = F.stack
                k = callee.nparams
                if k:
                    args = s[-k:]
                    del s[-k:]
                else:
                    args = []
                frames.append(F)
                F = Frame(callee, args + callee.zero_locals)
                code = F.code
                pc = 0
                continue
            # RETURN
            k = F.func.nresults
            results = F.stack[-k:] if k else []
            if not frames:
                return results
            F = frames.pop()
            F.stack.extend(results)
            code = F.code
            pc = F.pc
    except Trap as trap:
        _locate(trap, F, frames, pc)
        raise
    except RecursionError:  # a host function recursed through Python: report it as wasm does
        raise Trap(TrapCode.STACK_OVERFLOW) from None
    finally:
        store.depth = depth0


def _locate(trap: Trap, F: Frame, frames: list, pc: int) -> None:
    """Give a trap the byte offset of the trapping instruction and the wasm backtrace.
    A trap at a call that could not be made (``pc`` is ``CALL``: no depth or fuel left to
    enter the callee) is located at that call instruction."""
    if trap.offset is None:
        if pc < 0:
            pc = F.pc - 1
        offsets = F.func.code.offsets
        if offsets is not None and 0 <= pc < len(offsets):
            trap.offset = offsets[pc]
    if not trap.frames:
        trap.set_frames([fr.func for fr in (*frames, F)])


# -- the instrumented loop: fuel and observers ------------------------------------------------
def _out_of_fuel(store: Store) -> Trap:
    store.fuel[0] = 0
    return Trap(TrapCode.OUT_OF_FUEL)


def charge_before(store: Store, cost: int, stack: list):
    """Charge an instruction's fuel before it runs. For bulk (cost -1) and grow (-2)
    instructions charge 1 and return what to charge once it ran (see ``charge_after``)."""
    fuel = store.fuel
    variable = None
    if cost < 0:
        variable = (cost, stack[-1])
        cost = 1
    fuel[0] -= cost
    if fuel[0] < 0:
        raise _out_of_fuel(store)
    return variable


def charge_after(store: Store, variable: tuple, stack: list) -> None:
    """A bulk instruction's length, or a successful grow's delta (wasmtime charges these
    once the instruction has run)."""
    kind, amount = variable
    if kind == -2 and stack[-1] == GROW_FAILED:
        return
    fuel = store.fuel
    fuel[0] -= amount
    if fuel[0] < 0:
        raise _out_of_fuel(store)


def _run_instrumented(store: Store, func: WasmFunc, args: list) -> list:
    """The reference tier's loop with fuel accounting and observer events. Same results
    and traps as ``_run``; chosen once per call, so the plain loop pays nothing."""
    from ..observe import ExecState, as_observer

    observers = [as_observer(o) for o in store.observers]
    fuel = store.fuel
    frames: list[Frame] = []
    limit = store.max_call_depth
    depth0 = store.depth
    if depth0 >= limit:
        raise Trap(TrapCode.STACK_OVERFLOW)
    if fuel is not None:  # before the depth is taken: a trap here leaves nothing behind
        fuel[0] -= FUNCTION_ENTRY
        if fuel[0] < 0:
            raise _out_of_fuel(store)
    store.depth = depth0 + 1
    F = Frame(func, args + func.zero_locals)
    code = F.code
    costs = func.costs
    pc = 0
    state = ExecState(F, frames, 0)
    pending: list = []  # the states of calls waiting for their callee to return
    for o in observers:
        o.enter(state)
    try:
        while True:
            variable = None
            if fuel is not None:
                variable = charge_before(store, costs[pc], F.stack)
            if observers:
                state = ExecState(F, frames, pc)
                _note_memory_access(state, F, code, pc)
                for o in observers:
                    o.before(state)
            nxt = code[pc](F, pc)
            if variable is not None:
                charge_after(store, variable, F.stack)
            if observers and nxt != CALL:  # a call's after comes when the callee returns
                _finish_memory_access(state)
                state.after = True
                for o in observers:
                    o.after(state)
            pc = nxt
            if pc >= 0:
                continue
            if pc == CALL:
                callee = F.callee
                if len(frames) + depth0 + 1 >= limit:
                    raise Trap(TrapCode.STACK_OVERFLOW)
                if fuel is not None:
                    fuel[0] -= FUNCTION_ENTRY
                    if fuel[0] < 0:
                        raise _out_of_fuel(store)
                s = F.stack
                k = callee.nparams
                if k:
                    args = s[-k:]
                    del s[-k:]
                else:
                    args = []
                frames.append(F)
                if observers:
                    pending.append(state)
                F = Frame(callee, args + callee.zero_locals)
                code = F.code
                costs = callee.costs
                pc = 0
                if observers:
                    state = ExecState(F, frames, 0)
                    for o in observers:
                        o.enter(state)
                continue
            k = F.func.nresults
            results = F.stack[-k:] if k else []
            if observers:
                state = ExecState(F, frames, len(code) - 1)
                for o in observers:
                    o.leave(state)
            if not frames:
                return results
            F = frames.pop()
            F.stack.extend(results)
            code = F.code
            costs = F.func.costs
            pc = F.pc
            if observers:
                state = pending.pop()
                state.after = True
                for o in observers:
                    o.after(state)
    except Trap as trap:
        _locate(trap, F, frames, pc)
        if observers:
            # at a call that could not be made (no fuel, no depth) pc is CALL: the state
            # is the call instruction's
            state = ExecState(F, frames, F.pc - 1 if pc < 0 else pc)
            for o in observers:
                o.trap(state, trap)
        raise
    finally:
        store.depth = depth0


def _note_memory_access(state, F, code, pc) -> None:
    """Before a load or store: remember where it goes (read back after it ran)."""
    instr = state.instruction
    name = getattr(getattr(instr, "op", None), "name", "")
    if ".load" in name or ".store" in name:
        stores = ".store" in name
        s = F.stack
        if len(s) >= (2 if stores else 1):
            base = s[-2] if stores else s[-1]
            size = (getattr(instr, "bits", None) or instr.t.bit_width) // 8 if hasattr(
                instr, "t") else 16
            state._access = ("store" if stores else "load", base + instr.offset, size)


def _finish_memory_access(state) -> None:
    if state._access is None:
        return
    kind, ea, size = state._access
    mem = state.memory
    data = bytes(mem.data[ea : ea + size]) if mem is not None and ea + size <= len(mem.data) else b""
    state._access = (kind, ea, data)
