"""Execution events: what the reference tier tells observers, and the state they see.

An observer is attached to a store (``store.add_observer(obs)``) and sees every
instruction the reference tier executes, in pairs: ``before(state)`` then ``after(state)``
— or ``trap(state, trap)`` if the instruction traps — plus ``enter(state)`` and
``leave(state)`` around every function call. Running out of fuel (or call depth) before an
instruction or a call starts fires ``trap`` without a ``before``: nothing began. A tail
call (``return_call*`` to a WebAssembly function) ends with its ``after``, then the caller
``leave``s (its state is at the return_call, not at its end) and the callee ``enter``s at
the same depth; the callee's ``leave`` is the one the caller's caller waits for. A plain
function works too: it is called after each instruction, like the StackVM's observers.

This is the protocol of the execution layer: ``exec.interp``'s loop driver fires these
events and builds these states; ``observe`` (the tracer, the Debugger) and the web layer
are built on it, and ``exec`` never imports them. While any observer is attached (or fuel
is on) execution runs on the instrumented path of the reference tier's loop; with none,
the plain path runs and pays nothing for this.
"""

from __future__ import annotations

from ..syntax.instructions import Block, If, Loop, TryTable, walk
from ..syntax.types import valtype
from ..syntax.values import VALUE_CLASSES, f32_to_bits, f64_to_bits
from ..valid import stack_types

__all__ = ["Observer", "ExecState", "as_observer", "note_memory_access", "finish_memory_access",
           "MemoryAccess"]


class Observer:
    """Override the events you want; each default does nothing."""

    def enter(self, state: ExecState) -> None:
        pass

    def leave(self, state: ExecState) -> None:
        pass

    def before(self, state: ExecState) -> None:
        pass

    def after(self, state: ExecState) -> None:
        pass

    def trap(self, state: ExecState, trap) -> None:
        pass


class _CallAfter(Observer):
    def __init__(self, fn):
        self.fn = fn

    def after(self, state):
        self.fn(state)


def as_observer(obj) -> Observer:
    """An Observer, or a function to call after each instruction."""
    if isinstance(obj, Observer):
        return obj
    if callable(obj):
        return _CallAfter(obj)
    raise TypeError("an observer is an Observer or a function taking the state")


def _typed(t, raw):
    if t is None or t.is_ref:
        return raw
    cls = VALUE_CLASSES[valtype(t)]
    if t == "f32":
        return cls.from_bits(f32_to_bits(raw))
    if t == "f64":
        return cls.from_bits(f64_to_bits(raw))
    return cls.from_bits(raw)


