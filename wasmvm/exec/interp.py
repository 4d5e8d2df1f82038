"""The reference tier: executes the instruction model one instruction at a time.

Preparing a function (once, on its first call) lays its body out as a flat list ``code``
in ``walk`` order — one entry per instruction and per ``else``/``end`` event, plus one for
the function's final ``end`` — so that ``code[pc]`` is the handler of the instruction at
``Func.offsets[pc]`` in the file. Structured control needs no run-time label stack: the
validator's side table gives the operand-stack height at every instruction, so each
branch knows statically where it goes, how many values it carries and how far it cuts
the stack.

The loop is ``pc = code[pc](F, pc)``. Handlers return the next pc; ``CALL``, ``RETURN``
and ``TAIL_CALL`` (negative) ask the loop to switch frames. A tail call (``return_call*``)
replaces the current frame by the callee's: the frame list does not grow, no call depth
is taken, fuel is charged for entering the callee (as wasmtime does), and observers see
the return_call's ``after``, the caller's ``leave`` (its state at the return_call) and
the callee's ``enter``. A host callee is called, and its results are the caller's.
WebAssembly calls never become Python calls: frames live on an explicit stack whose
depth is the store's budget (``Store.max_call_depth``), so deep recursion traps with
"call stack exhausted". The one exception: where this loop runs a function for the
compiled tier (its fallback), its callees are that tier's: called in the compiled
convention (``CompiledTier.callable``), at their depth, unless observers watch the call.

Exceptions: ``throw``/``throw_ref`` raise ``store.Thrown``. The loop catches it, looks in
the function's handler table (``Prepared.handlers``: the pc range of each try_table, its
clauses resolved to tags, target pcs and stack heights) of the current frame, then of each
caller frame it unwinds (observers see ``leave`` with ``ExecState.exception``), and goes on
at the handler's label; a compiled callee's or a host function's exception is caught at
the call. Traps are not ``Thrown`` and pass every handler. One not caught in this loop's
frames propagates to the caller (``exec.engine.invoke`` makes it ``UncaughtException``).

One loop driver (``_drive``) runs every call on this tier: the plain run, the run with
fuel and observer events (``exec.events``), and the Debugger's stepping, which pauses
before each instruction (the driver is a generator; it yields only when stepping). Per
instruction the plain path runs the tight inner loop alone; the instrumented path is
chosen once per call, so that the plain loop pays nothing for it.
"""

from __future__ import annotations

from ..errors import (
    NULL_EXCEPTION_REFERENCE,
    NULL_FUNCTION_REFERENCE,
    InternalError,
    Trap,
    TrapCode,
    UncaughtException,
    UnsupportedError,
)
from ..syntax.gcpause import paused_gc
from ..syntax.instructions import (
    Block,
    Br,
    BrIf,
    BrOnCast,
    BrOnNonNull,
    BrOnNull,
    BrTable,
    Call,
    CallIndirect,
    CallRef,
    If,
    Loop,
    Return,
    ReturnCall,
    ReturnCallIndirect,
    ReturnCallRef,
    Throw,
    ThrowRef,
    TryTable,
    walk,
)
from . import backtrace, events
from .events import ExecState, as_observer
from .fuel import FUNCTION_ENTRY, GROW, VARIABLE, charge_after, charge_before, cost_of_event, out_of_fuel
from .gc import ref_test
from .ops import FACTORIES, heap_operand
from .store import ExnInst, HostFunc, Store, Thrown, WasmFunc, indirect_callee, rethrown

CALL = -1
RETURN = -2
TAIL_CALL = -3  # return_call*: the callee's frame replaces the caller's (F.callee)


class Frame:
    """An activation: the function, its locals and its own operand stack."""

    __slots__ = ("func", "locals", "stack", "code", "pc", "callee")

    def __init__(self, func: WasmFunc, locals_: list):
        self.func = func
        self.locals = locals_
        self.stack: list = []
        self.code = (func.reference or prepare(func)).code
        self.pc = 0
        self.callee = None


class Prepared:
    """What the reference tier builds of a function once (``WasmFunc.reference``): the
    flat handler list ``code``, the fuel cost of each pc, and, when an observer first
    asks (``exec.events``), the walk events and the validator's type stacks."""

    __slots__ = ("code", "costs", "events", "types", "handlers")

    def __init__(self, code: list, costs: list, handlers: list | None = None):
        self.code = code
        self.costs = costs
        #: the try_table handlers, innermost (latest start) first: ``(start, end,
        #: clauses)`` covers the pcs strictly between its try_table and its end; each
        #: clause is ``(tag or None, ref, target pc, base height, arity)``
        self.handlers = handlers or []
        self.events = None
        self.types = None


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


