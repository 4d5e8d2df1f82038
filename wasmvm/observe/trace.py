"""Traces: a readable record of a module running, one record per line.

``Tracer`` is an observer. Attached to a store (``store.add_observer(Tracer(emit))``) it
turns the paired events of every call into records, dicts that ``format_record`` prints
as a line of text and ``json.dumps`` as a line of JSON:

    call     ``function``, ``depth``, ``args`` (typed strings: "i64:3")
    instr    ``function``, ``depth``, ``pc``, ``offset`` (in the file), ``instruction``
             (WAT text), ``operands`` (the values it takes), ``stack`` (after it; None for a
             call into WebAssembly: that stack comes with its return), ``memory`` (loads and
             stores: ``{"access", "address", "bytes", "index"}``, ``index`` the memory's:
             the text names a memory other than 0, ``;; mem1[0x8] -> 01 02``)
    return   ``function``, ``depth``, ``results``, ``stack`` (the caller's, results pushed;
             None when returning to the host); ``tail_call`` True when the function
             left by ``return_call*`` (no results: its callee's ``call`` follows at the
             same depth and returns in its place; the text reads ``return f (tail call)``)
    unwind   ``function``, ``depth``, ``tag``, ``payload``: a WebAssembly exception left the
             function (``throw``/``throw_ref`` or a callee's) without a handler there
    trap     ``function``, ``depth``, ``pc``, ``offset``, ``instruction``, ``code``,
             ``message``

As text (``depth`` indents two spaces a level; ``return`` lines sit under their ``call``):

    call fac(n=i64:1)
      00002e: local.get 0 <n>                               [i64:1]
      000030: i64.eqz                i64:1                  [i32:0]
      ...
      00003d: call 0 <fac>           i64:0
      call fac(n=i64:0)
        ...
      return fac:                    i64:1                  [i64:1, i64:1]
      00003f: i64.mul                i64:1, i64:1           [i64:1]

Why records wait: the stack after an instruction is printed with its types, and the
types of the values a taken branch keeps are known only at the next instruction, so an
instruction's record is completed (and emitted) by the next event of its frame, which
sees exactly that stack. Nothing else happens in between.
"""

from __future__ import annotations

from collections.abc import Callable

from ..api.values import Val, format_value, gc_text, type_namer
from ..exec.events import Observer
from ..exec.gc import I31, Array, Struct
from ..syntax.instructions import (
    Call,
    CallIndirect,
    CallRef,
    ReturnCall,
    ReturnCallIndirect,
    ReturnCallRef,
)
from ..syntax.module import Names
from ..syntax.types import TOP, RefType, ref_type, valtype
from ..text.disasm import instruction_text

__all__ = ["Tracer", "format_record", "format_typed", "operand_count", "instruction_at",
           "state_namer"]

#: How many operands the instructions typed by hand take (the rest: the opcode table).
_SPECIAL_OPERANDS = {
    "unreachable": 0, "block": 0, "loop": 0, "if": 1, "br": 0, "br_if": 1, "br_table": 1,
    "return": 0, "ref.null": 0, "ref.is_null": 1, "ref.func": 0, "drop": 1, "select": 3,
    "select_t": 3, "local.get": 0, "local.set": 1, "local.tee": 1, "global.get": 0,
    "global.set": 1, "table.get": 1, "table.set": 2, "table.init": 3, "table.copy": 3,
    "table.grow": 2, "table.size": 0, "table.fill": 3, "try_table": 0, "throw_ref": 1,
    "ref.as_non_null": 1, "br_on_null": 1, "br_on_non_null": 1,
    # GC (struct.new and array.new_fixed: see operand_count)
    "ref.eq": 2, "ref.i31": 1, "i31.get_s": 1, "i31.get_u": 1, "any.convert_extern": 1,
    "extern.convert_any": 1, "struct.new_default": 0, "struct.get": 1, "struct.get_s": 1,
    "struct.get_u": 1, "struct.set": 2, "array.new": 2, "array.new_default": 1,
    "array.new_data": 2, "array.new_elem": 2, "array.get": 2, "array.get_s": 2,
    "array.get_u": 2, "array.set": 3, "array.len": 1, "array.fill": 4, "array.copy": 5,
    "array.init_data": 4, "array.init_elem": 4, "ref.test": 1, "ref.test_null": 1,
    "ref.cast": 1, "ref.cast_null": 1, "br_on_cast": 1, "br_on_cast_fail": 1,
}
_NO_NAMES = Names()
#: Text columns: the instruction, then its operands, then the stack.
TEXT_WIDTH = 22
OPERANDS_WIDTH = 22