class ExecState:
    """The machine as it is at one instruction of a running module (computed on demand).

    ``function`` (name from the name section), ``func_index``, ``pc`` (index in the
    function's walk order), ``offset`` (byte offset in the file), ``instruction`` and
    ``text`` (WAT), ``stack`` (typed values, bottom first), ``raw_stack``, ``locals``
    (typed), ``frames`` (function names, outermost first), ``labels`` (the structured
    instructions enclosing this one, outermost first), ``memory`` and ``memory_access``
    (``(kind, address, bytes)`` for loads and stores, after they ran). In a ``leave``
    event, ``exception`` is the exception (an ``exec.store.ExnInst``) unwinding the
    frame when a throw leaves it without returning (None for a return).
    """

    __slots__ = ("_frame", "_frames", "pc", "_access", "after", "_depth", "exception")

    def __init__(self, frame, frames: list, pc: int):
        self._frame = frame
        self._frames = frames  # the live list of caller frames; its first _depth are ours
        self.pc = pc
        self._access = None
        self.after = False  # True once the instruction ran (in ``after`` events)
        self._depth = len(frames)
        self.exception = None

    @property
    def func(self):
        return self._frame.func

    @property
    def function(self) -> str:
        return self._frame.func.name

    @property
    def func_index(self) -> int:
        return self._frame.func.index

    @property
    def depth(self) -> int:
        """How many calls deep this instruction runs (0: the function invoked)."""
        return self._depth

    @property
    def offset(self) -> int | None:
        offsets = self._frame.func.code.offsets
        return offsets[self.pc] if offsets is not None and self.pc < len(offsets) else None

    @property
    def event(self) -> tuple[str, object]:
        events = _events(self._frame.func)
        return events[self.pc] if self.pc < len(events) else ("end", None)

    @property
    def instruction(self):
        return self.event[1]

    @property
    def text(self) -> str:
        kind, instr = self.event
        if kind == "else":
            offsets = self._frame.func.code.offsets
            if offsets is not None and self.pc + 1 < len(offsets) and (
                    offsets[self.pc] == offsets[self.pc + 1]):
                return "end"  # an if without else: the binary has only the end here
        if kind != "instr":
            return kind
        if isinstance(instr, (Block, Loop, If, TryTable)):
            return f"{instr.name} {instr.imm_text()}".rstrip()
        return str(instr)

    @property
    def raw_stack(self) -> list:
        return list(self._frame.stack)

    @property
    def stack(self) -> list:
        types = _types(self._frame.func)
        raw = self._frame.stack
        # The static type stack before this instruction, or before the next one once it
        # ran; where neither matches the run-time stack (after a branch) values stay raw.
        known = ()
        for i in ((self.pc + 1, self.pc) if self.after else (self.pc,)):
            if i < len(types) and types[i] is not None and len(types[i]) == len(raw):
                known = types[i]
                break
        return [_typed(known[i] if i < len(known) else None, v) for i, v in enumerate(raw)]

    @property
    def type_stack(self) -> tuple | None:
        """The validator's operand types before this instruction, bottom first (None in
        unreachable code)."""
        types = _types(self._frame.func)
        return types[self.pc] if 0 <= self.pc < len(types) else None

    @property
    def raw_locals(self) -> list:
        return list(self._frame.locals)

    @property
    def locals(self) -> list:
        ts = self._frame.func.info.local_types
        return [_typed(t, v) for t, v in zip(ts, self._frame.locals)]

    @property
    def frames(self) -> list[str]:
        return [fr.func.name for fr in self._frames[: self._depth]] + [self._frame.func.name]

    @property
    def labels(self) -> list:
        out: list = []
        for i, (event, instr) in enumerate(_events(self._frame.func)):
            if i >= self.pc:
                break
            if event == "instr" and isinstance(instr, (Block, Loop, If, TryTable)):
                out.append(instr)
            elif event == "end":
                out.pop()
        return out

    @property
    def memory(self):
        mems = self._frame.func.module.mems
        return mems[0] if mems else None

    @property
    def memory_access(self):
        return self._access

    def __repr__(self) -> str:
        return f"<ExecState {self.function} pc={self.pc} {self.text!r} stack={self.stack}>"


def _events(func) -> list:
    """The function's walk events (``syntax.instructions.walk``), indexed by pc."""
    prepared = func.reference
    if prepared.events is None:
        prepared.events = list(walk(func.code.body))
    return prepared.events


def _types(func) -> list:
    """The validator's operand types before each pc (None where unreachable), computed
    when an observer first asks (it walks the body again)."""
    prepared = func.reference
    if prepared.types is None:
        module = func.module.syntax
        imported = len(module.imported("func"))
        prepared.types = stack_types(module, func.index - imported)
    return prepared.types


# -- memory accesses ------------------------------------------------------------------------
class MemoryAccess(tuple):
    """A load's or store's note: ``(kind, address, data)`` — ``data`` is the access's size
    before it runs, the bytes read or written after — and ``.memory``, the index of the
    memory it reads or writes (multi-memory; 0 in most modules)."""

    def __new__(cls, kind: str, address: int, data, memory: int = 0):
        obj = super().__new__(cls, (kind, address, data))
        obj.memory = memory
        return obj

    kind = property(lambda self: self[0])
    address = property(lambda self: self[1])
    data = property(lambda self: self[2])

    def __repr__(self) -> str:
        where = f", memory={self.memory}" if self.memory else ""
        return f"MemoryAccess({self[0]!r}, {self[1]:#x}, {self[2]!r}{where})"


def note_memory_access(state: ExecState, stack: list) -> None:
    """Before a load or store runs: remember where it goes (read back after it ran)."""
    instr = state.instruction
    op = getattr(instr, "op", None)
    access = getattr(op, "access", None)
    if access is None:
        return
    n = len(op.params)  # the address is the first operand (then a value, or a vector)
    if len(stack) >= n:
        state._access = MemoryAccess(access.kind, stack[-n] + instr.offset, access.size,
                                     getattr(instr, "memory", 0))


def finish_memory_access(state: ExecState) -> None:
    """After it ran: the bytes it read or wrote."""
    if state._access is None:
        return
    kind, ea, size = state._access
    mems = state._frame.func.module.mems
    k = state._access.memory  # multi-memory: the instruction's memory
    mem = mems[k] if k < len(mems) else None
    data = bytes(mem.data[ea : ea + size]) if mem is not None and ea + size <= len(mem.data) else b""
    state._access = MemoryAccess(kind, ea, data, k)
