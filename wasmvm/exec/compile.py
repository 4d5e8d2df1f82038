"""The compiled tier: translate a validated function into Python source, once.

How WebAssembly maps onto Python here:

* Locals are Python locals ``l0, l1, ...``. The operand stack is resolved at translation
  time: the value at stack depth ``k`` lives in the Python variable ``s{k}``, so values
  meet in the same variable wherever control flow joins. Pure, non-trapping expressions
  over locals and constants are not stored at all but kept as Python expression text and
  inlined where they are used (``local.get 0 local.get 1 i32.add local.set 2`` becomes
  ``l2 = (l0 + l1) % 4294967296``); they are stored into their ``s{k}`` before anything
  could change what they read (a ``local.set`` of a local they use) and at every control
  flow boundary. A loaded value goes into a temporary of its own (``_t7``), never reused,
  so that the expressions made from it stay deferred too. Comparisons keep a boolean
  form, so ``br_if`` of ``i32.lt_s`` is one Python ``if``. Only the locals some read may
  reach before a set are zeroed on entry (``compile_survey``), and an ``if`` that ends
  the function returns from its arms.
* A block or ``if`` that some branch targets becomes ``while True: ... break``; a loop
  becomes ``while True: ... break`` whose branches ``continue``. Blocks nobody branches
  to need no Python construct. A branch out of several Python loops sets ``_br`` to the
  target's number and breaks; each loop it leaves dispatches on ``_br`` after itself.
  A branch to the function's own label is ``return``. A block or ``if`` whose branches
  all come from its own body (not from a construct inside) needs no loop: a ``br_if``
  there becomes ``if not cond:`` around the rest of the body (``compile_survey``).
* Wraparound masks are written only where the value may leave the type's range. Stack
  entries carry bounds (``E.rng``: constants, narrow loads, ``and``, shifts,
  comparisons), and so do integer locals in the structured form, from assignments and
  from the comparisons control passed (``Translator.assume``): ``if l0 < 2 ... else
  l0 - 1`` needs no mask. A sum or difference wraps with ``% 2**width`` (CPython returns a
  dividend below the divisor at once), a product with ``& mask`` (``_wrap``); subtracting
  a constant is a test (``_add_constant``); a chain of add/sub/mul/shl wraps once
  (``E.raw``), and an ``and`` with a constant drops the wrap of its operand.
* Memory accesses index the memory's bytearray (a byte) or its typed views (``W4[ea &
  3][ea >> 2]``: ``exec.memory``'s view tables, renewed in the namespace when the memory
  grows; ``struct`` calls on a host whose byte order has no views): an access out of
  bounds raises ``IndexError`` (or ``struct.error``) in this function's own frame, which
  the function turns into the spec's trap — the bounds check costs nothing when it passes.
  ``memory.fill``/``memory.copy`` of memory 0 are a bounds check and one slice assignment.
  Trapping numeric operators (division, truncation) call ``exec.numerics``.
* Calls are Python calls with the call depth as a last argument, checked against the
  store's budget on entry: "call stack exhausted", never RecursionError.
* Tail calls (``return_call*``) return a request, ``_TC(callee, args)``, which the
  callable installed for the function (``compile_rt.tail_entry``) runs in a loop: a chain
  of tail calls of any length runs at the depth of its first call, in constant Python
  stack, and callers never see a request. Functions without tail calls are unchanged.

* A br_table dispatches by a binary tree of comparisons over its runs of equal targets.
* A ``try_table`` is a Python ``try:`` around its body (one of CPython's static blocks,
  counted like a loop); its ``except _Thrown`` tries the catch clauses in order, each a
  branch to its label (outside the try_table) carrying the payload and the exnref, and
  re-raises when none matches. ``throw``/``throw_ref`` raise a fresh ``_Thrown`` carrier
  (``exec.store.Thrown``), which is not a Trap: traps and budget errors pass every handler.

Python cannot nest more than ~20 loops or 100 levels of indentation in one function, and
its compiler needs kilobytes per statement: a function whose structured form would nest
more than MAX_LOOP_NESTING loops or MAX_INDENT levels, or that CPython refuses, or that is
very big, is lowered flat instead (``compile_flat``: basic blocks dispatched by a binary
tree of state tests, split into several Python functions when big). Only a function using
an instruction this translator does not know runs on the tier's fallback (the reference
tier, handed to ``CompiledTier`` by ``exec.engine``), called from compiled code like any
other function (``compile_rt.fallback_callable``).
"""