def _epoch_checked(taken, reached: list):
    """A branch back to a loop's head, checking the epoch deadline first (only built
    when the store interrupts by epoch: no cost otherwise)."""
    def h(F, pc):
        if reached[0]:
            raise Trap(TrapCode.INTERRUPT)
        return taken(F, pc)
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


def _call(callee):
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
    try:
        if callee.takes_caller:
            results = callee.fn(F.func.module if F is not None else None, *args)
        else:
            results = callee.fn(*args)
    except UncaughtException as e:  # the wasm exception again (store.rethrown)
        raise rethrown(e) from None
    if results:
        stack.extend(results)


def _branch_on_null(taken):
    """br_on_null: a null is popped and the branch taken; else the reference stays."""
    def h(F, pc):
        s = F.stack
        if s[-1] is None:
            s.pop()
            return taken(F, pc)
        return pc + 1
    return h


def _branch_on_non_null(taken):
    """br_on_non_null: a reference branches, carried with the label's values; a null
    is popped."""
    def h(F, pc):
        s = F.stack
        if s[-1] is not None:
            return taken(F, pc)
        s.pop()
        return pc + 1
    return h


def _branch_on_cast(taken, nullable: bool, heap, on_fail: bool):
    """br_on_cast (``on_fail`` False) / br_on_cast_fail: the reference stays on the stack
    either way; the branch is taken when the cast succeeds (fails)."""
    want = 0 if on_fail else 1

    def h(F, pc):
        if ref_test(F.stack[-1], nullable, heap) == want:
            return taken(F, pc)
        return pc + 1
    return h


def _call_ref(F, pc):
    """call_ref: call the function reference on top of the stack."""
    callee = F.stack.pop()
    if callee is None:
        raise Trap(TrapCode.NULL_REFERENCE, NULL_FUNCTION_REFERENCE)
    if isinstance(callee, WasmFunc):
        F.callee = callee
        F.pc = pc + 1
        return CALL
    call_host(F, F.stack, callee)
    return pc + 1


def _call_indirect(table, expected):
    def h(F, pc):
        callee = indirect_callee(table, F.stack.pop(), expected)
        if isinstance(callee, WasmFunc):
            F.callee = callee
            F.pc = pc + 1
            return CALL
        call_host(F, F.stack, callee)
        return pc + 1
    return h


def _throw(tag, n: int):
    """throw: pop the tag's ``n`` parameters as the payload of a new exception."""
    def h(F, pc):
        s = F.stack
        if n:
            payload = tuple(s[-n:])
            del s[-n:]
        else:
            payload = ()
        raise Thrown(ExnInst(tag, payload))
    return h


def _throw_ref(F, pc):
    """throw_ref: the popped exception again (a fresh carrier, the same exnref)."""
    exn = F.stack.pop()
    if exn is None:
        raise Trap(TrapCode.NULL_REFERENCE, NULL_EXCEPTION_REFERENCE)
    raise Thrown(exn)


def _catch(F: Frame, pc: int, exn: ExnInst) -> int:
    """The handler of frame ``F`` for ``exn`` thrown at ``pc``: the pc it branches to,
    with the stack cut to the label's base and the payload (and exnref) pushed; -1 when
    no try_table of this frame around ``pc`` catches it. Clauses are tried in order,
    innermost try_table first; tags compare by identity."""
    for start, end, clauses in F.func.reference.handlers:
        if start < pc < end:
            for tag, ref, target, base, _arity in clauses:
                if tag is None or tag is exn.tag:
                    s = F.stack
                    del s[base:]
                    if tag is not None:
                        s.extend(exn.payload)
                    if ref:
                        s.append(exn)
                    return target
    return -1


def _return_call(callee):
    """``return_call``: a WebAssembly callee replaces this frame (``TAIL_CALL``); a host
    callee is called, and its results are this function's (it returns)."""
    if isinstance(callee, WasmFunc):
        def h(F, pc):
            F.callee = callee
            F.pc = pc + 1
            return TAIL_CALL
        return h

    def host(F, pc):
        call_host(F, F.stack, callee)
        return RETURN
    return host


