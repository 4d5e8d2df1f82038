"""The compiled tier's flat lowering: for a function whose structured form CPython cannot
compile (more than ~16 nested loops, ~100 levels of indentation, or too big).

The function body is cut into basic blocks where control can arrive other than by
falling through: the head of a loop some branch targets, the end of a targeted block,
the else arm and the end of an ``if``. Each block gets a state number; one
``while True`` loop selects the current block by a balanced binary tree of
``if st < k:`` tests, so the Python nesting is ``log2(blocks)`` levels whatever the
wasm nesting, and stack slots ``s{k}`` and locals ``l{k}`` stay fast locals of one
Python function. A branch is ``st = k; continue``; a block that falls through into the
next one ends the same way. Everything within a block — the symbolic stack, deferred
expressions, memory accesses, calls, fuel segments, the line table for trap offsets —
is the structured translator's own, unchanged: this class only replaces how control
constructs are opened, closed and branched to.

A ``try_table``'s body starts states of its own, and its handler is a state too: the
dispatch loop runs in a ``try`` whose ``except`` looks up the handler state of the state
that raised (``catch_state``, a dict literal in the source) and goes on there; a handler
whose clauses do not match raises again, into the enclosing try_table's handler. A
function split into chunks does the same in each chunk (its part of ``catch_state``),
the exception passing in ``V`` to a handler state another chunk runs.

Translation is linear in the size of the function: one indentation space per level,
labels and blocks are appended and popped, never copied per level.
"""

from __future__ import annotations

import re

from ..syntax.instructions import If, Loop, TryTable
from .compile import (
    EPOCH_CHECK,
    PROLOGUE,
    Translator,
    _Label,
    bounds_trap,
    depth_check,
)
from .compile_survey import BRANCHING, STRUCTURED, branch_depths, catch_depths, too_big
from .fuel import FUNCTION_ENTRY

#: A function too big for one Python function (compile_survey.too_big) is split into
#: chunks of about CHUNK_LINES lines each.
CHUNK_LINES = 4_000
BLOCK_LINES = 1_000  # a longer straight line is cut into blocks (so into chunks)
_VAR = re.compile(r"\b[ls]\d+\b")  # the variables a line names
#: where a split function's ``V`` holds the exception a handler state takes (``V[-1]``
#: holds the result)
EXN_SLOT = -2