def format_typed(t, raw, type_name=None) -> str:
    """A raw value as ``type:value`` (``i32:-1``, ``f32:nan:0x200000``, ``funcref:fac``);
    a struct, array or i31 as its text (``(ref.struct $0 {i32:1})``, see
    ``api.values.gc_text``; ``type_name`` names its types); ``?:raw`` when its type is
    not known."""
    if raw.__class__ in _GC:
        return gc_text(raw, type_name)
    if t is None:
        return f"?:{raw!r}"
    t = valtype(t)
    if t.is_ref:
        if isinstance(t, RefType):  # (ref $t), (ref func): shown by hierarchy, funcref:f
            concrete = "any" if isinstance(raw, (Struct, Array)) else "func"  # (GC: anyref)
            t = ref_type(True, concrete if isinstance(t.heap, int) else TOP[t.heap])
        if raw is None:
            return f"{t}:null"
        name = getattr(raw, "name", None)
        return f"{t}:{name}" if name is not None else f"{t}:{getattr(raw, 'value', raw)!r}"
    return format_value(Val(t, raw))


_GC = (Struct, Array, I31)


def state_namer(state):
    """How ``state``'s module names its types (``$2``), for ``format_typed``."""
    func = getattr(state, "func", None)
    return type_namer(getattr(func, "module", None))


def typed_stack(state) -> list[str]:
    """The operand stack of ``state`` as typed strings, bottom first. Before an
    instruction runs the validator's type stack always fits the run-time stack."""
    raw = state.raw_stack
    known = state.type_stack
    if known is None or len(known) != len(raw):
        known = ()
    namer = state_namer(state) if any(v.__class__ in _GC for v in raw) else None
    return [format_typed(known[i] if i < len(known) else None, v, namer)
            for i, v in enumerate(raw)]


def operand_count(state) -> int:
    """How many values the instruction at ``state`` takes from the stack."""
    kind, instr = state.event
    if kind != "instr":
        return 0
    op = instr.op
    if op.params is not None:
        return len(op.params)
    if isinstance(instr, Call):
        return len(state.func.module.funcs[instr.func].type.params)
    if isinstance(instr, ReturnCall):
        return len(state.func.module.funcs[instr.func].type.params)
    if isinstance(instr, (CallIndirect, ReturnCallIndirect, CallRef, ReturnCallRef)):
        return len(state.func.module.types[instr.type].params) + 1  # (+ the index/ref)
    if op.name == "throw":  # the tag's parameters
        return len(state.func.module.tags[instr.tag].type.params)
    if op.name == "struct.new":  # the struct's fields
        return len(state.func.module.types[instr.type].fields)
    if op.name == "array.new_fixed":
        return instr.size
    return _SPECIAL_OPERANDS[op.name]


def instruction_at(state) -> str:
    """The WAT text of the instruction at ``state``, with names as ``wasmvm dump -d``
    prints them (``call 0 <fac>``, ``local.get 0 <n>``). The ``else`` the decoder records
    for an ``if`` without one (at the offset of its ``end``) reads ``end``."""
    kind, instr = state.event
    if kind == "else":
        offsets = state.func.code.offsets
        pc = state.pc
        phantom = offsets is not None and pc + 1 < len(offsets) and offsets[pc] == offsets[pc + 1]
        return "end" if phantom else "else"
    if kind != "instr":
        return kind
    names = state.func.module.names or _NO_NAMES
    return instruction_text(instr, names, state.func_index)