def tail_call_to(F: Frame, pc: int, callee) -> int:
    """A tail call to a callee resolved at run time (``return_call_indirect``; later
    ``return_call_ref``), its arguments on ``F.stack``: the next pc for the loop."""
    if isinstance(callee, WasmFunc):
        F.callee = callee
        F.pc = pc + 1
        return TAIL_CALL
    call_host(F, F.stack, callee)
    return RETURN


def _return_call_ref(F, pc):
    """return_call_ref: tail-call the function reference on top of the stack."""
    callee = F.stack.pop()
    if callee is None:
        raise Trap(TrapCode.NULL_REFERENCE, NULL_FUNCTION_REFERENCE)
    return tail_call_to(F, pc, callee)


def _return_call_indirect(table, expected):
    def h(F, pc):
        return tail_call_to(F, pc, indirect_callee(table, F.stack.pop(), expected))
    return h


def prepare(func: WasmFunc) -> Prepared:
    """The flat handler list of a function (see the module docstring), built once."""
    with paused_gc():
        return _prepare(func)


def _prepare(func: WasmFunc) -> Prepared:
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
            if isinstance(instr, (Block, Loop, If, TryTable)):
                open_.append(i)
        elif event == "else":
            else_of[open_[-1]] = i
        else:
            end_of[open_.pop()] = i
    # Pass 2: handlers. ``labels`` holds (target, base, arity) from the outside in; the
    # function body itself is the outermost label, and branching to it returns.
    cache = mod.reference
    code: list = [None] * (n + 1)
    labels: list[tuple[int, int, int]] = [(RETURN, 0, func.nresults)]
    loop_heads: set[int] = set()  # the targets that are loops: their branches go back

    def branch(label: tuple, height: int):
        h = _branch(*label, height)
        if mod.epoch is not None and label[0] in loop_heads:
            return _epoch_checked(h, mod.epoch)
        return h
    owners: list[int] = []
    handlers: list = []
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
        if isinstance(instr, TryTable):
            params, results = _arity(mod, instr.blocktype)
            base = height - params if height >= 0 else -1
            if height >= 0:
                clauses = []
                for c in instr.catches:
                    target, cbase, arity = labels[-1 - c.label]
                    if target == RETURN:  # the function's label: its final end returns
                        target = n
                    tag = None if c.tag is None else mod.tags[c.tag]
                    clauses.append((tag, c.ref, target, cbase, arity))
                handlers.append((i, end_of[i], tuple(clauses)))
            labels.append((end_of[i] + 1, base, results))
            owners.append(i)
            code[i] = _nop
            continue
        if isinstance(instr, (Block, Loop, If)):
            params, results = _arity(mod, instr.blocktype)
            cond = 1 if isinstance(instr, If) else 0
            base = height - cond - params if height >= 0 else -1
            if isinstance(instr, Loop):
                labels.append((i + 1, base, params))
                loop_heads.add(i + 1)
            else:
                labels.append((end_of[i] + 1, base, results))
            owners.append(i)
            code[i] = _if(else_of[i] + 1) if cond else _nop
            continue
        if height < 0:
            code[i] = _dead
            continue
        if isinstance(instr, Br):
            code[i] = branch(labels[-1 - instr.label], height)
        elif isinstance(instr, BrIf):
            code[i] = _branch_if(branch(labels[-1 - instr.label], height - 1))
        elif isinstance(instr, BrTable):
            targets = [branch(labels[-1 - x], height - 1) for x in instr.labels]
            code[i] = _branch_table(targets, branch(labels[-1 - instr.default], height - 1))
        elif isinstance(instr, Return):
            code[i] = _return
        elif isinstance(instr, Call):
            code[i] = _call(mod.funcs[instr.func])
        elif isinstance(instr, BrOnNull):  # (the reference is popped when it branches)
            code[i] = _branch_on_null(branch(labels[-1 - instr.label], height - 1))
        elif isinstance(instr, BrOnNonNull):
            code[i] = _branch_on_non_null(branch(labels[-1 - instr.label], height))
        elif isinstance(instr, BrOnCast):  # (and BrOnCastFail, its subclass)
            to = instr.to_type
            code[i] = _branch_on_cast(branch(labels[-1 - instr.label], height), to.nullable,
                                      heap_operand(to, mod.type_ids),
                                      instr.op.name == "br_on_cast_fail")
        elif isinstance(instr, CallRef):
            code[i] = _call_ref
        elif isinstance(instr, Throw):
            code[i] = _throw(mod.tags[instr.tag], len(mod.tags[instr.tag].type.params))
        elif isinstance(instr, ThrowRef):
            code[i] = _throw_ref
        elif isinstance(instr, CallIndirect):
            code[i] = _call_indirect(mod.tables[instr.table], mod.type_ids[instr.type])
        elif isinstance(instr, ReturnCall):
            code[i] = _return_call(mod.funcs[instr.func])
        elif isinstance(instr, ReturnCallRef):
            code[i] = _return_call_ref
        elif isinstance(instr, ReturnCallIndirect):
            code[i] = _return_call_indirect(mod.tables[instr.table], mod.type_ids[instr.type])
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
    costs = [cost_of_event(event, instr) if event != "instr" or
             instr.op.name not in VARIABLE else
             (-2 if instr.op.name in GROW else -1) for event, instr in events] + [0]
    handlers.sort(key=lambda h: -h[0])  # innermost first (nested ranges)
    prepared = func.reference = Prepared(code, costs, handlers)
    return prepared