from __future__ import annotations

import struct

from ..errors import InternalError, Trap, TrapCode
from ..syntax.instructions import If, Loop, TryTable, walk
from . import compile_rt
from .compile_instrs import DISPATCH as _DISPATCH
from .compile_memory import MemoryLowering
from .compile_numeric import NumericLowering
from .compile_survey import (
    STRUCTURED,
    loop_nesting,
    survey,
    too_big,
)
from .compile_text import (
    _MASK,
    _SLOT,
    EPOCH_CHECK,
    E,
    _drop_spare_passes,
    _p,
)
from .fuel import BULK, COST, FUNCTION_ENTRY, GROW, GROW_FAILED
from .store import Store, WasmFunc

MAX_LOOP_NESTING = 16  # CPython allows 20 statically nested blocks; the try takes one
MAX_EXPR_WEIGHT = 12  # operators in one deferred expression before it is stored
#: branches that may fall through: a new fuel segment starts after them
_CONDITIONAL_BRANCHES = frozenset({"br_if", "br_on_null", "br_on_non_null", "br_on_cast",
                                   "br_on_cast_fail"})
#: calls: a callee may throw, and a handler (here or in a caller) go on with the fuel as
#: wasmtime counts it, without the instructions after the call: a new segment starts after
#: them
_CALLS = frozenset({"call", "call_indirect", "call_ref"})
MAX_INDENT = 60  # indentation levels of the structured form (CPython's tokenizer allows 100)




class _Untranslatable(Exception):
    """This function needs the reference tier."""


class _TooDeep(_Untranslatable):
    """The structured form of this function exceeds CPython's limits: lower it flat."""


def depth_check(unit: str, epoch: bool = False) -> list[str]:
    """A compiled function's first lines (after its ``def``): the call-depth budget, and
    the epoch deadline when the store interrupts by epoch."""
    return [f"{unit}if d > _LIMIT:", f"{unit * 2}raise _exhausted()",
            *([unit + EPOCH_CHECK] if epoch else [])]


#: the epoch check, on entering a function and at the head of every loop (only when the
#: store interrupts by epoch)


def bounds_trap(unit: str) -> list[str]:
    """The ``except`` closing the ``try`` around a compiled function's body: a memory
    access out of bounds raises struct.error/IndexError in this frame (tb_next is None),
    which is the spec's trap; one from deeper down (a callee) passes through."""
    # (OverflowError: a 64-bit memory's address beyond what struct takes as an offset)
    return [f"{unit}except (_struct_error, IndexError, OverflowError) as e:",
            f"{unit * 2}if e.__traceback__.tb_next is None:",
            f"{unit * 3}raise _oob() from None",
            f"{unit * 2}raise"]


#: What CPython's compiler says when generated code is too deep for it (not wrong)
_CPYTHON_LIMITS = ("too many statically nested blocks", "too many levels of indentation",
                   "too many nested parentheses")


def _limit_or_bug(e: BaseException, func: WasmFunc) -> None:
    """A SyntaxError from CPython's limits is a reason for another form; any other is
    code this translator got wrong, which must fail loudly, never run on the fallback
    tier unnoticed (tests of the compiled tier would pass on the reference tier)."""
    if isinstance(e, SyntaxError) and not any(m in str(e.msg) for m in _CPYTHON_LIMITS):
        raise InternalError(f"the compiled tier made invalid Python for {func.name}: "
                            f"{e.msg} (line {e.lineno}: {(e.text or '').strip()[:120]})") from e


def translation(func: WasmFunc, store: Store | None = None) -> tuple[list, bool, list]:
    """What the compiled tier makes of ``func`` in ``store`` (for study: ``wasmvm
    translate``, the playground's Python pane): ``(units, flat, unreached)``, the units
    as ``(name, source, {line: walk index})`` in the order they are defined (a split
    function's chunks, then the function), made exactly as a call translates them (the
    store's fuel and epoch settings change the code), and the walk indices of the
    unreachable instructions the translator skipped. Compiling each source and running it
    in the instance's namespace gives the code objects the tier runs."""
    store = store or Store(None)
    ns = compile_rt.new_namespace(func.module, store, None)
    try:
        if too_big(func):
            raise _TooDeep("too big")
        translator = Translator(func, ns)
        units = _units(translator, func)
        for _, source, _ in units:
            compile(source, "<check>", "exec")
        return units, False, translator.unreached
    except (_TooDeep, SyntaxError, RecursionError, MemoryError) as e:
        _limit_or_bug(e, func)
        from .compile_flat import FlatTranslator

        translator = FlatTranslator(func, ns)
        return _units(translator, func), True, translator.unreached