class Tracer(Observer):
    """An observer that emits one trace record per call, instruction, return and trap
    (see the module docstring); ``emit`` gets each record (a dict) as it is complete.
    Without ``emit`` records are kept in ``tracer.records``."""

    def __init__(self, emit: Callable[[dict], object] | None = None):
        self.records: list[dict] = []
        self._emit = emit if emit is not None else self.records.append
        self._level = 0  # calls entered and not left (1 inside the invoked function)
        self._cur = None  # (state, record) of the instruction running: before, no after yet
        self._open = None  # (record, stack before) waiting for the stack after it
        self._calls: list[list] = []  # [state, return record] of calls into WebAssembly
        self._last_trap = None

    # -- completing records -----------------------------------------------------------------
    def _close(self, stack: list[str] | None) -> list[str] | None:
        """Complete the waiting record with the stack now (None: the stack it saw before
        it ran, unchanged by it); emit it; return the stack used."""
        if self._open is None:
            return stack
        record, before = self._open
        self._open = None
        record["stack"] = before if stack is None else stack
        self._emit(record)
        return record["stack"]

    # -- the observer events ----------------------------------------------------------------
    def enter(self, state) -> None:
        if self._cur is not None:  # the call instruction that led here: emit it now
            cstate, record, _ = self._cur
            self._cur = None
            self._emit(record)
            self._calls.append([cstate, None])
        func = state.func
        names = (func.module.names or _NO_NAMES).locals.get(func.index, {})
        args = []
        # the frame's raw locals: the typed view (state.locals) has no types for references
        for i, (t, raw) in enumerate(zip(func.type.params, state._frame.locals)):
            text = format_typed(t, raw, state_namer(state))
            args.append(f"{names[i]}={text}" if i in names else text)
        self._emit({"event": "call", "function": state.function, "depth": self._level,
                    "args": args})
        self._level += 1

    def before(self, state) -> None:
        stack = typed_stack(state)
        self._close(stack)
        k = operand_count(state)
        record = {"event": "instr", "function": state.function, "depth": self._level - 1,
                  "pc": state.pc, "offset": state.offset, "instruction": instruction_at(state),
                  "operands": stack[len(stack) - k:] if k else [], "stack": None}
        self._cur = (state, record, stack)

    def after(self, state) -> None:
        if self._calls and self._calls[-1][0] is state:  # a call into WebAssembly returned
            _, ret = self._calls.pop()
            self._open = (ret, None) if ret is not None else None
            return
        if self._cur is None or self._cur[0] is not state:
            return  # attached in the middle of an instruction
        _, record, stack = self._cur
        self._cur = None
        access = state.memory_access
        if access is not None:
            kind, address, data = access
            record["memory"] = {"access": kind, "address": address,
                                "bytes": data.hex() if isinstance(data, bytes) else None,
                                "index": getattr(access, "memory", 0)}
        self._open = (record, stack)

    def leave(self, state) -> None:
        if state.exception is not None:  # unwound by a WebAssembly exception
            self._unwind(state)
            return
        stack = self._close(None)
        if stack is None:
            stack = typed_stack(state)
        self._level -= 1
        if _tail_call(state):  # left by return_call*: the callee enters in its place,
            # and its return is the one the caller's caller waits for
            self._emit({"event": "return", "function": state.function, "depth": self._level,
                        "results": [], "stack": None, "tail_call": True})
            return
        k = state.func.nresults
        ret = {"event": "return", "function": state.function, "depth": self._level,
               "results": stack[len(stack) - k:] if k else [], "stack": None}
        if self._calls and self._calls[-1][1] is None:
            self._calls[-1][1] = ret  # completed by the caller's stack after the call
        else:
            self._emit(ret)

    def _unwind(self, state) -> None:
        if self._cur is not None and self._cur[0].func is state.func:
            self._emit(self._cur[1])  # the throwing instruction: no stack after it
            self._cur = None
        else:
            self._close(None)
        if self._calls and self._calls[-1][1] is None and self._level > 1:
            self._calls.pop()  # the call that led here does not complete
        self._level -= 1
        tag = state.exception.tag
        self._emit({"event": "unwind", "function": state.function, "depth": self._level,
                    "tag": getattr(tag, "name", "tag"),
                    "payload": [str(v) for v in state.exception.payload]})

    def trap(self, state, trap) -> None:
        if trap is self._last_trap:  # the same trap, leaving an outer invocation
            return
        self._last_trap = trap
        if self._cur is not None:
            self._emit(self._cur[1])  # the trapping instruction: no stack after it
            self._cur = None
        else:
            self._close(typed_stack(state))
        self._calls.clear()
        depth = max(self._level - 1, 0)
        self._level = 0
        self._emit({"event": "trap", "function": state.function, "depth": depth,
                    "pc": state.pc, "offset": trap.offset if trap.offset is not None
                    else state.offset, "instruction": instruction_at(state),
                    "code": trap.code.name, "message": trap.message})


def _tail_call(state) -> bool:
    """Is ``state`` (a ``leave``) a function leaving by a tail call? Its pc is then the
    ``return_call*``'s; a function that returns leaves from its end."""
    kind, instr = state.event
    return kind == "instr" and isinstance(instr, (ReturnCall, ReturnCallIndirect))


def format_record(record: dict) -> str:
    """One trace record as a line of text (see the module docstring)."""
    event = record["event"]
    depth = record["depth"]
    if event == "call":
        return f"{'  ' * depth}call {record['function']}({', '.join(record['args'])})"
    if event == "return":
        head = f"{'  ' * depth}return {record['function']}"
        if record.get("tail_call"):
            return f"{head} (tail call)"
        results = ", ".join(record["results"])
        if record["stack"] is None:
            return f"{head}: {results}" if results else head
        return _columns(f"{head}:", results, record["stack"], indent=2 * depth)
    indent = 2 * (depth + 1)
    where = f"{record['offset']:06x}: " if record.get("offset") is not None else "?: "
    if event == "trap":
        return f"{' ' * indent}trap: {record['message']} ({where}{record['instruction']})"
    if event == "unwind":
        payload = ", ".join(record["payload"])
        return f"{'  ' * depth}unwind {record['function']}: exception {record['tag']}({payload})"
    line = _columns(f"{' ' * indent}{where}{record['instruction']}",
                    ", ".join(record["operands"]), record["stack"], indent)
    memory = record.get("memory")
    if memory is not None and memory["bytes"] is not None:
        arrow = "->" if memory["access"] == "load" else "<-"
        data = " ".join(memory["bytes"][i:i + 2] for i in range(0, len(memory["bytes"]), 2))
        name = f"mem{memory['index']}" if memory.get("index") else "mem"  # multi-memory
        line += f"  ;; {name}[{memory['address']:#x}] {arrow} {data}"
    return line


def _columns(head: str, operands: str, stack: list[str] | None, indent: int) -> str:
    line = f"{head:<{indent + 8 + TEXT_WIDTH}} {operands}"
    if stack is None:
        return line.rstrip()
    line = f"{line:<{indent + 8 + TEXT_WIDTH + 1 + OPERANDS_WIDTH}} [{', '.join(stack)}]"
    return line