# -- running: one loop driver ----------------------------------------------------------------
class ReferenceTier:
    """The reference tier, as an ``exec.engine.Tier``."""

    name = "reference"

    def call(self, store: Store, func: WasmFunc, args: list) -> list:
        return run(store, func, args)

    def ahead_of_validation(self, module, features, fuel: bool, epoch: bool) -> None:
        """Nothing to prepare for a decoded module (see ``CompiledTier``)."""
        return None


def run(store: Store, func: WasmFunc, args: list) -> list:
    """Call ``func`` on this tier with raw arguments; its raw results. The plain path, or
    the instrumented one while fuel is on or observers are attached."""
    driver = _drive(store, func, args, store.depth, store.observers, None)
    try:
        driver.send(None)
    except StopIteration as done:
        return done.value
    raise InternalError("the reference loop paused while not stepping")


def steps(store: Store, func: WasmFunc, args: list, depth0: int, on_trap=None):
    """The same call, pausing before each instruction: a generator that yields the
    ``ExecState`` of the instruction about to run and returns the raw results (the
    Debugger drives it). ``depth0`` is the live call depth the call starts from (the
    caller keeps ``store.depth``); ``on_trap(state)`` is told the state of an instruction
    that trapped."""
    return _drive(store, func, args, depth0, store.observers, on_trap or _ignore)


def resume_steps(store: Store, machine: tuple, depth0: int, on_trap=None):
    """``steps`` entered in the middle of a call (as on-stack replacement enters a loop):
    ``machine`` is ``(callers, F, pc)``, the caller frames (outermost first, each paused
    at its return pc), the current frame and the pc about to run, as
    ``exec.rewind.Machine.frames`` rebuilds them. Nothing is charged for entering, and
    observers see no ``enter`` for the frames already live; the first ``yield`` is the
    state at ``pc``. The caller has put the store's memories, tables and globals back as
    they were at that instruction (``exec.rewind``)."""
    return _drive(store, None, [], depth0, store.observers, on_trap or _ignore, machine)


def _ignore(state) -> None:
    pass