class FlatTranslator(Translator):
    """Builds the flat (state machine) Python source of one function. A big one is
    split: ``parts`` then holds (name, source, line table) of the chunk functions, each
    running a range of states, and ``chunk_of_state`` which chunk runs each state; the
    function itself (``translate``'s source) passes the state and every variable from
    chunk to chunk."""

    IND = " "
    JUMP_TO_SELF = False  # a self tail call is a request, as any other
    TEMP_LOADS = False  # loaded values in slots, which chunks pass on
    SINK_RETURNS = False  # its returns are states' exits

    def __init__(self, func, ns: dict):
        super().__init__(func, ns)
        self.track = False  # a block is entered from anywhere: no facts about locals
        self.indent = 0
        self.nstates = 1
        self.order: list[tuple[int, int]] = [(0, 0)]  # (state, first line), as emitted
        self.split = too_big(func)
        self.parts: list[tuple[str, str, dict]] = []
        self.chunk_of_state: list[int] = []
        #: try_table: the handler states of the open ones (innermost last), and for each
        #: state inside one the handler state an exception there goes to
        self.try_handlers: list[int] = []
        self.catch_state: dict[int, int] = {}

    # -- blocks ----------------------------------------------------------------------------
    def new_state(self) -> int:
        self.nstates += 1
        return self.nstates - 1

    def begin(self, state: int, fall: bool = True) -> None:
        """End the current basic block (falling through to ``state`` when ``fall``) and
        start the code of ``state``."""
        if fall:
            self.emit(f"st = {state}; continue")
        self.order.append((state, len(self.lines)))
        if self.try_handlers:
            self.catch_state[state] = self.try_handlers[-1]

    def look_ahead(self, events, heights) -> set[int]:
        """Every structured instruction some branch targets (the flat form needs no more:
        it tracks no locals, and any nesting is a state machine)."""
        targeted: set[int] = set()
        open_: list[int] = []
        for i, (event, instr) in enumerate(events):
            if event == "end":
                open_.pop()
            elif event == "instr" and instr.op.name in BRANCHING:
                if isinstance(instr, STRUCTURED):
                    for dpt in catch_depths(instr):  # from outside the try_table
                        if dpt < len(open_):
                            targeted.add(open_[len(open_) - 1 - dpt])
                    open_.append(i)
                    continue
                for dpt in branch_depths(instr):
                    if dpt < len(open_):
                        targeted.add(open_[len(open_) - 1 - dpt])
        return targeted

    def after_instr(self) -> None:
        """A straight line grown long at the top level ends: a new state begins."""
        if self.indent == 0 and len(self.lines) - self.order[-1][1] > BLOCK_LINES:
            self.begin(self.new_state())  # falls through: nothing else arrives there

    # -- control ---------------------------------------------------------------------------
    def open_construct(self, instr, targeted: bool) -> None:
        if isinstance(instr, TryTable):
            self.open_try(instr)
            return
        params, results = self.arity(instr.blocktype)
        cond = None
        if isinstance(instr, If):
            cond = self.pop().truth
        self.store_all()
        base = len(self.stack) - params
        kind = "loop" if isinstance(instr, Loop) else ("if" if cond is not None else "block")
        label = _Label(kind, base, params if kind == "loop" else results, False, None)
        label.end_params = (base, results)
        label.pos = len(self.labels)
        self.labels.append(label)
        if kind == "loop":
            if targeted:
                label.id = self.new_state()
                self.begin(label.id)
            self.start_segment()
            if targeted and self.epoch:
                self.emit(EPOCH_CHECK)
        elif kind == "block":
            if targeted:
                label.id = self.new_state()  # its end
        else:
            label.id = self.new_state()  # its end
            label.else_state = self.new_state() if instr.else_ else label.id
            self.emit(f"if not ({cond}): st = {label.else_state}; continue")
            label.saved_stack = len(self.stack)  # the height the else arm starts at
            self.start_segment()

    def else_arm(self) -> None:
        label = self.labels[-1]
        self.store_all()
        self.emit(f"st = {label.id}; continue")
        if label.else_state != label.id:
            self.begin(label.else_state, fall=False)
        self.reset_stack(label.base, label.saved_stack)

    def open_try(self, instr) -> None:
        """try_table: its body is states of their own, each mapped to the handler state
        (``catch_state``), where the dispatch loop's ``except`` sends an exception."""
        params, results = self.arity(instr.blocktype)
        self.store_all()
        base = len(self.stack) - params
        label = _Label("block", base, results, False, self.new_state())
        label.end_params = (base, results)
        label.pos = len(self.labels)
        label.handler = self.new_state()
        self.labels.append(label)
        self.try_handlers.append(label.handler)
        self.begin(self.new_state())
        self.start_segment()

    def close_try(self, instr, label) -> None:
        base, results = label.end_params
        self.store_all()
        self.emit(f"st = {label.id}; continue")
        self.try_handlers.pop()
        self.begin(label.handler, fall=False)
        # split: the exception comes in V (EXN_SLOT), perhaps from another chunk
        self.emit(f"_x = V[{EXN_SLOT}]" if self.split else "_x = _e_exn")
        self.emit_catches(instr, "raise _Thrown(_x)")
        self.begin(label.id, fall=False)
        self.reset_stack(base, base + results)

    def close_construct(self, instr) -> None:
        if isinstance(instr, TryTable):
            self.close_try(instr, self.labels.pop())
            return
        label = self.labels.pop()
        base, results = label.end_params
        self.store_all()
        if label.kind != "loop" and label.id is not None:
            self.begin(label.id)
        self.reset_stack(base, base + results)

    def branch(self, depth: int) -> None:
        if self.carry(self.labels[-1 - depth]):
            self.jump(depth)

    def jump(self, depth: int) -> None:
        self.emit(f"st = {self.labels[-1 - depth].id}; continue")

    def emit_return(self) -> None:
        if not self.split:
            super().emit_return()
            return
        n = self.func.nresults
        if len(self.stack) < n:
            self.emit("raise _unreachable()")
            return
        vals = [e.text for e in self.stack[len(self.stack) - n:]]
        value = "None" if n == 0 else vals[0] if n == 1 else f"({', '.join(vals)})"
        self.emit(f"V[-1] = {value}; return -1")

    def emit_tail_call(self, request: str) -> None:
        if self.split:
            self.emit(f"V[-1] = {request}; return -1")
        else:
            super().emit_tail_call(request)

    # -- the function ----------------------------------------------------------------------
    def translate(self) -> str:
        func = self.func
        n = func.nparams
        params = [f"l{i}" for i in range(n)]
        self.labels.append(_Label("func", 0, func.nresults, False, 0))
        zero = {"i32": "0", "i64": "0", "f32": "0.0", "f64": "0.0", "v128": "0"}
        self.cur = PROLOGUE
        for i, t in enumerate(func.info.local_types[n:], start=n):
            self.emit(f"l{i} = {zero.get(t, 'None')}")
        self.cur = 0
        self.start_segment(FUNCTION_ENTRY)
        self.body(func.code.body, func.info.heights)
        self.emit_return()
        self.end_segment()
        header = f"def f{func.index}({', '.join([*params, 'd'])}):"
        if self.split:
            return self.assemble_split(header, params)
        return self.assemble(header)

    def spans(self) -> list:
        """The lines of each state: (first, end) indices into ``lines``."""
        spans: list = [None] * self.nstates
        order = self.order
        for k, (state, start) in enumerate(order):
            end = order[k + 1][1] if k + 1 < len(order) else len(self.lines)
            spans[state] = (start, end)
        return spans

    def assemble(self, header: str) -> str:
        """The dispatch loop over the basic blocks, and the line table. With try_table,
        the dispatch runs in a ``try`` whose ``except`` goes on at the handler state of
        the state that raised (``catch_state``), or lets the exception go on."""
        out = [header, *depth_check(" ", self.epoch), " try:", "  st = 0", "  while True:"]
        if not self.catch_state:
            self.pc_of_line = self.tree(out, self.spans(), 0, self.nstates, 3)
            return self.close(out)
        out[-2:-2] = [f"  _C = {self.catch_state!r}"]
        out.append("   try:")
        self.pc_of_line = self.tree(out, self.spans(), 0, self.nstates, 4)
        out += ["   except _Thrown as _e:", "    _e_exn = _e.exn", "    st = _C.get(st, -1)",
                "    if st < 0:", "     raise"]
        return self.close(out)

    def close(self, out: list) -> str:
        return "\n".join(out + bounds_trap(" ")) + "\n"

    def assemble_split(self, header: str, params: list) -> str:
        """Chunks of states, each its own Python function, and the function that runs
        them (see the class docstring). The variables live in a list ``V`` between
        chunks (locals, then stack slots, then the result): a chunk loads the ones it
        names on entry and stores them back when it hands over, so a chunk costs what its
        own code names, not what the function has."""
        spans = self.spans()
        lines = self.lines
        nlocals = len(self.func.info.local_types)
        nslots = 1 + max((int(name[1:]) for line in lines for name in _VAR.findall(line)
                          if name[0] == "s"), default=-1)
        index = self.func.index
        a = 0
        while a < self.nstates:
            b, size = a, 0
            named: set[str] = set()
            while b < self.nstates and (size < CHUNK_LINES or b == a):
                span = spans[b]
                if span is not None:
                    size += span[1] - span[0]
                    for k in range(*span):
                        named.update(_VAR.findall(lines[k]))
                size += 1
                b += 1
            place = {name: int(name[1:]) + (nlocals if name[0] == "s" else 0)
                     for name in sorted(named)}
            load = "; ".join(f"{name} = V[{i}]" for name, i in place.items()) or "pass"
            save = "; ".join(f"V[{i}] = {name}" for name, i in place.items()) or "pass"
            chunk = len(self.parts)
            out = [f"def f{index}_c{chunk}(V, st, d):", f" {load}", " try:", "  while True:",
                   f"   if not {a} <= st < {b}:", f"    {save}", "    return st"]
            catches = {k: v for k, v in self.catch_state.items() if a <= k < b}
            if catches:  # a try_table's body runs here: its handler's state (see assemble)
                out[2:2] = [f" _C = {catches!r}"]
                out.append("   try:")
                pc_of_line = self.tree(out, spans, a, b, 4)
                out += ["   except _Thrown as _e:", f"    V[{EXN_SLOT}] = _e.exn",
                        "    st = _C.get(st, -1)", "    if st < 0:", "     raise"]
            else:
                pc_of_line = self.tree(out, spans, a, b, 3)
            self.parts.append((f"f{index}_c{chunk}", self.close(out), pc_of_line))
            self.chunk_of_state += [chunk] * (b - a)
            a = b
        self.pc_of_line = {}
        return "\n".join([
            header, *depth_check(" ", self.epoch),
            f" V = [{''.join(p + ', ' for p in params)}"
            f"*[None] * {nlocals - len(params) + nslots - EXN_SLOT}]",
            " st = 0", " while True:", f"  st = CH{index}[st](V, st, d)", "  if st < 0:",
            "   return V[-1]"]) + "\n"

    def tree(self, out: list, spans: list, first: int, end: int, depth: int) -> dict:
        """Append the binary tree dispatching on ``st`` over states ``first..end-1``;
        the line table of the lines appended."""
        lines, line_pc = self.lines, self.line_pc
        pc_of_line: dict[int, int] = {}
        # an explicit stack instead of recursion: (first state, end state, depth)
        work = [(first, end, depth)]
        while work:
            a, b, depth = work.pop()
            pad = " " * depth
            if a < 0:  # an "else:" line between the halves
                out.append(pad + "else:")
                continue
            if b - a > 1:
                mid = (a + b) // 2
                out.append(pad + f"if st < {mid}:")
                work.append((mid, b, depth + 1))
                work.append((-1, 0, depth))
                work.append((a, mid, depth + 1))
                continue
            span = spans[a]
            size = len(out)
            if span is not None:
                for k in range(*span):
                    line = lines[k]
                    if line:
                        out.append(pad + line)
                        if line_pc[k] != PROLOGUE:
                            pc_of_line[len(out)] = line_pc[k]
            if len(out) == size:
                out.append(pad + "raise _unreachable()")
        return pc_of_line