def _units(translator: Translator, func: WasmFunc) -> list:
    """Translate: the units (name, source, line table or None), chunks first."""
    source = translator.translate()
    units = list(getattr(translator, "parts", ()))
    units.append((f"f{func.index}", source, None if units else translator.pc_of_line))
    return units


def translate_source(func: WasmFunc, store: Store | None = None) -> str:
    """The Python source the compiled tier makes of a function (for study and tests):
    the structured form, or the flat one where that exceeds CPython's limits."""
    units, _, _ = translation(func, store)
    return "".join(source for _, source, _ in units)


class _Label:
    __slots__ = ("kind", "base", "arity", "py_loop", "id", "escapes", "end_params",
                 "saved_stack", "alias_loop", "instr_body_last", "pos", "open",
                 "else_state", "entry_bounds", "else_fact", "assigned", "skips", "try_indent",
                 "handler", "sink")

    def __init__(self, kind: str, base: int, arity: int, py_loop: bool, ident: int):
        self.kind = kind  # "block", "loop", "if", "try" (try_table), "func"
        self.try_indent = 0  # a try_table: the indentation of its Python ``try:``
        self.handler = None  # a try_table in the flat form: the state of its handler
        self.sink = False  # an if that ends the function: its arms return (tail_if)
        self.base = base
        self.arity = arity
        self.py_loop = py_loop
        self.id = ident
        self.escapes = False  # a branch inside leaves through this Python loop
        self.alias_loop = None  # a block ending in a loop: breaking that loop reaches our end
        self.instr_body_last = None
        self.pos = 0  # index in Translator.labels
        self.open = True
        self.entry_bounds: dict = {}
        self.else_fact = None
        self.assigned = ()
        self.skips = None  # a skippable block: how many ``if not`` levels are open in it


#: ``Translator.line_pc`` of a line no instruction made (the locals' zeros, the loop of a
#: self tail call): such a line cannot trap, and is not in the line table
PROLOGUE = -1