def _drive(store: Store, func: WasmFunc | None, args: list, depth0: int, observers: list,
           stepping, resume: tuple | None = None):
    """The loop driver (see the module docstring). ``stepping`` is None, or the Debugger's
    trap callback: then it yields the state before each instruction. ``resume`` (only
    when stepping) is a machine state to go on from (``resume_steps``) instead of
    entering ``func``."""
    fuel = store.fuel
    watchers = [as_observer(o) for o in observers]
    watched = stepping is not None or bool(watchers)  # ExecStates are made
    hooked = watched or fuel is not None  # the instrumented path
    limit = store.max_call_depth
    reached = store.epoch_reached if store.epoch is not None else None
    # the compiled tier, when this loop runs as its fallback: it runs the callees
    compiled_tier = store.tier if hasattr(store.tier, "callable") else None
    state = None
    pending: list = []  # the states of calls waiting for their callee to return
    if resume is None:
        if depth0 >= limit:
            raise Trap(TrapCode.STACK_OVERFLOW)
        if reached is not None and reached[0]:
            raise Trap(TrapCode.INTERRUPT)
        if fuel is not None:  # before the depth is taken: a trap here leaves nothing behind
            fuel[0] -= FUNCTION_ENTRY
            if fuel[0] < 0:
                raise out_of_fuel(fuel)
        frames: list[Frame] = []
        F = Frame(func, args + func.zero_locals)
        pc = 0
        if watchers:
            state = ExecState(F, frames, 0)
            for o in watchers:
                o.enter(state)
    else:  # on-stack entry: the callers wait at their calls, as if they had made them
        callers, F, pc = resume
        frames = list(callers)
        pending = [ExecState(fr, frames[:i], fr.pc - 1) for i, fr in enumerate(frames)]
    code = F.code
    costs = F.func.reference.costs
    if stepping is None:
        store.depth = depth0 + 1
    try:
        while True:
            try:
                if not hooked:
                    while True:  # the plain path: the handlers and nothing else (this shape
                        pc = code[pc](F, pc)  # is measurably faster than `while pc >= 0`)
                        if pc >= 0:
                            continue
                        break
                else:  # one instruction, with fuel and events
                    if watched:
                        state = ExecState(F, frames, pc)
                        events.note_memory_access(state, F.stack)
                        if stepping is not None:
                            yield state
                    variable = charge_before(fuel, costs[pc], F.stack) if fuel is not None else None
                    for o in watchers:
                        o.before(state)
                    nxt = code[pc](F, pc)
                    if variable is not None:
                        charge_after(fuel, variable, F.stack)
                    if watched and nxt != CALL and nxt != TAIL_CALL:  # a call's after comes
                        # when the callee returns; a tail call's once it may leave
                        events.finish_memory_access(state)
                        state.after = True
                        for o in watchers:
                            o.after(state)
                    pc = nxt
                    if pc >= 0:
                        continue
                if pc == TAIL_CALL:
                    # the callee replaces this frame: no depth is taken, fuel is charged for
                    # entering it; observers see the return_call end, this function leave
                    # and the callee enter
                    callee = F.callee
                    if reached is not None and reached[0]:
                        raise Trap(TrapCode.INTERRUPT)
                    fast = None if watched else callee.compiled
                    if fast is None and compiled_tier is not None and not watched:
                        fast = compiled_tier.callable(store, callee)
                    if fast is None and hooked and fuel is not None:  # (a compiled callee
                        fuel[0] -= FUNCTION_ENTRY  # charges its own)
                        if fuel[0] < 0:
                            raise out_of_fuel(fuel)
                    s = F.stack
                    k = callee.nparams
                    if k:
                        args = s[-k:]
                        del s[-k:]
                    else:
                        args = []
                    if fast is not None:
                        # compiled (this loop runs as the compiled tier's fallback): called at
                        # this frame's depth, its results are this frame's
                        out = fast(*args, depth0 + len(frames) + 1)
                        k = callee.nresults
                        if k == 1:
                            s.append(out)
                        elif k:
                            s.extend(out)
                        pc = RETURN
                    else:
                        if watched:
                            state.after = True
                            for o in watchers:
                                o.after(state)
                            state = ExecState(F, frames, F.pc - 1)
                            for o in watchers:
                                o.leave(state)
                        F = Frame(callee, args + callee.zero_locals)
                        code = F.code
                        pc = 0
                        if hooked:
                            costs = callee.reference.costs
                            if watched:
                                state = ExecState(F, frames, 0)
                                for o in watchers:
                                    o.enter(state)
                        continue
                if pc == CALL:
                    callee = F.callee
                    if len(frames) + depth0 + 1 >= limit:
                        raise Trap(TrapCode.STACK_OVERFLOW)
                    if reached is not None and reached[0]:
                        raise Trap(TrapCode.INTERRUPT)
                    fast = None if watched else callee.compiled
                    if fast is None and compiled_tier is not None and not watched:
                        fast = compiled_tier.callable(store, callee)
                    if fast is not None:
                        # compiled by the compiled tier (this loop runs as its fallback):
                        # called in the compiled convention, at its depth; it charges its
                        # own fuel
                        s = F.stack
                        k = callee.nparams
                        if k:
                            args = s[-k:]
                            del s[-k:]
                        else:
                            args = ()
                        out = fast(*args, depth0 + len(frames) + 2)
                        k = callee.nresults
                        if k == 1:
                            s.append(out)
                        elif k:
                            s.extend(out)
                        pc = F.pc
                        continue
                    if hooked and fuel is not None:
                        fuel[0] -= FUNCTION_ENTRY
                        if fuel[0] < 0:
                            raise out_of_fuel(fuel)
                    s = F.stack
                    k = callee.nparams
                    if k:
                        args = s[-k:]
                        del s[-k:]
                    else:
                        args = []
                    frames.append(F)
                    if stepping is None:  # the live depth, for host functions that call back
                        store.depth = depth0 + len(frames) + 1
                    F = Frame(callee, args + callee.zero_locals)
                    code = F.code
                    pc = 0
                    if hooked:
                        costs = callee.reference.costs
                        if watched:
                            pending.append(state)
                            state = ExecState(F, frames, 0)
                            for o in watchers:
                                o.enter(state)
                    continue
                # RETURN: the results go to the caller's stack
                k = F.func.nresults
                results = F.stack[-k:] if k else []
                if hooked and watchers:
                    state = ExecState(F, frames, len(code) - 1)
                    for o in watchers:
                        o.leave(state)
                if not frames:
                    return results
                F = frames.pop()
                if stepping is None:
                    store.depth = depth0 + len(frames) + 1
                F.stack.extend(results)
                code = F.code
                pc = F.pc
                if hooked:
                    costs = F.func.reference.costs
                    if watched:
                        state = pending.pop()
                        state.after = True
                        for o in watchers:
                            o.after(state)
            except Thrown as thrown:
                # a WebAssembly exception: unwind to the innermost try_table handler that
                # catches it, in this frame or a caller's (this loop's frames only)
                exn = thrown.exn
                unwound = []  # the frames it leaves (innermost first), for its backtrace
                where = F.pc - 1 if pc < 0 else pc  # the throw (a call: the callee's)
                if watched and state is not None and not state.after and pc >= 0:
                    # the throwing instruction ends by throwing: observers see its after
                    state.after = True
                    state.exception = exn
                    for o in watchers:
                        o.after(state)
                while True:
                    target = _catch(F, F.pc - 1 if pc < 0 else pc, exn)
                    if target >= 0:
                        break
                    if watchers:  # the frame is left by the exception, not returned from
                        state = ExecState(F, frames, F.pc - 1 if pc < 0 else pc)
                        state.exception = exn
                        for o in watchers:
                            o.leave(state)
                    unwound.append(F.func)
                    if not frames:
                        _locate_thrown(thrown, unwound, where)
                        raise
                    F = frames.pop()
                    pc = F.pc - 1
                    if pending:
                        pending.pop()
                    if stepping is None:
                        store.depth = depth0 + len(frames) + 1
                code = F.code
                pc = target
                if hooked:
                    costs = F.func.reference.costs

    except (Trap, RecursionError) as error:
        # a RecursionError: a host function recursed through Python; wasm reports that so
        trap = error if isinstance(error, Trap) else Trap(TrapCode.STACK_OVERFLOW)
        backtrace.locate_trap(trap)  # the frames of compiled callees, if it came from one
        _locate(trap, F, frames, pc)
        if watched:
            # at a call that could not be made (no fuel, no depth) pc is CALL: the state is
            # the call instruction's
            state = ExecState(F, frames, F.pc - 1 if pc < 0 else pc)
            if stepping is not None:
                stepping(state)
            for o in watchers:
                o.trap(state, trap)
        if trap is error:
            raise
        raise trap from None
    finally:
        if stepping is None:
            store.depth = depth0


def _locate_thrown(thrown: Thrown, unwound: list, pc: int) -> None:
    """Give an exception that leaves this loop uncaught its wasm backtrace, as a trap's
    (``_locate``): ``unwound``, the functions it left (innermost first), behind those of
    compiled callees it came from, and the byte offset of the throw at ``pc`` of the
    innermost (when it was thrown here, not in a callee)."""
    backtrace.locate_thrown(thrown)  # the frames of compiled callees, if any
    trap = thrown.located()
    ours = unwound[::-1]
    if trap.frames:
        trap.prepend_frames(ours)
        return
    if trap.offset is None:
        offsets = unwound[0].code.offsets
        if offsets is not None and 0 <= pc < len(offsets):
            trap.offset = offsets[pc]
    trap.set_frames(ours)


def _locate(trap: Trap, F: Frame, frames: list, pc: int) -> None:
    """Give a trap the byte offset of the trapping instruction and the wasm backtrace.
    A trap at a call that could not be made (``pc`` is ``CALL``: no depth or fuel left to
    enter the callee) is located at that call instruction. A trap from a compiled callee
    (``backtrace.locate_trap`` gave it frames and its offset) gets this loop's frames in
    front of its own."""
    ours = [fr.func for fr in (*frames, F)]
    if trap.frames:
        trap.prepend_frames(ours)
        return
    if trap.offset is None:
        if pc < 0:
            pc = F.pc - 1
        offsets = F.func.code.offsets
        if offsets is not None and 0 <= pc < len(offsets):
            trap.offset = offsets[pc]
    trap.set_frames(ours)