class Translator(NumericLowering, MemoryLowering):
    """Builds the Python source of one function (see the module docstring)."""

    IND = "    "  # one level of indentation
    JUMP_TO_SELF = True  # a self tail call can jump to the top (see ``self_loop``)
    #: a loaded value goes into a temporary of its own (``_t7 = W4[...]``), never reused
    #: in the function, so that the expressions computed from it can stay deferred (an
    #: expression reading a stack slot cannot: the slot may be reused first); the flat
    #: form keeps slots, the variables it passes from chunk to chunk
    TEMP_LOADS = True
    #: an ``if`` that ends the function body (nothing follows it but the return), not a
    #: branch target: each arm returns its values itself (``return l0`` instead of ``s0
    #: = l0`` and, after the if, ``return s0``); not with fuel (whose segments end
    #: there). And a value just put in its slot on the line before is returned from
    #: that line (``return X``, not ``s0 = X`` + ``return s0``). (Not in the flat form,
    #: whose consecutive lines can belong to two states.)
    SINK_RETURNS = True

    def __init__(self, func: WasmFunc, ns: dict):
        self.func = func
        self.mod = func.module
        self.ns = ns
        self.lines: list[str] = []
        #: the walk index each line was emitted for (PROLOGUE: none, the locals' zeros)
        self.line_pc: list[int] = []
        #: the walk indices skipped as unreachable (not translated), for study
        self.unreached: list[int] = []
        self.cur = 0
        self.indent = 1
        self.stack: list[E] = []
        self.stored = 0  # stack entries below this are their slots (``s{k}``)
        self.labels: list[_Label] = []
        self.py_loops: list[_Label] = []  # the open labels that are Python loops
        self.loop_depth = 0
        self.next_id = 1
        self.uses_br = False
        self.consts: dict[object, str] = {}
        self.ntemps = 0
        # fuel: charged per straight-line segment, at its start (a placeholder line that
        # is filled in when the segment ends)
        self.fuel = ns.get("_F") is not None
        self.epoch = "_EH" in ns
        #: memory accesses through the memory's typed views (exec.memory), else struct
        self.views = "WD" in ns
        #: the store's [epoch deadline reached] when translating for a call (CompiledTier):
        #: a long translation stops there, with INTERRUPT
        self.deadline = None
        self.segment_line: int | None = None
        self.segment_cost = 0
        # what is known of the integer locals' values here: local -> (lo, hi), from
        # their zero start, assignments and the comparisons control passed (see assume);
        # only where every way control arrives is known: the structured form
        self.track = True
        self.bounds: dict[int, tuple[int, int]] = {}
        self.int_locals = {i: int(_MASK[ty], 16) for i, ty in enumerate(func.info.local_types)
                           if ty in _MASK}
        self.assigned: dict[int, set] = {}  # id of a construct -> the locals set inside
        self.skippable: dict[int, int] = {}  # walk index -> br_ifs (see compile_survey)
        #: the locals that need a zero on entry (compile_survey), None: all
        self.zeroed: set[int] | None = None
        self.tail_if = None  # the If whose end is the body's last event (SINK_RETURNS)
        #: the tail if has an else arm, so both its arms return: no return after it
        self.returned = False
        #: the body runs in a ``while True`` so that a self tail call is a jump back to
        #: its top: set by the first such call (``_return_call``), and ``translate`` then
        #: puts the body in the loop
        self.self_loop = False

    # -- output ----------------------------------------------------------------------
    def emit(self, line: str) -> None:
        self.lines.append(self.IND * self.indent + line)
        self.line_pc.append(self.cur)

    # -- fuel -----------------------------------------------------------------------------
    def start_segment(self, cost: int = 0) -> None:
        """Close the current straight-line segment and open one here."""
        if not self.fuel:
            return
        self.end_segment()
        self.segment_line = len(self.lines)
        self._segment_pad = self.IND * self.indent
        self.lines.append("")
        self.line_pc.append(self.cur)
        self.segment_cost = cost

    def end_segment(self) -> None:
        if self.segment_line is None:
            return
        if self.segment_cost:
            self.lines[self.segment_line] = (
                f"{self._segment_pad}_F[0] -= {self.segment_cost}; "
                f"_F[0] < 0 and _out_of_fuel()")
        self.segment_line = None
        self.segment_cost = 0

    def charge(self, name: str) -> None:
        if self.fuel:
            self.segment_cost += COST[name]

    def variable_cost(self, name: str) -> str | None:
        """The operand text a bulk or grow instruction charges after it ran (or None)."""
        if self.fuel and (name in BULK or name in GROW):
            if name.startswith("array.new"):
                # its result is stored in the slot of its last operand (the length):
                # keep the length apart (after the operands below it, in their order)
                self.store_all()
                self.ntemps += 1
                keep = f"_t{self.ntemps}"
                self.emit(f"{keep} = {self.stack[-1].text}")
                return keep
            return self.stack[-1].text
        return None

    def charge_variable(self, name: str, n: str) -> None:
        charge = f"_F[0] -= {n}; _F[0] < 0 and _out_of_fuel()"
        if name in GROW:  # only a grow that succeeded
            self.emit(f"if {self.stack[-1].text} not in {GROW_FAILED!r}:")  # (i32 or i64 -1)
            self.emit("    " + charge)
        else:
            self.emit(charge)

    def const_name(self, value) -> str:
        """A namespace name for a constant Python cannot write exactly as a literal."""
        if isinstance(value, float):  # by bits: every NaN has the repr "nan"
            key = (float, struct.pack("<d", value))
        else:
            key = (type(value), repr(value), id(value))
        name = self.consts.get(key)
        if name is None:
            name = self.consts[key] = f"C{self.func.index}_{len(self.consts)}"
            self.ns[name] = value
        return name

    # -- the symbolic stack ----------------------------------------------------------------
    def push(self, e: E) -> None:
        if e.weight > MAX_EXPR_WEIGHT:
            self.stack.append(e)
            self.store(len(self.stack) - 1)
        else:
            self.stack.append(e)

    def pop(self) -> E:
        e = self.stack.pop()
        if len(self.stack) < self.stored:
            self.stored = len(self.stack)
        return e

    def store(self, k: int) -> None:
        """Make stack entry ``k`` live in its slot variable."""
        e = self.stack[k]
        slot = f"s{k}"
        if e.text != slot:
            self.emit(f"{slot} = {e.text}")
            self.stack[k] = E(slot, rng=e.rng)  # (facts name the locals read before)

    def store_all(self) -> None:
        stack = self.stack
        for k in range(min(self.stored, len(stack)), len(stack)):
            self.store(k)
        self.stored = len(stack)

    def store_readers_of(self, local: int) -> None:
        stack = self.stack
        for k in range(min(self.stored, len(stack)), len(stack)):  # below: stored slots
            e = stack[k]
            if e.uses and local in e.uses:
                self.store(k)

    def reset_stack(self, base: int, height: int) -> None:
        """The stack from ``base`` up to ``height`` becomes the slots there (at the arms
        and end of a construct; below ``base`` all are stored slots already)."""
        del self.stack[base:]
        self.stack.extend([E(f"s{k}") for k in range(base, height)])
        self.stored = height

    def result(self, text: str, args: list[E], trapping: bool = False,
               cond: str | None = None, rng=None, facts=None, raw=None) -> None:
        """Push the value ``text`` computed from ``args``: deferred when pure."""
        uses = set()
        weight = 1
        deferrable = not trapping
        for a in args:
            weight += a.weight
            if a.uses:
                uses |= a.uses
            elif _SLOT.fullmatch(a.text):
                deferrable = False  # slots may be reused; keep deferred text slot-free
        e = E(text, uses or None, weight, cond, rng, facts, raw)
        if deferrable:
            self.push(e)
        else:
            self.stack.append(e)
            self.store(len(self.stack) - 1)

    # -- translation ---------------------------------------------------------------------
    def translate(self) -> str:
        func = self.func
        info = func.info
        n = func.nparams
        params = [f"l{i}" for i in range(n)]
        header = f"def f{func.index}({', '.join([*params, 'd'])}):"
        self.labels.append(_Label("func", 0, func.nresults, False, 0))
        zero = {"i32": "0", "i64": "0", "f32": "0.0", "f64": "0.0", "v128": "0"}
        locals_ = list(enumerate(info.local_types[n:], start=n))
        for i, t in locals_:
            if t in _MASK:
                self.bounds[i] = (0, 0)
        pad = self.IND * self.indent
        self.cur = 0
        self.start_segment(FUNCTION_ENTRY)
        self.body(func.code.body, info.heights)
        if not self.returned:
            self.emit_return()
        self.end_segment()
        body = self.lines
        # the locals' zeros on entry, but for those set before any read or never used
        zeroed = self.zeroed
        zeros = [f"{pad}l{i} = {zero.get(t, 'None')}" for i, t in locals_
                 if zeroed is None or i in zeroed]
        body[:0] = zeros
        self.line_pc[:0] = [PROLOGUE] * len(zeros)
        _drop_spare_passes(body, self.line_pc)
        if self.self_loop:  # each turn is a call: locals zeroed, entry charged
            body[:] = ["    while True:", *(self.IND + line for line in body)]
            self.line_pc.insert(0, PROLOGUE)
        if self.uses_br:
            body.insert(0, "    _br = 0")
            self.line_pc.insert(0, PROLOGUE)
        out = [header, *depth_check("    ", self.epoch), "    try:"]
        # Python line number (1-based) -> walk index, for trap offsets and backtraces
        self.pc_of_line = {len(out) + 1 + k: pc for k, pc in enumerate(self.line_pc)
                           if pc != PROLOGUE}
        out += ["    " + line for line in body]
        out += bounds_trap("    ")
        return "\n".join(out) + "\n"

    def body(self, body: list, heights) -> None:
        events = list(walk(body))
        targeted = self.look_ahead(events, heights)
        if self.SINK_RETURNS and not self.fuel and events and events[-1][0] == "end":
            self.tail_if = events[-1][1]  # (the construct the last event ends)
        fuel = self.fuel
        # (the instructions' translations are called from here, as ``instr`` does, and
        # then a form's ``after_instr``)
        dispatch = _DISPATCH
        after = self.after_instr
        dead_depth = 0  # > 0: inside unreachable code, counting constructs opened there
        dead = False
        opened: list = []  # the structured instructions whose Python construct is open
        reached = self.deadline
        unreached = self.unreached
        for i, (event, instr) in enumerate(events):
            self.cur = i
            if reached is not None and not i & 4095 and reached[0]:
                raise Trap(TrapCode.INTERRUPT)
            if dead:
                if event == "instr" and isinstance(instr, STRUCTURED):
                    dead_depth += 1
                    unreached.append(i)
                    continue
                if event == "end" and dead_depth:
                    dead_depth -= 1
                    unreached.append(i)
                    continue
                if event == "instr" or (event == "else" and dead_depth):
                    unreached.append(i)
                    continue
                dead = False  # this else/end belongs to a live construct
            if event == "instr":
                structured = isinstance(instr, STRUCTURED)
                if heights[i] < 0:
                    dead = True
                    if structured:
                        dead_depth += 1
                    unreached.append(i)
                    continue
                if structured:
                    if fuel:
                        self.charge(instr.op.name)
                    self.open_construct(instr, i in targeted)
                    opened.append(instr)
                elif not fuel:
                    handler = dispatch.get(instr.op.name)
                    if handler is None:
                        raise _Untranslatable(instr.op.name)
                    if handler(self, instr):
                        dead = True
                    if after is not None:
                        after()
                else:
                    name = instr.op.name
                    self.charge(name)
                    n = self.variable_cost(name)
                    if self.instr(instr):
                        dead = True
                    if n is not None:
                        self.charge_variable(name, n)
                    elif name in _CONDITIONAL_BRANCHES or name in _CALLS:
                        self.start_segment()
            elif event == "else":
                self.else_arm()
                self.start_segment()
            else:
                self.close_construct(opened.pop())
                self.start_segment()

    def look_ahead(self, events, heights) -> set[int]:
        """Before translating: the walk indices of the constructs branches target; the
        structured form also learns the locals each construct sets and the skippable
        blocks (compile_survey), and refuses now a nesting CPython would refuse."""
        targeted, self.assigned, self.skippable, tree, self.zeroed = survey(events)
        if loop_nesting(tree, heights, targeted, self.skippable) > MAX_LOOP_NESTING:
            raise _TooDeep("too many nested loops")
        return targeted

    # -- structured control ---------------------------------------------------------------
    def arity(self, bt) -> tuple[int, int]:
        if bt is None:
            return 0, 0
        if isinstance(bt, int) and not isinstance(bt, str):
            ft = self.mod.types[bt]
            return len(ft.params), len(ft.results)
        return 0, 1

    def open_construct(self, instr, targeted: bool) -> None:
        params, results = self.arity(instr.blocktype)
        cond = None
        facts = None
        if isinstance(instr, If):
            c = self.pop()
            cond = c.truth
            facts = self.truth_facts(c)
        self.store_all()
        base = len(self.stack) - params
        kind = "loop" if isinstance(instr, Loop) else ("if" if cond is not None else "block")
        if isinstance(instr, TryTable):
            kind = "try"
            if self.loop_depth >= MAX_LOOP_NESTING:  # the try is a static block too
                raise _TooDeep("too many nested loops")
            self.loop_depth += 1
            self.emit("try:")
            self.indent += 1
            self.emit("pass")
        skips = (self.skippable.get(self.cur) if targeted and kind not in ("loop", "try")
                 else None)
        if skips is not None and self.indent + skips + 2 > MAX_INDENT:
            skips = None
        py_loop = (targeted and skips is None) or kind == "loop"
        label = _Label(kind, base, params if kind == "loop" else results, py_loop,
                       self.next_id)
        label.end_params = (base, results)
        label.try_indent = self.indent - 1
        if skips is not None:
            label.skips = 0
        label.sink = kind == "if" and instr is self.tail_if and not py_loop and skips is None
        # what is known of the locals: at the end, what held on entry of the locals not
        # set inside (every branch to the end comes from inside); in a loop, the same
        # from its start (branches to the start come from inside); in the arms of an
        # if, what its condition proves
        label.assigned = self.assigned.get(id(instr), ())
        label.entry_bounds = dict(self.bounds)
        if kind == "loop":
            for i in label.assigned:
                self.bounds.pop(i, None)
        elif facts is not None:
            self.assume(facts[0])
            label.else_fact = facts[1]
        self.next_id += 1
        if py_loop:
            if self.loop_depth >= MAX_LOOP_NESTING:
                raise _TooDeep("too many nested loops")
            self.loop_depth += 1
            self.emit("while True:")
            self.indent += 1
            if kind == "loop":
                self.start_segment()
                if self.epoch:
                    self.emit(EPOCH_CHECK)
        outer = self.labels[-1]
        if (kind == "loop" and outer.kind == "block" and outer.instr_body_last is instr):
            outer.alias_loop = label
        label.instr_body_last = instr.body[-1] if kind == "block" and instr.body else None
        label.pos = len(self.labels)
        self.labels.append(label)
        if py_loop:
            self.py_loops.append(label)
        if self.indent > MAX_INDENT:
            raise _TooDeep("too deeply nested")
        if cond is not None:
            self.emit(f"if {cond}:")
            self.indent += 1
            self.emit("pass")
            label.saved_stack = len(self.stack)  # the height the else arm starts at
            self.start_segment()

    def else_arm(self) -> None:
        label = self.labels[-1]
        if label.sink:
            self.emit_return()
            self.returned = True  # (the else arm returns too, at its end)
        else:
            self.store_all()
        if label.skips:  # the then arm's skips end with it
            self.indent -= label.skips
            label.skips = 0
        self.indent -= 1
        self.emit("else:")
        self.indent += 1
        self.emit("pass")
        self.reset_stack(label.base, label.saved_stack)
        self.bounds = dict(label.entry_bounds)
        self.assume(label.else_fact)

    def close_construct(self, instr) -> None:
        label = self.labels.pop()
        label.open = False
        if label.py_loop:
            self.py_loops.pop()
        base, results = label.end_params
        if label.sink:
            self.emit_return()
        else:
            self.store_all()
        self.bounds = {i: r for i, r in label.entry_bounds.items() if i not in label.assigned}
        if label.skips:
            self.indent -= label.skips
        if label.kind == "if":
            self.indent -= 1
        if label.py_loop:
            self.emit("break")
            self.indent -= 1
            self.loop_depth -= 1
            if label.escapes:
                self.dispatch_after_loop()
        self.reset_stack(base, base + results)
        if label.kind == "try":
            self.catch_clauses(instr, label)

    def catch_clauses(self, instr, label) -> None:
        """The ``except`` closing a try_table's ``try:``: its clauses in order, each a
        branch (to a label outside the try_table) with the payload and the exnref; an
        exception none catches goes on. (Traps and budget errors are not ``_Thrown``.)"""
        self.indent = label.try_indent
        self.loop_depth -= 1
        self.emit("except _Thrown as _e:")
        self.indent += 1
        self.emit("_x = _e.exn")
        self.emit_catches(instr, "raise")
        self.indent = label.try_indent

    def emit_catches(self, instr, rethrow: str) -> None:
        """A try_table's clauses, in order, for the exception in ``_x``: each a branch
        (to a label outside the try_table, or a return) with the payload and the
        exnref; ``rethrow`` when none catches it. Shared by both lowerings, which differ
        in ``jump`` and ``emit_return``."""
        for c in instr.catches:
            values = []
            if c.tag is not None:
                n = len(self.mod.tags[c.tag].type.params)
                values = [f"_x.payload[{j}]" for j in range(n)]
                self.emit(f"if _x.tag is X{c.tag}:")
                self.indent += 1
            if c.ref:
                values.append("_x")
            target = self.labels[-1 - c.label]
            if target.kind == "func":
                self.stack.extend(E(v) for v in values)
                self.emit_return()
                del self.stack[len(self.stack) - len(values):]
            else:
                for j, v in enumerate(values):
                    self.emit(f"s{target.base + j} = {v}")
                self.jump(c.label)
            if c.tag is None:
                break  # a catch_all catches everything: the clauses after it never run
            self.indent -= 1
        else:
            self.emit(rethrow)

    def dispatch_after_loop(self) -> None:
        """After a Python loop that a branch left early: go on to its target."""
        outer = self.py_loops[-1] if self.py_loops else None
        if outer is None:
            return  # only returns leave the outermost loop
        self.emit("if _br:")
        self.indent += 1
        self.emit(f"if _br == {outer.id}:")
        self.emit("    _br = 0")
        self.emit("    " + ("continue" if outer.kind == "loop" else "break"))
        if outer.kind == "loop":
            self.emit(f"if _br == {-outer.id}:")
            self.emit("    _br = 0")
            self.emit("    break")
        self.emit("break")
        self.indent -= 1
        outer.escapes = True

    def carry(self, label) -> bool:
        """The first half of a taken branch to ``label``, shared by both lowerings: the
        values it carries move to the label's base. A branch to the function's own label
        is a return: emitted here, and False says the branch is complete."""
        if label.kind == "func":
            self.emit_return()
            return False
        top = len(self.stack)
        for j in range(label.arity):
            src, dst = top - label.arity + j, label.base + j
            if src != dst:
                self.emit(f"s{dst} = s{src}")
        return True

    def branch(self, depth: int) -> None:
        """Emit a taken branch to the label ``depth`` levels out (stack already stored)."""
        if self.carry(self.labels[-1 - depth]):
            self.jump(depth)

    def jump(self, depth: int) -> None:
        """The second half of a taken branch: control goes to the label ``depth`` levels
        out (its values are in place)."""
        label = self.labels[-1 - depth]
        if depth == 0 and label.skips is not None:  # from its top level: what follows
            self.emit("pass")  # is unreachable, and Python falls through to its end
            return
        exit_loop = label.alias_loop
        if exit_loop is not None and exit_loop.open:  # leave the block by breaking the
            # loop it ends with
            first = exit_loop.pos + 1
            action, ident = "break", -exit_loop.id
        else:
            first = len(self.labels) - depth
            action, ident = ("continue" if label.kind == "loop" else "break"), label.id
        inner = [lb for lb in self.py_loops if lb.pos >= first]
        if not inner:
            self.emit(action)
            return
        for lb in inner:
            lb.escapes = True
        self.uses_br = True
        self.emit(f"_br = {ident}")
        self.emit("break")

    def emit_return(self) -> None:
        n = self.func.nresults
        if len(self.stack) < n:  # only in unreachable code (validation guarantees the rest)
            self.emit("raise _unreachable()")
            return
        vals = [e.text for e in self.stack[len(self.stack) - n:]] if n else []
        if n == 0:
            self.emit("return")
        elif n == 1:
            # a value just put in its slot (the top of the stack, which nothing reads
            # after the return) is returned from that line
            if not (self.SINK_RETURNS and self.is_fresh_slot(vals[0], len(self.stack) - 1)
                    and self.retarget_last(vals[0], "return ")):
                self.emit(f"return {vals[0]}")
        else:
            self.emit(f"return ({', '.join(vals)})")

    def is_fresh_slot(self, text: str, top: int) -> bool:
        """Is ``text`` the stack slot ``s{top}`` (so read by nothing below it)?"""
        return text == f"s{top}"

    def retarget_last(self, name: str, head: str) -> bool:
        """If the line just emitted is ``name = X`` at this indentation, make it ``head``
        followed by ``X`` (``l3 = X``, ``return X``) and say True: the caller knows that
        nothing else reads ``name``."""
        pad = self.IND * self.indent
        line = self.lines[-1] if self.lines else ""
        if not line.startswith(f"{pad}{name} = "):
            return False
        self.lines[-1] = f"{pad}{head}{line[len(pad) + len(name) + 3:]}"
        return True

    def emit_tail_call(self, request: str) -> None:
        """Return the tail-call request ``request`` (see ``_return_call``)."""
        self.emit(f"return {request}")

    # -- instructions ------------------------------------------------------------------------
    #: what a form does after each instruction (``body``, ``instr``), or None
    after_instr = None

    def instr(self, instr) -> bool:
        """Translate one instruction; True when the code after it is unreachable."""
        handler = _DISPATCH.get(instr.op.name)
        if handler is None:
            raise _Untranslatable(instr.op.name)
        dead = handler(self, instr)
        if self.after_instr is not None:
            self.after_instr()
        return dead

    def temp(self, e: E) -> tuple[str, str]:
        """(first use, later uses) of a value an expression reads more than once: the
        text itself when it is a name or constant, else a walrus into a fresh
        temporary (each its own, as expressions nest)."""
        if _p(e) == e.text:
            return e.text, e.text
        name = self.new_temp()
        return f"({name} := {e.text})", name

    def new_temp(self) -> str:
        """A fresh temporary's name."""
        self.ntemps += 1
        return f"_t{self.ntemps}"
